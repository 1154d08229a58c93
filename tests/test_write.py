"""The writers (write.py) and the output folder's rules (output.py): a build removes only what an
earlier build recorded writing, keeps every file of the user's, replaces the site in one step
(SwapWriter) or file by file (InPlaceWriter, serve), keeps unchanged files (same inode and mtime),
and leaves nothing behind, beside the output or in it."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest

from cv_site import filesystem
from cv_site import swap as swap_module
from cv_site import write as write_module
from cv_site.errors import UserError
from cv_site.output import (ASIDE_SUFFIX, MANIFEST, TEMP_FOLDER, WORK_AREA, check_place, claim, read_manifest,
                            recover)
from cv_site.swap import SwapWriter
from cv_site.write import InPlaceWriter, UnsafePathError, WriteStats

WRITERS = ["swap", "in place"]


def write(files: dict[str, bytes], out: Path, how: str = "swap", force: bool = False) -> WriteStats:
    """What the Builder does: claim the folder, stream the files in, commit (abort on failure)."""
    recorded = claim(out, force)
    writer = SwapWriter(out, recorded) if how == "swap" else InPlaceWriter(out, recorded)
    return writer.write_all(files)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and p.name != MANIFEST
    }


def leftovers(out: Path) -> list[str]:
    """What is beside the output but the work area, and in the work area but its .gitignore and
    one folder of the output's (the next build's, see SwapWriter): [] after every build."""
    found = [p.name for p in out.parent.iterdir() if p.name not in (out.name, WORK_AREA)]
    area = out.parent / WORK_AREA
    if area.is_dir():
        inside = sorted(p.name for p in area.iterdir() if p.name != ".gitignore")
        spare = [name for name in inside if name.startswith(out.name + "-")][:1]
        found += [f"{WORK_AREA}/{name}" for name in inside if name not in spare]
    return sorted(found)


@pytest.mark.parametrize("how", WRITERS)
def test_first_write_creates_everything_and_records_it(tmp_path: Path, how: str) -> None:
    out = tmp_path / "_site"
    stats = write({"index.html": b"<p>hi</p>", "a/b/c.txt": b"c"}, out, how)
    assert stats == WriteStats(written=2, unchanged=0, removed=0)
    assert snapshot(out) == {"index.html": b"<p>hi</p>", "a/b/c.txt": b"c"}
    assert read_manifest(out) == {"index.html", "a/b/c.txt"}
    assert oct(out.stat().st_mode & 0o777) == oct(0o755)
    assert leftovers(out) == []
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "a", "index.html"]


@pytest.mark.parametrize("how", WRITERS)
def test_unchanged_files_keep_inode_and_mtime_stale_ones_go(tmp_path: Path, how: str) -> None:
    out = tmp_path / "_site"
    write({"same.html": b"same", "changed.html": b"old", "gone.html": b"x", "d/gone.txt": b"y"}, out, how)
    past = 1_000_000_000
    os.utime(out / "same.html", (past, past))
    before = (out / "same.html").stat()

    stats = write({"same.html": b"same", "changed.html": b"new", "added.html": b"+"}, out, how)

    assert stats == WriteStats(written=2, unchanged=1, removed=2)
    assert stats.changed == ("added.html", "changed.html", "d/gone.txt", "gone.html")
    after = (out / "same.html").stat()
    assert (after.st_ino, after.st_mtime) == (before.st_ino, past)
    assert snapshot(out) == {"same.html": b"same", "changed.html": b"new", "added.html": b"+"}
    assert not (out / "d").exists()
    assert leftovers(out) == []
    assert not (out / TEMP_FOLDER).exists()


@pytest.mark.parametrize("how", WRITERS)
def test_same_input_twice_rewrites_nothing(tmp_path: Path, how: str) -> None:
    files = {f"p{i}/index.html": f"page {i}".encode() for i in range(20)}
    out = tmp_path / "_site"
    write(files, out, how)
    assert write(files, out, how) == WriteStats(written=0, unchanged=20, removed=0)


@pytest.mark.parametrize("how", WRITERS)
def test_the_users_files_survive_every_build(tmp_path: Path, how: str) -> None:
    out = tmp_path / "_site"
    write({"index.html": b"1", "publications/a/index.html": b"a", "publications/b/index.html": b"b"}, out, how)
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref")
    (out / "CNAME").write_text("ada.example.org")
    (out / "publications" / "a" / "slides.pdf").write_bytes(b"%PDF mine")  # beside a page that goes
    (out / "mine" / "deep").mkdir(parents=True)
    (out / "mine" / "deep" / "notes.txt").write_text("n")
    (out / "empty").mkdir()
    os.symlink("index.html", out / "link.html")

    stats = write({"index.html": b"2", ".nojekyll": b""}, out, how)

    assert stats.removed == 2
    assert snapshot(out) == {
        "index.html": b"2", ".nojekyll": b"", ".git/HEAD": b"ref", "CNAME": b"ada.example.org",
        "publications/a/slides.pdf": b"%PDF mine", "mine/deep/notes.txt": b"n", "link.html": b"2",
    }
    assert (out / "empty").is_dir()
    assert os.readlink(out / "link.html") == "index.html"
    assert not (out / "publications" / "b").exists()
    assert read_manifest(out) == {"index.html", ".nojekyll"}


def test_a_folder_of_the_users_that_is_not_empty_is_refused_without_force(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("mine")
    with pytest.raises(UserError) as raised:
        claim(out)
    assert "no cv-site build wrote it" in str(raised.value.problems[0])
    assert claim(tmp_path / "new") == frozenset()  # a folder that is not there yet
    (tmp_path / "empty").mkdir()
    assert claim(tmp_path / "empty") == frozenset()

    stats = write({"index.html": b"i", "notes.txt": b"replaced"}, out, force=True)
    assert stats.written == 2
    write({"index.html": b"i"}, out)  # notes.txt is recorded now: cv-site wrote it
    assert snapshot(out) == {"index.html": b"i"}


def test_forced_build_keeps_every_unrecorded_file(tmp_path: Path) -> None:
    out = tmp_path / "mine"
    (out / "sub").mkdir(parents=True)
    (out / "sub" / "keep.txt").write_text("k")
    write({"index.html": b"i"}, out, force=True)
    write({"other.html": b"o"}, out)
    assert snapshot(out) == {"other.html": b"o", "sub/keep.txt": b"k"}


def test_a_damaged_record_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write({"index.html": b"i"}, out)
    (out / MANIFEST).write_text('{"files": "everything"}')
    (out / "mine.txt").write_text("m")
    with pytest.raises(UserError, match="is damaged"):
        claim(out)
    assert claim(out, force=True) == frozenset()  # as if there were no record: nothing is removed
    write({"other.html": b"o"}, out, force=True)
    assert snapshot(out) == {"index.html": b"i", "mine.txt": b"m", "other.html": b"o"}
    assert read_manifest(out) == {"other.html"}


@pytest.mark.parametrize("how", WRITERS)
@pytest.mark.parametrize("bad", ["../evil.html", "/etc/passwd", "a/../../b", "a//b", "", "a\\b", "./x",
                                 MANIFEST, f"{TEMP_FOLDER}/x"])
def test_paths_outside_the_output_are_refused(tmp_path: Path, how: str, bad: str) -> None:
    out = tmp_path / "_site"
    write({"index.html": b"good"}, out, how)
    with pytest.raises(UnsafePathError):
        write({"index.html": b"bad", bad: b"x"}, out, how)
    assert snapshot(out) == {"index.html": b"good"}
    assert leftovers(out) == []
    assert not (out / TEMP_FOLDER).exists()


@pytest.mark.parametrize("how", WRITERS)
def test_a_failure_while_writing_leaves_the_old_site(tmp_path: Path, how: str, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "_site"
    write({"index.html": b"good", "other.html": b"o"}, out, how)
    (out / ".keep").write_text("k")
    calls = {"n": 0}
    real_write_new = filesystem.write_new

    def failing(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise OSError("disk full")
        return real_write_new(*args, **kwargs)

    monkeypatch.setattr(write_module, "write_new", failing)
    monkeypatch.setattr(swap_module, "write_new", failing)
    with pytest.raises(OSError, match="disk full"):
        write({"index.html": b"new", "a/b.html": b"a", "b.html": b"b"}, out, how)
    monkeypatch.undo()
    assert snapshot(out) == {"index.html": b"good", "other.html": b"o", ".keep": b"k"}
    assert leftovers(out) == []
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, ".keep", "index.html", "other.html"]


def test_in_place_update_creates_no_folder_when_only_files_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """serve at 5,000 papers = 5,000 folders: a rebuild must not make or remove them again."""
    out = tmp_path / "_site"
    files = {f"publications/p{i}/index.html": f"paper {i}".encode() for i in range(50)}
    write(files, out, "in place")
    inodes = {p.name: p.stat().st_ino for p in (out / "publications").iterdir()}
    made: list[str] = []
    real_makedirs = os.makedirs
    monkeypatch.setattr(os, "makedirs", lambda path, *a, **k: (made.append(str(path)), real_makedirs(path, *a, **k)))
    stats = write({**files, "publications/p7/index.html": b"edited"}, out, "in place")
    assert (stats.written, stats.unchanged, stats.removed) == (1, 49, 0)
    assert stats.changed == ("publications/p7/index.html",)
    assert [m for m in made if "publications/p" in m and TEMP_FOLDER not in m] == [f"{out}/publications/p7"]
    assert {p.name: p.stat().st_ino for p in (out / "publications").iterdir()} == inodes
    assert (out / "publications/p7/index.html").read_bytes() == b"edited"


def test_in_place_previous_output_known_in_memory_skips_the_disk(tmp_path: Path) -> None:
    """Serve mode passes what it wrote last time: same bytes object = on disk already."""
    out = tmp_path / "_site"
    files = {"index.html": b"i", "gone.html": b"g", "keep.html": b"k"}
    write_module.write_site(files, out)
    new = {"index.html": files["index.html"], "keep.html": b"K"}
    stats = write_module.write_site(new, out, read_manifest(out), previous=files)
    assert (stats.written, stats.unchanged, stats.removed) == (1, 1, 1)
    assert snapshot(out) == {"index.html": b"i", "keep.html": b"K"}


@pytest.mark.parametrize("how", WRITERS)
def test_a_file_becomes_a_folder_and_back(tmp_path: Path, how: str) -> None:
    out = tmp_path / "_site"
    write({"a": b"file"}, out, how)
    write({"a/index.html": b"in a folder"}, out, how)
    assert snapshot(out) == {"a/index.html": b"in a folder"}
    write({"a": b"file again"}, out, how)
    assert snapshot(out) == {"a": b"file again"}


def test_output_that_is_a_file_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    out.write_text("not a folder")
    with pytest.raises(UserError, match="this is not a folder"):
        claim(out)
    assert out.read_text() == "not a folder"


@pytest.mark.parametrize("how", WRITERS)
def test_a_stream_of_pieces_is_written_whole_and_compared_as_it_goes(tmp_path: Path, how: str) -> None:
    out = tmp_path / "_site"
    write({"big.html": iter([b"<p>", b"a" * 10_000, b"</p>"])}, out, how)
    assert (out / "big.html").read_bytes() == b"<p>" + b"a" * 10_000 + b"</p>"
    inode = (out / "big.html").stat().st_ino

    for pieces, changed in [([b"<p>" + b"a" * 10_000, b"</p>"], False),  # same bytes, cut elsewhere
                            ([b"<p>", b"a" * 10_000, b"</p>", b"!"], True),  # longer
                            ([b"<p>", b"a" * 10_000], True),  # shorter
                            ([b"<p>", b"b" * 10_000, b"</p>"], True)]:  # different
        before = (out / "big.html").read_bytes()
        stats = write({"big.html": iter(pieces)}, out, how)
        assert stats.written == int(changed)
        assert (out / "big.html").read_bytes() == (b"".join(pieces) if changed else before)
        if not changed:
            assert (out / "big.html").stat().st_ino == inode
        inode = (out / "big.html").stat().st_ino
        assert leftovers(out) == [] and not (out / TEMP_FOLDER).exists()


@pytest.mark.parametrize("how", WRITERS)
def test_a_stream_that_fails_midway_leaves_the_old_file(tmp_path: Path, how: str) -> None:
    out = tmp_path / "_site"
    write({"big.html": b"old", "new/other.html": b"o"}, out, how)

    def pieces():
        yield b"new start"
        raise RuntimeError("template error")

    with pytest.raises(RuntimeError):
        write({"big.html": pieces()}, out, how)
    assert snapshot(out) == {"big.html": b"old", "new/other.html": b"o"}
    assert leftovers(out) == [] and not (out / TEMP_FOLDER).exists()


def test_swap_without_an_exchange_call_takes_two_renames(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(swap_module, "exchange", lambda a, b: False)
    out = tmp_path / "_site"
    write({"index.html": b"1"}, out)
    (out / "mine.txt").write_text("m")
    assert write({"index.html": b"2"}, out).written == 1
    assert snapshot(out) == {"index.html": b"2", "mine.txt": b"m"}
    assert leftovers(out) == []


def test_the_exchange_call_swaps_two_folders(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "x").write_text("a")
    (tmp_path / "b").mkdir()
    if not filesystem.exchange(str(tmp_path / "a"), str(tmp_path / "b")):
        pytest.skip("this system or file system has no call that exchanges two folders")
    assert (tmp_path / "b" / "x").read_text() == "a"
    assert list((tmp_path / "a").iterdir()) == []


def test_recover_puts_the_old_site_back_when_killed_between_two_renames(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write({"index.html": b"old"}, out)
    area = tmp_path / WORK_AREA
    area.mkdir(exist_ok=True)
    out.rename(area / f"_site-0123abcd{ASIDE_SUFFIX}")  # the old site, put aside
    (area / "_site-89abcdef").mkdir()  # the new site, never renamed into place
    (area / "_site-x-89abcdef").mkdir()  # another output's: not ours to touch
    recover(out)
    assert snapshot(out) == {"index.html": b"old"}
    assert sorted(p.name for p in area.iterdir()) == [".gitignore", "_site-89abcdef", "_site-x-89abcdef"]


def test_killed_after_the_second_rename_the_old_site_is_the_next_work_folder(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write({"index.html": b"new"}, out)
    area = tmp_path / WORK_AREA
    area.mkdir(exist_ok=True)
    (area / f"_site-0123abcd{ASIDE_SUFFIX}").mkdir()
    recover(out)
    assert sorted(p.name for p in area.iterdir()) == [".gitignore", "_site-0123abcd"]
    assert snapshot(out) == {"index.html": b"new"}


def test_what_a_killed_build_left_goes_with_the_next_build(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write({"index.html": b"old", "a/b.html": b"b"}, out)
    write({"index.html": b"old", "a/b.html": b"b"}, out)  # the work area now holds the spare
    area = tmp_path / WORK_AREA
    (spare,) = [p for p in area.iterdir() if p.name != ".gitignore"]
    (spare / "half.html.cv-site-tmp").write_text("half")
    (spare / "a" / "b.html").unlink()
    (spare / "a" / "b.html").write_text("a killed build's file")  # a file of its own, not a link
    (spare / "zombie").mkdir()
    (spare / "zombie" / "page.html").write_text("z")
    older = area / "_site-00000000"
    older.mkdir()
    os.utime(older, (1, 1))
    (out / TEMP_FOLDER).mkdir()
    (out / TEMP_FOLDER / "123-0").write_text("half")

    assert write({"index.html": b"new", "a/b.html": b"b"}, out).written == 1
    assert snapshot(out) == {"index.html": b"new", "a/b.html": b"b"}
    assert leftovers(out) == []
    (spare,) = [p for p in area.iterdir() if p.name != ".gitignore"]
    assert snapshot(spare) == {"index.html": b"old", "a/b.html": b"b"}  # the last site: the next build's start


def test_the_work_folder_shares_unchanged_files_with_the_output(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    files = {f"p{i}/index.html": f"page {i}".encode() for i in range(5)}
    for _ in range(3):
        write(files, out)
    (spare,) = [p for p in (tmp_path / WORK_AREA).iterdir() if p.name != ".gitignore"]
    for path in files:
        assert (spare / path).samefile(out / path)
    assert (tmp_path / WORK_AREA / ".gitignore").read_text().endswith("*\n")


def test_an_output_that_holds_a_source_folder_through_a_link_is_refused(tmp_path: Path) -> None:
    site = tmp_path / "site"
    (tmp_path / "shared" / "data").mkdir(parents=True)
    site.mkdir()
    os.symlink(tmp_path / "shared" / "data", site / "data")
    with pytest.raises(UserError, match="this folder holds the site's data/ folder"):
        check_place(tmp_path / "shared", site)
    with pytest.raises(UserError, match="this folder is the site's data/ folder"):
        check_place(tmp_path / "shared" / "data", site)


def test_a_record_naming_paths_outside_the_output_is_refused_and_nothing_goes(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write({"index.html": b"i"}, out)
    (tmp_path / "precious.txt").write_text("mine")
    (out / MANIFEST).write_text('{"files": ["index.html", "../precious.txt"]}')
    with pytest.raises(UserError, match="is damaged"):
        claim(out)
    assert (tmp_path / "precious.txt").read_text() == "mine"


@pytest.mark.parametrize("how", WRITERS)
def test_nothing_is_written_or_removed_through_a_link_of_the_users(tmp_path: Path, how: str) -> None:
    out = tmp_path / "_site"
    elsewhere = tmp_path / "elsewhere"
    (elsewhere / "p").mkdir(parents=True)
    (elsewhere / "p" / "index.html").write_text("the user's page")
    write({"index.html": b"i", "papers/p/index.html": b"paper", "papers/q/index.html": b"q"}, out, how)
    shutil.rmtree(out / "papers" / "p")
    os.symlink(elsewhere / "p", out / "papers" / "p")  # where cv-site writes a page
    os.symlink(elsewhere, out / "shared")  # a link of the user's own

    for body in (b"paper 2", b"paper 3"):
        if how == "in place":
            with pytest.raises(UserError, match="this is a link, and cv-site writes papers/p/index.html"):
                write({"index.html": b"i", "papers/p/index.html": body}, out, how)
            write({"index.html": b"i"}, out, how)  # the paper is gone: its page is not removed through the link
        else:
            write({"index.html": b"i", "papers/p/index.html": body}, out, how)
            assert (out / "papers" / "p" / "index.html").read_bytes() == body
            assert not (out / "papers" / "p").is_symlink()
        assert (elsewhere / "p" / "index.html").read_text() == "the user's page"
        assert sorted(p.name for p in (elsewhere / "p").iterdir()) == ["index.html"]
        assert os.readlink(out / "shared") == str(elsewhere)


def test_the_output_folder_and_the_users_folders_keep_their_permissions(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write({"index.html": b"i", "assets/a.css": b"a"}, out)
    (out / "private").mkdir()
    (out / "private" / "secret.txt").write_text("s")
    (out / "private").chmod(0o700)
    (out / "open").mkdir()
    (out / "open").chmod(0o1777)
    os.mkfifo(out / "control")
    out.chmod(0o2750)
    for _ in range(2):
        write({"index.html": b"j", "assets/a.css": b"a"}, out)
        assert oct(out.stat().st_mode & 0o7777) == oct(0o2750)
        assert oct((out / "private").stat().st_mode & 0o777) == oct(0o700)
        assert oct((out / "open").stat().st_mode & 0o7777) == oct(0o1777)
        assert (out / "private" / "secret.txt").read_text() == "s"
        assert stat.S_ISFIFO((out / "control").lstat().st_mode)


def test_a_file_system_mounted_inside_the_output_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "_site"
    write({"index.html": b"i"}, out)
    (out / "mnt").mkdir()
    (out / "mnt" / "data.bin").write_bytes(b"on another disk")
    real_lstat = os.lstat

    def lstat(path, *args, **kwargs):  # out/mnt as a mount point: another device
        info = real_lstat(path, *args, **kwargs)
        if str(path) == f"{out}/mnt":
            return os.stat_result((info.st_mode, info.st_ino, info.st_dev + 1, *tuple(info)[3:]))
        return info

    monkeypatch.setattr(os, "lstat", lstat)
    with pytest.raises(UserError, match="a file system is mounted here, inside the output folder"):
        write({"index.html": b"j"}, out)
    monkeypatch.undo()
    assert snapshot(out) == {"index.html": b"i", "mnt/data.bin": b"on another disk"}


def test_an_in_place_rebuild_that_changes_no_path_leaves_the_record_alone(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write({"index.html": b"1", "a.html": b"a"}, out, "in place")
    before = (out / MANIFEST).stat().st_ino
    write({"index.html": b"2", "a.html": b"a"}, out, "in place")  # a changed file, the same paths
    assert (out / MANIFEST).stat().st_ino == before
    write({"index.html": b"2"}, out, "in place")
    assert read_manifest(out) == {"index.html"}

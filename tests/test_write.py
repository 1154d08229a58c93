"""The writer: fresh output via a temporary folder, updates file by file (changed files only, each
atomically; a failure before the renames leaves the old output), unchanged files kept (same inode
and mtime), stale files and empty folders removed, dotfiles kept, nothing outside the output folder."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from cv_site.write import OutputWriter, UnsafePathError, WriteStats, write_site


def snapshot(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_first_write_creates_everything(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    stats = write_site({"index.html": b"<p>hi</p>", "a/b/c.txt": b"c"}, out)
    assert stats == WriteStats(written=2, unchanged=0, removed=0)
    assert snapshot(out) == {"index.html": b"<p>hi</p>", "a/b/c.txt": b"c"}
    assert oct(out.stat().st_mode & 0o777) == oct(0o755)
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]  # no temporary folder left behind


def test_unchanged_files_keep_inode_and_mtime(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site({"same.html": b"same", "changed.html": b"old", "gone.html": b"x", "d/gone.txt": b"y"}, out)
    past = 1_000_000_000
    os.utime(out / "same.html", (past, past))
    before = (out / "same.html").stat()

    stats = write_site({"same.html": b"same", "changed.html": b"new", "added.html": b"+"}, out)

    assert stats == WriteStats(written=2, unchanged=1, removed=2)
    after = (out / "same.html").stat()
    assert (after.st_ino, after.st_mtime) == (before.st_ino, past)
    assert snapshot(out) == {"same.html": b"same", "changed.html": b"new", "added.html": b"+"}
    assert not (out / "d").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["_site"]


def test_same_input_twice_rewrites_nothing(tmp_path: Path) -> None:
    files = {f"p{i}/index.html": f"page {i}".encode() for i in range(20)}
    out = tmp_path / "_site"
    write_site(files, out)
    assert write_site(files, out) == WriteStats(written=0, unchanged=20, removed=0)


def test_dotfiles_of_the_old_output_are_kept(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site({"index.html": b"1"}, out)
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref")
    (out / ".htaccess").write_text("x")
    stats = write_site({"index.html": b"2", ".nojekyll": b""}, out)
    assert stats.removed == 0
    assert (out / ".git" / "HEAD").read_text() == "ref"
    assert (out / ".htaccess").read_text() == "x"
    assert (out / ".nojekyll").exists()


@pytest.mark.parametrize("bad", ["../evil.html", "/etc/passwd", "a/../../b", "a//b", "", "a\\b", "./x"])
def test_paths_outside_the_output_are_refused(tmp_path: Path, bad: str) -> None:
    out = tmp_path / "_site"
    write_site({"index.html": b"good"}, out)
    with pytest.raises(UnsafePathError):
        write_site({"index.html": b"bad", bad: b"x"}, out)
    assert snapshot(out) == {"index.html": b"good"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def test_a_failure_while_writing_leaves_the_old_site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "_site"
    write_site({"index.html": b"good", "other.html": b"o"}, out)
    (out / ".keep").write_text("k")

    real_open = open
    calls = {"n": 0}

    def failing_open(path, mode="r", *args, **kwargs):
        if "w" in mode:
            calls["n"] += 1
            if calls["n"] == 2:
                raise OSError("disk full")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", failing_open)
    with pytest.raises(OSError, match="disk full"):
        write_site({"index.html": b"new", "a.html": b"a", "b.html": b"b"}, out)
    monkeypatch.undo()
    assert snapshot(out) == {"index.html": b"good", "other.html": b"o", ".keep": b"k"}
    assert sorted(p.name for p in tmp_path.iterdir()) == ["_site"]


def test_a_failure_in_a_new_folder_removes_the_folders_it_made(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "_site"
    write_site({"index.html": b"good"}, out)
    real_open = open

    def failing_open(path, mode="r", *args, **kwargs):
        if "w" in mode and "deep" in str(path):
            raise OSError("disk full")
        return real_open(path, mode, *args, **kwargs)

    monkeypatch.setattr("builtins.open", failing_open)
    with pytest.raises(OSError, match="disk full"):
        write_site({"index.html": b"new", "a/b/deep.html": b"x"}, out)
    monkeypatch.undo()
    assert snapshot(out) == {"index.html": b"good"}
    assert sorted(p.name for p in out.iterdir()) == ["index.html"]


def test_an_update_creates_no_folder_when_only_files_change(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """5,000 papers = 5,000 folders: a rebuild must not make or remove them again."""
    out = tmp_path / "_site"
    files = {f"publications/p{i}/index.html": f"paper {i}".encode() for i in range(50)}
    write_site(files, out)
    inodes = {p.name: p.stat().st_ino for p in (out / "publications").iterdir()}
    made: list[str] = []
    real_mkdir = os.mkdir
    monkeypatch.setattr(os, "mkdir", lambda path, *a, **k: (made.append(path), real_mkdir(path, *a, **k)))
    stats = write_site({**files, "publications/p7/index.html": b"edited"}, out)
    assert (stats.written, stats.unchanged, stats.removed) == (1, 49, 0)
    assert stats.changed == ("publications/p7/index.html",)
    assert made == []
    assert {p.name: p.stat().st_ino for p in (out / "publications").iterdir()} == inodes
    assert (out / "publications/p7/index.html").read_bytes() == b"edited"
    assert not list(out.rglob("*.cv-site-tmp"))


def test_stale_files_and_their_empty_folders_go(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site({"index.html": b"i", "publications/a/index.html": b"a", "publications/a/a.bib": b"@",
                "publications/b/index.html": b"b"}, out)
    stats = write_site({"index.html": b"i", "publications/b/index.html": b"b"}, out)
    assert stats.removed == 2
    assert not (out / "publications" / "a").exists()
    assert snapshot(out) == {"index.html": b"i", "publications/b/index.html": b"b"}


def test_previous_output_known_in_memory_skips_the_disk(tmp_path: Path) -> None:
    """Serve mode passes what it wrote last time: same bytes object = on disk already."""
    out = tmp_path / "_site"
    files = {"index.html": b"i", "gone.html": b"g", "keep.html": b"k"}
    write_site(files, out)
    new = {"index.html": files["index.html"], "keep.html": b"K"}
    stats = write_site(new, out, previous=files)
    assert (stats.written, stats.unchanged, stats.removed) == (1, 1, 1)
    assert snapshot(out) == {"index.html": b"i", "keep.html": b"K"}


def test_output_that_is_a_file_is_an_error(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    out.write_text("not a folder")
    with pytest.raises(NotADirectoryError):
        write_site({"index.html": b"x"}, out)
    assert out.read_text() == "not a folder"


def test_a_stream_of_pieces_is_written_whole_and_compared_as_it_goes(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    writer = OutputWriter(out)
    writer.add("big.html", iter([b"<p>", b"a" * 10_000, b"</p>"]))
    writer.commit()
    assert (out / "big.html").read_bytes() == b"<p>" + b"a" * 10_000 + b"</p>"
    inode = (out / "big.html").stat().st_ino

    for pieces, changed in [([b"<p>" + b"a" * 10_000, b"</p>"], False),  # same bytes, cut elsewhere
                            ([b"<p>", b"a" * 10_000, b"</p>", b"!"], True),  # longer
                            ([b"<p>", b"a" * 10_000], True),  # shorter
                            ([b"<p>", b"b" * 10_000, b"</p>"], True)]:  # different
        before = (out / "big.html").read_bytes()
        writer = OutputWriter(out)
        writer.add("big.html", iter(pieces))
        stats = writer.commit()
        assert stats.written == int(changed)
        assert (out / "big.html").read_bytes() == (b"".join(pieces) if changed else before)
        if not changed:
            assert (out / "big.html").stat().st_ino == inode
        assert not list(out.rglob("*.cv-site-tmp"))


def test_a_stream_that_fails_midway_leaves_the_old_file(tmp_path: Path) -> None:
    out = tmp_path / "_site"
    write_site({"big.html": b"old", "new/other.html": b"o"}, out)

    def pieces():
        yield b"new start"
        raise RuntimeError("template error")

    writer = OutputWriter(out)
    with pytest.raises(RuntimeError):
        writer.add("big.html", pieces())
    writer.abort()
    assert snapshot(out) == {"big.html": b"old", "new/other.html": b"o"}

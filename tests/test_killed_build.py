"""A build killed (SIGKILL) at any point leaves, at the output path, the complete old site or the
complete new one, the user's files included; the next build finishes the job and leaves nothing
behind, beside the output or in it.

A driver runs `cv-site build` in a child process whose file-system calls are counted; the child
kills itself at the Nth call. A first run with no kill lists the calls, so the test can kill at
points spread over the whole build and at every call of the final swap.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from cv_site.cli import main
from cv_site.output import MANIFEST, TEMP_FOLDER, WORK_AREA
from test_write import leftovers

ROOT = Path(__file__).resolve().parent.parent

DRIVER = textwrap.dedent("""\
    import os, signal, sys

    kill_at, how = int(sys.argv[1]), sys.argv[2]
    calls = []

    def counted(name, call):
        def wrapper(*args, **kwargs):
            calls.append(name)
            if len(calls) == kill_at:
                os.kill(os.getpid(), signal.SIGKILL)
            return call(*args, **kwargs)
        return wrapper

    import cv_site.swap as swap
    for name in ("open", "write", "link", "symlink", "mkdir", "rename", "replace", "unlink", "rmdir"):
        setattr(os, name, counted(name, getattr(os, name)))
    if how == "renames":  # a system that cannot exchange two folders in one call
        swap.exchange = lambda a, b: False
    elif how == "in place":  # as for a mount point: file by file
        import pathlib
        pathlib.Path.is_mount = lambda self: True
    else:
        swap.exchange = counted("exchange", swap.exchange)

    from cv_site.cli import main
    code = main(sys.argv[3:])
    print(" ".join(calls), file=sys.stderr)
    sys.exit(code)
""")


def snapshot(folder: Path) -> dict[str, bytes]:
    """Every file and link under `folder` (but the record) with its bytes or its target."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[relative] = b"-> " + os.readlink(path).encode()
        elif path.is_file() and path.name != MANIFEST:
            found[relative] = path.read_bytes()
    return found


@pytest.fixture(scope="module")
def sites(tmp_path_factory: pytest.TempPathFactory) -> dict[str, object]:
    """An old site (with the user's files in it) and what the edited data builds."""
    base = tmp_path_factory.mktemp("killed")
    source = base / "site"
    shutil.copytree(ROOT / "data", source / "data")
    old = base / "old"
    assert main(["build", "--source", str(source), "--output", str(old), "--no-pdf"]) == 0
    (old / "notes.txt").write_text("the user's")
    (old / ".git").mkdir()
    (old / ".git" / "HEAD").write_text("ref: refs/heads/gh-pages")
    os.symlink("index.html", old / "home.html")

    cv = source / "data" / "cv.yml"
    cv.write_text(cv.read_text(encoding="utf-8").replace("Qiushan Guo", "Qiushan GUO"), encoding="utf-8")
    bib = source / "data" / "publications.bib"
    entries = bib.read_text(encoding="utf-8").split("\n@")
    bib.write_text("\n@".join(entries[:-1]) + "\n", encoding="utf-8")  # one paper fewer: its pages go
    new = base / "new"
    shutil.copytree(old, new, symlinks=True)
    assert main(["build", "--source", str(source), "--output", str(new), "--no-pdf"]) == 0
    old_files, new_files = snapshot(old), snapshot(new)
    assert old_files != new_files and old_files["notes.txt"] == new_files["notes.txt"]
    assert set(old_files) - set(new_files)  # stale pages are removed
    return {"source": source, "old": old, "old_files": old_files, "new_files": new_files, "base": base}


def run_driver(sites: dict, out: Path, kill_at: int, how: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", DRIVER, str(kill_at), how,
         "build", "--source", str(sites["source"]), "--output", str(out), "--no-pdf"],
        capture_output=True, text=True, timeout=120,
    )


def kill_points(calls: list[str], spread: int) -> list[int]:
    """`spread` points over the whole build, and every call around the swap: from a few before
    the first rename of a folder or exchange to a few after the last (call numbers count from 1;
    os.replace puts files in place inside the work folder, os.rename moves folders)."""
    swaps = [i + 1 for i, name in enumerate(calls) if name in ("exchange", "rename")]
    points = set(range(1, len(calls) + 1, max(1, len(calls) // spread)))
    if swaps:  # the in-place writer has no swap: it replaces files one by one
        points |= set(range(swaps[0] - 3, swaps[-1] + 4))
    return sorted(p for p in points if 1 <= p <= len(calls))


def reset(sites: dict, out: Path) -> None:
    """The old site at the output, and the work folder an earlier build left (see SwapWriter):
    the same start for every run, so that call N is the same call in each."""
    area = out.parent / WORK_AREA
    for folder in (out, area):
        if folder.exists():
            shutil.rmtree(folder)
    shutil.copytree(sites["old"], out, symlinks=True)
    shutil.copytree(sites["old"], area / f"{out.name}-0123abcd", symlinks=True)
    (area / f"{out.name}-0123abcd" / "stray.html").write_text("of an older site")


@pytest.mark.parametrize("how", ["exchange", "renames", "in place"])
def test_a_killed_build_leaves_one_whole_site_and_the_next_build_cleans_up(sites: dict, how: str, tmp_path: Path) -> None:
    out = tmp_path / "_site"
    reset(sites, out)
    counting = run_driver(sites, out, 0, how)
    assert counting.returncode == 0, counting.stderr
    calls = counting.stderr.split()
    assert snapshot(out) == sites["new_files"]
    if how == "exchange" and "exchange" not in calls:
        pytest.skip("the file system here cannot exchange two folders")  # the 'renames' case still runs

    points = kill_points(calls, spread=16) if how != "in place" else kill_points(calls, spread=24)
    for kill_at in points:
        reset(sites, out)
        killed = run_driver(sites, out, kill_at, how)
        assert killed.returncode == -9, (kill_at, killed.stderr)

        if how != "in place":  # serve's file-by-file writes may show a mixture until the next build
            after_kill = snapshot(out) if out.exists() else {}
            if after_kill != sites["new_files"]:
                if not out.exists():
                    assert how == "renames", f"killed at call {kill_at} ({calls[kill_at - 1]}): no site at all"
                else:
                    assert after_kill == sites["old_files"], f"killed at call {kill_at} ({calls[kill_at - 1]}): a mixed site"

        assert main(["build", "--source", str(sites["source"]), "--output", str(out), "--no-pdf"]) == 0
        assert snapshot(out) == sites["new_files"], f"killed at call {kill_at}"
        assert leftovers(out) == [], f"leftovers after a kill at call {kill_at}"
        assert not (out / TEMP_FOLDER).exists()
    assert len(points) >= 20, points


def test_killed_between_the_two_renames_the_old_site_comes_back(sites: dict, tmp_path: Path) -> None:
    """Where two renames swap the sites, a kill between them leaves no site at the output path
    for a moment; the next build (or any claim of the folder) puts the old one back first."""
    out = tmp_path / "_site"
    reset(sites, out)
    calls = run_driver(sites, out, 0, "renames").stderr.split()
    reset(sites, out)
    renames = [i + 1 for i, name in enumerate(calls) if name == "rename"]
    assert len(renames) == 3  # the output aside, the new site into place, the old one as the next work folder
    assert run_driver(sites, out, renames[1], "renames").returncode == -9
    assert not out.exists()
    assert main(["check", "--source", str(sites["source"])]) == 0  # check never touches the output

    from cv_site.output import claim, locked
    with locked(out):
        claim(out)
    assert snapshot(out) == sites["old_files"]

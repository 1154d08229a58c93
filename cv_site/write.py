"""Write stage: the only code that touches the output folder.

The new site is written into a temporary sibling folder, then swapped in with two renames, so a build
that fails (or a crash half way) leaves the last good output as it was. A file whose bytes did not
change is hard-linked from the old output instead of rewritten: it keeps its inode and mtime, which
is what a file watcher or `rsync` looks at. Files that are no longer produced disappear with the old
folder; top-level dotfiles of the old output (`.git`, `.well-known`, `.htaccess`) are carried over.
Every path must stay inside the output folder.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class WriteStats:
    written: int  # new or changed files
    unchanged: int  # same bytes as before: kept (hard link), not rewritten
    removed: int  # in the old output, not produced any more


class UnsafePathError(ValueError):
    """A path that would land outside the output folder (a bug in a renderer, never user data)."""


def check_path(path: str) -> str:
    """A relative POSIX path with no `..`, no empty or absolute parts and no backslashes."""
    if (
        not path
        or "\\" in path
        or "\0" in path
        or path.startswith("/")
        or any(part in ("", ".", "..") for part in path.split("/"))
    ):
        raise UnsafePathError(f"refusing to write outside the output folder: {path!r}")
    return path


def write_site(files: dict[str, bytes], output: Path) -> WriteStats:
    """Replace the contents of `output` with `files` ({relative path: bytes}); see the module doc."""
    for path in files:
        check_path(path)
    output = Path(os.path.abspath(output))
    if output.exists() and not output.is_dir():
        raise NotADirectoryError(f"the output {output} exists and is not a folder")
    output.parent.mkdir(parents=True, exist_ok=True)
    had_output = output.is_dir()

    staging = Path(tempfile.mkdtemp(prefix=f".cv-site-new-{output.name}-", dir=output.parent))
    try:
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a site is public
        # Plain strings and os calls: with 10,000 files, pathlib's overhead is measurable.
        old_root, new_root = str(output), str(staging)
        written = unchanged = 0
        made_dirs = {""}
        for path in sorted(files):
            data = files[path]
            parent = path.rpartition("/")[0]
            if parent not in made_dirs:
                os.makedirs(f"{new_root}/{parent}", exist_ok=True)
                while parent not in made_dirs:
                    made_dirs.add(parent)
                    parent = parent.rpartition("/")[0]
            target = f"{new_root}/{path}"
            old = f"{old_root}/{path}"
            if had_output and _same_bytes(old, data):
                os.link(old, target)
                unchanged += 1
            else:
                with open(target, "wb") as handle:
                    handle.write(data)
                written += 1
        removed = _count_stale(output, files) if had_output else 0
        if had_output:
            _swap(staging, output, files)
        else:
            os.rename(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WriteStats(written, unchanged, removed)


def _same_bytes(old: str, data: bytes) -> bool:
    try:
        info = os.lstat(old)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        with open(old, "rb") as handle:
            return handle.read() == data
    except OSError:  # missing, unreadable
        return False


def _count_stale(output: Path, files: dict[str, bytes]) -> int:
    stale = 0
    for folder, dirs, names in os.walk(output):
        relative = os.path.relpath(folder, output)
        if relative == ".":
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            names = [n for n in names if not n.startswith(".")]
        for name in names:
            path = name if relative == "." else f"{relative}/{name}".replace(os.sep, "/")
            if path not in files:
                stale += 1
    return stale


def _swap(staging: Path, output: Path, files: dict[str, bytes]) -> None:
    """old output -> trash, its dotfiles -> staging, staging -> output; undone on failure."""
    trash = Path(tempfile.mkdtemp(prefix=f".cv-site-old-{output.name}-", dir=output.parent))
    old = trash / output.name
    os.rename(output, old)
    produced_tops = {path.split("/", 1)[0] for path in files}
    moved: list[str] = []
    try:
        for entry in sorted(os.listdir(old)):
            if entry.startswith(".") and entry not in produced_tops:
                os.rename(old / entry, staging / entry)
                moved.append(entry)
        os.rename(staging, output)
    except BaseException:
        for entry in moved:  # put the last good site back as it was
            os.rename(staging / entry, old / entry)
        os.rename(old, output)
        os.rmdir(trash)
        raise
    shutil.rmtree(trash, ignore_errors=True)

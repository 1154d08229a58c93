"""Write stage: the only code that touches the output folder.

The writer is called only once everything has rendered in memory, so a build that fails (bad data,
a template error) never reaches it and the last good output stays as it was.

- No output folder yet: the site is written into a temporary sibling folder, renamed into place.
- An output folder already there: only files whose bytes changed are written, in two phases. First
  each changed file is written to a temporary file beside its target (new folders made as needed);
  if anything fails there, the temporary files and new folders are removed and the output is as it
  was. Then each temporary file is renamed over its target (atomic per file: a reader sees the old
  bytes or the new, never half), files no longer produced are removed, then folders left empty.
  A file whose bytes did not change is not touched: it keeps its inode and mtime, which is what a
  file watcher, a browser's reload or `rsync` looks at, and a 5,000-paper rebuild creates no folders.
- Dotfiles at the top of the output (`.git`, `.well-known`, `.htaccess`) are kept, unless produced.
- Every path must stay inside the output folder.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

TEMP_SUFFIX = ".cv-site-tmp"


@dataclass(frozen=True)
class WriteStats:
    written: int  # new or changed files
    unchanged: int  # same bytes as before: not rewritten
    removed: int  # in the old output, not produced any more
    changed: tuple[str, ...] = field(default=(), compare=False)  # written and removed paths, sorted


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


def write_site(files: dict[str, bytes], output: Path, previous: dict[str, bytes] | None = None) -> WriteStats:
    """Make the contents of `output` be `files` ({relative path: bytes}); see the module doc.

    `previous`: what the last call wrote to this same folder (serve mode keeps it): a file whose
    bytes are the very same object as there is known to be on disk already, and files missing
    from `files` are the stale ones, so the folder need not be read or walked.
    """
    for path in files:
        check_path(path)
    output = Path(os.path.abspath(output))
    if output.exists() and not output.is_dir():
        raise NotADirectoryError(f"the output {output} exists and is not a folder")
    if not output.is_dir():
        output.parent.mkdir(parents=True, exist_ok=True)
        return _write_fresh(files, output)
    return _update(files, str(output), previous)


def _write_fresh(files: dict[str, bytes], output: Path) -> WriteStats:
    staging = tempfile.mkdtemp(prefix=f".cv-site-new-{output.name}-", dir=output.parent)
    try:
        os.chmod(staging, 0o755)  # mkdtemp makes it private; a site is public
        # The staging folder is new and empty: the folders made so far are all there is, so no
        # folder needs a stat, and each file is one open + write + close (no Python file object).
        made_dirs = {""}
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)
        for path in sorted(files):
            parent = path.rpartition("/")[0]
            if parent not in made_dirs:
                missing = []
                while parent not in made_dirs:
                    missing.append(parent)
                    parent = parent.rpartition("/")[0]
                for folder in reversed(missing):
                    os.mkdir(f"{staging}/{folder}")
                    made_dirs.add(folder)
            _write_new(f"{staging}/{path}", files[path], flags)
        os.rename(staging, output)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return WriteStats(len(files), 0, 0, tuple(sorted(files)))


def _write_new(path: str, data: bytes, flags: int) -> None:
    fd = os.open(path, flags, 0o644)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def _make_parent(root: str, path: str, made_dirs: set[str], created: list[str] | None) -> None:
    parent = path.rpartition("/")[0]
    if parent in made_dirs:
        return
    missing = []
    while parent not in made_dirs and not os.path.isdir(f"{root}/{parent}"):
        missing.append(parent)
        parent = parent.rpartition("/")[0]
    for folder in reversed(missing):
        os.mkdir(f"{root}/{folder}")
        if created is not None:
            created.append(folder)
    parent = path.rpartition("/")[0]
    while parent not in made_dirs:
        made_dirs.add(parent)
        parent = parent.rpartition("/")[0]


def _update(files: dict[str, bytes], root: str, previous: dict[str, bytes] | None) -> WriteStats:
    # Plain strings and os calls: with 10,000 files, pathlib's overhead is measurable.
    changed = []
    unchanged = 0
    for path, data in files.items():
        if previous is not None and previous.get(path) is data:
            unchanged += 1
        elif _same_bytes(f"{root}/{path}", data):
            unchanged += 1
        else:
            changed.append(path)
    changed.sort()

    # Phase 1: every changed file beside its target; undone whole on failure.
    temps: list[tuple[str, str]] = []
    created: list[str] = []
    made_dirs = {""}
    try:
        for path in changed:
            _make_parent(root, path, made_dirs, created)
            target = f"{root}/{path}"
            folder, _, name = target.rpartition("/")
            temp = f"{folder}/.{name}{TEMP_SUFFIX}"
            with open(temp, "wb") as handle:
                temps.append((temp, target))
                handle.write(files[path])
            os.chmod(temp, 0o644)
    except BaseException:
        for temp, _ in temps:
            _unlink(temp)
        for folder in reversed(created):
            try:
                os.rmdir(f"{root}/{folder}")
            except OSError:
                pass
        raise

    # Phase 2: rename into place, then remove what is no longer produced.
    for temp, target in temps:
        if os.path.isdir(target) and not os.path.islink(target):  # a folder became a file
            shutil.rmtree(target)
        os.replace(temp, target)
    stale = _stale(files, root, previous)
    for path in stale:
        full = f"{root}/{path}"
        if os.path.isdir(full) and not os.path.islink(full):
            shutil.rmtree(full)
        else:
            _unlink(full)
    _remove_empty_folders(root, stale)
    return WriteStats(len(changed), unchanged, len(stale), tuple(sorted(changed + stale)))


def _stale(files: dict[str, bytes], root: str, previous: dict[str, bytes] | None) -> list[str]:
    if previous is not None:
        return sorted(path for path in previous if path not in files and os.path.lexists(f"{root}/{path}"))
    found = []
    for folder, dirs, names in os.walk(root):
        relative = folder[len(root) + 1:].replace(os.sep, "/")
        if not relative:  # top-level dotfiles are the user's (unless produced)
            dirs[:] = [d for d in dirs if not d.startswith(".")]
            names = [n for n in names if not n.startswith(".") or n in files]
        for name in names:
            path = f"{relative}/{name}" if relative else name
            if path not in files:
                found.append(path)
    return sorted(found)


def _remove_empty_folders(root: str, removed: list[str]) -> None:
    folders = set()
    for path in removed:
        parent = path.rpartition("/")[0]
        while parent:
            folders.add(parent)
            parent = parent.rpartition("/")[0]
    for folder in sorted(folders, key=lambda f: f.count("/"), reverse=True):
        try:
            os.rmdir(f"{root}/{folder}")
        except OSError:  # not empty, or already gone
            pass


def _unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _same_bytes(old: str, data: bytes) -> bool:
    try:
        info = os.lstat(old)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        with open(old, "rb") as handle:
            return handle.read() == data
    except OSError:  # missing, unreadable
        return False

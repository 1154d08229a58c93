"""File-system steps the writers share: new files written in one go, hard links, folder walks,
and the exchange of two folders in one system call. No policy here: write.py and swap.py decide
what goes where."""

from __future__ import annotations

import contextlib
import ctypes
import errno
import os
import threading
import shutil
import stat
import sys
from pathlib import Path
from typing import Iterable, Iterator

_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def exchange(a: str, b: str) -> bool:
    """Swap two folders in one step; False where the system or the file system cannot."""
    libc = ctypes.CDLL(None, use_errno=True)
    if sys.platform.startswith("linux") and hasattr(libc, "renameat2"):
        at_fdcwd, rename_exchange = -100, 2
        result = libc.renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    elif sys.platform == "darwin" and hasattr(libc, "renamex_np"):
        rename_swap = 2
        result = libc.renamex_np(os.fsencode(a), os.fsencode(b), rename_swap)
    else:
        return False
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.ENOSYS, errno.EINVAL, errno.ENOTSUP, errno.EOPNOTSUPP):
        return False
    raise OSError(code, os.strerror(code), a, None, b)


def write_new(path: str, pieces: Iterable[bytes], compare_with: str | None = None) -> bool:
    """Write a new file from `pieces`; True when `compare_with` names a file of the same bytes."""
    same = False
    old = None
    if compare_with is not None:
        try:
            old = open(compare_with, "rb")
            same = True
        except OSError:  # missing, a folder, unreadable
            pass
    fd = os.open(path, _NEW_FILE_FLAGS, 0o644)
    try:
        for piece in pieces:
            view = memoryview(piece)
            while view:
                view = view[os.write(fd, view):]
            same = same and old.read(len(piece)) == piece
        return same and not old.read(1)
    finally:
        os.close(fd)
        if old is not None:
            old.close()


def walk(root: str, topdown: bool) -> Iterator[tuple[str, list[str], list[str]]]:
    """os.walk as (path relative to root, folders, other names), links to folders among the names."""
    for folder, dirs, names in os.walk(root, topdown=topdown):
        links = [d for d in dirs if os.path.islink(f"{folder}/{d}")]
        for link in links:
            dirs.remove(link)
        yield folder[len(root) + 1:].replace(os.sep, "/"), dirs, names + links


def write_atomic(path: Path, data: bytes) -> None:
    """Replace the file in one step (a temporary file beside it, then a rename): whoever reads it,
    another process too, sees the old bytes or the new ones, never part of them. The folder is made
    if it is missing; on an OSError the temporary file is removed and the error raised."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temporary.write_bytes(data)
        os.replace(temporary, path)
    except OSError:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise


def link_as(source: str, target: str) -> None:
    """Make `target` the very file `source` is (a hard link; a copy where links cannot be made)."""
    if same_file(source, target):
        return
    remove(target)
    if not link(source, target):
        shutil.copy2(source, target)


def replace(temp: str, target: str) -> None:
    """Rename `temp` over `target`, which may be a folder of an earlier site (a folder became a file)."""
    if os.path.isdir(target) and not os.path.islink(target):
        remove(target)
    os.replace(temp, target)


def remove(path: str) -> None:
    if os.path.isdir(path) and not os.path.islink(path):
        shutil.rmtree(path)
    else:
        unlink(path)


def unlink(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b) and not os.path.islink(b)
    except OSError:
        return False


def link(source: str, target: str) -> bool:
    """Hard-link `source` as `target`; False where the file system cannot."""
    try:
        os.link(source, target)
        return True
    except OSError:
        return False


def same_bytes(old: str, data: bytes) -> bool:
    try:
        info = os.lstat(old)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        with open(old, "rb") as handle:
            return handle.read() == data
    except OSError:  # missing, unreadable
        return False


def folders_of(paths: Iterable[str]) -> set[str]:
    folders = set()
    for path in paths:
        parent = path.rpartition("/")[0]
        while parent and parent not in folders:
            folders.add(parent)
            parent = parent.rpartition("/")[0]
    return folders


def files_under(folder: str) -> Iterator[str]:
    """Every file (and link) under `folder`, as a path relative to it."""
    for relative, _, names in walk(folder, topdown=True):
        for name in names:
            yield f"{relative}/{name}" if relative else name


def remove_empty_folders(root: str, removed: list[str]) -> None:
    for folder in sorted(folders_of(removed), key=lambda f: f.count("/"), reverse=True):
        try:
            os.rmdir(f"{root}/{folder}")
        except OSError:  # not empty, or already gone
            pass

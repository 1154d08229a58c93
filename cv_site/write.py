"""Write stage: the only code that touches the output folder. output.py says which folder may be
one and which of its files are cv-site's (the record); everything else there is the user's and is
never removed.

Two writers with one interface: `add` streams files in as they are rendered, `commit` makes them
visible once everything rendered, `abort` undoes them (a failed build leaves the last good site).

- `SwapWriter`, for a one-shot build: the new site is made in a work folder beside the output and
  then takes the output's place in one step, so that at every instant the output path holds one
  complete site, the old or the new, even when the build is killed.
  - A file whose bytes did not change is hard-linked from the old site rather than written: it
    keeps its inode and mtime (what a file watcher, a browser's reload or rsync looks at).
  - The user's files in the old site are hard-linked into the new one before the swap.
  - The swap exchanges the two folders in one system call (Linux, macOS). Elsewhere it takes two
    renames; a build killed between them is undone by the next (output.recover).
- `InPlaceWriter`, for serve's rebuilds (a browser reloads only after a finished rebuild) and an
  output folder that is a mount point (which cannot be renamed): changed files go to
  output/.cv-site-tmp/ and are renamed over their targets on commit (atomic per file); then the
  recorded files this build did not produce are removed.

Worker processes of a parallel build (see jobs.py) write through `part()` copies of the writer
and hand back their `journal`, which the main writer `merge`s before it commits or aborts.
"""

from __future__ import annotations

import copy
import ctypes
import errno
import os
import shutil
import stat
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Union

from cv_site.errors import Problem, UserError, display_path
from cv_site.output import MANIFEST, OLD_PREFIX, TEMP_FOLDER, make_work_folder, work_folder_name, write_manifest

Content = Union[bytes, Iterable[bytes]]  # a file's bytes, or a stream of pieces (a big page is never whole)
_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


@dataclass(frozen=True)
class WriteStats:
    written: int  # new or changed files
    unchanged: int  # same bytes as before
    removed: int  # recorded by the last build, not produced any more
    changed: tuple[str, ...] = field(default=(), compare=False)  # written and removed paths, sorted


class UnsafePathError(ValueError):
    """A path that would land outside the output folder (a bug in a renderer, never user data)."""


def check_path(path: str) -> str:
    """A relative POSIX path with no `..`, no empty or absolute parts and no backslashes, which is
    not one of cv-site's own names at the top of the output."""
    if (
        not path
        or "\\" in path
        or "\0" in path
        or path.startswith("/")
        or any(part in ("", ".", "..") for part in path.split("/"))
        or path.split("/")[0] in (MANIFEST, TEMP_FOLDER)
    ):
        raise UnsafePathError(f"refusing to write outside the output folder: {path!r}")
    return path


@dataclass
class Journal:
    """What a writer did so far (picklable: worker processes send theirs to the main writer)."""

    produced: set[str] = field(default_factory=set)
    written: list[str] = field(default_factory=list)
    temps: list[tuple[str, str]] = field(default_factory=list)  # InPlaceWriter: (temporary file, path)


def write_site(files: Mapping[str, bytes], output: Path, recorded: frozenset[str] = frozenset(),
               previous: Mapping[str, bytes] | None = None) -> WriteStats:
    """Make `output` hold `files` ({relative path: bytes}) in place: serve's rebuilds (see InPlaceWriter)."""
    writer = InPlaceWriter(output, recorded, previous)
    try:
        for path, data in files.items():
            writer.add(path, data)
    except BaseException:
        writer.abort()
        raise
    return writer.commit()


class _Writer:
    """What both writers share: the journal, its parts and merges, and the folders made."""

    root: str  # where `add` writes

    def __init__(self) -> None:
        self.journal = Journal()
        self._folders = {""}  # known to exist under root

    def part(self) -> _Writer:
        """A writer for a worker process: same folder, its own journal (see merge)."""
        part = copy.copy(self)
        part.journal, part._folders = Journal(), set(self._folders)
        return part

    def merge(self, journal: Journal) -> None:
        if journal.produced & self.journal.produced:
            raise UnsafePathError(f"written twice: {sorted(journal.produced & self.journal.produced)[:3]}")
        self.journal.produced |= journal.produced
        self.journal.written += journal.written
        self.journal.temps += journal.temps

    def _claim(self, path: str) -> None:
        check_path(path)
        if path in self.journal.produced:
            raise UnsafePathError(f"written twice: {path!r}")
        self.journal.produced.add(path)

    def _make_folders(self, path: str) -> None:
        """Make the folders above `path` under root."""
        self._make_folder(path.rpartition("/")[0])

    def _make_folder(self, folder: str) -> None:
        if folder in self._folders:
            return
        os.makedirs(f"{self.root}/{folder}", exist_ok=True)  # another worker may have made it meanwhile
        while folder not in self._folders:
            self._folders.add(folder)
            folder = folder.rpartition("/")[0]


class SwapWriter(_Writer):
    """Builds the new site beside `output`, then puts it in the output's place (see the module doc).
    `recorded`: the paths earlier builds recorded writing there (output.claim)."""

    def __init__(self, output: Path, recorded: frozenset[str] = frozenset()):
        super().__init__()
        self.output = os.path.abspath(output)
        self.recorded = recorded
        self.old = self.output if os.path.isdir(self.output) else None
        self.root = make_work_folder(self.output)

    def add(self, path: str, data: Content) -> None:
        """Write one file: bytes, or a stream of bytes pieces (read once, never joined)."""
        self._claim(path)
        self._make_folders(path)
        target, old = f"{self.root}/{path}", self.old and f"{self.old}/{path}"
        if isinstance(data, bytes):
            same = old is not None and _same_bytes(old, data)
            if not (same and _link(old, target)):
                _write_new(target, [data])
        else:
            same = _write_new(target, data, compare_with=old)
            if same:  # keep the old file's inode and mtime
                os.unlink(target)
                if not _link(old, target):
                    shutil.copy2(old, target)
        if not same:
            self.journal.written.append(path)

    def commit(self) -> WriteStats:
        produced, written = self.journal.produced, self.journal.written
        removed: list[str] = []
        if self.old is not None:
            removed = sorted(p for p in self.recorded - produced if os.path.lexists(f"{self.old}/{p}"))
            self._carry_user_files()
        write_manifest(self.root, produced)
        self._swap()
        return WriteStats(len(written), len(produced) - len(written), len(removed), tuple(sorted(written + removed)))

    def abort(self) -> None:
        shutil.rmtree(self.root, ignore_errors=True)

    def _swap(self) -> None:
        if self.old is None:
            os.rename(self.root, self.output)
            return
        if not exchange(self.root, self.output):
            aside = work_folder_name(self.output, OLD_PREFIX)
            os.rename(self.output, aside)
            os.rename(self.root, self.output)  # killed between the two: output.recover undoes it
            self.root = aside
        shutil.rmtree(self.root, ignore_errors=True)  # the old site (a leftover is removed next time)

    def _carry_user_files(self) -> None:
        """Link everything in the old site that no build recorded (and this one does not replace)
        into the new site: those files are the user's."""
        ours = self.recorded | self.journal.produced | {MANIFEST}
        recorded_folders = _folders_of(self.recorded)
        for folder, dirs, names in os.walk(self.old):
            relative = os.path.relpath(folder, self.old).replace(os.sep, "/")
            prefix = "" if relative == "." else relative + "/"
            if not prefix:
                dirs[:] = [d for d in dirs if d != TEMP_FOLDER]
            for name in [d for d in dirs if os.path.islink(f"{folder}/{d}")]:
                dirs.remove(name)
                names.append(name)
            for name in names:
                if prefix + name not in ours:
                    self._carry(prefix + name)
            if prefix and not dirs and not names and relative not in recorded_folders:
                self._make_folder(relative)  # an empty folder of the user's

    def _carry(self, path: str) -> None:
        source, target = f"{self.old}/{path}", f"{self.root}/{path}"
        info = os.lstat(source)
        try:
            self._make_folders(path)
        except (FileExistsError, NotADirectoryError):  # the new site has a file where a folder was
            return
        if os.path.lexists(target):  # the new site has a file or folder of the same name
            return
        if stat.S_ISLNK(info.st_mode):
            os.symlink(os.readlink(source), target)
        elif stat.S_ISREG(info.st_mode) and not _link(source, target):
            shutil.copy2(source, target)


class InPlaceWriter(_Writer):
    """Replaces changed files inside `output` one by one (see the module doc). `previous`: what
    the last build of this process wrote there (serve keeps it): a file whose bytes are the very
    same object is known to be on disk already, so it is not even compared."""

    def __init__(self, output: Path, recorded: frozenset[str] = frozenset(), previous: Mapping[str, bytes] | None = None):
        super().__init__()
        self.output = self.root = os.path.abspath(output)
        self.recorded = recorded | frozenset(previous or ())
        self.previous = previous or {}
        self.temp = f"{self.output}/{TEMP_FOLDER}"
        os.makedirs(self.temp, exist_ok=True)

    def add(self, path: str, data: Content) -> None:
        self._claim(path)
        target = f"{self.output}/{path}"
        temp = f"{self.temp}/{os.getpid()}-{len(self.journal.temps)}"
        if isinstance(data, bytes):
            if self.previous.get(path) is data or _same_bytes(target, data):
                return
            _write_new(temp, [data])
        elif _write_new(temp, data, compare_with=target):
            os.unlink(temp)
            return
        self.journal.temps.append((temp, path))
        self.journal.written.append(path)

    def commit(self) -> WriteStats:
        produced, written = self.journal.produced, self.journal.written
        write_manifest(self.output, self.recorded | produced)  # killed below: the record is a superset
        for temp, path in self.journal.temps:
            self._make_place(path)
            os.replace(temp, f"{self.output}/{path}")
        stale = sorted(p for p in self.recorded - produced if os.path.isfile(f"{self.output}/{p}"))
        for path in stale:
            os.unlink(f"{self.output}/{path}")
        _remove_empty_folders(self.output, stale)
        write_manifest(self.output, produced)
        shutil.rmtree(self.temp, ignore_errors=True)
        return WriteStats(len(written), len(produced) - len(written), len(stale), tuple(sorted(written + stale)))

    def abort(self) -> None:
        shutil.rmtree(self.temp, ignore_errors=True)

    def _make_place(self, path: str) -> None:
        """Folders above `path`, and no folder at it: a recorded file that stands where a folder
        must now be goes; a folder where the file must now be goes if it holds only recorded files."""
        parts = path.split("/")
        for end in range(1, len(parts)):
            above = "/".join(parts[:end])
            if os.path.isfile(f"{self.output}/{above}") and above in self.recorded:
                os.unlink(f"{self.output}/{above}")
        os.makedirs(os.path.dirname(f"{self.output}/{path}"), exist_ok=True)
        target = f"{self.output}/{path}"
        if os.path.isdir(target) and not os.path.islink(target):
            inside = [f"{path}/{p}" for p in _files_under(target)]
            if any(p not in self.recorded for p in inside):
                raise UserError([Problem(display_path(target), None, None, "", "cv-site must now write a file "
                                         "where this folder is, and it holds files cv-site did not write; "
                                         "move them elsewhere and build again")])
            shutil.rmtree(target)


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


def _write_new(path: str, pieces: Iterable[bytes], compare_with: str | None = None) -> bool:
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


def _link(source: str, target: str) -> bool:
    """Hard-link `source` as `target`; False where the file system cannot."""
    try:
        os.link(source, target)
        return True
    except OSError:
        return False


def _same_bytes(old: str, data: bytes) -> bool:
    try:
        info = os.lstat(old)
        if not stat.S_ISREG(info.st_mode) or info.st_size != len(data):
            return False
        with open(old, "rb") as handle:
            return handle.read() == data
    except OSError:  # missing, unreadable
        return False


def _folders_of(paths: Iterable[str]) -> set[str]:
    folders = set()
    for path in paths:
        parent = path.rpartition("/")[0]
        while parent and parent not in folders:
            folders.add(parent)
            parent = parent.rpartition("/")[0]
    return folders


def _files_under(folder: str) -> Iterator[str]:
    for top, _, names in os.walk(folder):
        relative = os.path.relpath(top, folder).replace(os.sep, "/")
        for name in names:
            yield name if relative == "." else f"{relative}/{name}"


def _remove_empty_folders(root: str, removed: list[str]) -> None:
    for folder in sorted(_folders_of(removed), key=lambda f: f.count("/"), reverse=True):
        try:
            os.rmdir(f"{root}/{folder}")
        except OSError:  # not empty, or already gone
            pass


class OutputFiles(Mapping[str, bytes]):
    """The files of a written output, read from it when asked (a one-shot build keeps no bytes)."""

    def __init__(self, output: str | Path, paths: Iterable[str]):
        self._output = Path(output)
        self._paths = sorted(paths)
        self._known = frozenset(self._paths)

    def __getitem__(self, path: str) -> bytes:
        if path not in self._known:
            raise KeyError(path)
        return (self._output / path).read_bytes()

    def __contains__(self, path: object) -> bool:
        return path in self._known

    def __iter__(self) -> Iterator[str]:
        return iter(self._paths)

    def __len__(self) -> int:
        return len(self._paths)

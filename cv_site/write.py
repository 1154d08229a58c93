"""Write stage: the only code that touches the output folder.

Files are streamed into an `OutputWriter` as they are rendered, and become visible only when the
writer commits, after everything has rendered: a build that fails (bad data, a template error, a
full disk) aborts the writer and the last good output stays as it was.

- No output folder yet: files go into a temporary sibling folder, renamed into place on commit.
- An output folder already there: a file whose bytes did not change is not touched (it keeps its
  inode and mtime, which is what a file watcher, a browser's reload or `rsync` looks at, and a
  5,000-paper rebuild creates no folders). A changed file is written to a temporary file beside its
  target (new folders made as needed); commit renames each over its target (atomic per file: a
  reader sees the old bytes or the new, never half), then removes files no longer produced and the
  folders left empty. Abort removes the temporary files and the new folders.
- Dotfiles at the top of the output (`.git`, `.well-known`, `.htaccess`) are kept, unless produced.
- Every path must stay inside the output folder.

Worker processes of a parallel build (see jobs.py) write through `OutputWriter.part()` copies of
the writer and hand back their `journal`, which the main writer `merge`s before it commits or aborts.
"""

from __future__ import annotations

import contextlib
import copy
import os
import shutil
import stat
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator, Mapping, Union

TEMP_SUFFIX = ".cv-site-tmp"
_NEW_FILE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


Content = Union[bytes, Iterable[bytes]]  # a file's bytes, or a stream of pieces (a big page is never whole)


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
    writer = OutputWriter(output, previous)
    try:
        for path, data in files.items():
            writer.add(path, data)
    except BaseException:
        writer.abort()
        raise
    return writer.commit()


@dataclass
class Journal:
    """What a writer did so far (picklable: worker processes send theirs to the main writer)."""

    produced: set[str] = field(default_factory=set)
    written: list[str] = field(default_factory=list)
    temps: list[tuple[str, str]] = field(default_factory=list)  # (temporary file, its target)
    created: list[str] = field(default_factory=list)  # folders made in an existing output


class OutputWriter:
    """Streams files into `output`; `commit()` makes them visible, `abort()` undoes them."""

    def __init__(self, output: Path, previous: dict[str, bytes] | None = None):
        self.output = os.path.abspath(output)
        self.previous = previous
        if os.path.exists(self.output) and not os.path.isdir(self.output):
            raise NotADirectoryError(f"the output {self.output} exists and is not a folder")
        self.fresh = not os.path.isdir(self.output)
        if self.fresh:
            parent, name = os.path.split(self.output)
            os.makedirs(parent, exist_ok=True)
            self.root = tempfile.mkdtemp(prefix=f".cv-site-new-{name}-", dir=parent)
            os.chmod(self.root, 0o755)  # mkdtemp makes it private; a site is public
        else:
            self.root = self.output
        self.journal = Journal()
        self._folders = {""}  # known to exist (made, or seen) under root

    def part(self) -> OutputWriter:
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
        self.journal.created += journal.created

    def add(self, path: str, data: Content) -> None:
        """Write one file: bytes, or a stream of bytes pieces (read once, never joined)."""
        check_path(path)
        journal = self.journal
        if path in journal.produced:
            raise UnsafePathError(f"written twice: {path!r}")
        journal.produced.add(path)
        if self.fresh:
            self._make_folders(path, check=False)
            _write_new(f"{self.root}/{path}", [data] if isinstance(data, bytes) else data)
        elif isinstance(data, bytes):
            if (self.previous is not None and self.previous.get(path) is data) or _same_bytes(f"{self.root}/{path}", data):
                return
            with self._temp_file(path) as handle:
                handle.write(data)
        elif not self._write_if_changed(path, data):
            return
        journal.written.append(path)

    def _write_if_changed(self, path: str, pieces: Iterable[bytes]) -> bool:
        """A stream goes to a temporary file while it is compared with the file it would replace;
        the temporary file is kept only if they differ."""
        same = True
        with contextlib.ExitStack() as stack:
            try:
                old = stack.enter_context(open(f"{self.root}/{path}", "rb"))
            except OSError:  # missing, a folder, unreadable
                same = False
            handle = stack.enter_context(self._temp_file(path))
            for piece in pieces:
                handle.write(piece)
                same = same and old.read(len(piece)) == piece
            same = same and not old.read(1)
        if same:
            _unlink(self.journal.temps.pop()[0])
        return not same

    @contextlib.contextmanager
    def _temp_file(self, path: str) -> Iterator[BinaryIO]:
        """A new file beside `path`'s target, renamed over it on commit (see the module doc)."""
        self._make_folders(path, check=True)
        folder, _, name = f"{self.root}/{path}".rpartition("/")
        temp = f"{folder}/.{name}{TEMP_SUFFIX}"
        with open(temp, "wb") as handle:
            self.journal.temps.append((temp, f"{folder}/{name}"))
            yield handle
        os.chmod(temp, 0o644)

    def _make_folders(self, path: str, check: bool) -> None:
        """Make the folders above `path` that are missing. A fresh output starts empty, so what
        was made so far is all there is (no stat); another worker may have made one meanwhile."""
        parent = path.rpartition("/")[0]
        missing = []
        while parent not in self._folders and not (check and os.path.isdir(f"{self.root}/{parent}")):
            missing.append(parent)
            parent = parent.rpartition("/")[0]
        for folder in reversed(missing):
            try:
                os.mkdir(f"{self.root}/{folder}")
            except FileExistsError:
                continue
            if not self.fresh:
                self.journal.created.append(folder)
        parent = path.rpartition("/")[0]
        while parent not in self._folders:
            self._folders.add(parent)
            parent = parent.rpartition("/")[0]

    def commit(self) -> WriteStats:
        journal = self.journal
        produced = len(journal.produced)
        if self.fresh:
            os.rename(self.root, self.output)
            return WriteStats(produced, 0, 0, tuple(sorted(journal.produced)))
        for temp, target in journal.temps:
            if os.path.isdir(target) and not os.path.islink(target):  # a folder became a file
                shutil.rmtree(target)
            os.replace(temp, target)
        stale = self._stale()
        for path in stale:
            full = f"{self.root}/{path}"
            if os.path.isdir(full) and not os.path.islink(full):
                shutil.rmtree(full)
            else:
                _unlink(full)
        _remove_empty_folders(self.root, stale)
        written = len(journal.written)
        return WriteStats(written, produced - written, len(stale), tuple(sorted(journal.written + stale)))

    def abort(self) -> None:
        if self.fresh:
            shutil.rmtree(self.root, ignore_errors=True)
            return
        for temp, _ in self.journal.temps:
            _unlink(temp)
        for folder in sorted(self.journal.created, key=lambda f: f.count("/"), reverse=True):
            try:
                os.rmdir(f"{self.root}/{folder}")
            except OSError:
                pass

    def _stale(self) -> list[str]:
        produced, root = self.journal.produced, self.root
        if self.previous is not None:
            return sorted(p for p in self.previous if p not in produced and os.path.lexists(f"{root}/{p}"))
        found = []
        for folder, dirs, names in os.walk(root):
            relative = folder[len(root) + 1:].replace(os.sep, "/")
            if not relative:  # top-level dotfiles are the user's (unless produced)
                dirs[:] = [d for d in dirs if not d.startswith(".")]
                names = [n for n in names if not n.startswith(".") or n in produced]
            for name in names:
                path = f"{relative}/{name}" if relative else name
                if path not in produced:
                    found.append(path)
        return sorted(found)


def _write_new(path: str, pieces: Iterable[bytes]) -> None:
    """One open + write + close, with no Python file object (10,000 files: it shows)."""
    fd = os.open(path, _NEW_FILE_FLAGS, 0o644)
    try:
        for piece in pieces:
            view = memoryview(piece)
            while view:
                view = view[os.write(fd, view):]
    finally:
        os.close(fd)


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

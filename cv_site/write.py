"""Write stage: the only code that touches the output folder. output.py says which folder may be
one and which of its files are cv-site's (the record); everything else there is the user's and is
never removed.

Two writers with one interface: `add` streams files in as they are rendered, `commit` makes them
visible once everything rendered, `abort` undoes them (a failed build leaves the last good site).

- `SwapWriter` (swap.py), for a one-shot build: the new site is made beside the output and takes
  its place in one step.
- `InPlaceWriter` (here), for serve's rebuilds (a browser reloads only after a finished rebuild)
  and an output folder that is a mount point (which cannot be renamed): changed files go to
  output/.cv-site-tmp/ and are renamed over their targets on commit (atomic per file); then the
  recorded files this build did not produce are removed. Nothing is written or removed through a
  link the user put in the output.

Worker processes of a parallel build (see site/parallel_pages.py) write through `part()` copies
of the writer and hand back their `journal`, which the main writer `merge`s before it commits or
aborts.
"""

from __future__ import annotations

import copy
import itertools
import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping, Union

from cv_site.errors import Problem, UserError, display_path
from cv_site.filesystem import files_under, remove_empty_folders, same_bytes, write_new
from cv_site.output import TEMP_FOLDER, is_site_path, write_manifest

Content = Union[bytes, Iterable[bytes]]  # a file's bytes, or a stream of pieces (a big page is never whole)


@dataclass(frozen=True)
class WriteStats:
    written: int  # new or changed files
    unchanged: int  # same bytes as before
    removed: int  # recorded by the last build, not produced any more
    changed: tuple[str, ...] = field(default=(), compare=False)  # written and removed paths, sorted


class UnsafePathError(ValueError):
    """A path that would land outside the output folder (a bug in a renderer, never user data)."""


def check_path(path: str) -> str:
    """`path`, if it is a path inside the output (output.is_site_path); else UnsafePathError."""
    if not is_site_path(path):
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
    return InPlaceWriter(output, recorded, previous).write_all(files)


class Writer:
    """What both writers share: the journal, its parts and merges, and the folders made."""

    root: str  # where `add` writes

    def __init__(self) -> None:
        self.journal = Journal()
        self._folders = {""}  # known to exist under root

    def part(self) -> Writer:
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

    def add(self, path: str, data: Content) -> None:
        raise NotImplementedError

    def commit(self) -> WriteStats:
        raise NotImplementedError

    def abort(self) -> None:
        raise NotImplementedError

    def write_all(self, files: Mapping[str, Content]) -> WriteStats:
        """Add every file, then commit; abort if any fails."""
        try:
            for path, data in files.items():
                self.add(path, data)
        except BaseException:
            self.abort()
            raise
        return self.commit()

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


_temp_numbers = itertools.count()  # temporary files' names, unique in a process (pid: across processes)


class InPlaceWriter(Writer):
    """Replaces changed files inside `output` one by one (see the module doc). `previous`: what
    the last build of this process wrote there (serve keeps it): a file whose bytes are the very
    same object is known to be on disk already, so it is not even compared. `partial`: what is
    written is only part of the site (one CV's PDF): no other file is removed."""

    def __init__(self, output: Path, recorded: frozenset[str] = frozenset(), previous: Mapping[str, bytes] | None = None,
                 partial: bool = False):
        super().__init__()
        self.partial = partial
        self.output = self.root = os.path.abspath(output)
        self.on_record = recorded  # what the record in the output says now
        self.recorded = recorded | frozenset(previous or ())
        self.previous = previous or {}
        self.known: dict[str, bytes] = {}  # files that hold these very bytes now (the next build's `previous`)
        self.temp = f"{self.output}/{TEMP_FOLDER}"
        os.makedirs(self.temp, exist_ok=True)

    def add(self, path: str, data: Content) -> None:
        self._claim(path)
        target = f"{self.output}/{path}"
        temp = f"{self.temp}/{os.getpid()}-{next(_temp_numbers)}"
        if isinstance(data, bytes):
            self.known[path] = data
            if self.previous.get(path) is data or same_bytes(target, data):
                return
            write_new(temp, [data])
        elif write_new(temp, data, compare_with=target):
            os.unlink(temp)
            return
        self.journal.temps.append((temp, path))
        self.journal.written.append(path)

    def commit(self) -> WriteStats:
        produced, written = self.journal.produced, self.journal.written
        for _, path in self.journal.temps:
            if link := self._link_above(path):
                raise UserError([Problem(display_path(f"{self.output}/{link}"), None, None, "--output",
                                         f"this is a link, and cv-site writes {path} in a folder of its own here; "
                                         "remove the link (nothing is written through it) and build again")])
        if not produced <= self.on_record:  # killed below, the record still covers every new file
            write_manifest(self.output, self.recorded | produced)
        for temp, path in self.journal.temps:
            self._make_place(path)
            os.replace(temp, f"{self.output}/{path}")
        kept = produced | self.recorded if self.partial else produced
        stale = sorted(p for p in self.recorded - kept
                       if not self._link_above(p) and os.path.isfile(f"{self.output}/{p}"))
        for path in stale:
            os.unlink(f"{self.output}/{path}")
        remove_empty_folders(self.output, stale)
        if kept != self.on_record:  # a rebuild that changed no path leaves the record as it is
            write_manifest(self.output, kept)
        shutil.rmtree(self.temp, ignore_errors=True)
        return WriteStats(len(written), len(produced) - len(written), len(stale), tuple(sorted(written + stale)))

    def abort(self) -> None:
        shutil.rmtree(self.temp, ignore_errors=True)

    def _link_above(self, path: str) -> str | None:
        """The first folder above `path` that is a link (the user's: nothing goes through it)."""
        parts = path.split("/")
        for end in range(1, len(parts)):
            above = "/".join(parts[:end])
            if os.path.islink(f"{self.output}/{above}"):
                return above
        return None

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
            inside = [f"{path}/{p}" for p in files_under(target)]
            if any(p not in self.recorded for p in inside):
                raise UserError([Problem(display_path(target), None, None, "", "cv-site must now write a file "
                                         "where this folder is, and it holds files cv-site did not write; "
                                         "move them elsewhere and build again")])
            shutil.rmtree(target)


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

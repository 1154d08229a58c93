"""One .bib file between serve's loads: only the entries whose text changed are read again.

A file is read piece by piece (`bibblocks.split_pieces`: one piece from each block at the start of
a line to the next), and what an entry's piece gives depends only on its text, the block start
that follows it, the file's @string macros and the owner. So the cache keeps, for each entry's
piece, what it gave, as long as the owner and the pieces that are not one entry (@string,
@comment, @preamble, the text before the first block, a piece where a second block starts) stay
the same; those are read again every time. What it keeps moves with the entry when lines above it
are added or removed. The whole file is read again when the owner or a piece that is not an entry
changed, and when an entry takes a key that a cached one has (the message names both lines). A file
with a `crossref` is always read whole: a child takes fields from its parent's piece.
"""

from __future__ import annotations

import bisect
import dataclasses
from dataclasses import dataclass

from cv_site.errors import Problem
from cv_site.load.bibblocks import Piece, split_pieces
from cv_site.load.bibtex import load_pieces
from cv_site.model import Publication, SourceRef
from cv_site.schema import Person

_NOT_ENTRIES = ("string", "comment", "preamble")  # as bibtexparser: "@strings{" is a @string


@dataclass(frozen=True)
class _Loaded:
    """What one piece gave, at the line it was read at."""

    line: int
    publications: list[Publication]
    problems: list[Problem]


class BibFile:
    """One .bib file, loaded again and again (see the module's docstring)."""

    def __init__(self, file: str):
        self.file = file
        self.last: tuple[str, object, list[Publication], list[Problem]] | None = None
        self.context: tuple | None = None  # the owner and the pieces that are not entries
        self.cache: dict[tuple[str, str], _Loaded] = {}  # (piece text, what follows it) -> what it gave

    def load(self, text: str, person: Person | None) -> tuple[list[Publication], list[Problem]]:
        owner = (person.name, tuple(person.aliases)) if person else None
        if self.last is not None and self.last[:2] == (text, owner):
            return self.last[2], self.last[3]
        pieces = list(split_pieces(text))
        entries = [_is_entry(piece) for piece in pieces]
        context = (owner, [_key(piece) for piece, entry in zip(pieces, entries) if not entry])
        if context != self.context:
            self.cache = {}
        self.context = context
        publications, problems = self._load(pieces, entries, person)
        if _has_duplicate_keys(publications) or _has_crossref(publications):
            self.cache = {}  # a cached entry's key again, or a crossref (a child takes its parent's fields)
            publications, problems = self._load(pieces, entries, person)
        if _has_crossref(publications):
            self.cache = {}
        self.last = (text, owner, publications, problems)
        return publications, problems

    def _load(self, pieces: list[Piece], entries: list[bool],
              person: Person | None) -> tuple[list[Publication], list[Problem]]:
        """Every piece read again but the entries in the cache; the cache then holds every entry's
        piece that gave one publication (any other is read again next time: it is rare)."""
        unread = [i for i, piece in enumerate(pieces) if not entries[i] or _key(piece) not in self.cache]
        unread_pieces = [pieces[i] for i in unread]
        read = dict(zip(unread, _by_piece(unread_pieces, *load_pieces(unread_pieces, self.file, person))))
        cache: dict[tuple[str, str], _Loaded] = {}
        publications: list[Publication] = []
        problems: list[Problem] = []
        for i, piece in enumerate(pieces):
            key = _key(piece)
            loaded = read[i] if i in read else _moved(self.cache[key], piece.line)
            if entries[i] and len(loaded.publications) == 1:
                cache[key] = loaded
            publications += loaded.publications
            problems += loaded.problems
        self.cache = cache
        return publications, sorted(problems, key=lambda problem: problem.sort_key)


def _is_entry(piece: Piece) -> bool:
    """A piece that is one entry (a second block in it could define a macro)."""
    return piece.has_one_block() and not piece.kind.startswith(_NOT_ENTRIES)


def _key(piece: Piece) -> tuple[str, str]:
    return piece.text, piece.follows


def _by_piece(pieces: list[Piece], publications: list[Publication], problems: list[Problem]) -> list[_Loaded]:
    """What each of these pieces (in file order) gave: a publication or problem belongs to the last
    piece that starts on or before its line (a piece ends where the next one starts)."""
    loaded = [_Loaded(piece.line, [], []) for piece in pieces]
    starts = [piece.line for piece in pieces]

    def piece_of(line: int | None) -> _Loaded:
        assert line is not None, "every BibTeX problem has a line"
        return loaded[bisect.bisect_right(starts, line) - 1]

    for publication in publications:
        piece_of(publication.source.line).publications.append(publication)
    for problem in problems:
        piece_of(problem.line).problems.append(problem)
    return loaded


def _moved(loaded: _Loaded, line: int) -> _Loaded:
    """What a piece gave, for the piece now at `line`."""
    if loaded.line == line:
        return loaded
    delta = line - loaded.line
    publications = [dataclasses.replace(p, source=SourceRef(p.source.file, p.source.line + delta))
                    for p in loaded.publications]
    problems = [dataclasses.replace(p, line=p.line + delta) for p in loaded.problems]  # type: ignore[operator]
    return _Loaded(line, publications, problems)


def _has_duplicate_keys(publications: list[Publication]) -> bool:
    keys = {publication.key.lower() for publication in publications}
    return len(keys) < len(publications)


def _has_crossref(publications: list[Publication]) -> bool:
    return any("crossref" in publication.fields for publication in publications)

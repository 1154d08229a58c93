"""One .bib file between loads (serve): only the entries whose text changed are parsed again."""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass

from cv_site.errors import Problem
from cv_site.load.bibtex import load_bibtex
from cv_site.model import Person, Publication, SourceRef

# A block starts with "@" at the start of a line (after blanks); blocks that are not entries.
_BLOCK_START = re.compile(r"\n[ \t]*@[ \t]*(\w*)")
_NOT_ENTRIES = {"string", "preamble", "comment"}


@dataclass(frozen=True)
class _Chunk:
    """An entry's text (from its "@" line to the next block), and what loading it gave."""

    line: int  # 1-based line of the "@"
    publications: list[Publication]
    problems: list[Problem]


class BibFile:
    """One .bib file between loads. The first load parses the whole text; later, when only entry
    blocks changed (the text outside entries, @string macros included, is the same, no crossref,
    no errors), only the changed entries are parsed: the other entries are blanked out line for
    line, so lines in messages stay right. Entries that only moved get their line numbers moved."""

    def __init__(self, file: str):
        self.file = file
        self.owner: tuple | None = None
        self.outside: list[str] | None = None  # the text outside entries, block by block
        self.chunks: dict[str, _Chunk] = {}  # entry text -> what it gave
        self.result: tuple[str, list[Publication], list[Problem]] | None = None

    def load(self, text: str, person: Person | None) -> tuple[list[Publication], list[Problem]]:
        owner = (person.name, tuple(person.aliases)) if person else None
        if self.result is not None and self.result[0] == text and owner == self.owner:
            return self.result[1], self.result[2]
        split = _split_blocks(text)
        result = None
        if owner == self.owner and self.outside is not None and "crossref" not in text.lower():
            result = self._load_changes(split, person)
        if result is None:
            result = self._load_whole(text, split, person)
        self.owner = owner
        self.result = (text, *result)
        return result

    def _load_whole(self, text: str, split: "_Split", person: Person | None) -> tuple[list[Publication], list[Problem]]:
        publications, problems = load_bibtex(text, self.file, person)
        self.outside, self.chunks = None, {}
        entries = split.entries
        starts = [line for _, line in entries]
        by_line = {p.source.line: p for p in publications}
        if (len(by_line) == len(publications) == len(entries) and set(by_line) == set(starts)
                and all(p.line is not None for p in problems)):
            chunks: dict[str, _Chunk] = {}
            for index, (chunk_text, line) in enumerate(entries):
                end = entries[index + 1][1] if index + 1 < len(entries) else line + chunk_text.count("\n") + 1
                mine = [p for p in problems if line <= p.line < end]  # type: ignore[operator]
                chunks[chunk_text] = _Chunk(line, [by_line[line]], mine)
            if len(chunks) == len(entries):  # no two entries with the same text
                self.outside, self.chunks = split.outside, chunks
        return publications, problems

    def _load_changes(self, split: "_Split", person: Person | None) -> tuple[list[Publication], list[Problem]] | None:
        if split.outside != self.outside:
            return None
        changed = [(t, line) for t, line in split.entries if t not in self.chunks]
        if len(changed) > 50 or len(changed) * 2 > len(split.entries) + 1:
            return None
        changed_texts = {t for t, _ in changed}
        # The outside blocks and the changed entries, in file order; `parts` maps lines back.
        parts: list[tuple[int, int, int]] = []  # (first line here, first line in the file, lines)
        pieces: list[str] = []
        here = 1
        for (kind, chunk_text), line in zip(split.blocks, split.lines):
            if kind == "entry" and chunk_text not in changed_texts:
                continue
            lines = chunk_text.count("\n")
            parts.append((here, line, lines))
            pieces.append(chunk_text)
            here += lines

        def file_line(line: int) -> int:
            for first, original, count in parts:
                if first <= line < first + max(count, 1):
                    return original + line - first
            return line

        loaded, loaded_problems = load_bibtex("".join(pieces), self.file, person)
        if any(p.severity == "error" or p.line is None for p in loaded_problems):
            return None  # the whole file gives the exact messages
        fresh = [dataclasses.replace(p, source=SourceRef(p.source.file, file_line(p.source.line))) for p in loaded]
        fresh_problems = [dataclasses.replace(p, line=file_line(p.line)) for p in loaded_problems]  # type: ignore[arg-type]
        fresh_by_line = {p.source.line: p for p in fresh}
        if len(fresh_by_line) != len(fresh) or set(fresh_by_line) != {line for _, line in changed}:
            return None
        publications: list[Publication] = []
        problems = [p for p in fresh_problems if not any(line <= p.line < line + t.count("\n") + 1  # type: ignore[operator]
                                                         for t, line in changed)]
        chunks: dict[str, _Chunk] = {}
        keys: set[str] = set()
        for chunk_text, line in split.entries:
            chunk = self.chunks.get(chunk_text)
            if chunk is None:
                end = line + chunk_text.count("\n") + 1
                chunk = _Chunk(line, [fresh_by_line[line]], [p for p in fresh_problems if line <= p.line < end])  # type: ignore[operator]
            elif chunk.line != line:
                delta = line - chunk.line
                chunk = _Chunk(line, [dataclasses.replace(p, source=SourceRef(p.source.file, p.source.line + delta))
                                      for p in chunk.publications],
                               [dataclasses.replace(p, line=p.line + delta) for p in chunk.problems])  # type: ignore[operator]
            if chunk_text in chunks:
                return None
            chunks[chunk_text] = chunk
            for publication in chunk.publications:
                if publication.key.lower() in keys:
                    return None  # a duplicate key: the whole file names both lines
                keys.add(publication.key.lower())
            publications += chunk.publications
            problems += chunk.problems
        self.chunks = chunks
        return publications, sorted(problems, key=lambda p: p.sort_key)


@dataclass(frozen=True)
class _Split:
    """A .bib text cut into blocks: entries and the text outside them."""

    blocks: list[tuple[str, str]]  # (kind, text): "outside" or "entry", in file order
    lines: list[int]  # 1-based first line of each block
    entries: list[tuple[str, int]]  # (text, 1-based line) of each entry block
    outside: list[str]


def _split_blocks(text: str) -> _Split:
    blocks: list[tuple[str, str]] = []
    lines: list[int] = []
    entries: list[tuple[str, int]] = []
    outside: list[str] = []
    first = re.match(r"[ \t]*@[ \t]*(\w*)", text)
    starts = [(0, first.group(1).lower())] if first else []
    starts += [(m.start() + 1, m.group(1).lower()) for m in _BLOCK_START.finditer(text)]
    if not starts or starts[0][0] > 0:
        head = text[: starts[0][0] if starts else len(text)]
        blocks.append(("outside", head))
        lines.append(1)
        outside.append(head)
    line = 1 + (text.count("\n", 0, starts[0][0]) if starts else 0)
    for index, (start, kind) in enumerate(starts):
        end = starts[index + 1][0] if index + 1 < len(starts) else len(text)
        chunk = text[start:end]
        lines.append(line)
        if kind in _NOT_ENTRIES:
            blocks.append(("outside", chunk))
            outside.append(chunk)
        else:
            blocks.append(("entry", chunk))
            entries.append((chunk, line))
        line += chunk.count("\n")
    return _Split(blocks, lines, entries, outside)

"""Load stage: read `data/` (YAML + BibTeX) into one validated `SiteModel`, or raise a `UserError`
that carries every problem in every file.

    data/site.yml         settings (optional)
    data/cv.yml           the person and the CV sections (required)
    data/news.yml         news items (optional)
    data/*.bib            publications
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
import re
from pathlib import Path

from cv_site.load.bibtex import load_bibtex
from cv_site.errors import Problem, UserError, did_you_mean, display_path
from cv_site.model import (
    CvFile,
    NewsFile,
    Person,
    Publication,
    PublicationsSection,
    Settings,
    SiteModel,
    SourceRef,
)
from cv_site.load.records import Record
from cv_site.load.yamlfile import YamlDocument, parse_loc, parse_yaml, validate

SETTINGS_FILE = "site.yml"
CV_FILE = "cv.yml"
NEWS_FILE = "news.yml"


@dataclass(frozen=True)
class _Loaded:
    """One YAML file, parsed and validated (model is None when it had errors)."""

    document: YamlDocument | None
    model: Record | None


def load_site(source: Path) -> SiteModel:
    """Load and validate everything under `source/data`. Raises UserError listing every problem."""
    return Loader(source).load()


class Loader:
    """Loads a site, and again after edits (serve mode): a YAML file whose text did not change is
    not parsed again, and a .bib file where a few entries changed has only those entries parsed
    again (see `_BibFile`). Unchanged publications come back as the same objects."""

    def __init__(self, source: Path, keep: bool = True):
        """`keep=False`: load once (a one-shot build): no per-entry state is kept for a next load."""
        self.source = source
        self.keep = keep
        self._yaml: dict[Path, tuple[str, _Loaded, list[Problem]]] = {}
        self._bib: dict[Path, _BibFile] = {}

    def load(self) -> SiteModel:
        data_dir = self.source / "data"
        problems: list[Problem] = []
        if not (data_dir / CV_FILE).is_file():
            raise UserError([Problem(display_path(data_dir / CV_FILE), None, None, "",
                                     "file not found: every site needs data/cv.yml",
                                     hint="run cv-site in the folder that holds data/, or pass --source DIR")])
        settings = self._load_yaml(data_dir / SETTINGS_FILE, Settings, problems, required=False)
        cv = self._load_yaml(data_dir / CV_FILE, CvFile, problems, required=True)
        news = self._load_yaml(data_dir / NEWS_FILE, NewsFile, problems, required=False)
        person = cv.model.person if cv.model else None
        publications = self._load_publications(data_dir, person, problems)
        if cv.model:
            problems += _check_publication_keys(cv, {p.key for p in publications})
        if settings.model and cv.model:
            problems += _check_pdf_sections(settings, cv.model)

        if any(p.severity == "error" for p in problems):
            raise UserError(problems)
        assert cv.model is not None
        return SiteModel(
            settings=settings.model or Settings(),
            person=cv.model.person,
            sections=list(cv.model.sections),
            news=sorted(news.model.news if news.model else [], key=lambda n: n.date, reverse=True),
            publications=sorted(publications, key=lambda p: p.sort_key, reverse=True),
            warnings=sorted(problems, key=lambda p: p.sort_key),
        )

    def locate(self, problem: Problem) -> Problem:
        """A problem found after loading (a glyph the PDF's fonts lack) that names a data file and
        a key but no line, with the line and column where the key is written."""
        if problem.line is not None:
            return problem
        for path, (_, loaded, _) in self._yaml.items():
            document = loaded.document
            if document is not None and problem.file in (document.file, f"data/{path.name}"):
                line, column = document.position(parse_loc(problem.key))
                return dataclasses.replace(problem, file=document.file, line=line, column=column)
        return problem

    def _load_yaml(self, path: Path, model: type[Record], problems: list[Problem], *, required: bool) -> _Loaded:
        """The file parsed and validated, or what the last load made of the same bytes."""
        if not path.is_file():
            self._yaml.pop(path, None)
            return _missing_yaml(path, model, problems, required=required)
        raw = path.read_bytes()
        cached = self._yaml.get(path)
        if cached is None or cached[0] != raw:
            found: list[Problem] = []
            cached = (raw, _load_yaml(path, raw, model, found), found)
            self._yaml[path] = cached
        problems += cached[2]
        return cached[1]

    def _load_publications(self, data_dir: Path, person: Person | None,
                           problems: list[Problem]) -> list[Publication]:
        publications: list[Publication] = []
        first_seen: dict[str, Publication] = {}
        paths = sorted(data_dir.glob("*.bib"))
        for gone in set(self._bib) - set(paths):
            del self._bib[gone]
        for path in paths:
            text = read_text(path, problems)
            if text is None:
                continue
            if not self.keep:
                loaded, bib_problems = load_bibtex(text, display_path(path), person)
                del text
            else:
                bib = self._bib.get(path)
                if bib is None:
                    bib = self._bib[path] = _BibFile(display_path(path))
                loaded, bib_problems = bib.load(text, person)
            problems += bib_problems
            for publication in loaded:
                if publication.key in first_seen:
                    first = first_seen[publication.key].source
                    problems.append(Problem(
                        publication.source.file, publication.source.line, 1, publication.key,
                        f"duplicate BibTeX key (first defined in {first.file}:{first.line})",
                        hint="rename one of the two entries",
                    ))
                    continue
                first_seen[publication.key] = publication
                publications.append(publication)
        return publications


# A block starts with "@" at the start of a line (after blanks); blocks that are not entries.
_BLOCK_START = re.compile(r"\n[ \t]*@[ \t]*(\w*)")
_NOT_ENTRIES = {"string", "preamble", "comment"}


@dataclass(frozen=True)
class _Chunk:
    """An entry's text (from its "@" line to the next block), and what loading it gave."""

    line: int  # 1-based line of the "@"
    publications: list[Publication]
    problems: list[Problem]


class _BibFile:
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


def read_text(path: Path, problems: list[Problem]) -> str | None:
    """A file's text, decoded as UTF-8 (a BOM is dropped); None with a Problem when it is not."""
    return decode_text(path, path.read_bytes(), problems)


def decode_text(path: Path, raw: bytes, problems: list[Problem]) -> str | None:
    """`raw` (the bytes of `path`) as text, as `read_text`."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        problems.append(Problem(
            display_path(path), line, column, "",
            f"not UTF-8: byte 0x{raw[error.start]:02x} at offset {error.start} cannot be decoded",
            hint="save the file as UTF-8 (most editors: 'Save with encoding')",
        ))
        return None


def _missing_yaml(path: Path, model: type[Record], problems: list[Problem], *, required: bool) -> _Loaded:
    """An optional file that is absent gives the model's defaults; a required one is a problem."""
    if required:
        problems.append(Problem(display_path(path), None, None, "", "file not found"))
        return _Loaded(None, None)
    return _Loaded(None, model())


def _load_yaml(path: Path, raw: bytes, model: type[Record], problems: list[Problem]) -> _Loaded:
    text = decode_text(path, raw, problems)
    if text is None:
        return _Loaded(None, None)
    document, syntax_problems = parse_yaml(text, display_path(path))
    problems += syntax_problems
    if document is None or syntax_problems:
        return _Loaded(document, None)
    validated, validation_problems = validate(model, document)
    problems += validation_problems
    return _Loaded(document, validated)


def _check_publication_keys(cv: _Loaded, known: set[str]) -> list[Problem]:
    """A publications section that lists keys must name entries that exist."""
    assert cv.document is not None and cv.model is not None
    problems = []
    for index, section in enumerate(cv.model.sections):
        if not isinstance(section, PublicationsSection) or isinstance(section.include, str):
            continue
        for position, key in enumerate(section.include):
            if key not in known:
                problems.append(cv.document.problem(
                    ("sections", index, "include", position), "no BibTeX entry has this key",
                    value=key, hint=did_you_mean(key, known) or "check the key in data/*.bib",
                ))
    return problems


def _check_pdf_sections(settings: _Loaded, cv: CvFile) -> list[Problem]:
    """pdf.sections must name sections that exist."""
    assert settings.model is not None
    ids = [section.slug for section in cv.sections]
    wanted = settings.model.pdf.sections or []
    problems = []
    for position, section_id in enumerate(wanted):
        if section_id not in ids and settings.document is not None:
            problems.append(settings.document.problem(
                ("pdf", "sections", position), "no section in data/cv.yml has this id",
                value=section_id, hint=did_you_mean(section_id, ids) or "known ids: " + ", ".join(ids),
            ))
    return problems

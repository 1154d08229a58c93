"""Read a JSON Resume file for the import: its JSON, and each value checked for the type schema
1.0.0 gives it, every wrong one a located problem (file, line, column, key path such as
`work[2].startDate`), raised together once the whole file has been read.

Text may also be written as a number (a GPA of 3.9, a phone number); anything else of the wrong
type is an error, as is a date cv-site cannot read.
"""

from __future__ import annotations

import json
import re
from json.decoder import scanstring
from pathlib import Path
from typing import Any

from cv_site.errors import Loc, Problem, UserError, display_path, show_value
from cv_site.importers.reader import DataReader, Entry
from cv_site.text.dates import DateError, PartialDate, parse_date

DATE_HINT = "write an ISO 8601 date: 2020, 2020-09 or 2020-09-01"
_FILE_HINT = "give the path of a JSON Resume (resume.json)"
_WHITESPACE = re.compile(r"[ \t\n\r]*")
_DECODER = json.JSONDecoder()


class ResumeFile(DataReader):
    """The JSON of one file, and the problems and notes found while reading it."""

    TEXT_HINT = 'write it in quotes: "..."'
    TEXTS_HINT = 'write "{key}": ["...", "..."]'

    def __init__(self, path: Path):
        super().__init__(display_path(path))
        self.source = _read_text(path, self.file)
        try:
            self.data = json.loads(self.source)
        except json.JSONDecodeError as error:
            hint = "fix the JSON there (a missing comma or quote is the usual cause)"
            raise UserError([Problem(self.file, error.lineno, error.colno, "", f"not valid JSON: {error.msg}",
                                     hint=hint)]) from None
        except RecursionError:
            raise UserError([Problem(self.file, None, None, "", "nested too deep to be a JSON Resume",
                                     hint="give the resume.json of a CV")]) from None
        if not isinstance(self.data, dict):
            self.problem((), 'expected a JSON Resume: an object ({"basics": {...}, "work": [...], ...})',
                         self.data, "a JSON Resume is one object whose keys are its sections")
            self.raise_problems()

    def section(self, name: str) -> list[tuple[Loc, Entry]]:
        """The entries of a top-level list (with their key paths); the wrong ones are problems."""
        return self.entries(self.data, (name,))

    def entries(self, parent: Entry, loc: Loc) -> list[tuple[Loc, Entry]]:
        """The entries of the list at `loc` (its last part: the key in `parent`)."""
        value = parent.get(loc[-1])
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem(loc, "expected a list of entries", value, f'write "{loc[-1]}": [{{...}}, {{...}}]')
            return []
        return [entry for index, item in enumerate(value) if (entry := self.entry((*loc, index), item))]

    def entry(self, loc: Loc, value: Any) -> tuple[Loc, Entry] | None:
        if isinstance(value, dict):
            return loc, value
        self.problem(loc, "expected an object ({...})", value, "each entry is an object of keys and values")
        return None

    def date(self, entry: Entry, loc: Loc, key: str) -> PartialDate | None:
        text = self.text(entry, loc, key)
        if not text:
            return None
        try:
            return parse_date(text)
        except DateError as error:
            reason = str(error)
            self.problem((*loc, key), reason if reason == "not a date" else f"not a date: {reason}", text, DATE_HINT)
            return None

    def unknown_keys(self, entry: Entry, loc: Loc, known: frozenset[str]) -> None:
        for key, value in entry.items():
            if key not in known:
                self.note((*loc, key), f"not a key of JSON Resume 1.0.0; left out ({show_value(value)})")

    def position(self, loc: Loc) -> tuple[int | None, int | None]:
        index = _value_start(self.source, loc)
        if index is None:
            return None, None
        return self.source.count("\n", 0, index) + 1, index - self.source.rfind("\n", 0, index)


def _read_text(path: Path, file: str) -> str:
    if not path.exists():
        raise UserError([Problem(file, None, None, "", "no such file", hint=_FILE_HINT)])
    if not path.is_file():
        raise UserError([Problem(file, None, None, "", "not a file", hint=f"{_FILE_HINT}, not a folder")])
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError:
        raise UserError([Problem(file, None, None, "", "not UTF-8 text", hint="save it as UTF-8")]) from None


def _value_start(text: str, loc: Loc) -> int | None:
    """The index in `text` (valid JSON) where the value at `loc` starts, walking the JSON with its
    own scanner: members by key (the last of equal keys, as json.loads keeps), items by number."""
    index = _skip(text, 0)
    for part in loc:
        index = _member(text, index, part) if isinstance(part, str) else _item(text, index, part)
        if index is None:
            return None
    return index


def _member(text: str, index: int, key: str) -> int | None:
    if text[index] != "{":
        return None
    found, index = None, _skip(text, index + 1)
    while text[index] == '"':
        name, index = scanstring(text, index + 1)
        index = _skip(text, _skip(text, index) + 1)  # past the colon
        if name == key:
            found = index
        index = _skip(text, _DECODER.raw_decode(text, index)[1])
        if text[index] == ",":
            index = _skip(text, index + 1)
    return found


def _item(text: str, index: int, number: int) -> int | None:
    if text[index] != "[":
        return None
    index = _skip(text, index + 1)
    for _ in range(number):
        index = _skip(text, _DECODER.raw_decode(text, index)[1])
        index = _skip(text, index + 1)  # past the comma
    return index


def _skip(text: str, index: int) -> int:
    match = _WHITESPACE.match(text, index)
    return match.end() if match else index

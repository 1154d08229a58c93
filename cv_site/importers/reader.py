"""What reading an imported file (a JSON Resume, a RenderCV input file) shares: problems located
in the file and raised together once it is read, notes for what has no place in cv-site, and text
values checked for their type."""

from __future__ import annotations

from typing import Any

from cv_site.errors import Loc, Problem, UserError, format_loc

Entry = dict[str, Any]


class DataReader:
    """A file's data being read. Subclasses say where a key path is in the file (`position`) and
    how a wrong value should be written (the hints)."""

    TEXT_HINT = ""
    TEXTS_MESSAGE = "expected a list of text"
    TEXTS_HINT = ""  # with {key}

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []
        self.notes: list[str] = []

    def position(self, loc: Loc) -> tuple[int | None, int | None]:
        """(line, column) of the value at `loc`; (None, None) when it is not in the file."""
        raise NotImplementedError

    def problem(self, loc: Loc, message: str, value: object = None, hint: str = "") -> None:
        line, column = self.position(loc)
        self.problems.append(Problem(self.file, line, column, format_loc(loc), message, value, hint))

    def raise_problems(self) -> None:
        if self.problems:
            raise UserError(self.problems)

    def note(self, loc: Loc, message: str) -> None:
        self.notes.append(f"{format_loc(loc)}: {message}" if loc else message)

    def text(self, entry: Entry, loc: Loc, key: str) -> str:
        """A text value, stripped; "" when it is absent or null (a number is text too)."""
        return self.value_text(entry.get(key), (*loc, key))

    def value_text(self, value: Any, loc: Loc) -> str:
        if value is None:
            return ""
        if isinstance(value, bool) or not isinstance(value, (str, int, float)):
            self.problem(loc, "expected text", value, self.TEXT_HINT)
            return ""
        return str(value).strip()

    def texts(self, entry: Entry, loc: Loc, key: str) -> list[str]:
        """A list of text values, the empty ones left out."""
        value = entry.get(key)
        if value is None:
            return []
        if not isinstance(value, list):
            self.problem((*loc, key), self.TEXTS_MESSAGE, value, self.TEXTS_HINT.format(key=key))
            return []
        return [text for index, item in enumerate(value) if (text := self.value_text(item, (*loc, key, index)))]

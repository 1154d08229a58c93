"""User-facing problems with the data: where they are, what is wrong, how to fix it.

A `Problem` is bad data, never a bug. Loading collects every problem in every file; when any of
them is an error the whole list is raised as one `UserError`, which the CLI prints without a
traceback. Bugs stay ordinary exceptions and keep their traceback.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Iterable, Literal, Union

Severity = Literal["error", "warning"]
Loc = tuple[Union[str, int], ...]  # a key path in the data: ("sections", 2, "entries", 0, "date")

_MAX_VALUE_CHARS = 60


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the input, located as precisely as we know."""

    file: str
    line: int | None  # 1-based
    column: int | None  # 1-based
    key: str  # dotted key path, e.g. "sections[2].entries[0].date", or "" for the file itself
    message: str
    value: object = None  # the offending value, shown as "(got ...)"; None shows nothing
    hint: str = ""
    severity: Severity = "error"

    @property
    def location(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
            if self.column is not None:
                parts.append(str(self.column))
        return ":".join(parts)

    def __str__(self) -> str:
        text = f"{self.location}: "
        if self.severity == "warning":
            text += "warning: "
        if self.key:
            text += f"{self.key}: "
        text += self.message
        if self.value is not None:
            text += f" (got {show_value(self.value)})"
        if self.hint:
            text += f"\n    hint: {self.hint}"
        return text

    @property
    def sort_key(self) -> tuple:
        return (self.file, self.line or 0, self.column or 0, self.key)


class CitationError(ValueError):
    """A site's own citation style that cannot format a paper (citeproc-py failed on it); `style`:
    the value site.yml names it by."""

    def __init__(self, message: str, style: str):
        super().__init__(message)
        self.style = style


class UserError(Exception):
    """Bad input: carries every problem found. Printed without a traceback, exit status 1."""

    def __init__(self, problems: Iterable[Problem]):
        self.problems = sorted(problems, key=lambda p: p.sort_key)
        super().__init__(self.report())

    def __reduce__(self) -> tuple:  # pickled by its problems (from a worker process of a build)
        return UserError, (self.problems,)

    def report(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        lines = [str(p) for p in self.problems]
        noun = "error" if len(errors) == 1 else "errors"
        lines.append(f"{len(errors)} {noun} found; nothing was written.")
        return "\n".join(lines)


def format_loc(loc: Loc) -> str:
    """('sections', 2, 'entries', 0, 'date') -> 'sections[2].entries[0].date'"""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def parse_loc(key: str) -> Loc:
    """'sections[2].entries[0].date' -> ('sections', 2, 'entries', 0, 'date'): format_loc's inverse."""
    return tuple(int(part) if part.isdigit() else part for part in re.findall(r"[^.\[\]]+", key))


def show_value(value: object) -> str:
    """A short, single-line rendering of a bad value for messages."""
    if isinstance(value, str):
        text = repr(value)
    elif value is None:
        text = "nothing"
    elif isinstance(value, dict):
        text = "a mapping"
    elif isinstance(value, list):
        text = "a list"
    else:
        text = repr(value)
    if len(text) > _MAX_VALUE_CHARS:
        text = text[: _MAX_VALUE_CHARS - 3] + "..."
    return text


def did_you_mean(word: str, choices: Iterable[str]) -> str:
    """"did you mean 'x'?" for the closest choice, or "" when nothing is close."""
    import difflib  # only bad data needs it

    close = difflib.get_close_matches(word.lower(), [c for c in choices], n=1, cutoff=0.6)
    return f"did you mean '{close[0]}'?" if close else ""


def display_path(path: str | Path) -> str:
    """A path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(Path(path).resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)

"""Read a RenderCV input file for the import: its YAML (with positions, under the limits every data
file of cv-site keeps), checked for the shape RenderCV gives it; each value of the wrong type is a
located problem (file, line, column, key path such as `cv.sections.education[0].highlights`), raised
together once the whole file has been read. What has no place in cv-site becomes a note.

RenderCV's Markdown (**bold**, *italic*, [text](url), \\* for a star) is also read here, for the
fields that are plain text in cv-site.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

from cv_site.errors import Loc, Problem, UserError, display_path, show_value
from cv_site.importers.reader import DataReader, Entry
from cv_site.load.textfile import decode_text
from cv_site.load.yamlfile import parse_yaml
from cv_site.text.dates import DateError, parse_range

PLACEHOLDER = "—"
FILE_HINT = "give a RenderCV input file: the YAML that `rendercv render` reads, which starts with `cv:`"
# RenderCV's own reading of its Markdown (rendercv.renderer.templater.markdown_to_typst).
_LINK = re.compile(r"\[([^\]\[]*)\]\((.*?)\)")
_EMPHASIS = re.compile(r"\*\*\*(.+?)\*\*\*|\*\*(.+?)\*\*|\*(.+?)\*")
_STAR = "\ue010"  # stands for an escaped star (\*) while the emphasis is read
_ISO_MONTH = re.compile(r"^(\d{4})-(\d{2})$")
# Section titles RenderCV does not capitalise (rendercv.data.models.computers).
_SMALL_WORDS = frozenset("a and as at but by for from if in into like near nor of off on onto or over so than that to "
                         "upon when with yet".split())


class RenderCvFile(DataReader):
    """The YAML of one file, and the problems and notes found while reading it."""

    TEXT_HINT = "write it as text (quote it if it starts with a special character)"
    TEXTS_MESSAGE = "expected a list of texts"
    TEXTS_HINT = "write each as a list item under {key}: `- ...`"

    def __init__(self, path: Path):
        super().__init__(display_path(path))
        self.path = path
        if not path.is_file():
            raise UserError([Problem(self.file, None, None, "", "not a file", hint=FILE_HINT)])
        problems: list[Problem] = []
        text = decode_text(path, path.read_bytes(), problems)
        document, found = parse_yaml(text, self.file) if text is not None else (None, [])
        if document is None or any(problem.severity == "error" for problem in problems + found):
            raise UserError(problems + found)
        self.document = document
        self.data = document.data
        if not isinstance(self.data, dict) or "cv" not in self.data:
            shown = None if isinstance(self.data, dict) else self.data  # a mapping: its keys are the problem
            self.problem((), "expected a RenderCV input file: a mapping with a `cv:` key", shown, FILE_HINT)
        elif not isinstance(self.data["cv"], dict):
            self.problem(("cv",), "expected a mapping (name: ..., sections: ...)", self.data["cv"], FILE_HINT)
        self.raise_problems()
        self.cv: Entry = self.data["cv"]

    def position(self, loc: Loc) -> tuple[int | None, int | None]:
        return self.document.position(loc)

    def left_out(self, loc: Loc, value: object, why: str) -> None:
        self.note(loc, f"{why}; not imported ({show_value(value)})")

    # --- values ---------------------------------------------------------------------------------

    def required(self, entry: Entry, loc: Loc, key: str, entry_type: str) -> str:
        """A text RenderCV's entry type needs: a placeholder, noted, when it is missing."""
        text = self.text(entry, loc, key)
        if not text:
            self.note((*loc, key), f"missing (RenderCV's {entry_type} needs it); {PLACEHOLDER!r} written in its place: "
                                   f"fill it in data/cv.yml")
        return text or PLACEHOLDER

    def dates(self, entry: Entry, loc: Loc) -> tuple[str | int | None, str | None]:
        """(the entry's date as cv-site writes it, None), or (None, its text) when cv-site cannot
        read it (RenderCV's `date` may be any text: "Fall 2023"), noted. RenderCV reads `date`
        first, then start_date and end_date ("present" or none: ongoing)."""
        date, start, end = (cv_site_date(self.text(entry, loc, key)) for key in ("date", "start_date", "end_date"))
        if date:
            text, key = date, "date"
        elif start:
            text, key = f"{start} - {end if end and end != 'present' else 'present'}", "start_date"
        elif end:
            text, key = end, "end_date"
        else:
            return None, None
        try:
            parse_range(text)
        except DateError:
            self.note((*loc, key), f"{text!r} is not a date cv-site reads; kept as text in the entry")
            return None, text
        return int(text) if text.isdigit() else text, None


def cv_site_date(text: str) -> str:
    """RenderCV's YYYY-MM as cv-site writes a month (2020.9); other dates as they are."""
    match = _ISO_MONTH.match(text)
    return f"{match.group(1)}.{int(match.group(2))}" if match and 1 <= int(match.group(2)) <= 12 else text


def plain_text(markdown: str) -> str:
    """RenderCV's Markdown as the words it shows: a link's text, no emphasis, \\* a star."""
    return " ".join(convert_markdown(markdown, str, lambda style, inner: inner).split())


def convert_markdown(markdown: str, write_text: Callable[[str], str], wrap: Callable[[str, str], str]) -> str:
    """RenderCV's Markdown in other markup: `write_text` writes a run of text, `wrap(style, inner)`
    an emphasis ("em", "strong" or "strong em") around what is inside it, written; a link is its text."""
    return _convert(_LINK.sub(r"\1", markdown).replace("\\*", _STAR), write_text, wrap)


def _convert(text: str, write_text: Callable[[str], str], wrap: Callable[[str, str], str]) -> str:
    out, position = [], 0
    for match in _EMPHASIS.finditer(text):
        out.append(write_text(text[position:match.start()].replace(_STAR, "*")))
        bold_italic, bold, italic = match.groups()
        style, inner = ("strong em", bold_italic) if bold_italic else ("strong", bold) if bold else ("em", italic)
        out.append(wrap(style, _convert(inner, write_text, wrap)))
        position = match.end()
    out.append(write_text(text[position:].replace(_STAR, "*")))
    return "".join(out)


def section_title(key: str) -> str:
    """A section's key as RenderCV shows it: `welcome_to_RenderCV!` -> "Welcome to RenderCV!"."""
    words = key.replace("_", " ").split(" ")
    return " ".join(word.capitalize() if word.islower() and word not in _SMALL_WORDS else word for word in words)


def lines(text: str) -> list[str]:
    """The lines of a text: RenderCV makes each line of a summary a paragraph."""
    return [line.strip() for line in text.splitlines() if line.strip()]

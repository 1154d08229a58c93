"""citeproc-py's output formatter for cv-site's rich text.

citeproc-py writes a reference through a formatter: `preformat` for the style's own words and one
wrapper per kind of formatting. This one writes a style's italic and bold as the richtext markers
(ITALIC/END_ITALIC, BOLD/END_BOLD) and everything else as plain text, never HTML: the renderers
escape the text and write the markers as HTML or Typst.
"""

from __future__ import annotations

import re

from cv_site.text.richtext import BOLD, END_BOLD, END_ITALIC, ITALIC

# A style's punctuation after a run that already ends with it ("Proc." + ".").
_DOUBLED = re.compile(f"([.,;:!?])([{END_ITALIC}{END_BOLD}]+)\\1")


def _plain(text: object) -> str:
    return str(text)


def _italic(text: object) -> str:
    return f"{ITALIC}{text}{END_ITALIC}"


def _bold(text: object) -> str:
    return f"{BOLD}{text}{END_BOLD}"


class RichText:
    """The formatter (citeproc-py asks it for these names, as it does of its own modules)."""

    preformat = staticmethod(_plain)
    Italic = Oblique = staticmethod(_italic)
    Bold = staticmethod(_bold)
    Light = Underline = Superscript = Subscript = SmallCaps = staticmethod(_plain)


def tidy(text: str, close_quote: str = "") -> str:
    """The formatted reference without a doubled stop after an italic or bold run, and with a stop
    or comma after `close_quote` moved inside it (the locale's rule that citeproc-py leaves out)."""
    text = _DOUBLED.sub(r"\1\2", text)
    if close_quote and close_quote in text:
        text = re.sub(f"({re.escape(close_quote)})([.,])", r"\2\1", text)
    return text

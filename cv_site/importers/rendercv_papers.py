"""RenderCV's PublicationEntry -> BibTeX entries for data/publications.bib.

title -> title; authors -> author, in their order: a name in bold (**Name** or ***Name***, RenderCV's
way of marking the CV's owner) is the owner's, and is made an alias of the person when it is written
otherwise than the person's name; a * (\\*) or † after a name stays, cv-site's marks for equal
contribution and corresponding author; journal -> journal of an @article, or the note of an
@unpublished when the entry has no date (RenderCV's undated work); date -> year and month (or date,
with a day); doi -> doi; url -> url. RenderCV's *italic* and **bold** become \\textit and \\textbf.
Keys: the first author's family name, the year and the title's first long word (guo2024regiongpt).
Every value is escaped so that cv-site reads back the text as written.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from cv_site.errors import Loc
from cv_site.importers.bibwrite import LINK_FIELDS, ascii_text, entry_text, field_value, tex_escaped, unique_key
from cv_site.importers.rendercv_read import Entry, RenderCvFile, convert_markdown, plain_text
from cv_site.links import is_safe_url
from cv_site.text.dates import DateError, PartialDate, parse_date

_BOLD = re.compile(r"^(\*\*\*?)(.+?)\1(.*)$")
_ITALIC = re.compile(r"^\*([^*].*?)\*$")
_MARKS = re.compile(r"^(.*?)((?:\\?\*|†|\s)*)$")
_OTHERS = frozenset({"others", "et al.", "et al"})
# TeX's special characters, and the pairs (--, '') that it would make into one dash or quote.
_LATEX_STYLES = {"em": r"\textit{{{}}}", "strong": r"\textbf{{{}}}", "strong em": r"\textbf{{\textit{{{}}}}}"}


class Papers:
    """The BibTeX entries of the file's publications, and the names its owner is written with."""

    def __init__(self) -> None:
        self.entries: list[str] = []
        self.keys: set[str] = set()
        self.owner_names: list[str] = []

    def bibtex(self) -> str | None:
        if not self.entries:
            return None
        return "% Imported from RenderCV by `cv-site import-rendercv`.\n\n" + "\n".join(self.entries)

    def add(self, file: RenderCvFile, loc: Loc, entry: Entry) -> str:
        """The entry as BibTeX; its key."""
        title = file.required(entry, loc, "title", "PublicationEntry")
        authors = [self._author(author) for author in file.texts(entry, loc, "authors")]
        first_author = authors[0][0] if authors else ""
        venue = file.text(entry, loc, "journal")
        date = _date(file, entry, loc)
        fields = {"title": _latex(title), "author": " and ".join(bibtex for _, bibtex in authors)}
        if date:
            entry_type = "article"
            fields["journal"] = _latex(venue)
            fields.update({"date": date.iso} if date.day else {"year": str(date.year), "month": str(date.month or "")})
        else:
            entry_type = "unpublished"
            fields["note"] = _latex(venue)
        fields["doi"] = file.text(entry, loc, "doi")
        fields["url"] = _url(file, entry, loc)
        key = unique_key(_key(first_author, date, plain_text(title)), self.keys)
        self.entries.append(entry_text(entry_type, key, {name: field_value(name, value) if name in LINK_FIELDS else value
                                                          for name, value in fields.items()}))
        return key

    def _author(self, written: str) -> tuple[str, str]:
        """One name of `authors`: (the name, as BibTeX writes it with its marks); the owner's is
        remembered."""
        bold = _BOLD.match(written)
        name, after = (bold.group(2), bold.group(3)) if bold else (_ITALIC.sub(r"\1", written), "")
        name, marks = _MARKS.match(name).groups()  # type: ignore[union-attr]
        marks = re.sub(r"\s", "", (marks + after).replace("\\*", "*"))
        name = plain_text(name)
        if name.lower() in _OTHERS:
            return name, "others"
        if bold:
            self.owner_names.append(name)
        return name, tex_escaped(name) + marks


def _date(file: RenderCvFile, entry: Entry, loc: Loc) -> PartialDate | None:
    text = file.text(entry, loc, "date")
    if not text:
        return None
    try:
        return parse_date(text)
    except DateError:
        file.left_out((*loc, "date"), text, "not a date cv-site reads; the paper is listed as unpublished")
        return None


def _url(file: RenderCvFile, entry: Entry, loc: Loc) -> str:
    url = file.text(entry, loc, "url")
    if url and (urlsplit(url).scheme not in ("http", "https") or not is_safe_url(url)):
        file.left_out((*loc, "url"), url, "only http(s) addresses are kept")
        return ""
    return url


def _key(author: str, date: PartialDate | None, title: str) -> str:
    """guo2024regiongpt: the first author's family name, the year, the title's first long word."""
    family = author.split(",")[0] if "," in author else "".join(author.split()[-1:])
    words = re.findall(r"[a-z0-9]+", ascii_text(title).lower())
    word = next((word for word in words if len(word) > 3), words[0] if words else "")
    key = re.sub(r"[^a-z0-9]", "", ascii_text(family).lower()) + (str(date.year) if date else "") + word
    return key or "paper"


def _latex(markdown: str) -> str:
    return convert_markdown(markdown, tex_escaped, lambda style, inner: _LATEX_STYLES[style].format(inner))

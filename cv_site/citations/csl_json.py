"""A `Publication` as the CSL-JSON item citeproc-py reads (`citeproc.source.json.CiteProcJSON`):
its CSL type, its variables and its names.

BibTeX and biblatex entry types map to CSL types; the fields map to CSL variables by the entry's
kind (`number` is an issue in a journal, a report's number elsewhere). An arXiv preprint is a CSL
`article` (CSL's type for preprints and working papers) published by arXiv with its identifier;
unpublished work is a `manuscript`. Text keeps cv-site's rich-text markers; math is wrapped as
"nocase" so that a style's title case never changes a formula.
"""

from __future__ import annotations

import re
from typing import Any

from cv_site.citations.names import MarkedNames, clean
from cv_site.model import Publication
from cv_site.text.richtext import END_MATH, MATH

CSL_TYPES = {
    "article": "article-journal", "periodical": "periodical",
    "book": "book", "mvbook": "book", "collection": "book", "mvcollection": "book",
    "proceedings": "book", "mvproceedings": "book", "reference": "book", "manual": "book",
    "inbook": "chapter", "bookinbook": "chapter", "incollection": "chapter", "suppbook": "chapter",
    "suppcollection": "chapter", "inreference": "entry-encyclopedia",
    "inproceedings": "paper-conference", "conference": "paper-conference",
    "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "techreport": "report", "report": "report",
    "online": "webpage", "electronic": "webpage", "www": "webpage",
    "software": "software", "dataset": "dataset", "patent": "patent", "standard": "standard",
    "booklet": "pamphlet", "unpublished": "manuscript", "misc": "article",
}  # fmt: skip
THESIS_GENRES = {"phdthesis": "Doctoral dissertation", "mastersthesis": "Master's thesis"}
# The entry types whose `booktitle` is the book or proceedings they appeared in.
_IN_A_BOOK = frozenset({"paper-conference", "chapter", "entry-encyclopedia"})
_PLAIN_VARIABLES = {
    "edition": "edition", "isbn": "ISBN", "issn": "ISSN", "url": "URL", "version": "version",
    "chapter": "chapter-number", "howpublished": "medium",
}  # fmt: skip
_MATH_RUN = re.compile(f"{MATH}[^{END_MATH}]*(?:{END_MATH}|$)")
_NOCASE, _END_NOCASE = '<span class="nocase">', "</span>"
ITEM_ID = "item"  # the one reference of each bibliography formatted


def csl_item(p: Publication) -> tuple[dict[str, Any], MarkedNames]:
    """The publication as one CSL-JSON item, and its names to find again in the output."""
    names = MarkedNames()
    csl_type = _csl_type(p)
    item: dict[str, Any] = {"id": ITEM_ID, "type": csl_type}
    fields = p.fields

    def text(variable: str, value: str) -> None:
        if value.strip():
            item[variable] = _protected(clean(value.strip()))

    text("title", p.styled_text("title"))
    if p.authors:
        item["author"] = [names.csl_name(a) for a in p.authors if not a.is_others]
    if p.editors:
        item["editor"] = [names.csl_name(a) for a in p.editors if not a.is_others]
    if p.year:
        date = [p.year] + ([p.month] if p.month else []) + ([p.day] if p.month and p.day else [])
        item["issued"] = {"date-parts": [date]}

    text("container-title", _container(p, csl_type))
    text("collection-title", p.styled_text("series"))
    text("volume", fields.get("volume", ""))
    number = fields.get("number", "") or fields.get("issue", "")
    if csl_type in ("article-journal", "periodical"):
        text("issue", number)
    elif fields.get("series") and csl_type in ("book", "chapter", "paper-conference"):
        text("collection-number", number)
    else:
        text("number", number)
    text("page", fields.get("pages", ""))
    text("publisher", _publisher(p, csl_type))
    text("publisher-place", fields.get("address", "") or fields.get("location", ""))
    text("genre", fields.get("type", "") or THESIS_GENRES.get(p.entry_type, ""))
    text("DOI", p.doi)
    for name, variable in _PLAIN_VARIABLES.items():
        text(variable, fields.get(name, ""))
    if p.status == "submitted":
        text("status", "submitted")
    if p.arxiv_id:
        _arxiv(item, p, csl_type)
    if p.status != "published":
        text("note", fields.get("note", ""))
    return item, names


def _csl_type(p: Publication) -> str:
    if p.status == "preprint":
        return "article"
    if p.entry_type == "article" and not (p.fields.get("journal") or p.fields.get("journaltitle")):
        return "article"
    return CSL_TYPES.get(p.entry_type, "article")


def _container(p: Publication, csl_type: str) -> str:
    if csl_type in ("article-journal", "periodical"):
        return p.styled_text("journal") or p.styled_text("journaltitle")
    if csl_type in _IN_A_BOOK:
        return p.styled_text("booktitle") or p.styled_text("maintitle")
    return ""


def _publisher(p: Publication, csl_type: str) -> str:
    fields = p.fields
    if csl_type == "thesis":
        return fields.get("school", "") or fields.get("institution", "")
    if csl_type == "report":
        return fields.get("institution", "") or fields.get("publisher", "")
    return fields.get("publisher", "") or fields.get("organization", "")


def _arxiv(item: dict[str, Any], p: Publication, csl_type: str) -> None:
    """A preprint on arXiv: arXiv is its publisher, its abstract page its URL (APA's form)."""
    if csl_type in ("article", "manuscript"):
        item.setdefault("publisher", "arXiv")
        if "DOI" not in item:
            item.setdefault("URL", f"https://arxiv.org/abs/{clean(p.arxiv_id)}")


def _protected(text: str) -> str:
    """Math runs kept as they are whatever the style's text case (citeproc-py's "nocase")."""
    if MATH not in text:
        return text
    return _MATH_RUN.sub(lambda m: _NOCASE + m.group() + _END_NOCASE, text)

"""One BibTeX entry (its values resolved, still LaTeX) -> a `Publication`: fields decoded to Unicode
(`text/latex.py`), names read and the owner flagged (`text/names.py`), date, status and links
derived, and the BibTeX that the site shows and offers for download written.

al-folio's `papers.bib` loads unchanged: its custom fields (`selected`, `abbr`, `pdf`, `code`...)
and its bare PDF file names, which live in `assets/pdf/`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cv_site.errors import Problem, Severity
from cv_site.labels import MONTH_NAMES
from cv_site.links import ARXIV_PREFIX, PAPER_LINK_KINDS, Link, UNSAFE_LINK, is_safe_url, make_link, readable_url
from cv_site.model import Publication, SourceRef
from cv_site.schema import Settings
from cv_site.text.dates import MONTHS, DateError, parse_date
from cv_site.text.latex import latex_to_marked, unescape_url, unknown_commands
from cv_site.text.names import NameList, OwnerMatcher, read_names
from cv_site.text.richtext import has_markers, plain

# The fields kept in the BibTeX that the site shows and offers for download, in this order.
STANDARD_FIELDS = (
    "author", "editor", "title", "booktitle", "journal", "journaltitle", "year", "month", "date",
    "volume", "number", "pages", "publisher", "address", "organization", "school", "institution",
    "series", "edition", "chapter", "howpublished", "note", "doi", "url", "eprint", "archiveprefix",
    "eprinttype", "primaryclass", "isbn", "issn", "type", "pubstate", "urldate", "language",
)  # fmt: skip
_STANDARD_ORDER = {name: index for index, name in enumerate(STANDARD_FIELDS)}
# Fields holding URLs, ids or file names: LaTeX escapes go, but a ~ or -- stays as it is.
VERBATIM_FIELDS = frozenset(
    [*PAPER_LINK_KINDS, "url", "eprint", "preview", "file", "isbn", "issn", "google_scholar_id",
     "altmetric", "dimensions", "inspirehep_id", "crossref"]
)  # fmt: skip
NAME_FIELDS = ("author", "editor")
_LINK_FIELDS = (*PAPER_LINK_KINDS, "url")
# The fields a reader sees: in a paper's line, page, links, reference in a citation style (views/,
# citations/) or BibTeX (STANDARD_FIELDS), and those that choose what a CV lists (al-folio's
# `selected`, the default tag fields). Given twice with two values, it matters which was meant.
SHOWN_FIELDS = frozenset(
    [*STANDARD_FIELDS, *_LINK_FIELDS, "abstract", "annotation", "award", "abbr", "selected", "preview",
     "crossref", "eventtitle", "maintitle", "location", "holder", "version", "issue", "eprintclass",
     *Settings.model_fields["tag_fields"].default]
)  # fmt: skip
# al-folio keeps these next to the page when given as a bare file name.
ASSET_LINK_KINDS = frozenset({"pdf", "supp", "poster", "slides"})
# Links that is_safe_url accepts anyway, told by their start: checking 20,000 links (5,000
# papers) in full costs ~80 ms.
_SURELY_SAFE = ("https://", "http://", "assets/pdf/")

VENUE_KINDS = {
    "article": "journal", "periodical": "journal",
    "inproceedings": "conference", "conference": "conference", "proceedings": "conference",
    "mvproceedings": "conference",
    "book": "book", "inbook": "book", "incollection": "book", "collection": "book", "mvbook": "book",
    "mvcollection": "book", "bookinbook": "book",
    "phdthesis": "thesis", "mastersthesis": "thesis", "thesis": "thesis",
    "techreport": "report", "report": "report",
}  # fmt: skip
KNOWN_TYPES = frozenset(VENUE_KINDS) | {
    "misc", "online", "electronic", "www", "unpublished", "booklet", "manual", "patent",
    "software", "dataset", "standard", "reference", "inreference", "suppbook", "suppcollection",
}  # fmt: skip
NO_YEAR_NEEDED = frozenset({"unpublished", "misc", "online", "electronic", "www", "software", "dataset", "manual"})
# Where an entry appeared, by entry type: the first field present wins.
_VENUE_FIELDS = {
    "journal": ("journal", "journaltitle"),
    "conference": ("booktitle", "publisher", "organization"),
    "book": ("booktitle", "publisher", "series"),
    "thesis": ("school", "institution"),
    "report": ("institution", "publisher"),
}
_OTHER_VENUE_FIELDS = ("journal", "journaltitle", "booktitle", "howpublished", "publisher",
                       "organization", "institution", "school")  # fmt: skip

_PREPRINT_VENUE = re.compile(r"^(arxiv|biorxiv|medrxiv|chemrxiv|corr)\b", re.IGNORECASE)
_ARXIV_IN_VENUE = re.compile(r"^arxiv preprint arxiv:\s*(\d{4}\.\d{4,5}(?:v\d+)?)$", re.IGNORECASE)
_SUBMITTED_NOTE = re.compile(r"\bsubmitted to\b|\bunder review\b", re.IGNORECASE)
_SUBMITTED_STATES = frozenset({"submitted", "under review", "inreview", "in review"})
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_YEAR = re.compile(r"\d{4}")



@dataclass
class Entry:
    """An entry with its values resolved (macros expanded, concatenations joined), still LaTeX."""

    key: str
    entry_type: str  # lower case, as written
    line: int  # 1-based, of the "@"
    fields: dict[str, str] = field(default_factory=dict)  # lower-case names, in file order
    lines: dict[str, int] = field(default_factory=dict)  # 1-based line of each field


class Problems(list[Problem]):
    """The problems found in one file, in the order found."""

    def __init__(self, file: str):
        super().__init__()
        self.file = file

    def report(self, line: int, key: str, message: str, hint: str = "", value: object = None,
               severity: Severity = "error") -> None:
        """A problem at the start of `line` (where the entry or field starts)."""
        self.append(Problem(self.file, line, 1, key, message, value, hint, severity))


def publication(entry: Entry, owner: OwnerMatcher, problems: Problems) -> Publication:
    """The entry as a Publication; its problems (all warnings, but unsafe links) go to `problems`."""
    names = {name: read_names(entry.fields[name]) for name in NAME_FIELDS if name in entry.fields}
    fields, styled = _decoded(entry, names, problems)
    entry_type = _checked_type(entry, problems)
    year, month, day = _date(entry, fields, problems)
    venue_kind = VENUE_KINDS.get(entry_type, "other")
    venue = _venue(venue_kind, fields)
    arxiv_id = _arxiv_id(fields)
    _check_required(entry, entry_type, fields, year, problems)
    links = _links(entry, fields, arxiv_id, problems)  # removes from `fields` the links it leaves out
    return Publication(
        key=entry.key,
        entry_type=entry_type,
        title=fields.get("title", ""),
        authors=owner.flag(names["author"].people) if "author" in names else (),
        editors=owner.flag(names["editor"].people) if "editor" in names else (),
        year=year,
        month=month,
        day=day,
        venue=venue,
        venue_kind=venue_kind,
        status=_status(entry_type, fields, venue, arxiv_id),
        fields=fields,
        links=links,
        bibtex=_bibtex(entry_type, entry, names, month),
        source=SourceRef(problems.file, entry.line),
        selected=fields.get("selected", "").strip().lower() in ("true", "yes", "1"),
        abbr=fields.get("abbr", ""),
        award=fields.get("award", ""),
        annotation=fields.get("annotation", ""),
        abstract=fields.get("abstract", ""),
        doi=_DOI_PREFIX.sub("", fields.get("doi", "").strip()),
        arxiv_id=arxiv_id,
        styled=styled,
    )


def _decoded(entry: Entry, names: dict[str, NameList], problems: Problems) -> tuple[dict[str, str], dict[str, str]]:
    """The fields as Unicode text, and those with italic, bold or math as marked text (`styled`)."""
    fields, styled = {}, {}
    for name, value in entry.fields.items():
        if name in names:
            fields[name] = names[name].text
        elif name in VERBATIM_FIELDS:
            fields[name] = unescape_url(value)
            continue  # a \ in a URL or an id is no command
        elif has_markers(marked := latex_to_marked(value)):
            styled[name], fields[name] = marked, plain(marked)
        else:
            fields[name] = marked
        if unknown := unknown_commands(value):
            shown = ", ".join(f"\\{command}" for command in unknown)
            noun = "command" if len(unknown) == 1 else "commands"
            message = f"unknown LaTeX {noun} {shown} in field '{name}'; kept as written"
            hint = "write the text it stands for (cv-site does not read \\newcommand or @preamble)"
            problems.report(entry.lines[name], entry.key, message, hint, severity="warning")
    return fields, styled


def _checked_type(entry: Entry, problems: Problems) -> str:
    if entry.entry_type in KNOWN_TYPES:
        return entry.entry_type
    message = f"unknown entry type '@{entry.entry_type}'; it is loaded as @misc"
    hint = "use @article, @inproceedings, @book, @misc..."
    problems.report(entry.line, entry.key, message, hint, severity="warning")
    return "misc"


def _date(entry: Entry, fields: dict[str, str], problems: Problems) -> tuple[int | None, int | None, int | None]:
    """(year, month, day) from year/month, or from a biblatex date such as 2024-06-17."""
    year = month = day = None
    if date_text := fields.get("date", "").strip():
        try:
            date = parse_date(date_text.split("/")[0])  # a range: its start
            year, month, day = date.year, date.month, date.day
        except DateError as error:
            message, hint = f"cannot read the date: {error}", "write date = {2024-06-17}"
            problems.report(entry.lines["date"], entry.key, message, hint, date_text, "warning")
    if year_text := fields.get("year", "").strip():
        if _YEAR.fullmatch(year_text):
            year = int(year_text)
        else:
            hint = "write the year as four digits: year = {2024}"
            problems.report(entry.lines["year"], entry.key, "cannot read the year", hint, year_text, "warning")
    if month_text := fields.get("month", "").strip():
        month = _month_number(month_text)
        if month is None:
            hint = "write month = sep, {September} or 9"
            problems.report(entry.lines["month"], entry.key, "cannot read the month", hint, month_text, "warning")
    return year, month, day


def _month_number(text: str) -> int | None:
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    return MONTHS.get(text.lower().rstrip("."))


def _check_required(entry: Entry, entry_type: str, fields: dict[str, str], year: int | None,
                    problems: Problems) -> None:
    def warn(message: str, hint: str) -> None:
        problems.report(entry.line, entry.key, message, hint, severity="warning")

    if not fields.get("title", "").strip():
        warn("no title", "add title = {...}")
    if not fields.get("author", "").strip() and not fields.get("editor", "").strip():
        warn("no author or editor", "add author = {Last, First and Last, First}")
    if year is None and "year" not in fields and entry_type not in NO_YEAR_NEEDED:
        warn("no year; the entry is listed without a date", "add year = {2024}")


def _venue(venue_kind: str, fields: dict[str, str]) -> str:
    for name in _VENUE_FIELDS.get(venue_kind, _OTHER_VENUE_FIELDS):
        value = fields.get(name, "").strip()
        if value and not value.startswith(("http://", "https://")):  # howpublished = {\url{...}}
            return value
    return ""


def _arxiv_id(fields: dict[str, str]) -> str:
    """The bare arXiv id (2403.02330) from `arxiv`, or from `eprint` when it is an arXiv eprint, or
    as Google Scholar writes it: `journal = {arXiv preprint arXiv:2403.02330}`."""
    value = fields.get("arxiv", "")
    archive = fields.get("archiveprefix", "") or fields.get("eprinttype", "")
    if not value and archive.strip().lower() == "arxiv":
        value = fields.get("eprint", "")
    if not value and (written := _ARXIV_IN_VENUE.match(fields.get("journal", "").strip())):
        value = written.group(1)
    return ARXIV_PREFIX.sub("", value.strip()).removesuffix(".pdf")


def _status(entry_type: str, fields: dict[str, str], venue: str, arxiv_id: str) -> str:
    pubstate = fields.get("pubstate", "").strip().lower()
    if pubstate in _SUBMITTED_STATES or _SUBMITTED_NOTE.search(fields.get("note", "")):
        return "submitted"
    if entry_type == "unpublished":
        return "unpublished"
    only_on_arxiv = _PREPRINT_VENUE.match(venue) or (arxiv_id and not venue)
    if entry_type in ("misc", "online", "article") and only_on_arxiv:
        return "preprint"
    return "published"


# Links that old bibliographies hold and no visitor can follow: left out with a warning (BibTeX
# itself has no opinion on them), where javascript: and the like are errors.
_LEFT_OUT_SCHEMES = {
    "ftp": "an ftp:// address: browsers no longer open it",
    "file": "a file:// address: it names a file on the computer that wrote the entry, which no visitor can open",
}


def _links(entry: Entry, fields: dict[str, str], arxiv_id: str, problems: Problems) -> tuple[Link, ...]:
    """Paper links in PAPER_LINK_KINDS order; `url` only when no project page says the same. An
    ftp:// or file:// link is left out, its field too (a reference in a citation style would print it)."""
    links = {}
    for kind in _LINK_FIELDS:
        if kind == "arxiv" and arxiv_id:
            value = arxiv_id
        elif kind in fields and (value := fields[kind].strip()):
            if kind == "doi":
                value = _DOI_PREFIX.sub("", value)
        else:
            continue
        link = make_link(kind, _asset_path(kind, value))
        if link.href.startswith(_SURELY_SAFE) or is_safe_url(link.href):
            links[kind] = link
        elif (scheme := readable_url(link.href).lower().partition(":")[0]) in _LEFT_OUT_SCHEMES:
            message = f"field '{kind}' is {_LEFT_OUT_SCHEMES[scheme]}; the link is left out"
            hint = "give the file's http(s) address, or remove the field"
            problems.report(entry.lines.get(kind, entry.line), entry.key, message, hint, value, "warning")
            fields.pop(kind, None)
        else:
            message = f"unsafe link in field '{kind}': {UNSAFE_LINK}"
            problems.report(entry.lines.get(kind, entry.line), entry.key, message, value=value)
    url = links.pop("url", None)
    shown = {link.href for link in links.values()}
    if url and "html" not in links and "website" not in links and url.href not in shown:
        links["url"] = url
    return tuple(links.values())


def _asset_path(kind: str, value: str) -> str:
    """al-folio compatibility: `pdf = {paper.pdf}` means the site's `assets/pdf/paper.pdf`."""
    if kind in ASSET_LINK_KINDS and "/" not in value and ":" not in value:
        return f"assets/pdf/{value}"
    return value


def _bibtex(entry_type: str, entry: Entry, names: dict[str, NameList], month: int | None) -> str:
    """The entry as clean BibTeX: standard fields only, in a fixed order, LaTeX values as written
    (macros expanded), authors without their `*`/`†` marks."""
    lines = []
    for name in sorted([name for name in entry.fields if name in _STANDARD_ORDER], key=_STANDARD_ORDER.__getitem__):
        if value := entry.fields[name]:
            if name == "month" and month:
                lines.append(f"  month = {MONTH_NAMES[month - 1][:3].lower()}")
            else:
                lines.append(f"  {name} = {{{names[name].bibtex if name in names else value}}}")
    return f"@{entry_type}{{{entry.key},\n" + ",\n".join(lines) + "\n}"

"""BibTeX files -> `Publication` records, with every problem found reported, never raised.

The file is split into blocks as bibtexparser 2 splits it (without its middlewares: its LaTeX
decoding runs pylatexenc over every field, ~100x the parse): `_split` reads well-formed blocks with
one regular expression per field and leaves every other block to bibtexparser's own code. Then:

1. values are resolved: `@string` macros and month names expanded, `#` concatenations joined;
2. `crossref` children inherit missing fields from their parent;
3. each entry becomes a `Publication`: fields decoded to Unicode (`latex.py`), names parsed and the
   owner flagged (`names.py`), date, venue, status and links derived, a clean BibTeX text written.

al-folio's `papers.bib` loads unchanged: its Jekyll front matter, its custom fields (`selected`,
`abbr`, `pdf`, `code`...) and its bare PDF file names, which live in `assets/pdf/`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import partial
from typing import Callable, NamedTuple, Union

from cv_site.text.dates import MONTHS, DateError, parse_date
from cv_site.errors import Problem, Severity
from cv_site.text.latex import clear_cache as clear_latex_cache
from cv_site.text.latex import latex_to_marked, unescape_url, unknown_commands
from cv_site.labels import MONTH_NAMES
from cv_site.links import ARXIV_PREFIX, PAPER_LINK_KINDS, Link, is_safe_url, make_link
from cv_site.model import Person, Publication, SourceRef
from cv_site.text.names import OwnerMatcher, names_text, parse_names, without_marks
from cv_site.text.richtext import has_markers, plain
from cv_site.text.names import clear_cache as clear_names_cache

MONTH_MACROS = {name[:3].lower(): name for name in MONTH_NAMES}

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
NAME_FIELDS = frozenset({"author", "editor"})
_LINK_FIELDS = (*PAPER_LINK_KINDS, "url")
# al-folio keeps these next to the page when given as a bare file name.
ASSET_LINK_KINDS = frozenset({"pdf", "supp", "poster", "slides"})
# Links that is_safe_url accepts without parsing them (a relative path has no scheme).
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
_SUBMITTED_NOTE = re.compile(r"\bsubmitted to\b|\bunder review\b", re.IGNORECASE)
_SUBMITTED_STATES = frozenset({"submitted", "under review", "inreview", "in review"})
_DOI_PREFIX = re.compile(r"^(?:https?://(?:dx\.)?doi\.org/|doi:\s*)", re.IGNORECASE)
_YEAR = re.compile(r"\d{4}")
_VALID_KEY = re.compile(r"[^\s,{}\"#%'()=]+")
_MACRO_NAME = re.compile(r"[A-Za-z_][\w\-:.+/']*")
_BRACES = re.compile(r"[{}]")
# One {group} (nested 4 deep at most), braces counted as `_closes_at_end` counts them.
_ONE_GROUP = re.compile(r"\{(?:[^{}]++|\{(?:[^{}]++|\{(?:[^{}]++|\{[^{}]*+\})*+\})*+\})*+\}")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?:[^\n]*\n)*?---[ \t]*\r?(?:\n|\Z)")
_BLOCK_HEAD = re.compile(r"@\s*(\w+)\s*[{(]\s*([^\s,{}()=\"]*)")

UNSAFE_LINK = "only http(s), mailto and relative links are allowed"
SYNTAX_HINT = "check the braces, quotes and commas: each field is `name = {value},` and every { needs its }"
# bibtexparser's reasons for giving up on a block, in words for the user.
_SYNTAX_REASONS = [
    (re.compile(r"^Unexpectedly reached end"), "it is not closed before the end of the file"),
    (re.compile(r"^Unexpected block start: `(@\w+)"), r"\1 starts before this entry is closed"),
    (re.compile(r"^Expected a `=` after entry key `([^`]*)`"), r"field '\1' has no value"),
    (re.compile(r"^Expected either a `,`"), "a comma is missing after a field value"),
    (re.compile(r"^Expected comma after entry key"), "a comma is missing after the entry key"),
    (re.compile(r"^Expected (a `=`|equals sign)"), "a `=` is missing between a field name and its value"),
]


def load_bibtex(text: str, file: str, owner: Person | None) -> tuple[list[Publication], list[Problem]]:
    """Parse one .bib file's text (already decoded from UTF-8). `file` is the display path for
    messages (e.g. 'data/publications.bib'). Returns publications in FILE ORDER (the caller merges
    and sorts) and every problem found (errors and warnings). Never raises for bad data."""
    loader = _Loader(file, OwnerMatcher(owner))
    entries = loader.read(text)
    loader.apply_crossrefs(entries)
    publications = [loader.publication(entry) for entry in entries]
    return publications, loader.problems


def clear_caches() -> None:
    """Forget decoded fields and parsed names (they are cached by their text across loads)."""
    clear_latex_cache()
    clear_names_cache()


@dataclass
class _Entry:
    """An entry with its values resolved (macros expanded, concatenations joined), still LaTeX."""

    key: str
    entry_type: str
    line: int  # 1-based, of the "@"
    fields: dict[str, str] = field(default_factory=dict)  # lower-case names, in file order
    lines: dict[str, int] = field(default_factory=dict)  # 1-based line of each field


class _Loader:
    """The state of loading one file: its macros and the problems found so far."""

    def __init__(self, file: str, owner: OwnerMatcher):
        self.file = file
        self.owner = owner
        self.problems: list[Problem] = []
        self.macros: dict[str, str] = dict(MONTH_MACROS)

    def report(
        self,
        line: int | None,
        key: str,
        message: str,
        hint: str = "",
        value: object = None,
        severity: Severity = "error",
    ) -> None:
        column = 1 if line is not None else None  # the entry or field starts its line
        self.problems.append(Problem(self.file, line, column, key, message, value, hint, severity))

    # --- 1. blocks -> resolved entries -------------------------------------------------------

    def read(self, text: str) -> list[_Entry]:
        blocks = _split(_blank_front_matter(text))
        for block in blocks:
            if isinstance(block, _RawString):  # a redefined @string: the later definition wins
                where = f"@string '{block.key}'"
                self.macros[block.key.lower()] = self.resolve(block.value, "", block.line, where)
        entries: list[_Entry] = []
        first_lines: dict[str, int] = {}
        for block in blocks:
            if isinstance(block, _RawEntry):
                entry = self.entry(block)
                if entry is not None and self.is_new_key(entry, first_lines):
                    entries.append(entry)
            elif isinstance(block, _BrokenBlock):
                self.report_syntax_error(block)
        return entries

    def report_syntax_error(self, block: _BrokenBlock) -> None:
        head = _BLOCK_HEAD.match(block.raw)
        block_type, key = (head.group(1).lower(), head.group(2)) if head else ("", "")
        reason = block.reason
        for pattern, words in _SYNTAX_REASONS:
            if match := pattern.match(reason):
                reason = match.expand(words)
                break
        else:
            reason = reason[:1].lower() + reason[1:]
        entry = "" if block_type in ("string", "preamble", "comment") else " entry"
        message = f"BibTeX syntax error in @{block_type}{entry}: {reason}"
        self.report(block.line, key if block_type != "string" else "", message, SYNTAX_HINT)

    def entry(self, raw: _RawEntry) -> _Entry | None:
        entry = _Entry(raw.key, raw.entry_type.lower(), raw.line)
        if not _VALID_KEY.fullmatch(raw.key):
            message = "the entry has no key" if not raw.key else f"invalid BibTeX key {raw.key!r}"
            hint = "start the entry as @article{key, (no spaces or commas in the key)"
            self.report(entry.line, "", message, hint)
            return None
        fields, lines = entry.fields, entry.lines
        for name, value, line in raw.fields:  # the hottest loop: 15 fields x 5,000 entries is usual
            name = name.lower()
            if name in fields:
                message = f"duplicate field '{name}' (first given on line {lines[name]})"
                self.report(line, entry.key, message, "remove one of them; BibTeX uses the first")
                continue
            if value[:1] == "{" and value[-1:] == "}" and (value.find("{", 1) < 0 or _ONE_GROUP.fullmatch(value)):
                value = value[1:-1]  # the usual {text}, or {text with {groups}}
            elif not value.isdigit():  # a number is itself
                value = self.resolve(value, entry.key, line, f"field '{name}'")
            fields[name] = _squash_spaces(value) if "\n" in value or "  " in value or "\t" in value else value
            lines[name] = line
        return entry

    def is_new_key(self, entry: _Entry, first_lines: dict[str, int]) -> bool:
        """BibTeX keys are case-insensitive, so 'Guo2024' and 'guo2024' are the same key."""
        first_line = first_lines.get(entry.key.lower())
        if first_line is None:
            first_lines[entry.key.lower()] = entry.line
            return True
        message = f"duplicate BibTeX key '{entry.key}' (first defined on line {first_line})"
        self.report(entry.line, entry.key, message, "give each entry its own key")
        return False

    def resolve(self, raw: str, key: str, line: int, where: str) -> str:
        """A value as written -> its text: {braced}, "quoted", 2024 or a macro, joined by #.
        `where` names the field (or @string) for messages."""
        raw = raw.strip()
        if "#" not in raw:
            return self.resolve_part(raw, key, line, where)
        return "".join(self.resolve_part(part.strip(), key, line, where) for part in _concatenated(raw))

    def resolve_part(self, part: str, key: str, line: int, where: str) -> str:
        if part[:1] == "{" and _closes_at_end(part):
            return part[1:-1]
        if part[:1] == '"' and part[-1:] == '"' and len(part) > 1:
            return part[1:-1]
        if part.isdigit():
            return part
        if _MACRO_NAME.fullmatch(part):
            if (macro := self.macros.get(part.lower())) is not None:
                return macro
            hint = f"define it with @string{{{part} = {{...}}}} or write the value in braces"
            self.report(line, key, f"unknown @string macro '{part}' in {where}", hint, severity="warning")
            return part
        hint = 'a comma may be missing after the value; values are {text}, "text", a number or a @string name'
        self.report(line, key, f"cannot read the value of {where}", hint, value=part)
        return part

    # --- 2. crossref -------------------------------------------------------------------------

    def apply_crossrefs(self, entries: list[_Entry]) -> None:
        by_key = {entry.key.lower(): entry for entry in entries}
        for child in entries:
            parent_key = child.fields.get("crossref", "").strip()
            if not parent_key:
                continue
            parent = by_key.get(parent_key.lower())
            if parent is None:
                message = f"crossref '{parent_key}' is not in this file; nothing is inherited"
                self.report(child.lines["crossref"], child.key, message, severity="warning")
                continue
            _inherit(child, parent)

    # --- 3. entries -> publications ----------------------------------------------------------

    def publication(self, entry: _Entry) -> Publication:
        raw = entry.fields
        fields, styled = self.decoded(entry)
        entry_type = self.checked_type(entry)
        year, month, day = self.date(entry, fields)
        venue_kind = VENUE_KINDS.get(entry_type, "other")
        venue = _venue(venue_kind, fields)
        arxiv_id = _arxiv_id(fields)
        self.check_required(entry, entry_type, fields, year)
        return Publication(
            key=entry.key,
            entry_type=entry_type,
            title=fields.get("title", ""),
            authors=self.owner.flag(parse_names(raw["author"])) if "author" in raw else (),
            editors=self.owner.flag(parse_names(raw["editor"])) if "editor" in raw else (),
            year=year,
            month=month,
            day=day,
            venue=venue,
            venue_kind=venue_kind,
            status=_status(entry_type, fields, venue, arxiv_id),
            fields=fields,
            links=self.links(entry, fields, arxiv_id),
            bibtex=_bibtex(entry_type, entry.key, raw, month),
            source=SourceRef(self.file, entry.line),
            selected=fields.get("selected", "").strip().lower() in ("true", "yes", "1"),
            abbr=fields.get("abbr", ""),
            award=fields.get("award", ""),
            annotation=fields.get("annotation", ""),
            abstract=fields.get("abstract", ""),
            doi=_DOI_PREFIX.sub("", fields.get("doi", "").strip()),
            arxiv_id=arxiv_id,
            styled=styled,
        )

    def decoded(self, entry: _Entry) -> tuple[dict[str, str], dict[str, str]]:
        """The fields as Unicode text, and those with italic, bold or math as marked text (`styled`)."""
        fields, styled = {}, {}
        for name, value in entry.fields.items():
            decode = _DECODERS.get(name)
            if "\\" not in value and "$" not in value:  # no command, no math: no markers
                fields[name] = latex_to_marked(value) if decode is None else decode(value)
                continue
            if decode is not None:
                fields[name] = decode(value)
            elif has_markers(marked := latex_to_marked(value)):
                styled[name], fields[name] = marked, plain(marked)
            else:
                fields[name] = marked
            if name not in VERBATIM_FIELDS and (unknown := unknown_commands(value)):
                self.report_unknown_commands(entry, name, unknown)
        return fields, styled

    def report_unknown_commands(self, entry: _Entry, name: str, commands: tuple[str, ...]) -> None:
        shown = ", ".join(f"\\{command}" for command in commands)
        noun = "command" if len(commands) == 1 else "commands"
        message = f"unknown LaTeX {noun} {shown} in field '{name}'; kept as written"
        hint = "write the text it stands for (cv-site does not read \\newcommand or @preamble)"
        self.report(entry.lines.get(name, entry.line), entry.key, message, hint, severity="warning")

    def checked_type(self, entry: _Entry) -> str:
        if entry.entry_type in KNOWN_TYPES:
            return entry.entry_type
        message = f"unknown entry type '@{entry.entry_type}'; it is loaded as @misc"
        hint = "use @article, @inproceedings, @book, @misc..."
        self.report(entry.line, entry.key, message, hint, severity="warning")
        return "misc"

    def date(self, entry: _Entry, fields: dict[str, str]) -> tuple[int | None, int | None, int | None]:
        """(year, month, day) from year/month, or from a biblatex date such as 2024-06-17."""
        year = month = day = None
        if date_text := fields.get("date", "").strip():
            try:
                date = parse_date(date_text.split("/")[0])  # a range: its start
                year, month, day = date.year, date.month, date.day
            except DateError as error:
                message, hint = f"cannot read the date: {error}", "write date = {2024-06-17}"
                self.report(entry.lines["date"], entry.key, message, hint, date_text, "warning")
        if year_text := fields.get("year", "").strip():
            if _YEAR.fullmatch(year_text):
                year = int(year_text)
            else:
                hint = "write the year as four digits: year = {2024}"
                line = entry.lines["year"]
                self.report(line, entry.key, "cannot read the year", hint, year_text, "warning")
        if month_text := fields.get("month", "").strip():
            month = _month_number(month_text)
            if month is None:
                hint = "write month = sep, {September} or 9"
                line = entry.lines["month"]
                self.report(line, entry.key, "cannot read the month", hint, month_text, "warning")
        return year, month, day

    def check_required(self, entry: _Entry, entry_type: str, fields: dict[str, str], year: int | None) -> None:
        def warn(message: str, hint: str) -> None:
            self.report(entry.line, entry.key, message, hint, severity="warning")

        if not fields.get("title", "").strip():
            warn("no title", "add title = {...}")
        if not fields.get("author", "").strip() and not fields.get("editor", "").strip():
            warn("no author or editor", "add author = {Last, First and Last, First}")
        if year is None and "year" not in fields and entry_type not in NO_YEAR_NEEDED:
            warn("no year; the entry is listed without a date", "add year = {2024}")

    def links(self, entry: _Entry, fields: dict[str, str], arxiv_id: str) -> tuple[Link, ...]:
        """Paper links in PAPER_LINK_KINDS order; `url` only when no project page says the same."""
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
            else:
                message = f"unsafe link in field '{kind}': {UNSAFE_LINK}"
                self.report(entry.lines.get(kind, entry.line), entry.key, message, value=value)
        url = links.pop("url", None)
        shown = {link.href for link in links.values()}
        if url and "html" not in links and "website" not in links and url.href not in shown:
            links["url"] = url
        return tuple(links.values())


def _blank_front_matter(text: str) -> str:
    """Jekyll front matter (al-folio's papers.bib starts with `---` twice) -> blank lines, so line
    numbers stay right and nothing in it (an `@` in an e-mail address) is taken for BibTeX."""
    text = text.removeprefix("\ufeff")
    match = _FRONT_MATTER.match(text)
    if not match or "@" not in match.group(0):  # bibtexparser takes `---` lines for comments
        return text
    return "\n" * match.group(0).count("\n") + text[match.end() :]


def _closes_at_end(value: str) -> bool:
    """True when the `{` that opens `value` is closed by its last character."""
    if value[-1:] != "}":
        return False
    depth = 0
    for brace in _BRACES.finditer(value):
        depth += 1 if brace.group() == "{" else -1
        if depth == 0:
            return brace.end() == len(value)
    return False


def _concatenated(raw: str) -> list[str]:
    """`a # {b} # "c"` -> its parts, splitting only on a `#` outside braces and quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(raw[start:i])
            start = i + 1
    parts.append(raw[start:])
    return parts


def _squash_spaces(value: str) -> str:
    """Line breaks and runs of spaces -> one space, as in TeX; a blank line stays a paragraph break."""
    paragraphs = re.split(r"\n[ \t\r]*\n\s*", value.strip())
    return "\n\n".join(" ".join(re.split(r"[ \t\r\n]+", paragraph)) for paragraph in paragraphs)


# How each field is decoded; any other field is LaTeX text (latex_to_marked).
_DECODERS = {**{name: unescape_url for name in VERBATIM_FIELDS}, "author": names_text, "editor": names_text}


def _inherit(child: _Entry, parent: _Entry) -> None:
    """The parent's title becomes the child's booktitle; its other standard fields are copied when
    the child lacks them. Custom fields (pdf, selected...) belong to the parent only."""
    if "title" in parent.fields and "booktitle" not in child.fields:
        child.fields["booktitle"] = parent.fields["title"]
        child.lines["booktitle"] = parent.lines["title"]
    for name in STANDARD_FIELDS:
        if name in parent.fields and name not in child.fields and name != "title":
            child.fields[name] = parent.fields[name]
            child.lines[name] = parent.lines[name]


def _month_number(text: str) -> int | None:
    if text.isdigit():
        return int(text) if 1 <= int(text) <= 12 else None
    return MONTHS.get(text.lower().rstrip("."))


def _venue(venue_kind: str, fields: dict[str, str]) -> str:
    for name in _VENUE_FIELDS.get(venue_kind, _OTHER_VENUE_FIELDS):
        value = fields.get(name, "").strip()
        if value and not value.startswith(("http://", "https://")):  # howpublished = {\url{...}}
            return value
    return ""


def _arxiv_id(fields: dict[str, str]) -> str:
    """The bare arXiv id (2403.02330) from `arxiv`, or from `eprint` when it is an arXiv eprint."""
    value = fields.get("arxiv", "")
    archive = fields.get("archiveprefix", "") or fields.get("eprinttype", "")
    if not value and archive.strip().lower() == "arxiv":
        value = fields.get("eprint", "")
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


def _asset_path(kind: str, value: str) -> str:
    """al-folio compatibility: `pdf = {paper.pdf}` means the site's `assets/pdf/paper.pdf`."""
    if kind in ASSET_LINK_KINDS and "/" not in value and ":" not in value:
        return f"assets/pdf/{value}"
    return value


def _bibtex(entry_type: str, key: str, raw: dict[str, str], month: int | None) -> str:
    """The entry as clean BibTeX: standard fields only, in a fixed order, LaTeX values as written
    (macros expanded), authors without their `*`/`†` marks."""
    lines = []
    for name in sorted([name for name in raw if name in _STANDARD_ORDER], key=_STANDARD_ORDER.__getitem__):
        if value := raw[name]:
            if name == "month" and month:
                lines.append(f"  month = {MONTH_NAMES[month - 1][:3].lower()}")
            else:
                lines.append(f"  {name} = {{{without_marks(value) if name in NAME_FIELDS else value}}}")
    return f"@{entry_type}{{{key},\n" + ",\n".join(lines) + "\n}"


# --- splitting -----------------------------------------------------------------------------------
#
# The file is split into blocks exactly as bibtexparser's Splitter splits it, without its walk
# from one "mark" to the next (every brace, quote, comma, `=` and newline) in Python, which was
# most of a load. Between blocks only a block start (`@type{` or `@type(`) counts, so the next one
# is one search away. A block in braces that is well formed (an entry whose fields are
# `name = value` followed by `,` or `}`; a @string, @comment or @preamble) is read with one regular
# expression per field, which follows the Splitter's own rules exactly:
#
# - a brace, quote or comma right after a backslash is not a mark (`\{`, `\"`, `\,`);
# - at depth 0, `{` opens a group, `"` opens a string, and `,` or `}` ends the value;
# - in a group, only braces count; in a string, only a `"` that is not `{"}` ends it;
# - a newline is a line (unless after a backslash, where bibtexparser does not count it);
# - an `@` is a mark only where a block could start (`@misc{`), not in `name@example.org`.
#
# Any other block (`@type{` or `@type(` anywhere in it, groups nested over 4 deep, a `{"}` in a
# string, blocks in parentheses, any syntax error) is read by bibtexparser's own code from its `@`
# (`_Fallback`), so its results and messages are unchanged; bibtexparser, and the pylatexenc it
# imports, are imported only then. tests/test_bibtex.py checks that the blocks are bibtexparser's
# on the test files and on random text.


class _RawEntry(NamedTuple):
    key: str
    entry_type: str  # lower case
    line: int  # 1-based, of the "@"
    fields: list[tuple[str, str, int]]  # name and value as written (stripped), 1-based line of the `=`


class _RawString(NamedTuple):
    key: str
    value: str
    line: int


class _BrokenBlock(NamedTuple):
    """A block bibtexparser gave up on."""

    raw: str
    reason: str  # bibtexparser's
    line: int


_Block = Union[_RawEntry, _RawString, _BrokenBlock]

_BLOCK_START = re.compile(r"@\w*[ \t]*(?=[{(])")  # bibtexparser's
_LONE_AT = r"@(?!\w*[ \t]*[{(])"  # an @ that starts no block, as in an e-mail address: not a mark
_PLAIN = rf'(?:[^{{}}",@]++|(?<=\\)[{{}}",]|{_LONE_AT})'  # depth 0: anything but a mark
_IN_GROUP = rf"(?:[^{{}}@]++|(?<=\\)[{{}}]|{_LONE_AT})"
_GROUP = rf"(?<!\\)\{{{_IN_GROUP}*+\}}"
for _depth in range(3):
    _GROUP = rf"(?<!\\)\{{(?:{_IN_GROUP}|{_GROUP})*+\}}"
_QUOTED = rf'(?<!\\)"(?:[^"@]++|(?<=\\)"|{_LONE_AT})*+(?:(?<!\{{)"|"(?!\}}))'
_NAME = r'([^{}",=@\\]*)'  # a key or field name: no mark before its `,` or `=`
_ENTRY_HEAD = re.compile(rf"\{{{_NAME}([,}}])")
_FIELD = re.compile(rf"{_NAME}=((?:{_PLAIN}|{_GROUP}|{_QUOTED})*+)([,}}])")
_ENTRY_END = re.compile(r"\s*\}")  # after a trailing comma
_STRING_BODY = re.compile(rf"\{{{_NAME}=((?:{_IN_GROUP}|{_GROUP})*+)\}}")
_OTHER_BODY = re.compile(rf"\{{(?:{_IN_GROUP}|{_GROUP})*+\}}")  # @comment, @preamble


def _split(text: str) -> list[_Block]:
    """The entries, @string definitions and broken blocks of a file, in file order."""
    blocks: list[_Block] = []
    newlines = _newline_counter(text)
    fallback = None
    position, line = 0, 1
    while (start := _BLOCK_START.search(text, position)) is not None:
        at = start.start()
        line += newlines(position, at)
        read = _read_block(text, start, line, newlines)
        if read is None:
            fallback = fallback or _Fallback(text)
            read = fallback.read(at, line)
        block, end = read
        if block is not None:
            blocks.append(block)
        line += newlines(at, end)
        position = end
    return blocks


def _newline_counter(text: str) -> Callable[[int, int], int]:
    """How many newlines bibtexparser counts in text[start:end]: not those after a backslash."""
    count = text.count
    if "\\\n" not in text:
        return partial(count, "\n")  # no Python frame per call
    return lambda start, end: count("\n", start, end) - count("\\\n", max(start - 1, 0), end)


def _read_block(text: str, start: re.Match, line: int,
                newlines: Callable[[int, int], int]) -> tuple[_Block | None, int] | None:
    """The block at `start` and where it ends, if it is well formed and in braces; else None.
    Comments and @preamble give no block."""
    kind = start.group().lower()
    if kind.startswith(("@comment", "@preamble")):
        body = _OTHER_BODY.match(text, start.end())
        return (None, body.end()) if body else None
    if kind.startswith("@string"):
        body = _STRING_BODY.match(text, start.end())
        return (_RawString(body.group(1).strip(), body.group(2).strip(), line), body.end()) if body else None
    head = _ENTRY_HEAD.match(text, start.end())
    if head is None:
        return None
    entry = _RawEntry(head.group(1).strip(), kind[1:].strip(), line, [])
    if head.group(2) == "}":  # no fields
        return entry, head.end()
    end = _read_fields(text, head.end(), start.end(), line, newlines, entry.fields)
    return (entry, end) if end is not None else None


def _read_fields(text: str, position: int, counted: int, line: int, newlines: Callable[[int, int], int],
                 fields: list[tuple[str, str, int]]) -> int | None:
    """Reads fields into `fields` from `position` (after a comma) to the entry's closing brace;
    returns the index after it, or None at anything but a well-formed field. `line` is the line
    of text[counted]."""
    append = fields.append
    for match in iter(_FIELD.scanner(text, position).match, None):  # each where the last one ended
        name, value, after = match.groups()
        equals = position + len(name)
        line += newlines(counted, equals)  # a field's line is its `=`'s
        counted = equals
        append((name.strip(), value.strip(), line))
        position = equals + len(value) + 2
        if after == "}":
            return position
    end = _ENTRY_END.match(text, position)
    return end.end() if end is not None else None


class _Fallback:
    """bibtexparser's Splitter, reading one block from its `@` as its `split()` would: `read` is
    the body of that loop (without its log lines: every problem is reported as a Problem)."""

    def __init__(self, text: str):
        from bibtexparser.splitter import Splitter

        self.splitter = Splitter(text)

    def read(self, at: int, line: int) -> tuple[_Block | None, int]:
        """The block whose `@` is text[at] (line `line`), and where the text after it goes on."""
        from bibtexparser import model as bib
        from bibtexparser.exceptions import BlockAbortedException
        from bibtexparser.splitter import _MARK_PATTERN

        splitter = self.splitter  # its text starts with an added newline, so indices are one more
        splitter._markiter = _MARK_PATTERN.finditer(splitter.bibstr, at + 1)
        splitter._unaccepted_mark = None
        splitter._current_line = line - 1
        mark = splitter._next_mark(accept_eof=False)
        kind = mark.group(0).lower()
        try:
            splitter._open_block(mark)
            if kind.startswith("@comment"):
                block = splitter._handle_explicit_comment(mark)
            elif kind.startswith("@preamble"):
                block = splitter._handle_preamble(mark)
            elif kind.startswith("@string"):
                block = splitter._handle_string(mark)
            else:
                block = splitter._handle_entry(mark, kind)
        except BlockAbortedException as error:
            raw = splitter.bibstr[mark.start() : error.end_index]
            block = bib.ParsingFailedBlock(start_line=line - 1, raw=raw, error=error)
        splitter._close_block()
        unaccepted = splitter._unaccepted_mark  # the next block starts there, or the text goes on
        end = unaccepted.start() if unaccepted is not None else splitter._current_char_index + 1
        return _from_bibtexparser(block), end - 1


def _from_bibtexparser(block: object) -> _Block | None:
    from bibtexparser import model as bib

    if isinstance(block, bib.DuplicateFieldKeyBlock):  # duplicate fields are reported by `_Loader`
        block = block.ignore_error_block
    if isinstance(block, bib.Entry):
        fields = [(field.key, field.value, field.start_line + 1) for field in block.fields]
        return _RawEntry(block.key, block.entry_type, block.start_line + 1, fields)
    if isinstance(block, bib.String):
        return _RawString(block.key, block.value, block.start_line + 1)
    if isinstance(block, bib.ParsingFailedBlock):
        reason = getattr(block.error, "abort_reason", None) or str(block.error)
        return _BrokenBlock(block.raw or "", reason, block.start_line + 1)
    return None  # a comment or @preamble

"""The model of a site: publications from BibTeX, and `SiteModel`, everything a site is built from.

The YAML records (settings, the person, CV sections, news) are in `schema.py`. Publications come
from BibTeX and are plain dataclasses built by `load/bibtex.py`, which is much faster than
checking thousands of entries field by field.
"""

import re
from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby
from typing import Any, Iterable, Literal

from cv_site.text.dates import PartialDate
from cv_site.text.cjk import is_cjk
from cv_site.errors import Problem
from cv_site.links import Link
from cv_site.schema import NewsItem, Person, PublicationsSection, Section, Settings


# --- publications (data/*.bib) -----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Author:
    """One name in an author or editor list, in BibTeX's four parts."""

    first: str = ""
    von: str = ""
    last: str = ""
    jr: str = ""
    is_owner: bool = False
    equal_contribution: bool = False  # marked with * in the BibTeX
    corresponding: bool = False  # marked with † in the BibTeX
    is_others: bool = False  # "and others": rendered as "et al."

    @property
    def display(self) -> str:
        """'First von Last, Jr.' as it appears in an author list."""
        if self.is_others:
            return "et al."
        if is_cjk(self.last[:1]) and (not self.first or is_cjk(self.first[0])):
            return self.last + self.first  # 山田太郎: family name first, no space, as written in CJK
        name = " ".join(part for part in (self.first, self.von, self.last) if part)
        return f"{name}, {self.jr}" if self.jr else name

    @property
    def citation_name(self) -> str:
        """'von Last, Jr, First' for citation_author and BibTeX."""
        last = " ".join(part for part in (self.von, self.last) if part)
        parts = [last] + ([self.jr] if self.jr else []) + ([self.first] if self.first else [])
        return ", ".join(parts)


@dataclass(frozen=True, slots=True)
class SourceRef:
    """Where an entry was written."""

    file: str
    line: int  # 1-based line of the entry's "@"


ENTRY_TYPE_LABELS = {
    "article": "Journal article", "periodical": "Periodical", "book": "Book", "mvbook": "Book",
    "inbook": "Book chapter", "bookinbook": "Book chapter", "incollection": "Book chapter",
    "collection": "Edited volume", "mvcollection": "Edited volume", "suppbook": "Book supplement",
    "suppcollection": "Book supplement", "inproceedings": "Conference paper", "conference": "Conference paper",
    "proceedings": "Proceedings", "mvproceedings": "Proceedings", "phdthesis": "PhD thesis",
    "mastersthesis": "Master's thesis", "thesis": "Thesis", "techreport": "Technical report",
    "report": "Report", "manual": "Manual", "misc": "Other", "online": "Online resource",
    "electronic": "Online resource", "www": "Online resource", "patent": "Patent",
    "unpublished": "Unpublished", "software": "Software", "dataset": "Dataset", "booklet": "Booklet",
    "standard": "Standard", "reference": "Reference work", "inreference": "Reference entry",
}  # fmt: skip

PREVIEW_FOLDER = "assets/img/publication_preview/"  # al-folio's, for a thumbnail given by its file name

PublicationStatus = Literal["published", "submitted", "preprint", "unpublished"]


@dataclass(frozen=True, slots=True)
class Publication:
    """One BibTeX entry, decoded and ready to show."""

    key: str
    entry_type: str  # lower case, e.g. "inproceedings"
    title: str  # Unicode, braces removed, $math$ kept
    authors: tuple[Author, ...]
    year: int | None
    month: int | None
    day: int | None
    venue: str  # journal, booktitle, school, institution or publisher: what it appeared in
    venue_kind: Literal["journal", "conference", "book", "thesis", "report", "other"]
    status: PublicationStatus
    fields: dict[str, str]  # every field, decoded to Unicode, keys lower case
    links: tuple[Link, ...]  # from the link table, in PAPER_LINK_KINDS order
    bibtex: str  # the entry as BibTeX, custom fields stripped: for display and download
    source: SourceRef = field(compare=False)  # where it was written: not part of what it says
    editors: tuple[Author, ...] = ()
    selected: bool = False
    abbr: str = ""  # venue badge
    award: str = ""  # e.g. "Oral"
    annotation: str = ""
    abstract: str = ""
    doi: str = ""
    arxiv_id: str = ""
    styled: dict[str, str] = field(default_factory=dict)  # fields with italic/bold/math (richtext markers)
    # By content, like equality: a view or a page made from an equal paper is reused (serve). Made
    # once: hashing the fields each time a cache is asked cost ~60 ms a rebuild at 5,000 papers.
    _hash: int = field(init=False, repr=False, compare=False, default=0)

    def __post_init__(self) -> None:
        content = (self.key, self.entry_type, tuple(self.fields.items()), self.authors, self.editors, self.links)
        object.__setattr__(self, "_hash", hash(content))

    def __hash__(self) -> int:
        return self._hash

    def styled_text(self, name: str) -> str:
        """A field with its italic, bold and math markers (see richtext); "" when absent."""
        if name in self.styled:
            return self.styled[name]
        return self.title if name == "title" else self.abstract if name == "abstract" else self.fields.get(name, "")

    def tags(self, tag_fields: Iterable[str]) -> set[str]:
        """The words of its tag fields (`keywords = {ml, industry}`), in lower case."""
        words = (word for name in tag_fields for word in re.split(r"\s*[,;]\s*", self.fields.get(name, "")))
        return {word.lower() for word in words if word}

    @property
    def preview(self) -> str:
        """Its thumbnail (al-folio's `preview` field) as a path inside static/, or "": a bare file
        name is in al-folio's folder for them."""
        value = self.fields.get("preview", "").strip()
        if not value:
            return ""
        return value.lstrip("/") if "/" in value else PREVIEW_FOLDER + value

    @property
    def people(self) -> tuple[Author, ...]:
        """The authors; for an edited volume without authors, its editors."""
        return self.authors or self.editors

    @property
    def people_are_editors(self) -> bool:
        return not self.authors and bool(self.editors)

    @property
    def type_label(self) -> str:
        """"Journal article", "PhD thesis", "Software"... for the entry type."""
        return ENTRY_TYPE_LABELS.get(self.entry_type, "Other")

    @property
    def is_published(self) -> bool:
        return self.status == "published"

    @property
    def date(self) -> PartialDate | None:
        return PartialDate(self.year, self.month, self.day) if self.year else None

    @property
    def sort_key(self) -> tuple:
        """Newest first when sorted in reverse; undated work sorts as newest (it is in progress)."""
        return (self.year or 9999, self.month or 0, self.day or 0)


# --- posts (data/posts/*.md) ----------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Post:
    """A post of data/posts/: its front matter and its Markdown body."""

    slug: str  # from the file's name: its page is posts/<slug>/
    title: str
    date: PartialDate
    description: str
    tags: tuple[str, ...]
    draft: bool
    body: str  # Markdown
    source: str = field(compare=False)  # the file, as the user would type it


# --- the whole site ---------------------------------------------------------------------------


@dataclass(frozen=True)
class SiteModel:
    """Everything a site is built from, validated."""

    settings: Settings
    person: Person
    sections: list[Section]
    news: list[NewsItem]  # newest first
    publications: list[Publication]  # newest first, as loaded
    warnings: list[Problem] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)  # newest first; drafts only when asked for
    # The citation styles site.yml names (citation_style, cvs' citation_style), loaded, by the
    # value written there: citations.CitationStyle (not imported: citations/ builds on this module).
    citation_styles: dict[str, Any] = field(default_factory=dict)

    @cached_property
    def publications_by_key(self) -> dict[str, Publication]:
        return {p.key: p for p in self.publications}

    @cached_property
    def published(self) -> list[Publication]:
        return [p for p in self.publications if p.is_published]

    @cached_property
    def unpublished(self) -> list[Publication]:
        return [p for p in self.publications if not p.is_published]

    @cached_property
    def selected_publications(self) -> list[Publication]:
        return [p for p in self.publications if p.selected]

    @cached_property
    def published_by_year(self) -> list[tuple[int | None, list[Publication]]]:
        """[(year, papers)], newest year first; papers without a year come last under None."""
        papers = sorted(self.published, key=lambda p: p.year is None)  # stable: keeps newest first
        return [(year, list(group)) for year, group in groupby(papers, key=lambda p: p.year)]

    def section_publications(self, section: PublicationsSection) -> list[Publication]:
        if section.include == "all":
            return self.publications
        if section.include == "selected":
            return self.selected_publications
        return [self.publications_by_key[key] for key in section.include]

    @property
    def title(self) -> str:
        return self.settings.title or self.person.name

"""The validated model of a site: settings, the person, CV sections, news and publications.

YAML data is checked by the records here (see `records.py`: unknown keys are errors; the JSON Schema
for editors is generated from them). Publications come from BibTeX and are plain dataclasses built
by `bibtex.py`, which is much faster than checking thousands of entries field by field.
Derived values (sorted lists, display strings, name variants) live here so templates stay simple.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property
from itertools import groupby
from typing import Annotated, Iterator, Literal, Union

from cv_site.text.dates import HINT as DATE_HINT
from cv_site.text.dates import DateRange, PartialDate, parse_date, parse_range
from cv_site.text.cjk import is_cjk
from cv_site.errors import Problem
from cv_site.links import LINK_KINDS, PROFILE_LINK_KINDS, Link, is_safe_url, make_link
from cv_site.load.records import Description, Issue, Parsed, Record, Tagged
from cv_site.load.records import field as rule


# --- field types -------------------------------------------------------------------------------


def _to_range(value: object) -> DateRange:
    return value if isinstance(value, DateRange) else parse_range(value)


def _to_date(value: object) -> PartialDate:
    return value if isinstance(value, PartialDate) else parse_date(value)


Dates = Annotated[
    DateRange,
    Parsed(
        _to_range,
        {
            "type": ["string", "integer"],
            "description": "A date or range as in a CV: 2020, 2020.9, 2020-09-01, 2017 - 2020, 2023.6 - Now, 2020.9 -",
            "examples": ["2020.9 -", "2017 - 2020", "2023.6 - Now", 2018],
        },
        DATE_HINT,
    ),
]
Date = Annotated[
    PartialDate,
    Parsed(
        _to_date,
        {
            "type": ["string", "integer"],
            "description": "A date: 2024, 2024.2, 2024-02-27 or Feb 2024",
            "examples": ["2024-02-27", "2024.2"],
        },
        DATE_HINT,
    ),
]
Markdown = Annotated[str, Description("Markdown text (inline or block)")]
HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


UNSAFE_LINK = "only http(s), mailto and relative links are allowed"


def _check_url(value: str) -> str:
    if not is_safe_url(value):
        raise ValueError(UNSAFE_LINK)
    return value


def _check_colour(value: str) -> str:
    if not HEX_COLOR.match(value):
        raise ValueError("expected a colour as #rrggbb")
    return value


def _check_site_url(value: str) -> str:
    if value and (not re.match(r"^https?://[^/\s]+(/\S*)?$", value) or not is_safe_url(value)):
        raise ValueError("expected an absolute http(s) URL such as https://name.github.io/")
    return value


# --- settings (data/site.yml) -------------------------------------------------------------------


class PdfSettings(Record):
    enabled: bool = rule(True, description="Write cv.pdf (also: cv-site build --no-pdf)")
    paper: Literal["a4", "us-letter"] = "a4"
    pdfa: bool = rule(False, description="Write PDF/A-2b for archiving")
    sections: list[str] | None = rule(
        None, description="Section ids to include, in this order (default: every section, in the data's order)"
    )
    titles: dict[str, str] = rule(
        {}, description="Section titles for the PDF by section id, e.g. {research: Research Internships}"
    )
    include_news: bool = rule(False, description="Put the news first in the PDF, as a section titled News")
    news_items: int | None = rule(None, ge=1, description="How many news items the PDF shows (default: all)")
    font_size: float = rule(10, ge=7, le=14, description="Body text size in points")
    fonts: list[str] = rule(
        [], description="Font families to try after the bundled New Computer Modern, e.g. [Noto Serif SC] for Chinese"
    )
    font_paths: list[str] = rule(
        [], description="Font files or folders (relative to the site folder) that hold the `fonts`"
    )
    keywords: list[str] | None = rule(
        None, description="PDF keywords (default: curriculum vitae, CV, your name, position and affiliation)"
    )


class Settings(Record):
    title: str | None = rule(None, description="Site title (default: the person's name)")
    description: str | None = rule(None, description="One sentence for search engines and link previews")
    url: str = rule(
        "",
        check=_check_site_url,
        description="Where the site is published, e.g. https://name.github.io/ or https://name.github.io/repo/",
    )
    language: str = rule("en", description="BCP 47 language tag of the content")
    accent_color: str = rule("#1f5fa8", check=_check_colour, description="The one accent colour, as #rrggbb")
    allow_html: bool = rule(False, description="Let raw HTML in Markdown through (otherwise it is shown as text)")
    news_on_home: int = rule(5, ge=0, description="How many news items the home page shows")
    ongoing_label: str = rule("present", description="Shown for an open-ended date range such as 2020.9 -")
    pdf: PdfSettings = PdfSettings()


# --- the person (data/cv.yml: person) -----------------------------------------------------------


class _ProfileLinksBase(Record):
    def issues(self) -> Iterator[Issue]:
        for kind, value in self.given().items():
            if not is_safe_url(LINK_KINDS[kind].url(value)):
                yield Issue((kind,), UNSAFE_LINK, value)

    def given(self) -> dict[str, str]:
        """The links written, by kind, in field order."""
        return {kind: value for kind in self.fields if (value := getattr(self, kind)) is not None}


# One optional field per profile link kind, from the link table: unknown kinds are unknown keys.
ProfileLinks = type("ProfileLinks", (_ProfileLinksBase,), {
    "__annotations__": {kind: str | None for kind in PROFILE_LINK_KINDS},
    **{kind: rule(None, description=f"{LINK_KINDS[kind].label}: an id or a full URL") for kind in PROFILE_LINK_KINDS},
})


class Person(Record):
    name: str = rule(min_length=1)
    aliases: list[str] = rule(
        [], description="Other spellings of your name in author lists (e.g. 'Guo, Q.'), to highlight them"
    )
    position: str | None = None
    affiliation: str | None = None
    affiliation_url: str | None = rule(None, check=_check_url)
    email: str | None = None
    photo: str | None = rule(None, description="Path of a photo inside static/ (e.g. images/me.jpg)")
    photo_alt: str | None = None
    bio: Markdown = ""
    links: ProfileLinks = rule(ProfileLinks(), description="Profile links: an id or a URL for each kind")

    @property
    def profile_links(self) -> list[Link]:
        """Email first, then the links in the order written."""
        values = self.links.given()
        if self.email:
            values["email"] = self.email
        return [make_link(kind, values[kind]) for kind in PROFILE_LINK_KINDS if kind in values]

    @cached_property
    def name_keys(self) -> frozenset[str]:
        """Normalised spellings of the name, for matching authors (see `names.OwnerMatcher`)."""
        return frozenset(normalise_name(n) for n in [self.name, *self.aliases])


def normalise_name(text: str) -> str:
    """Lower case, no accents, no punctuation: 'Gúo,  Q.' -> 'guo q'."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


# --- CV sections (data/cv.yml: sections) --------------------------------------------------------


class EducationEntry(Record):
    institution: str
    location: str | None = None
    date: Dates | None = None
    degree: str | None = None
    details: Markdown | None = None
    highlights: list[Markdown] = []


class Project(Record):
    title: Markdown
    role: str | None = None
    date: Dates | None = None
    highlights: list[Markdown] = []


class ExperienceEntry(Record):
    organization: str
    location: str | None = None
    date: Dates | None = None
    role: str | None = None
    summary: list[Markdown] = rule([], description="Lines describing the organisation or the role")
    highlights: list[Markdown] = []
    projects: list[Project] = []


class AwardEntry(Record):
    title: Markdown
    note: Markdown | None = None
    date: Dates | None = None


class ListEntry(Record):
    text: Markdown
    date: Dates | None = None


class ListGroup(Record):
    title: str
    items: list[ListEntry]


class MapEntry(Record):
    name: str
    value: Markdown


class _Section(Record):
    title: str = rule(min_length=1)
    id: str | None = rule(None, description="Anchor and reference name (default: from the title)")
    intro: Markdown | None = None

    @property
    def slug(self) -> str:
        return self.id or slugify(self.title)


class EducationSection(_Section):
    kind: Literal["education"]
    entries: list[EducationEntry]


class ExperienceSection(_Section):
    kind: Literal["experience"]
    entries: list[ExperienceEntry]


class AwardsSection(_Section):
    kind: Literal["awards"]
    entries: list[AwardEntry]


class ListSection(_Section):
    kind: Literal["list"]
    entries: list[ListEntry]


class NestedListSection(_Section):
    kind: Literal["nested_list"]
    entries: list[ListGroup]


class MapSection(_Section):
    kind: Literal["map"]
    entries: list[MapEntry]


class TextSection(_Section):
    kind: Literal["text"]
    body: Markdown


class PublicationsSection(_Section):
    kind: Literal["publications"]
    include: Literal["all", "selected"] | list[str] = rule(
        "all", description="'all', 'selected' (BibTeX selected = {true}), or a list of BibTeX keys"
    )


Section = Annotated[
    Union[
        EducationSection,
        ExperienceSection,
        AwardsSection,
        ListSection,
        NestedListSection,
        MapSection,
        TextSection,
        PublicationsSection,
    ],
    Tagged("section"),
]
SECTION_KINDS = ["education", "experience", "awards", "list", "nested_list", "map", "text", "publications"]


class CvFile(Record):
    """data/cv.yml"""

    person: Person
    sections: list[Section] = []

    def issues(self) -> Iterator[Issue]:
        first: dict[str, int] = {}
        for index, section in enumerate(self.sections):
            if section.slug in first:
                named_by = "id" if section.id else "title"
                yield Issue(("sections", index, named_by), f"its id {section.slug!r} is taken by sections[{first[section.slug]}]",
                            getattr(section, named_by), "give one of them an `id:` of its own")
            first.setdefault(section.slug, index)


class NewsItem(Record):
    date: Date
    text: Markdown


class NewsFile(Record):
    """data/news.yml"""

    news: list[NewsItem] = []


def slugify(text: str) -> str:
    text = normalise_name(text)
    return re.sub(r"\s+", "-", text) or "section"


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
    source: SourceRef
    editors: tuple[Author, ...] = ()
    selected: bool = False
    abbr: str = ""  # venue badge
    award: str = ""  # e.g. "Oral"
    annotation: str = ""
    abstract: str = ""
    doi: str = ""
    arxiv_id: str = ""
    styled: dict[str, str] = field(default_factory=dict)  # fields with italic/bold/math (richtext markers)

    def styled_text(self, name: str) -> str:
        """A field with its italic, bold and math markers (see richtext); "" when absent."""
        if name in self.styled:
            return self.styled[name]
        return self.title if name == "title" else self.abstract if name == "abstract" else self.fields.get(name, "")

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
    def has_equal_contribution(self) -> bool:
        return any(a.equal_contribution for a in self.authors)

    @property
    def has_corresponding(self) -> bool:
        return any(a.corresponding for a in self.authors)

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

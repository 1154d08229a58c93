"""The records of the YAML data (data/site.yml, data/cv.yml, data/news.yml), as pydantic models.

Unknown keys are errors, text is stripped, records cannot be changed once made. Pydantic's errors
become the located messages users read in `load/validation.py`; `cv-site schema` prints
`model_json_schema()` of these models for editors. Their base, `Record`, and the field types are
in fields.py.

Validators are built on first use (`defer_build`): a command that validates nothing pays only the
import.
"""

from functools import cached_property
from typing import Annotated, Any, Literal, Union

from pydantic import Discriminator, Field, Tag, ValidationError, create_model, field_validator, model_validator
from pydantic_core import InitErrorDetails

from cv_site.fields import (  # noqa: F401 (Flag, Markdown, Number: the field types, for code that builds records)
    Colour, Date, Dates, Flag, Markdown, Number, Record, Rejected, SafeUrl, SiteUrl, WholeNumber,
)
from cv_site.links import LINK_KINDS, PROFILE_LINK_KINDS, PROJECT_LINK_KINDS, TALK_LINK_KINDS, Link, UNSAFE_LINK, is_safe_url, make_link
from cv_site.labels import COLLECTION_PAGES, TALK_KIND_LABELS
from cv_site.text.dates import DateRange
from cv_site.text.normalise import normalise_name, slugify
from cv_site.variants import PAPER_SIZES, CvVariant


# --- settings (data/site.yml) -------------------------------------------------------------------


class PdfSettings(Record):
    enabled: Flag = Field(True, description="Write cv.pdf (also: cv-site build --no-pdf)")
    paper: Literal[PAPER_SIZES] = "a4"  # type: ignore[valid-type]
    theme: str = Field("classic", description="The PDF theme: classic, modern or compact (or a folder of the site's templates/themes/)")
    pdfa: Flag = Field(False, description="Write PDF/A-2b for archiving")
    sections: list[str] | None = Field(
        None, description="Section ids to include, in this order (default: every section, in the data's order)"
    )
    titles: dict[str, str] = Field(
        {}, description="Section titles for the PDF by section id, e.g. {research: Research Internships}"
    )
    include_news: Flag = Field(False, description="Put the news first in the PDF, as a section titled News")
    news_items: WholeNumber | None = Field(None, ge=1, description="How many news items the PDF shows (default: all)")
    font_size: Number = Field(10, ge=7, le=14, description="Body text size in points")
    fonts: list[str] = Field(
        [], description="Font families to try after the bundled New Computer Modern, e.g. [Noto Serif SC] for Chinese"
    )
    font_paths: list[str] = Field(
        [], description="Font files or folders (relative to the site folder) that hold the `fonts`"
    )
    keywords: list[str] | None = Field(
        None, description="PDF keywords (default: curriculum vitae, CV, your name, position and affiliation)"
    )


class Settings(Record):
    title: str | None = Field(None, description="Site title (default: the person's name)")
    description: str | None = Field(None, description="One sentence for search engines and link previews")
    url: SiteUrl = Field(
        "", description="Where the site is published, e.g. https://name.github.io/ or https://name.github.io/repo/"
    )
    language: str = Field("en", description="BCP 47 language tag of the content")
    accent_color: Colour = Field("#1f5fa8", description="The one accent colour, as #rrggbb")
    allow_html: Flag = Field(False, description="Let raw HTML in Markdown through (otherwise it is shown as text)")
    news_on_home: WholeNumber = Field(5, ge=0, description="How many news items the home page shows")
    ongoing_label: str = Field("present", description="Shown for an open-ended date range such as 2020.9 -")
    pages: list[Literal[tuple(COLLECTION_PAGES)]] | None = Field(  # type: ignore[valid-type]
        None, description="The collections with a page of their own, in the navigation's order: publications, "
                          "talks, teaching (default: publications; it is always there)")
    pdf: PdfSettings = Field(default_factory=PdfSettings)
    citation_style: str | None = Field(
        None, description="Papers as references in a CSL style, on the site and in the PDF: apa, ieee, chicago-author-date, "
                          "harvard, vancouver, acm, nature, or the path of a .csl file (default: cv-site's own layout)")
    cvs: list[CvVariant] = Field([], description="CVs besides the full one (cv.pdf), each a PDF of its own")
    tag_fields: list[str] = Field(
        ["tags", "keywords"], description="The BibTeX fields whose comma-separated words are a paper's tags")
    strict: Flag = Field(False, description="Every warning, the bibliography linter's too (cv-site check), is an "
                                            "error, in check and build: for CI")


# --- the person (data/cv.yml: person) -----------------------------------------------------------


class _LinksBase(Record):
    @field_validator("*")
    @classmethod
    def _safe(cls, value: str | None, info: Any) -> str | None:
        if value is not None and not is_safe_url(LINK_KINDS[info.field_name].url(value)):
            raise Rejected(UNSAFE_LINK)
        return value

    def given(self) -> dict[str, str]:
        """The links written, by kind, in field order."""
        return {kind: value for kind in self.fields if (value := getattr(self, kind)) is not None}

    def links(self) -> tuple[Link, ...]:
        """The links written, in the table's order for these kinds."""
        return tuple(make_link(kind, value) for kind, value in self.given().items())


def _links_model(name: str, kinds: list[str], what: str) -> Any:
    """One optional field per link kind, from the link table: unknown kinds are unknown keys."""
    fields = {kind: (str | None, Field(None, description=f"{LINK_KINDS[kind].label}: {what}")) for kind in kinds}
    return create_model(name, __base__=_LinksBase, __module__=__name__, **fields)  # type: ignore[call-overload]


ProfileLinks = _links_model("ProfileLinks", PROFILE_LINK_KINDS, "an id or a full URL")
TalkLinks = _links_model("TalkLinks", TALK_LINK_KINDS, "a URL")
ProjectLinks = _links_model("ProjectLinks", PROJECT_LINK_KINDS, "a URL (paper: a BibTeX key)")


class Person(Record):
    name: str = Field(min_length=1)
    aliases: list[str] = Field(
        [], description="Other spellings of your name in author lists (e.g. 'Guo, Q.'), to highlight them"
    )
    position: str | None = None
    affiliation: str | None = None
    affiliation_url: SafeUrl | None = None
    email: str | None = None
    photo: str | None = Field(None, description="Path of a photo inside static/ (e.g. images/me.jpg)")
    photo_alt: str | None = None
    bio: Markdown = ""
    links: ProfileLinks = Field(default_factory=ProfileLinks,  # type: ignore[valid-type]
                                description="Profile links: an id or a URL for each kind")

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


# --- CV sections (data/cv.yml: sections) --------------------------------------------------------

Tags = Annotated[list[str], Field(description="Words a CV variant (site.yml: cvs) can select entries by")]


class EducationEntry(Record):
    institution: str
    location: str | None = None
    date: Dates | None = None
    degree: str | None = None
    details: Markdown | None = None
    highlights: list[Markdown] = []
    tags: Tags = []


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
    summary: list[Markdown] = Field([], description="Lines describing the organisation or the role")
    highlights: list[Markdown] = []
    projects: list[Project] = []
    tags: Tags = []


class AwardEntry(Record):
    title: Markdown
    note: Markdown | None = None
    date: Dates | None = None
    tags: Tags = []


class ListEntry(Record):
    text: Markdown
    date: Dates | None = None
    tags: Tags = []


class ListGroup(Record):
    title: str
    items: list[ListEntry]


class MapEntry(Record):
    name: str
    value: Markdown
    tags: Tags = []


class TalkEntry(Record):
    title: Markdown
    event: str | None = Field(None, description="Where it was given: a conference, workshop, seminar series")
    location: str | None = None
    date: Date | None = None
    kind: Literal[tuple(TALK_KIND_LABELS)] | None = Field(  # type: ignore[valid-type]
        None, description="invited, contributed, keynote, poster, seminar or panel")
    links: TalkLinks = Field(default_factory=TalkLinks,  # type: ignore[valid-type]
                             description="slides, video, poster, pdf, code, event (the event's page): URLs")
    abstract: Markdown | None = None
    tags: Tags = []


class ProjectEntry(Record):
    title: Markdown
    summary: Markdown | None = None
    date: Dates | None = None
    role: str | None = None
    image: str | None = Field(None, description="Path of an image inside static/ (e.g. images/engine.png)")
    image_alt: str | None = Field(None, description="What the image shows, for those who cannot see it")
    links: ProjectLinks = Field(default_factory=ProjectLinks,  # type: ignore[valid-type]
                                description="code, website, pdf, slides, video, poster, blog: URLs; paper: a BibTeX key")
    tags: Tags = []

    @model_validator(mode="after")
    def _image_has_alt(self) -> "ProjectEntry":
        if self.image and not self.image_alt:
            error = Rejected("an image needs `image_alt`: what it shows, for those who cannot see it",
                             "add `image_alt:` with a few words")
            raise ValidationError.from_exception_data(type(self).__name__, [InitErrorDetails(
                type="value_error", loc=("image",), input=self.image, ctx={"error": error})])
        return self


class TeachingEntry(Record):
    course: Markdown
    code: str | None = Field(None, description="The course's code, e.g. COMP 3270")
    role: str | None = Field(None, description="Instructor, teaching assistant, guest lecturer...")
    institution: str | None = None
    date: Dates | None = None
    term: str | None = Field(None, description="A term in words (e.g. Fall 2023), shown when there is no date")
    link: SafeUrl | None = None
    details: Markdown | None = None
    tags: Tags = []

    @property
    def when(self) -> DateRange | str | None:
        """The date range, or else the term in words."""
        return self.date or self.term


class _Section(Record):
    title: str = Field(min_length=1)
    id: str | None = Field(None, description="Anchor and reference name (default: from the title)")
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


class TalksSection(_Section):
    kind: Literal["talks"]
    order: Literal["newest_first", "as_written"] = Field(
        "newest_first", description="newest_first (undated talks last) or as_written")
    entries: list[TalkEntry]


class ProjectsSection(_Section):
    kind: Literal["projects"]
    entries: list[ProjectEntry]


class TeachingSection(_Section):
    kind: Literal["teaching"]
    entries: list[TeachingEntry]


class TextSection(_Section):
    kind: Literal["text"]
    body: Markdown


def _include_form(value: Any) -> str:
    return "keys" if isinstance(value, list) else "word"


class PublicationsSection(_Section):
    kind: Literal["publications"]
    # A list is BibTeX keys; anything else must be one of the words (and is told so when it is not).
    include: Annotated[
        Union[Annotated[Literal["all", "selected"], Tag("word")], Annotated[list[str], Tag("keys")]],
        Discriminator(_include_form),
    ] = Field("all", description="'all', 'selected' (BibTeX selected = {true}), or a list of BibTeX keys")


# The section kinds, told apart by `kind` (the title names them in messages: "every section needs...").
Section = Annotated[
    Union[EducationSection, ExperienceSection, AwardsSection, ListSection, NestedListSection, MapSection, TextSection,
          PublicationsSection, TalksSection, TeachingSection, ProjectsSection],
    Field(discriminator="kind", title="Section"),
]
SECTION_KINDS = ["education", "experience", "awards", "list", "nested_list", "map", "text", "publications", "talks",
                 "teaching", "projects"]


class CvFile(Record):
    """data/cv.yml"""

    person: Person
    sections: list[Section] = []

    @model_validator(mode="after")
    def _unique_ids(self) -> "CvFile":
        taken = []
        first: dict[str, int] = {}
        for index, section in enumerate(self.sections):
            if section.slug in first:
                named_by = "id" if section.id else "title"
                error = Rejected(f"its id {section.slug!r} is taken by sections[{first[section.slug]}]",
                                 "give one of them an `id:` of its own")
                taken.append(InitErrorDetails(type="value_error", loc=("sections", index, named_by),
                                              input=getattr(section, named_by), ctx={"error": error}))
            first.setdefault(section.slug, index)
        if taken:  # a ValidationError keeps every problem, each at its own key
            raise ValidationError.from_exception_data(type(self).__name__, taken)
        return self


class PostFront(Record):
    """The front matter of a post (data/posts/YYYY-MM-DD-slug.md)."""

    title: str = Field(min_length=1)
    date: Date | None = Field(None, description="Default: the date in the file's name")
    description: str | None = Field(None, description="One sentence for the list of posts, search engines and previews")
    tags: list[str] = []
    draft: Flag = Field(False, description="Shown by cv-site serve, left out of cv-site build unless --drafts")


class NewsItem(Record):
    date: Date
    text: Markdown


class NewsFile(Record):
    """data/news.yml"""

    news: list[NewsItem] = []

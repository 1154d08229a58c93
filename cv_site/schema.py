"""The records of the YAML data (data/site.yml, data/cv.yml, data/news.yml), as pydantic models.

Unknown keys are errors, text is stripped, records cannot be changed once made. Pydantic's errors
become the located messages users read in `load/validation.py`; `cv-site schema` prints
`model_json_schema()` of these models for editors. A rule of our own raises `Rejected`, a
ValueError that may carry a hint.

Validators are built on first use (`defer_build`): a command that validates nothing pays only the
import.
"""

import re
from functools import cached_property
from typing import Annotated, Any, Callable, ClassVar, Literal, Union

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainSerializer,
    PlainValidator,
    Tag,
    ValidationError,
    WithJsonSchema,
    create_model,
    field_validator,
    model_validator,
)
from pydantic_core import InitErrorDetails, PydanticKnownError

from cv_site.links import LINK_KINDS, PROFILE_LINK_KINDS, Link, UNSAFE_LINK, is_safe_url, make_link
from cv_site.text.dates import HINT as DATE_HINT
from cv_site.text.dates import DateRange, PartialDate, parse_date, parse_range
from cv_site.text.normalise import normalise_name, slugify


class Rejected(ValueError):
    """A value a rule of ours refuses: the message says why, the hint how to fix it."""

    def __init__(self, message: str, hint: str = ""):
        super().__init__(message)
        self.hint = hint


class Record(BaseModel):
    """Base of the YAML records."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)

    fields: ClassVar[tuple[str, ...]] = ()  # the field names in order, for code that walks a record

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        cls.fields = tuple(cls.model_fields)

    @classmethod
    def from_data(cls, data: Any) -> Any:
        """The record for plain data (what YAML gives); raises pydantic's ValidationError."""
        return cls.model_validate(data)

    def replace(self, **changes: Any) -> Any:
        """A copy with some fields changed, checked."""
        return self.model_validate({**{name: getattr(self, name) for name in self.fields}, **changes})

    def as_data(self, *, skip_defaults: bool = False) -> dict[str, Any]:
        """Plain data (dates as text) that `from_data` turns back into this record."""
        return self.model_dump(mode="json", exclude_defaults=skip_defaults)


# --- field types -------------------------------------------------------------------------------


def _date_type(kind: type, parse: Callable[[Any], Any], schema: dict[str, Any]) -> Any:
    """A date field: `parse` reads the data (its DateError is shown with the dates' hint); as JSON, text."""

    def validate(value: Any) -> Any:
        if isinstance(value, kind):
            return value
        try:
            return parse(value)
        except ValueError as error:
            raise Rejected(str(error), DATE_HINT) from None

    as_text = PlainSerializer(kind.__str__, when_used="json")
    return Annotated[kind, PlainValidator(validate), as_text, WithJsonSchema(schema)]


Dates = _date_type(DateRange, parse_range, {
    "type": ["string", "integer"],
    "description": "A date or range as in a CV: 2020, 2020.9, 2020-09-01, 2017 - 2020, 2023.6 - Now, 2020.9 -",
    "examples": ["2020.9 -", "2017 - 2020", "2023.6 - Now", 2018],
})
Date = _date_type(PartialDate, parse_date, {
    "type": ["string", "integer"],
    "description": "A date: 2024, 2024.2, 2024-02-27 or Feb 2024",
    "examples": ["2024-02-27", "2024.2"],
})
Markdown = Annotated[str, Field(description="Markdown text (inline or block)")]


def _refuse(kinds: tuple[type, ...], error_type: str) -> Any:
    """YAML reads yes/no/true/false as booleans and 1 as a number: pydantic would take True for 1
    and 1 for True, which the data never means."""

    def check(value: Any) -> Any:
        if type(value) in kinds:
            raise PydanticKnownError(error_type)
        return value

    return BeforeValidator(check)


WholeNumber = Annotated[int, _refuse((bool,), "int_type")]
Number = Annotated[float, _refuse((bool,), "float_type")]
Flag = Annotated[bool, _refuse((int, float), "bool_type")]

HEX_COLOR = re.compile(r"^#(?:[0-9a-fA-F]{3}){1,2}$")


def _check_url(value: str) -> str:
    if not is_safe_url(value):
        raise Rejected(UNSAFE_LINK)
    return value


def _check_colour(value: str) -> str:
    if not HEX_COLOR.match(value):
        raise Rejected("expected a colour as #rrggbb")
    return value


def _check_site_url(value: str) -> str:
    if value and (not re.match(r"^https?://[^/\s]+(/\S*)?$", value) or not is_safe_url(value)):
        raise Rejected("expected an absolute http(s) URL such as https://name.github.io/")
    return value


SafeUrl = Annotated[str, AfterValidator(_check_url)]
SiteUrl = Annotated[str, AfterValidator(_check_site_url)]
Colour = Annotated[str, AfterValidator(_check_colour)]


# --- settings (data/site.yml) -------------------------------------------------------------------


class PdfSettings(Record):
    enabled: Flag = Field(True, description="Write cv.pdf (also: cv-site build --no-pdf)")
    paper: Literal["a4", "us-letter"] = "a4"
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
    pdf: PdfSettings = Field(default_factory=PdfSettings)


# --- the person (data/cv.yml: person) -----------------------------------------------------------


class _ProfileLinksBase(Record):
    @field_validator("*")
    @classmethod
    def _safe(cls, value: str | None, info: Any) -> str | None:
        if value is not None and not is_safe_url(LINK_KINDS[info.field_name].url(value)):
            raise Rejected(UNSAFE_LINK)
        return value

    def given(self) -> dict[str, str]:
        """The links written, by kind, in field order."""
        return {kind: value for kind in self.fields if (value := getattr(self, kind)) is not None}


# One optional field per profile link kind, from the link table: unknown kinds are unknown keys.
ProfileLinks = create_model(
    "ProfileLinks",
    __base__=_ProfileLinksBase,
    __module__=__name__,
    **{kind: (str | None, Field(None, description=f"{LINK_KINDS[kind].label}: an id or a full URL"))
       for kind in PROFILE_LINK_KINDS},
)


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
    summary: list[Markdown] = Field([], description="Lines describing the organisation or the role")
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
          PublicationsSection],
    Field(discriminator="kind", title="Section"),
]
SECTION_KINDS = ["education", "experience", "awards", "list", "nested_list", "map", "text", "publications"]


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


class NewsItem(Record):
    date: Date
    text: Markdown


class NewsFile(Record):
    """data/news.yml"""

    news: list[NewsItem] = []

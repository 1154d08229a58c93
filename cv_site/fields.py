"""What the YAML records are made of: `Record`, their base (unknown keys refused, text stripped,
frozen), and the field types every record uses (dates as in a CV, Markdown, safe links, numbers
and flags that YAML's booleans cannot stand in for). A rule of ours raises `Rejected`, a
ValueError that may carry a hint; `load/validation.py` turns it into the user's message."""

import re
from typing import Annotated, Any, Callable, ClassVar

from pydantic import (
    AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer, PlainValidator, WithJsonSchema,
)
from pydantic_core import PydanticKnownError

from cv_site.links import UNSAFE_LINK, is_safe_url
from cv_site.text.dates import HINT as DATE_HINT
from cv_site.text.dates import DateRange, PartialDate, parse_date, parse_range


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

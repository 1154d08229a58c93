"""Dates as people write them in CVs: `2020.9`, `2017 - 2020`, `2023.6 - Now`, `2020.9 -`.

A `PartialDate` knows as much as was written (year, maybe month, maybe day) and keeps the text the
author used, so the CV shows `2020.9` where the author wrote `2020.9`. A `DateRange` is one date or
a start and an end; an end of `Now`/`present`/nothing means ongoing.
"""

from __future__ import annotations

import datetime as _dt
import functools
import re
from dataclasses import dataclass

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"), ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}
ONGOING_WORDS = {"now", "present", "today", "current", "ongoing", "till now", "to date"}

# One side of a range: 2020 | 2020.9 | 2020-09 | 2020/9 | 2020-09-01 | Sep 2020 | September 2020
_NUMERIC = re.compile(r"^(\d{4})(?:[.\-/](\d{1,2})(?:[.\-/](\d{1,2}))?)?$")
_NAMED = re.compile(r"^([A-Za-z]+)\.?\s+(\d{4})$")
_SEPARATOR = re.compile(r"\s*(?:--|–|—|-|\bto\b)\s*")


class DateError(ValueError):
    """Text that is not a date; the message says which forms are understood."""


HINT = "write a year (2020), year.month (2020.9), an ISO date (2020-09-01), or a range (2017 - 2020, 2023.6 - Now)"


@functools.total_ordering
@dataclass(frozen=True, slots=True)
class PartialDate:
    """A year, maybe with month and day, and the text it was written as. Ordered by the calendar,
    a date without its month (or day) first among those of its year (month): 2024 < 2024-05."""

    year: int
    month: int | None = None
    day: int | None = None
    text: str = ""  # as written; compared last

    def __lt__(self, other: "PartialDate") -> bool:
        if not isinstance(other, PartialDate):
            return NotImplemented
        return self._order < other._order

    @property
    def _order(self) -> tuple[int, int, int, str]:
        return self.year, self.month or 0, self.day or 0, self.text

    @property
    def iso(self) -> str:
        """YYYY, YYYY-MM or YYYY-MM-DD: valid in HTML `<time datetime>`."""
        out = f"{self.year:04d}"
        if self.month:
            out += f"-{self.month:02d}"
            if self.day:
                out += f"-{self.day:02d}"
        return out

    def as_date(self) -> _dt.date:
        return _dt.date(self.year, self.month or 1, self.day or 1)

    def __str__(self) -> str:
        return self.text or self.iso


RANGE_SEPARATOR = " – "


@dataclass(frozen=True, slots=True)
class DateRange:
    """One date, a start and an end, or an ongoing start."""

    start: PartialDate
    end: PartialDate | None = None  # None with ongoing=False: a single date
    ongoing: bool = False

    @property
    def is_range(self) -> bool:
        return self.end is not None or self.ongoing

    @property
    def sort_key(self) -> tuple:
        """Newest first when sorted in reverse: ongoing beats any end date."""
        end = self.end or self.start
        return (1 if self.ongoing else 0, end.year, end.month or 0, self.start.year, self.start.month or 0)

    def __str__(self) -> str:
        """As data (cv-site schema, error messages); how pages show it: views/site.py's date_label."""
        if not self.is_range:
            return str(self.start)
        return f"{self.start}{RANGE_SEPARATOR}{self.end or 'present'}"


def parse_date(value: object) -> PartialDate:
    """One date. Raises DateError with the reason."""
    if isinstance(value, bool):
        raise DateError("expected a date")
    if isinstance(value, int):
        value = str(value)
    if isinstance(value, _dt.date):
        return PartialDate(value.year, value.month, value.day, value.isoformat())
    if not isinstance(value, str):
        raise DateError("expected a date")
    text = value.strip()
    if match := _NUMERIC.match(text):
        year, month, day = (int(g) if g else None for g in match.groups())
        return _checked(year, month, day, text)
    if match := _NAMED.match(text):
        month = MONTHS.get(match.group(1).lower())
        if month is None:
            raise DateError(f"unknown month name {match.group(1)!r}")
        return _checked(int(match.group(2)), month, None, text)
    raise DateError("not a date")


def _checked(year: int, month: int | None, day: int | None, text: str) -> PartialDate:
    if not 1000 <= year <= 9999:
        raise DateError("the year must have four digits")
    if month is not None and not 1 <= month <= 12:
        raise DateError(f"month {month} is not between 1 and 12")
    if day is not None:
        try:
            _dt.date(year, month or 1, day)
        except ValueError:
            raise DateError(f"day {day} does not exist in {year}-{month:02d}") from None
    return PartialDate(year, month, day, text)


def parse_range(value: object) -> DateRange:
    """A date or a range. `2020.9 -` and `2023.6 - Now` are ongoing."""
    if isinstance(value, (int, _dt.date)) and not isinstance(value, bool):
        return DateRange(parse_date(value))
    if not isinstance(value, str):
        raise DateError("expected a date or a date range")
    text = value.strip()
    if not text:
        raise DateError("the date is empty")
    try:
        return DateRange(parse_date(text))
    except DateError as single_error:
        # Try each separator in turn: "-" also appears inside ISO dates (2020-09-01 - 2021-01-01).
        error = single_error
        for match in _SEPARATOR.finditer(text):
            start_text, end_text = text[: match.start()], text[match.end() :]
            try:
                return _range_from(parse_date(start_text), start_text, end_text)
            except DateError as split_error:
                if str(error) == "not a date":  # keep the more specific reason
                    error = split_error
        raise error from None


def _range_from(start: PartialDate, start_text: str, end_text: str) -> DateRange:
    if not end_text or end_text.lower() in ONGOING_WORDS:
        return DateRange(start, None, ongoing=True)
    end = parse_date(end_text)
    if (end.year, end.month or 12) < (start.year, start.month or 1):
        raise DateError(f"the range ends ({end_text}) before it starts ({start_text})")
    return DateRange(start, end)

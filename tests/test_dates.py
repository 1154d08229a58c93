import datetime

import pytest

from cv_site.views.site import date_label
from cv_site.text.dates import DateError, parse_date, parse_range


@pytest.mark.parametrize(
    "text, display, start, end, ongoing",
    [
        ("2020.9", "2020.9", "2020-09", None, False),
        ("2017 - 2020", "2017 – 2020", "2017", "2020", False),
        ("2023.6 - Now", "2023.6 – present", "2023-06", None, True),
        ("2020.9 -", "2020.9 – present", "2020-09", None, True),
        ("2022.9 – 2022.12", "2022.9 – 2022.12", "2022-09", "2022-12", False),
        ("2017-2020", "2017 – 2020", "2017", "2020", False),
        ("2020-09-01 - 2021-01-31", "2020-09-01 – 2021-01-31", "2020-09-01", "2021-01-31", False),
        ("Sep 2020 – present", "Sep 2020 – present", "2020-09", None, True),
        ("2019 to 2021", "2019 – 2021", "2019", "2021", False),
        (2018, "2018", "2018", None, False),
    ],
)
def test_ranges_as_people_write_them(text, display, start, end, ongoing):
    dates = parse_range(text)
    assert str(dates) == display
    assert dates.start.iso == start
    assert (dates.end.iso if dates.end else None) == end
    assert dates.ongoing is ongoing


def test_one_configurable_word_for_every_open_range():
    assert date_label(parse_range("2020.9 -"), "heute").text == "2020.9 – heute"
    assert date_label(parse_range("2023.6 - Now"), "heute").text == "2023.6 – heute"
    assert date_label(parse_range("2023.6 - present"), "Now").text == "2023.6 – Now"
    assert date_label(parse_range("2017 - 2020"), "Now").parts == (("2017", "2017"), ("2020", "2020"))
    assert date_label(parse_range("2020.9 -"), "Now").parts == (("2020.9", "2020-09"), ("Now", ""))


def test_dates_from_yaml_timestamps():
    assert parse_date(datetime.date(2024, 2, 27)).iso == "2024-02-27"


@pytest.mark.parametrize(
    "text, message",
    [
        ("2020.13", "month 13 is not between 1 and 12"),
        ("2024-02-30", "day 30 does not exist in 2024-02"),
        ("2020 - 2019", "the range ends (2019) before it starts (2020)"),
        ("soon", "not a date"),
        ("20", "not a date"),
        ("Smarch 2020", "unknown month name 'Smarch'"),
        ("", "the date is empty"),
    ],
)
def test_bad_dates_say_why(text, message):
    with pytest.raises(DateError) as raised:
        parse_range(text)
    assert str(raised.value) == message


def test_newest_first_sort_key_puts_ongoing_first():
    ranges = [parse_range(t) for t in ["2013 - 2017", "2020.9 -", "2017 - 2020"]]
    ordered = sorted(ranges, key=lambda r: r.sort_key, reverse=True)
    assert [str(r) for r in ordered] == ["2020.9 – present", "2017 – 2020", "2013 – 2017"]


def test_dates_with_and_without_a_month_or_day_are_ordered_by_the_calendar() -> None:
    year, may, may_first = parse_date("2024"), parse_date("2024.5"), parse_date("2024-05-01")
    assert sorted([may_first, year, parse_date("2023-12-31"), may]) == [parse_date("2023-12-31"), year, may, may_first]
    assert max([year, may]) == may and year < may < may_first

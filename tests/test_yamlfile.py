import pytest

from cv_site.schema import CvFile, Settings
from cv_site.errors import format_loc, parse_loc
from cv_site.load.yamlfile import parse_yaml, validate

CV = """\
person:
  name: Ada Lovelace
sections:
  - title: Education
    kind: education
    entries:
      - institution: University of London
        date: 2020.10
"""


def test_positions_of_keys_and_values():
    document, problems = parse_yaml(CV, "data/cv.yml")
    assert problems == []
    assert document.value_positions[("person", "name")] == (2, 9)
    assert document.key_positions[("sections", 0, "entries", 0, "date")] == (8, 9)
    assert document.value_positions[("sections", 0)] == (4, 5)


def test_floats_and_timestamps_stay_text():
    document, _ = parse_yaml("a: 2020.10\nb: 2024-02-27\nc: 7\nd: true\n", "x.yml")
    assert document.data == {"a": "2020.10", "b": "2024-02-27", "c": 7, "d": True}


def test_a_cv_date_like_2020_10_is_october():
    document, _ = parse_yaml(CV, "data/cv.yml")
    cv, problems = validate(CvFile, document)
    assert problems == []
    assert cv.sections[0].entries[0].date.start.month == 10


def test_syntax_error_is_located():
    _, problems = parse_yaml("person:\n  name: [Ada\n", "data/cv.yml")
    assert len(problems) == 1
    assert str(problems[0]).startswith("data/cv.yml:3:1: YAML syntax error: while parsing a flow sequence")


def test_duplicate_key_is_an_error():
    _, problems = parse_yaml("a: 1\nb: 2\na: 3\n", "x.yml")
    assert [str(p) for p in problems] == [
        "x.yml:3:1: a: duplicate key (first given on line 1)\n    hint: remove one of the two"
    ]


def test_errors_inside_tagged_unions_point_at_the_data():
    document, _ = parse_yaml(CV.replace("institution", "instituton"), "data/cv.yml")
    _, problems = validate(CvFile, document)
    assert [str(p) for p in problems] == [
        "data/cv.yml:7:9: sections[0].entries[0].institution: required, but missing\n"
        "    hint: add `institution:` here",
        "data/cv.yml:7:9: sections[0].entries[0].instituton: unknown key\n"
        "    hint: did you mean 'institution'?",
    ]


def test_union_of_literal_and_list_reports_once():
    document, _ = parse_yaml("person: {name: A}\nsections:\n- {title: P, kind: publications, include: 3}\n", "cv.yml")
    _, problems = validate(CvFile, document)
    assert len(problems) == 1
    assert problems[0].key == "sections[0].include"


def test_settings_messages():
    document, _ = parse_yaml("accent_color: blue\nnews_on_home: many\n", "data/site.yml")
    _, problems = validate(Settings, document)
    assert [str(p) for p in problems] == [
        "data/site.yml:1:15: accent_color: expected a colour as #rrggbb (got 'blue')",
        "data/site.yml:2:15: news_on_home: expected a whole number (got 'many')",
    ]


def test_format_loc():
    assert format_loc(("sections", 2, "entries", 0, "date")) == "sections[2].entries[0].date"
    assert format_loc(()) == ""


@pytest.mark.parametrize("loc", [("person", "name"), ("sections", 2, "entries", 0, "date"), ("news", 10, "text"), ()])
def test_a_key_path_reads_back_as_its_location(loc: tuple) -> None:
    assert parse_loc(format_loc(loc)) == loc

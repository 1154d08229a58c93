"""The YAML records (schema.py) and their errors in the words users read (load/validation.py), one
rule at a time, and the JSON Schema."""

from __future__ import annotations

from typing import Annotated, Any, Literal, Union

import jsonschema
import pydantic
import pytest
from pydantic import AfterValidator, Discriminator, Field, Tag, WithJsonSchema, field_validator

from cv_site.errors import format_loc
from cv_site.load.validation import issues as validation_issues
from cv_site.schema import (
    CvFile,
    EducationEntry,
    Flag,
    Markdown,
    Number,
    Person,
    Record,
    Rejected,
    Settings,
    WholeNumber,
)


def _even(value: int) -> int:
    if value % 2:
        raise Rejected("not an even number", "try 2, 4 or 6")
    return value


Even = Annotated[int, AfterValidator(_even), WithJsonSchema({"type": "integer", "multipleOf": 2})]


class Leaf(Record):
    name: str
    colour: Literal["red", "green", "blue"] = "red"


class Cat(Record):
    kind: Literal["cat"]
    lives: WholeNumber = Field(9, ge=0, le=9)


class Dog(Record):
    kind: Literal["dog"]
    tricks: list[str] = []


def _include_form(value: Any) -> str:
    return "keys" if isinstance(value, list) else "word"


class Thing(Record):
    """A test record."""

    title: str = Field(min_length=1, description="What it is called")
    note: Markdown | None = None
    count: WholeNumber = Field(1, ge=1)
    ratio: Number = Field(0.5, ge=0, le=1)
    public: Flag = False
    leaves: list[Leaf] = []
    labels: dict[str, str] = {}
    pet: Annotated[Union[Cat, Dog], Field(discriminator="kind", title="Pet")] | None = None
    include: Annotated[
        Union[Annotated[Literal["all", "none"], Tag("word")], Annotated[list[str], Tag("keys")]],
        Discriminator(_include_form),
    ] = "all"
    even: Even | None = None
    site: str = ""

    @field_validator("site")
    @classmethod
    def _web_only(cls, value: str) -> str:
        if value.startswith("javascript:"):
            raise Rejected("only web links")
        return value


def issues(data: object, model: type[Record] = Thing) -> list[tuple[str, str, object, str, str]]:
    try:
        model.model_validate(data)
    except pydantic.ValidationError as error:
        found = validation_issues(model, error)
        assert found
        return sorted((format_loc(i.loc), i.message, i.value, i.hint, i.code) for i in found)
    return []


def test_good_data_gives_a_record_with_defaults_and_stripped_text():
    thing = Thing.from_data({"title": "  Engine ", "leaves": [{"name": " a"}], "pet": {"kind": "dog", "tricks": ["sit"]}})
    assert thing.title == "Engine"
    assert thing.leaves == [Leaf(name="a", colour="red")]
    assert isinstance(thing.pet, Dog) and thing.pet.tricks == ["sit"]
    assert (thing.count, thing.ratio, thing.public, thing.labels, thing.include) == (1, 0.5, False, {}, "all")
    assert Thing.fields[:3] == ("title", "note", "count")


def test_unknown_and_missing_keys():
    assert issues({"titel": "x"}) == [
        ("titel", "unknown key", None, "did you mean 'title'?", "unknown_key"),
        ("title", "required, but missing", None, "add `title:` here", "missing"),
    ]
    hint = issues({"title": "x", "zzz": 1})[0][3]
    assert hint.startswith("known keys here: title, note, count")
    assert issues({"title": "x", "pet": {"kind": "dog", "trick": []}}) == [
        ("pet.trick", "unknown key", None, "did you mean 'tricks'?", "unknown_key")]


@pytest.mark.parametrize(("data", "expected"), [
    ({"title": 42}, ("title", "expected text", 42, 'YAML reads this as a number: put it in quotes to keep it as text '
                     '("42")', "not_text")),
    ({"title": ""}, ("title", "must not be empty", "", "", "value")),
    ({"title": "x", "count": "many"}, ("count", "expected a whole number", "many", "", "value")),
    ({"title": "x", "count": 1.5}, ("count", "expected a whole number", 1.5, "", "value")),
    ({"title": "x", "count": True}, ("count", "expected a whole number", True, "", "value")),
    ({"title": "x", "count": 0}, ("count", "expected a whole number of at least 1", 0, "", "value")),
    ({"title": "x", "ratio": 2}, ("ratio", "expected a number from 0 to 1", 2, "", "value")),
    ({"title": "x", "ratio": "half"}, ("ratio", "expected a number", "half", "", "value")),
    ({"title": "x", "public": "maybe"}, ("public", "expected true or false", "maybe", "", "value")),
    ({"title": "x", "public": 1}, ("public", "expected true or false", 1, "", "value")),
    ({"title": "x", "leaves": "a"}, ("leaves", "expected a list (lines starting with '- ')", "a", "", "value")),
    ({"title": "x", "leaves": ["a"]}, ("leaves[0]", "expected a mapping (key: value lines)", "a", "", "value")),
    ({"title": "x", "leaves": [{"name": "a", "colour": "pink"}]},
     ("leaves[0].colour", "expected 'red', 'green' or 'blue'", "pink", "", "value")),
    ({"title": "x", "labels": {"a": 1}}, ("labels.a", "expected text", 1,
                                          'YAML reads this as a number: put it in quotes to keep it as text ("42")',
                                          "not_text")),
    ({"title": "x", "labels": [1]}, ("labels", "expected a mapping (key: value lines)", [1], "", "value")),
    ({"title": "x", "pet": {"tricks": []}},
     ("pet", "every pet needs a `kind:`", None, "add `kind:` with one of cat, dog", "value")),
    ({"title": "x", "pet": {"kind": "cta"}}, ("pet.kind", "unknown kind", "cta", "did you mean 'cat'?", "value")),
    ({"title": "x", "pet": {"kind": 7}}, ("pet.kind", "unknown kind", 7, "known kinds: cat, dog", "value")),
    ({"title": "x", "pet": "cat"}, ("pet", "expected a mapping (key: value lines)", "cat", "", "value")),
    ({"title": "x", "pet": {"kind": "cat", "lives": 10}},
     ("pet.lives", "expected a whole number from 0 to 9", 10, "", "value")),
    ({"title": "x", "include": "some"}, ("include", "expected 'all' or 'none'", "some", "", "value")),
    ({"title": "x", "include": 3}, ("include", "expected 'all' or 'none'", 3, "", "value")),
    ({"title": "x", "include": ["a", 2]}, ("include[1]", "expected text", 2,
                                           'YAML reads this as a number: put it in quotes to keep it as text ("42")',
                                           "not_text")),
    ({"title": "x", "even": 3}, ("even", "not an even number", 3, "try 2, 4 or 6", "value")),
    ({"title": "x", "site": "javascript:alert(1)"}, ("site", "only web links", "javascript:alert(1)", "", "value")),
    ("not a mapping", ("", "expected a mapping (key: value lines)", "not a mapping", "", "value")),
])
def test_each_rule_reports_where_and_what(data, expected):
    assert issues(data) == [expected]


@pytest.mark.parametrize(("value", "hint"), [
    (True, 'YAML reads yes, no, on, off, true and false as true or false: put the text in quotes ("NO")'),
    (None, "the value is empty: write the text, or remove the line"),
    ([1], ""),
])
def test_text_that_yaml_read_as_something_else_says_why(value, hint):
    assert issues({"title": "x", "leaves": [{"name": value}]}) == [("leaves[0].name", "expected text", value, hint,
                                                                    "not_text")]


def test_every_issue_is_reported_not_just_the_first():
    found = issues({"title": 1, "count": 0, "leaves": [{"name": 2}, {}], "pet": {"kind": "cat", "lives": -1}})
    assert [loc for loc, *_ in found] == ["count", "leaves[0].name", "leaves[1].name", "pet.lives", "title"]


def test_lax_scalars_as_yaml_and_editors_give_them():
    thing = Thing.from_data({"title": "x", "count": "3", "ratio": 1, "public": "yes", "even": 4})
    assert (thing.count, thing.ratio, thing.public, thing.even) == (3, 1.0, True, 4)
    assert isinstance(thing.ratio, float)


def test_records_are_checked_when_made_and_cannot_be_changed():
    thing = Thing(title="x", leaves=[Leaf(name="a")], pet=Cat(kind="cat"))
    assert thing.leaves[0].name == "a" and thing.pet == Cat(kind="cat", lives=9)
    with pytest.raises(pydantic.ValidationError, match="greater than or equal to 1"):
        Thing(title="x", count=0)
    with pytest.raises(pydantic.ValidationError, match="frozen"):
        thing.title = "y"
    changed = thing.replace(title="y")
    assert (changed.title, thing.title, changed.leaves) == ("y", "x", thing.leaves)
    assert changed != thing and thing.replace() == thing
    with pytest.raises(pydantic.ValidationError):
        thing.replace(count=0)
    person = Person.from_data({"name": "Ada", "aliases": ["A. L."]})
    assert person.name_keys == {"ada", "a l"}  # cached on the instance: not a field of its copies
    assert person.replace(name="Byron").name_keys == {"byron", "a l"}


def test_as_data_round_trips():
    thing = Thing.from_data({"title": "x", "count": 2, "pet": {"kind": "dog"}, "labels": {"a": "b"}})
    assert Thing.from_data(thing.as_data()) == thing
    assert thing.as_data(skip_defaults=True) == {"title": "x", "count": 2, "labels": {"a": "b"},
                                                 "pet": {"kind": "dog"}}
    entry = EducationEntry.from_data({"institution": "U", "date": "2017 - 2020"})
    assert entry.as_data(skip_defaults=True) == {"institution": "U", "date": "2017 – 2020"}
    assert EducationEntry.from_data(entry.as_data()) == entry


# --- the records of the data ----------------------------------------------------------------------


def test_two_sections_with_one_id_are_each_reported_at_the_key_that_names_them():
    sections = [{"title": "Talks", "kind": "list", "entries": []}, {"title": "talks", "kind": "list", "entries": []},
                {"title": "Other", "id": "talks", "kind": "list", "entries": []}]
    hint = "give one of them an `id:` of its own"
    assert issues({"person": {"name": "A"}, "sections": sections}, CvFile) == [
        ("sections[1].title", "its id 'talks' is taken by sections[0]", "talks", hint, "value"),
        ("sections[2].id", "its id 'talks' is taken by sections[0]", "talks", hint, "value"),
    ]


def test_errors_inside_a_section_name_the_section_not_its_kind():
    assert issues({"person": {"name": "A"}, "sections": [
        {"title": "P", "kind": "publications", "include": ["a", 1]},
        {"title": "E", "kind": "education", "entries": [{"institution": "U", "date": "never", "degre": "x"}]},
    ]}, CvFile) == [
        ("sections[0].include[1]", "expected text", 1,
         'YAML reads this as a number: put it in quotes to keep it as text ("42")', "not_text"),
        ("sections[1].entries[0].date", "not a date", "never", "write a year (2020), year.month (2020.9), an ISO date "
         "(2020-09-01), or a range (2017 - 2020, 2023.6 - Now)", "value"),
        ("sections[1].entries[0].degre", "unknown key", None, "did you mean 'degree'?", "unknown_key"),
    ]


def test_profile_links_are_safe_and_listed_in_order():
    assert issues({"name": "A", "links": {"homepage": "javascript:alert(1)", "orcid": "x"}}, Person) == [
        ("links.homepage", "only http(s), mailto and relative links are allowed", "javascript:alert(1)", "", "value")]
    person = Person.from_data({"name": "A", "email": "a@b.org", "links": {"github": "a", "homepage": "https://a.org"}})
    assert person.links.given() == {"homepage": "https://a.org", "github": "a"}
    assert [link.kind.name for link in person.profile_links] == ["email", "homepage", "github"]


def test_settings_defaults_and_bounds():
    assert Settings().pdf.font_size == 10 and Settings().news_on_home == 5
    assert issues({"pdf": {"font_size": 20, "news_items": 0}}, Settings) == [
        ("pdf.font_size", "expected a number from 7 to 14", 20, "", "value"),
        ("pdf.news_items", "expected a whole number of at least 1", 0, "", "value"),
    ]


# --- JSON Schema ----------------------------------------------------------------------------------


def test_json_schema_accepts_and_rejects_as_validation_does():
    schema = Thing.model_json_schema()
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["description"] == "A test record."
    assert schema["properties"]["title"]["description"] == "What it is called"
    assert schema["properties"]["note"]["anyOf"][0]["description"] == "Markdown text (inline or block)"
    good = {"title": "x", "count": 2, "leaves": [{"name": "a"}], "pet": {"kind": "cat", "lives": 3},
            "include": ["k"], "even": 4}
    jsonschema.validate(good, schema)
    assert issues(good) == []
    for bad in ({"title": "x", "colour": "red"}, {"count": 1}, {"title": "x", "count": 0},
                {"title": "x", "pet": {"kind": "cow"}}, {"title": "x", "leaves": [{"name": "a", "colour": "pink"}]},
                {"title": "x", "even": 3}, {"title": "x", "include": "some"}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
        assert issues(bad), bad


def test_the_data_s_schema_describes_dates_and_sections_for_editors():
    schema = CvFile.model_json_schema()
    entry = schema["$defs"]["EducationEntry"]["properties"]
    assert entry["date"]["anyOf"][0]["examples"] == ["2020.9 -", "2017 - 2020", "2023.6 - Now", 2018]
    assert entry["highlights"]["items"]["description"] == "Markdown text (inline or block)"
    sections = schema["properties"]["sections"]["items"]
    assert sections["discriminator"]["mapping"]["publications"] == "#/$defs/PublicationsSection"
    jsonschema.validate({"person": {"name": "A"}, "sections": [{"title": "T", "kind": "text", "body": "b"}]}, schema)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"person": {"name": "A"}, "sections": [{"title": "T", "kind": "txt", "body": "b"}]}, schema)

"""records.py: the checks behind every YAML file, one rule at a time, and the JSON Schema."""

from __future__ import annotations

from typing import Annotated, Iterator, Literal, Union

import jsonschema
import pytest

from cv_site.load.records import Description, InvalidData, Issue, Parsed, Record, Tagged, field, format_loc, json_schema


def _parse_even(value: object) -> int:
    if not isinstance(value, int) or value % 2:
        raise ValueError("not an even number")
    return value


Even = Annotated[int, Parsed(_parse_even, {"type": "integer", "multipleOf": 2}, hint="try 2, 4 or 6")]


class Leaf(Record):
    name: str
    colour: Literal["red", "green", "blue"] = "red"


class Cat(Record):
    kind: Literal["cat"]
    lives: int = field(9, ge=0, le=9)


class Dog(Record):
    kind: Literal["dog"]
    tricks: list[str] = []


class Thing(Record):
    """A test record."""

    title: str = field(min_length=1, description="What it is called")
    note: Annotated[str, Description("Markdown")] | None = None
    count: int = field(1, ge=1)
    ratio: float = field(0.5, ge=0, le=1)
    public: bool = False
    leaves: list[Leaf] = []
    labels: dict[str, str] = {}
    pet: Annotated[Union[Cat, Dog], Tagged("pet")] | None = None
    include: Literal["all", "none"] | list[str] = "all"
    even: Even | None = None
    site: str = field("", check=lambda url: url if not url.startswith("javascript:") else _reject())

    def issues(self) -> Iterator[Issue]:
        if self.title == "forbidden":
            yield Issue(("title",), "this title is not allowed", self.title)


def _reject() -> str:
    raise ValueError("only web links")


def issues(data: object) -> list[tuple[str, str, object, str, str]]:
    record, found = Thing.validate(data)
    assert (record is None) == bool(found)
    return [(format_loc(i.loc), i.message, i.value, i.hint, i.code) for i in found]


def test_good_data_gives_a_record_with_defaults_and_stripped_text():
    thing = Thing.from_data({"title": "  Engine ", "leaves": [{"name": " a"}], "pet": {"kind": "dog", "tricks": ["sit"]}})
    assert thing.title == "Engine"
    assert thing.leaves == [Leaf(name="a", colour="red")]
    assert isinstance(thing.pet, Dog) and thing.pet.tricks == ["sit"]
    assert (thing.count, thing.ratio, thing.public, thing.labels, thing.include) == (1, 0.5, False, {}, "all")


def test_unknown_and_missing_keys():
    assert issues({"titel": "x"}) == [
        ("titel", "unknown key", None, "did you mean 'title'?", "unknown_key"),
        ("title", "required, but missing", None, "add `title:` here", "missing"),
    ]
    hint = issues({"title": "x", "zzz": 1})[0][3]
    assert hint.startswith("known keys here: title, note, count")


@pytest.mark.parametrize(("data", "expected"), [
    ({"title": 42}, ("title", "expected text", 42, "", "not_text")),
    ({"title": ""}, ("title", "must not be empty", "", "", "value")),
    ({"title": "x", "count": "many"}, ("count", "expected a whole number", "many", "", "value")),
    ({"title": "x", "count": 1.5}, ("count", "expected a whole number", 1.5, "", "value")),
    ({"title": "x", "count": True}, ("count", "expected a whole number", True, "", "value")),
    ({"title": "x", "count": 0}, ("count", "expected a whole number of at least 1", 0, "", "value")),
    ({"title": "x", "ratio": 2}, ("ratio", "expected a number from 0 to 1", 2, "", "value")),
    ({"title": "x", "public": "maybe"}, ("public", "expected true or false", "maybe", "", "value")),
    ({"title": "x", "leaves": "a"}, ("leaves", "expected a list (lines starting with '- ')", "a", "", "value")),
    ({"title": "x", "leaves": ["a"]}, ("leaves[0]", "expected a mapping (key: value lines)", "a", "", "value")),
    ({"title": "x", "leaves": [{"name": "a", "colour": "pink"}]},
     ("leaves[0].colour", "expected 'red', 'green' or 'blue'", "pink", "", "value")),
    ({"title": "x", "labels": {"a": 1}}, ("labels.a", "expected text", 1, "", "not_text")),
    ({"title": "x", "pet": {"tricks": []}},
     ("pet", "every pet needs a `kind:`", None, "add `kind:` with one of cat, dog", "value")),
    ({"title": "x", "pet": {"kind": "cta"}}, ("pet.kind", "unknown kind", "cta", "did you mean 'cat'?", "value")),
    ({"title": "x", "pet": {"kind": "cat", "lives": 10}},
     ("pet.lives", "expected a whole number from 0 to 9", 10, "", "value")),
    ({"title": "x", "include": "some"}, ("include", "expected 'all' or 'none'", "some", "", "value")),
    ({"title": "x", "include": ["a", 2]}, ("include[1]", "expected text", 2, "", "not_text")),
    ({"title": "x", "even": 3}, ("even", "not an even number", 3, "try 2, 4 or 6", "value")),
    ({"title": "x", "site": "javascript:alert(1)"}, ("site", "only web links", "javascript:alert(1)", "", "value")),
    ({"title": "forbidden"}, ("title", "this title is not allowed", "forbidden", "", "value")),
    ("not a mapping", ("", "expected a mapping (key: value lines)", "not a mapping", "", "value")),
])
def test_each_rule_reports_where_and_what(data, expected):
    assert issues(data) == [expected]


def test_every_issue_is_reported_not_just_the_first():
    found = issues({"title": 1, "count": 0, "leaves": [{"name": 2}, {}], "pet": {"kind": "cat", "lives": -1}})
    assert [loc for loc, *_ in found] == ["title", "count", "leaves[0].name", "leaves[1].name", "pet.lives"]


def test_lax_scalars_as_yaml_and_editors_give_them():
    thing = Thing.from_data({"title": "x", "count": "3", "ratio": 1, "public": "yes", "even": 4})
    assert (thing.count, thing.ratio, thing.public, thing.even) == (3, 1.0, True, 4)
    assert isinstance(thing.ratio, float)


def test_records_are_checked_when_made_and_cannot_be_changed():
    thing = Thing(title="x", leaves=[Leaf(name="a")], pet=Cat(kind="cat"))
    assert thing.leaves[0].name == "a" and thing.pet == Cat(kind="cat", lives=9)
    with pytest.raises(InvalidData, match="count: expected a whole number of at least 1"):
        Thing(title="x", count=0)
    with pytest.raises(AttributeError, match="cannot be changed"):
        thing.title = "y"
    changed = thing.replace(title="y")
    assert (changed.title, thing.title, changed.leaves) == ("y", "x", thing.leaves)
    assert changed != thing and thing.replace() == thing


def test_as_data_round_trips():
    thing = Thing.from_data({"title": "x", "count": 2, "pet": {"kind": "dog"}, "labels": {"a": "b"}})
    assert Thing.from_data(thing.as_data()) == thing
    assert thing.as_data(skip_defaults=True) == {"title": "x", "count": 2, "labels": {"a": "b"},
                                                 "pet": {"kind": "dog"}}


def test_json_schema_accepts_and_rejects_as_validate_does():
    schema = json_schema(Thing)
    jsonschema.Draft202012Validator.check_schema(schema)
    assert schema["description"] == "A test record."
    assert schema["properties"]["title"]["description"] == "What it is called"
    assert schema["properties"]["note"]["anyOf"][0]["description"] == "Markdown"
    good = {"title": "x", "count": 2, "leaves": [{"name": "a"}], "pet": {"kind": "cat", "lives": 3},
            "include": ["k"], "even": 4}
    jsonschema.validate(good, schema)
    assert Thing.validate(good)[1] == []
    for bad in ({"title": "x", "colour": "red"}, {"count": 1}, {"title": "x", "count": 0},
                {"title": "x", "pet": {"kind": "cow"}}, {"title": "x", "leaves": [{"name": "a", "colour": "pink"}]},
                {"title": "x", "even": 3}):
        with pytest.raises(jsonschema.ValidationError):
            jsonschema.validate(bad, schema)
        assert Thing.validate(bad)[1], bad

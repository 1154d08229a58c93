"""Records: immutable, typed data checked against plain data (what YAML gives), every error kept.

A record class declares its fields as annotated class attributes, as a dataclass does:

    class NewsItem(Record):
        date: Date
        text: str
        note: str | None = None
        size: float = field(10, ge=7, le=14, description="Body text size in points")

`NewsItem.validate(data)` returns `(record, [])`, or `(None, issues)` listing every mistake with its
path in the data. Unknown keys are mistakes, text is stripped, records cannot be changed once made.
`NewsItem(date=..., text=...)` makes one from values, checked the same way; `json_schema(cls)`
describes the same rules for editors.

The annotations understood: str, bool, int, float, Literal[...], X | None, list[X], dict[str, X],
a record class, a union of record classes told apart by a `kind` field (`Annotated[..., Tagged()]`),
another union (its first member that accepts the value), and `Annotated[X, Parsed(...)]` for values
a function reads (dates).

This replaces pydantic, which took ~90 ms to import and build validators at every start: more than
half of a small site's whole build.
"""

from __future__ import annotations

import types
from dataclasses import dataclass
from typing import (Annotated, Any, Callable, ClassVar, Iterable, Literal, NamedTuple, Union, get_args, get_origin,
                    get_type_hints)

from cv_site.errors import did_you_mean

Loc = tuple[Union[str, int], ...]
_REQUIRED: Any = object()
_BAD: Any = object()  # what a check returns for a value it rejected (and reported)
_NOT_A_MAPPING = "expected a mapping (key: value lines)"


class Issue(NamedTuple):
    """One mistake in the data. `code` says what kind: "unknown_key" (point at the key, not the
    value), "missing", "not_text", or "value"."""

    loc: Loc
    message: str
    value: object = None
    hint: str = ""
    code: str = "value"


class InvalidData(ValueError):
    """Raised by `Record.from_data` with every issue found."""

    def __init__(self, issues: list[Issue]):
        self.issues = issues
        super().__init__("; ".join(f"{format_loc(i.loc) or '(top)'}: {i.message}" for i in issues))


@dataclass(frozen=True)
class FieldInfo:
    default: Any = _REQUIRED
    description: str = ""
    ge: float | None = None
    le: float | None = None
    min_length: int | None = None
    check: Callable[[Any], Any] | None = None  # returns the value, or raises ValueError("what is wrong")


def field(default: Any = _REQUIRED, *, description: str = "", ge: float | None = None, le: float | None = None,
          min_length: int | None = None, check: Callable[[Any], Any] | None = None) -> Any:
    """A field's default and rules, where a plain default is not enough."""
    return FieldInfo(default, description, ge, le, min_length, check)


@dataclass(frozen=True, eq=False)  # hashed by identity: typing hashes the metadata of Annotated
class Parsed:
    """`Annotated[T, Parsed(parse, schema)]`: the value is what `parse` makes of the data (it raises
    ValueError to reject it, with `hint` shown below the message); `schema` is its JSON Schema."""

    parse: Callable[[Any], Any]
    schema: dict[str, Any]
    hint: str = ""


@dataclass(frozen=True)
class Tagged:
    """`Annotated[A | B | ..., Tagged("section")]`: records told apart by their `kind` field."""

    noun: str
    by: str = "kind"


@dataclass(frozen=True)
class Description:
    """`Annotated[str, Description("Markdown text")]`: documentation only."""

    text: str


class _Field(NamedTuple):
    name: str
    annotation: Any
    info: FieldInfo

    @property
    def required(self) -> bool:
        return self.info.default is _REQUIRED

    def default(self) -> Any:
        """The default (a list or mapping is copied; records are immutable and shared)."""
        default = self.info.default
        return default.copy() if isinstance(default, (list, dict)) else default


Check = Callable[[Any, Loc, list[Issue]], Any]


class Record:
    """Base class of the validated data (see the module's docs)."""

    fields: ClassVar[dict[str, _Field]] = {}
    _check: ClassVar[Check | None] = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        fields = dict(cls.fields)
        for name, annotation in cls.__dict__.get("__annotations__", {}).items():
            if name.startswith("_") or get_origin(annotation) is ClassVar or str(annotation).startswith("ClassVar"):
                continue
            value = cls.__dict__.get(name, _REQUIRED)
            info = value if isinstance(value, FieldInfo) else FieldInfo(default=value)
            fields[name] = _Field(name, annotation, info)
            if name in cls.__dict__:
                delattr(cls, name)  # the value lives on the instance
        cls.fields = fields
        cls._check = None

    def __init__(self, **values: Any):
        """A record from values (records, dates or plain data), checked; raises InvalidData."""
        self.__dict__.update(type(self).from_data(values).__dict__)

    @classmethod
    def validate(cls, data: Any) -> tuple[Any, list[Issue]]:
        """(the record, []) for good data; (None, every issue) otherwise."""
        issues: list[Issue] = []
        record = _checker(cls)(data, (), issues)
        return (None, issues) if issues else (record, [])

    @classmethod
    def from_data(cls, data: Any) -> Any:
        """The record for good data; raises InvalidData otherwise."""
        record, issues = cls.validate(data)
        if issues:
            raise InvalidData(issues)
        return record

    def issues(self) -> Iterable[Issue]:
        """Mistakes only the whole record shows (locations relative to it); none by default."""
        return ()

    def replace(self, **changes: Any) -> Any:
        """A copy with some fields changed, checked."""
        return type(self)(**{**{name: getattr(self, name) for name in self.fields}, **changes})

    def as_data(self, *, skip_defaults: bool = False) -> dict[str, Any]:
        """Plain data (dates as text) that `validate` would turn back into this record."""
        out = {}
        for name, spec in self.fields.items():
            value = getattr(self, name)
            if not (skip_defaults and not spec.required and value == spec.default()):
                out[name] = _as_data(value, skip_defaults)
        return out

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} cannot be changed; use .replace({name}=...)")

    def __delattr__(self, name: str) -> None:
        raise AttributeError(f"{type(self).__name__} cannot be changed")

    def __eq__(self, other: object) -> bool:
        if type(other) is not type(self):
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.fields)

    __hash__ = None  # type: ignore[assignment]  # equal by value, and lists inside are not hashable

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.fields)
        return f"{type(self).__name__}({values})"


def _as_data(value: Any, skip_defaults: bool) -> Any:
    if isinstance(value, Record):
        return value.as_data(skip_defaults=skip_defaults)
    if isinstance(value, (list, tuple)):
        return [_as_data(item, skip_defaults) for item in value]
    if isinstance(value, dict):
        return {key: _as_data(item, skip_defaults) for key, item in value.items()}
    if value is None or isinstance(value, (str, bool, int, float)):
        return value
    return str(value)  # dates


# --- checks, built once per annotation on first use ---------------------------------------------


def _checker(annotation: Any) -> Check:
    if isinstance(annotation, type) and issubclass(annotation, Record):
        return _record_checker(annotation)
    simple = _SIMPLE.get(annotation)
    if simple is not None:
        return simple
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _annotated_checker(args[0], annotation.__metadata__)
    if origin is Literal:
        return _literal_checker(args)
    if origin is Union or origin is types.UnionType:
        return _union_checker(args)
    if origin is list:
        return _list_checker(_checker(args[0]))
    if origin is dict:
        return _dict_checker(_checker(args[1]))
    raise TypeError(f"records cannot check {annotation!r}")


def _record_checker(cls: type[Record]) -> Check:
    """Built on first use: the record's own check, shared by every place that holds one."""
    if cls._check is not None:
        return cls._check
    _resolve_annotations(cls)
    checks: dict[str, Check] = {}

    def check(value: Any, loc: Loc, issues: list[Issue]) -> Any:
        if isinstance(value, cls):
            return value
        if not isinstance(value, dict):
            issues.append(Issue(loc, _NOT_A_MAPPING, value))
            return _BAD
        reported = len(issues)
        for key in value:
            if key not in cls.fields:
                hint = did_you_mean(str(key), cls.fields) or "known keys here: " + ", ".join(cls.fields)
                issues.append(Issue((*loc, key), "unknown key", hint=hint, code="unknown_key"))
        values = {}
        for name, spec in cls.fields.items():
            if name in value:
                values[name] = checks[name](value[name], (*loc, name), issues)
            elif spec.required:
                issues.append(Issue((*loc, name), "required, but missing", hint=f"add `{name}:` here", code="missing"))
            else:
                values[name] = spec.default()
        if len(issues) > reported:
            return _BAD
        record = cls.__new__(cls)
        record.__dict__.update(values)
        issues += [issue._replace(loc=(*loc, *issue.loc)) for issue in record.issues()]
        return record if len(issues) == reported else _BAD

    cls._check = check  # before the fields' checks: a record may (indirectly) hold its own kind
    checks.update({name: _field_checker(spec) for name, spec in cls.fields.items()})
    return check


def _resolve_annotations(cls: type[Record]) -> None:
    """Annotations written as text (`from __future__ import annotations`) become the types they name."""
    if any(isinstance(spec.annotation, str) for spec in cls.fields.values()):
        hints = get_type_hints(cls, include_extras=True)
        cls.fields = {name: spec._replace(annotation=hints[name]) for name, spec in cls.fields.items()}


def _field_checker(spec: _Field) -> Check:
    check = _checker(spec.annotation)
    info = spec.info
    if info.ge is None and info.le is None and info.min_length is None and info.check is None:
        return check

    def checked(value: Any, loc: Loc, issues: list[Issue]) -> Any:
        result = check(value, loc, issues)
        if result is _BAD or result is None:
            return result
        if info.min_length is not None and len(result) < info.min_length:
            issues.append(Issue(loc, "must not be empty" if info.min_length == 1 else
                                f"expected at least {info.min_length} characters", value))
            return _BAD
        if (info.ge is not None and result < info.ge) or (info.le is not None and result > info.le):
            issues.append(Issue(loc, _range_message(spec.annotation, info), value))
            return _BAD
        if info.check is not None:
            try:
                return info.check(result)
            except ValueError as error:
                issues.append(Issue(loc, str(error), value))
                return _BAD
        return result

    return checked


def _range_message(annotation: Any, info: FieldInfo) -> str:
    kind = "a whole number" if annotation is int else "a number"
    if info.ge is not None and info.le is not None:
        return f"expected {kind} from {info.ge:g} to {info.le:g}"
    return f"expected {kind} of at least {info.ge:g}" if info.ge is not None else f"expected {kind} of at most {info.le:g}"


def _annotated_checker(base: Any, metadata: tuple[Any, ...]) -> Check:
    for meta in metadata:
        if isinstance(meta, Parsed):
            return _parsed_checker(meta)
        if isinstance(meta, Tagged):
            return _tagged_checker(meta, get_args(base))
    return _checker(base)


def _parsed_checker(parsed: Parsed) -> Check:
    def check(value: Any, loc: Loc, issues: list[Issue]) -> Any:
        try:
            return parsed.parse(value)
        except ValueError as error:
            issues.append(Issue(loc, str(error), value, parsed.hint))
            return _BAD

    return check


def _tagged_checker(tagged: Tagged, members: tuple[type[Record], ...]) -> Check:
    by_tag = _by_tag(tagged, members)
    tags = list(by_tag)

    def check(value: Any, loc: Loc, issues: list[Issue]) -> Any:
        if isinstance(value, members):
            return value
        if not isinstance(value, dict):
            issues.append(Issue(loc, _NOT_A_MAPPING, value))
            return _BAD
        if tagged.by not in value:
            hint = f"add `{tagged.by}:` with one of " + ", ".join(tags)
            issues.append(Issue(loc, f"every {tagged.noun} needs a `{tagged.by}:`", hint=hint))
            return _BAD
        tag = value[tagged.by]
        if not isinstance(tag, str) or tag not in by_tag:
            hint = did_you_mean(str(tag), tags) or f"known {tagged.by}s: " + ", ".join(tags)
            issues.append(Issue((*loc, tagged.by), f"unknown {tagged.by}", tag, hint))
            return _BAD
        return _record_checker(by_tag[tag])(value, loc, issues)

    return check


def _by_tag(tagged: Tagged, members: tuple[type[Record], ...]) -> dict[str, type[Record]]:
    for member in members:
        _resolve_annotations(member)
    return {tag: member for member in members for tag in get_args(member.fields[tagged.by].annotation)}


def _union_checker(args: tuple[Any, ...]) -> Check:
    optional = type(None) in args
    members = [arg for arg in args if arg is not type(None)]
    check = _checker(members[0]) if len(members) == 1 else _first_of([_checker(m) for m in members])
    if not optional:
        return check
    return lambda value, loc, issues: None if value is None else check(value, loc, issues)


def _first_of(checks: list[Check]) -> Check:
    """The first member that accepts the value; when none does, the issues of the one that got
    furthest into it (a list of keys with one bad key: that key, not "expected 'all'")."""

    def check(value: Any, loc: Loc, issues: list[Issue]) -> Any:
        attempts = []
        for member in checks:
            found: list[Issue] = []
            result = member(value, loc, found)
            if not found:
                return result
            attempts.append(found)
        issues += max(attempts, key=lambda found: max(len(issue.loc) for issue in found))
        return _BAD

    return check


def _literal_checker(allowed: tuple[Any, ...]) -> Check:
    expected = " or ".join(filter(None, [", ".join(map(repr, allowed[:-1])), repr(allowed[-1])]))

    def check(value: Any, loc: Loc, issues: list[Issue]) -> Any:
        if isinstance(value, str):
            value = value.strip()
        if isinstance(value, (str, int)) and not isinstance(value, bool) and value in allowed:
            return value
        issues.append(Issue(loc, f"expected {expected}", value))
        return _BAD

    return check


def _list_checker(item: Check) -> Check:
    def check(value: Any, loc: Loc, issues: list[Issue]) -> Any:
        if not isinstance(value, list):
            issues.append(Issue(loc, "expected a list (lines starting with '- ')", value))
            return _BAD
        reported = len(issues)
        result = [item(entry, (*loc, index), issues) for index, entry in enumerate(value)]
        return result if len(issues) == reported else _BAD

    return check


def _dict_checker(item: Check) -> Check:
    def check(value: Any, loc: Loc, issues: list[Issue]) -> Any:
        if not isinstance(value, dict):
            issues.append(Issue(loc, _NOT_A_MAPPING, value))
            return _BAD
        reported = len(issues)
        result = {str(key): item(entry, (*loc, key), issues) for key, entry in value.items()}
        return result if len(issues) == reported else _BAD

    return check


def _text(value: Any, loc: Loc, issues: list[Issue]) -> Any:
    if isinstance(value, str):
        return value.strip()
    issues.append(Issue(loc, "expected text", value, code="not_text"))
    return _BAD


_TRUE = {"true", "yes", "on", "y", "t", "1"}
_FALSE = {"false", "no", "off", "n", "f", "0"}


def _bool(value: Any, loc: Loc, issues: list[Issue]) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in _TRUE | _FALSE:
        return value.strip().lower() in _TRUE
    issues.append(Issue(loc, "expected true or false", value))
    return _BAD


def _number(value: Any, whole: bool) -> int | float | None:
    """The number in `value` (a number, or text that is one); None if there is none."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value.strip()) if not whole or "." in value or "e" in value.lower() else int(value.strip())
        except ValueError:
            return None
    if isinstance(value, float) and whole:
        return int(value) if value.is_integer() else None
    if isinstance(value, int) and not whole:
        return float(value)
    return value if isinstance(value, (int, float)) else None


def _number_checker(whole: bool) -> Check:
    message = "expected a whole number" if whole else "expected a number"

    def check(value: Any, loc: Loc, issues: list[Issue]) -> Any:
        number = _number(value, whole)
        if number is None:
            issues.append(Issue(loc, message, value))
            return _BAD
        return number

    return check


_SIMPLE: dict[Any, Check] = {str: _text, bool: _bool, int: _number_checker(True), float: _number_checker(False)}


def format_loc(loc: Loc) -> str:
    """('sections', 2, 'entries', 0, 'date') -> 'sections[2].entries[0].date'"""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


# --- JSON Schema ------------------------------------------------------------------------------------


def json_schema(cls: type[Record]) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a record: the same rules `validate` applies."""
    definitions: dict[str, Any] = {}
    schema = _record_schema(cls, definitions)
    nested = {name: definitions[name] for name in sorted(definitions) if name != cls.__name__}
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema,
            **({"$defs": nested} if nested else {})}


def _record_schema(cls: type[Record], definitions: dict[str, Any]) -> dict[str, Any]:
    _resolve_annotations(cls)
    properties = {}
    for name, spec in cls.fields.items():
        schema = {"title": name.replace("_", " ").capitalize(), **_schema(spec.annotation, definitions)}
        schema.update(_constraints(spec))
        if spec.info.description:
            schema["description"] = spec.info.description
        if not spec.required:
            schema["default"] = _as_data(spec.info.default, skip_defaults=False)
        properties[name] = schema
    schema = {"title": cls.__name__, "type": "object", "properties": properties, "additionalProperties": False}
    if cls.__doc__ and cls.__doc__ != Record.__doc__:
        schema["description"] = cls.__doc__.strip()
    required = [name for name, spec in cls.fields.items() if spec.required]
    return {**schema, "required": required} if required else schema


def _constraints(spec: _Field) -> dict[str, Any]:
    info, out = spec.info, {}
    if info.ge is not None:
        out["minimum"] = info.ge
    if info.le is not None:
        out["maximum"] = info.le
    if info.min_length is not None:
        out["minLength"] = info.min_length
    return out


_SIMPLE_SCHEMAS = {str: {"type": "string"}, bool: {"type": "boolean"}, int: {"type": "integer"},
                   float: {"type": "number"}}


def _schema(annotation: Any, definitions: dict[str, Any]) -> dict[str, Any]:
    if isinstance(annotation, type) and issubclass(annotation, Record):
        return _reference(annotation, definitions)
    if annotation in _SIMPLE_SCHEMAS:
        return dict(_SIMPLE_SCHEMAS[annotation])
    origin, args = get_origin(annotation), get_args(annotation)
    if origin is Annotated:
        return _annotated_schema(args[0], annotation.__metadata__, definitions)
    if origin is Literal:
        typed = {"type": "string"} if all(isinstance(arg, str) for arg in args) else {}
        return {**typed, "const": args[0]} if len(args) == 1 else {**typed, "enum": list(args)}
    if origin is Union or origin is types.UnionType:
        return {"anyOf": [_schema(arg, definitions) if arg is not type(None) else {"type": "null"} for arg in args]}
    if origin is list:
        return {"type": "array", "items": _schema(args[0], definitions)}
    if origin is dict:
        return {"type": "object", "additionalProperties": _schema(args[1], definitions)}
    raise TypeError(f"no JSON Schema for {annotation!r}")


def _annotated_schema(base: Any, metadata: tuple[Any, ...], definitions: dict[str, Any]) -> dict[str, Any]:
    schema = {}
    for meta in metadata:
        if isinstance(meta, Parsed):
            return dict(meta.schema)
        if isinstance(meta, Tagged):
            members = get_args(base)
            mapping = {tag: f"#/$defs/{member.__name__}" for tag, member in _by_tag(meta, members).items()}
            return {"oneOf": [_reference(member, definitions) for member in members],
                    "discriminator": {"propertyName": meta.by, "mapping": mapping}}
        if isinstance(meta, Description):
            schema["description"] = meta.text
    return {**_schema(base, definitions), **schema}


def _reference(cls: type[Record], definitions: dict[str, Any]) -> dict[str, Any]:
    if cls.__name__ not in definitions:
        definitions[cls.__name__] = {}  # a placeholder while its fields are described
        definitions[cls.__name__] = _record_schema(cls, definitions)
    return {"$ref": f"#/$defs/{cls.__name__}"}


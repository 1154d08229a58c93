"""Pydantic's validation errors -> `Issue`s: where in the data (a key path), what is wrong in the
words users read, the value, a hint.

Pydantic names the union member it tried in its locations (`sections.0.education.entries`); the
path in the data has no such part, so a location is read against the model's types. The same walk
finds the keys a mapping knows (for "did you mean") and the bounds of a number (for "from 7 to 14").
"""

from __future__ import annotations

import types
from typing import Annotated, Any, NamedTuple, Union, get_args, get_origin

from pydantic import BaseModel, Tag, ValidationError
from pydantic.fields import FieldInfo

from cv_site.errors import Loc, did_you_mean

_NOT_A_MAPPING = "expected a mapping (key: value lines)"
_MESSAGES = {
    "string_type": "expected text",
    "string_too_short": "must not be empty",  # min_length=1 is the only length rule
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "int_parsing_size": "expected a whole number",
    "float_type": "expected a number",
    "float_parsing": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "list_type": "expected a list (lines starting with '- ')",
    "dict_type": _NOT_A_MAPPING,
    "model_type": _NOT_A_MAPPING,
    "model_attributes_type": _NOT_A_MAPPING,
}
_BOUNDS = {"greater_than_equal", "less_than_equal", "greater_than", "less_than"}


class Issue(NamedTuple):
    """One mistake in the data. `code` says what kind: "unknown_key" (point at the key, not the
    value), "missing", "not_text", or "value"."""

    loc: Loc
    message: str
    value: object = None
    hint: str = ""
    code: str = "value"


def issues(model: type[BaseModel], error: ValidationError) -> list[Issue]:
    """Every error of `model.model_validate`, in the data's terms."""
    return [_issue(model, found) for found in error.errors(include_url=False)]


def _issue(model: type[BaseModel], error: Any) -> Issue:
    kind, loc, value, context = error["type"], error["loc"], error["input"], error.get("ctx") or {}
    path, at = _resolve(model, loc)
    if kind == "extra_forbidden":
        path, holder = _resolve(model, loc[:-1])
        known = list(_strip(holder).model_fields)
        key = str(loc[-1])
        hint = did_you_mean(key, known) or "known keys here: " + ", ".join(known)
        return Issue((*path, loc[-1]), "unknown key", hint=hint, code="unknown_key")
    if kind == "missing":
        return Issue(path, "required, but missing", hint=f"add `{loc[-1]}:` here", code="missing")
    if kind == "string_type":
        return Issue(path, _MESSAGES[kind], value, _text_hint(value), "not_text")
    if kind in _MESSAGES:
        return Issue(path, _MESSAGES[kind], value)
    if kind == "literal_error":
        return Issue(path, f"expected {context['expected']}", value)
    if kind in _BOUNDS:
        return Issue(path, _range_message(model, loc), value)
    if kind in ("union_tag_not_found", "union_tag_invalid"):
        return _tag_issue(kind, path, at, value)
    if kind == "value_error":  # a rule of ours (schema.Rejected), or a plain ValueError
        return Issue(path, str(context["error"]), value, getattr(context["error"], "hint", ""))
    return Issue(path, error["msg"], value)  # pydantic's own words, for a rule not mapped above


def _tag_issue(kind: str, path: Loc, union: Any, value: Any) -> Issue:
    """A member of a union told apart by a key (`kind:`), missing or unknown."""
    if _members(union) is None:  # X | None
        union = _strip(union)
    _, metadata = _split(union)
    field = next(meta for meta in metadata if isinstance(meta, FieldInfo))
    by, noun = field.discriminator, (field.title or "value").lower()
    tags = list(_members(union))
    if kind == "union_tag_not_found":
        return Issue(path, f"every {noun} needs a `{by}:`", hint=f"add `{by}:` with one of " + ", ".join(tags))
    tag = value[by]
    hint = did_you_mean(str(tag), tags) or f"known {by}s: " + ", ".join(tags)
    return Issue((*path, by), f"unknown {by}", tag, hint)


def _range_message(model: type[BaseModel], loc: Loc) -> str:
    """"expected a number from 7 to 14": a field's bounds, both of them when it has two."""
    _, holder = _resolve(model, loc[:-1])
    field = _strip(holder).model_fields[loc[-1]]
    bounds = {name: getattr(meta, name) for meta in field.metadata for name in ("ge", "le") if hasattr(meta, name)}
    kind = "a whole number" if _split(_strip(field.annotation))[0] is int else "a number"
    if "ge" in bounds and "le" in bounds:
        return f"expected {kind} from {bounds['ge']:g} to {bounds['le']:g}"
    if "ge" in bounds:
        return f"expected {kind} of at least {bounds['ge']:g}"
    return f"expected {kind} of at most {bounds['le']:g}"


def _text_hint(value: object) -> str:
    """Why YAML gave something else than text, where text was wanted."""
    if isinstance(value, bool):
        return 'YAML reads yes, no, on, off, true and false as true or false: put the text in quotes ("NO")'
    if isinstance(value, (int, float)):
        return 'YAML reads this as a number: put it in quotes to keep it as text ("42")'
    if value is None:
        return "the value is empty: write the text, or remove the line"
    return ""


# --- pydantic's locations read against the model's types ----------------------------------------


def _resolve(model: type[BaseModel], loc: tuple[Any, ...]) -> tuple[Loc, Any]:
    """The key path in the data of a pydantic location, and the type found there."""
    path: list[Any] = []
    current: Any = model
    for part in loc:
        members = _members(current)
        while members is None and _strip(current) is not current:  # Annotated, or X | None
            current = _strip(current)
            members = _members(current)
        if members is not None and part in members:  # pydantic named the member it tried: not in the data
            current = members[part]
            continue
        path.append(part)
        if members is not None:  # a key in a member not named (our own check of the whole file found it)
            current = Any
        elif isinstance(current, type) and issubclass(current, BaseModel):
            field = current.model_fields.get(part)
            current = field.annotation if field is not None else Any
        elif get_origin(current) is list:
            current = get_args(current)[0]
        elif get_origin(current) is dict:
            current = get_args(current)[1]
        else:
            current = Any
    return tuple(path), current


def _split(annotation: Any) -> tuple[Any, tuple[Any, ...]]:
    """Annotated[X, metadata...] -> (X, metadata); anything else -> (it, ())."""
    if get_origin(annotation) is Annotated:
        return get_args(annotation)[0], annotation.__metadata__
    return annotation, ()


def _strip(annotation: Any) -> Any:
    """X for Annotated[X, ...] and for X | None."""
    annotation, _ = _split(annotation)
    if _is_union(annotation):
        members = [arg for arg in get_args(annotation) if arg is not type(None)]
        if len(members) == 1:
            return members[0]
    return annotation


def _is_union(annotation: Any) -> bool:
    return get_origin(annotation) in (Union, types.UnionType)


def _members(annotation: Any) -> dict[Any, Any] | None:
    """The members of a union of several types by the tag pydantic names them with; None for
    anything else. A member is tagged by `Tag(...)`, or by its value of the union's discriminator."""
    union, metadata = _split(annotation)
    if not _is_union(union) or len([arg for arg in get_args(union) if arg is not type(None)]) < 2:
        return None
    by = next((meta.discriminator for meta in metadata if isinstance(getattr(meta, "discriminator", None), str)), None)
    members: dict[Any, Any] = {}
    for member in get_args(union):
        base, member_metadata = _split(member)
        tags = [meta.tag for meta in member_metadata if isinstance(meta, Tag)]
        if not tags and by is not None:
            tags = list(get_args(base.model_fields[by].annotation))
        members.update({tag: member for tag in tags})
    return members


"""YAML files with source positions, and pydantic errors turned into located `Problem`s.

PyYAML's composer gives nodes with line and column; we build plain Python values from them and
remember where every key and value came from, so an error deep in a list of sections still points
at `data/cv.yml:14:5`.

Plain scalars are kept as text when YAML would read them as floats or timestamps: `2020.10` is a
date in a CV, not the number 2020.1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any, Union, get_args, get_origin

import yaml
from pydantic import BaseModel, ValidationError

from cv_site.dates import HINT as DATE_HINT
from cv_site.errors import Problem, did_you_mean
from cv_site.model import DATE_ERROR

Loc = tuple[Union[str, int], ...]

_KEEP_AS_TEXT = {"tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
_TEXT = "tag:yaml.org,2002:str"


@dataclass
class YamlDocument:
    """A parsed YAML file: its data and the position (1-based line, column) of each key path."""

    file: str
    data: Any
    value_positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)
    key_positions: dict[Loc, tuple[int, int]] = field(default_factory=dict)

    def position(self, loc: Loc, *, key: bool = False) -> tuple[int | None, int | None]:
        """Where `loc` is, or its nearest written ancestor when it is missing."""
        table = self.key_positions if key else self.value_positions
        while loc:
            if loc in table:
                return table[loc]
            if not key and loc in self.key_positions:
                return self.key_positions[loc]
            loc = loc[:-1]
        return self.value_positions.get((), (1, 1))

    def problem(self, loc: Loc, message: str, *, value: object = None, hint: str = "", key: bool = False,
                severity: str = "error") -> Problem:
        line, column = self.position(loc, key=key)
        return Problem(self.file, line, column, format_loc(loc), message, value, hint, severity)


def format_loc(loc: Loc) -> str:
    """('sections', 2, 'entries', 0, 'date') -> 'sections[2].entries[0].date'"""
    text = ""
    for part in loc:
        text += f"[{part}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text


def parse_loc(key: str) -> Loc:
    """'sections[2].entries[0].date' -> ('sections', 2, 'entries', 0, 'date'): format_loc's inverse."""
    return tuple(int(part) if part.isdigit() else part for part in re.findall(r"[^.\[\]]+", key))


class _Builder(yaml.SafeLoader):
    """Builds values from nodes, recording positions; floats and timestamps stay text."""


# libyaml's parser (shipped in PyYAML's wheels) is ~20x faster than the Python one and gives the
# same nodes and marks; the Python one's messages are clearer, so a file with an error is re-read by it.
_FAST_LOADER = getattr(yaml, "CSafeLoader", _Builder)


def _compose(text: str) -> yaml.Node | None:
    try:
        return yaml.compose(text, Loader=_FAST_LOADER)
    except yaml.YAMLError:
        return yaml.compose(text, Loader=_Builder)


def parse_yaml(text: str, file: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse YAML text. A syntax error is returned as a Problem, never raised."""
    try:
        node = _compose(text)
        document = YamlDocument(file, None)
        problems: list[Problem] = []
        if node is not None:  # an unknown tag (`!foo`) raises here
            document.data = _build(node, (), document, _Builder(""), problems)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = error.problem or "YAML syntax error"
        if error.context:
            reason = f"{error.context}, {reason}"
        hint = "check the indentation and quote values that contain ': ' or start with a special character"
        line, column = (mark.line + 1, mark.column + 1) if mark else (None, None)
        return None, [Problem(file, line, column, "", f"YAML syntax error: {reason}", hint=hint)]
    except yaml.reader.ReaderError as error:  # a control character, which YAML does not allow
        line = text.count("\n", 0, error.position) + 1
        column = error.position - (text.rfind("\n", 0, error.position) + 1) + 1
        message = f"YAML does not allow the control character U+{error.character:04X}"
        return None, [Problem(file, line, column, "", message, hint="delete it (it is invisible in most editors)")]
    if node is None:
        document.data = {}
        document.value_positions[()] = (1, 1)
        return document, []
    return document, problems


def _build(node: yaml.Node, loc: Loc, doc: YamlDocument, constructor: yaml.SafeLoader,
           problems: list[Problem]) -> Any:
    doc.value_positions[loc] = (node.start_mark.line + 1, node.start_mark.column + 1)
    if isinstance(node, yaml.MappingNode):
        constructor.flatten_mapping(node)
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            reported = len(problems)
            key = _construct(key_node, loc, doc, constructor, problems)
            if len(problems) > reported:
                continue
            if not isinstance(key, (str, int)):
                problems.append(doc.problem(loc, "a key must be a plain word", value=key))
                continue
            if isinstance(key, int):
                key = str(key)
            child = loc + (key,)
            if key in result:
                first = doc.key_positions[child][0]
                problems.append(Problem(doc.file, key_node.start_mark.line + 1, key_node.start_mark.column + 1,
                                        format_loc(child), f"duplicate key (first given on line {first})",
                                        hint="remove one of the two"))
                continue
            doc.key_positions[child] = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            result[key] = _build(value_node, child, doc, constructor, problems)
        return result
    if isinstance(node, yaml.SequenceNode):
        return [_build(item, loc + (index,), doc, constructor, problems) for index, item in enumerate(node.value)]
    if node.tag in _KEEP_AS_TEXT:
        return node.value
    return _construct(node, loc, doc, constructor, problems)


def _construct(node: yaml.Node, loc: Loc, doc: YamlDocument, constructor: yaml.SafeLoader,
               problems: list[Problem]) -> Any:
    """The value of a node. Text, most of a CV, is the node's own value: what PyYAML's constructor
    returns too, after a few dispatches per scalar. A value its explicit tag cannot read (`!!int
    x`, `!!bool maybe`) is a problem at the node, not an exception."""
    if node.tag == _TEXT and isinstance(node, yaml.ScalarNode):
        return node.value
    try:
        return constructor.construct_object(node)
    except (ArithmeticError, LookupError, TypeError, ValueError):
        tag = node.tag.rpartition(":")[2]
        problems.append(Problem(doc.file, node.start_mark.line + 1, node.start_mark.column + 1, format_loc(loc),
                                f"YAML cannot read this as !!{tag}", node.value if isinstance(node.value, str) else None,
                                hint=f"remove the !!{tag} tag, or write a value of that type"))
        return None


# --- pydantic errors -> Problems ------------------------------------------------------------------

_TYPE_NAMES = {
    "string_type": "expected text",
    "int_type": "expected a whole number",
    "int_parsing": "expected a whole number",
    "int_from_float": "expected a whole number",
    "float_type": "expected a number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "list_type": "expected a list (lines starting with '- ')",
    "dict_type": "expected a mapping (key: value lines)",
    "model_type": "expected a mapping (key: value lines)",
    "model_attributes_type": "expected a mapping (key: value lines)",
}


def validate(model: type[BaseModel], document: YamlDocument) -> tuple[BaseModel | None, list[Problem]]:
    """Validate a document against a model; every error becomes a located Problem."""
    try:
        return model.model_validate(document.data), []
    except ValidationError as error:
        problems = [_problem(model, document, e) for e in error.errors(include_url=False)]
        # a union reports once per member; one message per place is enough
        unique = {(p.key, p.line, p.column): p for p in reversed(problems)}
        return None, sorted(unique.values(), key=lambda p: p.sort_key)


def _problem(model: type[BaseModel], doc: YamlDocument, error: dict) -> Problem:
    loc = _data_loc(doc.data, tuple(error["loc"]))
    kind, value = error["type"], error.get("input")
    if kind == "extra_forbidden":
        fields = _fields_at(model, doc.data, loc[:-1])
        hint = did_you_mean(str(loc[-1]), fields)
        if not hint and fields:
            hint = "known keys here: " + ", ".join(fields)
        return doc.problem(loc, "unknown key", hint=hint, key=True)
    if kind == "missing":
        return doc.problem(loc, "required, but missing", hint=f"add `{loc[-1]}:` here")
    if kind == "union_tag_invalid":
        tags = [t.strip(" '") for t in error["ctx"]["expected_tags"].split(",")]
        tag = error["ctx"]["tag"]
        hint = did_you_mean(tag, tags) or "known kinds: " + ", ".join(tags)
        return doc.problem(loc + ("kind",), "unknown kind", value=tag, hint=hint)
    if kind == "union_tag_not_found":
        return doc.problem(loc, "every section needs a `kind:`", hint="add `kind: education`, `kind: list`...")
    if kind == "literal_error":
        return doc.problem(loc, f"expected {error['ctx']['expected']}", value=value)
    if kind == DATE_ERROR:
        return doc.problem(loc, error["msg"], value=value, hint=DATE_HINT)
    if kind in _TYPE_NAMES:
        return doc.problem(loc, _TYPE_NAMES[kind], value=value, hint=_type_hint(kind, value))
    message = error["msg"].removeprefix("Value error, ")
    message = message[:1].lower() + message[1:]
    return doc.problem(loc, message, value=value if not isinstance(value, (dict, list)) else None)


def _type_hint(kind: str, value: object) -> str:
    """Why YAML gave something else than text, where text was wanted."""
    if kind != "string_type":
        return ""
    if isinstance(value, bool):
        return 'YAML reads yes, no, on, off, true and false as true or false: put the text in quotes ("NO")'
    if isinstance(value, (int, float)):
        return 'YAML reads this as a number: put it in quotes to keep it as text ("42")'
    if value is None:
        return "the value is empty: write the text, or remove the line"
    return ""


def _data_loc(data: Any, loc: Loc) -> Loc:
    """The path in the data for a pydantic error location: pydantic adds the tag of a tagged union
    (('sections', 0, 'education', 'title')) and member names of other unions ('list[str]');
    neither is in the data."""
    out: list[str | int] = []
    for index, part in enumerate(loc):
        is_last = index == len(loc) - 1
        if isinstance(data, dict) and isinstance(part, str):
            if part in data or is_last:
                out.append(part)
                data = data.get(part)
            # else: a union tag or member name
        elif isinstance(data, list) and isinstance(part, int):
            out.append(part)
            data = data[part] if part < len(data) else None
        elif not isinstance(part, str):
            out.append(part)
            data = None
    return tuple(out)


def _fields_at(model: type[BaseModel], data: Any, loc: Loc) -> list[str]:
    """The field names of the model found at `loc`, for "did you mean" suggestions."""
    annotation: Any = model
    for part in loc:
        annotation = _unwrap(annotation, data)
        if isinstance(part, int):
            args = get_args(annotation)
            annotation = args[0] if args else None
            data = data[part] if isinstance(data, list) and part < len(data) else None
        elif isinstance(annotation, type) and issubclass(annotation, BaseModel) and part in annotation.model_fields:
            annotation = annotation.model_fields[part].annotation
            data = data.get(part) if isinstance(data, dict) else None
        else:
            return []
    annotation = _unwrap(annotation, data)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return list(annotation.model_fields)
    return []


def _unwrap(annotation: Any, data: Any) -> Any:
    """Optional[X] -> X; Annotated[X, ...] -> X; a tagged union -> the member named by data['kind']."""
    while True:
        origin = get_origin(annotation)
        if origin is None or origin is list or origin is dict:
            return annotation
        args = [a for a in get_args(annotation) if a is not type(None)]
        if hasattr(annotation, "__metadata__"):
            annotation = args[0]
            continue
        models = [a for a in args if isinstance(a, type) and issubclass(a, BaseModel)]
        kind = data.get("kind") if isinstance(data, dict) else None
        tagged = [m for m in models if "kind" in m.model_fields and kind in get_args(m.model_fields["kind"].annotation)]
        if tagged:
            return tagged[0]
        if len(args) == 1 or not models:
            annotation = args[0] if args else None
            if annotation is None:
                return None
            continue
        return models[0]

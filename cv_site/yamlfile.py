"""YAML files with source positions, and records' issues turned into located `Problem`s.

PyYAML's composer gives nodes with line and column; we build plain Python values from them and
remember where every key and value came from, so an error deep in a list of sections still points
at `data/cv.yml:14:5`.

Plain scalars are kept as text when YAML would read them as floats or timestamps: `2020.10` is a
date in a CV, not the number 2020.1.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from cv_site.errors import Problem
from cv_site.records import Issue, Loc, Record, format_loc

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


# --- records' issues -> Problems ------------------------------------------------------------------


def validate(model: type[Record], document: YamlDocument) -> tuple[Any, list[Problem]]:
    """Check a document against a record class; every issue becomes a located Problem."""
    record, issues = model.validate(document.data)
    problems = [_problem(document, issue) for issue in issues]
    return record, sorted(problems, key=lambda p: p.sort_key)


def _problem(doc: YamlDocument, issue: Issue) -> Problem:
    hint = issue.hint or (_text_hint(issue.value) if issue.code == "not_text" else "")
    return doc.problem(issue.loc, issue.message, value=issue.value, hint=hint, key=issue.code == "unknown_key")


def _text_hint(value: object) -> str:
    """Why YAML gave something else than text, where text was wanted."""
    if isinstance(value, bool):
        return 'YAML reads yes, no, on, off, true and false as true or false: put the text in quotes ("NO")'
    if isinstance(value, (int, float)):
        return 'YAML reads this as a number: put it in quotes to keep it as text ("42")'
    if value is None:
        return "the value is empty: write the text, or remove the line"
    return ""

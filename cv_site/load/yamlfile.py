"""YAML files with source positions, and validation errors turned into located `Problem`s.

PyYAML's composer gives nodes with line and column; we build plain Python values from them and
remember where every key and value came from, so an error deep in a list of sections still points
at `data/cv.yml:14:5`.

Plain scalars are kept as text when YAML would read them as floats or timestamps: `2020.10` is a
date in a CV, not the number 2020.1.

No file can exhaust the machine: nesting deeper than MAX_DEPTH, and aliases that repeat more than
MAX_REPEATED values or MAX_REPEATED_CHARACTERS characters in all, are a located problem (see
yamllimits).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from cv_site.errors import Loc, Problem, format_loc
from cv_site.load.validation import Issue, issues
from cv_site.load.yamllimits import MAX_DEPTH, CarefulLoader, Refused, too_deep
from cv_site.load.yamllimits import FastLoader as FAST_LOADER

_KEEP_AS_TEXT = {"tag:yaml.org,2002:float", "tag:yaml.org,2002:timestamp"}
_TEXT = "tag:yaml.org,2002:str"
_MERGE = "tag:yaml.org,2002:merge"


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


# --- parsing --------------------------------------------------------------------------------------


def _compose(text: str) -> yaml.Node | None:
    """The document's nodes, refused over a limit (see yamllimits). libyaml's parser (in PyYAML's
    wheels) reads them ~5x faster than PyYAML's, with the same marks; a file it cannot read is read
    again by the Python one, whose messages are clearer."""
    try:
        return yaml.compose(text, Loader=FAST_LOADER)
    except yaml.YAMLError:
        return yaml.compose(text, Loader=CarefulLoader)


def parse_yaml(text: str, file: str) -> tuple[YamlDocument | None, list[Problem]]:
    """Parse YAML text. A syntax error, or a file over a limit, is returned as a Problem, never raised."""
    try:
        node = _compose(text)
        document = YamlDocument(file, None)
        problems: list[Problem] = []
        if node is not None:  # an unknown tag (`!foo`) raises here
            document.data = _Builder(document, problems).build(node, ())
    except Refused as refusal:
        return None, [refusal.problem(file)]
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


class _Builder:
    """Builds values from composed nodes, recording positions and collecting problems; floats and
    timestamps stay text. Refuses nesting past MAX_DEPTH, which aliases can add to what the file
    writes (what they repeat was limited as the file was composed)."""

    def __init__(self, doc: YamlDocument, problems: list[Problem]):
        self.doc = doc
        self.problems = problems
        self.constructor = yaml.SafeLoader("")

    def build(self, node: yaml.Node, loc: Loc, depth: int = 0) -> Any:
        if depth > MAX_DEPTH:
            raise too_deep(loc, node.start_mark)
        self.doc.value_positions[loc] = _position(node)
        if isinstance(node, yaml.MappingNode):
            return self._mapping(node, loc, depth)
        if isinstance(node, yaml.SequenceNode):
            return [self.build(item, loc + (index,), depth + 1) for index, item in enumerate(node.value)]
        if node.tag in _KEEP_AS_TEXT:
            return node.value
        return self._construct(node, loc)

    def _mapping(self, node: yaml.MappingNode, loc: Loc, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                self._merge(value_node, loc, depth, result)
        self.doc.value_positions[loc] = _position(node)  # the merged mappings were built at `loc` too
        given: dict[str, int] = {}  # key -> line, for the keys written in this mapping
        for key_node, value_node in node.value:
            if key_node.tag == _MERGE:
                continue
            key = self._key(key_node, loc)
            if key is None:
                continue
            child = loc + (key,)
            if key in given:
                self.problems.append(Problem(self.doc.file, *_position(key_node), format_loc(child),
                                             f"duplicate key (first given on line {given[key]})",
                                             hint="remove one of the two"))
                continue
            self.doc.key_positions[child] = _position(key_node)
            given[key] = key_node.start_mark.line + 1
            result[key] = self.build(value_node, child, depth + 1)
        return result

    def _merge(self, value_node: yaml.Node, loc: Loc, depth: int, result: dict[str, Any]) -> None:
        """YAML's merge key: `<<: *defaults` or `<<: [*a, *b]` adds the mappings' keys, an earlier
        mapping's over a later one's, in PyYAML's order; the keys written beside `<<` override
        them all."""
        sources = value_node.value if isinstance(value_node, yaml.SequenceNode) else [value_node]
        mappings = []
        for source in sources:
            if isinstance(source, yaml.MappingNode):
                mappings.append(source)
            else:
                self.problems.append(Problem(
                    self.doc.file, *_position(source), format_loc(loc),
                    "`<<:` merges a mapping (`<<: *name`), or a list of them, into this one",
                    source.value if isinstance(source, yaml.ScalarNode) else None))
        built = [self.build(source, loc, depth + 1) for source in reversed(mappings)]  # the first's positions last
        for mapping in reversed(built):
            for key, value in mapping.items():
                result.setdefault(key, value)

    def _key(self, node: yaml.Node, loc: Loc) -> str | None:
        """A mapping's key as text, or None (with a problem) when it is not a plain word."""
        reported = len(self.problems)
        key = self._construct(node, loc)
        if len(self.problems) > reported:
            return None
        if not isinstance(key, (str, int)):
            self.problems.append(self.doc.problem(loc, "a key must be a plain word", value=key))
            return None
        return str(key) if isinstance(key, int) else key

    def _construct(self, node: yaml.Node, loc: Loc) -> Any:
        """The value of a node. Text, most of a CV, is the node's own value: what PyYAML's
        constructor returns too, after a few dispatches per scalar. A value its explicit tag cannot
        read (`!!int x`, `!!bool maybe`) is a problem at the node, not an exception."""
        if node.tag == _TEXT and isinstance(node, yaml.ScalarNode):
            return node.value
        try:
            return self.constructor.construct_object(node)
        except (ArithmeticError, LookupError, TypeError, ValueError):
            tag = node.tag.rpartition(":")[2]
            self.problems.append(Problem(
                self.doc.file, *_position(node), format_loc(loc),
                f"YAML cannot read this as !!{tag}", node.value if isinstance(node.value, str) else None,
                hint=f"remove the !!{tag} tag, or write a value of that type"))
            return None


def _position(node: yaml.Node) -> tuple[int, int]:
    return node.start_mark.line + 1, node.start_mark.column + 1


# --- validation errors -> Problems ----------------------------------------------------------------

Model = TypeVar("Model", bound=BaseModel)


def validate(model: type[Model], document: YamlDocument) -> tuple[Model | None, list[Problem]]:
    """Check a document against a model; every error becomes a located Problem."""
    try:
        return model.model_validate(document.data), []
    except ValidationError as error:
        problems = [_problem(document, issue) for issue in issues(model, error)]
        return None, sorted(problems, key=lambda p: p.sort_key)


def _problem(doc: YamlDocument, issue: Issue) -> Problem:
    return doc.problem(issue.loc, issue.message, value=issue.value, hint=issue.hint, key=issue.code == "unknown_key")

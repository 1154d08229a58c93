"""Limits a YAML file must keep, so that no file can exhaust the machine, and the loaders that
refuse a file over them where it crosses them.

A file is composed by PyYAML's composer, in Python, on the events of libyaml's parser, in C: it
refuses a file over a limit while it composes, at the node or the alias that crosses it, before its
recursion can exhaust the stack and before anything is built. (libyaml's own composer knows no
limit on aliases and refuses nesting only past 1,000 levels.) A file libyaml cannot read is read
again by CarefulLoader, all in Python, whose syntax errors read best, with the same limits. The
builder (yamlfile) checks only the depth that aliases add: in `b: [*a]`, b holds all of a's levels.
"""

from __future__ import annotations

from itertools import takewhile
from typing import Any, NamedTuple

import yaml

from cv_site.errors import Loc, Problem, format_loc

# A CV nests a handful of levels (sections[0].entries[0].highlights[0] is four). Nodes are composed
# and built by recursion, and Python's stack holds about a thousand calls.
MAX_DEPTH = 100
# `*name` repeats all that `&name` holds, and aliases inside an anchor multiply: nine levels of
# nine aliases repeat 9**9 = 387 million values (the "billion laughs"). A CV that uses aliases
# repeats a block of defaults or a list of co-authors a few times: hundreds of values. What a file
# writes out is not limited (it costs in proportion to its size); what its aliases repeat is, at a
# number no CV reaches that still builds in ~0.1 s and ~30 MB. A value is a node: a scalar, a
# list or a mapping.
MAX_REPEATED = 100_000
# A value costs in proportion to its length each time it is repeated, and the pages and the PDF
# print each copy: 3,000 aliases of one 1 MB text made a 1 MB file into a 5.6 GB site (90 s, 6 GB
# of memory). A CV's aliases repeat a name, a line or a block of defaults: kilobytes. Aliases may
# repeat as much text as a 10 MB file holds written out, which costs what such a file costs (a
# build in ~0.5 s): so the text aliases repeat never costs more than a big file could.
MAX_REPEATED_CHARACTERS = 10_000_000

ALIAS_HINT = ("an alias (*name) repeats all that its anchor (&name) holds, and aliases inside an anchor "
              "multiply: write the values out, or repeat less")


class Refused(Exception):
    """A file over a limit, refused with one problem at `mark`."""

    def __init__(self, loc: Loc, mark: yaml.Mark, message: str, hint: str):
        super().__init__(message)
        self.loc, self.mark, self.message, self.hint = loc, mark, message, hint

    def problem(self, file: str) -> Problem:
        return Problem(file, self.mark.line + 1, self.mark.column + 1, format_loc(self.loc), self.message,
                       hint=self.hint)


def too_deep(loc: Loc, mark: yaml.Mark) -> Refused:
    # The key path of a node this deep would fill lines: the top-level key names the part.
    return Refused(loc[:1], mark, f"nested more than {MAX_DEPTH} levels deep",
                   "a CV needs a handful of levels: look for brackets that are never closed, or nest less")


def too_many_repeats(loc: Loc, mark: yaml.Mark) -> Refused:
    return Refused(loc, mark, f"aliases repeat more than {MAX_REPEATED:,} values in this file", ALIAS_HINT)


def too_much_repeated_text(loc: Loc, mark: yaml.Mark) -> Refused:
    return Refused(loc, mark, f"aliases repeat more than {MAX_REPEATED_CHARACTERS:,} characters in this file",
                   ALIAS_HINT)


class _Size(NamedTuple):
    """What a node stands for, once built: its values (nodes), and the characters of its scalars."""

    values: int
    characters: int


class _Limits:
    """A loader that refuses a file over a limit while it composes: a node nested past MAX_DEPTH
    (a mapping's keys as deep as its values), and the alias that takes what aliases repeat past
    MAX_REPEATED values or MAX_REPEATED_CHARACTERS characters."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._loc: list[Any] = []  # the key path of the node being composed (see _loc_part)
        self._sizes: dict[int, _Size] = {}  # id of a composed collection -> its size
        self._repeated = _Size(0, 0)

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if parent is not None:  # not the root
            self._loc.append(_loc_part(index))
        try:
            if len(self._loc) > MAX_DEPTH:
                raise too_deep(self._where(), event.start_mark)
            node = super().compose_node(parent, index)
            if isinstance(event, yaml.AliasEvent):
                self._count_repeats(node, event.start_mark)
            elif not isinstance(node, yaml.ScalarNode):
                sizes = [self._size(child) for child in _children(node)]
                self._sizes[id(node)] = _Size(1 + sum(size.values for size in sizes),
                                              sum(size.characters for size in sizes))
            return node
        finally:
            if parent is not None:
                self._loc.pop()

    def _where(self) -> Loc:
        """The key path of the node being composed; inside a key, the path of its mapping."""
        return tuple(takewhile(lambda part: part is not None, self._loc))

    def _count_repeats(self, node: yaml.Node, mark: yaml.Mark) -> None:
        size = self._size(node)
        if size is None:  # an alias inside its own anchor: it nests without end
            raise too_deep(self._where(), mark)
        self._repeated = _Size(self._repeated.values + size.values, self._repeated.characters + size.characters)
        if self._repeated.values > MAX_REPEATED:
            raise too_many_repeats(self._where(), mark)
        if self._repeated.characters > MAX_REPEATED_CHARACTERS:
            raise too_much_repeated_text(self._where(), mark)

    def _size(self, node: yaml.Node) -> _Size | None:
        """What a composed node stands for (None: it is still being composed)."""
        if isinstance(node, yaml.ScalarNode):
            return _Size(1, len(node.value))
        return self._sizes.get(id(node))


def _loc_part(index: Any) -> Any:
    """A list's item is its index, a mapping's value its key's text; None for a key, and for the
    value of a key that is not text."""
    if isinstance(index, yaml.ScalarNode):
        return index.value
    return index if isinstance(index, int) else None


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [child for pair in node.value for child in pair]
    return node.value


class CarefulLoader(_Limits, yaml.SafeLoader):
    """PyYAML's loader, all in Python, with the limits: its syntax errors read best."""


try:
    from yaml._yaml import CParser

    class _LibyamlEvents(yaml.composer.Composer, CParser, yaml.constructor.SafeConstructor, yaml.resolver.Resolver):
        """libyaml's parser under PyYAML's composer (CSafeLoader composes in C, past any limit of ours)."""

        def __init__(self, stream: str):
            CParser.__init__(self, stream)
            yaml.composer.Composer.__init__(self)
            yaml.constructor.SafeConstructor.__init__(self)
            yaml.resolver.Resolver.__init__(self)

    class FastLoader(_Limits, _LibyamlEvents):
        """The limits on libyaml's events, 5x as fast as CarefulLoader."""

except ImportError:  # a PyYAML without libyaml
    FastLoader = CarefulLoader  # type: ignore[misc]

"""Limits a YAML file must keep, so that no file can exhaust the machine, and the loaders that
refuse a file over them where it crosses them.

yamlfile composes with libyaml in C (fast, but it refuses nesting only past 1,000 levels and knows
no limit on aliases), and its builder refuses a file over a limit as it builds the values. A file
libyaml cannot read is read again by CarefulLoader, which refuses it while composing, before its
recursion can exhaust the stack. The builder does not know where the alias that crossed the alias
limit is written (composed nodes keep no aliases): `locate` reads the file again to find it.
"""

from __future__ import annotations

from typing import Any

import yaml

from cv_site.errors import Problem
from cv_site.records import Loc, format_loc

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


class Refused(Exception):
    """A file over a limit, refused with one problem. Without a mark when the builder crossed the
    alias limit: it does not know where the alias is written, the careful loader does."""

    def __init__(self, loc: Loc, mark: yaml.Mark | None, message: str, hint: str):
        super().__init__(message)
        self.loc, self.mark, self.message, self.hint = loc, mark, message, hint

    def problem(self, file: str) -> Problem:
        line, column = (self.mark.line + 1, self.mark.column + 1) if self.mark else (None, None)
        return Problem(file, line, column, format_loc(self.loc), self.message, hint=self.hint)


def too_deep(loc: Loc, mark: yaml.Mark) -> Refused:
    # The key path of a node this deep would fill lines: the top-level key names the part.
    return Refused(loc[:1], mark, f"nested more than {MAX_DEPTH} levels deep",
                   "a CV needs a handful of levels: look for brackets that are never closed, or nest less")


def too_many_repeats(loc: Loc, mark: yaml.Mark | None) -> Refused:
    return Refused(loc, mark, f"aliases repeat more than {MAX_REPEATED:,} values in this file",
                   "an alias (*name) repeats all that its anchor (&name) holds, and aliases inside an "
                   "anchor multiply: write the values out, or repeat less")


class _Limits:
    """A loader that refuses a file over a limit while it composes: before its recursion can
    exhaust the stack, and at the alias that takes what aliases repeat past MAX_REPEATED (each node
    counted once for every time the builder would build it)."""

    def __init__(self, stream: str):
        super().__init__(stream)
        self._loc: list[Any] = []  # the key path of the node being composed (see _loc_part)
        self._sizes: dict[int, int] = {}  # id of a composed collection -> the values it stands for
        self._repeated = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        event = self.peek_event()
        if parent is not None:  # not the root
            self._loc.append(_loc_part(index))
        try:
            if len(self._loc) > MAX_DEPTH and self._loc[-1] is not None:  # a key: its value is checked
                raise too_deep(self._where(), event.start_mark)
            node = super().compose_node(parent, index)
            if isinstance(event, yaml.AliasEvent):
                self._count_repeats(node, event.start_mark)
            elif not isinstance(node, yaml.ScalarNode):
                self._sizes[id(node)] = 1 + sum(self._size(child) or 0 for child in _children(node))
            return node
        finally:
            if parent is not None:
                self._loc.pop()

    def _where(self) -> Loc:
        return tuple(part for part in self._loc if isinstance(part, (str, int)))

    def _count_repeats(self, node: yaml.Node, mark: yaml.Mark) -> None:
        size = self._size(node)
        if size is None:  # an alias inside its own anchor: it nests without end
            raise too_deep(self._where(), mark)
        self._repeated += size
        if self._repeated > MAX_REPEATED:
            raise too_many_repeats(self._where(), mark)

    def _size(self, node: yaml.Node) -> int | None:
        """How many values a composed node stands for (None: it is still being composed)."""
        return 1 if isinstance(node, yaml.ScalarNode) else self._sizes.get(id(node))


def _loc_part(index: Any) -> Any:
    """A list's item is its index, a mapping's value its key's text; None for a key itself."""
    return index.value if isinstance(index, yaml.ScalarNode) else index


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

    class _CarefulFastLoader(_Limits, _LibyamlEvents):
        """The limits on libyaml's events, 5x as fast as CarefulLoader."""

    FAST_LOADER = yaml.CSafeLoader
except ImportError:  # a PyYAML without libyaml
    _CarefulFastLoader = FAST_LOADER = CarefulLoader


def locate(refusal: Refused, text: str) -> Refused:
    """The refusal with its place: a careful loader finds the alias that crossed the limit."""
    if refusal.mark is not None:
        return refusal
    try:
        yaml.compose(text, Loader=_CarefulFastLoader)
    except Refused as located:
        return located
    except yaml.YAMLError:
        pass
    return refusal

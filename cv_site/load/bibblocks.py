"""A .bib file's text -> its blocks (entries, @string definitions, blocks in error), exactly as
bibtexparser 2 reads them, with their lines.

bibtexparser's reader (`bibtexparser.parse_string`, without middlewares: its LaTeX decoding runs
pylatexenc over every field, ~100x the parse) walks from one "mark" to the next (every brace,
quote, comma, `=` and newline) in Python: ~110 us an entry, 0.55 s for 5,000. So a file is
read in two steps:

1. It is cut into pieces, one at each block start (`@type{` or `@type(`) at the start of a line.
   bibtexparser ends any block it is reading at such a line (a block left open ends there in
   error), so each piece reads the same alone as in the file: a piece is also the unit that
   serve's cache keeps (bibfile.py).
2. A piece that is one well-formed block in braces (an entry whose fields are `name = value`
   followed by `,` or `}`; a @string, @comment or @preamble), as nearly all are, is read with one
   regular expression per field (35 us an entry). Any other piece (parentheses, groups nested over
   4 deep, a syntax error, a second block on the block's last line) is read by
   `bibtexparser.parse_string`. The expressions follow bibtexparser's rules:

   - a brace, quote or comma right after a backslash is not a mark (`\\{`, `\\"`, `\\,`);
   - at depth 0, `{` opens a group, `"` opens a string, and `,` or `}` ends the value;
   - in a group, only braces count; in a string, only a `"` that is not `{"}` ends it.

bibtexparser does not count a newline right after a backslash (`Line one \\\\` at the end of a
line in an abstract) as a line, so its line numbers after one would be one too low: it reads a
piece with a space put between the two. That changes nothing else: bibtexparser uses newlines only
to count lines, and the loader squashes the spaces in values.

tests/test_bibtex.py checks that the blocks are bibtexparser's on the test files and on random text.
"""

from __future__ import annotations

import logging
import re
from typing import Iterator, NamedTuple

import bibtexparser
from bibtexparser import model as bib

# bibtexparser logs each block it gives up on; they are reported as Problems instead.
logging.getLogger("bibtexparser").setLevel(logging.ERROR)


class RawEntry(NamedTuple):
    key: str
    entry_type: str  # lower case
    line: int  # 1-based, of the "@"
    fields: list[tuple[str, str, int]]  # name and value as written (stripped), 1-based line of the `=`


class RawString(NamedTuple):
    key: str
    value: str
    line: int


class BrokenBlock(NamedTuple):
    """A block bibtexparser gave up on."""

    raw: str
    reason: str  # bibtexparser's
    line: int


Block = RawEntry | RawString | BrokenBlock


class Piece(NamedTuple):
    """The text from one block start at the start of a line to the next. A piece reads the same
    alone as in the file, given the block start that follows it: a block left open ends there,
    and bibtexparser's reason names it ("Unexpected block start: `@misc`")."""

    text: str
    line: int  # 1-based line of its first character
    kind: str  # the type of the block it starts with, lower case; "" for the text before the first
    follows: str  # the next piece's block start, with its { or (; "" at the end of the file

    def has_one_block(self) -> bool:
        """No other block starts in it: the usual piece, one block and the blank lines after it.
        (An `@` is looked for first: 0.7 ms for 5,000 pieces, where the expression takes 3 ms.)"""
        return self.kind != "" and (self.text.find("@", 1) < 0 or _BLOCK_START.search(self.text, 1) is None)


_BLOCK_START = re.compile(r"@\w*[ \t]*(?=[{(])")  # bibtexparser's
# A block start with only blanks before it on its line, after a newline (as bibtexparser, the text
# is read with a newline put before it).
_LINE_START_BLOCK = re.compile(r"\n[^\S\n]*(@(\w*)[ \t]*[{(])")
_FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(?:[^\n]*\n)*?---[ \t]*\r?(?:\n|\Z)")


def split_pieces(text: str) -> Iterator[Piece]:
    """The file's pieces, in order, one at a time: a one-shot build reads each and lets it go (a
    list of them all is a second copy of the file: +34 MB at 20,000 entries). Jekyll front matter
    counts as blank lines."""
    text = _blank_front_matter(text)
    heads = [(head.start(1) - 1, head.group(2).lower(), head.group(1))  # where, block type, block start
             for head in _LINE_START_BLOCK.finditer("\n" + text)]
    if not heads or heads[0][0] > 0:
        heads.insert(0, (0, "", ""))  # the text before the first block
    line = 1
    for (start, kind, _), (end, _, follows) in zip(heads, [*heads[1:], (len(text), "", "")]):
        piece = text[start:end]
        yield Piece(piece, line, kind, follows)
        line += piece.count("\n")


def read_blocks(piece: Piece) -> list[Block]:
    """The entries, @string definitions and broken blocks of a piece, in order."""
    text = piece.text
    start = _BLOCK_START.search(text)
    if start is None:
        return []  # text outside blocks: a comment
    read = _read_block(text, start, piece.line + text.count("\n", 0, start.start()))
    if read is not None and _BLOCK_START.search(text, read[1]) is None:
        return [read[0]] if read[0] is not None else []
    return _parsed_by_bibtexparser(piece)


def _blank_front_matter(text: str) -> str:
    """Jekyll front matter (al-folio's papers.bib starts with `---` twice) -> blank lines, so line
    numbers stay right and nothing in it (an `@` in an e-mail address) is taken for BibTeX."""
    text = text.removeprefix("\ufeff")
    match = _FRONT_MATTER.match(text)
    if not match or "@" not in match.group(0):  # bibtexparser takes `---` lines for comments
        return text
    return "\n" * match.group(0).count("\n") + text[match.end() :]


# --- well-formed blocks --------------------------------------------------------------------------

_PLAIN = r'(?:[^{}",]++|(?<=\\)[{}",])'  # depth 0: anything but a mark
_IN_GROUP = r"(?:[^{}]++|(?<=\\)[{}])"
_GROUP = rf"(?<!\\)\{{{_IN_GROUP}*+\}}"
for _depth in range(3):
    _GROUP = rf"(?<!\\)\{{(?:{_IN_GROUP}|{_GROUP})*+\}}"
_QUOTED = r'(?<!\\)"(?:[^"]++|(?<=\\)")*+(?:(?<!\{)"|"(?!\}))'
_NAME = r'([^{}",=@\\]*)'  # a key or field name: no mark before its `,` or `=`
_ENTRY_HEAD = re.compile(rf"\{{{_NAME}([,}}])")
_FIELD = re.compile(rf"{_NAME}=((?:{_PLAIN}|{_GROUP}|{_QUOTED})*+)([,}}])")
_ENTRY_END = re.compile(r"\s*\}")
_STRING_BODY = re.compile(rf"\{{{_NAME}=((?:{_IN_GROUP}|{_GROUP})*+)\}}")
_OTHER_BODY = re.compile(rf"\{{(?:{_IN_GROUP}|{_GROUP})*+\}}")  # @comment, @preamble


def _read_block(text: str, start: re.Match, line: int) -> tuple[Block | None, int] | None:
    """The block at `start` (on line `line`) and where it ends, if it is well formed and in
    braces; else None. A comment or @preamble gives no block."""
    kind = start.group().lower()
    if kind.startswith(("@comment", "@preamble")):
        body = _OTHER_BODY.match(text, start.end())
        return (None, body.end()) if body else None
    if kind.startswith("@string"):
        body = _STRING_BODY.match(text, start.end())
        return (RawString(body.group(1).strip(), body.group(2).strip(), line), body.end()) if body else None
    head = _ENTRY_HEAD.match(text, start.end())
    if head is None:
        return None
    entry = RawEntry(head.group(1).strip(), kind[1:].strip(), line, [])
    if head.group(2) == "}":  # no fields
        return entry, head.end()
    end = _read_fields(text, head.end(), start.start(), line, entry.fields)
    return (entry, end) if end is not None else None


def _read_fields(text: str, position: int, counted: int, line: int, fields: list[tuple[str, str, int]]) -> int | None:
    """Reads fields into `fields` from `position` (after a comma) to the entry's closing brace;
    returns the index after it, or None at anything but a well-formed field. `line` is the line
    of text[counted]."""
    while match := _FIELD.match(text, position):
        name, value, after = match.groups()
        equals = position + len(name)
        line += text.count("\n", counted, equals)  # a field's line is its `=`'s
        counted = equals
        fields.append((name.strip(), value.strip(), line))
        position = match.end()
        if after == "}":
            return position
    end = _ENTRY_END.match(text, position)  # after a trailing comma
    return end.end() if end is not None else None


# --- anything else: bibtexparser ----------------------------------------------------------------


def _parsed_by_bibtexparser(piece: Piece) -> list[Block]:
    """The piece's blocks as `bibtexparser.parse_string` reads them. The next block start is read
    with it, so that a block left open ends as it does in the file; the block it starts is not
    this piece's."""
    text = (piece.text + piece.follows).replace("\\\n", "\\ \n")  # see the module's docstring
    parsed = bibtexparser.parse_string(text, parse_stack=[]).blocks
    blocks: list[Block] = []
    for block in parsed[:-1] if piece.follows else parsed:  # the last one is the next piece's
        if isinstance(block, (bib.DuplicateFieldKeyBlock, bib.DuplicateBlockKeyBlock)):
            block = block.ignore_error_block  # duplicates are found (case-insensitively) by the loader
        line = piece.line + block.start_line  # bibtexparser counts from 0
        if isinstance(block, bib.Entry):
            fields = [(field.key, field.value, piece.line + field.start_line) for field in block.fields]
            blocks.append(RawEntry(block.key, block.entry_type, line, fields))
        elif isinstance(block, bib.String):
            blocks.append(RawString(block.key, block.value, line))
        elif isinstance(block, bib.ParsingFailedBlock):
            reason = getattr(block.error, "abort_reason", None) or str(block.error)
            blocks.append(BrokenBlock(block.raw or "", reason, line))
    return blocks

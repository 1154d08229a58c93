"""BibTeX files -> `Publication` records, with every problem found reported, never raised.

1. the text is read into blocks as bibtexparser reads it (`bibblocks.py`);
2. values are resolved: `@string` macros and month names expanded, `#` concatenations joined; the
   blocks bibtexparser gave up on, bad keys and duplicate keys are reported;
3. `crossref` children inherit missing fields from their parent;
4. each entry becomes a `Publication` (`entries.py`).
"""

from __future__ import annotations

import re
from typing import Iterable

from cv_site.errors import Problem
from cv_site.labels import MONTH_NAMES
from cv_site.load.bibblocks import (
    BrokenBlock,
    Piece,
    RawEntry,
    RawString,
    read_blocks,
    split_pieces,
)
from cv_site.load.entries import SHOWN_FIELDS, STANDARD_FIELDS, Entry, Problems, publication
from cv_site.model import Publication
from cv_site.schema import Person
from cv_site.text.latex import clear_cache as clear_latex_cache
from cv_site.text.names import OwnerMatcher
from cv_site.text.names import clear_cache as clear_names_cache

MONTH_MACROS = {name[:3].lower(): name for name in MONTH_NAMES}

_VALID_KEY = re.compile(r"[^\s,{}\"#%'()=]+")
_MACRO_NAME = re.compile(r"[A-Za-z_][\w\-:.+/']*")
_BRACES = re.compile(r"[{}]")
# One {group}, nested 4 deep at most. (A value nested deeper is read as any other.)
_ONE_GROUP = re.compile(r"\{(?:[^{}]++|\{(?:[^{}]++|\{(?:[^{}]++|\{[^{}]*+\})*+\})*+\})*+\}")
_BLOCK_HEAD = re.compile(r"@\s*(\w+)\s*[{(]\s*([^\s,{}()=\"]*)")

SYNTAX_HINT = "check the braces, quotes and commas: each field is `name = {value},` and every { needs its }"
# bibtexparser's reasons for giving up on a block, in words for the user.
_SYNTAX_REASONS = [
    (re.compile(r"^Unexpectedly reached end"), "it is not closed before the end of the file"),
    (re.compile(r"^Unexpected block start: `(@\w+)"), r"\1 starts before this entry is closed"),
    (re.compile(r"^Expected a `=` after entry key `([^`]*)`"), r"field '\1' has no value"),
    (re.compile(r"^Expected either a `,`"), "a comma is missing after a field value"),
    (re.compile(r"^Expected comma after entry key"), "a comma is missing after the entry key"),
    (re.compile(r"^Expected (a `=`|equals sign)"), "a `=` is missing between a field name and its value"),
]


def load_bibtex(text: str, file: str, owner: Person | None) -> tuple[list[Publication], list[Problem]]:
    """Parse one .bib file's text (already decoded from UTF-8). `file` is the display path for
    messages (e.g. 'data/publications.bib'). Returns publications in FILE ORDER (the caller merges
    and sorts) and every problem found (errors and warnings). Never raises for bad data."""
    return load_pieces(split_pieces(text), file, owner)


def load_pieces(pieces: Iterable[Piece], file: str, owner: Person | None) -> tuple[list[Publication], list[Problem]]:
    """`load_bibtex` for some of a file's pieces (`bibblocks.split_pieces`), each read at its own
    line: serve's cache (bibfile.py) reads only the pieces that changed and those that define
    macros."""
    loader = _Loader(Problems(file))
    entries = loader.entries([block for piece in pieces for block in read_blocks(piece)])
    loader.apply_crossrefs(entries)
    matcher = OwnerMatcher(owner)
    publications = [publication(entry, matcher, loader.problems) for entry in entries]
    return publications, list(loader.problems)


def clear_caches() -> None:
    """Forget decoded fields and parsed names (they are cached by their text across loads)."""
    clear_latex_cache()
    clear_names_cache()


class _Loader:
    """The state of loading one file: its macros and the problems found so far."""

    def __init__(self, problems: Problems):
        self.problems = problems
        self.report = problems.report
        self.macros: dict[str, str] = dict(MONTH_MACROS)

    # --- blocks -> resolved entries ----------------------------------------------------------

    def entries(self, blocks: list[RawEntry | RawString | BrokenBlock]) -> list[Entry]:
        for block in blocks:
            if isinstance(block, RawString):  # a redefined @string: the later definition wins
                where = f"@string '{block.key}'"
                self.macros[block.key.lower()] = self.resolve(block.value, "", block.line, where)
        entries: list[Entry] = []
        first_lines: dict[str, int] = {}
        for block in blocks:
            if isinstance(block, RawEntry):
                entry = self.entry(block)
                if entry is not None and self.is_new_key(entry, first_lines):
                    entries.append(entry)
            elif isinstance(block, BrokenBlock):
                self.report_syntax_error(block)
        return entries

    def report_syntax_error(self, block: BrokenBlock) -> None:
        head = _BLOCK_HEAD.match(block.raw)
        block_type, key = (head.group(1).lower(), head.group(2)) if head else ("", "")
        reason = block.reason
        for pattern, words in _SYNTAX_REASONS:
            if match := pattern.match(reason):
                reason = match.expand(words)
                break
        else:
            reason = reason[:1].lower() + reason[1:]
        entry = "" if block_type in ("string", "preamble", "comment") else " entry"
        message = f"BibTeX syntax error in @{block_type}{entry}: {reason}"
        self.report(block.line, key if block_type != "string" else "", message, SYNTAX_HINT)

    def entry(self, raw: RawEntry) -> Entry | None:
        if not _VALID_KEY.fullmatch(raw.key):
            message = "the entry has no key" if not raw.key else f"invalid BibTeX key {raw.key!r}"
            hint = "start the entry as @article{key, (no spaces or commas in the key)"
            self.report(raw.line, "", message, hint)
            return None
        entry = Entry(raw.key, raw.entry_type.lower(), raw.line)
        for name, value, line in raw.fields:
            name = name.lower()
            resolved = _squash_spaces(self.resolve(value, entry.key, line, f"field '{name}'"))
            if name in entry.fields:
                self.report_duplicate_field(entry, name, resolved, line)
                continue
            entry.fields[name] = resolved
            entry.lines[name] = line
        return entry

    def report_duplicate_field(self, entry: Entry, name: str, value: str, line: int) -> None:
        """A field given again (on `line`): BibTeX keeps the first value, and so does cv-site. Only
        a field the site shows, given two different values, is an error: which one was meant?"""
        first = f"first given on line {entry.lines[name]}"
        hint = "remove one of them; BibTeX uses the first"
        if name in SHOWN_FIELDS and value != entry.fields[name]:
            self.report(line, entry.key, f"duplicate field '{name}' ({first})", hint)
        else:
            message = f"duplicate field '{name}' ({first}); the first value is kept"
            self.report(line, entry.key, message, hint, severity="warning")

    def is_new_key(self, entry: Entry, first_lines: dict[str, int]) -> bool:
        """BibTeX keys are case-insensitive, so 'Guo2024' and 'guo2024' are the same key."""
        first_line = first_lines.get(entry.key.lower())
        if first_line is None:
            first_lines[entry.key.lower()] = entry.line
            return True
        message = f"duplicate BibTeX key '{entry.key}' (first defined on line {first_line})"
        self.report(entry.line, entry.key, message, "give each entry its own key")
        return False

    def resolve(self, raw: str, key: str, line: int, where: str) -> str:
        """A value as written -> its text: {braced}, "quoted", 2024 or a macro, joined by #.
        `where` names the field (or @string) for messages."""
        if raw[:1] == "{" and raw[-1:] == "}" and (raw.find("{", 1) < 0 or _ONE_GROUP.fullmatch(raw)):
            return raw[1:-1]  # the usual {text}, or {text with {groups}}: one step, where the rest takes ~3 us
        if raw.isdigit():
            return raw
        return "".join(self.resolve_part(part.strip(), key, line, where) for part in _concatenated(raw.strip()))

    def resolve_part(self, part: str, key: str, line: int, where: str) -> str:
        if part[:1] == "{" and _closes_at_end(part):
            return part[1:-1]
        if part[:1] == '"' and part[-1:] == '"' and len(part) > 1:
            return part[1:-1]
        if part.isdigit():
            return part
        if _MACRO_NAME.fullmatch(part):
            if (macro := self.macros.get(part.lower())) is not None:
                return macro
            hint = f"define it with @string{{{part} = {{...}}}} or write the value in braces"
            self.report(line, key, f"unknown @string macro '{part}' in {where}", hint, severity="warning")
            return part
        hint = 'a comma may be missing after the value; values are {text}, "text", a number or a @string name'
        self.report(line, key, f"cannot read the value of {where}", hint, value=part)
        return part

    # --- crossref ----------------------------------------------------------------------------

    def apply_crossrefs(self, entries: list[Entry]) -> None:
        by_key = {entry.key.lower(): entry for entry in entries}
        for child in entries:
            parent_key = child.fields.get("crossref", "").strip()
            if not parent_key:
                continue
            parent = by_key.get(parent_key.lower())
            if parent is None:
                message = f"crossref '{parent_key}' is not in this file; nothing is inherited"
                self.report(child.lines["crossref"], child.key, message, severity="warning")
                continue
            _inherit(child, parent)


def _closes_at_end(value: str) -> bool:
    """True when the `{` that opens `value` is closed by its last character."""
    if value[-1:] != "}":
        return False
    depth = 0
    for brace in _BRACES.finditer(value):
        depth += 1 if brace.group() == "{" else -1
        if depth == 0:
            return brace.end() == len(value)
    return False


def _concatenated(raw: str) -> list[str]:
    """`a # {b} # "c"` -> its parts, splitting only on a `#` outside braces and quotes."""
    if "#" not in raw:
        return [raw]
    parts, depth, quoted, start = [], 0, False, 0
    for i, char in enumerate(raw):
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(raw[start:i])
            start = i + 1
    parts.append(raw[start:])
    return parts


def _squash_spaces(value: str) -> str:
    """Line breaks and runs of spaces -> one space, as in TeX; a blank line stays a paragraph break."""
    if "\n" not in value and "  " not in value and "\t" not in value:
        return value  # most values: 66,000 values (5,000 entries) through the splits below take ~250 ms
    paragraphs = re.split(r"\n[ \t\r]*\n\s*", value.strip())
    return "\n\n".join(" ".join(re.split(r"[ \t\r\n]+", paragraph)) for paragraph in paragraphs)


def _inherit(child: Entry, parent: Entry) -> None:
    """The parent's title becomes the child's booktitle; its other standard fields are copied when
    the child lacks them. Custom fields (pdf, selected...) belong to the parent only."""
    if "title" in parent.fields and "booktitle" not in child.fields:
        child.fields["booktitle"] = parent.fields["title"]
        child.lines["booktitle"] = parent.lines["title"]
    for name in STANDARD_FIELDS:
        if name in parent.fields and name not in child.fields and name != "title":
            child.fields[name] = parent.fields[name]
            child.lines[name] = parent.lines[name]

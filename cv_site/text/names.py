"""BibTeX name lists -> `Author` records, by BibTeX's own rules, and the site owner among them.

This is the one place where an author or editor field is read (`read_names`). The list is split
on ` and ` outside braces (bibtexparser's `split_multiple_persons_names` would do it, but it drops a
command that starts a name: `A and \\v{S}imi\\'c` gives `{S}imi\\'c`). Each name is split into
its words and its "First von Last", "von Last, First" or "von Last, Jr, First" parts by
bibtexparser (`parse_single_name_into_parts`). Two rules are this module's own:

- a *von* particle ("van der", "de la") is a word whose first letter at brace depth 0 is lower
  case. bibtexparser also takes a letter without case (Arabic, Hebrew, Chinese) for lower case,
  which would make "محمد بن موسى الخوارزمي" all *von*, and "van Gogh" a first name;
- two words written in a CJK script ("王 小明") are family name first.

Splitting happens on the LaTeX source (braces decide it); each part is then decoded to Unicode.

Authors may carry marks at the end of their name: `*` for equal contribution and `†` (or
`\\dagger`, `$^\\dagger$`, `\\textdagger`) for the corresponding author. The marks set flags on the
`Author` and are removed from the name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from functools import lru_cache

from bibtexparser.middlewares.names import parse_single_name_into_parts

from cv_site.model import Author
from cv_site.schema import Person
from cv_site.text.cjk import is_cjk
from cv_site.text.latex import latex_to_text
from cv_site.text.normalise import normalise_name

# `and others` is BibTeX's "et al."; some exports write "et al." itself as a name.
_OTHERS = frozenset({"others", "et al.", "et al", "et. al.", "{et al.}", "et~al."})
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_COMMA = re.compile(",")

_EQUAL = r"\*|\\ast(?![A-Za-z])"
_DAGGER = r"†|\\textdagger|\\dagger|\\dag(?![A-Za-z])"
_SYMBOLS = rf"(?:{_EQUAL}|{_DAGGER})(?:\s*,?\s*(?:{_EQUAL}|{_DAGGER}))*"
# Bare, ^, ^{}, $^{}$, $$ and \textsuperscript{} forms of the marks, at the end of a name.
_MARKS_AT_END = re.compile(
    rf"(?:\$\^?\{{?{_SYMBOLS}\}}?\$|\\textsuperscript\{{{_SYMBOLS}\}}|\^?\{{{_SYMBOLS}\}}|\^?{_SYMBOLS})\s*$"
)


@dataclass(frozen=True)
class NameList:
    """An author or editor field, read."""

    people: tuple[Author, ...]  # none flagged as the owner (see OwnerMatcher)
    text: str  # the field as Unicode text, marks included
    bibtex: str  # the field as written, without the marks: for BibTeX others can cite


@dataclass(frozen=True)
class _Name:
    person: Author
    text: str
    unmarked: str  # the name as written without its marks; the name itself when it had none


def read_names(source: str) -> NameList:
    """An author or editor field (LaTeX source) -> its people, its text and its BibTeX."""
    listed = source.strip()
    names = [_read_name(name) for name in _split_outside_braces(listed, _AND)] if listed else []
    marked = any(name.person.equal_contribution or name.person.corresponding for name in names)
    return NameList(
        people=tuple(name.person for name in names),
        text=" and ".join(name.text for name in names),
        bibtex=" and ".join(name.unmarked for name in names) if marked else source,
    )


def parse_names(source: str) -> tuple[Author, ...]:
    """An author or editor field (LaTeX source) -> its people, none flagged as the owner."""
    return read_names(source).people


@lru_cache(maxsize=16384)  # co-authors recur from paper to paper
def _read_name(source: str) -> _Name:
    parts, equal, corresponding = _without_marks(source)
    unmarked = ", ".join(parts)
    if unmarked.lower() in _OTHERS:
        return _Name(Author(is_others=True), latex_to_text(source), unmarked)
    first, von, last, jr = map(latex_to_text, _name_parts(unmarked, has_comma=len(parts) > 1))
    person = Author(first, von, last, jr, equal_contribution=equal, corresponding=corresponding)
    return _Name(person, latex_to_text(source), unmarked if equal or corresponding else source)


def _name_parts(name: str, has_comma: bool) -> tuple[str, str, str, str]:
    """(first, von, last, jr), still LaTeX: bibtexparser's words, this module's von rule."""
    parts = parse_single_name_into_parts(name, strict=False)
    if has_comma:  # von Last, [Jr,] First
        von, last = _von_last(parts.von + parts.last)
        return " ".join(parts.first), von, last, " ".join(parts.jr)
    words = parts.first + parts.von + parts.last
    first, von, last = _first_von_last(words)
    if len(words) == 2 and all(any(map(is_cjk, word)) for word in words):
        first, last = last, first  # 王 小明: written in CJK script, the family name comes first
    return first, von, last, ""


def _first_von_last(words: list[str]) -> tuple[str, str, str]:
    """"First von Last": von runs from the first to the last lower-case word before the last word."""
    lower = [i for i, word in enumerate(words[:-1]) if _starts_lower(word)]
    if not lower:
        return " ".join(words[:-1]), "", " ".join(words[-1:])
    start, end = lower[0], lower[-1] + 1
    return " ".join(words[:start]), " ".join(words[start:end]), " ".join(words[end:])


def _von_last(words: list[str]) -> tuple[str, str]:
    """"von Last": von runs to the last lower-case word; the last word is always the last name."""
    lower = [i for i, word in enumerate(words[:-1]) if _starts_lower(word)]
    end = lower[-1] + 1 if lower else 0
    return " ".join(words[:end]), " ".join(words[end:])


def _starts_lower(word: str) -> bool:
    """BibTeX's von test: the case of the first letter at brace depth 0.

    A word that starts with a group (`{De Mello}`) has no case, so it is never a von particle; a
    special character (`{\\"u}ber`, `\\"uber`) has the case of its letter.
    """
    depth = 0
    for i, char in enumerate(word):
        if char == "{":
            if depth == 0 and word.startswith("{\\", i):
                return _first_letter_is_lower(latex_to_text(word[i:]))
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth == 0 and char == "\\":
            return _first_letter_is_lower(latex_to_text(word[i:]))
        elif depth == 0 and char.isalpha():
            return char.islower()
    return False


def _first_letter_is_lower(text: str) -> bool:
    return next((char.islower() for char in text if char.isalpha()), False)


def _without_marks(name: str) -> tuple[list[str], bool, bool]:
    """The name's comma-separated parts without their trailing marks, and whether it had `*` and
    `†` marks (at its end, or at the end of a part: `Guo*, Qiushan`)."""
    name, equal, corresponding = _strip_marks(name.strip())
    parts = []
    for part in _split_outside_braces(name, _COMMA):
        part, part_equal, part_corresponding = _strip_marks(part.strip())
        parts.append(part)
        equal, corresponding = equal or part_equal, corresponding or part_corresponding
    return parts, equal, corresponding


def _strip_marks(source: str) -> tuple[str, bool, bool]:
    """The text without its trailing marks, and whether it had `*` and `†` marks."""
    equal = corresponding = False
    while match := _MARKS_AT_END.search(source):
        marks = match.group(0)
        equal = equal or "*" in marks or "\\ast" in marks
        corresponding = corresponding or "†" in marks or "\\dag" in marks or "\\textdagger" in marks
        source = source[: match.start()].rstrip()
    return source, equal, corresponding


def _split_outside_braces(text: str, separator: re.Pattern) -> list[str]:
    """`text` split on `separator`, but not inside braces (`{Barnes and Noble}`)."""
    pieces = separator.split(text)
    if all(piece.count("{") == piece.count("}") for piece in pieces[:-1]):
        return pieces  # no separator inside braces: most lists, and 1/3 of the time of the loop below
    pieces, start, depth, scanned = [], 0, 0, 0
    for match in separator.finditer(text):
        depth += text.count("{", scanned, match.start()) - text.count("}", scanned, match.start())
        scanned = match.start()
        if depth == 0:
            pieces.append(text[start : match.start()])
            start = match.end()
    pieces.append(text[start:])
    return pieces


def clear_cache() -> None:
    _read_name.cache_clear()


class OwnerMatcher:
    """Finds the site's owner in author lists.

    An author is the owner when their name, normalised (`text.normalise.normalise_name`) in the
    "First Last" or the "Last, First" order, is one of `person.name_keys` (the name and its aliases).

    An author is also the owner when the last name matches and the given name is written as the
    owner's initials: "Q. Guo" and "Guo, Q." are "Qiushan Guo". The given name must consist of
    initials only, each a single letter (dots and hyphens optional: "J.-P." is "Jean-Pierre"), and
    they must be exactly the owner's initials. So "Qi Guo" is NOT "Qiushan Guo": "Qi" is a name,
    not an initial, and another person.
    """

    def __init__(self, person: Person | None):
        self._keys = person.name_keys if person else frozenset()
        spellings = [person.name, *person.aliases] if person else []
        own_names = [author for spelling in spellings for author in parse_names(spelling)]
        self._initials = {(_last_key(a), _initials(a.first)) for a in own_names if a.first}
        # A 5,000-paper file names ~37,000 authors, ~1,000 of them different. Deciding each afresh
        # (normalising a name takes ~3 us) would take ~300 ms; remembering by author ~20 ms; by last
        # name first, then by author, ~9 ms.
        self._possible_last_names = _PossibleLastNames({word for key in self._keys for word in key.split()})
        self._decided: dict[Author, bool] = {}

    def flag(self, authors: tuple[Author, ...]) -> tuple[Author, ...]:
        """The authors, with `is_owner` set on the owner."""
        if not any(self._possible_last_names[author.last] for author in authors):
            return authors
        if not any(self.is_owner(author) for author in authors):
            return authors
        return tuple(replace(a, is_owner=True) if self.is_owner(a) else a for a in authors)

    def is_owner(self, author: Author) -> bool:
        if not self._possible_last_names[author.last]:
            return False
        decided = self._decided.get(author)
        if decided is None:
            decided = self._decided[author] = not author.is_others and self._matches(author)
        return decided

    def _matches(self, author: Author) -> bool:
        first_last = normalise_name(f"{author.first} {author.von} {author.last}")
        last_first = normalise_name(f"{author.von} {author.last} {author.first}")
        if first_last in self._keys or last_first in self._keys:
            return True
        given = normalise_name(author.first).split()
        is_initials = bool(given) and all(len(part) == 1 for part in given)
        return is_initials and (_last_key(author), "".join(given)) in self._initials


class _PossibleLastNames(dict[str, bool]):
    """last name -> whether it could be the owner's: each of its words is a word of the owner's
    names. Filled on first use."""

    def __init__(self, owner_words: set[str]):
        super().__init__()
        self.owner_words = owner_words

    def __missing__(self, last_name: str) -> bool:
        words = normalise_name(last_name).split()
        possible = self[last_name] = bool(words) and all(word in self.owner_words for word in words)
        return possible


def _last_key(author: Author) -> str:
    return normalise_name(f"{author.von} {author.last}")


def _initials(given_name: str) -> str:
    """'Jean-Pierre' -> 'jp', 'Qiushan' -> 'q' (normalised, so accents are gone)."""
    return "".join(part[0] for part in normalise_name(given_name).split())

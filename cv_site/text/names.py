"""BibTeX name lists -> `Author` records, by BibTeX's own rules, and the site owner among them.

A list is split on ` and ` outside braces. Each name has one of three forms:
"First von Last", "von Last, First" or "von Last, Jr, First". A *von* particle ("van der",
"de la") is a word whose first letter at brace depth 0 is lower case; a braced word such as
`{De Mello}` has no case, so it stays part of the last name, and a fully braced name such as
`{Barnes and Noble, Inc.}` is one last name. Splitting happens on the LaTeX source (braces decide
it); each part is then decoded to Unicode.

Authors may carry marks at the end of their name: `*` for equal contribution and `†` (or
`\\dagger`, `$^\\dagger$`, `\\textdagger`) for the corresponding author. The marks set flags on the
`Author` and are removed from the name.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import lru_cache
from operator import attrgetter

from cv_site.text.latex import latex_to_text
from cv_site.model import Author, Person, is_cjk, normalise_name

# `and others` is BibTeX's "et al."; some exports write "et al." itself as a name.
_OTHERS = frozenset({"others", "et al.", "et al", "et. al.", "{et al.}", "et~al."})
_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_COMMA = re.compile(r"\s*,\s*")
_SPACE = re.compile(r"[\s~]+")

_EQUAL = r"\*|\\ast(?![A-Za-z])"
_DAGGER = r"†|\\textdagger|\\dagger|\\dag(?![A-Za-z])"
_SYMBOLS = rf"(?:{_EQUAL}|{_DAGGER})(?:\s*,?\s*(?:{_EQUAL}|{_DAGGER}))*"
# Bare, ^, ^{}, $^{}$, $$ and \textsuperscript{} forms of the marks, at the end of a name.
_MARKS_AT_END = re.compile(
    rf"(?:\$\^?\{{?{_SYMBOLS}\}}?\$|\\textsuperscript\{{{_SYMBOLS}\}}|\^?\{{{_SYMBOLS}\}}|\^?{_SYMBOLS})\s*$"
)
_MARK_ENDINGS = ("*", "$", "}", "†", "dagger", "dag", "ast")


@lru_cache(maxsize=16384)
def parse_names(text: str) -> tuple[Author, ...]:
    """An author or editor field (LaTeX source) -> its authors, none flagged as the owner."""
    return tuple(map(_parse_name, _split_names(text)))


def names_text(text: str) -> str:
    """An author or editor field as Unicode text. Decoded name by name, so that each co-author's
    name is decoded once however many papers it is on."""
    return " and ".join(map(_name_text, _split_names(text)))


@lru_cache(maxsize=16384)  # co-authors recur from paper to paper
def _name_text(name: str) -> str:
    return latex_to_text(name)


def without_marks(text: str) -> str:
    """An author or editor field with the `*` and `†` marks removed, for BibTeX others can cite."""
    if "*" not in text and "dag" not in text and "†" not in text:
        return text
    return " and ".join(map(_name_without_marks, _split_names(text)))


@lru_cache(maxsize=16384)  # co-authors recur from paper to paper
def _name_without_marks(name: str) -> str:
    return ", ".join(_strip_marks(part)[0] for part in _split_top_level(_strip_marks(name)[0], _COMMA))


@lru_cache(maxsize=1024)  # parse_names and names_text split the same field one after the other
def _split_names(text: str) -> tuple[str, ...]:
    """The names, stripped: the separator takes the blanks around `and` with it."""
    text = text.strip()
    return tuple(_split_top_level(text, _AND)) if text else ()


@lru_cache(maxsize=16384)  # co-authors recur from paper to paper
def _parse_name(source: str) -> Author:
    source, equal, corresponding = _strip_marks(source.strip())
    if source.lower() in _OTHERS:
        return Author(is_others=True)
    marks = [_strip_marks(part) for part in _split_top_level(source, _COMMA)]
    parts = [part for part, _, _ in marks]
    equal = equal or any(m[1] for m in marks)
    corresponding = corresponding or any(m[2] for m in marks)
    if len(parts) == 1:
        words = _words(parts[0])
        first, von, last = _first_von_last(words)
        if len(words) == 2 and all(any(map(is_cjk, word)) for word in words):
            first, last = last, first  # 王 小明: written in CJK script, the family name comes first
        jr = ""
    else:
        von, last = _von_last(_words(parts[0]))
        jr = parts[1] if len(parts) > 2 else ""
        first = ", ".join(parts[2:] if len(parts) > 2 else parts[1:])
    return Author(
        first=latex_to_text(first),
        von=latex_to_text(von),
        last=latex_to_text(last),
        jr=latex_to_text(jr),
        equal_contribution=equal,
        corresponding=corresponding,
    )


def _strip_marks(source: str) -> tuple[str, bool, bool]:
    """The name without its trailing marks, and whether it had `*` and `†` marks."""
    equal = corresponding = False
    while source.endswith(_MARK_ENDINGS) and (match := _MARKS_AT_END.search(source)):
        marks = match.group(0)
        equal = equal or "*" in marks or "\\ast" in marks
        corresponding = corresponding or "†" in marks or "\\dag" in marks or "\\textdagger" in marks
        source = source[: match.start()].rstrip()
    return source, equal, corresponding


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


def _words(source: str) -> list[str]:
    return [word for word in _split_top_level(source, _SPACE) if word]


def _split_top_level(text: str, separator: re.Pattern) -> list[str]:
    """`text` split on `separator`, ignoring separators inside braces."""
    pieces = separator.split(text)
    if "{" not in text or all(piece.count("{") == piece.count("}") for piece in pieces[:-1]):
        return pieces  # no separator inside braces, as in `Jos{\'e} and {De Mello}`
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
    parse_names.cache_clear()
    _split_names.cache_clear()
    _parse_name.cache_clear()
    _name_without_marks.cache_clear()
    _name_text.cache_clear()


class OwnerMatcher:
    """Finds the site's owner in author lists.

    An author is the owner when their name, normalised (`model.normalise_name`) in the
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
        self._decided: dict[Author, bool] = {}
        self._could_be_owner = _PossibleLastNames({word for key in self._keys for word in key.split()})

    def flag(self, authors: tuple[Author, ...]) -> tuple[Author, ...]:
        """The authors, with `is_owner` set on the owner."""
        if not self._keys or not any(map(self._could_be_owner.__getitem__, map(_LAST_NAME, authors))):
            return authors  # the usual case, decided on the last names alone
        if not any(map(self.is_owner, authors)):
            return authors
        return tuple(replace(a, is_owner=True) if self.is_owner(a) else a for a in authors)

    def is_owner(self, author: Author) -> bool:
        if not self._could_be_owner[author.last]:
            return False
        decided = self._decided.get(author)  # one lookup: an Author's hash is computed in Python
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


_LAST_NAME = attrgetter("last")


class _PossibleLastNames(dict[str, bool]):
    """last name -> whether it could be the owner's: each of its words is a word of the owner's
    names. Filled on first use, so that most authors are decided by one lookup."""

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

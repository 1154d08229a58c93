"""The owner's name in bold and the `*`/`†` marks after the right names, in any CSL style.

A style decides how a name reads ("Guo, Q.", "Q. Guo", "Guo Q", "Qiushan Guo") and where it
stands, so the names are found in the formatted text rather than guessed: each person who needs
something (the owner, and anyone with a mark) goes into citeproc-py with invisible sentinels, and
`MarkedNames.finish` turns them into BOLD markers and marks.

- The family name is wrapped whole: FAMILY + tag + "Guo" + FAMILY_END. No style changes a family
  name but its case, which the sentinels do not have.
- The given name becomes GIVEN + tag + " Qiushan " + GIVEN_END: the sentinels are words of their
  own, so a style that initializes ("Q.", "Q") keeps them. citeproc-py treats such a word as a
  particle and writes the initialize mark before and after it (". <GIVEN> Q. <GIVEN_END> ."),
  which `finish` removes.
- The tag (one character per person) says whose name it is. A name is the family and given spans
  of one tag next to each other, whatever their order.

The sentinels are in Unicode's plane 15 private use area; user text is stripped of them first
(`clean`), so no one can type one.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cv_site.model import Author
from cv_site.text.cjk import is_cjk
from cv_site.text.richtext import BOLD, END_BOLD, END_ITALIC, ITALIC

# The same marks as views/papers.py shows after a name.
EQUAL_CONTRIBUTION = "*"
CORRESPONDING = "†"

FAMILY, FAMILY_END, GIVEN, GIVEN_END = "\U000f0000\U000f0001\U000f0002\U000f0003"
_TAG_BASE = 0xF0100  # tag of the n-th marked person: chr(_TAG_BASE + n)
_SENTINELS = re.compile("[\U000f0000-\U000ffffd]")
_GIVEN_SPAN = re.compile(f"{GIVEN}(.) (.*?) {GIVEN_END}", re.DOTALL)
_SPAN = re.compile(f"([{FAMILY}{GIVEN}])(.)(.*?)[{FAMILY_END}{GIVEN_END}]", re.DOTALL)
_TAIL = re.compile(r"[^\w\s]*$")
_OPENERS = ITALIC + BOLD
_CLOSERS = END_ITALIC + END_BOLD


def clean(text: str) -> str:
    """User text without sentinel characters."""
    return text if text.isascii() else _SENTINELS.sub("", text)


@dataclass
class MarkedNames:
    """The names of one reference: CSL names for citeproc-py, then its output finished."""

    people: list[Author] = field(default_factory=list)  # whose names carry sentinels, by tag

    def csl_name(self, author: Author) -> dict[str, str]:
        """A CSL-JSON name; with sentinels when the owner or a mark needs it found again."""
        if is_cjk(author.last[:1]) and (not author.first or is_cjk(author.first[0])):
            name = {"literal": clean(author.display)}  # 山田太郎: as written, in every style
        else:
            name = {"family": clean(author.last)}
            if author.first:
                name["given"] = clean(author.first)
            if author.von:
                name["non-dropping-particle"] = clean(author.von)
            if author.jr:
                name["suffix"] = clean(author.jr)
        if not (author.is_owner or author.equal_contribution or author.corresponding):
            return name
        tag = chr(_TAG_BASE + len(self.people))
        self.people.append(author)
        family = "literal" if "literal" in name else "family"
        name[family] = FAMILY + tag + name[family] + FAMILY_END
        if "given" in name:
            name["given"] = f"{GIVEN}{tag} {name['given']} {GIVEN_END}"
        return name

    def shows_owner(self, text: str) -> bool:
        """Whether the formatted text has the owner's name (et al. may have cut it), or no owner was asked."""
        tags = [chr(_TAG_BASE + n) for n, person in enumerate(self.people) if person.is_owner]
        return not tags or any(FAMILY + tag in text for tag in tags)

    def finish(self, text: str) -> str:
        """citeproc-py's output -> rich text: the owner's names in BOLD, the marks after the
        names, no sentinel left."""
        if not self.people:
            return clean(text)
        text = _without_initialize_marks(text)
        out: list[str] = []
        pos = 0
        for person, start, end in self._names(text):
            start, end = _widen(text, max(start, pos), end, person, pos)
            out.append(text[pos:start])
            name = text[start:end]
            out.append(BOLD + name + END_BOLD if person.is_owner else name)
            out.append(_marks(person))
            pos = end
        out.append(text[pos:])
        return clean("".join(out))

    def _names(self, text: str) -> list[tuple[Author, int, int]]:
        """(person, start, end) of each name: a family span and the given span of the same tag
        beside it (only a separator such as ", " or " ", or the particle, between) make one name."""
        names: list[tuple[Author, int, int]] = []
        last_tag = ""
        for match in _SPAN.finditer(text):
            tag = match.group(2)
            person = self.people[ord(tag) - _TAG_BASE]
            if names and tag == last_tag and _between_parts(text[names[-1][2] : match.start()], person):
                names[-1] = (person, names[-1][1], match.end())
            else:
                names.append((person, match.start(), match.end()))
            last_tag = tag
        return names


def _without_initialize_marks(text: str) -> str:
    """Given names' spans without the initialize mark citeproc-py wrote around them:
    ". <GIVEN> Q. <GIVEN_END> ." -> "<GIVEN>Q.<GIVEN_END>"."""
    out: list[str] = []
    pos = 0
    for match in _GIVEN_SPAN.finditer(text):
        tag, inner = match.groups()
        start, end = match.span()
        tail = _TAIL.search(inner).group()  # "." after "Q.", "" after "Qiushan" or "Q"
        if tail and text[pos:start].endswith(tail + " "):
            start -= len(tail) + 1
        out.append(text[pos:start] + GIVEN + tag + inner + GIVEN_END)
        pos = end + len(tail) + 1 if tail and text.startswith(" " + tail, end) else end
    out.append(text[pos:])
    return "".join(out)


def _between_parts(between: str, person: Author) -> bool:
    """Whether the text between two parts of a name belongs to it: ", ", " ", or the particle."""
    if len(between) <= 3 and not any(char.isalnum() for char in between):
        return True
    return bool(person.von) and between.strip() == clean(person.von)


def _widen(text: str, start: int, end: int, person: Author, floor: int) -> tuple[int, int]:
    """The name's span with its particle and suffix ("van", "Jr.") when they stand beside it, and
    with a style's italic or bold that opens or closes inside it, so BOLD never crosses them.
    It never starts before `floor`, where the name before it ended."""
    von, jr = clean(person.von), clean(person.jr)
    if von and text[:start].endswith(von + " ") and start - len(von) - 1 >= floor:
        start -= len(von) + 1  # "van Gogh, V."
    for after in ((" " + von,) if von else ()) + ((" " + jr, ", " + jr) if jr else ()):
        if text.startswith(after, end):  # "Gogh, V. van" (a style that demotes it), "Smith, J., Jr."
            end += len(after)
    inside = _SENTINELS.sub("", text[start:end])
    depth = 0
    for char in inside:
        if char in _OPENERS:
            depth += 1
        elif char in _CLOSERS:
            depth -= 1
            if depth < 0:  # closes a run opened before the name: take its opener in
                while start > floor and (text[start - 1] in _OPENERS or _SENTINELS.match(text[start - 1])):
                    start -= 1
                depth = 0
    if depth > 0:  # opens a run that ends after the name: take its closer in
        while end < len(text) and (text[end] in _CLOSERS or _SENTINELS.match(text[end])):
            end += 1
    return start, end


def _marks(person: Author) -> str:
    return (EQUAL_CONTRIBUTION if person.equal_contribution else "") + (CORRESPONDING if person.corresponding else "")

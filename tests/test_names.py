"""BibTeX names: the three forms, von particles, braces, marks, "others", and finding the owner."""

from __future__ import annotations

import pytest

from cv_site.model import Author
from cv_site.schema import Person
from cv_site.text.names import OwnerMatcher, parse_names, read_names


def parts(text: str) -> list[tuple[str, str, str, str]]:
    return [(a.first, a.von, a.last, a.jr) for a in parse_names(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Donald E. Knuth", ("Donald E.", "", "Knuth", "")),
        ("Knuth, Donald E.", ("Donald E.", "", "Knuth", "")),
        ("Smith, Jr, John", ("John", "", "Smith", "Jr")),
        ("Ludwig van Beethoven", ("Ludwig", "van", "Beethoven", "")),
        ("Jan van der Berg", ("Jan", "van der", "Berg", "")),
        ("van der Berg, Jan", ("Jan", "van der", "Berg", "")),
        ("Juan de la Cruz", ("Juan", "de la", "Cruz", "")),
        ("Jean de La Fontaine", ("Jean", "de", "La Fontaine", "")),
        ("Shalini {De Mello}", ("Shalini", "", "De Mello", "")),
        ("{De Mello}, Shalini", ("Shalini", "", "De Mello", "")),
        ("Jean-Pierre Dupont", ("Jean-Pierre", "", "Dupont", "")),
        ("D.~E. Knuth", ("D. E.", "", "Knuth", "")),
        ("郭秋山", ("", "", "郭秋山", "")),
        ("Aristotle", ("", "", "Aristotle", "")),
        ('J{\\"o}rg M{\\"u}ller', ("Jörg", "", "Müller", "")),
        ("Garc{\\'\\i}a, Mar{\\'\\i}a", ("María", "", "García", "")),
        ('{\\"U}mit Yilmaz', ("Ümit", "", "Yilmaz", "")),
    ],
)
def test_name_forms(text: str, expected: tuple[str, str, str, str]) -> None:
    assert parts(text) == [expected]


def test_list_is_split_on_top_level_and_only() -> None:
    assert parts("{Barnes and Noble, Inc.} and Sandra Anderson AND Bo Li") == [
        ("", "", "Barnes and Noble, Inc.", ""),
        ("Sandra", "", "Anderson", ""),
        ("Bo", "", "Li", ""),
    ]


def test_and_inside_a_name_is_not_a_separator() -> None:
    assert parts("Alexander Andrews and Sandy Brandon") == [("Alexander", "", "Andrews", ""), ("Sandy", "", "Brandon", "")]


def test_and_others_is_et_al() -> None:
    authors = parse_names("Ada Lovelace and others")
    assert authors[1] == Author(is_others=True)
    assert authors[1].display == "et al."


@pytest.mark.parametrize(
    ("text", "equal", "corresponding"),
    [
        ("Qiushan Guo*", True, False),
        ("Guo*, Qiushan", True, False),
        ("Guo, Qiushan*", True, False),
        ("Ping Luo$^\\dagger$", False, True),
        ("Ping Luo$^{\\dagger}$", False, True),
        ("Ping Luo\\textdagger", False, True),
        ("Ping Luo\\dagger", False, True),
        ("Ping Luo†", False, True),
        ("Ping Luo$^{*,\\dagger}$", True, True),
        ("Ping Luo*†", True, True),
        ("Ping Luo\\textsuperscript{*}", True, False),
    ],
)
def test_marks_set_flags_and_leave_the_name(text: str, equal: bool, corresponding: bool) -> None:
    (author,) = parse_names(text)
    assert (author.equal_contribution, author.corresponding) == (equal, corresponding)
    assert author.last in ("Guo", "Luo")
    assert author.first in ("Qiushan", "Ping")


def test_the_bibtex_to_cite_has_no_marks() -> None:
    text = "Guo*, Q. and Ping Luo$^\\dagger$ and {Barnes and Noble*} and Bo Li"
    assert read_names(text).bibtex == "Guo, Q. and Ping Luo and {Barnes and Noble*} and Bo Li"
    assert read_names("A B AND C D").bibtex == "A B AND C D"  # no marks: as written


def test_the_text_decodes_each_name_and_keeps_the_marks() -> None:
    assert read_names('M{\\"u}ller, J. and {Barnes and Noble}').text == "Müller, J. and Barnes and Noble"
    assert read_names("Guo*, Q. and Ping Luo$^\\dagger$").text == "Guo*, Q. and Ping Luo†"


def test_words_without_case_are_not_von() -> None:
    """bibtexparser takes a letter without case for lower case; BibTeX's von needs a lower-case one."""
    assert parts("محمد بن موسى الخوارزمي") == [("محمد بن موسى", "", "الخوارزمي", "")]
    assert parts("van Gogh") == [("", "van", "Gogh", "")]
    assert parts("张 伟 明") == [("张 伟", "", "明", "")]  # three words: no family-name-first rule


def test_cjk_names_are_family_name_first() -> None:
    (author,) = parse_names("王 小明")
    assert (author.first, author.last, author.display) == ("小明", "王", "王小明")
    (author,) = parse_names("山田, 太郎")
    assert author.display == "山田太郎"


@pytest.fixture
def owner() -> OwnerMatcher:
    return OwnerMatcher(Person(name="Qiushan Guo"))


def is_owner(matcher: OwnerMatcher, text: str) -> list[bool]:
    return [author.is_owner for author in matcher.flag(parse_names(text))]


@pytest.mark.parametrize(
    "text",
    ["Qiushan Guo", "Guo, Qiushan", "Qiushan Guo*", "G{\\'u}o, Qi{\\'u}shan", "QIUSHAN GUO", "Q. Guo", "Guo, Q.", "Q Guo"],
)
def test_owner_is_found_in_every_spelling(owner: OwnerMatcher, text: str) -> None:
    assert is_owner(owner, text) == [True]


@pytest.mark.parametrize("text", ["Qi Guo", "Guo, Qi", "Q. S. Guo", "Qiushan Luo", "P. Guo", "Guo", "others"])
def test_others_are_not_the_owner(owner: OwnerMatcher, text: str) -> None:
    """The initials rule needs initials only: "Qi" is a given name, so Qi Guo is someone else."""
    assert is_owner(owner, text) == [False]


def test_only_the_owner_is_flagged_in_a_list(owner: OwnerMatcher) -> None:
    assert is_owner(owner, "Ping Luo and Guo*, Q. and Qi Guo") == [False, True, False]
    (flagged,) = [a for a in owner.flag(parse_names("Ping Luo and Guo*, Q.")) if a.is_owner]
    assert flagged.equal_contribution and flagged.display == "Q. Guo"


def test_initials_of_hyphenated_names() -> None:
    matcher = OwnerMatcher(Person(name="Jean-Pierre Dupont"))
    assert is_owner(matcher, "J.-P. Dupont and J. Dupont and Dupont, J.P.") == [True, False, True]


def test_aliases_and_cjk_names() -> None:
    matcher = OwnerMatcher(Person(name="Qiushan Guo", aliases=["郭秋山", "Guo Qiushan"]))
    assert is_owner(matcher, "郭秋山 and Guo Qiushan and 郭秋") == [True, True, False]


def test_no_owner_flags_nobody() -> None:
    authors = parse_names("Qiushan Guo and Ping Luo")
    assert OwnerMatcher(None).flag(authors) is authors

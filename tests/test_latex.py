"""LaTeX -> Unicode: every common form, math kept intact, unknown commands kept, hostile text as data."""

from __future__ import annotations

import pytest

from cv_site.text.latex import NBSP, latex_to_marked, latex_to_text, unescape_url, unknown_commands
from cv_site.text.richtext import BOLD, END_BOLD, END_ITALIC, END_MATH, ITALIC, MARKERS, MATH, has_markers


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ('{\\"u}ber', "über"),
        ('\\"uber', "über"),
        ("\\'e", "é"),
        ("{\\'e}", "é"),
        ("\\'{e}", "é"),
        ("\\^o", "ô"),
        ("\\`a", "à"),
        ("\\~n", "ñ"),
        ("\\c{c}", "ç"),
        ("Fran{\\c{c}}ois", "François"),
        ("\\v{s}", "š"),
        ("{\\v S}koda", "Škoda"),
        ("\\={o} \\.{z} \\k{a} \\H{o} \\u{g} \\r{a}", "ō ż ą ő ğ å"),
        ("{\\i}", "ı"),
        ("\\'{\\i}", "í"),
        ("Ji{\\v{r}}{\\'\\i}", "Jiří"),
        ("\\o", "ø"),
        ("S{\\o}ren", "Søren"),
        ("Stra\\ss e", "Straße"),
        ("{\\ss}", "ß"),
        ("\\aa", "å"),
        ("\\AA{}ngstr{\\\"o}m", "Ångström"),
        ("\\l{}\\'od\\'z", "łódź"),
        ("\\& \\% \\$ \\_ \\#", "& % $ _ #"),
        ("1--10", "1–10"),
        ("yes---no", "yes—no"),
        ("D.~E. Knuth", f"D.{NBSP}E. Knuth"),
        ("``quoted''", "“quoted”"),
        ("`single'", "‘single'"),
    ],
)
def test_common_forms(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ("{RegionGPT}: Towards {Region} Understanding", "RegionGPT: Towards Region Understanding"),
        ("{{Nested {braces}}} go", "Nested braces go"),
        ("\\textit{x} \\emph{y} \\textbf{z}", "x y z"),
        ("{\\em Deep} {\\bf learning}", "Deep learning"),
        ("\\LaTeX{} is \\LaTeX", "LaTeX is LaTeX"),
        ("\\href{https://example.org}{the site}", "the site"),
        ("x\\textsuperscript{2}", "x2"),
        ("\\textquotedblleft hi\\textquotedblright", "“hi”"),
    ],
)
def test_braces_and_formatting_are_removed(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text


@pytest.mark.parametrize(
    ("math", "text"),
    [
        ("$\\ell_1$", "ℓ₁"),
        ("$\\mathbb{R}^{n}$", "ℝⁿ"),
        ("$O(n \\log n)$", "O(n log n)"),
        ("$$\\sum_i x_i$$", "∑ᵢ xᵢ"),
        ("$a \\$ b$", "a $ b"),
        ("$\\frac{1}{n+1}$", "1/(n+1)"),
        ("$\\unknown{x}_{ab}$", "\\unknown{x}_{ab}"),  # as written when it does not convert
    ],
)
def test_math_is_readable_text_and_keeps_its_source(math: str, text: str) -> None:
    assert latex_to_text(f"{{Sparse}} {math} -- {{fast}}") == f"Sparse {text} – fast"
    source = math.strip("$")
    assert latex_to_marked(f"{{Sparse}} {math}") == f"Sparse {MATH}{source}{END_MATH}"


@pytest.mark.parametrize(
    ("latex", "marked"),
    [
        ("\\textit{x} \\emph{y} \\textbf{z}", f"{ITALIC}x{END_ITALIC} {ITALIC}y{END_ITALIC} {BOLD}z{END_BOLD}"),
        ("{\\em Deep} {\\bf learning} {\\it of {Things}}", f"{ITALIC}Deep{END_ITALIC} {BOLD}learning{END_BOLD} {ITALIC}of Things{END_ITALIC}"),
        ("\\emph{a \\textbf{b} c}", f"{ITALIC}a {BOLD}b{END_BOLD} c{END_ITALIC}"),
        ("\\textsc{Sc} \\texttt{tt}", "Sc tt"),
    ],
)
def test_italic_and_bold_are_kept_as_formatting(latex: str, marked: str) -> None:
    assert latex_to_marked(latex) == marked


@pytest.mark.parametrize(
    ("latex", "commands"),
    [
        ("\\NeurIPS{} 2024", ("NeurIPS",)),
        ("see \\cite{smith2020} and \\foo", ("cite", "foo")),
        ("\\emph{x} \\'e \\ss \\ng $\\weird$ \\url{a}", ()),
        ("no commands", ()),
    ],
)
def test_unknown_commands_are_named(latex: str, commands: tuple[str, ...]) -> None:
    assert unknown_commands(latex) == commands


def test_escaped_dollars_are_not_math() -> None:
    assert latex_to_text("costs \\$5 and \\$10 {today}") == "costs $5 and $10 today"


def test_plain_text_is_returned_as_it_is() -> None:
    text = "Proceedings of the IEEE/CVF Conference (CVPR) 2024: it's 100% plain"
    assert latex_to_text(text) is text


def test_commands_pylatexenc_knows_are_decoded_through_it() -> None:
    assert latex_to_text("\\ng{} and \\dh") == "ŋ and ð"


def test_unknown_commands_are_kept_as_written() -> None:
    assert latex_to_text("\\NeurIPS{} 2024") == "\\NeurIPS{} 2024"
    assert latex_to_text("\\foo bar") == "\\foo bar"
    assert latex_to_text("see \\cite{smith2020}") == "see \\cite{smith2020}"


def test_input_reads_no_file_and_stays_text() -> None:
    assert latex_to_text("\\input{/etc/passwd}") == "\\input{/etc/passwd}"
    assert latex_to_text("{\\include{/etc/passwd}}") == "\\include{/etc/passwd}"


@pytest.mark.parametrize(
    ("latex", "text"),
    [
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("{{ 7*7 }}", " 7*7 "),
        ("#set page(width: 1cm)", "#set page(width: 1cm)"),
        ("$", "$"),
        ("a $ b", "a $ b"),
        ("{unbalanced", "unbalanced"),
        ("trailing \\", "trailing \\"),
    ],
)
def test_hostile_text_comes_through_as_data(latex: str, text: str) -> None:
    assert latex_to_text(latex) == text


def test_urls_keep_their_ties_and_dashes() -> None:
    assert unescape_url("https://example.org/~me/a--b\\_c\\%20{}") == "https://example.org/~me/a--b_c%20"


@pytest.mark.parametrize("marker", list(MARKERS))
def test_has_markers_finds_each_marker_in_any_text(marker: str) -> None:
    assert has_markers(f"plain {marker}text")
    assert has_markers(f"Jiří – {marker}")
    assert not has_markers("plain text")
    assert not has_markers("Jiří – 山田 ü")
    assert not has_markers("")

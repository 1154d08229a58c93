"""User text to Typst (cv_site.pdf.typst): string literals, never markup. No poppler needed."""

from __future__ import annotations

import pytest

from cv_site.pdf.typst import Typst, block, inline, literal, plain, string


@pytest.mark.parametrize(
    "text, expected",
    [
        ("plain", '"plain"'),
        ('say "hi"', '"say \\"hi\\""'),
        ("back\\slash", '"back\\\\slash"'),
        ("#set page(width: 1cm) $x$ @ref <l> // c", '"#set page(width: 1cm) $x$ @ref <l> // c"'),
        ("tab\there", '"tab\\there"'),
        ("bell\x07", '"bell\\u{7}"'),
    ],
)
def test_string_literals_escape_only_what_typst_strings_need(text, expected):
    assert string(text) == expected


def test_literal_values():
    assert literal(None) == "none"
    assert literal(True) == "true"
    assert literal(3) == "3"
    assert literal(["a", 'b"']) == '("a", "b\\"", )'
    assert literal("  two\n lines ") == '"two lines"'
    assert literal(Typst("strong(x)")) == "strong(x)"


@pytest.mark.parametrize(
    "markdown, expected",
    [
        ("just text", '"just text"'),
        ("**bold** rest", '[#strong("bold")#" rest"]'),
        ("an *emph* word", '[#"an "#emph("emph")#" word"]'),
        ("_under_", 'emph("under")'),
        ("snake_case_name", '"snake_case_name"'),
        ("`#code *x*`", 'raw("#code *x*")'),
        ("[site](https://e.org/a)", 'link("https://e.org/a", "site")'),
        ("[bad](javascript:alert(1))", '"bad"'),
        ("<https://e.org>", 'link("https://e.org", "https://e.org")'),
        ("see https://e.org/x.", '[#"see "#link("https://e.org/x", "https://e.org/x")#"."]'),
        ("\\*not emph\\*", '"*not emph*"'),
        ("2 * 3 * 4", '"2 * 3 * 4"'),
        ("<b>html</b>", '"<b>html</b>"'),
        ("10⁶ and H₂O", '[#"10"#super("6")#" and H"#sub("2")#"O"]'),
        ("**a *b* c**", '[#strong([#"a "#emph("b")#" c"])]'.replace("[#strong(", "strong(").replace(")]", ")")),
        ("#set page(width: 1cm)", '"#set page(width: 1cm)"'),
    ],
)
def test_inline_markdown(markdown, expected):
    assert inline(markdown) == expected


def test_inline_html_is_dropped_when_allowed():
    assert inline("<b>x</b>", allow_html=True) == '"x"'


def test_block_markdown():
    assert block("One\nline.\n\n- a\n- *b*") == '[#par("One line.")#list("a", emph("b"))]'
    assert block("1. first\n2. second") == 'enum("first", "second")'


def test_plain_text_of_markdown():
    assert plain("**Bold** and [link](https://x)") == "Bold and link"

"""User text to Typst (cv_site.pdf.typst): string literals, never markup. No poppler needed."""

from __future__ import annotations

import pytest
from test_hostile_links import make_site

from cv_site.views.site import site_view
from cv_site.load.site import load_site
from cv_site.pdf.document import PdfRenderer, render_pdf
from cv_site.pdf.typst import Typst, block, inline, literal, plain, rich_typst, string


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


def test_inline_markdown_of_several_blocks_keeps_its_blocks():
    assert inline("- one\n- two") == 'list("one", "two")'
    assert inline("a\n\nb") == '[#par("a")#par("b")]'
    assert inline("  *a*  ") == 'emph("a")'


def test_a_fenced_code_block_prints_as_code():
    assert block("Run:\n\n```sh\ncv-site build\n```") == '[#par("Run:")#raw("cv-site build", block: true, lang: "sh")]'
    assert block("```\n[x](https://e.org) *y*\n```") == 'raw("[x](https://e.org) *y*", block: true)'


@pytest.mark.parametrize(
    "text, expected",
    [
        ("at 250 FPS on 640 × 640 images", '"at 250\u00a0FPS on 640\u00a0×\u00a0640 images"'),
        ("by 1.2 mAP, 47.0 % and 52.2 ms", '"by 1.2\u00a0mAP, 47.0\u00a0% and 52.2\u00a0ms"'),
        ("pp.\u00a013796–13806, 2024", '[#"pp.\u00a0"#box("13796–13806")#", 2024"]'),
        ("2017–2020", 'box("2017–2020")'),
        ("Group 1 A and 3 of them", '"Group 1 A and 3 of them"'),  # not units: they may break
        ("ResNet-50 and a 2–layer net", '"ResNet-50 and a 2–layer net"'),
    ],
)
def test_a_number_is_tied_to_its_unit_and_a_range_kept_on_one_line(text, expected):
    """pdf/ties.py, through the writer: no-break spaces inside the string literal; a range of
    numbers in a box (a line may break after an en dash); the text itself unchanged."""
    assert inline(text) == expected
    assert rich_typst(text) == inline(text)


def test_quotes_stay_in_string_literals():
    """Quotes in user text are escaped in the string literal (the template's show rule makes them
    typographic in the PDF): a quote can never end the literal and start markup or code."""
    for text in ['"); #panic("x', "It's \"#set page(width: 1cm)\"", '\\"', "'#{1+1}'"]:
        code = inline(text)
        assert code == string(text) and code.startswith('"') and code.endswith('"')
        assert '"' not in code[1:-1].replace('\\"', "")
        assert "smartquote" not in code


EVERY_CONSTRUCT = """# Heading *one*

One
line with *em*, **strong**, `code`, [link](https://example.org), <ada@example.org>, https://example.org/x.

```py
x = "1"
```

    indented

- a
    - b
- c

3. three
4. four

> quoted **text**

---

line  
break ![alt](https://example.org/i.png) &copy;
"""


def test_every_construct_compiles_in_every_markdown_field(tmp_path):
    """The text in every Markdown field of a CV (a text section's body, intros, titles, list items...)."""
    source = make_site(tmp_path, [EVERY_CONSTRUCT], allow_html=False)
    code, _ = PdfRenderer(source).typst_source(site_view(load_site(source)))
    assert 'raw("x = \\"1\\"", block: true, lang: "py")' in code
    assert 'quote(block: true, par([#"quoted "#strong("text")]))' in code
    assert render_pdf(load_site(source), source).startswith(b"%PDF")

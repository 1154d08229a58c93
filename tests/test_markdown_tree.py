"""One Markdown reader, two writers: for generated Markdown, the text a browser shows for the site's
HTML and the text of the PDF's Typst (its string literals, in order) are the same; and each
construct renders in both outputs."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from cv_site.pdf.typst import block, inline
from cv_site.site.markdown import MarkdownRenderer
from cv_site.text.markdown import plain, read

# --- the text of each output ----------------------------------------------------------------------


class _Text(HTMLParser):
    """The text a browser shows for HTML; an image counts as its alt text (the PDF prints it)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.parts.append(dict(attrs).get("alt") or "")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(html: str) -> str:
    parser = _Text()
    parser.feed(html)
    parser.close()
    return "".join(parser.parts)


_LITERAL = re.compile(r'(link\(|lang: |super\(|sub\()?"((?:[^"\\]|\\.)*)"')
_ESCAPES = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t"}
# The PDF writes 10⁶ as `"10"#super("6")` (fonts lack many of these characters): the same text.
_SCRIPTS = {"super(": dict(zip("0123456789+-=()ni", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ")),
            "sub(": dict(zip("0123456789+-=()", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎"))}


def typst_text(code: str) -> str:
    """The text Typst prints for code made of our calls: its string literals in order, but a link's
    target and a code block's language."""

    def decode(literal: str) -> str:
        return re.sub(r"\\(u\{[0-9a-f]+\}|.)",
                      lambda m: chr(int(m.group(1)[2:-1], 16)) if m.group(1).startswith("u{") else _ESCAPES[m.group(1)],
                      literal)

    out = []
    for match in _LITERAL.finditer(code):
        call, text = match.group(1), decode(match.group(2))
        if call in _SCRIPTS:
            out.append("".join(_SCRIPTS[call][char] for char in text))
        elif call is None:
            out.append(text)
    return "".join(out)


def squash(text: str) -> str:
    """Text without spaces, line breaks and control characters (a browser shows none of them)."""
    return re.sub(r"[\s\x00-\x1f\x7f]+", "", text)


# --- generated Markdown -----------------------------------------------------------------------------

WORDS = ["Ada", "writes", "x", "2020", "é", "王", "10⁶", "H₂O", "AT&T", "a<b", "it's", '"q"', "50%", "{b}", "$5", "#tag", "@me"]
MARKUP = [
    "*", "**", "_", "__", "`", "``", "[", "]", "](", "(", ")", "![", "\\*", "\\_", "\\`", "\\[", "<", ">",
    "&amp;", "&copy;", "&#x41;", "&bogus;", "&lt;b&gt;", "https://example.org/a_b", "http://x.org.", "<https://e.org>",
    "<ada@example.org>", "javascript:alert(1)", "(https://example.org/p)", "(javascript:alert(1))", ' "title")',
    "# ", "## ", "- ", "* ", "1. ", "3) ", "> ", "    ", "```", "```py", "~~~", "---", "***", "===",
    "  \n", "\n", "\n", "\n\n", "\n\n", "\n\n    ", "\n- ", "\n1. ", "\n    - ", "\n> ",
    "[r]", "\n\n[r]: https://example.org/r", "|", "~", "=",
]  # fmt: skip
RAW_HTML = ["<b>", "</b>", "<em>", "</em>", '<a href="https://example.org/h">', "</a>", "<script>", "</script>",
            "<!-- c -->", "<br>", "<div>", "</div>", "\n\n<div>\n", "\n</div>\n\n", '<img alt="pic" src="p.png">',
            '<span title="t">', "</span>"]  # fmt: skip
MARKDOWN = st.lists(st.one_of(st.sampled_from(WORDS + MARKUP + [" "] * 6),
                              st.text(st.characters(exclude_categories=["Cs"]), max_size=3)), max_size=24).map("".join)
WITH_HTML = st.lists(st.sampled_from(WORDS + MARKUP + RAW_HTML + [" "] * 6), max_size=24).map("".join)


@settings(max_examples=1500, deadline=None, suppress_health_check=list(HealthCheck))
@given(MARKDOWN)
@example("text\n\n```py\nx = 1\n\n<y> & \"q\"\n```\n\nafter")
@example("- a\n    - b\n\n1. c\n\n> d *e*\n\n# f\n\n---\n\n    g")
def test_the_site_and_the_pdf_show_the_same_text(text: str) -> None:
    site = MarkdownRenderer()
    assert squash(typst_text(block(text))) == squash(html_text(site.block(text))), text
    assert squash(typst_text(inline(text))) == squash(html_text(site.inline(text))), text


@settings(max_examples=1000, deadline=None, suppress_health_check=list(HealthCheck))
@given(WITH_HTML)
@example("<b>bold</b><script>alert(1)</script> after")
@example("<div>\nblock <b>x</b>\n</div>\n\npara <!-- c --> z")
def test_the_site_and_the_pdf_show_the_same_text_with_raw_html(text: str) -> None:
    site = MarkdownRenderer(allow_html=True)
    assert squash(typst_text(block(text, allow_html=True))) == squash(html_text(site.block(text))), text
    assert squash(typst_text(inline(text, allow_html=True))) == squash(html_text(site.inline(text))), text


# --- each construct, in both outputs -----------------------------------------------------------------

CONSTRUCTS = [
    # (Markdown, the site's HTML, the PDF's Typst)
    ("One\nline.", "<p>One\nline.</p>", 'par("One line.")'),
    ("*em* and _em_", "<p><em>em</em> and <em>em</em></p>", 'par([#emph("em")#" and "#emph("em")])'),
    ("**b** and __b__", "<p><strong>b</strong> and <strong>b</strong></p>", 'par([#strong("b")#" and "#strong("b")])'),
    ("`code <b>`", "<p><code>code &lt;b&gt;</code></p>", 'par(raw("code <b>"))'),
    ('```py\nx = "1"\n\n<y>\n```', '<pre><code>x = "1"\n\n&lt;y&gt;\n</code></pre>',
     'raw("x = \\"1\\"\\n\\n<y>", block: true, lang: "py")'),
    ("    indented\n    code", "<pre><code>indented\ncode\n</code></pre>", 'raw("indented\\ncode", block: true)'),
    ('[text](https://example.org/a "title")', '<p><a href="https://example.org/a" title="title">text</a></p>',
     'par(link("https://example.org/a", "text"))'),
    ("[ref][r]\n\n[r]: https://example.org/r", '<p><a href="https://example.org/r">ref</a></p>',
     'par(link("https://example.org/r", "ref"))'),
    ("<https://example.org/>", '<p><a href="https://example.org/">https://example.org/</a></p>',
     'par(link("https://example.org/", "https://example.org/"))'),
    ("<ada@example.org>", '<p><a href="mailto:ada@example.org">ada@example.org</a></p>',
     'par(link("mailto:ada@example.org", "ada@example.org"))'),
    ("see https://example.org/x.", '<p>see <a href="https://example.org/x">https://example.org/x</a>.</p>',
     'par([#"see "#link("https://example.org/x", "https://example.org/x")#"."])'),
    ("- a\n    - b\n- c", "<ul>\n<li>a<ul>\n<li>b</li>\n</ul>\n</li>\n<li>c</li>\n</ul>", 'list([#"a"#list("b")], "c")'),
    ("- a\n\n- b", "<ul>\n<li>\n<p>a</p>\n</li>\n<li>\n<p>b</p>\n</li>\n</ul>", 'list(par("a"), par("b"))'),
    ("3. three\n4. four", '<ol start="3">\n<li>three</li>\n<li>four</li>\n</ol>', 'enum(start: 3, "three", "four")'),
    ("# Heading *one*", "<h1>Heading <em>one</em></h1>", 'par(strong([#"Heading "#emph("one")]))'),
    ("Title\n=====", "<h1>Title</h1>", 'par(strong("Title"))'),
    ("#tag is text", "<p>#tag is text</p>", 'par("#tag is text")'),
    ("> quoted **text**", "<blockquote>\n<p>quoted <strong>text</strong></p>\n</blockquote>",
     'quote(block: true, par([#"quoted "#strong("text")]))'),
    ("a\n\n---\n\nb", "<p>a</p>\n<hr>\n<p>b</p>", '[#par("a")#line(length: 100%)#par("b")]'),
    ("line  \nbreak", "<p>line<br>\nbreak</p>", 'par([#"line"#linebreak()#"break"])'),
    ("![alt text](https://example.org/i.png)", '<p><img alt="alt text" src="https://example.org/i.png"></p>',
     'par("alt text")'),
    ("&copy; &amp; &#x41;", "<p>© &amp; A</p>", 'par("© & A")'),
    ("<b>raw</b>", "<p>&lt;b&gt;raw&lt;/b&gt;</p>", 'par("<b>raw</b>")'),
]
RAW_HTML_CONSTRUCTS = [
    ("<b>raw</b> <script>x</script>", "<p><b>raw</b> </p>", 'par("raw ")'),
    ("<div>\n*block* &amp; <img alt=pic src=p.png>\n</div>", '<div>\n*block* &amp; <img alt="pic" src="p.png">\n</div>',
     'par("*block* & pic")'),
]


@pytest.mark.parametrize(("markdown", "html", "typst"), CONSTRUCTS)
def test_each_construct_renders_in_both_outputs(markdown: str, html: str, typst: str) -> None:
    assert MarkdownRenderer().block(markdown) == html
    assert block(markdown) == typst


@pytest.mark.parametrize(("markdown", "html", "typst"), RAW_HTML_CONSTRUCTS)
def test_raw_html_renders_in_both_outputs_when_allowed(markdown: str, html: str, typst: str) -> None:
    assert MarkdownRenderer(allow_html=True).block(markdown) == html
    assert block(markdown, allow_html=True) == typst


def test_the_tree_holds_every_construct_as_an_element() -> None:
    document = read("# T\n\n```\ncode\n```\n\n- *a* `b` [c](https://e.org) ![d](https://e.org/i.png)  \ne\n\n> f\n\n---")
    assert [element.tag for element in document.root.iter()] == [
        "div", "h1", "pre", "code", "ul", "li", "em", "code", "a", "img", "br", "blockquote", "p", "hr"]


def test_the_plain_text_of_markdown() -> None:
    assert plain("**Bold** and [link](https://x) ![alt](https://x/i.png)\n\n- `code` &amp;") == "Bold and link alt code &"

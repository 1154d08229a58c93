"""The plain-paragraph shortcut (text.markdown.is_plain_paragraph) gives exactly what the Markdown
parser gives, so text that only needs a <p> never makes cv-site import Markdown."""

import subprocess
import sys

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cv_site.pdf import typst
from cv_site.site.markdown import MarkdownRenderer
from cv_site.text.markdown import SYNTAX, is_plain_paragraph, read

WORDS = st.sampled_from([
    "Ada", "writes", "for", "the", "Engine.", "Grace,", "2020", "1.", "-", "+", "It's", '"new"', "(HKU)",
    "é", "王", "—", "a@b.com", "http://x.org", "www.a.com", "50%", "x/y", "?", "$5", "{b}", "^", "\u00a0", "\t", "",
])
SEPARATORS = st.sampled_from([" ", " ", " ", "  ", "\n", "\n", "\n\n", "\n    ", "  \n", " \n"])
LINES = st.lists(st.lists(WORDS, min_size=1, max_size=6).map(" ".join), min_size=2, max_size=5).map("\n".join)
FREE_FORM = st.lists(st.tuples(WORDS, SEPARATORS), max_size=20).map(lambda pairs: "".join(w + s for w, s in pairs))
TEXTS = st.one_of(LINES, FREE_FORM)


@settings(max_examples=3000, suppress_health_check=list(HealthCheck), deadline=None)
@given(TEXTS, st.sampled_from(["", "\n", "\n\n"]))
def test_plain_paragraphs_render_as_the_parser_renders_them(text, tail):
    body = text.strip()
    if "\n" not in body or not is_plain_paragraph(body):
        return  # a single line takes the older shortcut, which escapes quotes as well
    shortcut, parser = MarkdownRenderer(), MarkdownRenderer()
    assert shortcut.block(body + tail) == parser._convert(body + tail)
    assert shortcut.inline(body) == parser._convert(body).removeprefix("<p>").removesuffix("</p>")


@settings(max_examples=3000, suppress_health_check=list(HealthCheck), deadline=None)
@given(TEXTS, st.sampled_from(["", "\n", "\n\n"]))
def test_the_pdf_writes_plain_paragraphs_as_it_writes_the_parsed_ones(text, tail):
    body = text.strip()
    if not body or (SYNTAX.search(body) is not None and not is_plain_paragraph(body)):
        return  # the shortcut is not taken
    parsed = typst._Writer(read(body + tail))
    assert typst.block(body + tail) == typst.content(parsed.flow(parsed.document.root))
    assert typst.inline(body) == typst.content(parsed.inline(parsed.document.root[0]))


def test_a_bio_over_several_lines_is_one_paragraph_as_written():
    bio = "Ada writes programs\nfor the Analytical Engine.\nIt's \"new\".\n"
    assert is_plain_paragraph(bio.rstrip("\n"))
    assert MarkdownRenderer().block(bio) == "<p>Ada writes programs\nfor the Analytical Engine.\nIt's \"new\".</p>"


def test_lines_that_could_be_markdown_are_not_plain():
    for text in ["a\n- b", "a\n1. b", "a\n    b", "a  \nb", "a\n\nb", "a\n---", "a\tb", "a *b*", " a\nb"]:
        assert not is_plain_paragraph(text), text


def test_markdown_is_imported_only_when_a_text_needs_the_parser():
    code = ("import sys; from cv_site.site.markdown import MarkdownRenderer as R; r = R()\n"
            "r.block('one line'); r.block('two\\nlines\\n'); r.inline('plain'); print('markdown' in sys.modules)\n"
            "r.block('*emphasis*'); print('markdown' in sys.modules)")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.split() == ["False", "True"]

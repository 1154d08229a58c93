"""The PDF's typesetting, checked on the PDF itself (poppler's pdftotext): a text section printed as
its paragraphs, typographic quotes in the document's language that never make markup, no loose
justified line, no line break inside a range of numbers, between a number and its unit or inside a
name, an entry kept on one page unless it is longer than one and every paper's links on a line of
their own."""

from __future__ import annotations

import html
import re
import shutil
import statistics
from pathlib import Path

import pytest

from conftest import STRAIGHT_QUOTES, small_site
from cv_site.load.site import load_site
from cv_site.pdf.document import render_pdf
from cv_site.views.site import site_view
from test_pdf import hostile_site, make_site, pdf_text, pdfinfo, run, squash

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")

REPO = Path(__file__).resolve().parent.parent



@pytest.fixture(scope="module")
def example():
    site = load_site(REPO)
    return site, render_pdf(site, REPO)


Word = tuple[float, float, str]  # x from, x to, the word


def pdf_lines(data: bytes, tmp_path: Path) -> list[tuple[int, list[Word]]]:
    """Every line of the PDF as pdftotext reads it: (page, its words with their x positions)."""
    path = tmp_path / "lines.pdf"
    path.write_bytes(data)
    lines = []
    for page, text in enumerate(run("pdftotext", "-bbox-layout", str(path), "-").split("<page ")[1:], 1):
        for line in re.findall(r"<line[^>]*>(.*?)</line>", text, re.S):
            words = re.findall(r'<word xMin="([\d.]+)" yMin="[\d.]+" xMax="([\d.]+)" yMax="[\d.]+">([^<]*)</word>', line)
            lines.append((page, [(float(a), float(b), html.unescape(w)) for a, b, w in words]))
    return lines


# --- sections ------------------------------------------------------------------------------------


def test_a_text_section_prints_its_paragraphs(tmp_path):
    """The body of a text section is Typst content, not text: no bracket or `par(` printed."""
    text = pdf_text(render_pdf(small_site(), REPO), tmp_path)
    body = text[text.index("Research statement"):text.index("Papers")]
    assert body.split() == ["Research", "statement", "Poetical", "science.", "Second", "paragraph."]


# --- quotes --------------------------------------------------------------------------------------


def test_the_example_prints_typographic_quotes_and_apostrophes(example, tmp_path):
    _, data = example
    text = " ".join(pdf_text(data, tmp_path).split())
    assert "It’s the fifth China’s National" in text
    assert "the national “211” project" in text and "by “111” innovation" in text
    assert "'" not in text and '"' not in text


def quotes_site(language: str) -> object:
    text = "Er sagt \"Hallo\", geht's in the 1990's and `x = 'a' + \"b\"` as code."
    cv = {"person": {"name": "Seán O'Neil", "email": "x@example.org"},
          "sections": [{"title": "Erfahrung", "kind": "experience", "entries": [
              {"organization": "King's College", "highlights": [text]}]}]}
    return make_site(cv, settings={"language": language})


@pytest.mark.parametrize("language, opening, closing", [("en", "“", "”"), ("de", "„", "“"), ("fr", "«", "»")])
def test_quotes_are_those_of_the_language_and_code_keeps_straight_ones(language, opening, closing, tmp_path):
    text = " ".join(pdf_text(render_pdf(quotes_site(language), REPO), tmp_path).split())
    assert "Seán O’Neil" in text and "King’s College" in text  # an apostrophe in every language
    assert re.search(f"sagt {opening} ?Hallo ?{closing}, geht’s in the 1990’s", text), text  # not a prime: 1990′s
    assert "x = 'a' + \"b\" as code" in text


QUOTED_HOSTILE = ['"); #set page(width: 1cm); #("', '\\"#panic()\\"', "'#{1+1}'", "\"*bold* _x_ $y$\"", "\"'\"'"]


@pytest.mark.parametrize("hostile", QUOTED_HOSTILE)
def test_quotes_in_user_text_cannot_make_markup(hostile, tmp_path):
    """A quote in any field ends no string literal (the Typst writer escapes it) and the show rule
    that makes it typographic reads no text as markup: the text prints as written, quotes aside."""
    markdown = hostile if "*" not in hostile else "plain"  # Markdown fields format *bold*, as they should
    data = render_pdf(hostile_site(hostile, markdown), REPO)
    text = squash(pdf_text(data, tmp_path).translate(STRAIGHT_QUOTES))
    for word in ["Name", "Inst", "Org", "Title", "Venue", "Award"]:
        assert squash(f"{word} {hostile}") in text, word
    for word in ["Intro", "HL", "Body", "Ann"]:
        assert squash(f"{word} {markdown}") in text, word
    assert re.search(r"^Page size:.*\(A4\)", pdfinfo(data, tmp_path), re.M)


# --- lines ---------------------------------------------------------------------------------------


def test_no_justified_line_of_the_example_is_loose(example, tmp_path):
    """Hyphenation and a little tracking keep the word spaces of every justified line (one that
    reaches the right margin) near the usual space, the median of all lines': none has its spaces
    on average 40% wider (five had, before them). A date column's wide gap is not a space."""
    _, data = example
    lines = [words for _, words in pdf_lines(data, tmp_path) if len(words) >= 5]
    right = max(words[-1][1] for words in lines)
    gaps = []
    for words in lines:
        between = [b[0] - a[1] for a, b in zip(words, words[1:]) if b[0] - a[1] < 20]
        if between:
            gaps.append((statistics.mean(between), words[-1][1] > right - 3, " ".join(w for _, _, w in words)))
    usual = statistics.median(gap for gap, _, _ in gaps)
    justified = [(gap, line) for gap, flush, line in gaps if flush]  # punctuation hangs out by 2pt
    assert len(justified) > 15 and [line for gap, line in justified if gap > 1.4 * usual] == []


def test_ranges_of_numbers_numbers_with_units_and_names_stay_on_one_line(example, tmp_path):
    """Each of these was broken across two lines, or could be (pdf/ties.py)."""
    _, data = example
    lines = [" ".join(w for _, _, w in words) for _, words in pdf_lines(data, tmp_path)]
    for tied in ["pp. 13796–13806", "pp. 11020–11029", "pp. 5147–5156", "250 FPS", "640 × 640", "1.2 mAP",
                 "Xiaolin Hu"]:
        assert any(tied in line for line in lines), tied


# --- pages ---------------------------------------------------------------------------------------


def pages(data: bytes, tmp_path: Path) -> list[str]:
    return pdf_text(data, tmp_path).split("\f")


def bullets(name: str, count: int) -> list[str]:
    return [f"{name} {i}: an achievement described at the length of a line or so, as CVs do." for i in range(count)]


def test_an_entry_is_kept_on_one_page_unless_it_is_longer_than_one(tmp_path):
    entries = [
        {"organization": "Filler", "highlights": bullets("Filler", 44)},
        {"organization": "Kept", "highlights": bullets("Kept", 12)},  # does not fit below Filler
        {"organization": "Long", "highlights": bullets("Long", 90)},  # longer than a page: breaks
        {"organization": "Projects", "projects": [
            {"title": f"Project {p}", "highlights": bullets(f"P{p}", 12)} for p in range(6)]},
    ]
    site = make_site({"person": {"name": "Ada", "email": "x@example.org"},
                      "sections": [{"title": "Experience", "kind": "experience", "entries": entries}]})
    texts = [squash(page) for page in pages(render_pdf(site, REPO), tmp_path)]

    def page(text: str) -> list[int]:
        return [i for i, t in enumerate(texts) if squash(text) in t]

    assert page("Kept 0:") == page("Kept 11:") != page("Filler 43:")
    long = [page(f"Long {i}:") for i in range(90)]
    assert all(len(p) == 1 for p in long) and long[0] != long[-1]  # every bullet, on several pages
    assert page("Projects")[0] < page("P5 11:")[0]  # the entry of projects breaks (longer than a page)...
    for p in range(6):  # ...between its projects, each kept whole
        assert page(f"Project {p}") == page(f"P{p} 0:") == page(f"P{p} 11:")


# --- papers --------------------------------------------------------------------------------------


def test_every_papers_links_are_on_a_line_of_their_own_in_one_place(example, tmp_path):
    site, data = example
    papers = site_view(site).papers.values()
    labels = {link.label for paper in papers for link in paper.links}
    link_lines = [words for _, words in pdf_lines(data, tmp_path)
                  if words and {w for _, _, w in words} <= labels | {"·"}]
    assert len(link_lines) == sum(1 for paper in papers if paper.links)
    assert len({round(words[0][0]) for words in link_lines}) == 1  # the same left edge for every paper

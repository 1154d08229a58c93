"""The PDF's typesetting, checked on the PDF itself (poppler's pdftotext): a text section printed as
its paragraphs."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from conftest import small_site
from cv_site.pdf.document import render_pdf
from test_pdf import pdf_text

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")

REPO = Path(__file__).resolve().parent.parent


# --- sections ------------------------------------------------------------------------------------


def test_a_text_section_prints_its_paragraphs(tmp_path):
    """The body of a text section is Typst content, not text: no bracket or `par(` printed."""
    text = pdf_text(render_pdf(small_site(), REPO), tmp_path)
    body = text[text.index("Research statement"):text.index("Papers")]
    assert body.split() == ["Research", "statement", "Poetical", "science.", "Second", "paragraph."]

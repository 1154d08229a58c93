"""The site and the PDF say the same about every paper. Both are built from the example data; for
each paper its entry on the publications page and its entry in the PDF's text are compared: the
title, every author's name in order, and the year.

(Issue 14 makes the venue line and the status label one view for both outputs; they join this
test then. Today the PDF's right column shows "Submitted to ECCV 2024" where the site's badge says
"Under review".)"""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cv_site.build import BuildOptions, build
from cv_site.text.richtext import plain

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")


def squash(text: str) -> str:
    """Text regardless of line breaks, hyphenation, spacing and the marks after names."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011*†]+", "", text)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    folder = tmp_path_factory.mktemp("agreement")
    shutil.copytree(ROOT / "data", folder / "data")
    result = build(BuildOptions(folder, folder / "_site"))
    listing = (folder / "_site" / "publications" / "index.html").read_text(encoding="utf-8")
    items = [html.unescape(re.sub(r"<[^>]+>", " ", item)) for item in listing.split('<li class="paper"')[1:]]
    pdf = subprocess.run(["pdftotext", "-enc", "UTF-8", str(folder / "_site" / "cv.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    return result.site, items, pdf


def pdf_entries(site, pdf: str) -> dict[str, str]:
    """Each paper's stretch of the PDF's text: from its title to the next paper's title."""
    text = squash(pdf)
    starts = sorted((text.index(squash(plain(p.title))), p.key) for p in site.publications)
    return {key: text[start:(starts[i + 1][0] if i + 1 < len(starts) else len(text))]
            for i, (start, key) in enumerate(starts)}


def test_every_paper_reads_the_same_on_the_site_and_in_the_pdf(built) -> None:
    site, items, pdf = built
    in_pdf = pdf_entries(site, pdf)
    assert len(items) == len(site.publications) == len(in_pdf) == 12
    for publication in site.publications:
        title = squash(plain(publication.title))
        [item] = [squash(i) for i in items if title in squash(i)]
        entry = in_pdf[publication.key]
        names = [squash(person.display) for person in publication.people]
        for text, where in ((item, "site"), (entry, "PDF")):
            assert text.startswith(title) or title in text, (publication.key, where)
            positions = [text.find(name) for name in names]
            assert -1 not in positions and positions == sorted(positions), (publication.key, where, names)
            if publication.year:
                assert str(publication.year) in text, (publication.key, where)

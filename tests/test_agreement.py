"""The site and the PDF say the same about every paper. Built from the example data and from a
generated site (60 papers of every kind: unpublished, with awards, editors, italic titles...); for
each paper its entry on the publications page and its entry in the PDF's text are compared: the
title, every author's name in order, the venue line, the date, the status and the award."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import pytest

from cv_site.build import BuildOptions, build
from cv_site.text.richtext import plain
from cv_site.views.site import site_view

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate_bib import generate  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")


def squash(text: str) -> str:
    """Text regardless of line breaks, hyphenation, spacing, ligatures (ﬃ) and the marks after names."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011*†]+", "", unicodedata.normalize("NFKC", text))


def built_site(folder: Path, papers: int | None):
    shutil.copytree(ROOT / "data", folder / "data")
    if papers:
        (folder / "data" / "publications.bib").write_text(generate(papers), encoding="utf-8")
    result = build(BuildOptions(folder, folder / "_site"))
    listing = (folder / "_site" / "publications" / "index.html").read_text(encoding="utf-8")
    items = [squash(html.unescape(re.sub(r"<[^>]+>", " ", item.split(">", 1)[1])))
             for item in listing.split('<li class="paper"')[1:]]
    pdf = subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(folder / "_site" / "cv.pdf"), "-"],
                         capture_output=True, text=True, check=True).stdout
    return site_view(result.site), items, squash(pdf)


@pytest.fixture(scope="module", params=[None, 60], ids=["example", "generated"])
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    return built_site(tmp_path_factory.mktemp("agreement"), request.param)


def pdf_entries(view, text: str) -> dict[str, str]:
    """Each paper's stretch of the PDF's text: from its title to the next paper's title."""
    starts = sorted((text.index(squash(plain(paper.title))), key) for key, paper in view.papers.items())
    return {key: text[start:(starts[i + 1][0] if i + 1 < len(starts) else len(text))]
            for i, (start, key) in enumerate(starts)}


def shown(paper) -> list[tuple[str, str]]:
    """What a reader must see of a paper, in order: (what, squashed text)."""
    parts = [("title", plain(paper.title))]
    parts += [("author", author.name) for author in paper.authors]
    parts += [("venue", plain(paper.venue_line)), ("date", paper.date), ("status", paper.status),
              ("award", paper.award)]
    return [(what, squash(text)) for what, text in parts if text]


def test_every_paper_reads_the_same_on_the_site_and_in_the_pdf(built) -> None:
    view, items, pdf = built
    in_pdf = pdf_entries(view, pdf)
    assert len(items) == len(view.papers) == len(in_pdf)
    for key, paper in view.papers.items():
        title = squash(plain(paper.title))
        [item] = [i for i in items if i.startswith(squash(paper.badge) + title) or i.startswith(title)]
        for text, where in ((item, "site"), (in_pdf[key], "PDF")):
            position = 0
            for what, expected in shown(paper):
                found = text.find(expected, position)
                assert found >= 0, (key, where, what, expected, text[:300])
                position = found + len(expected)


def test_the_generated_site_has_every_kind_of_paper(built) -> None:
    view, _, _ = built
    papers = view.papers.values()
    assert any(p.status for p in papers) and any(not p.status for p in papers)
    if len(view.papers) > 20:
        assert any(p.award for p in papers) and any(p.marks for p in papers)

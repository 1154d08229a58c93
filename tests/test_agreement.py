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
from conftest import STRAIGHT_QUOTES  # noqa: E402

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")


def squash(text: str) -> str:
    """Text regardless of line breaks, hyphenation, spacing, ligatures (ﬃ), the marks after names
    and the kind of quotes: the PDF's are typographic, the site's as in the data (conftest)."""
    text = unicodedata.normalize("NFKC", text).translate(STRAIGHT_QUOTES)
    return re.sub(r"[\s\-\u00ad\u2010\u2011*†]+", "", text)


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


# Talks and teaching, appended to the example's sections: three talks written oldest first (one
# undated), two courses (one with a term in words instead of dates).
TALKS_AND_TEACHING = """
  - title: Talks
    kind: talks
    entries:
      - title: An older *talk*
        kind: contributed
        event: Workshop on Engines
        location: London
        date: "2021.3"
        links:
          slides: https://example.org/older.pdf
          video: https://example.org/older-video
      - title: A talk with no date
        kind: panel
      - title: The newest talk
        kind: keynote
        event: Conference on Examples
        date: 2024-05-02
        abstract: What it said.
  - title: Projects
    kind: projects
    entries:
      - title: A *diffusion* toolkit
        summary: Code for the noise schedules.
        date: 2023 - 2024
        role: Lead
        links:
          code: https://example.org/toolkit
          paper: guo_noise_schedule
  - title: More teaching
    kind: teaching
    entries:
      - course: Analytical Engines
        code: ENG 101
        role: Tutor
        institution: Example College
        term: Michaelmas 1844
      - course: Numbers
        date: 2020 - 2021
"""


def test_talks_and_teaching_read_the_same_on_the_site_and_in_the_pdf(tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    with (tmp_path / "data" / "cv.yml").open("a", encoding="utf-8") as cv:
        cv.write(TALKS_AND_TEACHING)
    result = build(BuildOptions(tmp_path, tmp_path / "_site"))
    page = (tmp_path / "_site" / "cv" / "index.html").read_text(encoding="utf-8")
    site_text = squash(html.unescape(re.sub(r"<[^>]+>", " ", page)))
    pdf = squash(subprocess.run(["pdftotext", "-raw", "-enc", "UTF-8", str(tmp_path / "_site" / "cv.pdf"), "-"],
                                capture_output=True, text=True, check=True).stdout)
    view = site_view(result.site)
    sections = {section.id: section for section in view.cv_sections()}
    talks = sections["talks"].talks
    assert [talk.title for talk in talks] == ["The newest talk", "An older *talk*", "A talk with no date"]
    assert [talk.about for talk in talks] == ["Keynote · Conference on Examples",
                                              "Contributed talk · Workshop on Engines · London", "Panel"]
    assert [link.label for link in talks[1].links] == ["Slides", "Video"]
    expected = []
    for talk in talks:
        date = view.date(talk.date)
        expected += [talk.title, date.text if date else "", talk.about, *(link.label for link in talk.links)]
    for project in sections["projects"].projects:
        expected += [project.title, view.date(project.date).text, project.role, project.summary,
                     plain(project.paper.title), *(link.label for link in project.links)]
    for course in sections["more-teaching"].data.entries:
        expected += [course.course, course.code or "", view.date(course.when).text, course.role or "",
                     course.institution or ""]
    for text, where in ((site_text, "site"), (pdf, "PDF")):
        position = 0
        for part in filter(None, map(squash, expected)):
            found = text.find(part, position)
            assert found >= 0, (where, part, text[position:position + 300])
            position = found + len(part)

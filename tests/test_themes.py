"""The PDF themes: classic, modern and compact each render every section kind of the example and
of `cv-site new`'s starter, tagged and the same bytes twice, with the same words as classic (no
fact dropped or invented), section and paper titles in reading order and each date read with its
entry; a golden of each new theme's Typst; a site's own theme files shadow the built-in theme's
file by file; a Typst error in a theme's block is named at its line. Needs poppler-utils
(pdftotext, pdfinfo)."""

from __future__ import annotations

import re
import shutil
import statistics
import subprocess
from collections import Counter
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from conftest import ROOT, run_sitecheck, small_site
from cv_site.load.site import load_site
from cv_site.model import SiteModel
from cv_site.pdf.document import PdfRenderer, page_count
from cv_site.scaffold import scaffold
from cv_site.schema import SECTION_KINDS
from cv_site.text.markdown import plain as plain_markdown
from cv_site.text.richtext import plain
from cv_site.theme import pdf_themes
from cv_site.views.site import site_view

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")

THEMES = ["classic", "compact", "modern"]
NEW_THEMES = ["compact", "modern"]  # classic's goldens are test_pdf.py's
GOLDEN = ROOT / "tests" / "golden"
EPOCH = "1712000000"  # goldens are made with a fixed document date


# --- the two sites, and their PDFs in each theme -------------------------------------------------


@cache
def starter_folder() -> Path:
    """`cv-site new`'s starter, with the news in the PDF (its one kind not in the CV by default)."""
    import atexit
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="cv-site-themes-")) / "site"
    atexit.register(shutil.rmtree, folder.parent, ignore_errors=True)
    scaffold(folder)
    settings = folder / "data" / "site.yml"
    text = settings.read_text(encoding="utf-8")
    assert re.search(r"^pdf:\n", text, re.M), "the starter's site.yml has no pdf: block"
    settings.write_text(re.sub(r"^pdf:\n", "pdf:\n  include_news: true\n  theme: classic\n", text, flags=re.M),
                        encoding="utf-8")
    return folder


def site_in_theme(which: str, theme: str) -> tuple[SiteModel, Path]:
    """The example (its theme set on the loaded model) or the starter (its site.yml's pdf.theme)."""
    if which == "example":
        site = load_site(ROOT)
        return replace(site, settings=site.settings.replace(pdf=site.settings.pdf.replace(theme=theme))), ROOT
    folder = starter_folder()
    settings = folder / "data" / "site.yml"
    settings.write_text(re.sub(r"(?m)^  theme: \w+$", f"  theme: {theme}", settings.read_text(encoding="utf-8")),
                        encoding="utf-8")
    site = load_site(folder)
    assert site.settings.pdf.theme == theme
    return site, folder


@cache
def rendered(which: str, theme: str) -> tuple[SiteModel, bytes, str]:
    """(the site, its PDF, the PDF's text by pdftotext) in a theme."""
    site, source = site_in_theme(which, theme)
    data = PdfRenderer(source).render(site_view(site))
    return site, data, pdf_text(data)


def pdf_text(data: bytes, *options: str) -> str:
    return subprocess.run(["pdftotext", "-enc", "UTF-8", *options, "-", "-"], input=data, capture_output=True,
                          check=True).stdout.decode("utf-8")


def squash(text: str) -> str:
    """Text compared regardless of case, line breaks, hyphens and spaces (a theme may set headings
    in capitals; pdftotext joins a word hyphenated at a line's end)."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", text).casefold()


def in_reading_order(text: str, expected: list[str]) -> list[str]:
    """The strings of `expected` not found in `text` after the one before them."""
    text, position, missing = squash(text), 0, []
    for value in expected:
        found = text.find(squash(value), position)
        if found < 0:
            missing.append(value)
        else:
            position = found + len(squash(value))
    return missing


def titles(site: SiteModel) -> list[str]:
    """Every section title and, in a publications section, every paper title, in the PDF's order."""
    expected = []
    for section in site_view(site).pdf_sections():
        expected.append(section.title)
        expected += [plain(paper.title) for group in section.groups for paper in group.papers]
    return expected


def words(site: SiteModel, data: bytes, text: str) -> Counter:
    """The PDF's words but the footer's (the name and "n/N" on every page, and the pages differ),
    without the separators the themes draw between links."""
    text = re.sub(r"[\-\u2010\u2011\u00ad]\n", "", text).casefold()
    counted = Counter(re.sub(r"[\-\u2010\u2011\u00ad]", "", word) for word in text.split()
                      if word not in {"·", "|"} and not re.fullmatch(r"\d+/\d+", word))
    for word in site.person.name.casefold().split():
        counted[word] -= page_count(data)
    return counted


# --- every theme, both sites ---------------------------------------------------------------------


def test_the_built_in_themes_are_listed() -> None:
    assert pdf_themes(ROOT) == THEMES


@pytest.mark.parametrize("which", ["example", "starter"])
@pytest.mark.parametrize("theme", THEMES)
def test_every_section_and_paper_title_in_reading_order_tagged_and_deterministic(theme: str, which: str) -> None:
    site, data, text = rendered(which, theme)
    assert in_reading_order(text, [site.person.name, *titles(site)]) == []
    info = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert re.search(r"^Tagged:\s+yes", info, re.M)
    source = ROOT if which == "example" else starter_folder()
    assert PdfRenderer(source).render(site_view(site)) == data


@pytest.mark.parametrize("theme", THEMES)
def test_the_starter_has_every_section_kind(theme: str) -> None:
    site, _, _ = rendered("starter", theme)
    assert sorted(section.kind for section in site_view(site).pdf_sections()) == sorted([*SECTION_KINDS, "news"])


@pytest.mark.parametrize("which", ["example", "starter"])
@pytest.mark.parametrize("theme", NEW_THEMES)
def test_a_theme_prints_the_same_words_as_classic(theme: str, which: str) -> None:
    """Nothing dropped, nothing invented: the same words, as many times, whatever the layout."""
    assert words(*rendered(which, theme)) == words(*rendered(which, "classic"))


def dated_entries(site: SiteModel) -> list[tuple[str, str]]:
    """(first words, date) of each dated entry and row of the example, in order."""
    view, found = site_view(site), []
    for section in view.pdf_sections():
        entries = list(getattr(section.data, "entries", [])) if section.kind != "news" else []
        if section.kind == "nested_list":
            entries = [item for group in entries for item in group.items]
        for entry in entries:
            name = next((getattr(entry, key) for key in ("institution", "organization", "course", "title", "text")
                         if getattr(entry, key, None)), None)
            label = view.date(getattr(entry, "when", None) or getattr(entry, "date", None))
            if name and label:
                found.append((" ".join(plain_markdown(name).split()[:4]), label.text))
    return found


@pytest.mark.parametrize("theme", NEW_THEMES)
def test_each_date_is_read_with_its_entry(theme: str) -> None:
    """Text extraction (as an applicant-tracking system reads a PDF) gives each entry's date
    between the entry before it and the one after it: not in a column of dates of its own. Classic
    sets dates at the right edge, which pdftotext reads as such a column in a run of rows."""
    site, _, text = rendered("example", theme)
    entries = dated_entries(site)
    assert len(entries) > 20
    text = squash(text)
    starts, position = [], 0
    for name, _ in entries:
        start = text.find(squash(name), position)
        assert start >= 0, name
        starts.append(start)
        position = start + len(squash(name))
    ends = [start + len(squash(name)) for start, (name, _) in zip(starts, entries)]
    for i, (name, date) in enumerate(entries):
        between = text[ends[i - 1] if i else 0 : starts[i + 1] if i + 1 < len(starts) else len(text)]
        assert squash(date) in between, (name, date)


@pytest.mark.parametrize("which", ["example", "starter"])
@pytest.mark.parametrize("theme", NEW_THEMES)
def test_golden_typst_source(theme: str, which: str, update_golden: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """The theme's Typst for the site, whole (pytest --update-golden rewrites it after a change
    meant to be seen)."""
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    site, source = site_in_theme(which, theme)
    code, _ = PdfRenderer(source).typst_source(site_view(site))
    golden = GOLDEN / (f"cv-{theme}.typ" if which == "example" else f"cv-{theme}-starter.typ")
    if update_golden:
        golden.write_text(code, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run pytest --update-golden"
    assert code == golden.read_text(encoding="utf-8"), f"the Typst differs from {golden} (pytest --update-golden)"


@pytest.mark.parametrize("theme", NEW_THEMES)
def test_the_example_passes_check_pdf(theme: str, tmp_path: Path) -> None:
    path = tmp_path / f"cv-{theme}.pdf"
    path.write_bytes(rendered("example", theme)[1])
    run_sitecheck("check-pdf", path, tmp_path / "out")


@pytest.mark.parametrize("theme", NEW_THEMES)
def test_pdfa_and_us_letter(theme: str, tmp_path: Path) -> None:
    site, source = site_in_theme("example", theme)
    pdf = site.settings.pdf.replace(pdfa=True, paper="us-letter")
    data = PdfRenderer(source).render(site_view(replace(site, settings=site.settings.replace(pdf=pdf))))
    info = subprocess.run(["pdfinfo", "-meta", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert "pdfaid:part" in info
    size = subprocess.run(["pdfinfo", "-"], input=data, capture_output=True, check=True).stdout.decode()
    assert "612 x 792" in size


@pytest.mark.parametrize("hostile", ["#set page(width: 1cm)", "[#panic()]", '"quoted" $x$', "// comment"])
@pytest.mark.parametrize("theme", NEW_THEMES)
def test_hostile_text_prints_as_written(theme: str, hostile: str) -> None:
    """User text is only ever Typst string literals in every theme (test_pdf.py tries more)."""
    from test_pdf import hostile_site

    site = hostile_site(hostile, hostile)
    site = replace(site, settings=site.settings.replace(pdf=site.settings.pdf.replace(theme=theme)))
    text = squash(pdf_text(PdfRenderer(ROOT).render(site_view(site))).translate(STRAIGHT))
    for word in ("Name", "Pos", "Aff", "Inst", "Org", "Award", "Title", "Venue", "News", "Val", "Body"):
        assert squash(f"{word} {hostile}") in text, word


@pytest.mark.parametrize("theme", NEW_THEMES)
def test_no_justified_line_is_loose_and_entries_are_kept_whole(theme: str, tmp_path: Path) -> None:
    """The frame's hyphenation and tracking, and its measured keeping of entries (its text width is
    the theme's), as test_pdf_typography.py checks them in classic."""
    from test_pdf import make_site
    from test_pdf_typography import bullets, pdf_lines

    lines = [words for _, words in pdf_lines(rendered("example", theme)[1], tmp_path) if len(words) >= 5]
    right = max(words[-1][1] for words in lines)
    gaps = [(statistics.mean(b[0] - a[1] for a, b in zip(words, words[1:])), words[-1][1] > right - 3)
            for words in lines]
    usual = statistics.median(gap for gap, _ in gaps)
    justified = [gap for gap, flush in gaps if flush]
    assert len(justified) > 10 and max(justified) < 1.4 * usual

    entries = [{"organization": "Filler", "highlights": bullets("Filler", 50)},
               {"organization": "Kept", "highlights": bullets("Kept", 30)},  # does not fit below Filler
               {"organization": "Long", "highlights": bullets("Long", 110)}]
    site = make_site({"person": {"name": "Ada"}, "sections": [{"title": "Work", "kind": "experience", "entries": entries}]},
                     settings={"pdf": {"theme": theme}})
    pages = [squash(page) for page in pdf_text(PdfRenderer(ROOT).render(site_view(site))).split("\f")]

    def page(text: str) -> list[int]:
        return [i for i, words in enumerate(pages) if squash(text) in words]

    assert page("Kept 0:") == page("Kept 29:") != page("Filler 0:") and page("Long 0:") != page("Long 109:")


# --- citation styles -----------------------------------------------------------------------------


@pytest.mark.parametrize("theme", NEW_THEMES)
def test_a_citation_style_prints_each_reference_with_its_number_badge_and_links(theme: str, tmp_path: Path) -> None:
    shutil.copytree(ROOT / "data", tmp_path / "data")
    with open(tmp_path / "data" / "site.yml", "a", encoding="utf-8") as settings:
        settings.write("\ncitation_style: ieee\n")
    site = load_site(tmp_path)
    site = replace(site, settings=site.settings.replace(pdf=site.settings.pdf.replace(theme=theme)))
    view = site_view(site)
    text = pdf_text(PdfRenderer(tmp_path).render(view))
    papers = [(group.start + i, paper) for section in view.pdf_sections() for group in section.groups
              for i, paper in enumerate(group.papers)]
    assert len(papers) == 12 and all(paper.reference for _, paper in papers)
    expected = []
    for number, paper in papers:
        expected += [f"{number}.", paper.badge, plain(paper.reference).translate(STRAIGHT), *(l.label for l in paper.links)]
    assert in_reading_order(text.translate(STRAIGHT), [e for e in expected if e]) == []


STRAIGHT = str.maketrans({"“": '"', "”": '"', "‘": "'", "’": "'"})


# --- a site's own theme files --------------------------------------------------------------------


def test_a_site_s_theme_files_shadow_the_built_in_ones_file_by_file(tmp_path: Path) -> None:
    own = tmp_path / "templates" / "themes"
    (own / "modern" / "sections").mkdir(parents=True)
    (own / "modern" / "cv.typ.j2").write_text(
        '{% extends "theme/themes/modern/cv.typ.j2" %}\n{% block header %}#text("Own header"){% endblock %}\n')
    (own / "modern" / "sections" / "awards.typ.j2").write_text('#text("Own awards")\n')
    (own / "mine").mkdir()
    (own / "mine" / "cv.typ.j2").write_text('{% extends "frame.typ.j2" %}\n'
                                           '{% block style %}#let accent = red\n#let muted = gray\n'
                                           '#let margin = (left: 2cm, right: 2cm, top: 2cm, bottom: 2cm)\n'
                                           '#let space = (entry: 1em, head: 0.5em, line: 0.4em, bullets: 0.5em, row: 0.5em, intro: 1em)\n'
                                           '{% endblock %}\n{% block layout %}#let dated(body, date) = [#body #date]\n'
                                           '#let paper(number, badge, lines, links: ()) = [#number #lines.join()]\n{% endblock %}\n')
    assert pdf_themes(tmp_path) == ["classic", "compact", "mine", "modern"]
    site = small_site()
    for theme in ("modern", "compact", "mine"):
        themed = replace(site, settings=site.settings.replace(pdf=site.settings.pdf.replace(theme=theme)))
        code, _ = PdfRenderer(tmp_path).typst_source(site_view(themed))
        assert ('"Own header"' in code and '"Own awards"' in code) == (theme == "modern")
        assert ("#let aside" in code) == (theme == "modern")  # the built-in modern's style block
        assert "#paper(" in code  # every theme, a site's own too, lists papers with classic's partial
        assert "#entry(" in code  # and the kinds no theme restyles with classic's partials
        text = pdf_text(PdfRenderer(tmp_path).render(site_view(themed)))
        assert ("Own header" in text) == (theme == "modern")


@pytest.mark.parametrize("block", ["style", "layout", "header"])
@pytest.mark.parametrize("theme", THEMES)
def test_a_typst_error_in_a_theme_s_block_names_its_line(theme: str, block: str, tmp_path: Path) -> None:
    """A Typst error on the first line of a theme's block is located at that line of the theme's
    file: the blocks open without stripping the newline that follows them (`-%}`), which would put
    every error in the block's first lines one line above."""
    from cv_site.errors import UserError

    name = "cv.typ.j2" if theme == "classic" else f"themes/{theme}/cv.typ.j2"
    lines = (ROOT / "templates" / name).read_text(encoding="utf-8").splitlines()
    opening = next(i for i, line in enumerate(lines) if line.startswith("{% block " + block + " "))
    lines.insert(opening + 1, "#bogus(")
    (tmp_path / "templates" / name).parent.mkdir(parents=True)
    (tmp_path / "templates" / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    site = small_site()
    site = replace(site, settings=site.settings.replace(pdf=site.settings.pdf.replace(theme=theme)))
    with pytest.raises(UserError) as caught:
        PdfRenderer(tmp_path).render(site_view(site))
    problem = caught.value.problems[0]
    assert problem.file.endswith(name) and problem.line == opening + 2, (problem.file, problem.line)

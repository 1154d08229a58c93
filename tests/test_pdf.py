"""The PDF CV: content from the model, safety against Typst markup in the data, reproducibility,
metadata, fonts, and the error messages. Needs poppler-utils (pdftotext, pdfinfo, pdffonts)."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest

from cv_site.views.site import site_view
from cv_site.pdf import document as pdf_module
from cv_site.errors import UserError
from cv_site.links import make_link
from cv_site.model import Author, Publication, SiteModel, SourceRef
from cv_site.schema import CvFile, NewsFile, Settings
from cv_site.pdf.document import render_pdf
from conftest import STRAIGHT_QUOTES, run_sitecheck

pytestmark = pytest.mark.skipif(shutil.which("pdftotext") is None, reason="pdftotext (poppler-utils) is not installed")

REPO = Path(__file__).resolve().parent.parent


# --- helpers -------------------------------------------------------------------------------------


def run(*args: str) -> str:
    return subprocess.run(args, check=True, capture_output=True, text=True).stdout


def pdf_text(data: bytes, tmp_path: Path, name: str = "cv.pdf") -> str:
    path = tmp_path / name
    path.write_bytes(data)
    return run("pdftotext", "-enc", "UTF-8", str(path), "-")


def squash(text: str) -> str:
    """Compare text regardless of line breaks, hyphenation and spacing."""
    return re.sub(r"[\s\-\u00ad\u2010\u2011]+", "", text)


def pdfinfo(data: bytes, tmp_path: Path, *options: str) -> str:
    path = tmp_path / "info.pdf"
    path.write_bytes(data)
    return run("pdfinfo", *options, str(path))


def publication(key: str, title: str, authors: list[tuple[str, str, bool]], *, year: int | None = 2023,
                venue: str = "Conference", status: str = "published", **extra) -> Publication:
    return Publication(
        key=key, entry_type="inproceedings" if status == "published" else "unpublished", title=title,
        authors=tuple(Author(first=f, last=l, is_owner=o, equal_contribution=extra.pop(f"eq_{l}", False))
                      for f, l, o in authors),
        year=year, month=None, day=None, venue=venue, venue_kind="conference", status=status,  # type: ignore[arg-type]
        fields=extra.pop("fields", {}), links=tuple(extra.pop("links", ())), bibtex="",
        source=SourceRef("data/test.bib", 1), **extra,
    )


def make_site(cv: dict, publications: list[Publication] = (), settings: dict | None = None,
              news: list[dict] | None = None) -> SiteModel:
    model = CvFile.from_data(cv)
    return SiteModel(
        settings=Settings.from_data(settings or {}),
        person=model.person,
        sections=list(model.sections),
        news=list(NewsFile.from_data({"news": news or []}).news),
        publications=list(publications),
    )


@pytest.fixture
def small_site() -> SiteModel:
    cv = {
        "person": {"name": "Ada Lovelace", "email": "ada@example.org", "position": "Analyst",
                   "affiliation": "Analytical Society", "links": {"github": "ada"}},
        "sections": [
            {"title": "Education", "kind": "education", "entries": [
                {"institution": "University of London", "location": "London", "date": "1840 - 1842",
                 "degree": "Mathematics", "details": "with **Augustus De Morgan**"}]},
            {"title": "Awards", "id": "awards", "kind": "awards", "entries": [
                {"title": "Royal Medal", "note": "for notes", "date": 1843}]},
            {"title": "Papers", "id": "papers", "kind": "publications"},
        ],
    }
    papers = [publication("notes", "Notes on the Analytical Engine",
                          [("Ada", "Lovelace", True), ("Luigi", "Menabrea", False)], year=1843,
                          venue="Scientific Memoirs", abbr="SM",
                          links=[make_link("doi", "10.1000/xyz")])]
    return make_site(cv, papers)


# --- the example data ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def example():
    from cv_site.load.site import load_site

    site = load_site(REPO)
    data = render_pdf(site, REPO)
    return site, data


def test_example_is_2_to_4_pages_tagged_with_metadata(example, tmp_path):
    site, data = example
    info = pdfinfo(data, tmp_path)
    pages = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    assert 2 <= pages <= 4
    assert re.search(r"^Tagged:\s+yes", info, re.M)
    assert re.search(rf"^Title:\s+.*{site.person.name}", info, re.M)
    assert re.search(rf"^Author:\s+{site.person.name}$", info, re.M)
    assert re.search(r"^Keywords:\s+\S", info, re.M)
    assert re.search(r"^Page size:.*\(A4\)", info, re.M)


def test_example_fonts_are_all_embedded(example, tmp_path):
    _, data = example
    path = tmp_path / "fonts.pdf"
    path.write_bytes(data)
    rows = run("pdffonts", str(path)).splitlines()[2:]
    assert rows
    for row in rows:
        columns = row.split()
        assert columns[-5] == "yes", row  # emb


def test_example_has_every_title_award_and_position_from_the_model(example, tmp_path):
    site, data = example
    text = squash(pdf_text(data, tmp_path))
    expected: list[str] = [site.person.name]
    for section in site.sections:
        expected.append(section.title)
        if section.kind == "publications":
            for paper in site.section_publications(section):
                expected.append(paper.title)
                expected += [a.display for a in paper.authors]
        for entry in getattr(section, "entries", []):
            for name in ("institution", "degree", "organization", "role", "title", "note", "text"):
                value = getattr(entry, name, None)
                if isinstance(value, str):
                    expected.append(value)
            for project in getattr(entry, "projects", []):
                expected += [project.title, project.role or ""]
            for item in getattr(entry, "items", []):
                expected.append(item.text)
    missing = [value for value in expected if value and squash(value) not in text]
    assert not missing


def test_example_sections_in_data_order(example, tmp_path):
    site, data = example
    text = pdf_text(data, tmp_path)
    positions = [text.find(section.title) for section in site.sections]
    assert -1 not in positions and positions == sorted(positions)


def test_example_links_are_clickable(example, tmp_path):
    site, data = example
    urls = pdfinfo(data, tmp_path, "-url")
    assert f"mailto:{site.person.email}" in urls
    for paper in site.publications:
        for link in paper.links:
            assert link.href in urls


def test_example_unpublished_work_is_marked(example, tmp_path):
    site, data = example
    text = pdf_text(data, tmp_path)
    assert "Submitted to ECCV 2024" in text
    assert "equal contribution" in text


def test_example_passes_check_pdf(example, tmp_path):
    _, data = example
    path = tmp_path / "cv.pdf"
    path.write_bytes(data)
    run_sitecheck("check-pdf", path, tmp_path / "out")


def test_two_builds_are_byte_identical(example, monkeypatch):
    site, data = example
    assert render_pdf(site, REPO) == data
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1712000000")
    first = render_pdf(site, REPO)
    assert render_pdf(site, REPO) == first != data


# --- hostile text --------------------------------------------------------------------------------

TYPST_HOSTILE = ["#set page(width: 1cm)", "$x$", "@ref", "<label>", '"quoted"', "// comment",
                 "http://x.example", "#{1+1}", "[#panic()]", "= heading"]
PLAIN_HOSTILE = TYPST_HOSTILE + ["*bold*", "_under_", "\\", "back\\slash", "`tick`", "#let x = 1", "/* c */"]


def hostile_site(plain: str, markdown: str) -> SiteModel:
    cv = {
        "person": {"name": f"Name {plain}", "position": f"Pos {plain}", "affiliation": f"Aff {plain}",
                   "email": "x@example.org"},
        "sections": [
            {"title": f"Edu {plain}", "id": "edu", "kind": "education", "intro": f"Intro {markdown}", "entries": [
                {"institution": f"Inst {plain}", "location": f"Loc {plain}", "date": 2020,
                 "degree": f"Deg {plain}", "details": f"Det {markdown}", "highlights": [f"HL {markdown}"]}]},
            {"title": f"Exp {plain}", "id": "exp", "kind": "experience", "entries": [
                {"organization": f"Org {plain}", "location": f"Where {plain}", "role": f"Role {plain}",
                 "summary": [f"Sum {markdown}"], "highlights": [f"EH {markdown}"],
                 "projects": [{"title": f"Proj {markdown}", "role": f"PR {plain}", "highlights": [f"PH {markdown}"]}]}]},
            {"title": f"Aw {plain}", "id": "aw", "kind": "awards", "entries": [
                {"title": f"Award {markdown}", "note": f"Note {markdown}", "date": 2021}]},
            {"title": f"Li {plain}", "id": "li", "kind": "list", "entries": [{"text": f"Item {markdown}"}]},
            {"title": f"NL {plain}", "id": "nl", "kind": "nested_list", "entries": [
                {"title": f"Group {plain}", "items": [{"text": f"Sub {markdown}", "date": 2022}]}]},
            {"title": f"Map {plain}", "id": "map", "kind": "map", "entries": [
                {"name": f"Key {plain}", "value": f"Val {markdown}"}]},
            {"title": f"Txt {plain}", "id": "txt", "kind": "text", "body": f"Body {markdown}\n\n- bullet {markdown}"},
            {"title": f"Pub {plain}", "id": "pub", "kind": "publications"},
        ],
    }
    papers = [
        publication("a", f"Title {plain}", [("First", f"Last {plain}", True), ("Other", "Person", False)],
                    venue=f"Venue {plain}", abbr=f"Abbr {plain}"[:40], annotation=f"Ann {markdown}",
                    award=f"Award {plain}"),
        publication("b", f"Draft {plain}", [("First", "Last", True)], year=None, venue="", status="submitted",
                    fields={"note": f"Note {plain}"}),
    ]
    return make_site(cv, papers, settings={"pdf": {"include_news": True}},
                     news=[{"date": "2024-01-02", "text": f"News {markdown}"}])


@pytest.mark.parametrize("hostile", PLAIN_HOSTILE)
def test_hostile_strings_print_literally(hostile, tmp_path):
    markdown_safe = hostile if hostile in TYPST_HOSTILE else "plain"
    site = hostile_site(hostile, markdown_safe)
    data = render_pdf(site, REPO)
    text = squash(pdf_text(data, tmp_path).translate(STRAIGHT_QUOTES))  # quotes: test_pdf_typography
    expected_plain = ["Name", "Pos", "Aff", "Edu", "Inst", "Loc", "Deg", "Exp", "Org", "Where", "Role", "PR",
                      "Aw", "Li", "NL", "Group", "Map", "Key", "Txt", "Pub", "Title", "Last", "Venue",
                      "Award", "Draft"]
    expected_markdown = ["Intro", "Det", "HL", "Sum", "EH", "Proj", "PH", "Note", "Item", "Sub", "Val", "Body",
                         "bullet", "News", "Ann"]
    for word in expected_plain:
        assert squash(f"{word} {hostile}") in text, word
    for word in expected_markdown:
        assert squash(f"{word} {markdown_safe}") in text, word
    assert re.search(r"^Page size:.*\(A4\)", pdfinfo(data, tmp_path), re.M)


def test_markdown_in_data_is_formatted_not_printed(tmp_path):
    site = hostile_site("plain", "**strong** and *emphasis* and `code` and [a link](https://example.org/x)")
    data = render_pdf(site, REPO)
    text = pdf_text(data, tmp_path)
    assert "strong and emphasis and code and a link" in " ".join(text.split())
    assert "**" not in text and "](" not in text
    assert "https://example.org/x" in pdfinfo(data, tmp_path, "-url")


# --- settings ------------------------------------------------------------------------------------


def test_sections_order_visibility_and_titles(small_site, tmp_path):
    settings = {"pdf": {"sections": ["awards", "education"], "titles": {"awards": "Prizes"}}}
    site = make_site({"person": small_site.person.as_data(skip_defaults=True),
                      "sections": [s.as_data(skip_defaults=True) | {"kind": s.kind} for s in small_site.sections]},
                     small_site.publications, settings)
    text = pdf_text(render_pdf(site, REPO), tmp_path)
    assert "Prizes" in text and "Awards" not in text
    assert text.find("Prizes") < text.find("Education")
    assert "Papers" not in text and "Analytical Engine" not in text


def test_owner_bold_and_equal_contribution_legend(tmp_path):
    papers = [publication("p", "A Paper", [("Zed", "Alpha", False), ("Ada", "Lovelace", True)], eq_Alpha=True)]
    site = make_site({"person": {"name": "Ada Lovelace"},
                      "sections": [{"title": "Papers", "kind": "publications"}]}, papers)
    code, _ = pdf_module.PdfRenderer(REPO).typst_source(site_view(site))
    assert 'strong("Ada\u00a0Lovelace")' in code  # a name never broken across lines
    assert 'super("*")' in code
    assert "* equal contribution" in pdf_text(render_pdf(site, REPO), tmp_path)


def test_us_letter_and_pdfa(small_site, tmp_path):
    site = make_site({"person": small_site.person.as_data(skip_defaults=True),
                      "sections": []}, [], {"pdf": {"paper": "us-letter", "pdfa": True}})
    data = render_pdf(site, REPO)
    assert "612 x 792" in pdfinfo(data, tmp_path)
    meta = pdfinfo(data, tmp_path, "-meta")
    assert "pdfaid:part" in meta and "pdfaid:conformance" in meta


def test_pdfa_takes_its_date_from_dates_written_with_and_without_a_month(tmp_path):
    """PDF/A needs a date: the newest in the data, here 2024.5 beside a year 2024 (the starter's
    news and awards); comparing the two raised a TypeError before."""
    site = make_site({"person": {"name": "Ada Lovelace"}, "sections": [
        {"title": "Awards", "kind": "awards", "entries": [{"title": "A prize", "date": 2024}]}]},
        [], {"pdf": {"pdfa": True}}, news=[{"date": "2024-05-01", "text": "News."}])
    assert "CreationDate:    Wed May  1" in pdfinfo(render_pdf(site, REPO), tmp_path)


# --- errors --------------------------------------------------------------------------------------


def test_missing_glyphs_name_the_field():
    site = make_site({"person": {"name": "郭秋山 Qiushan Guo"}, "sections": []})
    with pytest.raises(UserError) as caught:
        render_pdf(site, REPO)
    problem = caught.value.problems[0]
    assert problem.key == "person.name" and "郭" in problem.message and "font_paths" in problem.hint


def test_typst_warning_fails_the_build():
    site = make_site({"person": {"name": "Ada"}, "sections": []}, settings={"pdf": {"fonts": ["No Such Font"]}})
    with pytest.raises(UserError) as caught:
        render_pdf(site, REPO)
    assert "unknown font family" in str(caught.value)


def test_typst_error_names_the_template_line(tmp_path, small_site):
    lines = (REPO / "templates" / "cv.typ.j2").read_text().splitlines()
    broken = next(i for i, line in enumerate(lines) if line.startswith("#title("))
    lines[broken] = "#title(" + "#bogus("
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "cv.typ.j2").write_text("\n".join(lines) + "\n")
    with pytest.raises(UserError) as caught:
        render_pdf(small_site, tmp_path)
    problem = caught.value.problems[0]
    assert problem.file.endswith("cv.typ.j2") and problem.line == broken + 1
    assert "Typst error" in problem.message


def test_jinja_syntax_error_names_the_template_line(tmp_path, small_site):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "cv.typ.j2").write_text("#let a = 1\n{% if %}\n")
    with pytest.raises(UserError) as caught:
        render_pdf(small_site, tmp_path)
    problem = caught.value.problems[0]
    assert problem.file.endswith("cv.typ.j2") and problem.line == 2


DEJAVU = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")


@pytest.mark.skipif(not DEJAVU.exists(), reason="no DejaVu Sans file to configure as an extra font")
def test_configured_font_covers_other_scripts(tmp_path):
    (tmp_path / "fonts").mkdir()
    shutil.copy(DEJAVU, tmp_path / "fonts" / DEJAVU.name)
    cv = {"person": {"name": "Ԁԁ Komi"}, "sections": []}
    with pytest.raises(UserError):
        render_pdf(make_site(cv), tmp_path)
    site = make_site(cv, settings={"pdf": {"fonts": ["DejaVu Sans"], "font_paths": ["fonts"]}})
    data = render_pdf(site, tmp_path)
    assert "Ԁԁ Komi" in pdf_text(data, tmp_path)


def test_build_writes_cv_pdf_unless_no_pdf(tmp_path):
    from cv_site.build import BuildOptions, build

    with_pdf = build(BuildOptions(source=REPO, output=tmp_path / "a"))
    assert (tmp_path / "a" / "cv.pdf").read_bytes()[:5] == b"%PDF-"
    assert with_pdf.files["cv.pdf"] == (tmp_path / "a" / "cv.pdf").read_bytes()
    build(BuildOptions(source=REPO, output=tmp_path / "b", pdf=False))
    assert not (tmp_path / "b" / "cv.pdf").exists()


def test_jinja_runtime_error_names_the_template_line(tmp_path, small_site):
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "cv.typ.j2").write_text("#let a = 1\n\n{{ person.no_such_field }}\n")
    with pytest.raises(UserError) as caught:
        render_pdf(small_site, tmp_path)
    problem = caught.value.problems[0]
    assert problem.file.endswith("cv.typ.j2") and problem.line == 3 and "no_such_field" in problem.message


def test_missing_glyph_in_a_paper_names_the_entry_and_line():
    papers = [publication("zh", "关于 Title", [("Ada", "Lovelace", True)])]
    site = make_site({"person": {"name": "Ada Lovelace"}, "sections": [{"title": "P", "kind": "publications"}]}, papers)
    with pytest.raises(UserError) as caught:
        render_pdf(site, REPO)
    problem = caught.value.problems[0]
    assert (problem.file, problem.line, problem.key) == ("data/test.bib", 1, "zh.title")


def test_golden_typst_source_of_the_example(example, update_golden):
    """The Typst that the example's data becomes, whole: any change to the PDF's text or layout
    shows here as a diff (pytest --update-golden rewrites it after a change meant to be seen)."""
    site, _ = example
    code, _ = pdf_module.PdfRenderer(REPO).typst_source(site_view(site))
    golden = REPO / "tests" / "golden" / "cv.typ"
    if update_golden:
        golden.write_text(code, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run pytest --update-golden"
    assert code == golden.read_text(encoding="utf-8"), f"the example's Typst differs from {golden} (pytest --update-golden)"


def test_golden_typst_source_of_every_section_kind(update_golden):
    """The Typst of the tests' site that has every section kind (talks, projects and teaching
    included): their partials' output, whole."""
    from conftest import small_site as site_with_every_kind

    code, _ = pdf_module.PdfRenderer(REPO).typst_source(site_view(site_with_every_kind()))
    golden = REPO / "tests" / "golden" / "cv-every-kind.typ"
    if update_golden:
        golden.write_text(code, encoding="utf-8")
    assert golden.exists(), f"{golden} is missing: run pytest --update-golden"
    assert code == golden.read_text(encoding="utf-8"), f"the Typst differs from {golden} (pytest --update-golden)"

"""CV variants (site.yml: cvs): what each filter keeps of YAML entries and of papers, and which
sections a variant's PDF holds."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT, make_pub, small_site
from cv_site.build import BuildOptions, build
from cv_site.errors import UserError
from cv_site.pdf.document import page_count
from cv_site.schema import AwardsSection, NestedListSection, Settings, TalksSection, TextSection
from cv_site.variants import CvVariant, VariantSection
from cv_site.views.site import site_view
from cv_site.views.variants import filtered_papers, filtered_section

AWARDS = AwardsSection.from_data({"title": "Awards", "kind": "awards", "entries": [
    {"title": "Prize A", "date": 2024, "tags": ["industry"]},
    {"title": "Prize B", "date": "2016 - 2018", "tags": ["Teaching"]},
    {"title": "Prize C", "date": "2015 - Now"},
    {"title": "Prize D"},
    {"title": "Prize E", "date": 2019, "tags": ["industry", "teaching"]},
]})


def titles(section) -> list[str]:
    return [entry.title for entry in section.entries]


def rule(**filters) -> VariantSection:
    return VariantSection.from_data({"id": "awards", **filters})


def test_a_section_without_filters_is_whole() -> None:
    assert titles(filtered_section(AWARDS, rule())) == ["Prize A", "Prize B", "Prize C", "Prize D", "Prize E"]


def test_tags_keep_entries_with_any_of_them_in_any_case() -> None:
    assert titles(filtered_section(AWARDS, rule(tags=["industry"]))) == ["Prize A", "Prize E"]
    assert titles(filtered_section(AWARDS, rule(tags=["TEACHING", "nothing"]))) == ["Prize B", "Prize E"]


def test_since_keeps_what_reached_that_year_ongoing_and_undated_entries() -> None:
    # B ended in 2018; C is ongoing; D has no date.
    assert titles(filtered_section(AWARDS, rule(since=2019))) == ["Prize A", "Prize C", "Prize D", "Prize E"]
    assert titles(filtered_section(AWARDS, rule(since=2018))) == ["Prize A", "Prize B", "Prize C", "Prize D", "Prize E"]


def test_limit_keeps_the_first_in_the_sections_order_after_the_other_filters() -> None:
    assert titles(filtered_section(AWARDS, rule(limit=2))) == ["Prize A", "Prize B"]
    assert titles(filtered_section(AWARDS, rule(since=2019, limit=2))) == ["Prize A", "Prize C"]


def test_nested_lists_filter_their_items_and_drop_emptied_groups() -> None:
    service = NestedListSection.from_data({"title": "Service", "kind": "nested_list", "entries": [
        {"title": "Reviewer", "items": [{"text": "CVPR", "date": "2022 - 2024"}, {"text": "ICML", "date": 2017}]},
        {"title": "Chair", "items": [{"text": "A workshop", "date": 2016}]},
    ]})
    kept = filtered_section(service, VariantSection(id="service", since=2020))
    assert [(group.title, [item.text for item in group.items]) for group in kept.entries] == [("Reviewer", ["CVPR"])]


def test_a_text_section_is_left_as_it_is() -> None:
    text = TextSection.from_data({"title": "Statement", "kind": "text", "body": "Words."})
    assert filtered_section(text, rule(limit=1)) is text


PAPERS = [
    make_pub("p2024", "Newest", 2024, fields={"keywords": "ML, industry"}),
    make_pub("p2022", "Selected older", 2022, selected=True, fields={"tags": "theory"}),
    make_pub("p2020", "Old", 2020, fields={"keywords": "ml; vision"}),
    make_pub("p2018", "Selected oldest", 2018, selected=True),
    make_pub("draft", "In progress", None, status="submitted"),
]
TAG_FIELDS = ["tags", "keywords"]


def keys(papers) -> list[str]:
    return [p.key for p in papers]


def test_papers_by_selected_tags_and_since() -> None:
    assert keys(filtered_papers(PAPERS, rule(selected=True), TAG_FIELDS)) == ["p2022", "p2018"]
    assert keys(filtered_papers(PAPERS, rule(tags=["ml"]), TAG_FIELDS)) == ["p2024", "p2020"]
    assert keys(filtered_papers(PAPERS, rule(tags=["theory"]), ["keywords"])) == []  # only the fields named
    assert keys(filtered_papers(PAPERS, rule(since=2021), TAG_FIELDS)) == ["p2024", "p2022", "draft"]


def test_a_limit_of_papers_takes_the_selected_first_then_the_newest_and_keeps_their_order() -> None:
    assert keys(filtered_papers(PAPERS, rule(limit=3), TAG_FIELDS)) == ["p2024", "p2022", "p2018"]
    assert keys(filtered_papers(PAPERS, rule(limit=1), TAG_FIELDS)) == ["p2022"]


def test_a_variant_holds_its_sections_in_its_order_filtered_with_its_titles() -> None:
    site = small_site()
    view = site_view(site)
    variant = CvVariant.from_data({"id": "short", "title": "Short CV", "sections": [
        {"id": "papers", "title": "Selected papers", "limit": 1}, "education"]})
    sections = view.pdf_sections(variant)
    assert [(s.id, s.title) for s in sections] == [("papers", "Selected papers"), ("education", "Education")]
    assert [p.key for group in sections[0].groups for p in group.papers] == ["lovelace1843notes"]
    assert [s.id for s in view.pdf_sections(CvVariant(id="all", title="All"))] == [s.id for s in view.pdf_sections()]


def test_the_settings_default_to_no_variant_and_the_classic_theme() -> None:
    settings = Settings()
    assert settings.cvs == [] and settings.pdf.theme == "classic" and settings.tag_fields == ["tags", "keywords"]
    assert CvVariant(id="short", title="Short").file_name == "cv-short.pdf"


# --- building them -------------------------------------------------------------------------------

def example_site(folder: Path) -> Path:
    (folder / "data").mkdir(parents=True)
    for name in ("site.yml", "cv.yml", "news.yml", "publications.bib"):
        shutil.copy(ROOT / "data" / name, folder / "data" / name)
    return folder


def pdf_text(pdf: Path) -> str:
    return " ".join(subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout.split())


def test_the_example_builds_its_short_cv_from_the_same_facts(tmp_path: Path) -> None:
    result = build(BuildOptions(example_site(tmp_path / "site"), tmp_path / "out"))
    assert {"cv.pdf", "cv-short.pdf"} <= set(result.files)
    assert "cv.pdf, cv-short.pdf" in result.summary()
    full, short = pdf_text(tmp_path / "out" / "cv.pdf"), pdf_text(tmp_path / "out" / "cv-short.pdf")
    assert page_count((tmp_path / "out" / "cv-short.pdf").read_bytes()) <= 2
    assert "Selected Publications" in short and "Honors and Awards" not in short
    assert "RegionGPT" in short and "MSFD" not in short  # a selected paper; one that is not
    assert "Reviewer for Conference" in short and "European Conference on Computer Vision (ECCV)" in short
    assert "Reviewer for Journal" in short and "2020 – Now" in short  # service since 2021: an ongoing one stays
    for line in ("The University Of Hong Kong", "Nvidia Research", "ByteDance"):
        assert line in short and line in full
    cv_page = (tmp_path / "out" / "cv" / "index.html").read_text()
    home = (tmp_path / "out" / "index.html").read_text()
    assert 'href="/cv-short.pdf"' in cv_page and "Short CV (PDF)" in cv_page
    assert 'href="/cv-short.pdf"' in home


def test_build_cv_makes_that_pdf_only_and_leaves_the_rest(tmp_path: Path) -> None:
    source, out = example_site(tmp_path / "site"), tmp_path / "out"
    build(BuildOptions(source, out))
    before = {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != "cv-short.pdf"}
    (out / "cv-short.pdf").unlink()
    result = build(BuildOptions(source, out, cv="short"))
    assert list(result.files) == ["cv-short.pdf"] and (out / "cv-short.pdf").is_file()
    assert result.summary().startswith("built cv-short.pdf, ")
    assert {p: p.read_bytes() for p in out.rglob("*") if p.is_file() and p.name != "cv-short.pdf"} == before


def test_an_unknown_cv_id_is_refused_with_the_nearest(tmp_path: Path) -> None:
    with pytest.raises(UserError) as error:
        build(BuildOptions(example_site(tmp_path / "site"), tmp_path / "out", cv="shrt"))
    assert str(error.value.problems[0]) == "--cv: no CV has this id (got 'shrt')\n    hint: did you mean 'short'?"
    assert not (tmp_path / "out" / "index.html").exists()


def test_a_cv_longer_than_its_max_pages_is_a_warning_at_its_line(tmp_path: Path, monkeypatch) -> None:
    source = example_site(tmp_path / "site")
    monkeypatch.chdir(source)
    site_yml = source / "data" / "site.yml"
    site_yml.write_text(site_yml.read_text().replace("max_pages: 2", "max_pages: 1"))
    result = build(BuildOptions(source, tmp_path / "out"))
    line = site_yml.read_text().splitlines().index("    max_pages: 1") + 1
    assert [str(w) for w in result.warnings if "max_pages" in w.key] == [
        f"data/site.yml:{line}:16: warning: cvs[0].max_pages: cv-short.pdf has 2 pages, more than its max_pages (1)\n"
        "    hint: choose fewer entries (limit, since, tags) or a denser theme"]


def test_a_site_style_that_fails_on_a_paper_is_an_error_at_its_setting(tmp_path: Path, monkeypatch) -> None:
    """A .csl file of the site's that loads (it is tried on a journal article) but fails on the
    example's conference papers: a located error, no traceback, nothing written."""
    source = example_site(tmp_path / "site")
    monkeypatch.chdir(source)
    layout = '<if type="paper-conference"><text macro="nowhere"/></if><else><text variable="title"/></else>'
    (source / "mine.csl").write_text('<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0"><bibliography>'
                                     f"<layout><choose>{layout}</choose></layout></bibliography></style>")
    build(BuildOptions(source, tmp_path / "out"))
    before = (tmp_path / "out" / "cv-short.pdf").read_bytes()
    site_yml = source / "data" / "site.yml"
    site_yml.write_text(site_yml.read_text().replace("    max_pages: 2", "    max_pages: 2\n    citation_style: mine.csl"))
    with pytest.raises(UserError) as error:
        build(BuildOptions(source, tmp_path / "out"))
    text = str(error.value.problems[0])
    assert text.startswith(f"data/site.yml:{site_yml.read_text().splitlines().index('    citation_style: mine.csl') + 1}:")
    assert "cvs[0].citation_style: citation style 'mine.csl' could not format" in text
    assert (tmp_path / "out" / "cv-short.pdf").read_bytes() == before  # the last good output stays


def test_build_cv_without_a_pdf_says_so(tmp_path: Path) -> None:
    with pytest.raises(UserError) as error:
        build(BuildOptions(example_site(tmp_path / "site"), tmp_path / "out", pdf=False, cv="short"))
    assert str(error.value.problems[0]) == ("--cv: builds a PDF, and this build makes none\n"
                                            "    hint: drop --no-pdf, or set pdf.enabled: true in data/site.yml")


def test_a_limit_of_talks_keeps_the_newest_as_the_section_shows_them() -> None:
    talks = TalksSection.from_data({"title": "Talks", "kind": "talks", "entries": [
        {"title": "Old", "date": 2015}, {"title": "Newest", "date": 2024}, {"title": "Middle", "date": 2020}]})
    assert titles(filtered_section(talks, rule(limit=2))) == ["Newest", "Middle"]
    as_written = talks.replace(order="as_written")
    assert titles(filtered_section(as_written, rule(limit=2))) == ["Old", "Newest"]

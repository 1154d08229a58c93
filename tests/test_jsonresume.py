"""resume.json: the CV in JSON Resume's format, checked against the official schema 1.0.0
(tests/data/jsonresume/: the schema as the resume-schema package 1.0.0 ships it, with its licence)."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from conftest import ROOT, small_site

from cv_site.load.site import load_site
from cv_site.site.pages import SiteRenderer
from cv_site.views.site import site_view

SCHEMA = json.loads((Path(__file__).resolve().parent / "data" / "jsonresume" / "schema.json").read_text())
NO_SITE_TEMPLATES = ROOT / "tests" / "golden"  # a folder without templates/ or static/: the theme alone


def validate(resume: dict) -> None:
    """Against schema 1.0.0 (draft-04), its formats (email, uri) checked too."""
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    jsonschema.Draft4Validator(SCHEMA, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER).validate(resume)


@pytest.fixture(scope="module")
def example() -> dict:
    files = SiteRenderer(ROOT, keep=False).files(site_view(load_site(ROOT)), has_pdf=True)
    return json.loads(files["resume.json"])


def test_the_example_validates_against_json_resume_1_0_0(example: dict) -> None:
    validate(example)


def test_the_example_says_what_its_data_says(example: dict) -> None:
    basics = example["basics"]
    assert basics["name"] == "Qiushan Guo"
    assert basics["label"] == "PhD student in Computer Science"
    assert basics["email"] == "qsguo@cs.hku.hk"
    assert basics["url"] == "https://guoqiushan.github.io/"
    assert "location" not in basics  # the data does not say where he lives
    assert {"network": "GitHub", "username": "GuoQiushan", "url": "https://github.com/GuoQiushan"} in basics["profiles"]
    assert [school["institution"] for school in example["education"]] == [
        "The University Of Hong Kong", "Beijing University Of Posts And Telecommunications",
        "Beijing University Of Posts And Telecommunications"]
    phd, _, bachelor = example["education"]
    assert phd == {"institution": "The University Of Hong Kong", "studyType": "PhD student",
                   "area": "Computer Science", "startDate": "2020-09"}  # an open range has no end
    assert (bachelor["startDate"], bachelor["endDate"]) == ("2013", "2017")
    assert len(example["publications"]) == 12
    assert {"title": "National scholarship", "date": "2018", "summary": "Top 1%"} in example["awards"]
    nvidia = example["work"][0]
    assert (nvidia["name"], nvidia["startDate"], "endDate" in nvidia) == ("Nvidia Research", "2023-06", False)
    assert {project["entity"] for project in example["projects"]} == {
        "Nvidia Research", "ByteDance", "SenseTime Group Limited", "Pattern Recognition&Intelligent System Laboratory"}
    assert len(example["projects"]) == 1 + 2 + 4 + 1
    assert set(example) == {"$schema", "basics", "work", "education", "awards", "publications", "projects"}


def test_every_section_kind_of_the_small_site_maps() -> None:
    files = SiteRenderer(NO_SITE_TEMPLATES).files(site_view(small_site()))
    resume = json.loads(files["resume.json"])
    validate(resume)
    assert resume["work"] == [{"name": "Analytical Engine Project", "position": "Translator",
                               "startDate": "1842-09", "summary": "Notes on the engine"}]
    assert resume["education"][0]["endDate"] == "1835"
    assert resume["skills"] == [{"name": "Languages", "keywords": ["English", "French"]}]
    assert resume["basics"]["summary"] == "I write programs for the Analytical Engine."
    notes = next(paper for paper in resume["publications"] if paper["name"] == "Sketch of the Analytical Engine")
    assert notes["releaseDate"] == "1843-09" and notes["url"] == "https://arxiv.org/abs/1843.00001"
    engine = next(project for project in resume["projects"] if project["name"] == "The Engine's notes")
    assert engine["url"] == "https://example.org/engine-code" and engine["keywords"] == ["engines", "notes"]
    draft = next(paper for paper in resume["publications"] if paper["name"] == "Poetical Science")
    assert draft == {"name": "Poetical Science", "summary": "Under review."}


def test_every_page_links_it_from_its_head_under_the_base_path() -> None:
    files = SiteRenderer(NO_SITE_TEMPLATES).files(site_view(small_site()), base_url="https://ada.github.io/repo/")
    assert "resume.json" in files
    link = '<link rel="alternate" type="application/json" href="/repo/resume.json"'
    assert all(link in data.decode() for path, data in files.items() if path.endswith(".html"))


def test_without_the_site_url_no_address_is_made_up() -> None:
    files = SiteRenderer(NO_SITE_TEMPLATES).files(site_view(small_site(url="")))
    resume = json.loads(files["resume.json"])
    validate(resume)
    assert "url" not in resume["basics"] and "image" not in resume["basics"]

"""`cv-site export rendercv` and `cv-site import-rendercv`.

The export is checked with the `rendercv` package's own models (a test-only dependency: cv_site
never imports it); the import reads the sample RenderCV makes for a new CV (every entry type, with
its design, locale and settings), made by the installed package at test time; and a round trip of
the example (export, import, export) gives the same file, with the facts RenderCV cannot carry
listed below, each checked lost or changed.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from rendercv.data import create_a_sample_yaml_input_file, validate_input_dictionary_and_return_the_data_model
from rendercv.data.models import available_entry_models, available_entry_type_names
from rendercv.data.models.curriculum_vitae import get_characteristic_entry_attributes

from cv_site.cli import main
from cv_site.exports import export_text
from cv_site.importers.rendercv import import_rendercv
from cv_site.importers.rendercv_sections import ENTRY_TYPES
from cv_site.load.site import load_site
from cv_site.scaffold import scaffold

EXAMPLE = Path(__file__).resolve().parent.parent  # data/ at the repository's root: Qiushan Guo's CV


def rendercv_model(text: str):
    """RenderCV's reading of an input file: its data model, or pydantic's ValidationError."""
    return validate_input_dictionary_and_return_the_data_model(yaml.safe_load(text))


def section_types(model) -> list[tuple[str, str, int]]:
    return [(section.title, section.entry_type, len(section.entries)) for section in model.cv.sections]


def read_cv(folder: Path) -> dict:
    return yaml.safe_load((folder / "data" / "cv.yml").read_text(encoding="utf-8"))


def by_title(cv: dict) -> dict[str, dict]:
    return {section["title"]: section for section in cv["sections"]}


@pytest.fixture(scope="module")
def example_export() -> str:
    return export_text("rendercv", EXAMPLE)


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The file `rendercv new "John Doe"` writes, made by the installed rendercv."""
    path = tmp_path_factory.mktemp("rendercv") / "John_Doe_CV.yaml"
    create_a_sample_yaml_input_file(path, name="John Doe")
    return path


@pytest.fixture(scope="module")
def sample_site(sample_file: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("imported") / "site"
    assert main(["import-rendercv", str(sample_file), "--output", str(folder)]) == 0
    return folder


# --- export ----------------------------------------------------------------------------------------


def test_the_export_of_the_example_is_valid_rendercv(example_export: str):
    model = rendercv_model(example_export)
    assert section_types(model) == [
        ("Education", "EducationEntry", 3),
        ("Honors and Awards", "NormalEntry", 9),
        ("Publications", "PublicationEntry", 12),
        ("Professional Service", "NormalEntry", 2),
        ("Teaching Experience", "NormalEntry", 2),
        ("Research Experience", "ExperienceEntry", 4),
    ]
    # RenderCV makes the same profile addresses as the site does.
    assert [network.url for network in model.cv.social_networks] == [
        "https://scholar.google.com/citations?user=nDLaim4AAAAJ", "https://github.com/GuoQiushan",
        "https://x.com/QiushanGuo_HKU"]
    assert model.locale.present == "Now"  # the example's word for an open range


def test_the_export_states_the_example_facts(example_export: str):
    cv = yaml.safe_load(example_export)["cv"]
    assert (cv["name"], cv["headline"], cv["email"], cv["website"]) == (
        "Qiushan Guo", "PhD student in Computer Science", "qsguo@cs.hku.hk", "https://guoqiushan.github.io/")
    sections = cv["sections"]
    assert sections["Education"][0] == {
        "institution": "The University Of Hong Kong", "area": "Computer Science", "degree": "PhD student",
        "location": "Hong Kong, China", "start_date": "2020-09", "end_date": "present",
        "summary": "supervised by Prof. Yizhou Yu and Prof. Ping Luo"}
    assert sections["Education"][1]["area"] == "Master student"  # no " in ": the degree is all area
    assert (sections["Education"][2]["start_date"], sections["Education"][2]["end_date"]) == (2013, 2017)
    assert sections["Honors and Awards"][4] == {
        "name": "Second class prize the NXP Cup National University Students Intelligent Car Race", "date": 2016,
        "summary": "Top 1%, 3 out of 238 teams from all over the country."}
    papers = sections["Publications"]
    assert len(papers) == 12
    assert all(sum(author.startswith("**Qiushan Guo**") for author in paper["authors"]) == 1 for paper in papers)
    raphael = next(paper for paper in papers if paper["title"].startswith("RAPHAEL"))
    assert raphael["authors"][:3] == ["Zeyue Xue\\*", "Guanglu Song\\*", "**Qiushan Guo**"]
    assert (raphael["date"], raphael["url"]) == (2023, "https://arxiv.org/abs/2305.18295")
    assert raphael["journal"] == "Advances in Neural Information Processing Systems (NeurIPS), vol.\u00a036"
    egc = next(paper for paper in papers if paper["title"].startswith("EGC"))
    assert egc["doi"] == "10.1109/ICCV51070.2023.02098" and "url" not in egc  # RenderCV drops a url beside a DOI
    undated = [paper["title"] for paper in papers if "date" not in paper]
    assert undated == ["Rethinking the Noise Schedule of Diffusion-Based Generative Models",
                       "Multi-Level Contrastive Learning for Dense Prediction Task"]
    assert sections["Professional Service"][1] == {
        "name": "Reviewer for Journal",
        "highlights": ["IEEE Transactions on Neural Networks and Learning Systems (2020 – Now)"]}
    assert sections["Teaching Experience"][0] == {
        "name": "Artificial Intelligence (COMP 3270)", "location": "HKU", "start_date": "2022-09",
        "end_date": "2022-12", "summary": "Teach Assistant"}
    bytedance = sections["Research Experience"][1]
    assert (bytedance["company"], bytedance["position"], bytedance["start_date"], bytedance["end_date"]) == (
        "ByteDance", "", "2022-05", "2023-01")
    # A project is a highlight with its own highlights nested under it, as RenderCV nests bullets.
    assert bytedance["highlights"][1].startswith(
        "Intern: Multi-Level Contrastive Learning for Dense Prediction Task. - Propose an efficient self-supervised")
    assert bytedance["highlights"][1].count(" - ") == 3


def test_every_kind_exports_to_valid_rendercv(tmp_path: Path):
    """The starter's data has a section of every kind."""
    scaffold(tmp_path / "site", name="Ada Lovelace")
    text = export_text("rendercv", tmp_path / "site")
    assert section_types(rendercv_model(text)) == [
        ("Education", "EducationEntry", 2), ("Experience", "ExperienceEntry", 1), ("Awards", "NormalEntry", 1),
        ("Publications", "PublicationEntry", 2), ("Talks", "NormalEntry", 1), ("Projects", "NormalEntry", 1),
        ("Teaching", "NormalEntry", 1), ("Outreach", "BulletEntry", 1), ("Service", "NormalEntry", 1),
        ("Skills", "OneLineEntry", 2), ("Interests", "TextEntry", 1),
    ]
    sections = yaml.safe_load(text)["cv"]["sections"]
    assert sections["Talks"][0] == {
        "name": "[A Placeholder Talk about Examples](https://example.org/slides.pdf)", "location": "Example City",
        "date": "2024-05", "summary": "Invited talk · Example Workshop on Placeholders"}
    assert sections["Projects"][0]["summary"] == "Lead developer\nWhat it does and who uses it, in Markdown."
    assert sections["Publications"][0]["authors"][:2] == ["**Ada Lovelace**\\*", "Jane Q. Example\\*"]


MARKDOWN_CV = """\
person:
  name: Ada Lovelace
  email: ada [at] example.org
  links:
    github: https://github.com/ada
    mastodon: https://mathstodon.xyz/@ada
    orcid: 0000-0002-1825-0097
    dblp: l/AdaLovelace
sections:
  - title: About
    kind: text
    body: |
      Uses _emphasis_, **bold**, `code` and a literal \\* star; see https://example.org.

      Notes [on engines](notes/engines.pdf) and [the engine](https://example.org/a_(b)).
  - title: Steps
    kind: text
    body: |
      1. First *step*
      2. Second step
  - title: Interests
    kind: text
    body: |
      - Engines
      - Poetry
  - title: Papers
    kind: publications
  - title: Education
    kind: education
    entries:
      - institution: Home
        date: "2020.9 - 2020"
"""


def test_markdown_links_and_dates_become_rendercv_s(tmp_path: Path):
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "cv.yml").write_text(MARKDOWN_CV, encoding="utf-8")
    (tmp_path / "data" / "site.yml").write_text("url: https://ada.example.org/\n", encoding="utf-8")
    text = export_text("rendercv", tmp_path)
    model = rendercv_model(text)
    cv = yaml.safe_load(text)["cv"]
    assert cv["sections"]["About"] == [
        "Uses *emphasis*, **bold**, code and a literal \\* star; see https://example.org.",
        "Notes [on engines](https://ada.example.org/notes/engines.pdf) and [the engine](https://example.org/a_%28b%29).",
    ]
    assert cv["sections"]["Steps"] == [{"number": "First *step*"}, {"number": "Second step"}]
    assert cv["sections"]["Interests"] == [{"bullet": "Engines"}, {"bullet": "Poetry"}]
    assert "Papers" not in cv["sections"]  # no papers: RenderCV refuses an empty section
    assert "email" not in cv  # not an address RenderCV reads
    # RenderCV would read the end (2020) as January, before the start: the range is text.
    assert cv["sections"]["Education"] == [{"institution": "Home", "area": "", "date": "2020.9 – 2020"}]
    assert cv["social_networks"] == [  # DBLP: RenderCV has no such network
        {"network": "GitHub", "username": "ada"}, {"network": "ORCID", "username": "0000-0002-1825-0097"},
        {"network": "Mastodon", "username": "@ada@mathstodon.xyz"}]
    assert model.cv.social_networks[2].url == "https://mathstodon.xyz/@ada"


# --- import ----------------------------------------------------------------------------------------


def test_entry_types_are_told_apart_as_rendercv_tells_them():
    rendercv_keys = get_characteristic_entry_attributes(available_entry_models)
    assert ENTRY_TYPES == {model.__name__: frozenset(keys) for model, keys in rendercv_keys.items()}


def test_rendercv_s_sample_has_every_entry_type(sample_file: Path):
    model = rendercv_model(sample_file.read_text(encoding="utf-8"))
    assert {section.entry_type for section in model.cv.sections} == set(available_entry_type_names)


def test_import_of_the_sample_maps_every_entry_type(sample_site: Path):
    cv = read_cv(sample_site)
    assert [(section["title"], section["kind"]) for section in cv["sections"]] == [
        ("Welcome to RenderCV!", "text"),  # TextEntry
        ("Education", "education"),  # EducationEntry
        ("Experience", "experience"),  # ExperienceEntry
        ("Projects", "projects"),  # NormalEntry
        ("Skills", "map"),  # OneLineEntry
        ("Publications", "publications"),  # PublicationEntry
        ("Extracurricular Activities", "list"),  # BulletEntry
        ("Numbered Entries", "text"),  # NumberedEntry
        ("Reversed Numbered Entries", "list"),  # ReversedNumberedEntry
    ]
    assert cv["person"] == {"name": "John Doe", "email": "john.doe@example.com",
                            "links": {"linkedin": "john.doe", "github": "john.doe"}}
    sections = by_title(cv)
    assert sections["Welcome to RenderCV!"]["body"].startswith(
        "[RenderCV](https://rendercv.com) is a Typst-based CV framework designed for academics and engineers")
    assert sections["Education"]["entries"][1] == {
        "institution": "Boğaziçi University", "location": "Istanbul, Türkiye", "date": "2018.9 - 2022.6",
        "degree": "BS in Computer Engineering",
        "highlights": ["GPA: 3.9/4.0, ranked 1st out of 100 students", "Awards: Best Senior Project, High Honor"]}
    assert sections["Experience"]["entries"][2] == {
        "organization": "Company A", "location": "Istanbul, Türkiye", "date": "2022.6 - 2022.9",
        "role": "Summer Intern", "highlights": ["Designed an inventory management web application for a warehouse"]}
    projects = sections["Projects"]["entries"]
    assert projects[0]["title"] == "[Example Project](https://example.com)"
    assert projects[0]["date"] == "2024.5 - present"
    assert projects[0]["summary"].startswith("A web application for writing essays\n\n- Launched an [iOS app]")
    assert projects[1]["summary"].startswith("Fall 2023\n\n- Instructed the \"Statistics\" course")  # not a date
    assert sections["Skills"]["entries"][2] == {"name": "Languages",
                                                "value": "English (fluent, TOEFL: 118/120), Turkish (native)"}
    assert sections["Extracurricular Activities"]["entries"][1] == {
        "text": "Each entry type has a different structure and layout. This document demonstrates all of them."}
    assert sections["Numbered Entries"]["body"] == (
        "1. This is a numbered entry.\n2. This is another numbered entry.\n3. This is the third numbered entry.")
    assert sections["Reversed Numbered Entries"]["entries"][0] == {"text": "This is a reversed numbered entry."}
    assert (sample_site / "data" / "publications.bib").read_text(encoding="utf-8").endswith(
        "@article{baggins2004finite,\n"
        "  title  = {3D Finite Element Analysis of No-Insulation Coils},\n"
        "  author = {Frodo Baggins and John Doe and Samwise Gamgee},\n"
        "  year   = {2004},\n"
        "  month  = {1},\n"
        "  doi    = {10.1109/TASC.2023.3340648},\n"
        "}\n")


def test_the_imported_sample_is_a_site_cv_site_accepts(sample_site: Path, capsys: pytest.CaptureFixture[str]):
    assert main(["check", "--source", str(sample_site)]) == 0
    assert capsys.readouterr().out.startswith("ok: 9 sections, 15 entries, 1 publications, 0 news,")
    paper = load_site(sample_site).publications[0]
    assert [(author.display, author.is_owner) for author in paper.authors] == [
        ("Frodo Baggins", False), ("John Doe", True), ("Samwise Gamgee", False)]
    assert (paper.year, paper.month, paper.doi) == (2004, 1, "10.1109/TASC.2023.3340648")


def test_what_does_not_map_is_a_note(sample_file: Path):
    assert import_rendercv(sample_file).notes == [
        "cv.sections.projects[1].date: 'Fall 2023' is not a date cv-site reads; kept as text in the entry",
        "cv.sections.reversed_numbered_entries: RenderCV numbers these entries counting down; cv-site has no such "
        "list: imported as a list",
        "cv.location: cv-site's person has no location; not imported ('Location')",
        "cv.phone: cv-site's person has no phone number; not imported ('+1-609-999-9995')",
        "locale: phone_number_format, page_numbering_template, last_updated_date_template, date_template, month, "
        "months, year, years, to, abbreviations_for_months, full_names_of_months: RenderCV's words for dates, "
        "phone numbers and pages; not imported (cv-site shows each date as written in data/cv.yml)",
        "design: RenderCV's theme and page layout; not imported (cv-site's look: accent_color in data/site.yml, "
        "pdf.theme for the PDF)",
        "rendercv_settings: RenderCV's own settings (output files, bold_keywords, sort_entries...); not imported",
    ]


HAND_WRITTEN = """\
cv:
  name: Ada Lovelace
  headline: Analyst
  photo: ada.png
  social_networks:
    - network: Mastodon
      username: '@ada@mathstodon.xyz'
    - network: YouTube
      username: ada
  sections:
    invited_talks:
      - name: On Engines
        location: London
        date: 1843-07
        summary: Royal Society
    teaching:
      - name: Analysis (M1)
        location: King's College
        start_date: 1842
        end_date: 1843
        summary: Tutor
    awards:
      - name: Medal
        date: 1840
        summary: For notes
        highlights: [first, second]
    experience:
      - company: Analytical Society
        position: Member
        highlights:
          - Wrote the notes - Note G - Note A
          - Read papers
    publications:
      - title: Notes on *the* Engine
        authors: ['***A. Lovelace***\\*', Charles Babbage]
        journal: Scientific Memoirs
        date: 1843-10-01
        url: https://example.org/notes
    more:
      - title: Sketch
        authors: [Ada Lovelace, others]
"""


def test_a_hand_written_file(tmp_path: Path):
    (tmp_path / "cv.yaml").write_text(HAND_WRITTEN, encoding="utf-8")
    (tmp_path / "ada.png").write_bytes(b"\x89PNG\r\n\x1a\n")
    imported = import_rendercv(tmp_path / "cv.yaml")
    person = imported.cv["person"]
    assert person == {"name": "Ada Lovelace", "aliases": ["A. Lovelace"], "position": "Analyst", "photo": "ada.png",
                      "links": {"mastodon": "https://mathstodon.xyz/@ada"}}
    assert imported.images == [Path("ada.png")] and imported.folder == tmp_path
    sections = {section["title"]: section for section in imported.cv["sections"]}
    assert sections["Invited Talks"] == {"title": "Invited Talks", "kind": "talks", "entries": [
        {"title": "On Engines", "event": "Royal Society", "location": "London", "date": "1843.7"}]}
    assert sections["Teaching"]["entries"] == [
        {"course": "Analysis (M1)", "role": "Tutor", "institution": "King's College", "date": "1842 - 1843"}]
    assert sections["Awards"]["entries"] == [{"title": "Medal", "note": "For notes; first; second", "date": 1840}]
    assert sections["Experience"]["entries"][0] == {
        "organization": "Analytical Society", "role": "Member", "highlights": ["Read papers"],
        "projects": [{"title": "Wrote the notes", "highlights": ["Note G", "Note A"]}]}
    assert [section["include"] for section in imported.cv["sections"] if section["kind"] == "publications"] == [
        ["lovelace1843notes"], ["lovelacesketch"]]  # two lists of papers: each its own keys
    assert imported.bibtex.endswith(
        "@article{lovelace1843notes,\n"
        "  title   = {Notes on \\textit{the} Engine},\n"
        "  author  = {A. Lovelace* and Charles Babbage},\n"
        "  journal = {Scientific Memoirs},\n"
        "  date    = {1843-10-01},\n"
        "  url     = {https://example.org/notes},\n"
        "}\n\n"
        "@unpublished{lovelacesketch,\n"
        "  title  = {Sketch},\n"
        "  author = {Ada Lovelace and others},\n"
        "}\n")
    assert imported.notes == [
        "cv.sections.awards[0].highlights: no field of its own in cv-site; kept in the entry's note",
        "cv.social_networks[1]: cv-site has no YouTube link; not imported ('YouTube: ada')",
    ]


# --- the commands ----------------------------------------------------------------------------------


def test_import_command_writes_and_then_refuses_without_force(sample_file: Path, tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]):
    monkeypatch.chdir(tmp_path)
    assert main(["import-rendercv", str(sample_file), "--output", "site"]) == 0
    out, err = capsys.readouterr()
    assert out == ("imported 9 sections, 15 entries, 0 news: wrote site/data/cv.yml, site/data/site.yml, "
                   "site/data/news.yml, site/data/publications.bib\n")
    assert err.startswith("note: cv.sections.projects[1].date: 'Fall 2023' is not a date cv-site reads")
    before = (tmp_path / "site" / "data" / "cv.yml").read_bytes()
    assert main(["import-rendercv", str(sample_file), "--output", "site"]) == 1
    assert capsys.readouterr() == ("", (
        "site/data/cv.yml: already exists\n"
        "    hint: import into a new folder (--output DIR), or add --force to replace data/cv.yml, data/site.yml, "
        "data/news.yml, data/publications.bib\n"
        "1 error found; nothing was written.\n"))
    assert (tmp_path / "site" / "data" / "cv.yml").read_bytes() == before
    assert main(["import-rendercv", str(sample_file), "--output", "site", "--force"]) == 0


def test_export_command_writes_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                        capsys: pytest.CaptureFixture[str], example_export: str):
    monkeypatch.chdir(tmp_path)
    assert main(["export", "rendercv", "--source", str(EXAMPLE), "-o", "cv.yaml"]) == 0
    assert capsys.readouterr().out == "wrote cv.yaml\n"
    assert (tmp_path / "cv.yaml").read_text(encoding="utf-8") == example_export
    assert main(["export", "rendercv", "--source", str(EXAMPLE), "-o", "cv.yaml"]) == 1
    assert capsys.readouterr().err == ("cv.yaml: already exists\n"
                                       "    hint: give another file (-o FILE), or add --force to replace it\n"
                                       "1 error found; nothing was written.\n")


# --- the round trip --------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def round_trip(example_export: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("round-trip")
    (folder / "cv.yaml").write_text(example_export, encoding="utf-8")
    assert main(["import-rendercv", str(folder / "cv.yaml"), "--output", str(folder / "site")]) == 0
    return folder / "site"


def test_the_round_trip_gives_the_same_export(round_trip: Path, example_export: str):
    assert main(["check", "--source", str(round_trip)]) == 0
    assert export_text("rendercv", round_trip) == example_export


def test_the_round_trip_keeps_what_rendercv_carries(round_trip: Path):
    site, example = load_site(round_trip), load_site(EXAMPLE)
    assert site.person.name == example.person.name and site.person.position == example.person.position
    assert site.person.email == example.person.email and site.person.links == example.person.links
    assert [(section.title, section.kind) for section in site.sections] == [
        (section.title, section.kind) for section in example.sections]
    assert [len(getattr(section, "entries", ())) for section in site.sections] == [
        len(getattr(section, "entries", ())) for section in example.sections]
    assert [(p.title, p.year, p.doi, [a.display for a in p.authors]) for p in site.publications] == [
        (p.title, p.year, p.doi, [a.display for a in p.authors]) for p in example.publications]
    marks = [[(a.is_owner, a.equal_contribution, a.corresponding, a.is_others) for a in p.authors]
             for p in example.publications]
    assert [[(a.is_owner, a.equal_contribution, a.corresponding, a.is_others) for a in p.authors]
            for p in site.publications] == marks
    assert [p.status for p in site.publications] == [p.status for p in example.publications]
    assert site.settings.ongoing_label == "Now"
    education = site.sections[0].entries[0]
    assert (str(education.date), education.degree, education.details) == (
        "2020.9 – present", "PhD student in Computer Science", "supervised by Prof. Yizhou Yu and Prof. Ping Luo")


def test_what_rendercv_cannot_carry_is_lost_or_changed(round_trip: Path):
    """RenderCV's input has no field for these facts of the example."""
    site, example = load_site(round_trip), load_site(EXAMPLE)
    imported = read_cv(round_trip)
    sections = by_title(imported)
    # The person's affiliation and bio: RenderCV's header has a name, a headline and contacts.
    assert example.person.affiliation == "The University of Hong Kong" and site.person.affiliation is None
    assert example.person.bio and not site.person.bio
    # Section ids: a RenderCV section is its title.
    assert [s.slug for s in example.sections] == ["education", "awards", "publications", "service", "teaching",
                                                  "research"]
    assert [s.slug for s in site.sections] == ["education", "honors-and-awards", "publications",
                                               "professional-service", "teaching-experience", "research-experience"]
    # A section's intro: RenderCV's sections are entries only.
    assert example.sections[2].intro and site.sections[2].intro is None
    # The site's settings, but for the word for an open range (a word of RenderCV's locale). (News
    # too has no place in RenderCV; the example has none.)
    assert (example.settings.url, example.settings.description, len(example.settings.cvs)) == (
        "https://guoqiushan.github.io/", example.settings.description, 1)
    assert (site.settings.url, site.settings.description, site.settings.cvs) == ("", None, [])
    # A course's code: written in the course's name.
    teaching = sections["Teaching Experience"]["entries"][0]
    assert example.sections[4].entries[0].code == "COMP 3270"
    assert teaching == {"course": "Artificial Intelligence (COMP 3270)", "role": "Teach Assistant",
                        "institution": "HKU", "date": "2022.9 - 2022.12"}
    # The projects of an experience entry: their role joins the title, and one without highlights
    # is a highlight of the entry.
    research = sections["Research Experience"]["entries"]
    assert research[0] == {"organization": "Nvidia Research", "date": "2023.6 - present",
                           "highlights": ["Intern: Diffusion Model and multi-modal LLM."]}
    assert research[1]["projects"][0]["title"] == (
        "Intern: EGC: Image Generation and Classification via a Diffusion Energy-Based Model.")
    assert all("role" not in project for entry in research for project in entry.get("projects", ()))
    # The dates of a nested list's items: in the item's text.
    service = sections["Professional Service"]["entries"][0]["items"][0]
    assert service == {"text": "IEEE International Conference on Computer Vision (ICCV) (2021 – 2023)"}
    # Papers: RenderCV has a title, authors, a DOI, a URL, a journal and a date. The key, the entry
    # type and BibTeX's fields (booktitle, volume, pages, eprint) become one venue line; the badge,
    # `selected`, links but one, the annotation, and how a name splits into parts are lost.
    old, new = example.publications_by_key, site.publications_by_key
    assert sorted(old) != sorted(new) and "guo2024regiongpt" in new and "guo_noise_schedule" not in new
    region_old, region_new = old["guo2024regiongpt"], new["guo2024regiongpt"]
    assert (region_old.entry_type, region_new.entry_type) == ("inproceedings", "article")
    assert region_new.venue == ("Proceedings of the IEEE/CVF Conference on Computer Vision and Pattern Recognition "
                                "(CVPR), pp.\u00a013796–13806")
    assert (region_old.abbr, region_old.selected, region_old.arxiv_id) == ("CVPR", True, "2403.02330")
    assert (region_new.abbr, region_new.selected, region_new.arxiv_id) == ("", False, "")
    assert [link.kind.name for link in region_old.links] == ["arxiv", "html"]
    assert [(link.kind.name, link.href) for link in region_new.links] == [("url", "https://arxiv.org/abs/2403.02330")]
    assert old["xue2023raphael"].annotation == "Base model of SenseMirage" and not new["xue2023raphael"].annotation
    de_mello_old, de_mello_new = region_old.authors[1], region_new.authors[1]
    assert de_mello_old.display == de_mello_new.display == "Shalini De Mello"
    assert (de_mello_old.first, de_mello_old.last) == ("Shalini", "De Mello")
    assert (de_mello_new.first, de_mello_new.last) == ("Shalini De", "Mello")
    # An open range ends in "present" in RenderCV: the word the example wrote (Now) is the site's label.
    assert 'date: "2023.6 - Now"' in (EXAMPLE / "data" / "cv.yml").read_text(encoding="utf-8")
    assert research[0]["date"] == "2023.6 - present" and site.settings.ongoing_label == "Now"


# --- bad input -------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, text, message", [
    ("not-yaml.yaml", "cv:\n  name: [Ada\n",
     "not-yaml.yaml:3:1: YAML syntax error: while parsing a flow sequence, expected ',' or ']', but got "
     "'<stream end>'\n    hint: check the indentation and quote values that contain ': ' or start with a special "
     "character"),
    ("no-cv.yaml", "name: Ada\nsections: {}\n",
     "no-cv.yaml:1:1: expected a RenderCV input file: a mapping with a `cv:` key\n    hint: give a RenderCV input "
     "file: the YAML that `rendercv render` reads, which starts with `cv:`"),
    ("cv-list.yaml", "cv:\n  - Ada\n",
     "cv-list.yaml:2:3: cv: expected a mapping (name: ..., sections: ...) (got a list)\n    hint: give a RenderCV "
     "input file: the YAML that `rendercv render` reads, which starts with `cv:`"),
    ("not-a-list.yaml", "cv:\n  name: Ada\n  sections:\n    education: Stanford\n",
     "not-a-list.yaml:4:16: cv.sections.education: expected a list of entries (got 'Stanford')\n    hint: write "
     "each entry of the section as a list item under its title: `- institution: ...`"),
    ("missing.yaml", None,
     "missing.yaml: not a file\n    hint: give a RenderCV input file: the YAML that `rendercv render` reads, which "
     "starts with `cv:`"),
])
def test_bad_input_is_a_located_error(name: str, text: str | None, message: str, tmp_path: Path,
                                      monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]):
    monkeypatch.chdir(tmp_path)
    if text is not None:
        (tmp_path / name).write_text(text, encoding="utf-8")
    assert main(["import-rendercv", name, "--output", "site"]) == 1
    assert capsys.readouterr() == ("", message + "\n1 error found; nothing was written.\n")
    assert not (tmp_path / "site").exists()


def test_export_into_a_folder_or_over_a_file_is_refused_and_a_new_folder_is_made(tmp_path: Path, capsys):
    source = str(Path(__file__).parent.parent)
    target = tmp_path / "new" / "cv.yaml"
    assert main(["export", "jsonresume", "--source", source, "-o", str(target)]) == 0
    assert target.read_text().startswith("{\n")
    assert main(["export", "rendercv", "--source", source, "-o", str(target)]) == 1
    assert main(["export", "rendercv", "--source", source, "-o", str(tmp_path), "--force"]) == 1
    err = capsys.readouterr().err
    assert f"{target}: already exists\n    hint: give another file (-o FILE), or add --force to replace it\n" in err
    assert f"{tmp_path}: is a folder\n    hint: give a file's name, e.g. -o cv.yaml\n" in err

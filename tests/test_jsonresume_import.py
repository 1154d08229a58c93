"""`cv-site import-jsonresume`: a JSON Resume with every section of schema 1.0.0 becomes a data/
that checks, keeps each section's facts and notes what has no place; the example survives
export -> import -> export unchanged, but for the facts JSON Resume has no place for (listed)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import ROOT
from test_jsonresume import validate

from cv_site.cli import main
from cv_site.errors import UserError
from cv_site.exports import export_text
from cv_site.importers.jsonresume import import_jsonresume
from cv_site.importers.write import write_imported

FIXTURE = ROOT / "tests" / "data" / "jsonresume" / "every-section.json"
ALL_SECTIONS = {"basics", "work", "volunteer", "education", "awards", "certificates", "publications", "skills",
                "languages", "interests", "references", "projects", "meta"}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("jsonresume") / "site"
    assert main(["import-jsonresume", str(FIXTURE), "--output", str(folder)]) == 0
    return folder


@pytest.fixture(scope="module")
def cv(site: Path) -> dict:
    return yaml.safe_load((site / "data" / "cv.yml").read_text(encoding="utf-8"))


def section(cv: dict, title: str) -> dict:
    [found] = [section for section in cv["sections"] if section["title"] == title]
    return found


def test_the_fixture_has_every_section_and_is_a_valid_json_resume() -> None:
    resume = json.loads(FIXTURE.read_text(encoding="utf-8"))
    validate(resume)
    assert set(resume) - {"$schema"} == ALL_SECTIONS
    assert all(resume[name] for name in ALL_SECTIONS)


def test_the_imported_data_checks_and_builds(site: Path, cv: dict) -> None:
    assert main(["check", "--source", str(site)]) == 0
    assert [(s["title"], s["kind"]) for s in cv["sections"]] == [
        ("Experience", "experience"), ("Service", "experience"), ("Education", "education"), ("Awards", "awards"),
        ("Certificates", "awards"), ("Publications", "publications"), ("Skills", "map"), ("Languages", "map"),
        ("Interests", "map"), ("Projects", "projects")]
    assert yaml.safe_load((site / "data" / "site.yml").read_text(encoding="utf-8")) == {
        "pages": ["publications", "projects"]}
    assert yaml.safe_load((site / "data" / "news.yml").read_text(encoding="utf-8")) == {"news": []}


def test_basics(cv: dict) -> None:
    assert cv["person"] == {
        "name": "Mira Okafor",
        "position": "Postdoctoral Researcher in Computational Linguistics",
        "email": "mira.okafor@example.org",
        "bio": "I study how people and programs name things.",
        "links": {"homepage": "https://mira.example.org/", "github": "miraokafor", "x": "mira_names",
                  "orcid": "https://orcid.org/0000-0002-1825-0097", "mastodon": "https://sigmoid.example/@mira"},
    }


def test_work_with_its_project_and_volunteering_as_service(cv: dict) -> None:
    assert section(cv, "Experience")["entries"] == [
        {"organization": "University of Leeds", "location": "Leeds, UK", "date": "2022.10 - present",
         "role": "Postdoctoral Researcher",
         "summary": ["A research university.", "Naming in programs.", "Funded by a research council."],
         "highlights": ["Built a corpus of 2 million identifiers", "Taught a summer school"],
         "projects": [{"title": "Identifier corpus", "role": "Lead", "date": "2022.10 - 2023.6",
                       "highlights": ["2 million identifiers from 10,000 programs"]}]},
        {"organization": "Lexical Labs", "date": "2020-06-01 - 2020-09-30", "role": "Research Intern"},
    ]
    assert section(cv, "Service")["entries"] == [
        {"organization": "ACL Rolling Review", "date": "2021 - present", "role": "Reviewer",
         "summary": ["Reviewing for the ACL conferences."], "highlights": ["Outstanding reviewer, 2023"]},
        {"organization": "Workshop on Names in Code", "date": "2022.3", "role": "Program committee member"},
    ]


def test_education_awards_and_certificates(cv: dict) -> None:
    assert section(cv, "Education")["entries"] == [
        {"institution": "University of Edinburgh", "date": "2017.9 - 2022.7", "degree": "PhD in Informatics",
         "details": "Score: Passed without corrections",
         "highlights": ["Computational Semantics", "Program Analysis"]},
        {"institution": "University of Lagos", "date": 2016, "degree": "B.Sc. in Linguistics"},
    ]
    assert section(cv, "Awards")["entries"] == [
        {"title": "Best Paper Award", "note": "ACL; For the identifier corpus.", "date": "2021.8"}]
    assert section(cv, "Certificates")["entries"] == [
        {"title": "[Software Carpentry Instructor](https://carpentries.example.org/mira)",
         "note": "The Carpentries", "date": "2019-05-14"}]


def test_publications_become_bibtex(site: Path, cv: dict) -> None:
    assert section(cv, "Publications") == {"title": "Publications", "kind": "publications", "include": "all"}
    assert (site / "data" / "publications.bib").read_text(encoding="utf-8") == (
        "@inproceedings{what2021,\n"
        "  title     = {What's in a Name? Identifiers in 10,000 Programs},\n"
        "  booktitle = {Proceedings of the Annual Meeting of the Association for Computational Linguistics (ACL)},\n"
        "  year      = {2021},\n"
        "  month     = {8},\n"
        "  doi       = {10.18653/v1/2021.acl-long.1},\n"
        "  abstract  = {A corpus of identifiers and what they mean.},\n"
        "}\n\n"
        "@article{tokens2023,\n"
        "  title   = {Tokens \\& Types: 50\\% Fewer Errors -\\/- a Study of snake\\_case},\n"
        "  journal = {Transactions of the Association for Computational Linguistics},\n"
        "  year    = {2023},\n"
        "  arxiv   = {2301.01234},\n"
        "}\n\n"
        "@misc{names,\n"
        "  title    = {Names That Lie},\n"
        "  url      = {https://mira.example.org/names-that-lie.pdf},\n"
        "  pubstate = {submitted},\n"
        "  abstract = {When an identifier says one thing and does another.},\n"
        "}\n")


def test_the_papers_read_back_as_written(site: Path) -> None:
    """TeX's special characters are escaped: the export of the import has the titles as written."""
    exported = json.loads(export_text("jsonresume", site))
    assert [paper["name"] for paper in exported["publications"]] == [
        "Names That Lie", "Tokens & Types: 50% Fewer Errors -- a Study of snake_case",
        "What's in a Name? Identifiers in 10,000 Programs"]
    assert exported["publications"][0]["summary"] == (
        "Under review. When an identifier says one thing and does another.")


def test_skills_languages_interests_and_projects(cv: dict) -> None:
    assert section(cv, "Skills")["entries"] == [
        {"name": "Programming (Advanced)", "value": "Python, Rust, SQL"},
        {"name": "Corpus linguistics", "value": "annotation, inter-annotator agreement"}]
    assert section(cv, "Languages")["entries"] == [
        {"name": "English", "value": "Native speaker"}, {"name": "Yoruba", "value": "Fluent"}]
    assert section(cv, "Interests")["entries"] == [{"name": "Typography", "value": "letterpress, type design"}]
    assert section(cv, "Projects")["entries"] == [
        {"title": "namecheck", "summary": "A linter for misleading names.\n\n- Runs in CI\n- Used by 40 projects",
         "date": "2023 - present", "role": "Author, Maintainer",
         "links": {"code": "https://github.com/miraokafor/namecheck"}, "tags": ["linting", "naming"]}]


def test_what_did_not_map_is_in_the_notes() -> None:
    assert import_jsonresume(FIXTURE).notes == [
        "basics.image: a web address; put the photo in static/ and write its path as person.photo "
        "('https://example.org/mira.jpg')",
        "basics.profiles[4]: cv-site has no Facebook link; left out ('https://facebook.example.com/mira.okafor')",
        "basics.phone: cv-site shows no phone number; left out ('+44 20 7946 0958')",
        "basics.location: cv-site shows no address; left out ('12 Example Road, EX1 2MP, Leeds, West Yorkshire, GB')",
        "publications: JSON Resume has no authors: add author = {Last, First and ...} to each entry of "
        "data/publications.bib",
        "work[0].team: not a key of JSON Resume 1.0.0; left out ('Language group')",
        "work[0].url: an experience entry has no link; left out ('https://leeds.example.ac.uk/')",
        "volunteer[1].url: an experience entry has no link; left out ('https://names-in-code.example.org/')",
        "education[0].url: an education entry has no link; left out ('https://ed.example.ac.uk/')",
        "references: 1 reference left out (Prof. Ada Byron): they are other people's words, and the site is "
        "public; add the ones to show as a text section",
        "projects[1].entity: a project of the projects section has no organization; left out ('Open source')",
        "projects[1].type: a project has no type; left out ('application')",
        "meta: it describes the file, not the CV; left out",
    ]


def test_the_command_lists_what_it_wrote_and_refuses_to_overwrite(tmp_path: Path, capsys) -> None:
    out = tmp_path / "site"
    assert main(["import-jsonresume", str(FIXTURE), "--output", str(out)]) == 0
    captured = capsys.readouterr()
    written = ", ".join(str(out / "data" / name) for name in ("cv.yml", "site.yml", "news.yml", "publications.bib"))
    assert captured.out == f"imported 10 sections, 14 entries, 0 news: wrote {written}\n"
    assert captured.err.startswith("note: basics.image: a web address;")
    assert captured.err.count("\n") == 13  # one line a note

    (out / "data" / "cv.yml").write_text("person: {name: Edited}\n", encoding="utf-8")
    assert main(["import-jsonresume", str(FIXTURE), "--output", str(out)]) == 1
    assert capsys.readouterr().err == (
        f"{out / 'data' / 'cv.yml'}: already exists\n"
        "    hint: import into a new folder (--output DIR), or add --force to replace data/cv.yml, data/site.yml, "
        "data/news.yml, data/publications.bib\n"
        "1 error found; nothing was written.\n")
    assert (out / "data" / "cv.yml").read_text(encoding="utf-8") == "person: {name: Edited}\n"

    assert main(["import-jsonresume", str(FIXTURE), "--output", str(out), "--force"]) == 0
    assert "name: Mira Okafor" in (out / "data" / "cv.yml").read_text(encoding="utf-8")


def test_a_photo_beside_the_resume_comes_along(tmp_path: Path) -> None:
    (tmp_path / "images").mkdir()
    (tmp_path / "images" / "me.png").write_bytes(b"\x89PNG not really")
    resume = write_resume(tmp_path, {"basics": {"name": "Ada", "image": "./images/me.png"}})
    imported = import_jsonresume(resume)
    assert imported.cv["person"] == {"name": "Ada", "photo": "images/me.png"}
    assert imported.notes == []
    write_imported(imported, tmp_path / "out")
    assert (tmp_path / "out" / "static" / "images" / "me.png").read_bytes() == b"\x89PNG not really"


def test_volunteering_that_is_not_service_and_what_cv_site_cannot_place(tmp_path: Path) -> None:
    resume = write_resume(tmp_path, {
        "volunteer": [{"organization": "City Food Bank", "position": "Driver", "startDate": "2015",
                       "endDate": "2016"}],
        "interests": [{"name": "Chess"}, {"name": "Running"}],
        "projects": [{"name": "Kiosk", "url": "javascript:alert(1)"}],
        "basics": {"name": "Ada", "image": "../elsewhere/me.png", "url": "https://ada.example.org/",
                   "profiles": [{"network": "Homepage", "url": "https://old.example.org/"},
                                {"network": "LinkedIn", "url": "https://www.linkedin.com/in/ada"},
                                {"network": "Mastodon", "username": "@ada@mathstodon.example"}]},
        "hobbies": ["knitting"],
    })
    imported = import_jsonresume(resume)
    assert imported.cv["sections"] == [
        {"title": "Volunteering", "kind": "experience",
         "entries": [{"organization": "City Food Bank", "date": "2015 - 2016", "role": "Driver"}]},
        {"title": "Interests", "kind": "list", "entries": [{"text": "Chess"}, {"text": "Running"}]},
        {"title": "Projects", "kind": "projects", "entries": [{"title": "Kiosk"}]},
    ]
    assert imported.cv["person"]["links"] == {"homepage": "https://ada.example.org/",
                                              "linkedin": "https://www.linkedin.com/in/ada"}
    assert imported.notes == [
        "basics.image: not a file in the resume's folder; put the photo in static/ and write its path as "
        "person.photo ('../elsewhere/me.png')",
        "basics.profiles[0]: a second Homepage link; left out ('https://old.example.org/')",
        "basics.profiles[2]: a Mastodon profile needs a url; left out ('@ada@mathstodon.example')",
        "projects[0].url: only http(s) and mailto links are kept; left out ('javascript:alert(1)')",
        "hobbies: not a section of JSON Resume 1.0.0; left out",
    ]


# --- the round trip: the example -> resume.json -> data/ -> resume.json ------------------------------

# Facts of the example that JSON Resume has no place for: (the data file, the fact as written there).
# Each is in the example, and in neither the export nor the data imported from it. (The example has
# no news, talks or text sections, which JSON Resume has no place for either.)
NOT_CARRIED = [
    ("cv.yml", "affiliation: The University of Hong Kong"),  # basics has no affiliation
    ("cv.yml", "title: Honors and Awards"),  # section titles and ids
    ("cv.yml", "id: research"),
    ("cv.yml", "I have published 10 papers"),  # a section's intro
    ("cv.yml", "location: Hong Kong, China"),  # an education entry's location and details
    ("cv.yml", "details: supervised by Prof. Yizhou Yu and Prof. Ping Luo"),
    ("cv.yml", "Reviewer for Conference"),  # nested lists
    ("cv.yml", "IEEE Transactions on Neural Networks and Learning Systems"),
    ("cv.yml", "COMP 3270"),  # teaching
    ("site.yml", "ongoing_label: Now"),  # the site's settings
    ("site.yml", "title: Short CV"),
    ("site.yml", "description: \"Qiushan Guo, PhD student"),
    ("publications.bib", "De Mello, Shalini"),  # BibTeX authors, keys and fields beyond the export's
    ("publications.bib", "guo2024regiongpt"),
    ("publications.bib", "13796--13806"),
    ("publications.bib", "{NIPS}"),
    ("publications.bib", "Base model of SenseMirage"),
    ("publications.bib", "https://raphael-painter.github.io/"),  # a paper's links but the first
    ("publications.bib", "GuoQiushan/EGC"),
    ("publications.bib", "2304.02012"),
]


@pytest.fixture(scope="module")
def round_trip(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path, str]:
    """(the example's export, the folder imported from it, that folder's export)."""
    folder = tmp_path_factory.mktemp("round-trip")
    exported = export_text("jsonresume", ROOT)
    (folder / "resume.json").write_text(exported, encoding="utf-8")
    write_imported(import_jsonresume(folder / "resume.json"), folder / "site")
    return exported, folder / "site", export_text("jsonresume", folder / "site")


def test_the_round_trip_keeps_every_fact_json_resume_carries(round_trip: tuple[str, Path, str]) -> None:
    exported, site, exported_again = round_trip
    assert json.loads(exported_again) == json.loads(exported)
    assert main(["check", "--source", str(site)]) == 0
    # Written the cv-site way: the same facts.
    cv = yaml.safe_load((site / "data" / "cv.yml").read_text(encoding="utf-8"))
    assert section(cv, "Education")["entries"][0] == {
        "institution": "The University Of Hong Kong", "date": "2020.9 - present",
        "degree": "PhD student in Computer Science"}
    assert "@inproceedings{regiongpt2024," in (site / "data" / "publications.bib").read_text(encoding="utf-8")


@pytest.mark.parametrize("file, fact", NOT_CARRIED)
def test_what_json_resume_cannot_carry_is_really_absent(round_trip: tuple[str, Path, str], file: str,
                                                        fact: str) -> None:
    exported, site, _ = round_trip
    assert fact in (ROOT / "data" / file).read_text(encoding="utf-8")
    assert fact not in json.dumps(json.loads(exported), ensure_ascii=False)
    assert all(fact not in path.read_text(encoding="utf-8") for path in (site / "data").iterdir())


# --- bad input ---------------------------------------------------------------------------------------


def write_resume(folder: Path, resume: object) -> Path:
    path = folder / "resume.json"
    path.write_text(json.dumps(resume, indent=2) if not isinstance(resume, str) else resume, encoding="utf-8")
    return path


@pytest.mark.parametrize("content, message", [
    ('{\n  "basics": {"name": "A"}\n  "work": []\n}\n',
     "resume.json:3:3: not valid JSON: Expecting ',' delimiter\n"
     "    hint: fix the JSON there (a missing comma or quote is the usual cause)"),
    ("[1, 2]",
     'resume.json:1:1: expected a JSON Resume: an object ({"basics": {...}, "work": [...], ...}) (got a list)\n'
     "    hint: a JSON Resume is one object whose keys are its sections"),
    ('{"work": "Acme"}',
     "resume.json:1:10: work: expected a list of entries (got 'Acme')\n"
     '    hint: write "work": [{...}, {...}]'),
    ('{\n  "awards": [\n    {"title": "A"},\n    "Best paper"\n  ]\n}',
     "resume.json:4:5: awards[1]: expected an object ({...}) (got 'Best paper')\n"
     "    hint: each entry is an object of keys and values"),
    ('{"basics": {"name": ["Ada"]}}',
     "resume.json:1:21: basics.name: expected text (got a list)\n"
     '    hint: write it in quotes: "..."'),
    ('{"education": [{"institution": "U", "courses": "Maths"}]}',
     "resume.json:1:48: education[0].courses: expected a list of text (got 'Maths')\n"
     '    hint: write "courses": ["...", "..."]'),
    ('{"work": [{}, {}, {"name": "A", "startDate": "Spring 2020"}]}',
     "resume.json:1:46: work[2].startDate: not a date: unknown month name 'Spring' (got 'Spring 2020')\n"
     "    hint: write an ISO 8601 date: 2020, 2020-09 or 2020-09-01"),
    ('{"work": [{"name": "A", "startDate": "2020-09", "endDate": "2019-09"}]}',
     "resume.json:1:60: work[0].endDate: earlier than the startDate (2020-09) (got '2019-09')\n"
     "    hint: swap the two dates"),
    ('{"publications": [{"name": "P", "releaseDate": "2020-13"}]}',
     "resume.json:1:48: publications[0].releaseDate: not a date: month 13 is not between 1 and 12 (got '2020-13')\n"
     "    hint: write an ISO 8601 date: 2020, 2020-09 or 2020-09-01"),
])
def test_bad_input_is_a_located_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys, content: str,
                                      message: str) -> None:
    monkeypatch.chdir(tmp_path)  # the file is named as the user would type it
    write_resume(tmp_path, content)
    assert main(["import-jsonresume", "resume.json", "--output", "out"]) == 1
    assert capsys.readouterr().err == message + "\n1 error found; nothing was written.\n"
    assert not (tmp_path / "out").exists()


def test_not_a_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    monkeypatch.chdir(tmp_path)
    assert main(["import-jsonresume", "missing.json"]) == 1
    assert capsys.readouterr().err == ("missing.json: no such file\n"
                                       "    hint: give the path of a JSON Resume (resume.json)\n"
                                       "1 error found; nothing was written.\n")
    (tmp_path / "folder").mkdir()
    assert main(["import-jsonresume", "folder"]) == 1
    assert capsys.readouterr().err == ("folder: not a file\n"
                                       "    hint: give the path of a JSON Resume (resume.json), not a folder\n"
                                       "1 error found; nothing was written.\n")
    (tmp_path / "latin1.json").write_bytes('{"basics": {"name": "Chlo\xe9"}}'.encode("latin-1"))
    assert main(["import-jsonresume", "latin1.json"]) == 1
    assert capsys.readouterr().err.startswith("latin1.json: not UTF-8 text\n    hint: save it as UTF-8\n")


def test_every_problem_of_a_file_is_told_at_once(tmp_path: Path) -> None:
    resume = write_resume(tmp_path, {"work": "Acme", "skills": [{"name": "Python", "keywords": [1, ["x"]]}],
                                     "education": [{"institution": "U", "endDate": "20"}]})
    with pytest.raises(UserError) as raised:
        import_jsonresume(resume)
    assert [(problem.line, problem.key, problem.message) for problem in raised.value.problems] == [
        (2, "work", "expected a list of entries"),
        (8, "skills[0].keywords[1]", "expected text"),
        (17, "education[0].endDate", "not a date"),
    ]

"""`cv-site import-alfolio`: every paper and every CV entry of an al-folio site survives the import and
the build. The fixture in tests/data/alfolio/ is written in al-folio's shapes for these tests."""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest
import yaml

from cv_site.importers.alfolio import import_alfolio
from cv_site.importers.alfolio_cv import time_table_kind
from cv_site.importers.write import write_imported
from cv_site.build import BuildOptions, build
from cv_site.cli import main
from cv_site.scaffold import scaffold

FIXTURE = Path(__file__).resolve().parent / "data" / "alfolio"


def normalise(text: str) -> str:
    """Visible text, comparable: tags dropped, entities and typographic quotes/dashes made plain."""
    text = re.sub(r"<[^>]+>", " ", text)
    text = html.unescape(text)
    for fancy, plain in {"’": "'", "‘": "'", "“": '"', "”": '"', "–": "-", "—": "-", "\u00a0": " "}.items():
        text = text.replace(fancy, plain)
    text = re.sub(r"\s*-\s*", " - ", text)
    return " ".join(text.split())


def expected_texts(cv: list[dict]) -> list[str]:
    """Every piece of text in al-folio's cv.yml that a reader should still find."""
    texts: list[str] = []

    def add(value: object) -> None:
        if isinstance(value, dict):
            for key in ("title", "institution", "year", "date", "location", "name", "value"):
                if key in value:
                    add(value[key])
            for key in ("description", "items", "contents"):
                if key in value:
                    add(value[key])
        elif isinstance(value, list):
            for item in value:
                add(item)
        elif value is not None:
            texts.append(normalise(str(value)))

    for section in cv:
        add(section["title"])
        add(section["contents"])
    return texts


@pytest.fixture(scope="module")
def imported_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("imported") / "site"
    scaffold(folder, name="Émilie du Châtelet")
    assert main(["import-alfolio", str(FIXTURE), "--output", str(folder), "--force"]) == 0
    return folder


@pytest.fixture(scope="module")
def built(imported_site: Path):
    return build(BuildOptions(imported_site, imported_site / "_site"))


def test_papers_bib_is_copied_byte_for_byte(imported_site: Path):
    assert (imported_site / "data" / "publications.bib").read_bytes() == (FIXTURE / "_bibliography" / "papers.bib").read_bytes()


def test_every_paper_survives_the_build(built):
    keys = re.findall(r"^@(?!string)\w+\{([^,]+),", (FIXTURE / "_bibliography" / "papers.bib").read_text(), re.M | re.I)
    assert len(keys) == 4
    assert sorted(p.key for p in built.site.publications) == sorted(keys)
    listing = built.files["publications/index.html"].decode()
    for paper in built.site.publications:
        assert f"publications/{paper.key}/index.html" in built.files
        assert html.escape(paper.title, quote=False) in listing
    # al-folio's own fields are read: badge, selected, award, arXiv link; custom fields not shown.
    by_key = built.site.publications_by_key
    assert by_key["chatelet1740institutions"].selected and by_key["chatelet1740institutions"].abbr == "Book"
    assert by_key["chatelet1744feu"].award == "Honourable mention"
    assert any(link.kind.name == "arxiv" for link in by_key["chatelet1741reponse"].links)
    assert "preview" not in built.files["publications.bib"].decode()


def test_local_paper_files_come_along(built):
    """al-folio's `pdf = {institutions.pdf}` means assets/pdf/institutions.pdf: it is copied to static/."""
    local = [link.href for paper in built.site.publications for link in paper.links if "://" not in link.href]
    assert local == ["assets/pdf/institutions.pdf"]
    assert built.files["assets/pdf/institutions.pdf"] == (FIXTURE / "assets" / "pdf" / "institutions.pdf").read_bytes()


def test_thumbnails_come_along_and_show(built):
    """al-folio's `preview = {principia.gif}` is assets/img/publication_preview/principia.gif."""
    folder = FIXTURE / "assets" / "img" / "publication_preview"
    for name in ("institutions.png", "principia.gif"):
        path = f"assets/img/publication_preview/{name}"
        assert built.files[path] == (folder / name).read_bytes()
        assert f'src="/homepage/{path}"' in built.files["publications/index.html"].decode()  # the base path


def test_a_thumbnail_al_folio_lacks_is_a_note():
    from cv_site.importers.alfolio import missing_previews

    bib = "@article{a,\n  preview={gone.png},\n}\n@article{b,\n  preview = {principia.gif}\n}\n"
    assert missing_previews(bib, FIXTURE / "assets" / "img" / "publication_preview") == [
        "_bibliography/papers.bib: preview 'gone.png' is not in assets/img/publication_preview/: put it in "
        "static/assets/img/publication_preview/, or remove the field"]


def test_every_cv_entry_survives_the_build(built):
    alfolio_cv = yaml.safe_load((FIXTURE / "_data" / "cv.yml").read_text(encoding="utf-8"))
    page = normalise(built.files["cv/index.html"].decode())
    missing = [text for text in expected_texts(alfolio_cv) if text not in page]
    assert missing == []


def test_section_kinds(imported_site: Path):
    cv = yaml.safe_load((imported_site / "data" / "cv.yml").read_text(encoding="utf-8"))
    kinds = [(section["title"], section["kind"]) for section in cv["sections"]]
    assert kinds == [
        ("General Information", "map"),
        ("Education", "education"),
        ("Experience", "experience"),
        ("Open Source Projects", "experience"),
        ("Honors and Awards", "awards"),
        ("Academic Interests", "nested_list"),
        ("Other Interests", "list"),
        ("Publications", "publications"),
        ("Projects", "projects"),
    ]
    education = cv["sections"][1]["entries"][0]
    assert education == {
        "institution": "Paris, France",
        "date": "1733 - 1734",
        "degree": "Private tutoring in mathematics",
        "highlights": ["Studied algebra and calculus with Pierre Louis Maupertuis.", "Later studied with Alexis Clairaut."],
    }
    experience = cv["sections"][2]["entries"][0]
    assert experience["organization"] == "Château de Cirey, Champagne"
    assert experience["role"] == "Independent natural philosopher"
    assert experience["date"] == "1735 - Now"
    assert "[Johann Bernoulli](https://example.org/bernoulli)" in experience["highlights"][1]
    awards = cv["sections"][4]["entries"]
    assert [(a["title"], a["date"]) for a in awards] == [
        ("Essay on fire published by the Académie des sciences", 1738),
        ("Honourable mention, Prize of the Académie", 1738),
        ("Elected to the Academy of Sciences of the Institute of Bologna", 1746),
    ]
    assert cv["sections"][6]["entries"][1]["text"] == "**Translation:** Mandeville's *The Fable of the Bees*."


def test_person_site_and_news(imported_site: Path):
    cv = yaml.safe_load((imported_site / "data" / "cv.yml").read_text(encoding="utf-8"))
    person = cv["person"]
    assert person["name"] == "Émilie du Châtelet"
    assert person["email"] == "emilie@example.org"
    assert person["links"] == {"scholar": "EmIlIe0000AAAAJ", "github": "emilie-example",
                               "orcid": "0000-0002-1825-0097", "x": "emilie_example"}
    assert "Chatelet, E." in person["aliases"]
    site = yaml.safe_load((imported_site / "data" / "site.yml").read_text(encoding="utf-8"))
    assert site["url"] == "https://emilie-example.github.io/homepage/"
    assert site["description"].startswith("Émilie du Châtelet's academic homepage")
    news = yaml.safe_load((imported_site / "data" / "news.yml").read_text(encoding="utf-8"))["news"]
    assert [item["date"] for item in news] == ["2024-03-02", "2024-01-15"]
    assert news[1]["text"] == "Our essay on the nature of fire was read at the [Académie](https://example.org/academie). :fire:"
    assert "{%" not in news[0]["text"]


def test_owner_is_highlighted_in_every_spelling(built):
    for paper in built.site.publications:
        assert any(author.is_owner for author in paper.authors), paper.key


def test_unreadable_date_is_kept_and_reported(capsys):
    imported = import_alfolio(FIXTURE)
    projects = imported.cv["sections"][3]["entries"][0]
    assert projects["organization"] == "Institutions de Physique"
    assert projects["summary"][0] == "Fall 1740"
    assert any("'Fall 1740'" in note for note in imported.notes)


@pytest.mark.parametrize("title, items, kind", [
    ("Education", [{"title": "PhD", "institution": "X"}], "education"),
    ("Academic Positions", [{"title": "Professor", "institution": "X"}], "experience"),
    ("Work Experience", [{"title": "Engineer"}], "experience"),
    ("Honors", [{"year": 2020, "items": ["A prize"]}], "awards"),
    ("Milestones", [{"year": 2020, "items": ["A"]}], "awards"),
    ("Training", [{"title": "Course", "institution": "School"}], "education"),
    ("Projects", [{"title": "A project", "year": 2020}], "experience"),
])
def test_time_table_kind(title, items, kind):
    assert time_table_kind(title, items) == kind


def test_refuses_to_overwrite_without_force(tmp_path: Path, capsys):
    scaffold(tmp_path / "site")
    assert main(["import-alfolio", str(FIXTURE), "--output", str(tmp_path / "site")]) == 1
    err = capsys.readouterr().err
    assert "already exists" in err and "--force" in err
    assert "Your Name" in (tmp_path / "site" / "data" / "cv.yml").read_text(encoding="utf-8")


def test_into_a_new_folder_and_cv_only(tmp_path: Path):
    source = tmp_path / "al-folio"
    shutil.copytree(FIXTURE, source)
    (source / "_bibliography" / "papers.bib").unlink()
    shutil.rmtree(source / "_news")
    shutil.rmtree(source / "_projects")
    shutil.rmtree(source / "_posts")
    shutil.rmtree(source / "assets")
    (source / "_config.yml").unlink()
    imported = import_alfolio(source)
    written = write_imported(imported, tmp_path / "out")
    assert sorted(p.name for p in written) == ["cv.yml", "news.yml", "site.yml"]
    # Without _config.yml the name comes from the "Full Name" line of the map section.
    assert imported.cv["person"]["name"].startswith("Gabrielle Émilie")
    assert build(BuildOptions(tmp_path / "out", tmp_path / "out" / "_site", pdf=False)).site.publications == []


def test_not_an_alfolio_folder(tmp_path: Path, capsys):
    assert main(["import-alfolio", str(tmp_path)]) == 1
    assert "neither _data/cv.yml nor _bibliography/papers.bib" in capsys.readouterr().err
    assert main(["import-alfolio", str(tmp_path / "missing")]) == 1
    assert "not a folder" in capsys.readouterr().err


def test_broken_yaml_is_a_user_error(tmp_path: Path, capsys):
    (tmp_path / "_data").mkdir()
    (tmp_path / "_data" / "cv.yml").write_text("- title: A\n  type: list\n contents: [x]\n")
    assert main(["import-alfolio", str(tmp_path), "--output", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert "cv.yml:3" in err and "not valid YAML" in err


def test_projects_and_posts_come_along(imported_site: Path):
    cv = yaml.safe_load((imported_site / "data" / "cv.yml").read_text(encoding="utf-8"))
    [projects] = [section for section in cv["sections"] if section["kind"] == "projects"]
    assert projects["entries"] == [
        {"title": "Prism experiments", "summary": "Splitting white light into its colours.",
         "image": "assets/img/projects/prism.png", "image_alt": "Prism experiments", "tags": ["work"]},
        {"title": "A reflecting telescope", "summary": "A mirror instead of a lens."},
    ]
    assert (imported_site / "static" / "assets" / "img" / "projects" / "prism.png").read_bytes() == (
        FIXTURE / "assets" / "img" / "projects" / "prism.png").read_bytes()
    post = (imported_site / "data" / "posts" / "2015-03-15-on-colours.md").read_text(encoding="utf-8")
    assert post.startswith("---\ntitle: On colours\ndescription: Light is a mixture of colours.\n"
                           "tags:\n- light\n- optics\n---\nWhite light is a **mixture** of colours.\n")
    draft = (imported_site / "data" / "posts" / "2016-01-01-unpublished.md").read_text(encoding="utf-8")
    assert "draft: true" in draft
    assert not (imported_site / "data" / "posts" / "2024-01-15-welcome.md").exists()  # the starter's placeholder
    site = yaml.safe_load((imported_site / "data" / "site.yml").read_text(encoding="utf-8"))
    assert site["pages"] == ["publications", "projects", "posts"]


def test_what_did_not_come_along_is_in_the_notes():
    notes = import_alfolio(FIXTURE).notes
    assert "_projects/2_telescope.md: its image 'assets/img/projects/missing.jpg' is not in the al-folio folder; left out" in notes
    assert "_posts/: front matter keys with no place here were left out: categories" in notes
    assert "_posts/: Jekyll's {% %} and {{ }} tags are shown as written in: 2015-03-15-on-colours.md" in notes

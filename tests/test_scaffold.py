"""`cv-site new`: the starter site, its refusal to overwrite, and a real build from a wheel install."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from cv_site.build import BuildOptions, build
from cv_site.cli import main
from cv_site.load.site import load_site
from cv_site.schema import SECTION_KINDS
from cv_site.requirement_pin import installed_pin
from cv_site.scaffold import scaffold, starter_files
from conftest import run_sitecheck
from test_workflows import BASE_URL_EXPRESSION, fresh_venv, load_workflow, run_commands, run_steps

ROOT = Path(__file__).resolve().parent.parent


def test_starter_files_are_complete():
    files = starter_files()
    assert set(files) == {
        ".github/workflows/pages.yml", ".github/workflows/tests.yml", ".gitignore", "README.md",
        "requirements.txt", "data/cv.yml", "data/site.yml", "data/news.yml", "data/publications.bib", "data/posts/2024-01-15-welcome.md",
    }
    assert "_site/" in files[".gitignore"].splitlines()
    assert files["requirements.txt"].strip().splitlines()[-1] == installed_pin().line


def test_every_section_kind_once_and_two_papers(tmp_path: Path):
    scaffold(tmp_path / "site")
    cv = yaml.safe_load((tmp_path / "site" / "data" / "cv.yml").read_text(encoding="utf-8"))
    assert sorted(section["kind"] for section in cv["sections"]) == sorted(SECTION_KINDS)
    site = load_site(tmp_path / "site")
    assert [p.key for p in site.publications] == ["name2024placeholder", "name2023sample"]
    assert site.warnings == []
    # Every kind is documented in the comments at the top.
    header = (tmp_path / "site" / "data" / "cv.yml").read_text(encoding="utf-8").split("person:")[0]
    for kind in SECTION_KINDS:
        assert re.search(rf"^#\s+{kind}\s", header, re.M), kind


def test_name_is_filled_in_everywhere(tmp_path: Path):
    scaffold(tmp_path / "site", name='Ada "Countess" Lovelace: Jr')
    site = load_site(tmp_path / "site")
    assert site.person.name == 'Ada "Countess" Lovelace: Jr'
    texts = [p.read_text(encoding="utf-8") for p in (tmp_path / "site").rglob("*") if p.is_file()]
    assert not any("Your Name" in text for text in texts)
    # The owner's name in the placeholder papers is recognised as the owner.
    assert all(any(a.is_owner for a in paper.authors) for paper in site.publications)


def test_default_name_is_an_obvious_placeholder(tmp_path: Path):
    scaffold(tmp_path / "site")
    site = load_site(tmp_path / "site")
    assert site.person.name == "Your Name"
    assert "placeholder" in site.person.bio.lower()


def test_refuses_a_folder_that_is_not_empty(tmp_path: Path, capsys):
    folder = tmp_path / "site"
    folder.mkdir()
    (folder / "notes.txt").write_text("mine")
    assert main(["new", str(folder)]) == 1
    err = capsys.readouterr().err
    assert "not empty" in err and "--force" in err
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt"]

    assert main(["new", str(folder), "--force", "--name", "Ada Lovelace"]) == 0
    assert (folder / "notes.txt").read_text() == "mine"
    assert (folder / "data" / "cv.yml").is_file()


def test_force_keeps_the_users_data_and_a_copy_of_every_file_it_replaces(tmp_path: Path, capsys):
    folder = tmp_path / "site"
    assert main(["new", str(folder)]) == 0
    (folder / "data" / "cv.yml").write_text("person: {name: Ada}\n")
    (folder / "README.md").write_text("my notes")
    (folder / ".gitignore").write_text("secrets/\n")
    (folder / ".gitignore.orig").write_text("an older backup")
    capsys.readouterr()

    assert main(["new", str(folder), "--force"]) == 0
    assert capsys.readouterr().out.splitlines()[:4] == [
        f"created 2 files in {folder}",
        "replaced README.md (yours is now README.md.orig)",
        "replaced .gitignore (yours is now .gitignore.orig.2)",
        "kept your data/cv.yml (the starter's is not written over data/)",
    ]
    assert (folder / "data" / "cv.yml").read_text() == "person: {name: Ada}\n"
    assert (folder / "README.md.orig").read_text() == "my notes"
    assert (folder / ".gitignore.orig.2").read_text() == "secrets/\n"
    assert (folder / ".gitignore.orig").read_text() == "an older backup"
    assert ".cv-site-work/" in (folder / ".gitignore").read_text()


def test_force_refuses_a_folder_where_a_starter_file_goes(tmp_path: Path, capsys):
    folder = tmp_path / "site"
    (folder / "README.md").mkdir(parents=True)
    assert main(["new", str(folder), "--force"]) == 1
    assert capsys.readouterr().err == (
        f"{folder / 'README.md'}: this is a folder, where the starter writes README.md\n"
        "    hint: rename or move it, then run cv-site new again\n1 error found; nothing was written.\n")
    assert [p.name for p in folder.iterdir()] == ["README.md"]


def test_empty_folder_is_fine_and_a_file_is_refused(tmp_path: Path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["new", str(tmp_path / "empty")]) == 0
    assert "cv-site build" in capsys.readouterr().out
    (tmp_path / "file").write_text("x")
    assert main(["new", str(tmp_path / "file")]) == 1
    assert "not a folder" in capsys.readouterr().err


def test_scaffold_builds_in_process(tmp_path: Path):
    scaffold(tmp_path / "site", name="Ada Lovelace")
    result = build(BuildOptions(tmp_path / "site", tmp_path / "site" / "_site", "https://ada.github.io/mysite"))
    assert "cv.pdf" in result.files
    cv_page = result.files["cv/index.html"].decode()
    assert "Ada Lovelace" in cv_page and "href=\"/mysite/" in cv_page


@pytest.fixture(scope="module")
def wheel_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """SLOW: a wheel of cv-site, installed (not editable) into a fresh venv; `cv-site new` from
    outside the repository; then the scaffold's own pages.yml steps, which install its
    requirements.txt (cv-site==VERSION, found as the local wheel) and build the site."""
    if shutil.which("git") is None:
        pytest.skip("git is needed to build the wheel from a clean copy")
    tmp = tmp_path_factory.mktemp("wheel")
    env = fresh_venv(tmp / "venv")
    wheels = tmp / "wheels"
    subprocess.run(["python", "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
                   env=env, check=True, capture_output=True, text=True, timeout=600)
    (wheel,) = wheels.glob("cv_site-*.whl")
    env["PIP_FIND_LINKS"] = str(wheels)
    subprocess.run(["python", "-m", "pip", "install", "-q", str(wheel)], env=env, check=True,
                   capture_output=True, text=True, timeout=600)
    outside = tmp / "elsewhere"
    outside.mkdir()
    new = subprocess.run(["cv-site", "new", "mysite", "--name", "Ada Lovelace"], cwd=outside, env=env,
                         capture_output=True, text=True, timeout=120)
    assert new.returncode == 0, new.stderr
    site = outside / "mysite"
    # The scaffold's own deploy steps, with a user site's address (what check-links serves: /).
    workflow = load_workflow(site / ".github" / "workflows" / "pages.yml")
    run_steps(run_commands(workflow), site, env, "https://ada-lovelace.github.io")
    # And what the README tells the owner: `cd mysite && cv-site build` (with data/site.yml's url).
    plain = subprocess.run(["cv-site", "build", "--output", str(tmp / "plain")], cwd=site, env=env,
                           capture_output=True, text=True, timeout=120)
    assert plain.returncode == 0, plain.stderr
    imported = subprocess.run(["python", "-c", "import cv_site; print(cv_site.__file__)"], cwd=outside,
                              env=env, capture_output=True, text=True, check=True).stdout
    assert str(tmp / "venv") in imported, "cv-site must come from the wheel, not the checkout"
    return site / "_site"


@pytest.mark.slow
def test_scaffold_from_wheel_builds(wheel_site: Path):
    assert (wheel_site / "cv.pdf").read_bytes().startswith(b"%PDF")
    index = (wheel_site / "index.html").read_text(encoding="utf-8")
    assert "Ada Lovelace" in index
    assert (wheel_site / "publications" / "name2024placeholder" / "index.html").is_file()
    assert "https://ada-lovelace.github.io/" in (wheel_site / "sitemap.xml").read_text(encoding="utf-8")


@pytest.mark.slow
def test_scaffold_site_passes_check_html(wheel_site: Path):
    run_sitecheck("check-html", wheel_site)


@pytest.mark.slow
def test_scaffold_site_passes_check_links(wheel_site: Path):
    run_sitecheck("check-links", wheel_site)


def test_starter_pages_workflow_uses_requirements():
    workflow = load_workflow(ROOT / "cv_site" / "starter" / "dot-github" / "workflows" / "pages.yml")
    assert run_commands(workflow) == [
        "python -m pip install -r requirements.txt",
        f'cv-site build --base-url "{BASE_URL_EXPRESSION}"',
    ]


def test_starter_readme_previews_with_serve_and_explains_the_pin():
    """Opening _site/index.html over file:// shows an unstyled page (every address starts with /):
    the starter README sends the owner to `cv-site serve`, and says what requirements.txt pins."""
    readme = starter_files()["README.md"]
    assert "run `.venv/bin/cv-site serve` and open the address it prints" in readme
    assert "Open `_site/index.html`" not in readme and "http.server" not in readme
    upgrading = readme.split("## Upgrading cv-site", 1)[1]
    assert "`cv-site==0.2.0`" in upgrading and "`cv-site @ git+https://github.com/OWNER/cv-site@COMMIT`" in upgrading
    assert "warned about that line" in upgrading

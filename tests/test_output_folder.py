"""`cv-site build --output DIR` never removes a file cv-site did not write: an output folder that
would overlap the sources is refused, and so is a folder of the user's, unless --force. Each
refusal is one line naming both folders and what to do, exit status 1, and nothing is touched."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from cv_site.cli import main

ROOT = Path(__file__).resolve().parent.parent
SUMMARY = "1 error found; nothing was written."


def everything(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): (p.read_bytes() if p.is_file() else b"/")
            for p in sorted(folder.rglob("*"))}


@pytest.fixture
def site(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The example site in a folder of its own, with a file of the user's beside data/; the working
    folder is the site's, as when a user types the command there."""
    folder = tmp_path / "site"
    shutil.copytree(ROOT / "data", folder / "data")
    (folder / "static").mkdir()
    (folder / "static" / "photo.txt").write_text("mine")
    (folder / "notes.txt").write_text("the user's notes")
    (tmp_path / "neighbour.txt").write_text("next door")
    monkeypatch.chdir(folder)
    return folder


OVERLAPS = [
    ("..", "..: --output: this folder holds the site's own folder (.), which a build must never touch; "
           "build into a folder of its own, such as _site"),
    (".", ".: --output: this folder is the site's own folder (.), which a build must never touch; "
          "build into a folder of its own, such as _site"),
    ("data", "data: --output: this folder is the site's data/ folder (data), which a build must never touch; "
             "build into a folder of its own, such as _site"),
    ("data/site", "data/site: --output: this folder is inside the site's data/ folder (data), which a build "
                  "must never touch; build into a folder of its own, such as _site"),
    ("static/x", "static/x: --output: this folder is inside the site's static/ folder (static), which a build "
                 "must never touch; build into a folder of its own, such as _site"),
    ("templates", "templates: --output: this folder is the site's templates/ folder (templates), which a build "
                  "must never touch; build into a folder of its own, such as _site"),
]


@pytest.mark.parametrize("command", ["build", "serve"])
@pytest.mark.parametrize("output, message", OVERLAPS)
def test_an_output_folder_that_overlaps_the_sources_is_refused(site: Path, capsys, command: str, output: str,
                                                                message: str) -> None:
    before = everything(site.parent)
    assert main([command, "--no-pdf", "--output", output]) == 1
    assert capsys.readouterr().err == f"{message}\n{SUMMARY}\n"
    assert everything(site.parent) == before
    # --force never makes such a folder acceptable
    assert main([command, "--no-pdf", "--output", output, "--force"]) == 1
    assert everything(site.parent) == before


def test_a_folder_of_the_users_is_refused_and_with_force_nothing_of_theirs_goes(site: Path, capsys) -> None:
    mine = site / "public"
    mine.mkdir()
    (mine / "CNAME").write_text("ada.example.org")
    (mine / "index.html").write_text("my old page")
    (mine / "talks").mkdir()
    (mine / "talks" / "slides.pdf").write_bytes(b"%PDF")
    before = everything(site)

    assert main(["build", "--no-pdf", "--output", "public"]) == 1
    assert capsys.readouterr().err == (
        "public: --output: this folder is not empty (CNAME, index.html, talks) and no cv-site build wrote it; "
        "build into a new or empty folder, or add --force to write into it (files of the same name are "
        f"replaced, no other file is removed)\n{SUMMARY}\n")
    assert everything(site) == before

    assert main(["build", "--no-pdf", "--output", "public", "--force"]) == 0
    assert (mine / "CNAME").read_text() == "ada.example.org"
    assert (mine / "talks" / "slides.pdf").read_bytes() == b"%PDF"
    assert "Qiushan Guo" in (mine / "index.html").read_text()  # same name: replaced, as --force says

    (mine / "later.txt").write_text("added after the build")
    assert main(["build", "--no-pdf", "--output", "public"]) == 0  # recorded now: no --force needed
    assert (mine / "later.txt").exists() and (mine / "CNAME").exists() and (mine / "talks" / "slides.pdf").exists()
    assert sorted(p.name for p in site.iterdir()) == [".cv-site-work", "data", "notes.txt", "public", "static"]


def test_the_default_output_keeps_the_users_files_and_the_site_folder(site: Path, capsys) -> None:
    assert main(["build", "--no-pdf"]) == 0
    out = site / "_site"
    (out / "notes-in-site.txt").write_text("mine")
    (out / ".git").mkdir()
    (out / ".git" / "HEAD").write_text("ref")
    bib = site / "data" / "publications.bib"
    bib.write_text(bib.read_text(encoding="utf-8").split("\n@")[0] + "\n", encoding="utf-8")  # one paper left
    assert main(["build", "--no-pdf"]) == 0
    assert "removed" in capsys.readouterr().out
    assert (out / "notes-in-site.txt").read_text() == "mine"
    assert (out / ".git" / "HEAD").read_text() == "ref"
    assert (site / "notes.txt").read_text() == "the user's notes"
    assert (site.parent / "neighbour.txt").read_text() == "next door"
    assert sorted(p.name for p in site.iterdir()) == [".cv-site-work", "_site", "data", "notes.txt", "static"]


def test_an_output_that_is_a_file_is_refused(site: Path, capsys) -> None:
    assert main(["build", "--no-pdf", "--output", "notes.txt"]) == 1
    assert capsys.readouterr().err == (
        "notes.txt: --output: this is not a folder; give a folder for the site (it is made when missing)\n"
        f"{SUMMARY}\n")
    assert (site / "notes.txt").read_text() == "the user's notes"


def test_the_work_area_and_a_linked_output_are_refused(site: Path, capsys) -> None:
    assert main(["build", "--no-pdf", "--output", ".cv-site-work/x", "--force"]) == 1
    assert capsys.readouterr().err == (
        ".cv-site-work/x: --output: this folder is in .cv-site-work/, where cv-site makes its builds; "
        f"build into a folder of its own, such as _site\n{SUMMARY}\n")
    (site.parent / "real").mkdir()
    (site / "public").symlink_to(site.parent / "real")
    assert main(["build", "--no-pdf", "--output", "public"]) == 1
    assert capsys.readouterr().err == (
        f"public: --output: this is a link (to {site.parent / 'real'}); cv-site replaces the output folder "
        f"whole, so give the folder itself as --output\n{SUMMARY}\n")
    assert list((site.parent / "real").iterdir()) == []

"""The README is a promise: every shell command it shows is run here (or by the named test), its data
reference covers every key of every model and its examples validate, and its theming example works."""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from cv_site.build import BuildOptions, build
from cv_site.schema import (
    AwardEntry, CvFile, EducationEntry, ExperienceEntry, ListEntry, ListGroup, MapEntry, NewsFile, NewsItem,
    PdfSettings, Person, ProfileLinks, Project, PublicationsSection, Settings, TextSection, _Section,
)
from cv_site.scaffold import scaffold
from cv_site.variants import CvVariant, VariantSection

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
ALFOLIO_FIXTURE = ROOT / "tests" / "data" / "alfolio"

BUILD_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -e . && .venv/bin/cv-site build"
TEST_COMMAND = "python3 -m venv .venv && .venv/bin/pip install -q -e '.[test]' && .venv/bin/python -m pytest"

# Commands that need more than a sandbox folder, and the test that runs each. Every other command in
# a ```sh block is run by test_readme_sh_blocks_run, block by block, in a sandbox.
EXERCISED_ELSEWHERE = {
    BUILD_COMMAND: "tests/test_readme.py::test_readme_build_command_builds_the_example",
    TEST_COMMAND: "tests/test_workflows.py::test_tests_workflow_runs_the_readme_test_command",
}


def fenced_blocks(language: str) -> list[str]:
    return re.findall(rf"^```{language}\n(.*?)^```", README, re.M | re.S)


def block_commands(block: str) -> list[str]:
    """The commands of a ```sh block: comment lines dropped, trailing `# comments` cut."""
    commands = []
    for line in block.splitlines():
        line = re.sub(r"\s+#\s.*$", "", line).strip()
        if line and not line.startswith("#"):
            commands.append(line)
    return commands


def section(title: str) -> str:
    """The README's text under a heading (any level), up to the next heading of the same level or higher."""
    heading = re.search(rf"^(#+) {re.escape(title)}\n", README, re.M)
    assert heading, f"README has no section {title!r}"
    rest = README[heading.end():]
    end = re.search(rf"^#{{1,{len(heading.group(1))}}} ", rest, re.M)
    return rest[: end.start()] if end else rest


# --- the commands -----------------------------------------------------------------------------------


def test_two_commands_are_unchanged_and_ci_runs_the_test_command():
    two = section("Two commands")
    assert block_commands("\n".join(re.findall(r"^```sh\n(.*?)^```", two, re.M | re.S))) == [BUILD_COMMAND, TEST_COMMAND]
    assert TEST_COMMAND in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()


def test_every_readme_command_is_exercised():
    commands = [command for block in fenced_blocks("sh") for command in block_commands(block)]
    assert len(commands) >= 8
    for command in commands:
        if command in EXERCISED_ELSEWHERE:
            path, name = EXERCISED_ELSEWHERE[command].split("::")
            module = importlib.import_module(Path(path).stem)
            assert callable(getattr(module, name, None)), f"{command!r}: {EXERCISED_ELSEWHERE[command]} is missing"
        else:
            assert command.split()[0] in ("cv-site", "cd"), f"{command!r}: map it to a test in EXERCISED_ELSEWHERE"


def _sandbox(tmp_path: Path) -> tuple[Path, dict[str, str]]:
    """A folder holding a copy of the example data/ (cwd), an al-folio site beside it (../al-folio),
    library exports in ~/Downloads (HOME is the sandbox), and a PATH whose `cv-site` is this Python's."""
    work = tmp_path / "work"
    shutil.copytree(ROOT / "data", work / "data")
    shutil.copytree(ALFOLIO_FIXTURE, tmp_path / "al-folio")
    shutil.copytree(ROOT / "tests" / "data" / "exports", tmp_path / "Downloads")
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "cv-site"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m cv_site "$@"\n')
    shim.chmod(0o755)
    env = dict(os.environ, PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}", HOME=str(tmp_path))
    return work, env


@pytest.mark.parametrize("block", [b for b in fenced_blocks("sh") if not set(block_commands(b)) & set(EXERCISED_ELSEWHERE)],
                         ids=lambda b: block_commands(b)[0][:40])
def test_readme_sh_blocks_run(block: str, tmp_path: Path):
    work, env = _sandbox(tmp_path)
    script = "set -e\n" + "\n".join(block_commands(block)) + "\n"
    result = subprocess.run(["bash", "-c", script], cwd=work, env=env, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"{script}\n{result.stdout}\n{result.stderr}"
    if "schema" in script:
        assert '"$schema"' in (work / "cv.schema.json").read_text(encoding="utf-8")
    if "--base-url https://name.github.io/repo/" in script:
        assert 'href="/repo/publications/"' in (work / "_site" / "index.html").read_text(encoding="utf-8")
    if "import-bib" in script:
        assert "@article{lin2023robust," in (work / "data" / "publications.bib").read_text(encoding="utf-8")
    if "import-alfolio" in script:
        assert "du Châtelet" in (work / "mysite" / "_site" / "index.html").read_text(encoding="utf-8")
    elif "cv-site new" in script:
        assert "Ada Lovelace" in (work / "mysite" / "_site" / "index.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_readme_build_command_builds_the_example(tmp_path: Path):
    """SLOW (fresh venv + install): the README's first command, verbatim, in a copy of the checkout."""
    from test_workflows import checkout_copy

    if shutil.which("git") is None or not (ROOT / ".git").exists():
        pytest.skip("needs a git checkout of the repository to copy")
    checkout = checkout_copy(tmp_path / "checkout")
    env = {k: v for k, v in os.environ.items() if k not in ("VIRTUAL_ENV", "PYTHONPATH", "PYTHONHOME")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    result = subprocess.run(["bash", "-c", BUILD_COMMAND], cwd=checkout, env=env, capture_output=True, text=True,
                            timeout=600)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Qiushan Guo" in (checkout / "_site" / "index.html").read_text(encoding="utf-8")
    assert (checkout / "_site" / "cv.pdf").is_file()


# --- the data reference -----------------------------------------------------------------------------


REFERENCE = {
    "data/site.yml": [Settings, PdfSettings, CvVariant, VariantSection],
    "data/cv.yml: person": [Person, ProfileLinks],
    "data/cv.yml: sections": [_Section, EducationEntry, ExperienceEntry, Project, AwardEntry, ListEntry,
                              ListGroup, MapEntry, TextSection, PublicationsSection],
    "data/news.yml": [NewsFile, NewsItem],
}


@pytest.mark.parametrize("title", REFERENCE)
def test_reference_names_every_field(title: str):
    text = section(title)
    for model in REFERENCE[title]:
        for name in model.fields:
            assert re.search(rf"(^|[\s{{`-]){re.escape(name)}:", text, re.M), f"{model.__name__}.{name} is not in '{title}'"


def test_reference_names_every_section_kind():
    text = section("data/cv.yml: sections")
    from cv_site.schema import SECTION_KINDS

    for kind in SECTION_KINDS:
        assert f"kind: {kind}\n" in text


def test_reference_examples_validate():
    site = yaml.safe_load(re.search(r"```yaml\n(.*?)```", section("data/site.yml"), re.S).group(1))
    Settings.from_data(site)
    person = yaml.safe_load(re.search(r"```yaml\n(.*?)```", section("data/cv.yml: person"), re.S).group(1))
    sections = yaml.safe_load(re.search(r"```yaml\n(.*?)```", section("data/cv.yml: sections"), re.S).group(1))
    cv = CvFile.from_data({**person, **sections})
    assert len(cv.sections) == 11
    news = yaml.safe_load(re.search(r"```yaml\n(.*?)```", section("data/news.yml"), re.S).group(1))
    NewsFile.from_data(news)


# al-folio's custom BibTeX fields, which cv-site reads as al-folio does.
ALFOLIO_FIELDS = ["abbr", "selected", "preview", "pdf", "code", "html", "website", "arxiv", "doi", "slides", "poster",
                  "video", "supp", "blog", "bibtex_show", "award", "annotation", "additional_info", "abstract",
                  "google_scholar_id"]


def test_reference_bibtex_fields_are_listed():
    from cv_site.links import PAPER_LINK_KINDS

    text = section("data/*.bib")
    for name in [*ALFOLIO_FIELDS, *PAPER_LINK_KINDS]:
        assert re.search(rf"`{name}[` ]", text), name


# --- theming, screenshot ----------------------------------------------------------------------------


def test_theming_example_works(tmp_path: Path):
    scaffold(tmp_path, name="Ada Lovelace")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "base.html.j2").write_text(fenced_blocks("jinja")[0], encoding="utf-8")
    (tmp_path / "static" / "assets").mkdir(parents=True)
    (tmp_path / "static" / "assets" / "extra.css").write_text(":root { --bg: #fffdf5; }\n", encoding="utf-8")
    result = build(BuildOptions(tmp_path, tmp_path / "_site", pdf=False))
    for page in ("index.html", "cv/index.html", "publications/index.html"):
        text = result.files[page].decode()
        assert re.search(r'<link rel="stylesheet" href="/assets/extra\.css(\?[^"]*)?"', text), page
        assert 'href="/assets/style.css' in text  # the theme's layout is still there
    assert "assets/extra.css" in result.files


def test_screenshot_is_small_and_shown():
    shot = ROOT / "docs" / "screenshot.png"
    assert shot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert shot.stat().st_size < 300_000
    assert "](docs/screenshot.png)" in README

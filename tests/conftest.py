"""Shared fixtures: a small hand-made site model (no files needed), and the --update-golden flag."""

from __future__ import annotations

import os
import subprocess
import tempfile
from pathlib import Path

import pytest

from cv_site.links import make_link
from cv_site.model import Author, Post, Publication, SiteModel, SourceRef
from cv_site.text.dates import parse_date
from cv_site.schema import CvFile, NewsItem, Settings

ROOT = Path(__file__).resolve().parent.parent

# Resized images go to a cache of the tests' own, not the user's (~/.cache/cv-site/images).
os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="cv-site-tests-cache-")

# Real-browser tests: Debian's Chromium, never a downloaded browser.
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def require_chromium():
    """Playwright's sync API, or skip the module with the reason. In CI (CI=true) a missing browser
    is a failure: .ci/run installs it, so CI never silently skips the browser tests."""
    missing = None
    if not CHROMIUM.exists():
        missing = f"{CHROMIUM} is not installed (apt-get install chromium; .ci/run does it)"
    else:
        try:
            from playwright import sync_api
        except ImportError:
            missing = "playwright is not installed (pip install -e '.[test]')"
    if missing and os.environ.get("CI"):
        pytest.fail(missing, pytrace=False)
    if missing:
        pytest.skip(missing, allow_module_level=True)
    return sync_api


@pytest.fixture(scope="module")
def browser():
    """One headless Chromium for a test module, skipped or failed as require_chromium decides.
    `browser.browser_type.launch` starts another with other arguments, from the same Playwright."""
    sync_api = require_chromium()
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield browser
        browser.close()


# The PDF prints typographic quotes and apostrophes (“211”, It’s, in the document's language) where
# the data, and so the site, has straight ones: text compared with the data has its quotes made
# straight (str.translate), and nothing else.
STRAIGHT_QUOTES = str.maketrans({**dict.fromkeys("“”„«»", '"'), **dict.fromkeys("‘’‚‹›", "'")})

# The web's own checkers (Nu Html Checker, linkinator, the PDF checks), beside the checkout when
# this machine has them: ../shared/sitecheck/, set up once with its `setup` script.
SITECHECK = ROOT.parent / "shared" / "sitecheck"


def run_sitecheck(tool: str, *args: str | Path) -> None:
    """Run one of the sitecheck tools and assert it passed. Where the tools are absent, or present
    but not set up (the tool exits 2: could not run), the test is skipped with the tool's reason:
    every test that uses them decides through here, the same way."""
    script = SITECHECK / tool
    if not script.exists():
        pytest.skip(f"{script} is absent (the shared sitecheck tools are not on this machine)")
    result = subprocess.run([str(script), *map(str, args)], capture_output=True, text=True, timeout=300)
    if result.returncode == 2:
        pytest.skip(f"{tool} could not run (run {SITECHECK}/setup once): {(result.stdout + result.stderr)[-500:]}")
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite tests/golden/ from the current output")


@pytest.fixture
def update_golden(request: pytest.FixtureRequest) -> bool:
    return bool(request.config.getoption("--update-golden"))


def make_pub(key: str, title: str, year: int | None = 2023, **overrides) -> Publication:
    """A Publication with sensible defaults; override any field."""
    authors = overrides.pop("authors", (Author("Ada", "", "Lovelace", is_owner=True), Author("Charles", "", "Babbage")))
    links = overrides.pop("links", {})
    fields = dict(
        key=key,
        entry_type="inproceedings",
        title=title,
        authors=tuple(authors),
        year=year,
        month=None,
        day=None,
        venue="Proceedings of the Analytical Engine Conference (AEC)",
        venue_kind="conference",
        status="published",
        fields={},
        links=tuple(make_link(kind, value) for kind, value in links.items()),
        bibtex=f"@inproceedings{{{key},\n  title = {{{title}}},\n  year = {{{year}}}\n}}\n",
        source=SourceRef("data/papers.bib", 1),
    )
    fields.update(overrides)
    return Publication(**fields)


def small_site(**settings) -> SiteModel:
    """Two people's worth of CV in a few lines: every section kind, news, three papers."""
    cv = CvFile.from_data({
        "person": {
            "name": "Ada Lovelace",
            "aliases": ["Lovelace, A."],
            "position": "Research Fellow",
            "affiliation": "Analytical Society",
            "affiliation_url": "https://example.org/society",
            "email": "ada@example.org",
            "bio": "I write *programs* for the [Analytical Engine](https://example.org/engine).",
            "links": {"github": "ada", "scholar": "ADA123", "orcid": "0000-0002-1825-0097"},
        },
        "sections": [
            {"title": "Education", "kind": "education", "entries": [
                {"institution": "University of London", "location": "London", "date": "1832 - 1835",
                 "degree": "Private tuition in mathematics", "details": "with *Augustus De Morgan*",
                 "highlights": ["Calculus", "Logic"]}]},
            {"title": "Experience", "kind": "experience", "entries": [
                {"organization": "Analytical Engine Project", "date": "1842.9 -", "role": "Translator",
                 "summary": ["Notes on the engine"],
                 "projects": [{"title": "Note G", "role": "Author", "date": 1843,
                               "highlights": ["The first published program"]}]}]},
            {"title": "Awards", "kind": "awards", "entries": [{"title": "Honorary member", "note": "by acclamation", "date": 1840}]},
            {"title": "Outreach", "kind": "list", "entries": [{"text": "On the engine", "date": "1843.7"}]},
            {"title": "Talks", "kind": "talks", "entries": [
                {"title": "Weaving *algebraic* patterns", "kind": "invited", "event": "Analytical Society",
                 "location": "London", "date": "1843.9", "links": {"slides": "https://example.org/slides.pdf"},
                 "abstract": "How the engine follows a program."},
                {"title": "Notes on Note G", "kind": "seminar", "date": "1844"}]},
            {"title": "Projects", "kind": "projects", "entries": [
                {"title": "The Engine's *notes*", "summary": "Tables for the engine.", "date": "1842 - 1843",
                 "role": "Author", "links": {"paper": "lovelace1843notes", "code": "https://example.org/engine-code"},
                 "tags": ["engines", "notes"]}]},
            {"title": "Teaching", "kind": "teaching", "entries": [
                {"course": "Mathematics for beginners", "code": "MATH 1", "role": "Tutor",
                 "institution": "University of London", "term": "Michaelmas 1844",
                 "link": "https://example.org/math1", "details": "Weekly *lessons*."}]},
            {"title": "Service", "kind": "nested_list", "entries": [
                {"title": "Reviewer", "items": [{"text": "Royal Society", "date": "1840 - Now"}]}]},
            {"title": "Skills", "kind": "map", "entries": [{"name": "Languages", "value": "English, French"}]},
            {"title": "Research statement", "kind": "text", "body": "Poetical science.\n\nSecond paragraph."},
            {"title": "Papers", "id": "papers", "kind": "publications", "include": "selected"},
        ],
    })
    publications = [
        make_pub("lovelace1843notes", "Sketch of the Analytical Engine", 1843, selected=True, abbr="AEC",
                 award="Oral", month=9, links={"pdf": "papers/notes.pdf", "arxiv": "1843.00001", "code": "https://example.org/code"},
                 doi="10.1000/notes", arxiv_id="1843.00001", abstract="The engine weaves algebraic patterns.",
                 authors=(Author("Ada", "", "Lovelace", is_owner=True, equal_contribution=True),
                          Author("Luigi", "", "Menabrea", equal_contribution=True),
                          Author("Charles", "", "Babbage", corresponding=True))),
        make_pub("babbage1837", "On the Mathematical Powers of the Calculating Engine", 1837,
                 venue="Journal of Engines", venue_kind="journal", entry_type="article"),
        make_pub("lovelace_draft", "Poetical Science", None, status="submitted", venue="",
                 fields={"note": "Submitted to the Royal Society"}, entry_type="unpublished"),
    ]
    site_settings = Settings.from_data({"url": "https://ada.example.org/", "description": "Ada's homepage.",
                                             **settings})
    return SiteModel(
        settings=site_settings,
        person=cv.person,
        sections=list(cv.sections),
        news=[NewsItem(date="1843-09-01", text="Notes published in *Taylor's Scientific Memoirs*."),
              NewsItem(date="1842", text="Started the translation.")],
        publications=sorted(publications, key=lambda p: p.sort_key, reverse=True),
        posts=[Post(slug="engine-notes", title="Notes on the engine", date=parse_date("1843-10-01"),
                    description="Why the engine can weave algebra.", tags=("engines",), draft=False,
                    body="The engine *weaves* algebraic patterns.\n\n```\nv1 = v2 * v3\n```\n",
                    source="data/posts/1843-10-01-engine-notes.md")],
    )


@pytest.fixture
def site() -> SiteModel:
    return small_site()


@pytest.fixture
def in_site(tmp_path, monkeypatch):
    """Run the command from inside the site folder, so paths print as data/cv.yml."""
    monkeypatch.chdir(tmp_path)
    return tmp_path

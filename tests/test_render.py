"""The renderer, on a small hand-made site (tests/conftest.py): pages, Scholar tags, JSON-LD (parsed),
base paths, hostile text, template errors, determinism and golden files."""

from __future__ import annotations

import json
import re
import struct
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from pydantic import ValidationError as InvalidData

from conftest import ROOT, make_pub, small_site
from cv_site.errors import UserError
from cv_site.model import Author, SiteModel
from cv_site.schema import CvFile, Person
from cv_site.text.names import parse_names
from cv_site.views.site import site_view
from cv_site.site.assets import DARK_BACKGROUNDS, LIGHT_BACKGROUNDS, contrast, image_size, readable_accent
from cv_site.site.pages import SiteRenderer, base_parts, paper_slugs
from cv_site.site.seo import citation_authors, json_ld, scholar_date

GOLDEN = Path(__file__).resolve().parent / "golden"
NO_SITE_TEMPLATES = ROOT / "tests" / "golden"  # a folder without templates/ or static/: the theme alone


class Page(HTMLParser):
    """Collects what the tests look at: meta tags, links, JSON-LD, ids, text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.meta: list[tuple[str, str]] = []
        self.urls: list[tuple[str, str, str]] = []  # (tag, attribute, value)
        self.json_ld: list[object] = []
        self.ids: list[str] = []
        self.scripts: list[str] = []
        self.text: list[str] = []
        self._script: str | None = None
        self._script_type = ""
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "meta" and ("name" in attributes or "property" in attributes):
            self.meta.append((attributes.get("name") or attributes["property"], attributes.get("content", "")))
        for attribute in ("href", "src"):
            if attribute in attributes:
                self.urls.append((tag, attribute, attributes[attribute]))
        if "id" in attributes:
            self.ids.append(attributes["id"])
        if tag == "script":
            self._script, self._script_type = "", attributes.get("type", "")

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            if self._script_type == "application/ld+json":
                self.json_ld.append(json.loads(self._script))
            else:
                self.scripts.append(self._script)
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script += data
        else:
            self.text.append(data)

    def metas(self, name: str) -> list[str]:
        return [content for key, content in self.meta if key == name]

    def one(self, name: str) -> str:
        values = self.metas(name)
        assert len(values) == 1, (name, values)
        return values[0]

    @property
    def plain(self) -> str:
        return " ".join(" ".join(self.text).split())


def assert_in_order(text: str, facts: list[str]) -> None:
    """Each fact appears after the previous one."""
    position = 0
    for fact in facts:
        found = text.find(fact, position)
        assert found >= 0, f"{fact!r} missing after position {position}"
        position = found + len(fact)


def render(site: SiteModel | None = None, source: Path = NO_SITE_TEMPLATES, **options) -> dict[str, bytes]:
    return SiteRenderer(source).files(site_view(site or small_site()), **options)


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    return render(small_site(pages=["publications", "talks", "projects", "teaching", "posts"]), has_pdf=True)


def page(files: dict[str, bytes], path: str) -> Page:
    return Page(files[path].decode())


# --- small pieces ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "url, expected",
    [
        ("https://ada.github.io/", ("https://ada.github.io/", "/")),
        ("https://ada.github.io", ("https://ada.github.io/", "/")),
        ("https://ada.github.io/repo", ("https://ada.github.io/repo/", "/repo/")),
        ("https://ada.github.io/repo/", ("https://ada.github.io/repo/", "/repo/")),
        ("/repo/", ("", "/repo/")),
        ("", ("", "/")),
    ],
)
def test_base_parts(url: str, expected: tuple[str, str]) -> None:
    assert base_parts(url) == expected


def test_paper_slugs_are_url_safe_and_unique_ignoring_case() -> None:
    papers = [make_pub("a:b/c", "x"), make_pub("A-B-C", "y"), make_pub("a-b-c", "z"), make_pub("ok2020", "w")]
    slugs = paper_slugs(papers)
    assert slugs["ok2020"] == "ok2020"
    assert sorted(slugs.values(), key=str.lower) == ["A-B-C", "a-b-c-2", "a-b-c-3", "ok2020"]


@pytest.mark.parametrize("accent", ["#1f5fa8", "#ffeb3b", "#000080", "#e91e63", "#777777", "#00ff00", "#fff", "#000"])
def test_accent_is_readable_in_light_and_dark(accent: str) -> None:
    light = readable_accent(accent, LIGHT_BACKGROUNDS)
    dark = readable_accent(accent, DARK_BACKGROUNDS)
    for color, backgrounds in ((light, LIGHT_BACKGROUNDS), (dark, DARK_BACKGROUNDS)):
        assert all(contrast(color, bg) >= 4.5 for bg in backgrounds), (accent, color)


def test_a_readable_accent_is_kept_as_it_is() -> None:
    assert readable_accent("#1f5fa8", LIGHT_BACKGROUNDS) == "#1f5fa8"


def test_image_size_reads_headers() -> None:
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + struct.pack(">II", 320, 240) + b"\x08\x02\x00\x00\x00"
    gif = b"GIF89a" + struct.pack("<HH", 16, 9)
    jpeg = b"\xff\xd8" + b"\xff\xe0" + struct.pack(">H", 4) + b"JF" + b"\xff\xc0" + struct.pack(">HBHH", 11, 8, 480, 640) + b"\x03"
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 32"></svg>'
    assert image_size(png) == (320, 240)
    assert image_size(gif) == (16, 9)
    assert image_size(jpeg) == (640, 480)
    assert image_size(svg) == (64, 32)
    assert image_size(b"not an image") is None


def test_json_ld_cannot_close_its_script_element() -> None:
    data = {"name": "</script><script>alert(1)</script>", "n": 3, "amp": "a & b"}
    text = str(json_ld(data))
    assert "</" not in text and "<" not in text and "&" not in text
    assert json.loads(text) == data


def test_scholar_date_is_year_or_year_month_day() -> None:
    assert scholar_date(make_pub("k", "t", 2024)) == "2024"
    assert scholar_date(make_pub("k", "t", 2024, month=3)) == "2024"
    assert scholar_date(make_pub("k", "t", 2024, month=3, day=7)) == "2024/3/7"
    assert scholar_date(make_pub("k", "t", None)) == ""


def test_citation_authors_are_last_first_without_et_al() -> None:
    authors = parse_names("Ada Lovelace and de la Babbage, Jr., Charles and others")
    assert citation_authors(make_pub("k", "t", authors=authors)) == ["Lovelace, Ada", "de la Babbage, Jr., Charles"]


# --- the pages ---------------------------------------------------------------------------------


def test_every_page_and_file_is_there(files: dict[str, bytes]) -> None:
    for path in [
        "index.html", "publications/index.html", "cv/index.html", "404.html",
        "publications/lovelace1843notes/index.html", "publications/lovelace1843notes/lovelace1843notes.bib",
        "publications/babbage1837/index.html", "publications/lovelace_draft/index.html",
        "sitemap.xml", "robots.txt", "feed.xml", "publications.bib", ".nojekyll",
        "assets/style.css", "assets/site.js", "favicon.svg",
    ]:
        assert path in files, path


def test_google_scholar_tags_of_a_conference_paper(files: dict[str, bytes]) -> None:
    p = page(files, "publications/lovelace1843notes/index.html")
    assert p.one("citation_title") == "Sketch of the Analytical Engine"
    assert p.metas("citation_author") == ["Lovelace, Ada", "Menabrea, Luigi", "Babbage, Charles"]
    assert p.one("citation_publication_date") == "1843"
    assert p.one("citation_conference_title") == "Proceedings of the Analytical Engine Conference (AEC)"
    assert p.metas("citation_journal_title") == []
    assert p.one("citation_pdf_url") == "https://ada.example.org/papers/notes.pdf"
    assert p.one("citation_doi") == "10.1000/notes"
    assert p.one("citation_arxiv_id") == "1843.00001"


def test_google_scholar_tags_of_a_journal_article(files: dict[str, bytes]) -> None:
    p = page(files, "publications/babbage1837/index.html")
    assert p.one("citation_journal_title") == "Journal of Engines"
    assert p.metas("citation_conference_title") == []
    assert p.metas("citation_pdf_url") == [] and p.metas("citation_doi") == []
    assert p.one("citation_publication_date") == "1837"


def test_scholarly_article_json_ld(files: dict[str, bytes]) -> None:
    [data] = page(files, "publications/lovelace1843notes/index.html").json_ld
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "ScholarlyArticle"
    assert data["headline"] == "Sketch of the Analytical Engine"
    assert [a["name"] for a in data["author"]] == ["Ada Lovelace", "Luigi Menabrea", "Charles Babbage"]
    assert data["datePublished"] == "1843-09"
    assert data["url"] == "https://ada.example.org/publications/lovelace1843notes/"
    assert {"propertyID": "DOI", "value": "10.1000/notes", "@type": "PropertyValue"} in data["identifier"]
    assert data["encoding"]["contentUrl"] == "https://ada.example.org/papers/notes.pdf"


def test_profile_page_json_ld(files: dict[str, bytes]) -> None:
    [data] = page(files, "index.html").json_ld
    assert data["@type"] == "ProfilePage"
    person = data["mainEntity"]
    assert person["@type"] == "Person"
    assert person["name"] == "Ada Lovelace"
    assert person["jobTitle"] == "Research Fellow"
    assert person["affiliation"] == {"@type": "Organization", "name": "Analytical Society",
                                     "url": "https://example.org/society"}
    assert person["email"] == "mailto:ada@example.org"
    assert person["sameAs"] == sorted([
        "https://github.com/ada", "https://orcid.org/0000-0002-1825-0097",
        "https://scholar.google.com/citations?user=ADA123",
    ])


def test_open_graph_and_canonical_on_every_page(files: dict[str, bytes]) -> None:
    for path, data in files.items():
        if not path.endswith(".html") or path == "404.html":
            continue
        p = Page(data.decode())
        url = "https://ada.example.org/" + path.removesuffix("index.html")
        assert p.one("og:url") == url, path
        assert ("link", "href", url) in p.urls, path
        assert p.one("og:title") and p.one("og:description") and p.one("og:type"), path
        assert p.one("description"), path


def test_home_page(files: dict[str, bytes]) -> None:
    p = page(files, "index.html")
    text = p.plain
    for fact in ["Ada Lovelace", "Research Fellow", "Analytical Society", "Sketch of the Analytical Engine",
                 "Notes published in", "Started the translation", "Email", "GitHub", "ORCID", "Google Scholar"]:
        assert fact in text, fact
    assert ("a", "href", "https://example.org/engine") in p.urls  # Markdown link in the bio
    assert ("a", "href", "/cv.pdf") in p.urls
    # the unselected journal paper is only on the publications page
    assert "On the Mathematical Powers" not in text


def test_news_beyond_the_home_page_limit_get_their_own_page() -> None:
    few = render(small_site(news_on_home=1))
    assert "Started the translation" not in Page(few["index.html"].decode()).plain
    assert "Started the translation" in Page(few["news/index.html"].decode()).plain
    assert ("a", "href", "/news/") in Page(few["index.html"].decode()).urls
    all_news = render(small_site(news_on_home=5))
    assert "news/index.html" not in all_news


def test_publications_page(files: dict[str, bytes]) -> None:
    p = page(files, "publications/index.html")
    text = p.plain
    assert_in_order(text, ["Preprints and work under review", "Poetical Science", "1843",
                           "Sketch of the Analytical Engine", "1837", "On the Mathematical Powers"])
    assert "Under review" in text and "Submitted to the Royal Society" in text
    assert "equal contribution" in text and "corresponding author" in text
    assert "Oral" in text and "AEC" in text
    html = files["publications/index.html"].decode()
    assert '<strong class="me"><bdi>Ada Lovelace</bdi></strong><sup>*</sup>' in html
    assert "<details" in html and 'class="copy"' in html
    assert {"lovelace1843notes", "bib-lovelace1843notes", "y1843", "y1837", "in-progress"} <= set(p.ids)


def test_bib_downloads_are_the_stripped_bibtex(files: dict[str, bytes]) -> None:
    site = small_site()
    bib = files["publications.bib"].decode()
    for publication in site.publications:
        assert publication.bibtex.strip() in bib
        assert files[f"publications/{publication.key}/{publication.key}.bib"].decode().strip() == publication.bibtex.strip()


def test_cv_page_has_every_section_in_order(files: dict[str, bytes]) -> None:
    text = page(files, "cv/index.html").plain
    facts = ["Education", "University of London", "Private tuition in mathematics", "Augustus De Morgan", "Calculus",
             "Experience", "Analytical Engine Project", "Translator", "Notes on the engine", "Note G",
             "The first published program", "Awards", "Honorary member", "by acclamation", "Outreach", "On the engine",
             "Talks", "Notes on Note G", "1844", "Seminar", "Weaving algebraic patterns", "1843.9",
             "Invited talk · Analytical Society · London", "Slides", "How the engine follows a program.",
             "Teaching", "Mathematics for beginners", "(MATH 1)", "Michaelmas 1844", "Tutor · University of London",
             "Weekly", "Service", "Reviewer", "Royal Society", "Skills", "Languages", "English, French",
             "Research statement", "Poetical science.", "Second paragraph.", "Papers", "Sketch of the Analytical Engine"]
    assert_in_order(text[text.index("Research statement") + 20:], facts)
    assert "1842.9 – present" in text and "1840 – present" in text  # one word for every open range


def test_pdf_link_only_when_the_build_makes_a_pdf() -> None:
    without = render(has_pdf=False)
    for path, data in without.items():
        if path.endswith(".html"):
            assert "cv.pdf" not in data.decode(), path
    with_pdf = render(has_pdf=True)
    assert "/cv.pdf" in with_pdf["cv/index.html"].decode()


def test_sitemap_robots_and_feed_parse(files: dict[str, bytes]) -> None:
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9", "a": "http://www.w3.org/2005/Atom"}
    locs = [e.text for e in ET.fromstring(files["sitemap.xml"]).findall("s:url/s:loc", ns)]
    assert "https://ada.example.org/" in locs and "https://ada.example.org/cv/" in locs
    assert "https://ada.example.org/publications/lovelace1843notes/" in locs
    assert not any("404" in loc for loc in locs)
    assert "Sitemap: https://ada.example.org/sitemap.xml" in files["robots.txt"].decode()
    feed = ET.fromstring(files["feed.xml"])
    assert feed.find("a:updated", ns).text == "1843-10-01T00:00:00Z"  # the post, newer than the news
    entries = feed.findall("a:entry", ns)
    assert [e.find("a:title", ns).text for e in entries] == [
        "Notes on the engine", "Notes published in Taylor's Scientific Memoirs.", "Started the translation."]
    assert entries[0].find("a:id", ns).text == "https://ada.example.org/posts/engine-notes/"
    assert "<em>weaves</em>" in entries[0].find("a:content", ns).text
    assert "<em>Taylor" in entries[1].find("a:content", ns).text
    assert len({e.find("a:id", ns).text for e in entries}) == 3


# --- base path ---------------------------------------------------------------------------------


@pytest.mark.parametrize("base_url, prefix", [("https://ada.github.io/repo/", "/repo/"),
                                               ("https://ada.github.io/", "/"), ("", "/")])
def test_every_internal_link_starts_with_the_base_path(base_url: str, prefix: str) -> None:
    site_files = render(base_url=base_url, has_pdf=True)
    checked = 0
    for path, data in site_files.items():
        if not path.endswith(".html"):
            continue
        for tag, attribute, value in Page(data.decode()).urls:
            if value.startswith(("https://", "http://", "mailto:", "#")):
                if value.startswith("https://ada.github.io"):
                    assert value.startswith(base_url), (path, value)
                continue
            assert value.startswith(prefix), (path, tag, attribute, value)
            checked += 1
    assert checked > 50
    home = Page(site_files["index.html"].decode())
    if base_url:
        assert home.one("og:url") == base_url
        [data] = home.json_ld
        assert data["url"] == base_url
    else:
        assert home.metas("og:url") == [] and "sitemap.xml" not in site_files


# --- hostile text -------------------------------------------------------------------------------


def hostile_site() -> SiteModel:
    site = small_site()
    person = site.person.replace(**{
        "name": 'Ada "the Countess" <b>Lovelace</b>',
        "bio": "Hi <script>alert(1)</script> and [click](javascript:alert(2)) <img src=x onerror=alert(3)>",
    })
    evil = make_pub("evil", "<script>alert(4)</script> Title", 2020,
                    authors=(Author("Eve", "", '"><script>alert(5)</script>'),),
                    annotation="[x](javascript:alert(6))", abstract="</script><script>alert(7)</script>")
    return SiteModel(site.settings, person, site.sections, site.news, [evil, *site.publications])


def test_hostile_text_is_shown_as_text_never_run() -> None:
    site_files = render(hostile_site())
    for path, data in site_files.items():
        if not path.endswith((".html", ".xml")):
            continue
        html = data.decode()
        assert "<script>alert" not in html, path
        assert "javascript:" not in html, path
        assert "<img src=x" not in html, path
        if path.endswith(".html"):
            scripts = Page(html).scripts
            assert all("alert" not in script for script in scripts), path
    home = Page(site_files["index.html"].decode())
    assert home.one("og:site_name") == 'Ada "the Countess" <b>Lovelace</b>'
    assert home.json_ld[0]["mainEntity"]["name"] == 'Ada "the Countess" <b>Lovelace</b>'
    assert "Hi <script>alert(1)</script> and click" in home.plain
    paper = Page(site_files["publications/evil/index.html"].decode())
    assert paper.one("citation_title") == "<script>alert(4)</script> Title"
    assert paper.json_ld[0]["abstract"] == "</script><script>alert(7)</script>"


def test_javascript_links_in_the_data_are_rejected() -> None:
    with pytest.raises(InvalidData, match="only http"):
        Person.from_data({"name": "Eve", "links": {"homepage": "javascript:alert(1)"}})


def test_raw_html_passes_only_when_allowed() -> None:
    site = small_site(allow_html=True)
    person = site.person.replace(**{"bio": "<b>bold</b> [x](javascript:alert(1))"})
    html = render(SiteModel(site.settings, person, site.sections, site.news, site.publications))["index.html"].decode()
    assert "<b>bold</b>" in html and "javascript:" not in html


# --- templates: errors, overrides, determinism ---------------------------------------------------


def test_a_template_error_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "cv.html.j2").write_text(
        '{% extends "theme/cv.html.j2" %}\n{% block content %}\n<p>{{ no_such_thing }}</p>\n{% endblock %}\n')
    with pytest.raises(UserError) as raised:
        render(source=tmp_path)
    [problem] = raised.value.problems
    assert problem.file.endswith("templates/cv.html.j2") and problem.line == 3
    assert "no_such_thing" in problem.message and "undefined" in problem.message


def test_a_template_syntax_error_names_the_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "404.html.j2").write_text("<p>\n{% if %}\n")
    with pytest.raises(UserError) as raised:
        render(source=tmp_path)
    [problem] = raised.value.problems
    assert problem.file.endswith("templates/404.html.j2") and problem.line == 2


def test_a_site_template_overrides_and_extends_the_theme(tmp_path: Path) -> None:
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "404.html.j2").write_text(
        '{% extends "theme/404.html.j2" %}{% block content %}<p>Lost at sea.</p>{{ super() }}{% endblock %}')
    (tmp_path / "static").mkdir()
    (tmp_path / "static" / "favicon.svg").write_text("<svg/>")
    site_files = render(source=tmp_path)
    html = site_files["404.html"].decode()
    assert "Lost at sea." in html and "Page not found" in html
    assert site_files["favicon.svg"] == b"<svg/>"


def test_a_photo_gets_its_size_and_a_missing_one_is_a_user_error(tmp_path: Path) -> None:
    (tmp_path / "static" / "img").mkdir(parents=True)
    (tmp_path / "static" / "img" / "me.svg").write_text('<svg width="120" height="150"></svg>')
    site = small_site()
    with_photo = SiteModel(site.settings, site.person.replace(**{"photo": "img/me.svg"}),
                           site.sections, site.news, site.publications)
    html = render(with_photo, source=tmp_path)["index.html"].decode()
    assert '<img class="photo" src="/img/me.svg" alt="Photo of Ada Lovelace" width="120" height="150"' in html
    missing = SiteModel(site.settings, site.person.replace(**{"photo": "img/nope.jpg"}),
                        site.sections, site.news, site.publications)
    with pytest.raises(UserError, match="person.photo"):
        render(missing, source=tmp_path)


def test_same_input_same_bytes() -> None:
    assert render(has_pdf=True) == render(has_pdf=True)
    renderer = SiteRenderer(NO_SITE_TEMPLATES)
    assert renderer.files(site_view(small_site())) == renderer.files(site_view(small_site()))


GOLDEN_PAGES = ["index.html", "publications/index.html", "publications/lovelace1843notes/index.html",
                "cv/index.html", "talks/index.html", "projects/index.html", "teaching/index.html",
                "posts/index.html", "posts/engine-notes/index.html", "404.html", "feed.xml", "sitemap.xml",
                "robots.txt"]


@pytest.mark.parametrize("path", GOLDEN_PAGES)
def test_golden_pages(files: dict[str, bytes], path: str, update_golden: bool) -> None:
    golden = GOLDEN / path.replace("/", "__")
    if update_golden:
        golden.write_bytes(files[path])
    assert golden.exists(), f"{golden} is missing: run pytest --update-golden"
    assert files[path].decode() == golden.read_text(), f"{path} differs from {golden} (pytest --update-golden)"


# --- the collections' own pages (site.yml pages) ------------------------------------------------------


def json_ld_of(html: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', html, re.S).group(1))


def test_a_collection_page_is_made_when_pages_names_it_in_the_menu_s_order(files: dict[str, bytes]) -> None:
    nav = re.search(r'<nav aria-label="Site"[^>]*>(.*?)</nav>', files["talks/index.html"].decode(), re.S).group(1)
    assert re.findall(r'<a href="/([^"]*)"', nav) == ["", "publications/", "talks/", "projects/", "teaching/",
                                                                  "posts/", "cv/"]
    assert 'href="/talks/" aria-current="page"' in nav
    sitemap = files["sitemap.xml"].decode()
    assert "<loc>https://ada.example.org/talks/</loc>" in sitemap
    assert "<loc>https://ada.example.org/teaching/</loc>" in sitemap
    plain_files = render()
    assert "talks/index.html" not in plain_files and "teaching/index.html" not in plain_files
    assert 'href="/talks/"' not in plain_files["index.html"].decode()


def test_publications_stay_in_the_menu_when_pages_leaves_them_out() -> None:
    files = render(small_site(pages=["talks"]))
    nav = re.search(r'<nav aria-label="Site"[^>]*>(.*?)</nav>', files["index.html"].decode(), re.S).group(1)
    assert re.findall(r'<a href="/([^"]*)"', nav) == ["", "publications/", "talks/", "cv/"]


def test_talks_and_courses_carry_schema_org_data(files: dict[str, bytes]) -> None:
    talks = json_ld_of(files["talks/index.html"].decode())["@graph"]
    assert talks == [
        {"@type": "Event", "name": "Notes on Note G", "performer": {"@type": "Person", "name": "Ada Lovelace"},
         "startDate": "1844"},
        {"@type": "Event", "name": "Weaving algebraic patterns",
         "performer": {"@type": "Person", "name": "Ada Lovelace"}, "startDate": "1843-09",
         "location": {"@type": "Place", "name": "London"},
         "superEvent": {"@type": "Event", "name": "Analytical Society"},
         "description": "How the engine follows a program."},
    ]
    [course] = json_ld_of(files["teaching/index.html"].decode())["@graph"]
    assert course == {"@type": "Course", "name": "Mathematics for beginners", "courseCode": "MATH 1",
                      "provider": {"@type": "Organization", "name": "University of London"},
                      "description": "Weekly lessons.", "url": "https://example.org/math1"}


def test_a_project_links_to_its_paper_s_page_and_says_what_it_is(files: dict[str, bytes]) -> None:
    html = files["projects/index.html"].decode()
    assert '<a class="lnk lnk-button" href="https://example.org/engine-code">Code</a>' in html
    assert 'Paper: <a href="/publications/lovelace1843notes/"><cite>Sketch of the Analytical Engine</cite></a>' in html
    [project] = json_ld_of(html)["@graph"]
    assert project == {"@type": "SoftwareSourceCode", "name": "The Engine's notes",
                       "author": {"@type": "Person", "name": "Ada Lovelace"}, "description": "Tables for the engine.",
                       "dateCreated": "1842", "codeRepository": "https://example.org/engine-code",
                       "keywords": ["engines", "notes"], "citation": "Sketch of the Analytical Engine"}


def test_a_project_image_is_shown_with_its_size_and_alt_text(tmp_path: Path) -> None:
    from PIL import Image

    (tmp_path / "static" / "images").mkdir(parents=True)
    Image.new("RGB", (300, 200)).save(tmp_path / "static" / "images" / "engine.png")
    site = small_site()
    section = CvFile.from_data({"person": {"name": "Ada"}, "sections": [{"title": "Work", "kind": "projects", "entries": [
        {"title": "Engine", "image": "images/engine.png", "image_alt": "The engine's gears"}]}]}).sections[0]
    site.sections.append(section)
    files = SiteRenderer(tmp_path).files(site_view(site))
    html = files["cv/index.html"].decode()
    webp = re.search(r'<source type="image/webp" srcset="/(assets/thumbs/\w+-144\.webp) 1x, /(assets/thumbs/\w+-288\.webp) 2x">'
                     r'<img class="project-image" src="/images/engine.png" alt="The engine&#39;s gears" width="144" '
                     r'height="96" loading="lazy" decoding="async">', html)
    assert webp and webp.group(1) in files and webp.group(2) in files

"""Real-browser tests: Playwright driving Debian's Chromium on the built example-like site.

Skipped (with the reason) when /usr/bin/chromium or playwright is missing; `.ci/run` installs
Chromium so CI never skips them. No browser is ever downloaded.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import threading
from pathlib import Path

import pytest

from conftest import require_chromium, small_site
from cv_site.views.site import site_view
from cv_site.site.pages import SiteRenderer
from cv_site.write import write_site

require_chromium()  # where the browser is missing, the module is skipped (or, in CI, fails) here


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory):
    """The small test site, written to a folder and served on 127.0.0.1 (a secure context)."""
    output = tmp_path_factory.mktemp("site") / "_site"
    site = small_site(pages=["publications", "talks", "projects", "teaching", "posts"])
    write_site(SiteRenderer(Path(".")).files(site_view(site), base_url="", has_pdf=False), output)
    handler = functools.partial(_Quiet, directory=str(output))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def page(browser, server):
    context = browser.new_context(color_scheme="light")
    page = context.new_page()
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    # A request the browser gave up because the test moved on (net::ERR_ABORTED: the favicon, after
    # a quick navigation) is not the site's failure; any other is.
    page.on("requestfailed", lambda request: None if request.failure == "net::ERR_ABORTED"
            else errors.append(f"failed: {request.url} {request.failure}"))
    page.errors = errors
    yield page
    context.close()


def background(page) -> str:
    return page.evaluate("getComputedStyle(document.body).backgroundColor")


def test_dark_mode_toggle_persists_across_pages(page, server) -> None:
    page.goto(server + "/")
    light = background(page)
    toggle = page.locator("#theme-toggle")
    assert toggle.is_visible()
    assert toggle.get_attribute("aria-pressed") == "false"
    toggle.click()
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert toggle.get_attribute("aria-pressed") == "true"
    dark = background(page)
    assert dark != light

    page.goto(server + "/publications/")  # the choice is applied before the first paint
    assert page.evaluate("document.documentElement.dataset.theme") == "dark"
    assert background(page) == dark
    page.locator("#theme-toggle").click()
    page.goto(server + "/cv/")
    assert page.evaluate("localStorage.getItem('theme')") == "light"
    assert background(page) == light
    assert page.errors == []


def test_system_dark_mode_is_followed(browser, server) -> None:
    context = browser.new_context(color_scheme="dark")
    page = context.new_page()
    page.goto(server + "/")
    assert page.evaluate("document.documentElement.dataset.theme") is None
    assert page.locator("#theme-toggle").get_attribute("aria-pressed") == "true"
    r, g, b = (int(x) for x in background(page).removeprefix("rgb(").removesuffix(")").split(","))
    assert r + g + b < 150
    context.close()


def test_bibtex_copy_button_copies(page, server) -> None:
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto(server + "/publications/")
    entry = page.locator("#lovelace1843notes")
    entry.locator("summary", has_text="BibTeX").click()
    button = entry.locator("button.copy")
    assert button.is_visible()
    button.click()
    page.wait_for_function("document.querySelector('#lovelace1843notes button.copy').textContent === 'Copied'")
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("@inproceedings{lovelace1843notes,")
    assert copied == page.locator("#bib-lovelace1843notes").text_content()
    assert page.errors == []


def test_details_work_without_javascript(browser, server) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/publications/")
    assert page.locator("#filter").is_hidden()  # the filter needs JS, so it stays hidden
    entry = page.locator("#lovelace1843notes")
    assert entry.locator(".abstract").is_hidden()
    entry.locator("summary", has_text="Abstract").click()
    assert entry.locator(".abstract").is_visible()
    context.close()


def test_filter_narrows_the_list(page, server) -> None:
    page.goto(server + "/publications/")
    papers = page.locator("li.paper")
    visible = lambda: sum(1 for i in range(papers.count()) if papers.nth(i).is_visible())  # noqa: E731
    assert page.locator("#filter").is_visible()
    assert visible() == 3

    page.select_option("#filter select[name=year]", "1837")
    assert visible() == 1
    assert page.locator("#babbage1837").is_visible()
    assert page.locator("#y1843").is_hidden()  # the emptied year's heading goes too
    assert page.locator("#filter .count").text_content() == "1 of 3 shown"

    page.select_option("#filter select[name=year]", "")
    page.select_option("#filter select[name=type]", "submitted")
    assert visible() == 1 and page.locator("#lovelace_draft").is_visible()

    page.select_option("#filter select[name=type]", "")
    page.fill("#filter input[name=q]", "sketch engine")
    assert visible() == 1 and page.locator("#lovelace1843notes").is_visible()
    page.fill("#filter input[name=q]", "no such words anywhere")
    assert visible() == 0 and page.locator("p.none").is_visible()
    page.fill("#filter input[name=q]", "")
    assert visible() == 3
    assert page.errors == []


def test_the_menu_leads_to_the_talks_page_whose_abstracts_open_without_javascript(browser, server) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(server + "/")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Talks").click()
    page.wait_for_url(server + "/talks/")
    assert page.locator("h1").text_content() == "Talks"
    talk = page.locator("li.entry", has_text="Weaving algebraic patterns")
    assert talk.get_by_role("link", name="Slides").get_attribute("href") == "https://example.org/slides.pdf"
    assert talk.locator(".abstract").is_hidden()
    talk.locator("summary", has_text="Abstract").click()
    assert talk.locator(".abstract").is_visible()
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Teaching").click()
    page.wait_for_url(server + "/teaching/")
    assert page.get_by_role("link", name="Mathematics for beginners").get_attribute("href") == "https://example.org/math1"
    context.close()


def test_the_menu_leads_to_the_posts_and_a_post_back_to_them(page, server) -> None:
    page.goto(server + "/cv/")
    page.get_by_role("navigation", name="Site").get_by_role("link", name="Posts").click()
    page.wait_for_url(server + "/posts/")
    page.get_by_role("link", name="Notes on the engine").click()
    page.wait_for_url(server + "/posts/engine-notes/")
    assert page.locator("h1").text_content() == "Notes on the engine"
    assert page.locator(".post-body pre code").text_content() == "v1 = v2 * v3\n"
    page.locator(".crumbs").get_by_role("link", name="Posts").click()
    page.wait_for_url(server + "/posts/")
    assert page.errors == []


@pytest.mark.parametrize("path", ["/", "/publications/", "/publications/lovelace1843notes/", "/cv/", "/talks/",
                                  "/projects/", "/teaching/", "/posts/", "/posts/engine-notes/",
                                  "/404.html"])
def test_no_console_errors_and_no_other_hosts(page, server, path: str) -> None:
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.set_viewport_size({"width": 320, "height": 640})  # the smallest phone: no sideways scrolling
    page.goto(server + path)
    page.wait_for_load_state("load")
    assert page.errors == []
    assert requested and all(url.startswith(server) for url in requested), requested
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= page.viewport_size["width"]


def test_search_matches_only_what_a_visitor_sees(page, server) -> None:
    """The abstract and the BibTeX are hidden: a word found only there matches nothing."""
    page.goto(server + "/publications/")
    papers = page.locator("li.paper")
    for hidden_only in ("booktitle", "weaves"):  # a BibTeX field name; a word of an abstract
        page.fill("#filter input[name=q]", hidden_only)
        assert papers.evaluate_all("items => items.filter(li => !li.hidden).length") == 0, hidden_only
    page.fill("#filter input[name=q]", "sketch")  # a word of a title
    assert page.locator("#lovelace1843notes").is_visible()
    assert page.errors == []


def test_the_filter_is_kept_in_the_address(page, server) -> None:
    page.goto(server + "/publications/")
    page.fill("#filter input[name=q]", "engine")
    page.select_option("#filter select[name=year]", "1843")
    assert page.url == server + "/publications/?q=engine&year=1843"

    page.reload(wait_until="networkidle")  # the filter survives a reload
    assert page.input_value("#filter input[name=q]") == "engine"
    assert page.input_value("#filter select[name=year]") == "1843"
    assert page.locator("#filter .count").text_content() == "1 of 3 shown"

    page.goto(server + "/publications/?year=1837")  # and a filtered list can be linked
    assert page.locator("#babbage1837").is_visible() and page.locator("#lovelace1843notes").is_hidden()
    page.select_option("#filter select[name=year]", "")
    assert page.url == server + "/publications/"

    page.goto(server + "/publications/?year=1999&type=nonsense")  # what the list does not have: ignored
    assert page.input_value("#filter select[name=year]") == "" and page.locator("#lovelace1843notes").is_visible()
    assert page.errors == []


@pytest.mark.parametrize("path", ["/404.html", "/publications/babbage1837/"])
def test_the_footer_stays_at_the_bottom_of_a_short_page(page, server, path: str) -> None:
    page.set_viewport_size({"width": 1280, "height": 1200})
    page.goto(server + path)
    assert page.evaluate("document.documentElement.scrollHeight") <= 1200  # the page is short
    footer = page.locator(".site-footer").bounding_box()
    assert footer and footer["y"] + footer["height"] == pytest.approx(1200, abs=1)


def test_printing_the_cv_page_gives_every_section_and_no_site_furniture(page, server, tmp_path: Path) -> None:
    """Chromium's print to PDF of the CV page (the print stylesheet): every section's heading and
    entries are there; the skip link, the theme toggle, the footer and the PDF button are not."""
    page.goto(server + "/cv/")
    headings = page.locator("main h2").all_text_contents()
    assert len(headings) >= 5
    pdf = tmp_path / "cv-printed.pdf"
    page.pdf(path=str(pdf), format="A4")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    flat = " ".join(text.split())
    for heading in headings:
        assert heading in flat, heading
    assert "Proceedings of the Analytical Engine Conference" in flat  # a paper's venue line
    for furniture in ("Skip to content", "Dark mode", "News feed", "Download the CV as PDF"):
        assert furniture not in flat, furniture

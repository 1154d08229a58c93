"""Real-browser tests: Playwright driving Debian's Chromium on the built example-like site.

Skipped (with the reason) when /usr/bin/chromium or playwright is missing; `.ci/run` installs
Chromium so CI never skips them. No browser is ever downloaded.
"""

from __future__ import annotations

import functools
import http.server
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
    page.on("requestfailed", lambda request: errors.append(f"failed: {request.url}"))
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

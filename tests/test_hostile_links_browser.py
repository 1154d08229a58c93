"""Real-browser test: the hostile links of a bio, once built, are clicked in Chromium and run nothing.

Skipped (with the reason) when /usr/bin/chromium or playwright is missing, as the other browser
tests decide (conftest.require_chromium); no browser is ever downloaded.
"""

from __future__ import annotations

import functools
import http.server
import threading
from pathlib import Path

import pytest

from conftest import require_chromium
from cv_site.build import BuildOptions, build
from test_hostile_links import make_site

require_chromium()  # where the browser is missing, the module is skipped (or, in CI, fails) here

# Each link's text is its name; every target would set window.__pwned or open a dialog if it ran.
HOSTILE_BIO = """\
[c1](&#106;avascript:window.__pwned=1) [c2](&#x6A;avascript:alert(2)) [c3](java&Tab;script:window.__pwned=3)
[c4](javascript&colon;alert(4)) [c5](JaVaScRiPt:alert('5')) [c6](&#0000106avascript:window.__pwned=6)
[c7](data:text/html;base64,PHNjcmlwdD5hbGVydCg3KTwvc2NyaXB0Pg==) [c8](vbscript:alert(8)) [c9][r9] ![c10](javascript:alert(10))
*[c11](java&#x09;script:alert(11))* <javascript:alert(12)> [c13](javascript:alert(13) "t")

[r9]: &#106;avascript:alert(9)
"""
RAW_HTML = """\
<a href="javascript:alert(14)" onclick="window.__pwned=14">c14</a> <img src="x" alt="c15" onerror="alert(15)">
<a href="java&Tab;script:window.__pwned=16">c16</a> <svg onload="alert(17)"></svg> <b onmouseover="alert(18)">c18</b>
"""
LINK_TEXTS = ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c11", "c13"]
RAW_TEXTS = ["c14", "c16", "c18"]


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(folder: Path):
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


@pytest.mark.parametrize("allow_html", [False, True], ids=["allow_html=false", "allow_html=true"])
def test_clicking_sanitized_hostile_links_runs_no_script(browser, allow_html: bool, tmp_path: Path) -> None:
    bio = HOSTILE_BIO + ("\n" + RAW_HTML if allow_html else "")
    source = make_site(tmp_path, [bio], allow_html)
    build(BuildOptions(source, tmp_path / "_site", pdf=False))
    httpd = serve(tmp_path / "_site")
    home = f"http://127.0.0.1:{httpd.server_address[1]}/"
    context = browser.new_context()
    page = context.new_page()
    dialogs: list[str] = []

    def on_dialog(dialog) -> None:
        dialogs.append(dialog.message)
        dialog.dismiss()

    page.on("dialog", on_dialog)
    try:
        page.goto(home)
        bio_box = page.locator("main").first
        for text in LINK_TEXTS + (RAW_TEXTS if allow_html else []):
            target = bio_box.get_by_text(text, exact=True).first
            assert target.is_visible(), text
            target.hover()
            target.click()
            page.wait_for_timeout(50)
            assert page.url == home, text
            assert page.evaluate("window.__pwned") is None, text
            assert dialogs == [], text
        if allow_html:  # the image stayed (in the bio, the news and the annotation), without its onerror
            handlers = page.eval_on_selector_all("img[alt=c15]", "images => images.map(i => i.getAttribute('onerror'))")
            assert handlers == [None, None, None]
        page.evaluate("setTimeout(() => alert('the dialog listener works'))")
        page.wait_for_timeout(100)
        assert dialogs == ["the dialog listener works"]
    finally:
        context.close()
        httpd.shutdown()
        httpd.server_close()

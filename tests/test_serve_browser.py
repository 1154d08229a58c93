"""`cv-site serve` in a real browser (Playwright on Debian's Chromium): an edit to the bio shows up
without any action, broken YAML shows an overlay naming the file and line, fixing it clears it; a
page whose name was rebound to 127.0.0.1 reads nothing."""

from __future__ import annotations

import re
from pathlib import Path

from conftest import CHROMIUM, CHROMIUM_ARGS, require_chromium
from test_serve import Running, copy_example
from test_serve_security import refusal

sync_api = require_chromium()


def test_live_reload_and_error_overlay(browser, tmp_path: Path) -> None:
    source = copy_example(tmp_path / "site")
    cv = source / "data" / "cv.yml"
    good = cv.read_text(encoding="utf-8")
    server = Running(source, watch=True)
    context = browser.new_context(viewport={"width": 390, "height": 844})  # a phone: the overlay must fit
    try:
        page = context.new_page()
        errors: list[str] = []
        page.on("pageerror", lambda error: errors.append(str(error)))
        page.goto(f"http://127.0.0.1:{server.port}/")
        page.wait_for_function("() => document.querySelector('script[data-events]')")
        page.wait_for_timeout(300)  # the event stream is open
        sync_api.expect(page.get_by_text("A sentence typed just now.")).to_have_count(0)

        cv.write_text(good.replace("bio: |", "bio: |\n    A sentence typed just now.\n", 1), encoding="utf-8")
        sync_api.expect(page.get_by_text("A sentence typed just now.")).to_be_visible(timeout=10_000)

        lines = good.splitlines()
        broken_line = next(i for i, line in enumerate(lines) if line.startswith("  name:")) + 1
        lines[broken_line - 1] = "  name: [unclosed"
        cv.write_text("\n".join(lines) + "\n", encoding="utf-8")
        overlay = page.locator("#cv-site-overlay")
        sync_api.expect(overlay).to_be_visible(timeout=10_000)
        sync_api.expect(overlay).to_contain_text(re.compile(r"data/cv\.yml:\d+(:\d+)?"))
        text = overlay.inner_text()
        found = [int(n) for n in re.findall(r"cv\.yml:(\d+)", text)]
        assert found and min(abs(n - broken_line) for n in found) <= 1, text
        sync_api.expect(page.get_by_text("A sentence typed just now.")).to_be_visible()  # last good page
        heading = overlay.locator("strong").bounding_box()
        hide = overlay.get_by_role("button", name="Hide").bounding_box()
        assert heading and hide and not _overlap(heading, hide), (heading, hide)

        cv.write_text(good, encoding="utf-8")
        sync_api.expect(overlay).to_have_count(0, timeout=10_000)
        sync_api.expect(page.get_by_text("A sentence typed just now.")).to_have_count(0, timeout=10_000)
        assert errors == []
    finally:
        context.close()
        server.close()


def test_a_rebound_name_reads_nothing_and_the_own_pages_stream_sends_no_origin(browser, tmp_path: Path) -> None:
    rebound = "--host-resolver-rules=MAP evil.example 127.0.0.1"  # as after a DNS rebinding
    rebound_browser = browser.browser_type.launch(executable_path=str(CHROMIUM), args=[*CHROMIUM_ARGS, rebound])
    server = Running(copy_example(tmp_path / "site"))
    try:
        page = rebound_browser.new_page()
        with page.expect_request(lambda request: request.url.endswith("/__cv-site/events")) as stream:
            page.goto(f"http://127.0.0.1:{server.port}/")
        assert "origin" not in stream.value.all_headers()  # so the Origin check lets it through

        response = page.goto(f"http://evil.example:{server.port}/")
        assert response is not None and response.status == 403
        assert response.text() == refusal(server.port)
        read = "path => fetch(path).then(r => r.text().then(text => [r.status, text]))"
        assert page.evaluate(read, "/__cv-site/events") == [403, refusal(server.port)]
        assert page.evaluate(read, "/publications/") == [403, refusal(server.port)]
    finally:
        server.close()
        rebound_browser.close()


def _overlap(a: dict, b: dict) -> bool:
    return (a["x"] < b["x"] + b["width"] and b["x"] < a["x"] + a["width"]
            and a["y"] < b["y"] + b["height"] and b["y"] < a["y"] + a["height"])

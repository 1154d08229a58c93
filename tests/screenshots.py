"""Screenshots of every kind of page, at 1280 and 390 px wide, in light and dark, into docs/screenshots/.

    python tests/screenshots.py [OUT_DIR]      (default: docs/screenshots; needs pip install -e '.[test]')

It builds the example in data/ (home, publications, a paper, CV, 404) and a site made by
`cv-site new` (the talks, projects, teaching and posts pages, which the example's CV does not
have) into a temporary folder, serves each on 127.0.0.1, and photographs each page in Debian's
Chromium (/usr/bin/chromium). Pages longer than MAX_HEIGHT are cut there. The PNGs are reduced to
256 colours (text and flat colours lose nothing visible) to keep the repository small.
docs/screenshot.png, the README's picture, is the example's home page at 1280 px, light.
"""

from __future__ import annotations

import functools
import http.server
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
from conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402

WIDTHS = {"desktop": 1280, "phone": 390}
SCHEMES = ("light", "dark")
MAX_HEIGHT = 2400
EXAMPLE_PAGES = {"home": "/", "publications": "/publications/", "paper": "/publications/guo2024regiongpt/",
                 "cv": "/cv/", "404": "/404.html"}
STARTER_PAGES = {"talks": "/talks/", "projects": "/projects/", "teaching": "/teaching/", "posts": "/posts/"}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def build(source: Path, output: Path) -> None:
    subprocess.run([sys.executable, "-m", "cv_site", "build", "--source", str(source), "--output", str(output)],
                   check=True, capture_output=True)


def starter_site(folder: Path) -> Path:
    """A site made by `cv-site new`, with every collection page turned on."""
    subprocess.run([sys.executable, "-m", "cv_site", "new", str(folder)], check=True, capture_output=True)
    site_yml = folder / "data" / "site.yml"
    lines = [line for line in site_yml.read_text(encoding="utf-8").splitlines() if not line.startswith("pages:")]
    site_yml.write_text("\n".join([*lines, "pages: [publications, talks, projects, teaching, posts]"]) + "\n",
                        encoding="utf-8")
    return folder


def first_post(site: Path) -> str:
    return "/posts/" + sorted(p.name for p in (site / "posts").iterdir() if p.is_dir())[0] + "/"


def serve(folder: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(_Quiet, directory=str(folder))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd, f"http://127.0.0.1:{httpd.server_address[1]}"


def shoot(browser, base: str, pages: dict[str, str], out: Path) -> list[Path]:
    written = []
    for device, width in WIDTHS.items():
        for scheme in SCHEMES:
            phone = device == "phone"
            context = browser.new_context(viewport={"width": width, "height": 844 if phone else 900},
                                          is_mobile=phone, has_touch=phone, color_scheme=scheme)
            page = context.new_page()
            for name, path in pages.items():
                page.goto(base + path, wait_until="networkidle")
                height = min(page.evaluate("document.documentElement.scrollHeight"), MAX_HEIGHT)
                target = out / f"{name}-{device}-{scheme}.png"
                page.screenshot(path=str(target), clip={"x": 0, "y": 0, "width": width, "height": height},
                                full_page=True)
                Image.open(target).convert("RGB").quantize(256).save(target, optimize=True)
                written.append(target)
            context.close()
    return written


def main(out: Path) -> list[Path]:
    from playwright.sync_api import sync_playwright

    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="cv-site-shots-") as tmp:
        example, starter = Path(tmp) / "example", starter_site(Path(tmp) / "starter")
        build(ROOT, example)
        build(starter, starter / "_site")
        starter_pages = {**STARTER_PAGES, "post": first_post(starter / "_site")}
        written = []
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
            for folder, pages in ((example, EXAMPLE_PAGES), (starter / "_site", starter_pages)):
                httpd, base = serve(folder)
                try:
                    written += shoot(browser, base, pages, out)
                finally:
                    httpd.shutdown()
            browser.close()
    return written


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    shots = main(target)
    if target == ROOT / "docs" / "screenshots":
        (ROOT / "docs" / "screenshot.png").write_bytes((target / "home-desktop-light.png").read_bytes())
    print(f"{len(shots)} screenshots in {target}")

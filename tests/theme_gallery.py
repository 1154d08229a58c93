"""The example's CV in every PDF theme, as PNG pages, into docs/themes/<theme>-<page>.png.

    python tests/theme_gallery.py [OUT_DIR]      (default: docs/themes; needs pdftoppm, poppler-utils)

Each theme (classic and every folder of templates/themes/ with a cv.typ.j2) renders the example in
data/; pdftoppm draws its pages at 80 dpi and they are reduced to 256 colours, as the screenshots
are (tests/screenshots.py), to keep the repository small. A theme's pages from an earlier run are
removed first, so a theme that got shorter leaves no stale page. The document date is left out
(SOURCE_DATE_EPOCH unset), so the pictures change only when a theme or the example does. Prints
the README's row of first pages.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from dataclasses import replace
from pathlib import Path

from PIL import Image

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from cv_site.load.site import load_site  # noqa: E402
from cv_site.pdf.document import PdfRenderer  # noqa: E402
from cv_site.theme import pdf_themes  # noqa: E402
from cv_site.views.site import site_view  # noqa: E402

DPI = 80


def theme_pages(theme: str, out: Path, renderer: PdfRenderer) -> list[Path]:
    site = load_site(ROOT)
    site = replace(site, settings=site.settings.replace(pdf=site.settings.pdf.replace(theme=theme)))
    for old in out.glob(f"{theme}-*.png"):
        old.unlink()
    with tempfile.TemporaryDirectory(prefix="cv-site-gallery-") as tmp:
        pdf = Path(tmp) / f"{theme}.pdf"
        pdf.write_bytes(renderer.render(site_view(site)))
        subprocess.run(["pdftoppm", "-r", str(DPI), "-png", str(pdf), str(Path(tmp) / theme)], check=True)
        written = []
        for page in sorted(Path(tmp).glob(f"{theme}-*.png"), key=lambda p: int(p.stem.rsplit("-", 1)[1])):
            target = out / f"{theme}-{int(page.stem.rsplit('-', 1)[1])}.png"
            Image.open(page).convert("RGB").quantize(256).save(target, optimize=True)
            written.append(target)
    return written


def readme_row(themes: list[str], out: Path) -> str:
    """A markdown table: each theme's name over its first page, linked to the picture."""
    folder = out.relative_to(ROOT).as_posix() if out.is_relative_to(ROOT) else str(out)
    cells = [f"[![{theme}]({folder}/{theme}-1.png)]({folder}/{theme}-1.png)" for theme in themes]
    return "\n".join([
        "| " + " | ".join(f"`{theme}`" for theme in themes) + " |",
        "|" + "---|" * len(themes),
        "| " + " | ".join(cells) + " |",
    ])


def main(out: Path) -> list[Path]:
    os.environ.pop("SOURCE_DATE_EPOCH", None)
    out.mkdir(parents=True, exist_ok=True)
    renderer = PdfRenderer(ROOT)
    themes = pdf_themes(ROOT)
    written = [path for theme in themes for path in theme_pages(theme, out, renderer)]
    print(readme_row(themes, out))
    return written


if __name__ == "__main__":
    out = Path(sys.argv[1]).resolve() if len(sys.argv) > 1 else ROOT / "docs" / "themes"
    for path in main(out):
        print(f"{path.relative_to(ROOT) if path.is_relative_to(ROOT) else path}  {path.stat().st_size // 1024} KB")

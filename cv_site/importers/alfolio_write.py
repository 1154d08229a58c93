"""Write an imported al-folio site as cv-site's data/ files (and copy its paper PDFs and thumbnails
to static/)."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

import yaml

from cv_site.importers.alfolio import Imported
from cv_site.importers.alfolio_read import user_error

OUTPUT_FILES = ("data/cv.yml", "data/site.yml", "data/news.yml", "data/publications.bib")

_CV_HEADER = (
    "# Imported from al-folio by `cv-site import-alfolio`. The keys of each kind are listed in\n"
    "# cv-site's README (Data reference); check your edits with `cv-site check`.\n\n"
)


def write_imported(imported: Imported, output: Path, force: bool = False) -> list[Path]:
    """Write data/cv.yml, site.yml, news.yml (and publications.bib) under `output`; return the
    files written. Existing files are replaced only with `force`."""
    targets = [output / name for name in OUTPUT_FILES]
    existing = [target for target in targets if target.exists()]
    if existing and not force:
        raise user_error(
            existing[0], "already exists",
            "import into a new folder (--output DIR), or add --force to replace "
            + ", ".join(str(target.relative_to(output)) for target in existing),
        )
    (output / "data").mkdir(parents=True, exist_ok=True)
    texts = {
        "data/cv.yml": _CV_HEADER + _dump(imported.cv),
        "data/site.yml": "# Site settings (imported from al-folio's _config.yml).\n" + _dump(imported.site),
        "data/news.yml": "# News (imported from al-folio's _news/), newest first.\n" + _dump({"news": imported.news}),
    }
    written = []
    for name, text in texts.items():
        (output / name).write_text(text, encoding="utf-8")
        written.append(output / name)
    bib = output / "data" / "publications.bib"
    if imported.bibtex is not None:
        bib.write_text(imported.bibtex, encoding="utf-8", newline="")
        written.append(bib)
    elif bib.exists():  # --force over a scaffold: its placeholder papers are not the user's
        bib.unlink()
    if imported.pdf_folder is not None:
        written += _copy_folder(imported.pdf_folder, output / "static" / "assets" / "pdf", force)
    if imported.preview_folder is not None:
        written += _copy_folder(imported.preview_folder, output / "static" / "assets" / "img" / "publication_preview",
                                force)
    return written


def _copy_folder(source: Path, target: Path, force: bool) -> list[Path]:
    copied = []
    for path in sorted(source.rglob("*")):
        destination = target / path.relative_to(source)
        if path.is_file() and (force or not destination.exists()):
            destination.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, destination)
            copied.append(destination)
    return copied


def _dump(value: Any) -> str:
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=100)

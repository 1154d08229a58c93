"""Write what an importer read as cv-site's data/ files and posts (and copy an al-folio site's
paper PDFs, thumbnails and project images to static/)."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from typing import Any

import yaml

from cv_site.scaffold import STARTER

from cv_site.importers.imported import Imported, user_error

OUTPUT_FILES = ("data/cv.yml", "data/site.yml", "data/news.yml", "data/publications.bib")

_CV_HEADER = (
    "# Imported from {source} by `cv-site {command}`. The keys of each kind are listed in\n"
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
        "data/cv.yml": _CV_HEADER.format(source=imported.source, command=imported.command) + _dump(imported.cv),
        "data/site.yml": f"# Site settings (imported from {imported.source}).\n" + _dump(imported.site),
        "data/news.yml": f"# News (imported from {imported.source}), newest first.\n" + _dump({"news": imported.news}),
    }
    written = []
    for name, text in texts.items():
        (output / name).write_text(text, encoding="utf-8")
        written.append(output / name)
    bib = output / "data" / "publications.bib"
    if imported.bibtex is not None:
        bib.write_text(imported.bibtex, encoding="utf-8", newline="")
        written.append(bib)
    elif force and bib.is_file() and _entry_keys(bib) == _entry_keys(STARTER / "data" / "publications.bib"):
        bib.unlink()  # --force over a new site: its placeholder papers (the name filled in) are not the user's
    for placeholder in (STARTER / "data" / "posts").glob("*.md"):  # nor is its placeholder post
        post = output / "data" / "posts" / placeholder.name
        if force and _is_placeholder(post, placeholder):
            post.unlink()
    if imported.pdf_folder is not None:
        written += _copy_folder(imported.pdf_folder, output / "static" / "assets" / "pdf", force)
    for name, text in imported.posts.items():
        post = output / "data" / "posts" / name
        if force or not post.exists():
            post.parent.mkdir(parents=True, exist_ok=True)
            post.write_text(text, encoding="utf-8")
            written.append(post)
    for image in imported.images:
        assert imported.folder is not None
        written += _copy_file(imported.folder / image, output / "static" / image, force)
    if imported.preview_folder is not None:
        written += _copy_folder(imported.preview_folder, output / "static" / "assets" / "img" / "publication_preview",
                                force)
    return written


def _is_placeholder(path: Path, placeholder: Path) -> bool:
    """The file is the starter's, byte for byte (so no work of the user's is lost with it)."""
    return path.is_file() and path.read_bytes() == placeholder.read_bytes()


def _entry_keys(bib: Path) -> set[str]:
    return set(re.findall(r"^\s*@\w+\s*[{(]\s*([^,\s]+)", bib.read_text(encoding="utf-8", errors="replace"), re.M))


def _copy_folder(source: Path, target: Path, force: bool) -> list[Path]:
    return [copied for path in sorted(source.rglob("*")) if path.is_file()
            for copied in _copy_file(path, target / path.relative_to(source), force)]


def _copy_file(path: Path, destination: Path, force: bool) -> list[Path]:
    if destination.exists() and not force:
        return []
    destination.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, destination)
    return [destination]


def _dump(value: Any) -> str:
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=100)

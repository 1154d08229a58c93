"""`cv-site import-alfolio PATH`: bring an al-folio site's CV, papers and news into a cv-site data/ folder.

The import reads the al-folio folder (alfolio_read), converts what it read (alfolio_cv for the CV's
sections, alfolio_config for the person and site settings, alfolio_news for the news, with
alfolio_text for al-folio's HTML-in-Markdown), checks the result with cv-site's own validation, and
then writes it (importers/write.py). What cannot be mapped one-to-one is kept as text and noted.
"""

from __future__ import annotations

import re

from pathlib import Path

from cv_site.importers.alfolio_config import person, site_settings
from cv_site.importers.alfolio_cv import cv_sections
from cv_site.importers.alfolio_news import news_items
from cv_site.importers.alfolio_posts import posts_files, projects_section
from cv_site.importers.alfolio_read import read_alfolio
from cv_site.importers.imported import Imported


def import_alfolio(source: Path) -> Imported:
    """Read an al-folio checkout into our data model (as plain dicts, validated before returning)."""
    alfolio = read_alfolio(Path(source))
    notes: list[str] = []
    sections = cv_sections(alfolio.cv, alfolio.bibtex is not None, notes)
    projects, images = projects_section(alfolio.projects, alfolio.folder, notes)
    if projects:
        sections.append(projects)
    posts = posts_files(alfolio.posts, notes)
    cv = {"person": person(alfolio.config, alfolio.socials, sections, notes), "sections": sections}
    site = site_settings(alfolio.config, sections)
    if projects or posts:
        site["pages"] = ["publications", *(["projects"] if projects else []), *(["posts"] if posts else [])]
    news = news_items(alfolio.news, notes)
    notes += missing_previews(alfolio.bibtex or "", alfolio.preview_folder)
    imported = Imported("al-folio", "import-alfolio", cv, site, news, alfolio.bibtex, notes, alfolio.pdf_folder,
                        alfolio.preview_folder, posts, [Path(image) for image in images], alfolio.folder)
    imported.validate()
    return imported


_PREVIEW = re.compile(r"^\s*preview\s*=\s*[{\"]([^}\"]+)[}\"]", re.M | re.I)


def missing_previews(bibtex: str, folder: Path | None) -> list[str]:
    """Notes for the thumbnails papers.bib names that al-folio's folder does not hold (the build
    will ask for them)."""
    return [f"_bibliography/papers.bib: preview {name!r} is not in assets/img/publication_preview/: put it "
            f"in static/assets/img/publication_preview/, or remove the field"
            for name in dict.fromkeys(match.group(1).strip() for match in _PREVIEW.finditer(bibtex))
            if "/" not in name and (folder is None or not (folder / name).is_file())]

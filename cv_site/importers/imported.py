"""What every importer gives: cv-site's data files as plain dicts (validated), and its notes."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cv_site.errors import Problem, UserError
from cv_site.schema import CvFile, NewsFile, Settings


@dataclass
class Imported:
    source: str  # what it came from, for the files' first lines, e.g. "al-folio"
    command: str  # the command that imported it, e.g. "import-alfolio"
    cv: dict[str, Any]
    site: dict[str, Any]
    news: list[dict[str, Any]]
    bibtex: str | None  # data/publications.bib (as text), or None when there are no papers
    notes: list[str] = field(default_factory=list)  # what could not be mapped one-to-one
    pdf_folder: Path | None = None  # al-folio's assets/pdf/, which bare `pdf = {x.pdf}` fields point into
    preview_folder: Path | None = None  # al-folio's assets/img/publication_preview/ (the `preview` thumbnails)
    posts: dict[str, str] = field(default_factory=dict)  # data/posts/ files by name
    images: list[Path] = field(default_factory=list)  # images to copy to static/, as paths inside `folder`
    folder: Path | None = None  # the imported site's folder

    @property
    def entry_count(self) -> int:
        return sum(len(section.get("entries", ())) for section in self.cv["sections"])

    def validate(self) -> None:
        """A bug in a mapping must not leave the user with a data/ that does not load."""
        CvFile.from_data(self.cv)
        Settings.from_data(self.site)
        NewsFile.from_data({"news": self.news})


def user_error(path: Path, message: str, hint: str = "") -> UserError:
    return UserError([Problem(str(path), None, None, "", message, None, hint)])

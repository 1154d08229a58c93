"""What every importer gives: cv-site's data files as plain dicts (validated), and its notes."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from cv_site.errors import Problem, UserError, format_loc
from cv_site.load.bibtex import load_bibtex
from cv_site.text.normalise import slugify
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
        """What an import writes must load: a value the mapping let through that cv-site refuses
        is a UserError naming it, before anything is written."""
        problems = []
        for name, model, data in (("cv.yml", CvFile, self.cv), ("site.yml", Settings, self.site),
                                  ("news.yml", NewsFile, {"news": self.news})):
            try:
                model.from_data(data)
            except ValidationError as error:
                problems += [Problem(f"data/{name} (from {self.source})", None, None, format_loc(detail["loc"]),
                                     detail["msg"], _shown(detail.get("input")),
                                     f"correct it in the {self.source} file, then import again")
                             for detail in error.errors()]
        if self.bibtex is not None:
            _, found = load_bibtex(self.bibtex, f"data/publications.bib (from {self.source})", None)
            problems += [problem for problem in found if problem.severity == "error"]
        if problems:
            raise UserError(problems)


def _shown(value: object) -> object:
    """A refused value for the message: text or a number as it is; a mapping or list not at all."""
    return value if isinstance(value, (str, int, float)) else None


def user_error(path: Path, message: str, hint: str = "") -> UserError:
    return UserError([Problem(str(path), None, None, "", message, None, hint)])


def with_unique_ids(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A second section with the same title gets the id `<slug>-2`, a third `<slug>-3`..."""
    seen: Counter[str] = Counter()
    for section in sections:
        slug = slugify(section["title"])
        seen[slug] += 1
        if seen[slug] > 1:
            section["id"] = f"{slug}-{seen[slug]}"
    return sections

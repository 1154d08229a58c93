"""Read an al-folio checkout's files, as they are, for the conversion.

What is read (each file is optional, except that at least one of the first two must exist):
  _data/cv.yml              al-folio's CV: a list of sections with `title`, `type`, `contents`
  _bibliography/papers.bib  kept as text, byte for byte (al-folio's fields are ours)
  _config.yml               the name, url + baseurl, description, lang, `scholar:` name spellings,
                            and profile links in older al-folio versions
  _data/socials.yml         profile links (al-folio's newer layout)
  _news/*.md                dated announcements: YAML front matter and a Markdown body
  _projects/*.md            project pages (front matter: title, description, img, category...)
  _posts/*.md               blog posts (front matter: title, date, description, tags...)
  assets/pdf/               the files that `pdf = {paper.pdf}` links name
  assets/img/publication_preview/   the thumbnails that `preview = {paper.png}` fields name
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from cv_site.errors import Problem, UserError
from cv_site.importers.imported import user_error

_FRONT_MATTER = re.compile(r"^---\s*\n(.*?)\n---\s*\n?(.*)$", re.S)


@dataclass
class NewsPost:
    file_name: str
    front_matter: dict[str, Any]  # {} when there is none, or when it is not a YAML mapping
    body: str


@dataclass
class AlfolioSite:
    config: dict[str, Any]
    socials: dict[str, Any]
    cv: list[Any]  # al-folio's sections, not yet checked one by one
    news: list[NewsPost]
    bibtex: str | None  # papers.bib as text, or None when there is none
    pdf_folder: Path | None  # assets/pdf/, which bare `pdf = {x.pdf}` fields point into
    preview_folder: Path | None  # assets/img/publication_preview/, which `preview = {x.png}` fields name
    projects: list[NewsPost]  # _projects/*.md: front matter and body, as the news posts
    posts: list[NewsPost]  # _posts/*.md
    folder: Path  # the site's folder (project images are paths inside it)


def read_alfolio(folder: Path) -> AlfolioSite:
    """The al-folio site in `folder`, or a UserError when it is not one or its YAML is broken."""
    cv_path = folder / "_data" / "cv.yml"
    bib_path = folder / "_bibliography" / "papers.bib"
    if not folder.is_dir():
        raise user_error(folder, "not a folder", "give the folder of an al-folio site (the one with _config.yml)")
    if not cv_path.is_file() and not bib_path.is_file():
        raise user_error(
            folder, "found neither _data/cv.yml nor _bibliography/papers.bib",
            "give the folder of an al-folio site (the one with _config.yml)",
        )
    config = _read_yaml(folder / "_config.yml") or {}
    socials = _read_yaml(folder / "_data" / "socials.yml") or {}
    cv = _read_yaml(cv_path)
    if cv is None:  # no cv.yml, or an empty one
        cv = []
    elif not isinstance(cv, list):
        raise user_error(cv_path, "expected a list of sections (- title: ..., type: ..., contents: ...)")
    news = [_read_news_post(path) for path in sorted((folder / "_news").glob("*.md"))]
    projects = [_read_news_post(path) for path in sorted((folder / "_projects").glob("*.md"))]
    posts = [_read_news_post(path) for path in sorted((folder / "_posts").glob("*.md"))]
    bibtex = bib_path.read_bytes().decode("utf-8") if bib_path.is_file() else None
    pdf_folder = folder / "assets" / "pdf"
    preview_folder = folder / "assets" / "img" / "publication_preview"
    return AlfolioSite(config, socials, cv, news, bibtex, pdf_folder if pdf_folder.is_dir() else None,
                       preview_folder if preview_folder.is_dir() else None, projects, posts, folder)


def _read_yaml(path: Path) -> Any:
    """The file's YAML, or None when there is no such file."""
    if not path.is_file():
        return None
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise UserError([Problem(str(path), line, None, "", f"not valid YAML: {getattr(error, 'problem', error)}")])


def _read_news_post(path: Path) -> NewsPost:
    text = path.read_text(encoding="utf-8")
    match = _FRONT_MATTER.match(text)
    if not match:
        return NewsPost(path.name, {}, text)
    return NewsPost(path.name, _front_matter(match.group(1)), match.group(2))


def _front_matter(text: str) -> dict[str, Any]:
    """A post's front matter that is not a YAML mapping counts as none (the post is then reported
    as having no date)."""
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    return value if isinstance(value, dict) else {}

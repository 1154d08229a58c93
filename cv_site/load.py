"""Load stage: read `data/` (YAML + BibTeX) into one validated `SiteModel`, or raise a `UserError`
that carries every problem in every file.

    data/site.yml         settings (optional)
    data/cv.yml           the person and the CV sections (required)
    data/news.yml         news items (optional)
    data/*.bib            publications
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pydantic import BaseModel

from cv_site.bibtex import load_bibtex
from cv_site.errors import Problem, UserError, did_you_mean
from cv_site.model import (
    CvFile,
    NewsFile,
    Person,
    Publication,
    PublicationsSection,
    Settings,
    SiteModel,
)
from cv_site.yamlfile import YamlDocument, parse_yaml, validate

SETTINGS_FILE = "site.yml"
CV_FILE = "cv.yml"
NEWS_FILE = "news.yml"


@dataclass
class _Loaded:
    """One YAML file, parsed and validated (model is None when it had errors)."""

    document: YamlDocument | None
    model: BaseModel | None


def load_site(source: Path) -> SiteModel:
    """Load and validate everything under `source/data`. Raises UserError listing every problem."""
    data_dir = source / "data"
    problems: list[Problem] = []
    if not (data_dir / CV_FILE).is_file():
        raise UserError([Problem(display_path(data_dir / CV_FILE), None, None, "",
                                 "file not found: every site needs data/cv.yml",
                                 hint="run cv-site in the folder that holds data/, or pass --source DIR")])
    settings = _load_yaml(data_dir / SETTINGS_FILE, Settings, problems, required=False)
    cv = _load_yaml(data_dir / CV_FILE, CvFile, problems, required=True)
    news = _load_yaml(data_dir / NEWS_FILE, NewsFile, problems, required=False)
    person = cv.model.person if cv.model else None
    publications = _load_publications(data_dir, person, problems)
    if cv.model:
        problems += _check_publication_keys(cv, {p.key for p in publications})
    if settings.model and cv.model:
        problems += _check_pdf_sections(settings, cv.model)

    if any(p.severity == "error" for p in problems):
        raise UserError(problems)
    assert cv.model is not None
    return SiteModel(
        settings=settings.model or Settings(),
        person=cv.model.person,
        sections=list(cv.model.sections),
        news=sorted(news.model.news if news.model else [], key=lambda n: n.date, reverse=True),
        publications=sorted(publications, key=lambda p: p.sort_key, reverse=True),
        warnings=sorted(problems, key=lambda p: p.sort_key),
    )


def display_path(path: Path) -> str:
    """The path as the user would type it: relative to the working folder when inside it."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def read_text(path: Path, problems: list[Problem]) -> str | None:
    """A file's text, decoded as UTF-8 (a BOM is dropped); None with a Problem when it is not."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        problems.append(Problem(
            display_path(path), line, column, "",
            f"not UTF-8: byte 0x{raw[error.start]:02x} at offset {error.start} cannot be decoded",
            hint="save the file as UTF-8 (most editors: 'Save with encoding')",
        ))
        return None


def _load_yaml(path: Path, model: type[BaseModel], problems: list[Problem], *, required: bool) -> _Loaded:
    if not path.is_file():
        if required:
            problems.append(Problem(display_path(path), None, None, "", "file not found"))
            return _Loaded(None, None)
        return _Loaded(None, model())
    text = read_text(path, problems)
    if text is None:
        return _Loaded(None, None)
    document, syntax_problems = parse_yaml(text, display_path(path))
    problems += syntax_problems
    if document is None or syntax_problems:
        return _Loaded(document, None)
    validated, validation_problems = validate(model, document)
    problems += validation_problems
    return _Loaded(document, validated)


def _load_publications(data_dir: Path, person: Person | None, problems: list[Problem]) -> list[Publication]:
    publications: list[Publication] = []
    first_seen: dict[str, Publication] = {}
    for path in sorted(data_dir.glob("*.bib")):
        text = read_text(path, problems)
        if text is None:
            continue
        loaded, bib_problems = load_bibtex(text, display_path(path), person)
        problems += bib_problems
        for publication in loaded:
            if publication.key in first_seen:
                first = first_seen[publication.key].source
                problems.append(Problem(
                    publication.source.file, publication.source.line, 1, publication.key,
                    f"duplicate BibTeX key (first defined in {first.file}:{first.line})",
                    hint="rename one of the two entries",
                ))
                continue
            first_seen[publication.key] = publication
            publications.append(publication)
    return publications


def _check_publication_keys(cv: _Loaded, known: set[str]) -> list[Problem]:
    """A publications section that lists keys must name entries that exist."""
    assert cv.document is not None and cv.model is not None
    problems = []
    for index, section in enumerate(cv.model.sections):
        if not isinstance(section, PublicationsSection) or isinstance(section.include, str):
            continue
        for position, key in enumerate(section.include):
            if key not in known:
                problems.append(cv.document.problem(
                    ("sections", index, "include", position), "no BibTeX entry has this key",
                    value=key, hint=did_you_mean(key, known) or "check the key in data/*.bib",
                ))
    return problems


def _check_pdf_sections(settings: _Loaded, cv: CvFile) -> list[Problem]:
    """pdf.sections must name sections that exist."""
    assert settings.model is not None
    ids = [section.slug for section in cv.sections]
    wanted = settings.model.pdf.sections or []
    problems = []
    for position, section_id in enumerate(wanted):
        if section_id not in ids and settings.document is not None:
            problems.append(settings.document.problem(
                ("pdf", "sections", position), "no section in data/cv.yml has this id",
                value=section_id, hint=did_you_mean(section_id, ids) or "known ids: " + ", ".join(ids),
            ))
    return problems

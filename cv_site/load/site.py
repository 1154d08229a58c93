"""Load stage: read `data/` (YAML + BibTeX) into one validated `SiteModel`, or raise a `UserError`
that carries every problem in every file.

    data/site.yml         settings (optional)
    data/cv.yml           the person and the CV sections (required)
    data/news.yml         news items (optional)
    data/*.bib            publications
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from cv_site.load.bibfile import BibFile
from cv_site.load.bibtex import load_bibtex
from cv_site.load.posts import PostCache, load_posts
from cv_site.errors import Problem, UserError, did_you_mean, display_path, parse_loc
from cv_site.model import Publication, SiteModel
from cv_site.schema import ProjectsSection, CvFile, NewsFile, Person, PublicationsSection, Record, Settings
from cv_site.load.textfile import decode_text, read_bib_text
from cv_site.load.variants import check_variants, citation_styles
from cv_site.load.yamlfile import YamlDocument, parse_yaml, validate

SETTINGS_FILE = "site.yml"
CV_FILE = "cv.yml"
NEWS_FILE = "news.yml"


@dataclass(frozen=True)
class _Loaded:
    """One YAML file, parsed and validated (model is None when it had errors)."""

    document: YamlDocument | None
    model: Record | None


def load_site(source: Path) -> SiteModel:
    """Load and validate everything under `source/data`. Raises UserError listing every problem."""
    return Loader(source).load()


class Loader:
    """Loads a site, and again after edits (serve mode): a YAML file whose text did not change is
    not parsed again, and a .bib file where a few entries changed has only those entries parsed
    again (see `BibFile`). Unchanged publications come back as the same objects."""

    def __init__(self, source: Path, keep: bool = True, drafts: bool = False):
        """`keep=False`: load once (a one-shot build): no per-entry state is kept for a next load.
        `drafts`: posts marked `draft: true` are loaded too (serve, build --drafts)."""
        self.source = source
        self.keep = keep
        self.drafts = drafts
        self._yaml: dict[Path, tuple[str, _Loaded, list[Problem]]] = {}
        self._bib: dict[Path, BibFile] = {}
        self._posts: PostCache | None = {} if keep else None

    def load(self) -> SiteModel:
        data_dir = self.source / "data"
        problems: list[Problem] = []
        if not (data_dir / CV_FILE).is_file():
            raise UserError([Problem(display_path(data_dir / CV_FILE), None, None, "",
                                     "file not found: every site needs data/cv.yml",
                                     hint="run cv-site in the folder that holds data/, or pass --source DIR")])
        settings = self._load_yaml(data_dir / SETTINGS_FILE, Settings, problems, required=False)
        cv = self._load_yaml(data_dir / CV_FILE, CvFile, problems, required=True)
        news = self._load_yaml(data_dir / NEWS_FILE, NewsFile, problems, required=False)
        person = cv.model.person if cv.model else None
        publications = self._load_publications(data_dir, person, problems)
        posts = load_posts(data_dir / "posts", problems, drafts=self.drafts, cache=self._posts)
        if cv.model:
            known = {p.key for p in publications}
            problems += _check_publication_keys(cv, known) + _check_projects(cv, known, self.source / "static")
        problems += _check_previews(publications, self.source / "static")
        styles: dict[str, Any] = {}  # citations.CitationStyle, imported only when a site names one
        if settings.model and settings.document is not None:
            styles, style_problems = citation_styles(settings.document, settings.model, self.source)
            problems += style_problems
        if settings.model and cv.model:
            problems += _check_pdf_sections(settings, cv.model) + _check_pages(settings, cv.model, bool(posts))
            if settings.document is not None:
                problems += check_variants(settings.document, settings.model, cv.model.sections, publications, self.source)

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
            posts=posts,
            citation_styles=styles,
        )

    def locate(self, problem: Problem) -> Problem:
        """A problem found after loading (a glyph the PDF's fonts lack) that names a data file and
        a key but no line, with the line and column where the key is written."""
        if problem.line is not None:
            return problem
        for path, (_, loaded, _) in self._yaml.items():
            document = loaded.document
            if document is not None and problem.file in (document.file, f"data/{path.name}"):
                line, column = document.position(parse_loc(problem.key))
                return dataclasses.replace(problem, file=document.file, line=line, column=column)
        return problem

    def _load_yaml(self, path: Path, model: type[Record], problems: list[Problem], *, required: bool) -> _Loaded:
        """The file parsed and validated, or what the last load made of the same bytes."""
        if not path.is_file():
            self._yaml.pop(path, None)
            return _missing_yaml(path, model, problems, required=required)
        raw = path.read_bytes()
        cached = self._yaml.get(path)
        if cached is None or cached[0] != raw:
            found: list[Problem] = []
            cached = (raw, _load_yaml(path, raw, model, found), found)
            self._yaml[path] = cached
        problems += cached[2]
        return cached[1]

    def _load_publications(self, data_dir: Path, person: Person | None,
                           problems: list[Problem]) -> list[Publication]:
        publications: list[Publication] = []
        first_seen: dict[str, Publication] = {}
        paths = sorted(data_dir.glob("*.bib"))
        for gone in set(self._bib) - set(paths):
            del self._bib[gone]
        for path in paths:
            text = read_bib_text(path, problems)
            if text is None:
                continue
            if not self.keep:
                loaded, bib_problems = load_bibtex(text, display_path(path), person)
                del text
            else:
                bib = self._bib.get(path)
                if bib is None:
                    bib = self._bib[path] = BibFile(display_path(path))
                loaded, bib_problems = bib.load(text, person)
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


def _missing_yaml(path: Path, model: type[Record], problems: list[Problem], *, required: bool) -> _Loaded:
    """An optional file that is absent gives the model's defaults; a required one is a problem."""
    if required:
        problems.append(Problem(display_path(path), None, None, "", "file not found"))
        return _Loaded(None, None)
    return _Loaded(None, model())


def _load_yaml(path: Path, raw: bytes, model: type[Record], problems: list[Problem]) -> _Loaded:
    text = decode_text(path, raw, problems)
    if text is None:
        return _Loaded(None, None)
    document, syntax_problems = parse_yaml(text, display_path(path))
    problems += syntax_problems
    if document is None or syntax_problems:
        return _Loaded(document, None)
    validated, validation_problems = validate(model, document)
    problems += validation_problems
    return _Loaded(document, validated)


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


def _check_projects(cv: _Loaded, known: set[str], static: Path) -> list[Problem]:
    """A project's paper must be a BibTeX key, and its image a file in static/."""
    assert cv.document is not None and cv.model is not None
    problems = []
    for index, section in enumerate(cv.model.sections):
        if not isinstance(section, ProjectsSection):
            continue
        for number, project in enumerate(section.entries):
            where = ("sections", index, "entries", number)
            key = project.links.paper
            if key and key not in known:
                problems.append(cv.document.problem(
                    (*where, "links", "paper"), "no BibTeX entry has this key",
                    value=key, hint=did_you_mean(key, known) or "check the key in data/*.bib"))
            if project.image and not _in_folder(static, project.image):
                problems.append(cv.document.problem(
                    (*where, "image"), "the image is not in static/", value=project.image,
                    hint="put the image in static/ (e.g. static/images/project.png) and give its path inside static/"))
    return problems


def _check_previews(publications: list[Publication], static: Path) -> list[Problem]:
    """A paper's thumbnail must be a file in static/."""
    return [Problem(p.source.file, p.source.line, 1, p.key, "its preview image is not in static/",
                    value=p.fields["preview"], hint=f"put the image at static/{p.preview}, or correct `preview`")
            for p in publications if p.preview and not _in_folder(static, p.preview)]


def _in_folder(folder: Path, path: str) -> bool:
    """`path` names a file inside `folder` (no `..` climbs out of it)."""
    return ".." not in PurePosixPath(path).parts and (folder / path.lstrip("/")).is_file()


def _check_pages(settings: _Loaded, cv: CvFile, has_posts: bool) -> list[Problem]:
    """A collection's page needs sections of its kind, or posts (publications are always there)."""
    assert settings.model is not None
    kinds = {section.kind for section in cv.sections} | {"publications"} | ({"posts"} if has_posts else set())
    problems = []
    for position, name in enumerate(settings.model.pages or []):
        if name in kinds or settings.document is None:
            continue
        if name == "posts":
            message, hint = "data/posts/ has no post", "add a post (data/posts/YYYY-MM-DD-slug.md), or take posts out of pages"
        else:
            message, hint = f"data/cv.yml has no section of kind {name}", f"add a section with `kind: {name}`, or take {name} out of pages"
        problems.append(settings.document.problem(("pages", position), message, value=name, hint=hint))
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

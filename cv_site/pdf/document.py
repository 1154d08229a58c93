"""The PDF CV: the validated SiteModel -> templates/cv.typ.j2 (Jinja2 -> Typst) -> typst -> bytes.

Safety: the Jinja environment finalizes every `{{ value }}` into a Typst string literal (see
`typst_markup`), so user text is never parsed as Typst markup; inline Markdown becomes Typst calls
whose text arguments are string literals too.

Reproducibility: only the fonts bundled in the typst wheel (New Computer Modern for the text, with
New Computer Modern Math, Libertinus Serif and DejaVu Sans Mono as fallbacks) plus fonts the site configures (`pdf.font_paths`) are used; system fonts are
ignored. The document date comes from SOURCE_DATE_EPOCH, or is left out (PDF/A needs one: then
the newest date in the data is used), so the same input gives the same bytes on every machine.

Failure: a Typst warning (unknown font, ...) or a character no font can draw is a UserError that
names the field; a Typst error names the template file and line that produced the bad code.
"""

from __future__ import annotations

import datetime as _dt
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable, Iterator

import jinja2

from cv_site.pdf import fonts as _fonts
from cv_site.text.dates import DateRange, PartialDate
from cv_site.errors import Problem, UserError
from cv_site.links import Link
from cv_site.views.venue import venue_line
from cv_site.model import Publication, SiteModel
from cv_site.schema import PdfSettings, PublicationsSection, Record
from cv_site.template_errors import template_errors
from cv_site.theme import template_display_path, template_loader
from cv_site.labels import IN_PROGRESS_HEADING, MONTH_NAMES, editors_mark, status_label
from cv_site.text.richtext import plain as plain_text
from cv_site.pdf.typst import Typst, block, inline, literal, rich_typst, string

TEMPLATE = "cv.typ.j2"
BODY_FONT = "New Computer Modern"
DATA_CV = "data/cv.yml"


# --- the view the template sees ------------------------------------------------------------------


@dataclass
class SectionView:
    id: str
    title: str
    intro: str | None
    data: Any  # the model's section (or a NewsView)
    index: int | None  # position in data/cv.yml's sections, for error messages
    groups: list["PaperGroup"] = field(default_factory=list)
    legend: str | None = None


@dataclass
class NewsView:
    entries: list[Any]
    kind: str = "news"


@dataclass
class AuthorView:
    name: str
    is_owner: bool
    mark: str | None


@dataclass
class PaperView:
    number: str
    title: str | Typst  # Typst when the title has italic, bold or math
    label: str  # right column: "(Oral) CVPR 2020", "Submitted to ECCV 2024"
    highlight: bool
    authors: list[AuthorView]
    details: list[str | Typst]  # the venue line
    annotation: str
    links: list[Link]
    publication: Publication


@dataclass
class PaperGroup:
    title: str | None
    papers: list[PaperView]


def _paper_label(p: Publication) -> str:
    if p.is_published:
        label = " ".join(part for part in (p.abbr, str(p.year) if p.year else "") if part)
        if not label:
            label = p.venue if len(p.venue) <= 24 else ""
        return f"({p.award}) {label}".strip() if p.award else label
    note = p.fields.get("note", "") or p.venue
    word = status_label(p.status)
    if not note:
        return word
    if p.status == "submitted" and "submit" not in note.lower():
        return f"Submitted to {note}" if len(note) <= 20 else word
    return note if len(note) <= 26 else word


def _paper_details(p: Publication, label: str) -> list[str | Typst]:
    """The venue line by entry type ("PhD thesis, School", "Journal, vol. 3, pp. 1–9"), italic and
    bold kept; for a hand-made Publication without one, the venue, volume and pages."""
    if venue_line(p):
        line = plain_text(venue_line(p))
        if line == label or (not p.is_published and line in label):
            return []
        return [rich_typst(venue_line(p))]
    parts: list[str | Typst] = []
    venue = p.venue
    if venue and venue != label and not (not p.is_published and venue in label):
        parts.append(venue)
    for key, fmt in (("volume", "vol. {}"), ("pages", "pp. {}")):
        if p.fields.get(key):
            parts.append(fmt.format(p.fields[key].replace("--", "–")))
    return parts


def _paper_view(number: int, p: Publication) -> PaperView:
    label = _paper_label(p)
    authors = []
    for a in p.people:
        mark = ("*" if a.equal_contribution else "") + ("†" if a.corresponding else "")
        authors.append(AuthorView(a.display, a.is_owner, mark or None))
    if p.people_are_editors and authors:
        authors[-1].name += editors_mark(len(authors))
    title = rich_typst(p.styled["title"]) if "title" in p.styled else p.title
    return PaperView(
        number=f"{number}.", title=title, label=label, highlight=bool(p.award or p.selected),
        authors=authors, details=_paper_details(p, label), annotation=p.annotation, links=list(p.links), publication=p,
    )


def _publication_groups(site: SiteModel, section: PublicationsSection) -> tuple[list[PaperGroup], str | None]:
    papers = site.section_publications(section)
    published = [p for p in papers if p.is_published]
    unpublished = [p for p in papers if not p.is_published]
    groups, number = [], 0
    for title, members in ((None, published), (IN_PROGRESS_HEADING, unpublished)):
        if not members:
            continue
        views = []
        for p in members:
            number += 1
            views.append(_paper_view(number, p))
        groups.append(PaperGroup(title if published else None, views))
    marks = []
    if any(p.has_equal_contribution for p in papers):
        marks.append("* equal contribution")
    if any(p.has_corresponding for p in papers):
        marks.append("† corresponding author")
    return groups, ("; ".join(marks) if marks else None)


def section_views(site: SiteModel) -> list[SectionView]:
    """The sections the PDF shows, in order, with their (possibly overridden) titles."""
    pdf = site.settings.pdf
    by_id = {section.slug: (index, section) for index, section in enumerate(site.sections)}
    ids = pdf.sections if pdf.sections is not None else list(by_id)
    views = []
    if pdf.include_news and site.news:
        items = site.news[: pdf.news_items] if pdf.news_items else site.news
        views.append(SectionView("news", pdf.titles.get("news", "News"), None, NewsView(items), None))
    for section_id in ids:
        if section_id not in by_id:
            continue  # reported by the loader
        index, section = by_id[section_id]
        view = SectionView(section_id, pdf.titles.get(section_id, section.title), section.intro, section, index)
        if isinstance(section, PublicationsSection):
            view.groups, view.legend = _publication_groups(site, section)
        views.append(view)
    return views


def _contact_text(link: Link) -> str:
    if link.kind.name == "email":
        return link.href.removeprefix("mailto:")
    short = re.sub(r"^https?://(www\.)?", "", link.href).rstrip("/")
    return short if len(short) <= 30 else link.label


def document_date(site: SiteModel, pdf: PdfSettings) -> _dt.datetime | None:
    """SOURCE_DATE_EPOCH if set; for PDF/A (which needs a date) the newest date in the data."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return _dt.datetime.fromtimestamp(int(epoch), _dt.timezone.utc)
        except (ValueError, OverflowError, OSError):
            raise UserError([Problem("SOURCE_DATE_EPOCH", None, None, "", "expected a number of seconds since 1970",
                                     value=epoch)]) from None
    if not pdf.pdfa:
        return None
    newest = max(_data_dates(site), default=PartialDate(2000))
    return _dt.datetime(newest.year, newest.month or 1, newest.day or 1, tzinfo=_dt.timezone.utc)


def _data_dates(site: SiteModel) -> Iterator[PartialDate]:
    for item in site.news:
        yield item.date
    for p in site.publications:
        if p.date:
            yield p.date
    for section in site.sections:
        for entry in getattr(section, "entries", []):
            for item in [entry, *getattr(entry, "items", []), *getattr(entry, "projects", [])]:
                date = getattr(item, "date", None)
                if isinstance(date, DateRange):
                    yield date.end or date.start


def _typst_datetime(value: _dt.datetime | None) -> Typst:
    if value is None:
        return Typst("none")
    return Typst(f"datetime(year: {value.year}, month: {value.month}, day: {value.day}, "
                 f"hour: {value.hour}, minute: {value.minute}, second: {value.second})")


def template_context(site: SiteModel) -> dict[str, Any]:
    settings, person, pdf = site.settings, site.person, site.settings.pdf
    date = document_date(site, pdf)
    language = settings.language.split("-")
    keywords = pdf.keywords if pdf.keywords is not None else [
        k for k in ["curriculum vitae", "CV", person.name, person.position, person.affiliation] if k
    ]
    doc = {
        "title": f"{person.name} – Curriculum Vitae",
        "author": person.name,
        "keywords": keywords,
        "description": settings.description or f"Curriculum vitae of {person.name}",
        "date": _typst_datetime(date),
        "updated": f"Updated {MONTH_NAMES[date.month - 1]} {date.year}" if date and os.environ.get("SOURCE_DATE_EPOCH") else None,
        "lang": language[0].lower(),
        "region": Typst(f", region: {string(language[1].upper())}") if len(language) > 1 and len(language[1]) == 2 else Typst(""),
        "fonts": [BODY_FONT, *pdf.fonts, "New Computer Modern Math"],
    }
    contacts = [{"href": link.href, "text": _contact_text(link)} for link in person.profile_links
                if link.kind.name != "cv"]
    return {"site": site, "settings": settings, "pdf": pdf, "person": person, "doc": doc,
            "contacts": contacts, "sections": section_views(site)}


# --- Jinja ---------------------------------------------------------------------------------------


def _range(value: DateRange | None, ongoing_label: str = "present") -> str | None:
    return value.display(ongoing_label) if value is not None else None


def make_environment(source: Path, allow_html: bool = False) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=template_loader(source),
        autoescape=False,
        finalize=literal,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        bytecode_cache=jinja2.FileSystemBytecodeCache(),  # as the site's: compiling costs ~25 ms a process
    )
    env.filters["md"] = lambda text: inline(text, allow_html) if text else Typst('""')
    env.filters["mdblock"] = lambda text: block(text, allow_html) if text else Typst('""')
    env.filters["comment"] = lambda text: Typst(re.sub(r"[^\w.-]", "", str(text)))
    env.filters["string"] = lambda value: None if value is None else str(value)
    env.filters["range"] = _range_filter
    return env


@jinja2.pass_context
def _range_filter(context: jinja2.runtime.Context, value: DateRange | None) -> str | None:
    return _range(value, context["settings"].ongoing_label)


# --- compiling -----------------------------------------------------------------------------------


class PdfRenderer:
    """Keeps the Jinja environment and the Typst compiler (fonts loaded once) between builds."""

    def __init__(self, source: Path):
        self.source = source
        self._envs: dict[bool, jinja2.Environment] = {}
        self._compilers: dict[tuple[str, ...], Any] = {}

    def environment(self, allow_html: bool) -> jinja2.Environment:
        if allow_html not in self._envs:
            self._envs[allow_html] = make_environment(self.source, allow_html)
        return self._envs[allow_html]

    def compiler(self, font_paths: tuple[str, ...]) -> Any:
        import typst

        if font_paths not in self._compilers:
            self._compilers[font_paths] = typst.Compiler(
                ignore_system_fonts=True, font_paths=[str(p) for p in font_paths]
            )
        return self._compilers[font_paths]

    def typst_source(self, site: SiteModel) -> tuple[str, jinja2.Template]:
        env = self.environment(site.settings.allow_html)
        with template_errors(self.source):  # e.g. an unknown attribute in a site's own template
            template = env.get_template(TEMPLATE)
            return template.render(template_context(site)), template

    def render(self, site: SiteModel) -> bytes:
        import typst

        pdf = site.settings.pdf
        # Typst reads fonts from folders only: a configured font file is read through its folder.
        font_paths = tuple(dict.fromkeys(str(path if path.is_dir() else path.parent)
                                         for path in map(self._font_path, pdf.font_paths)))
        check_glyphs(site, [self._font_path(p) for p in pdf.font_paths])
        code, template = self.typst_source(site)
        compiler = self.compiler(font_paths)
        try:
            result, warnings = compiler.compile_with_warnings(
                code.encode("utf-8"), format="pdf", pdf_standards=["a-2b"] if pdf.pdfa else [],
            )
        except typst.TypstError as error:
            raise UserError([self._template_problem(site, template, code, error, "error")]) from None
        if warnings:
            raise UserError([self._template_problem(site, template, code, w, "warning") for w in warnings])
        assert isinstance(result, bytes)
        return result

    def _font_path(self, path: str) -> Path:
        return (self.source / path).resolve()

    def _template_problem(self, site: SiteModel, template: jinja2.Template, code: str, diagnostic: Any,
                          severity: str) -> Problem:
        """A Typst diagnostic located in the Jinja template that wrote the offending code."""
        message = str(getattr(diagnostic, "message", diagnostic)).strip()
        text = str(getattr(diagnostic, "diagnostic", ""))
        line = None
        if match := re.search(r"┌─ [^\n]*?:(\d+):(\d+)", text):
            line = int(match.group(1))
        where = locate_in_template(site, template, code, line) if line else None
        file = where[0] if where else (template.filename or TEMPLATE)
        hint = "; ".join(getattr(diagnostic, "hints", []) or [])
        prefix = "Typst warning (the PDF build treats it as an error): " if severity == "warning" else "Typst error: "
        excerpt = code.splitlines()[line - 1].strip() if line and line <= len(code.splitlines()) else ""
        if excerpt:
            hint = (hint + "; " if hint else "") + f"generated Typst line {line}: {excerpt[:100]}"
        return Problem(template_display_path(file), where[1] if where else None, None, "", prefix + message, hint=hint)


def locate_in_template(site: SiteModel, template: jinja2.Template, code: str, line: int) -> tuple[str, int] | None:
    """Which template file and line wrote line `line` of the generated Typst.

    Renders the template again chunk by chunk and asks, for each chunk, which template frame
    produced it (Jinja keeps a map from its compiled Python lines to template lines). Only run on
    the error path, so the normal render stays fast.
    """
    target = sum(len(l) + 1 for l in code.splitlines()[: line - 1])  # offset of the line's start
    context = template.new_context(template_context(site))
    generator = template.root_render_func(context)
    offset = 0
    for chunk in generator:
        if offset + len(chunk) > target:
            frame = _innermost_frame(generator)
            found = _template_line(frame) if frame else None
            if found:
                # The chunk starts at the mapped line; count the template lines inside it.
                return found[0], found[1] + chunk.count("\n", 0, max(target - offset, 0))
            break
        offset += len(chunk)
    return (template.filename or TEMPLATE, 0) if template.filename else None


def _innermost_frame(generator: Any) -> Any:
    while getattr(generator, "gi_yieldfrom", None) is not None:
        generator = generator.gi_yieldfrom
    return getattr(generator, "gi_frame", None)


def _template_line(frame: Any) -> tuple[str, int] | None:
    while frame is not None:
        owner = frame.f_globals.get("__jinja_template__")
        if owner is not None:
            return owner.filename or owner.name, owner.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return None


# --- glyph coverage ------------------------------------------------------------------------------


def text_fields(site: SiteModel) -> Iterator[tuple[str, str, str] | tuple[str, str, str, int]]:
    """(file, key, text[, line]) for every piece of user text the PDF prints."""
    person = site.person
    for key in ("name", "position", "affiliation", "email"):
        value = getattr(person, key)
        if value:
            yield DATA_CV, f"person.{key}", value
    for view in section_views(site):
        prefix = f"sections[{view.index}]" if view.index is not None else "news"
        file = DATA_CV if view.index is not None else "data/news.yml"
        yield file, f"{prefix}.title", view.title
        if view.intro:
            yield file, f"{prefix}.intro", view.intro
        yield from _walk(file, prefix, view.data, skip=("kind", "id", "title", "intro"))  # those: above
        for group in view.groups:
            for paper in group.papers:
                p = paper.publication
                where = f"{p.source.file}"
                for name, value in (("title", p.title), ("venue", plain_text(venue_line(p)) or p.venue),
                                    ("annotation", p.annotation),
                                    ("award", p.award), ("abbr", p.abbr), ("note", p.fields.get("note", ""))):
                    if value:
                        yield where, f"{p.key}.{name}", value, p.source.line
                for author in p.people:
                    yield where, f"{p.key}.author", author.display, p.source.line


def _walk(file: str, key: str, value: Any, skip: tuple[str, ...] = ("kind", "id")) -> Iterator[tuple[str, str, str]]:
    if isinstance(value, str):
        yield file, key, value
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _walk(file, f"{key}[{index}]", item)
    elif isinstance(value, Record):
        for name in value.fields:
            if name not in skip:
                yield from _walk(file, f"{key}.{name}", getattr(value, name))
    elif isinstance(value, NewsView):
        yield from _walk(file, key, value.entries)


def check_glyphs(site: SiteModel, font_paths: Iterable[Path] = ()) -> None:
    """Every character the PDF prints must be in a bundled or configured font (UserError if not)."""
    coverage = _fonts.coverage(tuple(font_paths))
    problems = []
    for file, key, text, *line in text_fields(site):
        missing = list(dict.fromkeys(c for c in text if ord(c) >= 0x80 and not c.isspace() and ord(c) not in coverage))
        if missing:
            shown = "".join(missing[:12]) + ("…" if len(missing) > 12 else "")
            codes = ", ".join(f"U+{ord(c):04X}" for c in missing[:6])
            problems.append(Problem(
                file, line[0] if line else None, None, key, f"no PDF font has a glyph for {shown!r} ({codes})",
                hint="add a font that has them: in data/site.yml, pdf: font_paths: [fonts/NotoSerifSC-Regular.otf]"
                     " and fonts: [Noto Serif SC] (or leave the PDF out with pdf: enabled: false)",
            ))
    if problems:
        raise UserError(problems)


# --- entry point ---------------------------------------------------------------------------------

_RENDERERS: dict[Path, PdfRenderer] = {}


def forget_templates(source: Path) -> None:
    """Drop the compiled templates of `source` (one of its templates was added or removed)."""
    _RENDERERS.pop(Path(source).resolve(), None)


def render_pdf(site: SiteModel, source: Path = Path(".")) -> bytes:
    """The CV as PDF bytes. Raises UserError for warnings, missing glyphs and template errors."""
    key = Path(source).resolve()
    renderer = _RENDERERS.get(key)
    if renderer is None:
        renderer = _RENDERERS[key] = PdfRenderer(Path(source))
    return renderer.render(site)

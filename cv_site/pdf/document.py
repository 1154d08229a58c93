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
from pathlib import Path
from typing import Any, Iterator

import jinja2

from cv_site.text.dates import DateRange, PartialDate
from cv_site.errors import Problem, UserError
from cv_site.model import SiteModel
from cv_site.schema import PdfSettings
from cv_site.template_errors import template_errors
from cv_site.theme import CLASSIC, template_loader, templates_digest
from cv_site.variants import FULL_CV, CvVariant
from cv_site.labels import MONTH_NAMES
from cv_site.pdf.diagnostics import TEMPLATE, template_problem
from cv_site.pdf.glyphs import check_glyphs
from cv_site.pdf.ties import unbroken
from cv_site.views.site import SiteView, site_view
from cv_site.pdf.typst import Typst, block, inline, literal, rich_typst, string

BODY_FONT = "New Computer Modern"


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


def template_context(view: SiteView, variant: CvVariant | None = None) -> dict[str, Any]:
    """What the Typst template reads: the full CV's, or a variant's (its sections, title, paper)."""
    site = view.model
    settings, person, pdf = site.settings, site.person, site.settings.pdf
    if variant and variant.paper:
        pdf = pdf.replace(paper=variant.paper)
    date = document_date(site, pdf)
    language = settings.language.split("-")
    keywords = pdf.keywords if pdf.keywords is not None else [
        k for k in ["curriculum vitae", "CV", person.name, person.position, person.affiliation] if k
    ]
    doc = {
        "title": f"{person.name} – {variant.title if variant else 'Curriculum Vitae'}",
        "author": person.name,
        "keywords": keywords,
        "description": settings.description or f"Curriculum vitae of {person.name}",
        "date": _typst_datetime(date),
        "updated": f"Updated {MONTH_NAMES[date.month - 1]} {date.year}" if date and os.environ.get("SOURCE_DATE_EPOCH") else None,
        "lang": language[0].lower(),
        "region": Typst(f", region: {string(language[1].upper())}") if len(language) > 1 and len(language[1]) == 2 else Typst(""),
        "fonts": [BODY_FONT, *pdf.fonts, "New Computer Modern Math"],
    }
    return {"site": site, "views": view, "settings": settings, "pdf": pdf, "person": person, "doc": doc,
            "contacts": view.contacts(), "sections": view.pdf_sections(variant)}


# --- Jinja ---------------------------------------------------------------------------------------


def make_environment(source: Path, allow_html: bool = False, theme: str = CLASSIC) -> jinja2.Environment:
    env = jinja2.Environment(
        loader=template_loader(source, theme),
        autoescape=False,
        finalize=literal,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        auto_reload=False,  # a new environment is made when a template changes
        bytecode_cache=jinja2.FileSystemBytecodeCache(),  # as the site's: compiling costs ~25 ms a process
    )
    env.filters["md"] = lambda text: inline(text, allow_html) if text else Typst('""')
    env.filters["mdblock"] = lambda text: block(text, allow_html) if text else Typst('""')
    env.filters["comment"] = lambda text: Typst(re.sub(r"[^\w.-]", "", str(text)))
    env.filters["string"] = lambda value: None if value is None else str(value)
    env.filters["unbroken"] = unbroken
    env.filters["rich"] = rich_typst
    env.filters["date"] = _date_text
    return env


@jinja2.pass_context
def _date_text(context: jinja2.runtime.Context, value: DateRange | PartialDate | None) -> str | None:
    label = context["views"].date(value)
    return label.text if label else None


# --- compiling -----------------------------------------------------------------------------------


class PdfRenderer:
    """Keeps the Jinja environment and the Typst compiler (fonts loaded once) between builds."""

    def __init__(self, source: Path):
        self.source = source
        self._envs: dict[tuple[str, bool, str], jinja2.Environment] = {}
        self._compilers: dict[tuple[str, ...], Any] = {}
        self._last: dict[str, tuple[tuple, bytes]] = {}  # by CV: (what was compiled, the PDF)

    def environment(self, allow_html: bool, theme: str) -> jinja2.Environment:
        """One a theme; all made again when a template's bytes change (a new site template may
        shadow the theme's)."""
        digest = templates_digest(self.source)
        if any(key[0] != digest for key in self._envs):
            self._envs = {}
        key = (digest, allow_html, theme)
        if key not in self._envs:
            self._envs[key] = make_environment(self.source, allow_html, theme)
        return self._envs[key]

    def compiler(self, font_paths: tuple[str, ...]) -> Any:
        import typst

        if font_paths not in self._compilers:
            self._compilers[font_paths] = typst.Compiler(
                ignore_system_fonts=True, font_paths=[str(p) for p in font_paths]
            )
        return self._compilers[font_paths]

    def typst_source(self, view: SiteView, variant: CvVariant | None = None) -> tuple[str, jinja2.Template]:
        theme = (variant and variant.theme) or view.model.settings.pdf.theme
        env = self.environment(view.model.settings.allow_html, theme)
        with template_errors(self.source):  # e.g. an unknown attribute in a site's own template
            template = env.get_template(TEMPLATE)
            return template.render(template_context(view, variant)), template

    def render(self, view: SiteView, variant: CvVariant | None = None) -> bytes:
        """The full CV's PDF, or a variant's."""
        import typst

        pdf = view.model.settings.pdf
        # Typst reads fonts from folders only: a configured font file is read through its folder.
        font_paths = tuple(dict.fromkeys(str(path if path.is_dir() else path.parent)
                                         for path in map(self._font_path, pdf.font_paths)))
        check_glyphs(view, [self._font_path(p) for p in pdf.font_paths], variant)
        code, template = self.typst_source(view, variant)
        compiled = (code, font_paths, pdf.pdfa)
        cv = variant.id if variant else FULL_CV
        if cv in self._last and self._last[cv][0] == compiled:  # serve: only the web pages changed
            return self._last[cv][1]
        compiler = self.compiler(font_paths)
        try:
            result, warnings = compiler.compile_with_warnings(
                code.encode("utf-8"), format="pdf", pdf_standards=["a-2b"] if pdf.pdfa else [],
            )
        except typst.TypstError as error:
            raise UserError([template_problem(template_context(view, variant), template, code, error, "error")]) from None
        if warnings:
            context = template_context(view, variant)
            raise UserError([template_problem(context, template, code, w, "warning") for w in warnings])
        assert isinstance(result, bytes)
        self._last[cv] = (compiled, result)
        return result

    def _font_path(self, path: str) -> Path:
        return (self.source / path).resolve()


def render_pdf(site: SiteModel, source: Path = Path(".")) -> bytes:
    """The CV of `site` as PDF bytes (a renderer made for this one call)."""
    return PdfRenderer(Path(source)).render(site_view(site))


def page_count(pdf: bytes) -> int:
    """The pages of a PDF Typst wrote: its page objects (Typst writes object dictionaries
    uncompressed; only content streams are compressed)."""
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))

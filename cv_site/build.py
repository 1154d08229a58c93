"""The orchestrator: load -> views -> render (site, PDF) -> write. The same steps for a one-shot
build, for each of serve's rebuilds and for the tests.

Nothing becomes visible in the output until everything has loaded, validated and rendered (the
writer commits only then), so a failed build leaves the last good site as it was.

A one-shot build (`build`, the CLI's `cv-site build`) streams each file to the writer as soon as
it is rendered, so a site of 20,000 papers is never held in memory whole. A `Builder` kept between
builds (serve) makes a rebuild after a save fast by remembering by content: a YAML file whose bytes
did not change and a BibTeX entry whose text did not change are not read again (load/), an equal
paper keeps its view (views/), a page whose inputs are equal keeps its bytes (site/cache.py), an
equal Typst source keeps its PDF (pdf/), and a file whose bytes did not change is not written.
"""

from __future__ import annotations

import contextlib
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Iterator, Mapping

from cv_site.errors import CitationError, Problem, UserError, did_you_mean
from cv_site.load.lint import lint, strict_errors
from cv_site.load.site import Loader
from cv_site.model import Publication, SiteModel
from cv_site.output import check_place, claim, locked
from cv_site.site.pages import SiteRenderer
from cv_site.site.parallel_pages import available_jobs
from cv_site.swap import SwapWriter
from cv_site.variants import FULL_CV, CvVariant
from cv_site.views.papers import PaperView
from cv_site.views.site import SiteView, site_view
from cv_site.write import InPlaceWriter, OutputFiles, WriteStats, Writer

if TYPE_CHECKING:
    from cv_site.pdf.document import PdfRenderer


@dataclass
class BuildOptions:
    source: Path = Path(".")
    output: Path = Path("_site")
    base_url: str | None = None  # overrides settings.url (e.g. from GitHub Pages' configuration)
    pdf: bool = True
    jobs: int | None = None  # processes for a one-shot build's paper pages (None: one per core from 100 papers)
    force: bool = False  # write into a non-empty folder that no cv-site build recorded (see output.py)
    drafts: bool = False  # posts marked draft: true too (serve shows them; build only with --drafts)
    cv: str | None = None  # build this CV's PDF only (an id of site.yml's cvs, or "full"), nothing else


@dataclass
class BuildResult:
    site: SiteModel
    files: Mapping[str, bytes]  # a one-shot build reads them back from the output when asked
    stats: WriteStats
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    rendered: int = 0  # outputs rendered this time (the others were kept from the last build)
    pdf_warnings: list[Problem] = field(default_factory=list)  # a CV longer than its max_pages

    @property
    def warnings(self) -> list[Problem]:
        return [*self.site.warnings, *self.pdf_warnings]

    @property
    def pages(self) -> int:
        return sum(1 for path in self.files if path.endswith(".html"))

    @property
    def changed(self) -> tuple[str, ...]:
        """Output paths written or removed by this build."""
        return self.stats.changed

    def summary(self) -> str:
        total = sum(self.timings.values())
        pdfs = sorted((path for path in self.files if path.endswith(".pdf") and "/" not in path),
                      key=lambda path: path != "cv.pdf")
        built = ([f"{self.pages} pages"] if self.pages else []) + ([", ".join(pdfs)] if pdfs else [])
        return (
            f"built {' + '.join(built)}, {len(self.site.publications)} papers, {len(self.files)} files "
            f"({self.stats.written} written, {self.stats.unchanged} unchanged, {self.stats.removed} removed) "
            f"in {total * 1000:.0f} ms"
        )


class Builder:
    """Builds a site: load -> views -> render (site, PDF) -> write, the same steps for a one-shot
    build and for each of serve's rebuilds. What it keeps between builds (`keep`, serve) is only
    what those steps remember by content: the loader's parsed files and BibTeX entries, the views
    of papers, the site's page cache, the last PDF, and which bytes are on disk."""

    def __init__(self, options: BuildOptions, keep: bool = True):
        """`keep=False`: one build only (the CLI's `build`): nothing is kept for a next build
        beyond what the build itself needs, which lowers the peak memory of large sites."""
        self.options = options
        self.keep = keep
        self.loader = Loader(options.source, keep=keep, drafts=options.drafts)
        self.renderer = SiteRenderer(options.source, keep=keep)
        self._pdf_renderer: PdfRenderer | None = None
        self._views: dict[Publication, PaperView] = {}  # serve: the last build's, by paper
        self._on_disk: dict[str, bytes] = {}  # serve: files known to hold these very bytes

    def build(self) -> BuildResult:
        output = Path(self.options.output)
        check_place(output, self.options.source)
        with locked(output):
            recorded = claim(output, self.options.force)
            return self._build(output, recorded)

    def _build(self, output: Path, recorded: frozenset[str]) -> BuildResult:
        timings: dict[str, float] = {}
        with _timed(timings, "load"):
            site = self.loader.load()
            if site.settings.strict:
                strict_errors(site.warnings + lint(site, self.options.source))
        try:
            with _timed(timings, "views"):
                view = site_view(site, self._views)
        except CitationError as error:
            raise UserError([self.loader.locate(_citation_problem(site, error))]) from None
        has_pdf = self.options.pdf and site.settings.pdf.enabled
        cvs = _chosen_cvs(site, self.options.cv, has_pdf)
        writer = self._writer(output, recorded, partial=self.options.cv is not None)
        pdf_warnings: list[Problem] = []
        rendered = 0
        try:
            if self.options.cv is None:
                with _timed(timings, "render"):
                    rendered = self.renderer.render(view, writer, base_url=self.options.base_url, has_pdf=has_pdf,
                                                    jobs=self.options.jobs or available_jobs())
            if has_pdf:
                with _timed(timings, "pdf"):
                    for variant in cvs:
                        pdf = self._pdf(view, variant)
                        writer.add(variant.file_name if variant else "cv.pdf", pdf)
                        pdf_warnings += [self.loader.locate(problem) for problem in _too_long(site, variant, pdf)]
                rendered += len(cvs)
        except BaseException:
            writer.abort()
            raise
        with _timed(timings, "write"):
            stats = writer.commit()
            if site.citation_styles:  # the references formatted this time, for the next process
                from cv_site.citations import save_caches

                save_caches()
        if self.keep:
            self._views = {p: view.papers[p.key] for p in site.publications}
            self._on_disk = writer.known if isinstance(writer, InPlaceWriter) else {}
        produced = writer.journal.produced
        return BuildResult(site, OutputFiles(writer.output, produced), stats, timings, rendered, pdf_warnings)

    def _writer(self, output: Path, recorded: frozenset[str], partial: bool) -> Writer:
        """serve: file by file, only what changed. One-shot: the whole site built beside the old
        one and swapped in at once, except on a mount point, which cannot be renamed (write.py).
        `partial` (one CV only): its file is written, every other file stays."""
        if self.keep or partial or output.is_mount():
            return InPlaceWriter(output, recorded, self._on_disk, partial=partial)
        return SwapWriter(output, recorded)

    def _pdf(self, view: SiteView, variant: CvVariant | None) -> bytes:
        if self._pdf_renderer is None:
            from cv_site.pdf.document import PdfRenderer  # not imported by --no-pdf builds

            self._pdf_renderer = PdfRenderer(self.options.source)
        try:
            return self._pdf_renderer.render(view, variant)
        except CitationError as error:  # a variant's own style, which formats its papers here
            raise UserError([self.loader.locate(_citation_problem(view.model, error))]) from None
        except UserError as error:  # the PDF knows the key of a text it cannot print, the loader its line
            raise UserError([self.loader.locate(problem) for problem in error.problems]) from None


@contextlib.contextmanager
def _timed(timings: dict[str, float], stage: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    timings[stage] = time.perf_counter() - started


def _chosen_cvs(site: SiteModel, wanted: str | None, has_pdf: bool) -> list[CvVariant | None]:
    """The CVs a build makes: the full one (None) and every variant, or the one `--cv` names."""
    cvs: list[CvVariant | None] = [None, *site.settings.cvs]
    if wanted is None:
        return cvs
    if not has_pdf:
        raise UserError([Problem("--cv", None, None, "", "builds a PDF, and this build makes none",
                                 hint="drop --no-pdf, or set pdf.enabled: true in data/site.yml")])
    ids = [FULL_CV, *(variant.id for variant in site.settings.cvs)]
    if wanted not in ids:
        raise UserError([Problem("--cv", None, None, "", "no CV has this id", value=wanted,
                                 hint=did_you_mean(wanted, ids) or "CVs: " + ", ".join(ids))])
    return [cvs[ids.index(wanted)]]


def _citation_problem(site: SiteModel, error: CitationError) -> Problem:
    """A site's own citation style failing on a paper, at the setting that names it."""
    settings = [("citation_style", site.settings.citation_style),
                *((f"cvs[{index}].citation_style", cv.citation_style) for index, cv in enumerate(site.settings.cvs))]
    key = next((key for key, value in settings if value == error.style), "citation_style")
    return Problem("data/site.yml", None, None, key, str(error),
                   hint="correct the style file, or use a built-in style (apa, ieee, chicago-author-date, ...)")


def _too_long(site: SiteModel, variant: CvVariant | None, pdf: bytes) -> list[Problem]:
    from cv_site.pdf.document import page_count

    if variant is None or variant.max_pages is None or (pages := page_count(pdf)) <= variant.max_pages:
        return []
    return [Problem("data/site.yml", None, None, f"cvs[{site.settings.cvs.index(variant)}].max_pages",
                    f"{variant.file_name} has {pages} pages, more than its max_pages ({variant.max_pages})",
                    hint="choose fewer entries (limit, since, tags) or a denser theme", severity="warning")]


def build(options: BuildOptions) -> BuildResult:
    return Builder(options, keep=False).build()

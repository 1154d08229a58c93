"""The orchestrator: load -> render (site, PDF) -> write. Used by the CLI, the server and the tests.

Nothing becomes visible in the output until everything has loaded, validated and rendered (the
writer commits only then), so a failed build leaves the last good site as it was.

A one-shot build (`build`, the CLI's `cv-site build`) streams each file to the writer as soon as
it is rendered, so a site of 20,000 papers is never held in memory whole, and renders the papers'
pages in as many processes as there are cores (jobs.SharedWork) while this one renders the rest.

A `Builder` keeps what it needs between builds (serve mode rebuilds after every save): the loader's
parsed files, the Jinja environments, the last good model and output. Told which source files
changed, it compares the new model with the last one and re-renders only the pages that show what
changed (see render.DEPENDENCIES), regenerates the PDF only when its data or template changed, and
writes only files whose bytes changed.
"""

from __future__ import annotations

import contextlib
import gc
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Iterator, Mapping

from cv_site.errors import UserError
from cv_site.load.site import Loader
from cv_site.jobs import MAX_PIECES, SharedWork, available_jobs
from cv_site.model import Publication, SiteModel
from cv_site.site.pages import SiteRender, SiteRenderer, paper_slugs
from cv_site.output import check_place, claim, locked
from cv_site.swap import SwapWriter
from cv_site.write import InPlaceWriter, OutputFiles, WriteStats, Writer, write_site

PARALLEL_FROM = 100  # papers; below this, forking costs more than it saves
PIECE_SIZE = 16  # papers a worker takes at a time


@dataclass
class BuildOptions:
    source: Path = Path(".")
    output: Path = Path("_site")
    base_url: str | None = None  # overrides settings.url (e.g. from GitHub Pages' configuration)
    pdf: bool = True
    jobs: int | None = None  # processes for a one-shot build's paper pages (None: one per core from 100 papers)
    force: bool = False  # write into a non-empty folder that no cv-site build recorded (see output.py)


@dataclass
class BuildResult:
    site: SiteModel
    files: Mapping[str, bytes]  # a one-shot build reads them back from the output when asked
    stats: WriteStats
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage
    rendered: int = 0  # outputs rendered this time (the others were kept from the last build)

    @property
    def pages(self) -> int:
        return sum(1 for path in self.files if path.endswith(".html"))

    @property
    def changed(self) -> tuple[str, ...]:
        """Output paths written or removed by this build."""
        return self.stats.changed

    def summary(self) -> str:
        total = sum(self.timings.values())
        pdf = " + cv.pdf" if "cv.pdf" in self.files else ""
        return (
            f"built {self.pages} pages{pdf}, {len(self.site.publications)} papers, {len(self.files)} files "
            f"({self.stats.written} written, {self.stats.unchanged} unchanged, {self.stats.removed} removed) "
            f"in {total * 1000:.0f} ms"
        )


_PAPER_FIELDS = tuple(name for name in Publication.__dataclass_fields__ if name != "source")


def same_paper(a: Publication, b: Publication) -> bool:
    """Same content (where the entry sits in its file does not show on any page)."""
    return a is b or all(getattr(a, name) == getattr(b, name) for name in _PAPER_FIELDS)


def changes(old: SiteModel, new: SiteModel) -> set[str] | None:
    """What changed between two models, as render dependency tokens; None when the layout changed
    (settings, the owner's name or photo, the set of paper keys' slugs): every page shows those."""
    if (old.settings != new.settings or old.person.name != new.person.name
            or old.person.photo != new.person.photo or old.person.photo_alt != new.person.photo_alt):
        return None
    tokens: set[str] = set()
    if old.person != new.person:
        tokens.add("person")
    if old.sections != new.sections:
        tokens.add("cv")
    if old.news != new.news:
        tokens.add("news")
    old_pubs, new_pubs = old.publications, new.publications
    if len(old_pubs) != len(new_pubs) or any(a is not b for a, b in zip(old_pubs, new_pubs)):
        before = old.publications_by_key
        if set(before) != set(new.publications_by_key):
            old_slugs, new_slugs = paper_slugs(old_pubs), paper_slugs(new_pubs)
            if any(old_slugs[key] != slug for key, slug in new_slugs.items() if key in old_slugs):
                return None
        for publication in new_pubs:
            previous = before.get(publication.key)
            if previous is None or not same_paper(previous, publication):
                tokens.add("pub:" + publication.key)
        if any(t.startswith("pub:") for t in tokens) or [p.key for p in old_pubs] != [p.key for p in new_pubs]:
            tokens.add("pubs")
    return tokens


PDF_TOKENS = frozenset({"person", "cv", "news", "pubs"})


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
    """The cycle collector off for one build: loading and rendering allocate about a million
    objects that stay alive, which it would scan again and again and find next to nothing.
    Measured (whole `cv-site build --no-pdf`, pairs against the collector left on): 5,000 papers
    2.32 s instead of ~2.41 s; no difference a user feels below 500 papers. The few cycles left
    are collected once it is back on. The only place cv-site touches the collector."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


class Builder:
    """Builds a site; keeps state between builds for fast rebuilds (see the module doc)."""

    def __init__(self, options: BuildOptions, keep: bool = True):
        """`keep=False`: one build only (the CLI's `build`): nothing is kept for a next build
        beyond what the build itself needs, which lowers the peak memory of large sites."""
        self.options = options
        self.keep = keep
        self.loader = Loader(options.source, keep=keep)
        self.renderer = SiteRenderer(options.source, keep=keep)
        self.site: SiteModel | None = None  # the last good build's model and output
        self.files: dict[str, bytes] | None = None
        self._written_to: Path | None = None

    def build(self, changed_paths: Iterable[Path] | None = None) -> BuildResult:
        """Build. `changed_paths`: the source files changed since the last build (None: unknown,
        render everything). A change outside data/ (templates, static files) renders everything."""
        output = Path(self.options.output)
        check_place(output, self.options.source)
        with locked(output), _collector_paused():
            recorded = claim(output, self.options.force)
            return self._build(changed_paths, recorded)

    def _build(self, changed_paths: Iterable[Path] | None, recorded: frozenset[str]) -> BuildResult:
        timings: dict[str, float] = {}
        started = time.perf_counter()
        site = self.loader.load()
        timings["load"] = time.perf_counter() - started
        has_pdf = self.options.pdf and site.settings.pdf.enabled
        if not self.keep:
            return self._build_once(site, has_pdf, timings, recorded)

        if changed_paths is not None and self._templates_changed(changed_paths):
            self._forget_templates()
        tokens = self._changes(site, has_pdf, changed_paths)
        started = time.perf_counter()
        files = self.renderer.render(site, base_url=self.options.base_url, has_pdf=has_pdf,
                                     changed=tokens, previous=self.files if tokens is not None else None)
        rendered = len(files) if tokens is None or self.files is None else sum(
            1 for path, data in files.items() if self.files.get(path) is not data)
        timings["render"] = time.perf_counter() - started

        if has_pdf:
            old_pdf = self.files.get("cv.pdf") if self.files is not None and tokens is not None else None
            if old_pdf is not None and not tokens & PDF_TOKENS:  # type: ignore[operator]
                files["cv.pdf"] = old_pdf
            else:
                files["cv.pdf"] = self._pdf(site, timings)
                rendered += 1

        started = time.perf_counter()
        output = Path(self.options.output)
        previous = self.files if self._written_to == output and output.is_dir() else None
        stats = write_site(files, output, recorded, previous)
        timings["write"] = time.perf_counter() - started
        self.site, self.files, self._written_to = site, files, output
        return BuildResult(site, files, stats, timings, rendered)

    def _build_once(self, site: SiteModel, has_pdf: bool, timings: dict[str, float],
                    recorded: frozenset[str]) -> BuildResult:
        """Render and write in one stream (see the module doc); nothing is kept for a next build."""
        started = time.perf_counter()
        output = Path(self.options.output)
        # A mount point cannot be renamed: its files are replaced one by one instead (see write.py).
        writer = InPlaceWriter(output, recorded) if output.is_mount() else SwapWriter(output, recorded)
        try:
            render = self.renderer.start(site, base_url=self.options.base_url, has_pdf=has_pdf, emit=writer.add)
            self._render_pages(render, writer)
            render.static_files(skip=writer.journal.produced)
            timings["render"] = time.perf_counter() - started
            if has_pdf:
                writer.add("cv.pdf", self._pdf(site, timings))
        except BaseException:
            writer.abort()
            raise
        started = time.perf_counter()
        stats = writer.commit()
        timings["write"] = time.perf_counter() - started
        produced = writer.journal.produced
        return BuildResult(site, OutputFiles(writer.output, produced), stats, timings, len(produced))

    def _render_pages(self, render: SiteRender, writer: Writer) -> None:
        papers = render.site.publications
        jobs = self._jobs(len(papers))
        if jobs == 1:
            render.site_files()
            render.paper_files(papers)
            return
        pieces = _PaperPieces(render, writer, max(PIECE_SIZE, -(-len(papers) // MAX_PIECES)))
        work = SharedWork(pieces.count, pieces.do, start=pieces.start, finish=pieces.finish, jobs=jobs)
        try:
            with work:
                render.site_files()
                work.help()
        finally:
            for journal in work.results:
                writer.merge(journal)

    def _jobs(self, papers: int) -> int:
        """How many processes render the papers' pages."""
        cores = available_jobs()
        if cores == 1 or not papers:  # forking is not an option, or there is nothing to share
            return 1
        return self.options.jobs or (cores if papers >= PARALLEL_FROM else 1)

    def _pdf(self, site: SiteModel, timings: dict[str, float]) -> bytes:
        from cv_site.pdf.document import render_pdf  # not imported by --no-pdf builds

        started = time.perf_counter()
        try:
            pdf = render_pdf(site, self.options.source)
        except UserError as error:  # the PDF knows the key of a text it cannot print, the loader its line
            raise UserError([self.loader.locate(problem) for problem in error.problems]) from None
        timings["pdf"] = time.perf_counter() - started
        return pdf

    def _templates_changed(self, changed_paths: Iterable[Path]) -> bool:
        # abspath, not resolve: an override may be a link to a file kept elsewhere
        templates = Path(os.path.abspath(Path(self.options.source) / "templates"))
        return any(templates in Path(os.path.abspath(path)).parents for path in changed_paths)

    def _forget_templates(self) -> None:
        """Jinja remembers which loader found each template: a new file in the site's templates/
        must take the place of the theme's file it now shadows, so compiled templates go."""
        self.renderer = SiteRenderer(self.options.source, keep=self.keep)
        from cv_site.pdf.document import forget_templates

        forget_templates(self.options.source)

    def _changes(self, site: SiteModel, has_pdf: bool, changed_paths: Iterable[Path] | None) -> set[str] | None:
        if self.site is None or self.files is None or changed_paths is None:
            return None
        data = (Path(self.options.source) / "data").resolve()
        for path in changed_paths:
            if Path(path).resolve().parent != data:
                return None  # a template, a static file, a font: everything may show it
        if has_pdf != ("cv.pdf" in self.files):
            return None
        return changes(self.site, site)


class _PaperPieces:
    """The papers' pages and .bib files in pieces of `size` papers, for jobs.SharedWork. A forked
    worker writes through its own part of the writer and sends back that part's journal."""

    def __init__(self, render: SiteRender, writer: Writer, size: int):
        self.render, self.writer, self.size = render, writer, size
        self.papers = render.site.publications
        self.count = -(-len(self.papers) // size)

    def do(self, piece: int) -> None:
        self.render.paper_files(self.papers[piece * self.size:(piece + 1) * self.size])

    def start(self) -> None:
        self.writer = self.writer.part()
        self.render.emit = self.writer.add

    def finish(self) -> object:
        return self.writer.journal


def build(options: BuildOptions) -> BuildResult:
    return Builder(options, keep=False).build()

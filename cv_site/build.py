"""The orchestrator: load -> render (site, PDF) -> write. Used by the CLI, the server and the tests.

Nothing is written until everything has loaded, validated and rendered in memory, so a failed
build leaves the last good site as it was.

A `Builder` keeps what it needs between builds (serve mode rebuilds after every save): the loader's
parsed files, the Jinja environments, the last good model and output. Told which source files
changed, it compares the new model with the last one and re-renders only the pages that show what
changed (see render.DEPENDENCIES), regenerates the PDF only when its data or template changed, and
writes only files whose bytes changed.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

from cv_site.gcpause import gc_paused
from cv_site.load import Loader
from cv_site.model import Publication, SiteModel
from cv_site.render import SiteRenderer, paper_slugs
from cv_site.write import WriteStats, write_site


@dataclass
class BuildOptions:
    source: Path = Path(".")
    output: Path = Path("_site")
    base_url: str | None = None  # overrides settings.url (e.g. from GitHub Pages' configuration)
    pdf: bool = True


@dataclass
class BuildResult:
    site: SiteModel
    files: dict[str, bytes]
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
        with gc_paused():  # load and render keep nearly all they allocate: see gcpause
            return self._build(changed_paths)

    def _build(self, changed_paths: Iterable[Path] | None) -> BuildResult:
        timings: dict[str, float] = {}
        started = time.perf_counter()
        site = self.loader.load()
        timings["load"] = time.perf_counter() - started

        has_pdf = self.options.pdf and site.settings.pdf.enabled
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
                from cv_site.pdf import render_pdf

                started = time.perf_counter()
                files["cv.pdf"] = render_pdf(site, self.options.source)
                timings["pdf"] = time.perf_counter() - started
                rendered += 1

        started = time.perf_counter()
        output = Path(self.options.output)
        previous = self.files if self._written_to == output and output.is_dir() else None
        stats = write_site(files, output, previous)
        timings["write"] = time.perf_counter() - started
        self.site, self.files, self._written_to = site, files, output
        return BuildResult(site, files, stats, timings, rendered)

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


def build(options: BuildOptions) -> BuildResult:
    return Builder(options, keep=False).build()

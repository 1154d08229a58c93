"""The orchestrator: load -> render (site, PDF) -> write. Used by the CLI, the server and the tests.

Nothing is written until everything has loaded, validated and rendered in memory; the writer then
swaps the new output in, so a failed build leaves the last good site as it was.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from cv_site.load import load_site
from cv_site.model import SiteModel
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

    @property
    def pages(self) -> int:
        return sum(1 for path in self.files if path.endswith(".html"))

    def summary(self) -> str:
        total = sum(self.timings.values())
        pdf = " + cv.pdf" if "cv.pdf" in self.files else ""
        return (
            f"built {self.pages} pages{pdf}, {len(self.site.publications)} papers, {len(self.files)} files "
            f"({self.stats.written} written, {self.stats.unchanged} unchanged, {self.stats.removed} removed) "
            f"in {total * 1000:.0f} ms"
        )


class Builder:
    """Builds a site; keeps the Jinja environments between builds (serve mode rebuilds often)."""

    def __init__(self, options: BuildOptions):
        from cv_site.render import SiteRenderer

        self.options = options
        self.renderer = SiteRenderer(options.source)

    def build(self) -> BuildResult:
        timings: dict[str, float] = {}
        started = time.perf_counter()
        site = load_site(self.options.source)
        timings["load"] = time.perf_counter() - started

        has_pdf = self.options.pdf and site.settings.pdf.enabled
        started = time.perf_counter()
        files = self.renderer.render(site, base_url=self.options.base_url, has_pdf=has_pdf)
        timings["render"] = time.perf_counter() - started

        if has_pdf:
            from cv_site.pdf import render_pdf

            started = time.perf_counter()
            files["cv.pdf"] = render_pdf(site, self.options.source)
            timings["pdf"] = time.perf_counter() - started

        started = time.perf_counter()
        stats = write_site(files, self.options.output)
        timings["write"] = time.perf_counter() - started
        return BuildResult(site, files, stats, timings)


def build(options: BuildOptions) -> BuildResult:
    return Builder(options).build()

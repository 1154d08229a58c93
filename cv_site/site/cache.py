"""What the site's renderer reuses, keyed by content: a paper's list item and its own page, and a
post's page, are functions of the paper's view (the post) and the layout, so equal keys give equal
bytes.

The layout is everything those show besides the paper or post: the settings, the
person, the templates' and static files' bytes, the base URL and whether there is a PDF. (Not the
CV's sections or the news: no page of a paper shows them.) When it changes, everything is made
again. `serve` keeps what a build used for the next build (`keep`); a one-shot build keeps, for
the length of the build, only what it shows twice: a paper's summary on the publications page, the
CV and the home page.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Callable, Hashable, Mapping, TypeVar

from cv_site.model import SiteModel
from cv_site.theme import templates_digest

PaperFiles = tuple[tuple[str, bytes], tuple[str, bytes]]
T = TypeVar("T")


def layout_key(source: Path, site: SiteModel, static: Mapping[str, bytes], extra: tuple) -> str:
    digest = hashlib.sha1(repr((site.settings, site.person, site.title,
                                len(site.news) > site.settings.news_on_home, extra)).encode())
    digest.update(templates_digest(source).encode())
    for path, data in static.items():
        digest.update(f"{path}\0{len(data)}\0{hash(data)}".encode())
    return digest.hexdigest()


class PageCache:
    def __init__(self, keep: bool):
        self.keep = keep
        self.layout: str | None = None
        self._fragments: dict[Hashable, object] = {}  # from the last build (serve)
        self._papers: dict[Hashable, PaperFiles] = {}
        self._fragments_now: dict[Hashable, object] = {}  # this build's
        self._papers_now: dict[Hashable, PaperFiles] = {}

    def start(self, layout: str) -> bool:
        """A build begins; True when its layout differs from the last build's (nothing is reused)."""
        changed = layout != self.layout
        if changed:
            self._fragments, self._papers, self.layout = {}, {}, layout
        return changed

    def finish(self) -> None:
        """What this build used is what the next may reuse; the rest is dropped."""
        if self.keep:
            self._fragments, self._papers = self._fragments_now, self._papers_now
        else:
            self._fragments, self._papers, self.layout = {}, {}, None
        self._fragments_now, self._papers_now = {}, {}

    def fragment(self, key: Hashable, make: Callable[[], T], reused_in_build: bool) -> T:
        """A paper's list item or summary (Markup), a post's page (bytes): made, or taken from
        this build or (serve) the last one."""
        html = self._fragments_now.get(key)
        if html is None:
            html = self._fragments.get(key)
            if html is None:
                html = make()
            if self.keep or reused_in_build:
                self._fragments_now[key] = html
        return html

    def paper_files(self, key: Hashable) -> PaperFiles | None:
        files = self._papers.get(key)
        if files is not None:
            self._papers_now[key] = files
        return files

    def add_paper_files(self, key: Hashable, files: PaperFiles) -> None:
        if self.keep:
            self._papers_now[key] = files

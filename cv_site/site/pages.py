"""The site: the SiteView -> every output file, handed to the writer as it is made. It reads
templates and static files (through the theme's loader and folders) and writes nothing itself.

Pages (output path -> URL path under the base):

    index.html                       home: person, bio, links, news, selected papers
    news/index.html                  all news (only when the home page cannot show them all)
    publications/index.html          every paper, by year; work in progress apart
    publications/<slug>/index.html   one page per paper, with Google Scholar tags, + <slug>.bib
    cv/index.html                    the whole CV
    talks/ projects/ teaching/       a collection's own page, when site.yml `pages` names it
    posts/, posts/<slug>/            the posts, newest first, and each post (collections.py)
    404.html, sitemap.xml, robots.txt, feed.xml, publications.bib, resume.json, .nojekyll, static files

Every internal link is `base_path + path`, so the site works as a user site (`/`) and as a project
site (`/repo/`); canonical, Open Graph, sitemap and feed use the absolute URL when one is known.

What is reused, and when (`cache.py`): a paper's list item and its own page are remembered by the
paper's view and the layout (settings, person, templates, static files, base URL): equal inputs
give equal bytes, so they are made once a build, and, while `serve` runs, once per change.
"""

from __future__ import annotations

import hashlib
import re
from functools import cached_property
from pathlib import Path
from typing import Iterator, Protocol
from urllib.parse import urlsplit

import jinja2
from markupsafe import Markup

from cv_site.errors import Problem, UserError
from cv_site.labels import IN_PROGRESS_HEADING, STATUS_LABELS, VENUE_KIND_LABELS
from cv_site.model import Publication
from cv_site.schema import PublicationsSection
from cv_site.site.assets import DARK_BACKGROUNDS, LIGHT_BACKGROUNDS, StaticFiles, image_size, readable_accent
from cv_site.site.cache import PageCache, layout_key
from cv_site.site.markdown import MarkdownRenderer, rich_html
from cv_site.site.parallel_pages import render_pages
from cv_site.site.jsonresume import resume_file
from cv_site.site.images import Images, default_cache, shown_images
from cv_site.site.collections import collection_pages, collection_paths
from cv_site.site.seo import citation_authors, json_ld, paper_description, paper_json, pdf_url, profile_json, scholar_date
from cv_site.template_errors import template_errors
from cv_site.theme import static_dirs, template_loader
from cv_site.views.papers import PaperView, legend
from cv_site.views.site import SiteView


class Output(Protocol):
    """Where files go: a writer (write.py), or a dict for tests."""

    def add(self, path: str, data: bytes | Iterator[bytes]) -> None: ...


class Collected(dict):
    """An Output that keeps the files in memory: {path: bytes}."""

    def add(self, path: str, data: bytes | Iterator[bytes]) -> None:
        self[path] = data if isinstance(data, bytes) else b"".join(data)


def base_parts(base_url: str) -> tuple[str, str]:
    """('https://host/repo/', '/repo/') from any of 'https://host/repo', '/repo', ''."""
    base_url = (base_url or "").strip()
    split = urlsplit(base_url)
    path = split.path or "/"
    if not path.startswith("/"):
        path = "/" + path
    if not path.endswith("/"):
        path += "/"
    absolute = f"{split.scheme}://{split.netloc}{path}" if split.scheme and split.netloc else ""
    return absolute, path


def link_href(target: str, base_path: str) -> str:
    """A link from the data as the site writes it: absolute URLs as they are, relative ones under
    the base path."""
    if target.startswith(("https://", "http://", "mailto:", "#", "//")) or urlsplit(target).scheme:
        return target
    return base_path + target.lstrip("/")


def paper_slugs(publications: list[Publication]) -> dict[str, str]:
    """A URL-safe folder name for each BibTeX key, unique even on case-insensitive file systems."""
    slugs: dict[str, str] = {}
    taken: set[str] = set()
    for publication in sorted(publications, key=lambda p: p.key):
        base = re.sub(r"[^A-Za-z0-9._-]+", "-", publication.key).strip("-.") or "paper"
        slug, number = base, 2
        while slug.lower() in taken:
            slug, number = f"{base}-{number}", number + 1
        taken.add(slug.lower())
        slugs[publication.key] = slug
    return slugs


def rich_paragraphs(text: str) -> list[Markup]:
    """Rich text (an abstract) as HTML paragraphs, split at blank lines."""
    return [rich_html(paragraph.strip()) for paragraph in text.split("\n\n") if paragraph.strip()]


class SiteRenderer:
    """Renders sites from one source folder; keeps the Jinja environment, the static files and
    the page cache between builds (`keep=False`: one build, nothing kept)."""

    def __init__(self, source: Path, keep: bool = True):
        self.source = source
        self.static = StaticFiles()
        self.cache = PageCache(keep)
        self.images = Images(default_cache())
        self._env: jinja2.Environment | None = None
        self._markdown: dict[bool, MarkdownRenderer] = {}

    @property
    def env(self) -> jinja2.Environment:
        if self._env is None:
            self._env = jinja2.Environment(
                loader=template_loader(self.source),
                autoescape=True,
                undefined=jinja2.StrictUndefined,
                trim_blocks=True,
                lstrip_blocks=True,
                keep_trailing_newline=True,
                auto_reload=False,  # a new environment is made when a template's bytes change
                # Compiled templates are cached in the system's temp folder (Jinja's own private,
                # per-user folder), keyed by the template's source: compiling costs ~70 ms a process.
                bytecode_cache=jinja2.FileSystemBytecodeCache(),
            )
            self._env.filters["json_ld"] = json_ld
        return self._env

    def markdown(self, allow_html: bool) -> MarkdownRenderer:
        if allow_html not in self._markdown:
            self._markdown[allow_html] = MarkdownRenderer(allow_html)
        return self._markdown[allow_html]

    def render(self, view: SiteView, out: Output, *, base_url: str | None = None, has_pdf: bool = False,
               jobs: int = 1) -> int:
        """Every file of the site to `out`; returns how many were rendered (not taken from the
        cache). Template errors become a UserError naming file and line. `jobs` > 1: the papers'
        own pages are rendered in that many processes (see parallel_pages.py)."""
        with template_errors(self.source):
            render = SiteRender(self, view, out, base_url, has_pdf)
            if self.cache.start(render.layout):
                self._env = None  # a template may have changed, or a new one shadow the theme's
            try:
                rendered = render_pages(render, jobs, render.site_files)
                render.static_files()
            finally:
                self.cache.finish()
        return rendered

    def files(self, view: SiteView, *, base_url: str | None = None, has_pdf: bool = False) -> dict[str, bytes]:
        """Every file of the site, in memory (for tests and small tools)."""
        out = Collected()
        self.render(view, out, base_url=base_url, has_pdf=has_pdf)
        return out


class SiteRender:
    """One rendering of one site: the shared page context, URLs, and the pages."""

    def __init__(self, renderer: SiteRenderer, view: SiteView, out: Output, base_url: str | None, has_pdf: bool):
        self.renderer, self.view, self.out, self.has_pdf = renderer, view, out, has_pdf
        self.site = site = view.model
        self.site_url, self.base_path = base_parts(base_url if base_url is not None else site.settings.url)
        self.slugs = paper_slugs(site.publications)
        self.static = renderer.static.collect(static_dirs(renderer.source))
        self.md = renderer.markdown(site.settings.allow_html)
        self.layout = layout_key(renderer.source, site, self.static, (self.site_url, self.base_path, has_pdf))
        self._assets: dict[str, str] = {}
        self.produced: set[str] = set()  # the paths of pages made so far (a static file may not replace one)
        self.shown = shown_images(view, self.static, renderer.images)  # thumbnails and project images

    def emit(self, path: str, data: bytes | Iterator[bytes]) -> None:
        self.produced.add(path)
        self.out.add(path, data)

    # URLs
    def url(self, path: str = "") -> str:
        """An internal link: the base path + a path relative to the site root."""
        return self.base_path + path.lstrip("/")

    def abs_url(self, path: str = "") -> str:
        """The absolute URL of a page, or "" when the site's URL is unknown."""
        return self.site_url + path.lstrip("/") if self.site_url else ""

    def href(self, target: str) -> str:
        return link_href(target, self.base_path)

    def asset(self, path: str) -> str:
        """A static file's URL with a content hash, so browsers may cache it for ever."""
        if path not in self._assets:
            data = self.static.get(path)
            if data is None:
                raise UserError([Problem("static/" + path, None, None, "", "file not found",
                                         hint="the theme needs this file; restore it or remove what uses it")])
            self._assets[path] = f"{self.url(path)}?v={hashlib.sha1(data).hexdigest()[:10]}"
        return self._assets[path]

    def paper_path(self, publication: Publication) -> str:
        return f"publications/{self.slugs[publication.key]}/"

    # the context every page shares
    @cached_property
    def common(self) -> dict[str, object]:
        site = self.site
        common: dict[str, object] = {
            "site": site,
            "views": self.view,
            "settings": site.settings,
            "person": site.person,
            "site_title": site.title,
            "has_pdf": self.has_pdf,
            "photo": self._photo(),
            "url": self.url,
            "base_path": self.base_path,
            "abs_url": self.abs_url,
            "href": self.href,
            "asset": self.asset,
            "paper_url": lambda p: self.url(self.paper_path(p)),
            "paper_slug": lambda p: self.slugs[p.key],
            "date": self.view.date,
            "md": self.md.block,
            "md_inline": self.md.inline,
            "plain": self.md.plain,
            "rich": rich_html,
            "rich_paragraphs": rich_paragraphs,
            "legend": legend,
            "paper_item": self.paper_item,
            "shown": self.shown.get,
            "summary": self.summary,
            "venue_kind_labels": VENUE_KIND_LABELS,
            "status_labels": STATUS_LABELS,
            "in_progress_heading": IN_PROGRESS_HEADING,
            "accent": readable_accent(site.settings.accent_color, LIGHT_BACKGROUNDS),
            "accent_dark": readable_accent(site.settings.accent_color, DARK_BACKGROUNDS),
            "show_news_page": len(site.news) > site.settings.news_on_home,
            "distinct": lambda items, name: list(dict.fromkeys(getattr(item, name) for item in items)),
            "scholar_date": scholar_date,
            "citation_authors": citation_authors,
            "pdf_url": lambda p: pdf_url(p, self.href, self.site_url),
            "site_url": self.site_url,
            "feed_id": self.abs_url("feed.xml")
            or "urn:cv-site:" + hashlib.sha1(site.person.name.encode()).hexdigest(),
        }
        # The macros (templates/macros.html.j2) are made once a render, not once a page.
        common["m"] = self.renderer.env.get_template("macros.html.j2").make_module(common)
        return common

    # a paper in a list: made once for every page that lists it (see cache.py)
    def paper_item(self, paper: PaperView, level: int = 3, details: bool = False) -> Markup:
        key = ("item", paper, self.slugs[paper.key], level, details)
        return self.renderer.cache.fragment(key, lambda: self.common["m"].paper(paper, level, details),
                                            reused_in_build=False)

    def summary(self, paper: PaperView, level: int) -> Markup:
        key = ("summary", paper, self.slugs[paper.key], level)
        return self.renderer.cache.fragment(key, lambda: self.common["m"].paper_summary(paper, level),
                                            reused_in_build=paper.key in self.listed_twice)

    @cached_property
    def listed_twice(self) -> frozenset[str]:
        """The papers listed on the home page or in the CV as well as on the publications page:
        only their summaries are worth keeping for the rest of a build (keeping every paper's
        took 37 MB more at 20,000 papers when the CV lists 50 of them)."""
        site = self.site
        keys = {p.key for p in site.selected_publications}
        for section in site.sections:
            if isinstance(section, PublicationsSection):
                keys.update(p.key for p in site.section_publications(section))
        return frozenset(keys)

    # the pages
    def site_files(self) -> int:
        """Every output but the papers' own files and the static files; returns how many."""
        site = self.site
        description = site.settings.description or self.md.plain(site.person.bio)[:300] or site.title
        self.page("index.html", "", "index.html.j2", title=site.title, description=description, og_type="profile",
                  json=profile_json(site, self.site_url, self.common["photo"], description))  # type: ignore[arg-type]
        if self.common["show_news_page"]:
            self.page("news/index.html", "news/", "news.html.j2", title=f"News – {site.title}",
                      description=f"News from {site.title}.")
        self.page("cv/index.html", "cv/", "cv.html.j2", title=f"CV – {site.title}",
                  description=f"Curriculum vitae of {site.person.name}.")
        self.page("publications/index.html", "publications/", "publications.html.j2",
                  title=f"Publications – {site.title}",
                  description=f"Publications of {site.person.name}, by year, with abstracts, links and BibTeX.")
        collections = collection_pages(self)
        self.page("404.html", "404.html", "404.html.j2", title=f"Page not found – {site.title}",
                  description="This page does not exist.")
        self.emit("publications.bib",
                     ("\n\n".join(p.bibtex.strip("\n") for p in site.publications) + "\n").encode())
        self.emit(".nojekyll", b"")
        self.emit("resume.json", resume_file(self.view, self.site_url, self.href))
        self.text("feed.xml", "feed.xml.j2", updated=self._feed_updated())
        self.text("robots.txt", "robots.txt.j2")
        count = 10 + bool(self.common["show_news_page"]) + collections
        if self.site_url:
            self.text("sitemap.xml", "sitemap.xml.j2", locations=[self.abs_url(path) for path in self._page_paths()])
            count += 1
        return count

    def paper_files(self, paper: PaperView) -> tuple[tuple[str, bytes], tuple[str, bytes]]:
        """A paper's own page and its .bib: (path, bytes) each."""
        publication = paper.publication
        path = self.paper_path(publication)
        slug = self.slugs[publication.key]
        page = self.page_bytes(path, "paper.html.j2", title=f"{publication.title} – {self.site.title}",
                               og_type="article", description=paper_description(publication), paper=publication,
                               json=paper_json(publication, self.abs_url(path), self.common["pdf_url"](publication)))  # type: ignore[operator]
        return (f"{path}index.html", page), (f"{path}{slug}.bib", publication.bibtex.rstrip("\n").encode() + b"\n")

    def static_files(self) -> None:
        """The static folders' files (site over theme), except where a page of that path was made."""
        for path, data in [*self.static.items(), *self.renderer.images.files(list(self.shown.values())).items()]:
            if path not in self.produced:
                self.out.add(path, data)

    def page(self, output: str, path: str, template: str, **values: object) -> None:
        """A page that lists things (its size grows with the site): streamed to the output."""
        self.emit(output, _render_pieces(self.renderer.env.get_template(template), self.context(path, **values)))

    def page_bytes(self, path: str, template: str, **values: object) -> bytes:
        """A small page (a paper's own), whole."""
        return self.renderer.env.get_template(template).render(self.context(path, **values)).encode()

    def context(self, path: str, *, title: str, description: str, og_type: str = "website",
                **extra: object) -> dict[str, object]:
        return {
            **self.common,
            "page_path": path,
            "title": title,
            "description": " ".join(description.split()),
            "canonical": self.abs_url(path),
            "og_type": og_type,
            "json": None,
            **extra,
        }

    def text(self, output: str, template: str, **extra: object) -> None:
        self.emit(output, _render_pieces(self.renderer.env.get_template(template), {**self.common, **extra}))

    def _page_paths(self) -> Iterator[str]:
        """The pages, in the sitemap's order."""
        yield ""
        if self.common["show_news_page"]:
            yield "news/"
        yield "publications/"
        yield from collection_paths(self.view)
        for publication in self.site.publications:
            yield self.paper_path(publication)
        yield "cv/"

    def image(self, path: str, field: str = "") -> dict[str, object]:
        """A static image's addresses and size (so that the page does not move while it loads).
        `field`: the key of data/cv.yml that names it, for the message when it cannot be shown."""
        data = self.static.get(path)
        size = image_size(data) if data is not None else None
        if size is None:
            message = "unknown image format (use JPEG, PNG, WebP, GIF or SVG)" if data else "the image is not in static/"
            raise UserError([Problem("data/cv.yml", None, None, field, message, value=path, hint=(
                "" if data else "put the image in static/ (e.g. static/images/me.jpg) and give its path inside static/"))])
        return {"src": self.url(path), "abs": self.abs_url(path), "width": size[0], "height": size[1]}

    def _photo(self) -> dict[str, object] | None:
        person = self.site.person
        if not person.photo:
            return None
        path = person.photo.lstrip("/")
        return {**self.image(path, "person.photo"), "path": path, "alt": person.photo_alt or f"Photo of {person.name}"}

    def _feed_updated(self) -> str:
        """The newest news or post date (the feed never carries the time of the build)."""
        dates = [n.date for n in self.site.news] + [post.date for post in self.site.posts]
        dates = dates or [p.date for p in self.site.publications if p.date]
        if not dates:
            return "1970-01-01T00:00:00Z"
        return f"{max(d.as_date() for d in dates).isoformat()}T00:00:00Z"


def _render_pieces(template: jinja2.Template, context: dict[str, object]) -> Iterator[bytes]:
    """`template.render(context).encode()` as a stream of pieces (a few thousand of Jinja's strings
    each), which the writer writes as they come: the publications page of 20,000 papers is 60 MB
    of UTF-8 (and twice that as a str once a character is outside Latin-1) and is never whole in
    memory. Errors are Jinja's, raised while the stream is read."""
    batch: list[str] = []
    for text in template.generate(context):
        batch.append(text)
        if len(batch) == 4096:
            yield "".join(batch).encode()
            batch.clear()
    yield "".join(batch).encode()

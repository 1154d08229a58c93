"""Render stage: the validated model -> {output path: bytes}. Pure: it reads templates and static
files (through the theme's loader and folders) and nothing else; it writes nothing. `render` gives
the whole dict (serve mode keeps it); `start` hands each output to a callback as it is made (a
one-shot build streams them to the writer, and renders the papers' pages in worker processes).

Pages (output path -> URL path under the base):

    index.html                       home: person, bio, links, news, selected papers
    news/index.html                  all news (only when the home page cannot show them all)
    publications/index.html          every paper, by year; preprints apart
    publications/<slug>/index.html   one page per paper, with Google Scholar tags, + <slug>.bib
    cv/index.html                    the whole CV
    404.html, sitemap.xml, robots.txt, feed.xml, publications.bib, .nojekyll, static files

Every internal link is `base_path + path`, so the site works as a user site (`/`) and as a project
site (`/repo/`); canonical, Open Graph, sitemap and feed use the absolute URL when one is known.
"""

from __future__ import annotations

import colorsys
import hashlib
import json
import os
import re
import struct
from dataclasses import dataclass
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Container, Iterable, Iterator
from urllib.parse import urljoin, urlsplit

import jinja2
import jinja2.runtime
from markupsafe import Markup, escape

from cv_site.text.dates import DateRange, PartialDate
from cv_site.errors import Problem, UserError
from cv_site.labels import IN_PROGRESS_HEADING, STATUS_LABELS, editors_mark
from cv_site.links import is_safe_url
from cv_site.site.markdown import MarkdownRenderer, rich_html
from cv_site.views.venue import venue_line
from cv_site.model import Author, Publication, SiteModel
from cv_site.template_errors import template_errors
from cv_site.theme import static_dirs, template_loader

if TYPE_CHECKING:
    from cv_site.write import Content  # what emit takes (the writer's type)

VENUE_KIND_LABELS = {
    "journal": "Journal",
    "conference": "Conference",
    "book": "Book",
    "thesis": "Thesis",
    "report": "Report",
    "other": "Other",
}
# The CSS colours the accent must stand out from (keep in sync with static/assets/style.css).
LIGHT_BACKGROUNDS = ("#fdfdfc", "#f3f4f6")
DARK_BACKGROUNDS = ("#16181d", "#1f2228")
MIN_CONTRAST = 4.7  # WCAG AA is 4.5; a little margin for anti-aliasing


# --- small pure helpers (tested one by one) ------------------------------------------------------


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


def _rgb(color: str) -> tuple[float, float, float]:
    color = color.lstrip("#")
    if len(color) == 3:
        color = "".join(c * 2 for c in color)
    return tuple(int(color[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in rgb)


def luminance(color: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable_accent(accent: str, backgrounds: tuple[str, ...], minimum: float = MIN_CONTRAST) -> str:
    """The accent, made darker (on light backgrounds) or lighter (on dark ones) in small steps of
    HLS lightness until it reaches `minimum` contrast against every background; hue is kept."""
    dark_background = luminance(backgrounds[0]) < 0.2
    hue, lightness, saturation = colorsys.rgb_to_hls(*_rgb(accent))
    color = accent.lower()
    for _ in range(100):
        if all(contrast(color, bg) >= minimum for bg in backgrounds):
            return color
        lightness = min(lightness + 0.01, 1.0) if dark_background else max(lightness - 0.01, 0.0)
        color = _hex(colorsys.hls_to_rgb(hue, lightness, saturation))
    return "#ffffff" if dark_background else "#000000"


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF, JPEG, WebP or SVG image, from its header; None if unknown."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", data[6:10])
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        chunk = data[12:16]
        if chunk == b"VP8X":
            return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
        if chunk == b"VP8 ":
            w, h = struct.unpack("<HH", data[26:30])
            return w & 0x3FFF, h & 0x3FFF
        if chunk == b"VP8L":
            bits = int.from_bytes(data[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if data[:2] == b"\xff\xd8":
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                index += 1
                continue
            marker = data[index + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                index += 2
                continue
            length = struct.unpack(">H", data[index + 2 : index + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", data[index + 5 : index + 9])
                return w, h
            index += 2 + length
        return None
    head = data[:2048].decode("utf-8", "replace")
    if "<svg" in head:
        tag = head[head.index("<svg") :].split(">", 1)[0]
        width = re.search(r'\swidth="([\d.]+)(?:px)?"', tag)
        height = re.search(r'\sheight="([\d.]+)(?:px)?"', tag)
        if width and height:
            return round(float(width.group(1))), round(float(height.group(1)))
        box = re.search(r'viewBox="[\d.\-]+[\s,]+[\d.\-]+[\s,]+([\d.]+)[\s,]+([\d.]+)"', tag)
        if box:
            return round(float(box.group(1))), round(float(box.group(2)))
    return None


_JSON = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))  # made once: json.dumps makes one a call


def json_ld(data: object) -> Markup:
    """JSON for a `<script type="application/ld+json">`: `<`, `>` and `&` escaped so no text in the
    data can close the script element."""
    text = _JSON.encode(data)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def scholar_date(publication: Publication) -> str:
    """citation_publication_date: YYYY/M/D when the day is known, else YYYY (Scholar's two forms)."""
    if publication.year is None:
        return ""
    if publication.month and publication.day:
        return f"{publication.year}/{publication.month}/{publication.day}"
    return str(publication.year)


def rich_field(publication: Publication, name: str) -> Markup:
    """A paper's field as HTML, with its italic, bold and math (see richtext)."""
    if name == "venue_line":
        return rich_html(venue_line(publication) or publication.venue or publication.fields.get("note", ""))
    return rich_html(publication.styled_text(name))


def rich_paragraphs(publication: Publication, name: str) -> list[Markup]:
    """A paper's field (an abstract) as HTML paragraphs, split at blank lines."""
    text = publication.styled_text(name)
    return [rich_html(paragraph.strip()) for paragraph in text.split("\n\n") if paragraph.strip()]


def author_list(publication: Publication) -> Markup:
    """The authors (or editors) as HTML: each name escaped in a <bdi> (an Arabic or Hebrew name
    keeps its direction inside an English list), the owner's in <strong class="me">, then the
    equal-contribution and corresponding marks; " (ed.)" / " (eds.)" after editors. One Python
    pass instead of ~5 template expressions a name."""
    people = publication.people
    html = ", ".join([_author_html(author) for author in people])
    if publication.people_are_editors:
        html += editors_mark(len(people))
    return Markup(html)


@lru_cache(maxsize=4096)
def _author_html(author: Author) -> str:
    """One name of an author list (remembered: co-authors come back paper after paper)."""
    name = escape(author.display)
    html = f'<strong class="me"><bdi>{name}</bdi></strong>' if author.is_owner else f"<bdi>{name}</bdi>"
    if author.equal_contribution:
        html += "<sup>*</sup>"
    if author.corresponding:
        html += "<sup>†</sup>"
    return html


def citation_authors(publication: Publication) -> list[str]:
    """The authors' names for Google Scholar's citation_author tags ("et al." is no name)."""
    return [_citation_name(author) for author in publication.authors if not author.is_others]


@lru_cache(maxsize=4096)  # co-authors come back paper after paper
def _citation_name(author: Author) -> str:
    return author.citation_name


def iso_date(publication: Publication) -> str:
    date = publication.date
    return date.iso if date else ""


# --- static files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _StaticFile:
    data: bytes
    stamp: tuple[float, int]


class _StaticFiles:
    """Files under the static folders (site over theme), cached by mtime and size between builds."""

    def __init__(self) -> None:
        self._cache: dict[Path, _StaticFile] = {}

    def collect(self, folders: list[Path]) -> dict[str, bytes]:
        found: dict[str, Path] = {}
        for folder in folders:  # later folders win
            for root, dirs, names in os.walk(folder):
                dirs.sort()
                for name in sorted(names):
                    if name.startswith(".") or name.endswith("~"):
                        continue
                    path = Path(root) / name
                    found[path.relative_to(folder).as_posix()] = path
        return {relative: self._read(path) for relative, path in sorted(found.items())}

    def _read(self, path: Path) -> bytes:
        stat = path.stat()
        stamp = (stat.st_mtime, stat.st_size)
        cached = self._cache.get(path)
        if cached is None or cached.stamp != stamp:
            cached = _StaticFile(path.read_bytes(), stamp)
            self._cache[path] = cached
        return cached.data


# --- the renderer ------------------------------------------------------------------------------


class SiteRenderer:
    """Holds the Jinja environment (templates are compiled once) and renders whole sites."""

    def __init__(self, source: Path, keep: bool = True):
        """`keep`: remember macro output between renders (serve mode). A one-shot build passes
        False: then only icons and a paper's list item are memoised (the item shows on the
        publications page, and again on the home page and the CV when selected). The parts a
        paper's own page shows too are not: in a parallel build that page is made in another
        process, and remembering them would hold ~3 KB a paper (60 MB at 20,000) for nothing."""
        self.source = source
        self.keep = keep
        self.memo_macros = MEMO_MACROS if keep else MEMO_MACROS_ONE_SHOT
        self.env = jinja2.Environment(
            loader=template_loader(source),
            autoescape=True,
            undefined=jinja2.StrictUndefined,
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
            auto_reload=keep,  # one build: no template changes meanwhile (a check is a stat a page)
            # Compiled templates are cached in the system's temp folder (Jinja's own private,
            # per-user folder), keyed by the template's source: compiling costs ~70 ms a process.
            bytecode_cache=jinja2.FileSystemBytecodeCache(),
        )
        self.env.filters["json_ld"] = json_ld
        self._static = _StaticFiles()
        self._markdown: dict[bool, MarkdownRenderer] = {}
        # Memoised macro output, kept between renders (serve mode): {macro name: {args key: html}}.
        # Dropped whole on a full render; per paper when that paper changed (see `render`).
        self._memo: dict[str, dict[tuple, object]] = {}
        self._memo_keep: list[object] = []
        self._memo_by_paper: dict[str, list[tuple[dict, tuple]]] = {}  # paper key -> its entries

    def markdown(self, allow_html: bool) -> MarkdownRenderer:
        if allow_html not in self._markdown:
            self._markdown[allow_html] = MarkdownRenderer(allow_html)
        return self._markdown[allow_html]

    def render(self, site: SiteModel, *, base_url: str | None = None, has_pdf: bool = False,
               changed: set[str] | None = None, previous: dict[str, bytes] | None = None) -> dict[str, bytes]:
        """Every output file of the site. Template errors become a UserError naming file and line.

        Incremental (serve mode): `changed` names what changed since the render that gave
        `previous` (tokens: "person", "cv", "news", "pubs", "pub:<key>"; see DEPENDENCIES); an
        output whose dependencies did not change is taken from `previous` instead of rendered.
        `changed=None` renders everything. Anything else (settings, base URL, templates, static
        files, the owner's name or photo) must come as `changed=None`: every page shows it.
        """
        files: dict[str, bytes] = {}

        def collect(path: str, data: Content) -> None:
            files[path] = data if isinstance(data, bytes) else b"".join(data)

        render = self.start(site, base_url=base_url, has_pdf=has_pdf, emit=collect, changed=changed, previous=previous)
        render.site_files()
        render.paper_files(site.publications)
        render.static_files(skip=files)
        return files

    def start(self, site: SiteModel, *, base_url: str | None, has_pdf: bool, emit: Emit,
              changed: set[str] | None = None, previous: dict[str, bytes] | None = None) -> SiteRender:
        """A render whose parts (site_files, paper_files, static_files) hand each output to
        `emit(path, data)` as soon as it is made: a one-shot build streams them to the writer, and
        its worker processes render the papers' files (see build.py)."""
        if changed is None or previous is None or len(self._memo_keep) > 100_000:
            self._memo.clear()
            self._memo_keep.clear()
            self._memo_by_paper.clear()
        if changed is None or previous is None:
            changed, previous = None, None
        else:
            for token in changed:
                if token.startswith("pub:"):
                    for cache, key in self._memo_by_paper.pop(token[4:], ()):
                        cache.pop(key, None)
        with template_errors(self.source):
            return SiteRender(self, site, base_url, has_pdf, emit, changed, previous)


Emit = Callable[[str, "Content"], None]


class SiteRender:
    """One rendering of one site, in three parts that hand their outputs to `emit`."""

    def __init__(self, renderer: SiteRenderer, site: SiteModel, base_url: str | None, has_pdf: bool,
                 emit: Emit, changed: set[str] | None = None, previous: dict[str, bytes] | None = None):
        self.emit = emit
        self.changed = changed
        self.previous = previous
        self.env = renderer.env
        self.renderer = renderer
        self.site = site
        self.has_pdf = has_pdf
        self.site_url, self.base_path = base_parts(base_url if base_url is not None else site.settings.url)
        self.md = renderer.markdown(site.settings.allow_html)
        self.slugs = paper_slugs(site.publications)
        self.static = renderer._static.collect(static_dirs(renderer.source))
        self._assets: dict[str, str] = {}
        self._pdf_urls: dict[str, str] = {}  # paper key -> pdf_url (this render's base URL)
        self._prepare()

    # URLs
    def url(self, path: str = "") -> str:
        """An internal link: the base path + a path relative to the site root."""
        return self.base_path + path.lstrip("/")

    def abs_url(self, path: str = "") -> str:
        """The absolute URL of a page, or "" when the site's URL is unknown."""
        return self.site_url + path.lstrip("/") if self.site_url else ""

    def href(self, target: str) -> str:
        """A link from the data: absolute URLs as they are, relative ones under the base path."""
        if target.startswith(("https://", "http://", "mailto:", "#", "//")) or urlsplit(target).scheme:
            return target
        return self.url(target)

    def asset(self, path: str) -> str:
        """A static file's URL with a content hash, so browsers may cache it for ever."""
        if path in self._assets:
            return self._assets[path]
        data = self.static.get(path)
        if data is None:
            raise UserError([Problem("static/" + path, None, None, "", "file not found",
                                     hint="the theme needs this file; restore it or remove what uses it")])
        self._assets[path] = f"{self.url(path)}?v={hashlib.sha1(data).hexdigest()[:10]}"
        return self._assets[path]

    def paper_path(self, publication: Publication) -> str:
        return f"publications/{self.slugs[publication.key]}/"

    def date_range(self, dates: DateRange | None) -> Markup:
        if dates is None:
            return Markup("")
        out = _time(dates.start)
        if dates.is_range:
            end = _time(dates.end) if dates.end else Markup.escape(self.site.settings.ongoing_label)
            out = Markup("{} – {}").format(out, end)
        return out

    # the parts
    def _prepare(self) -> None:
        """The context every page shares, and the macros (compiled once a render)."""
        site = self.site
        photo = self._photo()
        self.common = {
            "site": site,
            "settings": site.settings,
            "person": site.person,
            "site_title": site.title,
            "has_pdf": self.has_pdf,
            "photo": photo,
            "url": self.url,
            "base_path": self.base_path,  # url(path) is base_path + path: cheaper in a page's layout
            "abs_url": self.abs_url,
            "href": self.href,
            "asset": self.asset,
            "paper_url": lambda p: self.url(self.paper_path(p)),
            "paper_slug": lambda p: self.slugs[p.key],
            "date_range": self.date_range,
            "time": _time,
            "md": self.md.block,
            "md_inline": self.md.inline,
            "plain": self.md.plain,
            "rich": rich_field,
            "author_list": author_list,  # "A, <strong>Me</strong>*, B† (eds.)", as HTML
            "rich_paragraphs": rich_paragraphs,
            "venue_kind_labels": VENUE_KIND_LABELS,
            "status_labels": STATUS_LABELS,
            "in_progress_heading": IN_PROGRESS_HEADING,
            "accent": readable_accent(site.settings.accent_color, LIGHT_BACKGROUNDS),
            "accent_dark": readable_accent(site.settings.accent_color, DARK_BACKGROUNDS),
            "show_news_page": len(site.news) > site.settings.news_on_home,
            "json_ld": json_ld,
            # Python for what Jinja's filters do slowly over thousands of papers:
            "any_of": lambda items, name: any(getattr(item, name) for item in items),
            "distinct": lambda items, name: list(dict.fromkeys(getattr(item, name) for item in items)),
            "scholar_date": scholar_date,
            "citation_authors": citation_authors,
            "iso_date": iso_date,
            "pdf_url": self.pdf_url,
            "site_url": self.site_url,
            "feed_id": self.abs_url("feed.xml")
            or "urn:cv-site:" + hashlib.sha1(site.person.name.encode()).hexdigest(),
        }
        # The macros (templates/macros.html.j2) are loaded once per build, not once per page, and
        # the ones that render a paper remember their output: a paper appears on up to four pages.
        # Inside macros.html.j2 they call each other through `m` too, to share the memory.
        self.common["m"] = memo = _MemoMacros(self.renderer.memo_macros, self.renderer)
        memo._module = self.env.get_template("macros.html.j2").make_module(self.common)

    def site_files(self) -> None:
        """Every output but the papers' own files and the static files."""
        with template_errors(self.renderer.source):
            self._site_files(self.site)

    def _site_files(self, site: SiteModel) -> None:
        description = site.settings.description or self.md.plain(site.person.bio)[:300] or site.title
        self.page("index.html", "", "index.html.j2", title=site.title, description=description,
                  og_type="profile", json=self._profile_json(self.common["photo"], description),
                  deps=DEPENDENCIES["home"])
        if self.common["show_news_page"]:
            self.page("news/index.html", "news/", "news.html.j2", title=f"News – {site.title}",
                      description=f"News from {site.title}.", deps=DEPENDENCIES["news"])
        self.page("cv/index.html", "cv/", "cv.html.j2", title=f"CV – {site.title}", deps=DEPENDENCIES["cv"],
                  description=f"Curriculum vitae of {site.person.name}.")
        if not self.renderer.keep:  # no page after this one shows a paper's list item again
            self.common["m"].remember = False
        self.page("publications/index.html", "publications/", "publications.html.j2",
                  title=f"Publications – {site.title}", deps=DEPENDENCIES["publications"],
                  description=f"Publications of {site.person.name}, by year, with abstracts, links and BibTeX.")
        self.page("404.html", "404.html", "404.html.j2", title=f"Page not found – {site.title}",
                  description="This page does not exist.", deps=())
        if self.wanted("publications.bib", ("pubs",)):
            self.emit("publications.bib", (
                "\n\n".join(p.bibtex.strip("\n") for p in site.publications) + "\n"
            ).encode())
        self.emit(".nojekyll", b"")
        if self.wanted("feed.xml", DEPENDENCIES["feed"]):
            self.text("feed.xml", "feed.xml.j2", updated=self._feed_updated())
        if self.wanted("robots.txt", ()):
            self.text("robots.txt", "robots.txt.j2")
        if self.site_url and self.wanted("sitemap.xml", ("pubs", "news")):  # news: its page may come or go
            self.text("sitemap.xml", "sitemap.xml.j2", locations=[self.abs_url(path) for path in self._page_paths()])

    def _page_paths(self) -> Iterator[str]:
        """The pages, in the sitemap's order."""
        yield ""
        if self.common["show_news_page"]:
            yield "news/"
        yield "publications/"
        for publication in self.site.publications:
            yield self.paper_path(publication)
        yield "cv/"

    def paper_files(self, publications: Iterable[Publication]) -> None:
        """Each paper's page and its .bib."""
        with template_errors(self.renderer.source):
            for publication in publications:
                self._paper_files(publication)

    def _paper_files(self, publication: Publication) -> None:
        path = self.paper_path(publication)
        slug = self.slugs[publication.key]
        deps = ("pub:" + publication.key,)
        if self.wanted(f"{path}index.html", deps):
            abstract = " ".join(publication.abstract.split())  # for the description and JSON-LD
            self.page(f"{path}index.html", path, self._paper_template, small=True,
                      title=f"{publication.title} – {self.site.title}", og_type="article",
                      description=self._paper_description(publication, abstract),
                      paper=publication, json=self._paper_json(publication, path, abstract))
        if self.wanted(f"{path}{slug}.bib", deps):
            self.emit(f"{path}{slug}.bib", publication.bibtex.rstrip("\n").encode() + b"\n")

    @cached_property
    def _paper_template(self) -> jinja2.Template:
        return self.env.get_template("paper.html.j2")

    def static_files(self, skip: Container[str]) -> None:
        """The static folders' files (site over theme), except where a page of that path was made."""
        for path, data in self.static.items():
            if path not in skip:
                self.emit(path, data)

    def wanted(self, output: str, deps: tuple[str, ...]) -> bool:
        """Whether to render `output`, or keep the previous render's bytes (nothing it depends on
        changed). The kept bytes are emitted here."""
        if self.changed is None or self.previous is None:
            return True
        old = self.previous.get(output)
        if old is None or any(dep in self.changed for dep in deps):
            return True
        self.emit(output, old)
        return False

    def page(self, output: str, path: str, template: str | jinja2.Template, *, title: str, description: str,
             og_type: str = "website", deps: tuple[str, ...] | None = None,
             small: bool = False, **extra: object) -> None:
        if deps is not None and not self.wanted(output, deps):
            return
        if isinstance(template, str):
            template = self.env.get_template(template)
        canonical = self.abs_url(path)
        context = {
            **self.common,
            "page_path": path,
            "title": title,
            "description": " ".join(description.split()),
            "canonical": canonical,
            "og_type": og_type,
            "json": None,
            **extra,
        }
        self.emit(output, template.render(context).encode() if small else _render_pieces(template, context))

    def text(self, output: str, template: str, **extra: object) -> None:
        self.emit(output, _render_pieces(self.env.get_template(template), {**self.common, **extra}))

    # data for pages
    def _photo(self) -> dict[str, object] | None:
        person = self.site.person
        if not person.photo:
            return None
        path = person.photo.lstrip("/")
        data = self.static.get(path)
        if data is None:
            raise UserError([Problem("data/cv.yml", None, None, "person.photo",
                                     "the photo is not in static/", value=person.photo,
                                     hint="put the image in static/ (e.g. static/images/me.jpg) and give its path "
                                          "inside static/")])
        size = image_size(data)
        if size is None:
            raise UserError([Problem("data/cv.yml", None, None, "person.photo",
                                     "unknown image format (use JPEG, PNG, WebP, GIF or SVG)", value=person.photo)])
        return {"src": self.url(path), "abs": self.abs_url(path), "width": size[0], "height": size[1],
                "alt": person.photo_alt or f"Photo of {person.name}"}

    def _profile_json(self, photo: dict[str, object] | None, description: str) -> dict[str, object]:
        person = self.site.person
        entity: dict[str, object] = {"@type": "Person", "name": person.name}
        if self.site_url:
            entity["url"] = self.site_url
        if person.position:
            entity["jobTitle"] = person.position
        if person.affiliation:
            org: dict[str, object] = {"@type": "Organization", "name": person.affiliation}
            if person.affiliation_url:
                org["url"] = person.affiliation_url
            entity["affiliation"] = org
        if person.email:
            entity["email"] = f"mailto:{person.email}"
        if photo and photo["abs"]:
            entity["image"] = photo["abs"]
        entity["description"] = description
        same_as = sorted({link.href for link in person.profile_links
                          if link.kind.name != "email" and link.href.startswith("http")
                          and link.href.rstrip("/") != self.site_url.rstrip("/")})
        if same_as:
            entity["sameAs"] = same_as
        data: dict[str, object] = {"@context": "https://schema.org", "@type": "ProfilePage", "mainEntity": entity}
        if self.site_url:
            data["url"] = self.site_url
        return data

    def _paper_description(self, publication: Publication, abstract: str) -> str:
        """`abstract`: the paper's abstract on one line."""
        if publication.abstract:
            return abstract if len(abstract) <= 300 else abstract[:297].rsplit(" ", 1)[0] + "…"
        authors = ", ".join(a.display for a in publication.authors)
        parts = [publication.title, authors, publication.venue, str(publication.year or "")]
        return ". ".join(p for p in parts if p)

    def _paper_json(self, publication: Publication, path: str, abstract: str) -> dict[str, object]:
        data: dict[str, object] = {
            "@context": "https://schema.org",
            "@type": "ScholarlyArticle",
            "headline": publication.title[:110],
            "name": publication.title,
            "author": [{"@type": "Person", "name": a.display} for a in publication.authors if not a.is_others],
        }
        if publication.year:
            data["datePublished"] = iso_date(publication)
        if publication.venue:
            kind = "Periodical" if publication.venue_kind == "journal" else "CreativeWork"
            data["isPartOf"] = {"@type": kind, "name": publication.venue}
        if publication.abstract:
            data["abstract"] = abstract
        url = self.abs_url(path)
        if url:
            data["url"] = data["mainEntityOfPage"] = url
        same_as = [link.href for link in publication.links if link.kind.name in ("doi", "arxiv")]
        if same_as:
            data["sameAs"] = same_as
        identifiers = []
        if publication.doi:
            identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": publication.doi})
        if publication.arxiv_id:
            identifiers.append({"@type": "PropertyValue", "propertyID": "arXiv", "value": publication.arxiv_id})
        if identifiers:
            data["identifier"] = identifiers
        pdf = self.pdf_url(publication)
        if pdf:
            data["encoding"] = {"@type": "MediaObject", "encodingFormat": "application/pdf", "contentUrl": pdf}
        return data

    def pdf_url(self, publication: Publication) -> str:
        """The absolute URL of the paper's PDF, or "" (asked three times a paper: remembered)."""
        url = self._pdf_urls.get(publication.key)
        if url is None:
            url = self._pdf_urls[publication.key] = self._pdf_url(publication)
        return url

    def _pdf_url(self, publication: Publication) -> str:
        for link in publication.links:
            if link.kind.name == "pdf" and is_safe_url(link.href):
                href = self.href(link.href)
                if urlsplit(href).scheme:
                    return href
                return urljoin(self.site_url, href) if self.site_url else ""
        return ""

    def _feed_updated(self) -> str:
        """The newest news date (the feed never carries the time of the build)."""
        dates = [n.date for n in self.site.news] or [p.date for p in self.site.publications if p.date]
        if not dates:
            return "1970-01-01T00:00:00Z"
        return f"{max(d.as_date() for d in dates).isoformat()}T00:00:00Z"


MEMO_MACROS = frozenset({"venue", "links", "paper", "paper_summary", "abstract", "bibtex", "icon"})
MEMO_MACROS_ONE_SHOT = frozenset({"paper_summary", "icon"})


# What each page shows besides the layout (settings, base URL, the owner's name and photo,
# templates and static files: a change to any of those re-renders everything). A paper's page and
# its .bib depend on "pub:<key>" only.
DEPENDENCIES: dict[str, tuple[str, ...]] = {
    "home": ("person", "news", "pubs"),
    "news": ("news",),
    "publications": ("pubs",),
    "cv": ("person", "cv", "pubs"),
    "feed": ("news", "pubs"),
}


class _MemoMacros:
    """The macro module, with some macros memoised by their arguments: a paper by its key, other
    objects by identity (kept alive so ids stay unique). The same arguments always give the same
    HTML while the layout is the same; the renderer's store outlives a render (see `render`)."""

    def __init__(self, memo: frozenset[str], renderer: SiteRenderer):
        self._module: object = None  # set once the module is made (it refers to this object)
        self._memo = memo
        self._renderer = renderer
        self.remember = True  # False: what is remembered is still used, nothing new is stored

    def __getattr__(self, name: str) -> object:
        macro = getattr(self._module, name)
        if name in self._memo:
            macro = _memoise(macro, self._renderer._memo.setdefault(name, {}), self._renderer._memo_keep,
                             self._renderer._memo_by_paper, self)
        setattr(self, name, macro)
        return macro


def _arg_key(value: object) -> object:
    if isinstance(value, (str, int, bool, type(None))):
        return value
    if isinstance(value, Publication):
        return ("P", value.key)
    return id(value)


def _memoise(macro, cache: dict[tuple, object], keep: list[object], by_paper: dict[str, list], owner: _MemoMacros):
    def call(*args, **kwargs):
        key = tuple(_arg_key(a) for a in args)
        if kwargs:
            key += tuple(sorted((k, _arg_key(v)) for k, v in kwargs.items()))
        result = cache.get(key)
        if result is None:
            result = macro(*args, **kwargs)
            if not owner.remember:
                return result
            cache[key] = result
            keep.append((args, kwargs))
            for arg in (*args, *kwargs.values()):
                if isinstance(arg, Publication):
                    by_paper.setdefault(arg.key, []).append((cache, key))
        return result

    return call


def _render_pieces(template: jinja2.Template, context: dict[str, object]) -> Iterator[bytes]:
    """`template.render(context).encode()` as a stream of pieces (a few thousand of Jinja's strings
    each), which the writer writes as they come: the publications page of 20,000 papers is 60 MB
    of UTF-8 (and twice that as a str once a character is outside Latin-1) and is never whole in
    memory. Errors are Jinja's, raised while the stream is read. Slower on a small page: paper pages
    use render()."""
    batch: list[str] = []
    for text in template.generate(context):
        batch.append(text)
        if len(batch) == 4096:
            yield "".join(batch).encode()
            batch.clear()
    yield "".join(batch).encode()


def _time(date: PartialDate | None) -> Markup:
    if date is None:
        return Markup("")
    return Markup('<time datetime="{}">{}</time>').format(date.iso, str(date))

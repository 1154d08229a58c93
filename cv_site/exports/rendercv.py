"""`cv-site export rendercv`: the CV as a RenderCV input file (its `cv:`, and a `locale:` when the
site says something RenderCV's locale can say), from the view the site and the PDF are made from.

Only what the data says, each fact in the RenderCV field that means it. The person: name, headline
(the position), email (when it is an address RenderCV reads), website (the homepage link, else the site's URL), social_networks (the
links RenderCV knows: LinkedIn, GitHub, GitLab, ORCID, Mastodon, ResearchGate, Google Scholar, X).
Each section is one RenderCV section, under its title, with the nearest entry type:

  education     EducationEntry   institution; degree and area from the degree as written ("B.S. in
                                 Physics": B.S., Physics; without " in ", all of it is the area);
                                 location, dates, summary (details), highlights
  experience    ExperienceEntry  company, position (the role, or ""), location, dates, summary (a
                                 line each), highlights; then a highlight per project, "Role: Title
                                 (dates)", its highlights as RenderCV's nested bullets (" - ")
  awards        NormalEntry      name (title), date, summary (note)
  list          BulletEntry      the text, and its date in parentheses
  nested_list   NormalEntry      name (the group's title), highlights (its items, dated as a list's)
  map           OneLineEntry     label, details
  text          TextEntry        a paragraph or list item each; a body that is one kind of list only:
                                 BulletEntry or NumberedEntry
  publications  PublicationEntry title, authors (the owner in bold, marks * and † kept), doi, url
                                 (without a DOI: arXiv, project page, website, PDF or url), journal
                                 (the venue line), date
  talks         NormalEntry      name (title, linked to its first link), location, date, summary
                                 (kind · event)
  teaching      NormalEntry      name ("course (code)", linked), location (institution), date or
                                 term, summary (role), highlights (details)
  projects      NormalEntry      name (title, linked to its first link), date, summary (the role,
                                 then the summary's paragraphs), highlights (the summary's list items)

A section with nothing to show (no papers, an empty body) is left out: RenderCV refuses an empty one.
Dates are RenderCV's: YYYY, YYYY-MM or YYYY-MM-DD, "present" for an open end; a range RenderCV
cannot hold (2020.9 - 2020 ends, for it, before it starts) is written as text in `date`. Markdown
becomes RenderCV's: **bold**, *italic*, [text](absolute URL), every other construct its text; a
literal * is written \\*. Paragraphs of a summary are lines of it (RenderCV makes each line one).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urljoin, urlsplit

import yaml

from cv_site.labels import TALK_KIND_LABELS
from cv_site.links import LINK_KINDS, Link, is_safe_url
from cv_site.schema import Person, Section, Settings
from cv_site.text import markdown as md
from cv_site.text import richtext
from cv_site.text.dates import DateRange, PartialDate
from cv_site.views.entries import project_view, talks_in_order
from cv_site.views.papers import AuthorView
from cv_site.views.site import SiteView

HEADER = "# A RenderCV input file written by `cv-site export rendercv`: render it with `rendercv render FILE`.\n"
# cv-site's profile link kinds -> RenderCV's social networks.
NETWORKS = {"linkedin": "LinkedIn", "github": "GitHub", "gitlab": "GitLab", "orcid": "ORCID", "mastodon": "Mastodon",
            "researchgate": "ResearchGate", "scholar": "Google Scholar", "x": "X"}
# A paper's link for RenderCV's `url`, the first there is (a DOI has a field of its own).
PAPER_URL_KINDS = ("arxiv", "html", "website", "pdf", "url")
RENDERCV_LANGUAGE, RENDERCV_PRESENT = "en", "present"  # RenderCV's defaults: written only when different
_DEGREE = re.compile(r"^(.+?)\s+in\s+(.+)$", re.S)
_ORCID = re.compile(r"^\d{4}-\d{4}-\d{4}-\d{3}[\dX]$")
_MASTODON_URL = re.compile(r"^https?://([^/\s]+)/@([^/\s@]+)/?$", re.I)
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")  # RenderCV refuses "ada [at] example.org"
_OTHER_PREFIXES = {"x": ("twitter.com/",)}  # addresses of a profile besides the link table's own


def rendercv_yaml(view: SiteView) -> str:
    """The RenderCV input file's text."""
    return HEADER + yaml.safe_dump(rendercv_data(view), sort_keys=False, allow_unicode=True, width=10_000)


def rendercv_data(view: SiteView) -> dict[str, Any]:
    writer = Writer(view)
    cv = {**_person(writer, view.model.person, view.model.settings), "sections": _sections(writer, view)}
    locale = _locale(view.model.settings)
    return {"cv": cv, **({"locale": locale} if locale else {})}


class Writer:
    """Text of the data as RenderCV's: its Markdown, its dates, its absolute links."""

    def __init__(self, view: SiteView):
        self.view = view
        self.allow_html = view.model.settings.allow_html
        self.site_url = view.model.settings.url

    def address(self, target: str, schemes: tuple[str, ...] = ("http", "https", "mailto")) -> str:
        """An absolute address for a link of the data (a relative one under the site's URL), or ""."""
        if not target or not is_safe_url(target):
            return ""
        url = urljoin(self.site_url, target) if self.site_url and not urlsplit(target).scheme else target
        return url if urlsplit(url).scheme in schemes else ""

    def plain(self, text: str | None) -> str:
        """Text that is not Markdown in cv-site (a name, a place): only its stars escaped."""
        return _escape(" ".join((text or "").split()))

    def inline(self, text: str | None) -> str:
        return " ".join(line for _, line in self.blocks(text))

    def lines(self, text: str | None) -> str:
        return "\n".join(line for _, line in self.blocks(text))

    def blocks(self, text: str | None) -> list[tuple[str, str]]:
        """Markdown as RenderCV's, one (kind, text) a paragraph or heading ("p") or list item ("ul",
        "ol")."""
        if not text or not text.strip():
            return []
        if md.SYNTAX.search(text) is None:  # no Markdown syntax (and so no star to escape)
            return [("p", text.strip())]
        document = md.read(text, self.allow_html)
        out: list[tuple[str, str]] = []
        for block in document.root:
            self._block(block, document, "p", out)
        return [(kind, line) for kind, line in out if line]

    def _block(self, element: etree.Element, document: md.Document, kind: str, out: list[tuple[str, str]]) -> None:
        raw = md.raw_block(element, document)
        if raw is not None:
            out.append((kind, _escape(" ".join(md.html_text(raw).split()))))
        elif element.tag in ("ul", "ol", "blockquote"):
            for child in element:
                self._block(child, document, element.tag if element.tag != "blockquote" else kind, out)
        elif element.tag == "li":
            sublists = tuple(child for child in element if child.tag in ("ul", "ol"))
            out.append((kind, self._inline(element, document, sublists)))
            for sublist in sublists:
                self._block(sublist, document, sublist.tag, out)
        elif element.tag == "pre":
            out.append((kind, _escape(" ".join(md.code_text(element[0] if len(element) else element).split()))))
        elif element.tag != "hr":
            out.append((kind, self._inline(element, document)))

    def _inline(self, element: etree.Element, document: md.Document, skip: tuple[etree.Element, ...] = ()) -> str:
        parts = [self._text(element.text, document)]
        for child in element:
            if child not in skip:
                parts.append(self._element(child, document))
            parts.append(self._text(child.tail, document))
        return " ".join("".join(parts).split())

    def _element(self, element: etree.Element, document: md.Document) -> str:
        if element.tag == "code":
            return _escape(md.code_text(element))
        if element.tag == "img":
            return _escape(md.text(element.get("alt"), document))
        if element.tag == "br":
            return " "
        inner = self._inline(element, document)
        if element.tag in ("em", "strong"):
            marker = "*" if element.tag == "em" else "**"
            return f"{marker}{inner}{marker}" if inner else ""
        if element.tag == "a":
            return self.link(inner, md.attribute(element, "href"))
        return f" {inner} " if element.tag in md.BLOCKS else inner

    def _text(self, value: str | None, document: md.Document) -> str:
        return "".join(_escape(md.html_text(piece) if isinstance(piece, md.RawHtml) else piece)
                       for piece in md.pieces(value, document))

    def link(self, text: str, target: str) -> str:
        """[text](url) when the target has an absolute address, else the text; a bare address as it is."""
        url = self.address(target).replace("(", "%28").replace(")", "%29")  # RenderCV's link ends at ")"
        if not url or text == _escape(url):
            return url or text
        return f"[{text}]({url})"

    def linked(self, markdown: str, links: tuple[Link, ...] | list[Link]) -> str:
        """A title linked to the first of its links that has an address (unless it holds a link)."""
        text = self.inline(markdown)
        url = next((address for link in links if (address := self.address(link.href, ("http", "https")))), "")
        return self.link(text, url) if url and "](" not in text else text

    def rich(self, text: str) -> str:
        """BibTeX's styled text (richtext markers) as RenderCV's Markdown."""
        return "".join(_rich(node) for node in richtext.parse(text))

    def date_text(self, dates: DateRange | None) -> str:
        """A date or range as the site shows it (for a date inside text)."""
        label = self.view.date(dates)
        return label.text if label else ""


def _escape(text: str) -> str:
    return text.replace("*", "\\*")


def _rich(node: richtext.Node) -> str:
    if isinstance(node, str):
        return _escape(node)
    kind, children = node
    if kind == "math":
        return _escape(richtext.math_text(richtext.math_source(children)))
    marker = "*" if kind == "em" else "**"
    return marker + "".join(_rich(child) for child in children) + marker


# --- the person and the locale ---------------------------------------------------------------------


def _person(writer: Writer, person: Person, settings: Settings) -> dict[str, Any]:
    written = person.links.given()
    homepage = writer.address(LINK_KINDS["homepage"].url(written.get("homepage", "")), ("http", "https"))
    networks = [{"network": NETWORKS[kind], "username": username} for kind, value in written.items()
                if kind in NETWORKS and (username := _username(kind, value))]
    return _compact({
        "name": person.name,
        "headline": person.position,
        "email": person.email if person.email and _EMAIL.match(person.email) else None,
        "website": homepage or settings.url,
        "social_networks": networks,
    })


def _username(kind: str, value: str) -> str:
    """The id RenderCV makes the profile's address from: as written, or read from the address
    (github.com/ada -> ada; a Mastodon address -> @user@server); "" when it cannot be."""
    value = value.strip()
    if kind == "mastodon":
        if match := _MASTODON_URL.match(value):
            return f"@{match.group(2)}@{match.group(1)}"
        return value if re.fullmatch(r"@[^@\s]+@[^@\s]+", value) else ""
    if _SCHEME.match(value):
        bare = _bare(value)
        prefixes = (_bare(LINK_KINDS[kind].pattern.split("{}")[0]), *_OTHER_PREFIXES.get(kind, ()))
        prefix = next((prefix for prefix in prefixes if bare.lower().startswith(prefix.lower())), None)
        value = bare[len(prefix):].rstrip("/") if prefix else ""
    if not value or "/" in value or (kind == "orcid" and not _ORCID.match(value)):
        return ""
    return value


def _bare(url: str) -> str:
    return re.sub(r"^https?://(www\.)?", "", url, flags=re.I)


def _locale(settings: Settings) -> dict[str, str]:
    language = settings.language.split("-")[0].lower()
    locale = {}
    if language != RENDERCV_LANGUAGE and re.fullmatch(r"[a-z]{2}", language):
        locale["language"] = language
    if settings.ongoing_label != RENDERCV_PRESENT:
        locale["present"] = settings.ongoing_label
    return locale


# --- sections ------------------------------------------------------------------------------------


def _sections(writer: Writer, view: SiteView) -> dict[str, list[Any]]:
    sections: dict[str, list[Any]] = {}
    for section in view.model.sections:
        entries = list(_ENTRIES[section.kind](writer, section))
        if entries:
            title = section.title if section.title not in sections else f"{section.title} ({section.slug})"
            sections[title] = entries
    return sections


def _education(w: Writer, section: Any) -> Iterator[dict[str, Any]]:
    for entry in section.entries:
        match = _DEGREE.match(entry.degree or "")
        degree, area = (match.group(1), match.group(2)) if match else ("", entry.degree or "")
        yield {"institution": w.plain(entry.institution), "area": w.plain(area), **_compact({
            "degree": w.plain(degree), "location": w.plain(entry.location), **_dates(entry.date),
            "summary": w.lines(entry.details), "highlights": [w.inline(line) for line in entry.highlights]})}


def _experience(w: Writer, section: Any) -> Iterator[dict[str, Any]]:
    for entry in section.entries:
        highlights = [w.inline(line) for line in entry.highlights] + [_project_line(w, project) for project in entry.projects]
        yield {"company": w.plain(entry.organization), "position": w.plain(entry.role), **_compact({
            "location": w.plain(entry.location), **_dates(entry.date),
            "summary": "\n".join(filter(None, (w.inline(line) for line in entry.summary))), "highlights": highlights})}


def _project_line(w: Writer, project: Any) -> str:
    """A project of an experience entry as one highlight, its own highlights nested under it."""
    head = w.inline(project.title)
    if project.role:
        head = f"{w.plain(project.role)}: {head}"
    if project.date:
        head += f" ({w.date_text(project.date)})"
    return " - ".join([head, *(w.inline(line) for line in project.highlights)])


def _awards(w: Writer, section: Any) -> Iterator[dict[str, Any]]:
    for award in section.entries:
        yield _compact({"name": w.inline(award.title), **_dates(award.date), "summary": w.lines(award.note)})


def _list(w: Writer, section: Any) -> Iterator[dict[str, Any]]:
    for item in section.entries:
        yield {"bullet": _dated(w, item)}


def _dated(w: Writer, item: Any) -> str:
    text = w.inline(item.text)
    return f"{text} ({w.date_text(item.date)})" if item.date else text


def _nested_list(w: Writer, section: Any) -> Iterator[dict[str, Any]]:
    for group in section.entries:
        yield _compact({"name": w.plain(group.title), "highlights": [_dated(w, item) for item in group.items]})


def _map(w: Writer, section: Any) -> Iterator[dict[str, Any]]:
    for entry in section.entries:
        yield {"label": w.plain(entry.name), "details": w.inline(entry.value)}


def _text(w: Writer, section: Any) -> Iterator[Any]:
    blocks = w.blocks(section.body)
    kinds = {kind for kind, _ in blocks}
    if kinds == {"ol"}:
        yield from ({"number": line} for _, line in blocks)
    elif kinds == {"ul"}:
        yield from ({"bullet": line} for _, line in blocks)
    else:
        yield from (line for _, line in blocks)


def _publications(w: Writer, section: Any) -> Iterator[dict[str, Any]]:
    for publication in w.view.model.section_publications(section):
        paper = w.view.papers[publication.key]
        doi = publication.doi if publication.doi.startswith("10.") else ""
        urls = {link.kind.name: w.address(link.href, ("http", "https")) for link in paper.links}
        url = "" if doi else next((urls[kind] for kind in PAPER_URL_KINDS if urls.get(kind)), "")
        date = _rendercv_date(publication.date) if publication.date else None
        yield {"title": w.rich(paper.title), "authors": [_author(w, author) for author in paper.authors],
               **_compact({"doi": doi, "url": url, "journal": w.rich(paper.venue_line), "date": date})}


def _author(w: Writer, author: AuthorView) -> str:
    name = w.plain(author.name)
    return (f"**{name}**" if author.is_owner else name) + _escape(author.marks)


def _talks(w: Writer, section: Any) -> Iterator[dict[str, Any]]:
    for talk in talks_in_order(section):
        about = " · ".join(filter(None, (TALK_KIND_LABELS.get(talk.kind or ""), talk.event)))
        yield _compact({"name": w.linked(talk.title, talk.links.links()), "location": w.plain(talk.location),
                        **_dates(DateRange(talk.date) if talk.date else None), "summary": w.plain(about)})


def _teaching(w: Writer, section: Any) -> Iterator[dict[str, Any]]:
    for entry in section.entries:
        course = f"{entry.course} ({entry.code})" if entry.code else entry.course
        links = [Link(LINK_KINDS["url"], entry.link)] if entry.link else []
        when = _dates(entry.date) if entry.date else {"date": entry.term}
        yield _compact({"name": w.linked(course, links), "location": w.plain(entry.institution), **when,
                        "summary": w.plain(entry.role), "highlights": [w.inline(entry.details)]})


def _projects(w: Writer, section: Any) -> Iterator[dict[str, Any]]:
    for entry in section.entries:
        blocks = w.blocks(entry.summary)
        paragraphs = [w.plain(entry.role)] + [line for kind, line in blocks if kind == "p"]
        yield _compact({"name": w.linked(entry.title, project_view(entry, w.view.papers).links), **_dates(entry.date),
                        "summary": "\n".join(filter(None, paragraphs)),
                        "highlights": [line for kind, line in blocks if kind != "p"]})


_ENTRIES: dict[str, Callable[[Writer, Section], Iterator[Any]]] = {
    "education": _education, "experience": _experience, "awards": _awards, "list": _list,
    "nested_list": _nested_list, "map": _map, "text": _text, "publications": _publications, "talks": _talks,
    "teaching": _teaching, "projects": _projects,
}


# --- dates and values ------------------------------------------------------------------------------


def _rendercv_date(date: PartialDate) -> int | str:
    return date.year if date.month is None else date.iso


def _dates(dates: DateRange | None) -> dict[str, int | str]:
    if dates is None:
        return {}
    if not dates.is_range:
        return {"date": _rendercv_date(dates.start)}
    if dates.end and dates.end.as_date() < dates.start.as_date():  # "2020.9 - 2020": RenderCV reads 2020 as January
        return {"date": str(dates)}
    return {"start_date": _rendercv_date(dates.start),
            "end_date": _rendercv_date(dates.end) if dates.end else RENDERCV_PRESENT}


def _compact(data: dict[str, Any]) -> dict[str, Any]:
    """Without the empty values: RenderCV leaves out what is not known."""
    return {key: value for key, value in data.items() if value not in (None, "", [], [""])}

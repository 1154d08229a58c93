"""`resume.json`: the CV in JSON Resume's format (schema 1.0.0), for its themes and tools.

Only what the data says, in the field that means it; what has no such field is left out:
- basics: name, label (position), email, url (the site's, else the homepage link), image (the
  photo, when the site's URL is known), summary (the bio as plain text), profiles (the person's
  links but email, homepage and CV: network, username when an id was written, url);
- work: experience sections (organization, role, location, dates, summary lines, highlights); the
  projects of an experience entry are projects with that organization as their entity;
- education: institution, studyType and area from the degree as written ("B.S. in Physics" ->
  "B.S." in "Physics"; without " in ", all of it is the studyType), dates;
- awards: title, date, summary (the note); publications: every paper (name, publisher = venue,
  releaseDate, url = DOI, arXiv, project page or PDF, summary = status and abstract);
- projects: projects sections (name, description, dates, roles, url, keywords = tags);
- skills: map sections (name, keywords = the value split at commas).
Lists, nested lists, talks, teaching, text sections and news have no JSON Resume section that
clearly fits them, and are left out.

Dates are ISO 8601 (YYYY, YYYY-MM or YYYY-MM-DD); an open range has no endDate; a single date is
both the start and the end, but for education, where it is the end (when the degree was earned).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from urllib.parse import urljoin, urlsplit

from cv_site.links import LINK_KINDS, is_safe_url
from cv_site.schema import (
    AwardsSection,
    EducationSection,
    ExperienceSection,
    MapSection,
    ProjectsSection,
)
from cv_site.text import richtext
from cv_site.text.dates import DateRange
from cv_site.text.markdown import plain as markdown_plain
from cv_site.views.entries import project_view
from cv_site.views.papers import PaperView
from cv_site.views.site import SiteView

SCHEMA_URL = "https://raw.githubusercontent.com/jsonresume/resume-schema/v1.0.0/schema.json"
NOT_PROFILES = frozenset({"email", "homepage", "cv"})
PAPER_URL_KINDS = ("doi", "arxiv", "html", "website", "pdf", "url")
_DEGREE = re.compile(r"^(.+?),?\s+in\s+(.+)$")


def resume_json(view: SiteView, site_url: str, href: Callable[[str], str]) -> dict[str, object]:
    """The site's CV as a JSON Resume. `site_url`: the site's absolute URL, or ""; `href`: a link
    from the data as the site writes it (a relative one under the site's base path)."""
    site = view.model
    allow_html = site.settings.allow_html

    def text(markdown: str | None) -> str:
        return markdown_plain(markdown, allow_html) if markdown else ""

    def absolute(target: str) -> str:
        """An absolute http(s) URL for a link of the data, or "" when there is none."""
        if not is_safe_url(target):
            return ""
        url = href(target)
        if not urlsplit(url).scheme and site_url:
            url = urljoin(site_url, url)
        return url if urlsplit(url).scheme in ("http", "https") else ""

    resume: dict[str, object] = {"$schema": SCHEMA_URL, "basics": _basics(view, site_url, text, absolute)}
    work, education, awards, projects, skills = [], [], [], [], []
    for section in site.sections:
        if isinstance(section, ExperienceSection):
            for entry in section.entries:
                job = _compact({"name": entry.organization, "position": entry.role, "location": entry.location,
                                **_dates(entry.date), "summary": "\n".join(text(line) for line in entry.summary),
                                "highlights": [text(line) for line in entry.highlights]})
                work.append(job)
                for project in entry.projects:
                    projects.append(_compact({
                        "name": text(project.title), "entity": entry.organization, **_dates(project.date),
                        "roles": [project.role] if project.role else [],
                        "highlights": [text(line) for line in project.highlights]}))
        elif isinstance(section, EducationSection):
            for school in section.entries:
                study_type, area = _degree(school.degree or "")
                education.append(_compact({"institution": school.institution, "area": area, "studyType": study_type,
                                           **_dates(school.date, single="endDate")}))
        elif isinstance(section, AwardsSection):
            for award in section.entries:
                awards.append(_compact({"title": text(award.title),
                                        "date": award.date.start.iso if award.date else "",
                                        "summary": text(award.note)}))
        elif isinstance(section, ProjectsSection):
            for shown in (project_view(entry, view.papers) for entry in section.entries):
                links = {link.kind.name: absolute(link.href) for link in shown.links}
                projects.append(_compact({
                    "name": text(shown.title), "description": text(shown.summary), **_dates(shown.date),
                    "roles": [shown.role] if shown.role else [],
                    "url": links.get("website") or links.get("code") or next(filter(None, links.values()), ""),
                    "keywords": list(shown.tags)}))
        elif isinstance(section, MapSection):
            for item in section.entries:
                keywords = [word for word in (text(part) for part in item.value.split(",")) if word]
                skills.append(_compact({"name": item.name, "keywords": keywords}))
    publications = [_publication(paper, absolute) for paper in view.papers.values()]
    for name, items in (("work", work), ("education", education), ("awards", awards),
                        ("publications", publications), ("skills", skills), ("projects", projects)):
        if items:
            resume[name] = items
    return resume


def resume_file(view: SiteView, site_url: str, href: Callable[[str], str]) -> bytes:
    """resume.json's bytes: UTF-8, indented; `<`, `>` and `&` as JSON escapes (the same text to a
    JSON reader), so no user text is markup even to a browser that sniffs the file as HTML."""
    text = json.dumps(resume_json(view, site_url, href), ensure_ascii=False, indent=2)
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026") + "\n").encode()


def _basics(view: SiteView, site_url: str, text: Callable[[str | None], str],
            absolute: Callable[[str], str]) -> dict[str, object]:
    person = view.model.person
    written = person.links.given()
    homepage = absolute(LINK_KINDS["homepage"].url(written["homepage"])) if "homepage" in written else ""
    profiles = []
    for kind, value in written.items():
        if kind in NOT_PROFILES:
            continue
        link_kind = LINK_KINDS[kind]
        url = absolute(link_kind.url(value))
        is_id = link_kind.url(value) != value.strip()  # an id or handle, not an address
        profiles.append(_compact({"network": link_kind.label, "username": value.strip() if is_id else "", "url": url}))
    photo = person.photo.lstrip("/") if person.photo else ""
    return _compact({
        "name": person.name,
        "label": person.position,
        "image": absolute(photo) if photo and site_url else "",
        "email": person.email,
        "url": site_url or homepage,
        "summary": text(person.bio),
        "profiles": profiles,
    })


def _publication(paper: PaperView, absolute: Callable[[str], str]) -> dict[str, object]:
    publication = paper.publication
    urls = {link.kind.name: absolute(link.href) for link in publication.links}
    abstract = " ".join(publication.abstract.split())
    return _compact({
        "name": richtext.plain(publication.styled_text("title")),
        "publisher": publication.venue,
        "releaseDate": publication.date.iso if publication.date else "",
        "url": next((urls[kind] for kind in PAPER_URL_KINDS if urls.get(kind)), ""),
        "summary": " ".join(part for part in (f"{paper.status}." if paper.status else "", abstract) if part),
    })


def _degree(degree: str) -> tuple[str, str]:
    """(studyType, area) of a degree as written: "B.S. in Physics" -> ("B.S.", "Physics")."""
    match = _DEGREE.match(degree.strip())
    return (match.group(1), match.group(2)) if match else (degree.strip(), "")


def _dates(dates: DateRange | None, single: str = "") -> dict[str, str]:
    """startDate and endDate of a date or range; `single`: the one key a single date fills
    (default: both)."""
    if dates is None:
        return {}
    if not dates.is_range:
        keys = (single,) if single else ("startDate", "endDate")
        return {key: dates.start.iso for key in keys}
    return {"startDate": dates.start.iso, **({"endDate": dates.end.iso} if dates.end else {})}


def _compact(data: dict[str, object]) -> dict[str, object]:
    """Without the empty values: JSON Resume leaves out what is not known."""
    return {key: value for key, value in data.items() if value not in (None, "", [])}

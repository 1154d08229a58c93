"""What search engines and reference managers read: JSON-LD (schema.org) for the profile, each
paper and the entries of a collection's page, Google Scholar's citation_* values, and the plain
descriptions of pages."""

from __future__ import annotations

import json
from urllib.parse import urljoin, urlsplit
from typing import Callable

from markupsafe import Markup

from cv_site.links import is_safe_url
from cv_site.model import Post, Publication, SiteModel
from cv_site.views.entries import ProjectView
from cv_site.views.site import SectionView


def json_ld(data: object) -> Markup:
    """JSON for a `<script type="application/ld+json">`: `<`, `>` and `&` escaped so no text in the
    data can close the script element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def scholar_date(publication: Publication) -> str:
    """citation_publication_date: YYYY/M/D when the day is known, else YYYY (Scholar's two forms)."""
    if publication.year is None:
        return ""
    if publication.month and publication.day:
        return f"{publication.year}/{publication.month}/{publication.day}"
    return str(publication.year)


def citation_authors(publication: Publication) -> list[str]:
    """The authors' names for Google Scholar's citation_author tags ("et al." is no name)."""
    return [author.citation_name for author in publication.authors if not author.is_others]


def iso_date(publication: Publication) -> str:
    date = publication.date
    return date.iso if date else ""


def pdf_url(publication: Publication, href: Callable[[str], str], site_url: str) -> str:
    """The absolute URL of the paper's PDF, or "" (`href` makes a data link a link on the site)."""
    for link in publication.links:
        if link.kind.name == "pdf" and is_safe_url(link.href):
            target = href(link.href)
            if urlsplit(target).scheme:
                return target
            return urljoin(site_url, target) if site_url else ""
    return ""


def paper_description(publication: Publication) -> str:
    """For the description meta tag: the abstract (cut at a word near 300 characters), else the
    title, authors, venue and year."""
    abstract = " ".join(publication.abstract.split())
    if abstract:
        return abstract if len(abstract) <= 300 else abstract[:297].rsplit(" ", 1)[0] + "…"
    authors = ", ".join(a.display for a in publication.authors)
    parts = [publication.title, authors, publication.venue, str(publication.year or "")]
    return ". ".join(p for p in parts if p)


def profile_json(site: SiteModel, site_url: str, photo: dict[str, object] | None, description: str) -> dict[str, object]:
    person = site.person
    entity: dict[str, object] = {"@type": "Person", "name": person.name}
    if site_url:
        entity["url"] = site_url
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
                      and link.href.rstrip("/") != site_url.rstrip("/")})
    if same_as:
        entity["sameAs"] = same_as
    data: dict[str, object] = {"@context": "https://schema.org", "@type": "ProfilePage", "mainEntity": entity}
    if site_url:
        data["url"] = site_url
    return data


def paper_json(publication: Publication, url: str, pdf: str) -> dict[str, object]:
    """A ScholarlyArticle; `url`: the paper's page ("" when the site's URL is unknown)."""
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
        data["abstract"] = " ".join(publication.abstract.split())
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
    if pdf:
        data["encoding"] = {"@type": "MediaObject", "encodingFormat": "application/pdf", "contentUrl": pdf}
    return data


def collection_json(sections: list[SectionView], person: str, plain: Callable[[str], str],
                    href: Callable[[str], str], image: Callable[[str], str]) -> dict[str, object]:
    """A collection page's entries as schema.org items: an Event for each talk (its date and
    place; the owner as performer), a SoftwareSourceCode for a project with code (else a
    CreativeWork), a Course for each course (its code, provider and page). `image`: a static
    file's absolute URL."""
    items: list[dict[str, object]] = []
    for section in sections:
        for talk in section.talks:
            event: dict[str, object] = {"@type": "Event", "name": plain(talk.title), "performer": {
                "@type": "Person", "name": person}}
            if talk.date:
                event["startDate"] = talk.date.iso
            if talk.location or talk.event:
                event["location"] = {"@type": "Place", "name": talk.location or talk.event}
            if talk.event:
                event["superEvent"] = {"@type": "Event", "name": talk.event}
            if talk.abstract:
                event["description"] = plain(talk.abstract)
            for link in talk.links:
                if link.kind.name == "event":
                    event["url"] = href(link.href)
            items.append(event)
        for project in section.projects:
            items.append(project_json(project, person, plain, href, image))
        if section.kind == "teaching":
            for course in section.data.entries:
                data: dict[str, object] = {"@type": "Course", "name": plain(course.course)}
                if course.code:
                    data["courseCode"] = course.code
                if course.institution:
                    data["provider"] = {"@type": "Organization", "name": course.institution}
                if course.details:
                    data["description"] = plain(course.details)
                if course.link:
                    data["url"] = href(course.link)
                items.append(data)
    return {"@context": "https://schema.org", "@graph": items}


def project_json(project: ProjectView, person: str, plain: Callable[[str], str], href: Callable[[str], str],
                 image: Callable[[str], str]) -> dict[str, object]:
    links = {link.kind.name: href(link.href) for link in project.links}
    data: dict[str, object] = {"@type": "SoftwareSourceCode" if "code" in links else "CreativeWork",
                               "name": plain(project.title), "author": {"@type": "Person", "name": person}}
    if project.summary:
        data["description"] = plain(project.summary)
    if project.date:
        data["dateCreated"] = project.date.start.iso
    if "code" in links:
        data["codeRepository"] = links["code"]
    if "website" in links:
        data["url"] = links["website"]
    if project.image:
        data["image"] = image(project.image)
    if project.tags:
        data["keywords"] = list(project.tags)
    if project.paper:
        data["citation"] = project.paper.publication.title
    return data


def post_json(post: Post, person: str, description: str, url: str) -> dict[str, object]:
    """A BlogPosting; `url`: the post's page ("" when the site's URL is unknown)."""
    data: dict[str, object] = {"@context": "https://schema.org", "@type": "BlogPosting", "headline": post.title[:110],
                               "datePublished": post.date.iso, "author": {"@type": "Person", "name": person},
                               "description": description}
    if post.tags:
        data["keywords"] = list(post.tags)
    if url:
        data["url"] = data["mainEntityOfPage"] = url
    return data

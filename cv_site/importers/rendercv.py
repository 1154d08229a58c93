"""`cv-site import-rendercv FILE`: a RenderCV input file as cv-site's data/ folder.

The inverse of the export (exports/rendercv.py) where the formats allow. RenderCV -> cv-site:
  cv            name, headline -> position, email, website -> links.homepage, photo (a file beside
                the input file, copied to static/), social_networks -> links of the kinds cv-site
                has (LinkedIn, GitHub, GitLab, ORCID, Mastodon, ResearchGate, Google Scholar, X);
                location, phone, other networks and sort_entries are notes
  sections      each a section of the nearest kind, in the file's order, titled as RenderCV shows
                the key ("work_experience" -> "Work Experience"):
    TextEntry               text: a paragraph each
    OneLineEntry            map: label -> name, details -> value
    BulletEntry             list
    NumberedEntry           text: a numbered list
    ReversedNumberedEntry   list (noted: cv-site does not count down)
    EducationEntry          education: degree and area -> "degree in area", summary -> details,
                            grade -> a highlight
    ExperienceEntry         experience: company -> organization, position -> role, summary lines;
                            a highlight with nested bullets ("Title - a - b") -> a project
    PublicationEntry        BibTeX entries (rendercv_papers.py) and a publications section
    NormalEntry             awards, teaching or talks when the section's title says so, a nested
                            list when its entries have only a name and highlights, else projects
  locale        language -> language, present -> ongoing_label; its other words are a note
  design, rendercv_settings   notes: they are how RenderCV lays the CV out, not facts of the CV
Dates: 2020-09 -> "2020.9", an open range "2020.9 - present"; a date cv-site cannot read ("Fall
2023") is kept as text in the entry and noted. Markdown is kept where cv-site's field is Markdown,
made plain text where it is not.
"""

from __future__ import annotations

import re
from pathlib import Path, PurePosixPath
from typing import Any
from urllib.parse import urlsplit

from cv_site.importers.imported import Imported
from cv_site.importers.rendercv_papers import Papers
from cv_site.importers.rendercv_read import Entry, RenderCvFile, plain_text
from cv_site.importers.rendercv_sections import cv_sections
from cv_site.links import is_safe_url
from cv_site.text.normalise import normalise_name

# RenderCV's social networks -> cv-site's link kinds.
NETWORKS = {"LinkedIn": "linkedin", "GitHub": "github", "GitLab": "gitlab", "ORCID": "orcid", "Mastodon": "mastodon",
            "ResearchGate": "researchgate", "Google Scholar": "scholar", "X": "x"}
PLACEHOLDER_NAME = "Your Name"
_CV_KEYS = frozenset({"name", "headline", "location", "email", "photo", "phone", "website", "social_networks",
                      "sections", "sort_entries"})
_LAYOUT = {
    "design": "RenderCV's theme and page layout; not imported (cv-site's look: accent_color in data/site.yml, "
              "pdf.theme for the PDF)",
    "rendercv_settings": "RenderCV's own settings (output files, bold_keywords, sort_entries...); not imported",
}
_MASTODON = re.compile(r"^@([^@\s]+)@([^@\s/]+)$")


def import_rendercv(path: Path) -> Imported:
    """The RenderCV input file `path` as cv-site's data (plain dicts, validated), with notes for
    what has no place in cv-site; a UserError for a file that is not a RenderCV input file."""
    file = RenderCvFile(Path(path))
    papers = Papers()
    sections = cv_sections(file, papers)
    person, photo = _person(file, papers.owner_names)
    site = _site(file)
    _left_out_layout(file)
    file.raise_problems()
    publications = [section for section in sections if section["kind"] == "publications"]
    if len(publications) == 1:  # the only list of papers: every paper, and those added later
        publications[0]["include"] = "all"
    imported = Imported("RenderCV", "import-rendercv", {"person": person, "sections": sections}, site, [],
                        papers.bibtex(), file.notes, images=[Path(photo)] if photo else [], folder=Path(path).parent)
    imported.validate()
    return imported


def _person(file: RenderCvFile, owner_names: list[str]) -> tuple[Entry, str | None]:
    """Our person, and the photo to copy (a path beside the file), if any."""
    cv, loc = file.cv, ("cv",)
    for key, value in cv.items():
        if key not in _CV_KEYS and value not in (None, "", []):
            file.left_out((*loc, key), value, "not a field of RenderCV's cv")
    name = plain_text(file.text(cv, loc, "name"))
    if not name:
        file.note(("cv", "name"), f"missing; person.name is {PLACEHOLDER_NAME!r}: change it in data/cv.yml")
    person: Entry = {"name": name or PLACEHOLDER_NAME}
    aliases = [alias for alias in dict.fromkeys(owner_names) if normalise_name(alias) != normalise_name(person["name"])]
    photo = _photo(file)
    person.update(_compact({"aliases": aliases, "position": plain_text(file.text(cv, loc, "headline")),
                            "email": _first(file, "email"), "photo": photo, "links": _links(file)}))
    for key, what in (("location", "location"), ("phone", "phone number")):
        if value := _first(file, key):
            file.left_out((*loc, key), value, f"cv-site's person has no {what}")
    if file.text(cv, loc, "sort_entries") not in ("", "none"):
        file.left_out((*loc, "sort_entries"), cv["sort_entries"], "cv-site keeps the entries in the order written")
    return person, photo


def _first(file: RenderCvFile, key: str) -> str:
    """A value of `cv` that newer RenderCV also takes as a list: its first; the others noted."""
    value = file.cv.get(key)
    if isinstance(value, list):
        for index, other in enumerate(value[1:], 1):
            file.left_out(("cv", key, index), other, f"cv-site's person has one {key}")
        value = value[0] if value else None
    return file.value_text(value, ("cv", key))


def _links(file: RenderCvFile) -> dict[str, str]:
    links: dict[str, str] = {}
    if website := _first(file, "website"):
        if urlsplit(website).scheme in ("http", "https") and is_safe_url(website):
            links["homepage"] = website
        else:
            file.left_out(("cv", "website"), website, "not an http(s) address")
    networks = file.cv.get("social_networks")
    if networks is not None and not isinstance(networks, list):
        file.problem(("cv", "social_networks"), "expected a list of networks", networks,
                     "write each as a list item: `- network: GitHub` and `username: ...` under it")
        return links
    for index, item in enumerate(networks or []):
        loc = ("cv", "social_networks", index)
        if not isinstance(item, dict):
            file.problem(loc, "expected a network: its name and username", item, "write `- network: GitHub` and "
                                                                                 "`username: ...` under it")
            continue
        network, username = file.text(item, loc, "network"), file.text(item, loc, "username")
        kind, value = NETWORKS.get(network), _profile(network, username)
        if not kind or not value:
            file.left_out(loc, f"{network}: {username}", f"cv-site has no {network or 'such'} link" if not kind
                          else "not a username RenderCV reads")
        elif kind in links:
            file.left_out(loc, f"{network}: {username}", f"a second {network} link (cv-site has one of each)")
        else:
            links[kind] = value
    return links


def _profile(network: str, username: str) -> str:
    """The link's value as cv-site writes it: the username (an id), or for Mastodon the address."""
    if network != "Mastodon":
        return username
    match = _MASTODON.match(username)
    return f"https://{match.group(2)}/@{match.group(1)}" if match else ""


def _photo(file: RenderCvFile) -> str | None:
    """A photo file beside the input file (RenderCV reads it from there), to copy to static/."""
    written = file.text(file.cv, ("cv",), "photo")
    if not written:
        return None
    relative = PurePosixPath(written.replace("\\", "/"))
    if relative.is_absolute() or ".." in relative.parts or not (file.path.parent / relative).is_file():
        file.left_out(("cv", "photo"), written, "not a file in the RenderCV file's folder; put the photo in "
                                                "static/ and name it in person.photo")
        return None
    return relative.as_posix()


def _site(file: RenderCvFile) -> dict[str, Any]:
    """data/site.yml: the language and the word for an open date range, from RenderCV's locale."""
    locale = file.data.get("locale")
    if locale is None:
        return {}
    if not isinstance(locale, dict):
        file.problem(("locale",), "expected a mapping (language: ..., present: ...)", locale)
        return {}
    loc = ("locale",)
    site = {}
    if (language := file.text(locale, loc, "language")) and language != "en":
        site["language"] = language
    if (present := file.text(locale, loc, "present")) and present != "present":
        site["ongoing_label"] = present
    others = [key for key, value in locale.items() if key not in ("language", "present") and value not in (None, "", [])]
    if others:
        file.note(loc, f"{', '.join(others)}: RenderCV's words for dates, phone numbers and pages; not imported "
                       f"(cv-site shows each date as written in data/cv.yml)")
    return site


def _left_out_layout(file: RenderCvFile) -> None:
    for key, value in file.data.items():
        if key in _LAYOUT and value not in (None, {}):
            file.note((key,), _LAYOUT[key])
        elif key not in (*_LAYOUT, "cv", "locale"):
            file.left_out((key,), value, "not a part of a RenderCV input file")


def _compact(entry: Entry) -> Entry:
    return {key: value for key, value in entry.items() if value not in (None, "", [], {})}

"""`cv-site import-jsonresume FILE`: a JSON Resume (schema 1.0.0) as cv-site's data/ folder.

The inverse of the export (site/jsonresume.py) where the formats allow. JSON Resume -> cv-site:
  basics        name, label -> position, email, url -> links.homepage, summary -> bio,
                image -> photo (a file beside the resume, copied to static/), profiles -> links
                of the kinds cv-site has (by network: GitHub, Google Scholar, Twitter/X...);
                phone, location, a web image and other networks are notes
  work          an Experience section: name -> organization, position -> role, location, dates,
                description and summary (its lines) -> summary, highlights; url a note
  volunteer     an experience section titled Service (when every entry reads as reviewing,
                committees or editing) or Volunteering: organization, position, dates, summary...
  education     institution, studyType + area -> degree ("B.S. in Physics"), dates,
                score -> details ("Score: 3.9"), courses -> highlights; url a note
  awards        title, date, awarder and summary -> note
  certificates  an awards section titled Certificates: name (a link to url), issuer -> note, date
  publications  BibTeX entries (jsonresume_papers.py) and a Publications section
  skills        a map: name (level) -> the keywords joined by commas
  languages     a map: language -> fluency; interests: a map, name -> keywords
  references    a note naming them: other people's words are not put on a public site unasked
  projects      under the experience entry its `entity` names, when it holds only what such a
                project can (name, roles, dates, highlights); else a Projects section: name,
                description (+ highlights), dates, roles -> role, url -> a code or website link,
                keywords -> tags; entity and type notes
  meta          a note: it describes the file
The sections come in the file's order. Dates: 2020-09 -> "2020.9", an open range "2020.9 - present".
Unknown keys are notes; a value of the wrong type or a date cv-site cannot read is an error.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from cv_site.errors import Loc
from cv_site.importers.imported import Imported
from cv_site.importers.jsonresume_papers import publications_bibtex
from cv_site.importers.jsonresume_read import Entry, ResumeFile
from cv_site.importers.jsonresume_sections import (
    awards_section, certificates_section, education_section, experience_section, interests_section,
    languages_section, left_out_references, projects_section, skills_section, volunteer_section,
)
from cv_site.links import LINK_KINDS, PROFILE_LINK_KINDS, is_safe_url

_BASICS_KEYS = frozenset({"name", "label", "image", "email", "phone", "url", "summary", "location", "profiles"})
_LOCATION_KEYS = ("address", "postalCode", "city", "region", "countryCode")
# Profile networks by their name in lower case without spaces: our kinds' names and labels.
_NETWORKS = {
    **{re.sub(r"[\s_]", "", name.lower()): kind for kind in PROFILE_LINK_KINDS if kind not in ("email", "cv")
       for name in (kind, LINK_KINDS[kind].label)},
    "twitter": "x", "googlescholar": "scholar",
}


def import_jsonresume(path: Path) -> Imported:
    """The resume in `path` as cv-site's data (plain dicts, validated), with notes for what has no
    place in cv-site; a UserError for a file that is not a JSON Resume."""
    resume = ResumeFile(Path(path))
    folder = Path(path).parent
    person, images = _person(resume, _basics(resume), folder)
    bibtex = publications_bibtex(resume)
    sections = _sections(resume, has_papers=bibtex is not None)
    resume.raise_problems()
    site: dict[str, Any] = {}
    if any(section["kind"] == "projects" for section in sections):
        site["pages"] = ["publications", "projects"]
    imported = Imported("JSON Resume", "import-jsonresume", {"person": person, "sections": sections}, site, [],
                        bibtex, resume.notes, images=images, folder=folder)
    imported.validate()
    return imported


def _basics(resume: ResumeFile) -> Entry:
    value = resume.data.get("basics")
    if value is None:
        return {}
    basics = resume.entry(("basics",), value)
    return basics[1] if basics else {}


def _sections(resume: ResumeFile, has_papers: bool) -> list[dict[str, Any]]:
    """Our sections, in the order of the resume's keys."""
    publications = {"title": "Publications", "kind": "publications", "include": "all"} if has_papers else None
    experience = experience_section(resume)
    builders: dict[str, Callable[[], dict[str, Any] | None]] = {
        "work": lambda: experience,
        "volunteer": lambda: volunteer_section(resume),
        "education": lambda: education_section(resume),
        "awards": lambda: awards_section(resume),
        "certificates": lambda: certificates_section(resume),
        "publications": lambda: publications,
        "skills": lambda: skills_section(resume),
        "languages": lambda: languages_section(resume),
        "interests": lambda: interests_section(resume),
        "projects": lambda: projects_section(resume, experience),
    }
    sections = []
    for key in resume.data:
        if key in builders:
            if section := builders[key]():
                sections.append(section)
        elif key == "references":
            left_out_references(resume)
        elif key == "meta":
            resume.note((key,), "it describes the file, not the CV; left out")
        elif key not in ("basics", "$schema"):
            resume.note((key,), "not a section of JSON Resume 1.0.0; left out")
    return sections


def _person(resume: ResumeFile, basics: Entry, folder: Path) -> tuple[dict[str, Any], list[Path]]:
    """The person, and the photo to copy to static/ (none, or one path inside `folder`)."""
    loc: Loc = ("basics",)
    resume.unknown_keys(basics, loc, _BASICS_KEYS)
    person: dict[str, Any] = {"name": resume.text(basics, loc, "name") or _placeholder_name(resume)}
    for key, ours in (("label", "position"), ("email", "email"), ("summary", "bio")):
        if value := resume.text(basics, loc, key):
            person[ours] = value
    photo = _photo(resume, resume.text(basics, loc, "image"), folder)
    if photo:
        person["photo"] = photo
    if links := _links(resume, basics):
        person["links"] = links
    if phone := resume.text(basics, loc, "phone"):
        resume.note((*loc, "phone"), f"cv-site shows no phone number; left out ({phone!r})")
    if where := _location(resume, basics):
        resume.note((*loc, "location"), f"cv-site shows no address; left out ({where!r})")
    return person, [Path(photo)] if photo else []


def _placeholder_name(resume: ResumeFile) -> str:
    resume.note(("basics", "name"), "missing; person.name is 'Your Name': change it in data/cv.yml")
    return "Your Name"


def _photo(resume: ResumeFile, image: str, folder: Path) -> str:
    """The image's path when it is a file inside the resume's folder (copied to static/ as it is)."""
    if not image:
        return ""
    path = Path(image)
    is_local = "://" not in image and not image.startswith("data:") and not path.is_absolute()
    if is_local and ".." not in path.parts and (folder / path).is_file():
        return path.as_posix()
    where = "a web address" if "://" in image else "not a file in the resume's folder"
    resume.note(("basics", "image"), f"{where}; put the photo in static/ and write its path as person.photo "
                                     f"({image!r})")
    return ""


def _links(resume: ResumeFile, basics: Entry) -> dict[str, str]:
    """The homepage (basics.url), then the profiles of the kinds cv-site has, by network."""
    links: dict[str, str] = {}
    _add_link(resume, links, ("basics", "url"), "homepage", resume.text(basics, ("basics",), "url"))
    for loc, profile in resume.entries(basics, ("basics", "profiles")):
        resume.unknown_keys(profile, loc, frozenset({"network", "username", "url"}))
        network = resume.text(profile, loc, "network")
        username, url = resume.text(profile, loc, "username"), resume.text(profile, loc, "url")
        kind = _NETWORKS.get(re.sub(r"[\s_]", "", network.lower()))
        if kind is None:
            resume.note(loc, f"cv-site has no {network or 'unnamed'} link; left out ({url or username!r})")
            continue
        has_id_form = LINK_KINDS[kind].pattern != "{}"  # the username makes the address
        value = username if username and has_id_form else url
        if not value:
            needed = "a username or a url" if has_id_form else "a url"
            resume.note(loc, f"a {network} profile needs {needed}; left out" + (f" ({username!r})" if username else ""))
        _add_link(resume, links, loc, kind, value)
    return links


def _add_link(resume: ResumeFile, links: dict[str, str], loc: Loc, kind: str, value: str) -> None:
    if not value:
        return
    if not is_safe_url(LINK_KINDS[kind].url(value)):
        resume.note(loc, f"only http(s) and mailto links are kept; left out ({value!r})")
    elif kind in links:
        resume.note(loc, f"a second {LINK_KINDS[kind].label} link; left out ({value!r})")
    else:
        links[kind] = value


def _location(resume: ResumeFile, basics: Entry) -> str:
    value = basics.get("location")
    if value is None:
        return ""
    located = resume.entry(("basics", "location"), value)
    if located is None:
        return ""
    loc, location = located
    resume.unknown_keys(location, loc, frozenset(_LOCATION_KEYS))
    return ", ".join(" ".join(text.split()) for key in _LOCATION_KEYS if (text := resume.text(location, loc, key)))


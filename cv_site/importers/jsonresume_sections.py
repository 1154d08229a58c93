"""JSON Resume's sections -> the sections of our data/cv.yml (the table is in jsonresume.py).

Each builder reads one top-level list of the resume and gives our section as a plain dict, or None
when the list is empty; what has no place in cv-site goes to the resume's notes, with its value.
"""

from __future__ import annotations

import re
from typing import Any

from cv_site.errors import Loc
from cv_site.importers.jsonresume_read import Entry, ResumeFile
from cv_site.links import is_safe_url
from cv_site.text.dates import DateError, PartialDate, parse_range

Section = dict[str, Any]
PLACEHOLDER = "—"
# Volunteering that reads as academic service (reviewing, committees, editing) is titled Service.
_SERVICE = re.compile(r"review|referee|committee|\bchair|\beditor|\borgani[sz](er|ing)\b", re.I)
_CODE_HOSTS = re.compile(r"^https?://(www\.)?(github\.com|gitlab\.com|codeberg\.org|bitbucket\.org)/", re.I)
_WORK_KEYS = frozenset({"name", "location", "description", "position", "url", "startDate", "endDate", "summary",
                        "highlights"})
_VOLUNTEER_KEYS = frozenset({"organization", "position", "url", "startDate", "endDate", "summary", "highlights"})
_EDUCATION_KEYS = frozenset({"institution", "url", "area", "studyType", "startDate", "endDate", "score", "courses"})
_PROJECT_KEYS = frozenset({"name", "description", "highlights", "keywords", "startDate", "endDate", "url", "roles",
                           "entity", "type"})
# What a project of an experience entry holds: a project with more is one of the projects section.
_NESTED_PROJECT_KEYS = frozenset({"name", "entity", "roles", "startDate", "endDate", "highlights"})


def experience_section(resume: ResumeFile) -> Section | None:
    entries = [_experience_entry(resume, loc, entry, "name", _WORK_KEYS) for loc, entry in resume.section("work")]
    return {"title": "Experience", "kind": "experience", "entries": entries} if entries else None


def volunteer_section(resume: ResumeFile) -> Section | None:
    entries = [_experience_entry(resume, loc, entry, "organization", _VOLUNTEER_KEYS)
               for loc, entry in resume.section("volunteer")]
    if not entries:
        return None
    is_service = all(_SERVICE.search(f"{entry['organization']} {entry.get('role', '')}") for entry in entries)
    return {"title": "Service" if is_service else "Volunteering", "kind": "experience", "entries": entries}


def _experience_entry(resume: ResumeFile, loc: Loc, entry: Entry, organization_key: str,
                      known: frozenset[str]) -> Entry:
    """Headed by the organization, with the position as role; one with only a position is headed
    by it."""
    resume.unknown_keys(entry, loc, known)
    organization, role = resume.text(entry, loc, organization_key), resume.text(entry, loc, "position")
    result: Entry = {"organization": organization or role or _placeholder(resume, loc, organization_key)}
    if "location" in known:  # work's; volunteer has none
        _put(result, "location", resume.text(entry, loc, "location"))
    _put(result, "date", dates(resume, entry, loc))
    if organization and role:
        result["role"] = role
    description = resume.text(entry, loc, "description") if "description" in known else ""
    lines = [description, *resume.text(entry, loc, "summary").splitlines()]
    _put(result, "summary", [line.strip() for line in lines if line.strip()])
    _put(result, "highlights", resume.texts(entry, loc, "highlights"))
    _left_out(resume, entry, loc, "url", "an experience entry has no link")
    return result


def education_section(resume: ResumeFile) -> Section | None:
    entries = []
    for loc, entry in resume.section("education"):
        resume.unknown_keys(entry, loc, _EDUCATION_KEYS)
        result: Entry = {"institution": resume.text(entry, loc, "institution") or
                         _placeholder(resume, loc, "institution")}
        _put(result, "date", dates(resume, entry, loc))
        _put(result, "degree", degree(resume.text(entry, loc, "studyType"), resume.text(entry, loc, "area")))
        if score := resume.text(entry, loc, "score"):
            result["details"] = f"Score: {score}"
        _put(result, "highlights", resume.texts(entry, loc, "courses"))
        _left_out(resume, entry, loc, "url", "an education entry has no link")
        entries.append(result)
    return {"title": "Education", "kind": "education", "entries": entries} if entries else None


def degree(study_type: str, area: str) -> str:
    """"B.S." in "Physics" -> "B.S. in Physics": the export's reading of a degree, inverted."""
    return f"{study_type} in {area}" if study_type and area else study_type or area


def awards_section(resume: ResumeFile) -> Section | None:
    entries = []
    for loc, entry in resume.section("awards"):
        resume.unknown_keys(entry, loc, frozenset({"title", "date", "awarder", "summary"}))
        result: Entry = {"title": resume.text(entry, loc, "title") or _placeholder(resume, loc, "title")}
        parts = (resume.text(entry, loc, "awarder"), resume.text(entry, loc, "summary"))
        _put(result, "note", "; ".join(part for part in parts if part))
        _put(result, "date", _single_date(resume, entry, loc, "date"))
        entries.append(result)
    return {"title": "Awards", "kind": "awards", "entries": entries} if entries else None


def certificates_section(resume: ResumeFile) -> Section | None:
    """An awards section: the name (a link to the certificate when it has a URL), the issuer as
    the note."""
    entries = []
    for loc, entry in resume.section("certificates"):
        resume.unknown_keys(entry, loc, frozenset({"name", "date", "url", "issuer"}))
        name = resume.text(entry, loc, "name") or _placeholder(resume, loc, "name")
        result: Entry = {"title": _markdown_link(name, _safe_url(resume, entry, loc, "url"))}
        _put(result, "note", resume.text(entry, loc, "issuer"))
        _put(result, "date", _single_date(resume, entry, loc, "date"))
        entries.append(result)
    return {"title": "Certificates", "kind": "awards", "entries": entries} if entries else None


def skills_section(resume: ResumeFile) -> Section | None:
    """A map: each skill's name (with its level in brackets) and its keywords, joined by commas."""
    entries = []
    for loc, entry in resume.section("skills"):
        resume.unknown_keys(entry, loc, frozenset({"name", "level", "keywords"}))
        name = resume.text(entry, loc, "name") or _placeholder(resume, loc, "name")
        level = resume.text(entry, loc, "level")
        entries.append({"name": f"{name} ({level})" if level else name,
                        "value": ", ".join(resume.texts(entry, loc, "keywords"))})
    return {"title": "Skills", "kind": "map", "entries": entries} if entries else None


def languages_section(resume: ResumeFile) -> Section | None:
    pairs = []
    for loc, entry in resume.section("languages"):
        resume.unknown_keys(entry, loc, frozenset({"language", "fluency"}))
        pairs.append((resume.text(entry, loc, "language") or _placeholder(resume, loc, "language"),
                      resume.text(entry, loc, "fluency")))
    return _map_or_list("Languages", pairs)


def interests_section(resume: ResumeFile) -> Section | None:
    pairs = []
    for loc, entry in resume.section("interests"):
        resume.unknown_keys(entry, loc, frozenset({"name", "keywords"}))
        pairs.append((resume.text(entry, loc, "name") or _placeholder(resume, loc, "name"),
                      ", ".join(resume.texts(entry, loc, "keywords"))))
    return _map_or_list("Interests", pairs)


def _map_or_list(title: str, pairs: list[tuple[str, str]]) -> Section | None:
    """A map of name: value, or a list of the names when no entry has a value."""
    if not pairs:
        return None
    if any(value for _, value in pairs):
        return {"title": title, "kind": "map", "entries": [{"name": name, "value": value} for name, value in pairs]}
    return {"title": title, "kind": "list", "entries": [{"text": name} for name, _ in pairs]}


def left_out_references(resume: ResumeFile) -> None:
    """References are other people's words, and a site is public: they are named in a note only."""
    names = []
    for loc, entry in resume.section("references"):
        resume.unknown_keys(entry, loc, frozenset({"name", "reference"}))
        resume.text(entry, loc, "reference")  # checked, not used
        names.append(resume.text(entry, loc, "name") or f"references[{loc[1]}]")
    if names:
        noun = "reference" if len(names) == 1 else "references"
        resume.note((), f"references: {len(names)} {noun} left out ({', '.join(names)}): they are other people's "
                        "words, and the site is public; add the ones to show as a text section")


def projects_section(resume: ResumeFile, experience: Section | None) -> Section | None:
    """Projects whose `entity` is an experience entry's organization, and that hold no more than
    its projects do, go under that entry (the export writes an entry's projects so); the others
    make a projects section."""
    organizations = {entry["organization"]: entry for entry in (experience or {}).get("entries", ())}
    entries = []
    for loc, entry in resume.section("projects"):
        resume.unknown_keys(entry, loc, _PROJECT_KEYS)
        entity = resume.text(entry, loc, "entity")
        written = {key for key, value in entry.items() if value not in (None, "", [])}
        if entity in organizations and written <= _NESTED_PROJECT_KEYS:
            organizations[entity].setdefault("projects", []).append(_nested_project(resume, loc, entry))
        else:
            entries.append(_project(resume, loc, entry, entity))
    return {"title": "Projects", "kind": "projects", "entries": entries} if entries else None


def _nested_project(resume: ResumeFile, loc: Loc, entry: Entry) -> Entry:
    result: Entry = {"title": resume.text(entry, loc, "name") or _placeholder(resume, loc, "name")}
    _put(result, "role", ", ".join(resume.texts(entry, loc, "roles")))
    _put(result, "date", dates(resume, entry, loc))
    _put(result, "highlights", resume.texts(entry, loc, "highlights"))
    return result


def _project(resume: ResumeFile, loc: Loc, entry: Entry, entity: str) -> Entry:
    """Its highlights follow the description as a Markdown list (a project has no highlights)."""
    result: Entry = {"title": resume.text(entry, loc, "name") or _placeholder(resume, loc, "name")}
    highlights = "\n".join(f"- {line}" for line in resume.texts(entry, loc, "highlights"))
    _put(result, "summary", "\n\n".join(part for part in (resume.text(entry, loc, "description"), highlights) if part))
    _put(result, "date", dates(resume, entry, loc))
    _put(result, "role", ", ".join(resume.texts(entry, loc, "roles")))
    if url := _safe_url(resume, entry, loc, "url"):
        result["links"] = {"code" if _CODE_HOSTS.match(url) else "website": url}
    _put(result, "tags", resume.texts(entry, loc, "keywords"))
    if entity:
        resume.note((*loc, "entity"), f"a project of the projects section has no organization; left out ({entity!r})")
    _left_out(resume, entry, loc, "type", "a project has no type")
    return result


# --- values ---------------------------------------------------------------------------------------


def dates(resume: ResumeFile, entry: Entry, loc: Loc) -> str | int | None:
    """startDate and endDate as a cv-site date: "2020.9 - 2021.1", "2020.9 - present" (no end), or
    one date when there is only an end, or the two are the same."""
    start, end = resume.date(entry, loc, "startDate"), resume.date(entry, loc, "endDate")
    if start is None or (end is not None and _same(start, end)):
        return cv_date(end) if end else None
    written = f"{cv_date(start)} - {cv_date(end) if end else 'present'}"
    try:
        parse_range(written)
    except DateError:  # the two dates are read: the end is before the start
        resume.problem((*loc, "endDate"), f"earlier than the startDate ({resume.text(entry, loc, 'startDate')})",
                       resume.text(entry, loc, "endDate"), "swap the two dates")
    return written


def _single_date(resume: ResumeFile, entry: Entry, loc: Loc, key: str) -> str | int | None:
    date = resume.date(entry, loc, key)
    return cv_date(date) if date else None


def cv_date(date: PartialDate) -> str | int:
    """As a CV writes it: 2020, "2020.9", or the ISO date when it has a day."""
    if date.day:
        return date.iso
    return f"{date.year}.{date.month}" if date.month else date.year


def _same(start: PartialDate, end: PartialDate) -> bool:
    return (start.year, start.month, start.day) == (end.year, end.month, end.day)


def _safe_url(resume: ResumeFile, entry: Entry, loc: Loc, key: str) -> str:
    url = resume.text(entry, loc, key)
    if url and not is_safe_url(url):
        resume.note((*loc, key), f"only http(s) and mailto links are kept; left out ({url!r})")
        return ""
    return url


def _markdown_link(text: str, url: str) -> str:
    if not url:
        return text
    label = re.sub(r"([\\\[\]])", r"\\\1", text)
    return f"[{label}]({url.replace(' ', '%20').replace('(', '%28').replace(')', '%29')})"


def _placeholder(resume: ResumeFile, loc: Loc, key: str) -> str:
    resume.note(loc, f"no {key}; {PLACEHOLDER!r} stands in for it in data/cv.yml")
    return PLACEHOLDER


def _left_out(resume: ResumeFile, entry: Entry, loc: Loc, key: str, reason: str) -> None:
    if value := resume.text(entry, loc, key):
        resume.note((*loc, key), f"{reason}; left out ({value!r})")


def _put(result: Entry, key: str, value: Any) -> None:
    if value not in (None, "", []):
        result[key] = value

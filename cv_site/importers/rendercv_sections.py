"""RenderCV's sections -> the sections of our data/cv.yml (the table is in rendercv.py).

A section's entry type is told as RenderCV tells it: by the keys only that type has, in the first
entry that has some; every entry of the section is then read as one of that type. Each builder
gives our entry as a plain dict; what has no field of its own in cv-site is kept as text of the
entry (and noted), and what has no place at all is noted with its value.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from cv_site.errors import Loc
from cv_site.importers.imported import with_unique_ids
from cv_site.importers.rendercv_papers import Papers
from cv_site.importers.rendercv_read import PLACEHOLDER, Entry, RenderCvFile, lines, plain_text, section_title
from cv_site.text.dates import parse_range

Section = dict[str, Any]
# RenderCV's entry types, each with the keys only it has (how RenderCV tells them apart), in its order.
ENTRY_TYPES = {
    "OneLineEntry": frozenset({"label", "details"}),
    "NormalEntry": frozenset({"name"}),
    "ExperienceEntry": frozenset({"company", "position"}),
    "EducationEntry": frozenset({"institution", "area", "degree", "grade"}),
    "PublicationEntry": frozenset({"title", "authors", "doi", "url", "journal"}),
    "BulletEntry": frozenset({"bullet"}),
    "NumberedEntry": frozenset({"number"}),
    "ReversedNumberedEntry": frozenset({"reversed_number"}),
}
_DATED = frozenset({"date", "start_date", "end_date", "location", "summary", "highlights"})
FIELDS = {name: keys | _DATED if name in ("NormalEntry", "ExperienceEntry", "EducationEntry")
          else keys | {"date"} if name == "PublicationEntry" else keys for name, keys in ENTRY_TYPES.items()}
# A section of NormalEntry is awards, teaching or talks by its title, else projects; one whose
# entries have only a name and highlights is a nested list.
_AWARDS = re.compile(r"award|hono(u)?r|prize|grant|fellowship|scholarship|distinction", re.I)
_TEACHING = re.compile(r"teach|course|tutor|instruct", re.I)
_TALKS = re.compile(r"talk|presentation|seminar|keynote|lecture|speak", re.I)
_LINK = re.compile(r"\]\(")
_MARKUP = re.compile(r"\*|\]\(")


def cv_sections(file: RenderCvFile, papers: Papers) -> list[Section]:
    """Our sections, in the file's order; the publications' BibTeX goes to `papers`."""
    raw = file.cv.get("sections")
    if raw is None:
        return []
    if not isinstance(raw, dict):
        file.problem(("cv", "sections"), "expected the sections: each a title, then its list of entries", raw,
                     "write `sections:`, then under it `education:` and its entries as a list (`- institution: ...`)")
        return []
    sections = [section for key, entries in raw.items() if (section := _section(file, str(key), entries, papers))]
    return with_unique_ids(sections)


def entry_type(entries: list[Any]) -> str | None:
    """RenderCV's name for the type of a section's entries (TextEntry: text), or None."""
    for entry in entries:
        if isinstance(entry, (str, int, float)) and not isinstance(entry, bool):
            return "TextEntry"
        if isinstance(entry, dict):
            found = next((name for name, keys in ENTRY_TYPES.items() if keys & set(entry)), None)
            if found:
                return found
    return None


def _section(file: RenderCvFile, key: str, entries: Any, papers: Papers) -> Section | None:
    loc = ("cv", "sections", key)
    if not isinstance(entries, list):
        file.problem(loc, "expected a list of entries", entries,
                     "write each entry of the section as a list item under its title: `- institution: ...`")
        return None
    if not entries:
        file.note(loc, "no entries; the section is left out")
        return None
    found = entry_type(entries)
    if found is None:
        file.problem(loc, "RenderCV cannot tell the type of these entries", hint="give the entries the keys of one "
                     "entry type: institution and area (EducationEntry), company and position (ExperienceEntry), "
                     "name (NormalEntry), title and authors (PublicationEntry), label and details (OneLineEntry), "
                     "bullet, number, reversed_number, or write text (TextEntry)")
        return None
    return _READERS[found](file, section_title(key), loc, entries, papers)


def _entries(file: RenderCvFile, loc: Loc, entries: list[Any], type_name: str) -> list[tuple[Loc, Entry]]:
    """The section's entries, read as `type_name`: keys of no field of it noted, a value that is
    not an entry a problem."""
    read = []
    for index, entry in enumerate(entries):
        where = (*loc, index)
        if not isinstance(entry, dict):
            file.problem(where, f"expected a {type_name} (keys and values), as the section's first entry", entry,
                         "RenderCV needs one entry type in a section")
            continue
        for key, value in entry.items():
            if key not in FIELDS[type_name] and value not in (None, "", []):
                file.left_out((*where, key), value, f"not a field of RenderCV's {type_name}")
        read.append((where, entry))
    return read


def _plain(file: RenderCvFile, entry: Entry, loc: Loc, key: str, required_by: str = "") -> str:
    """A field that is plain text in cv-site: RenderCV's Markdown made its words."""
    text = file.required(entry, loc, key, required_by) if required_by else file.text(entry, loc, key)
    if _LINK.search(text):
        file.note((*loc, key), "cv-site shows this field as plain text: its words are kept, not its link")
    return plain_text(text) if text != PLACEHOLDER else text


def _folded(file: RenderCvFile, loc: Loc, key: str, text: str, where: str) -> str:
    if text:
        file.note((*loc, key), f"no field of its own in cv-site; kept in the entry's {where}")
    return text


# --- one reader per entry type ----------------------------------------------------------------------


def _text_entries(file: RenderCvFile, title: str, loc: Loc, entries: list[Any], papers: Papers) -> Section:
    paragraphs = []
    for index, entry in enumerate(entries):
        if isinstance(entry, (dict, list)):
            file.problem((*loc, index), "expected text, as the section's first entry (a TextEntry)", entry,
                         "RenderCV needs one entry type in a section")
        else:
            paragraphs += lines(file.value_text(entry, (*loc, index)))
    return {"title": title, "kind": "text", "body": "\n\n".join(paragraphs)}


def _one_line_entries(file: RenderCvFile, title: str, loc: Loc, entries: list[Any], papers: Papers) -> Section:
    return {"title": title, "kind": "map", "entries": [
        {"name": _plain(file, entry, where, "label", "OneLineEntry"), "value": file.text(entry, where, "details")}
        for where, entry in _entries(file, loc, entries, "OneLineEntry")]}


def _bullet_entries(file: RenderCvFile, title: str, loc: Loc, entries: list[Any], papers: Papers) -> Section:
    return {"title": title, "kind": "list", "entries": [
        {"text": file.required(entry, where, "bullet", "BulletEntry")}
        for where, entry in _entries(file, loc, entries, "BulletEntry")]}


def _numbered_entries(file: RenderCvFile, title: str, loc: Loc, entries: list[Any], papers: Papers) -> Section:
    """A numbered list in Markdown, which cv-site numbers as RenderCV does."""
    items = [file.required(entry, where, "number", "NumberedEntry")
             for where, entry in _entries(file, loc, entries, "NumberedEntry")]
    return {"title": title, "kind": "text", "body": "\n".join(f"{n}. {item}" for n, item in enumerate(items, 1))}


def _reversed_numbered_entries(file: RenderCvFile, title: str, loc: Loc, entries: list[Any],
                               papers: Papers) -> Section:
    file.note(loc, "RenderCV numbers these entries counting down; cv-site has no such list: imported as a list")
    return {"title": title, "kind": "list", "entries": [
        {"text": file.required(entry, where, "reversed_number", "ReversedNumberedEntry")}
        for where, entry in _entries(file, loc, entries, "ReversedNumberedEntry")]}


def _publication_entries(file: RenderCvFile, title: str, loc: Loc, entries: list[Any], papers: Papers) -> Section:
    keys = [papers.add(file, where, entry) for where, entry in _entries(file, loc, entries, "PublicationEntry")]
    return {"title": title, "kind": "publications", "include": keys}


def _experience_entries(file: RenderCvFile, title: str, loc: Loc, entries: list[Any], papers: Papers) -> Section:
    return {"title": title, "kind": "experience",
            "entries": [_experience(file, where, entry) for where, entry in _entries(file, loc, entries, "ExperienceEntry")]}


def _experience(file: RenderCvFile, loc: Loc, entry: Entry) -> Entry:
    """A highlight with nested bullets ("Title - a - b", as RenderCV writes them) is a project."""
    date, unreadable = file.dates(entry, loc)
    highlights, projects = [], []
    for line in file.texts(entry, loc, "highlights"):
        head, *nested = [part.strip() for part in line.split(" - ")]
        if head and nested:
            projects.append({"title": head, "highlights": [part for part in nested if part]})
        else:
            highlights.append(line)
    return _compact({
        "organization": _plain(file, entry, loc, "company", "ExperienceEntry"),
        "location": _plain(file, entry, loc, "location"),
        "date": date,
        "role": _plain(file, entry, loc, "position"),
        "summary": ([unreadable] if unreadable else []) + lines(file.text(entry, loc, "summary")),
        "highlights": highlights,
        "projects": projects,
    })


def _education_entries(file: RenderCvFile, title: str, loc: Loc, entries: list[Any], papers: Papers) -> Section:
    return {"title": title, "kind": "education",
            "entries": [_education(file, where, entry) for where, entry in _entries(file, loc, entries, "EducationEntry")]}


def _education(file: RenderCvFile, loc: Loc, entry: Entry) -> Entry:
    """degree and area -> "degree in area"; grade -> a highlight."""
    date, unreadable = file.dates(entry, loc)
    degree, area = _plain(file, entry, loc, "degree"), _plain(file, entry, loc, "area")
    grade = _folded(file, loc, "grade", file.text(entry, loc, "grade"), "highlights")
    grade_line = [grade if ":" in grade else f"Grade: {grade}"] if grade else []
    return _compact({
        "institution": _plain(file, entry, loc, "institution", "EducationEntry"),
        "location": _plain(file, entry, loc, "location"),
        "date": date,
        "degree": f"{degree} in {area}" if degree and area else degree or area,
        "details": " ".join([*([unreadable] if unreadable else []), *lines(file.text(entry, loc, "summary"))]),
        "highlights": grade_line + file.texts(entry, loc, "highlights"),
    })


def _normal_entries(file: RenderCvFile, title: str, loc: Loc, entries: list[Any], papers: Papers) -> Section:
    read = _entries(file, loc, entries, "NormalEntry")
    kind = normal_kind(title, [entry for _, entry in read])
    return {"title": title, "kind": kind, "entries": [_NORMAL[kind](file, where, entry) for where, entry in read]}


def normal_kind(title: str, entries: list[Entry]) -> str:
    given = [{key for key, value in entry.items() if value not in (None, "", [])} for entry in entries]
    if given and all(keys <= {"name", "highlights"} for keys in given) and any("highlights" in keys for keys in given):
        return "nested_list"
    for pattern, kind in ((_AWARDS, "awards"), (_TEACHING, "teaching"), (_TALKS, "talks")):
        if pattern.search(title):
            return kind
    return "projects"


def _group(file: RenderCvFile, loc: Loc, entry: Entry) -> Entry:
    return {"title": _plain(file, entry, loc, "name", "NormalEntry"),
            "items": [{"text": line} for line in file.texts(entry, loc, "highlights")]}


def _award(file: RenderCvFile, loc: Loc, entry: Entry) -> Entry:
    date, unreadable = file.dates(entry, loc)
    note = [unreadable, " ".join(lines(file.text(entry, loc, "summary"))),
            _folded(file, loc, "location", _plain(file, entry, loc, "location"), "note"),
            _folded(file, loc, "highlights", "; ".join(file.texts(entry, loc, "highlights")), "note")]
    return _compact({"title": file.required(entry, loc, "name", "NormalEntry"), "note": "; ".join(filter(None, note)),
                     "date": date})


def _teaching(file: RenderCvFile, loc: Loc, entry: Entry) -> Entry:
    """name -> course, location -> institution, summary -> role (details when it is more than a
    plain line), highlights -> details; a date cv-site cannot read is the term."""
    date, unreadable = file.dates(entry, loc)
    summary = file.text(entry, loc, "summary")
    role = plain_text(summary) if summary and "\n" not in summary and not _MARKUP.search(summary) else ""
    details = [" ".join(lines(summary)) if not role else "", *file.texts(entry, loc, "highlights")]
    return _compact({"course": file.required(entry, loc, "name", "NormalEntry"), "role": role,
                     "institution": _plain(file, entry, loc, "location"), "date": date, "term": unreadable,
                     "details": " ".join(filter(None, details))})


def _talk(file: RenderCvFile, loc: Loc, entry: Entry) -> Entry:
    """name -> title, summary -> event, highlights -> abstract; a talk has one date: a range or a
    date cv-site cannot read is kept in the event."""
    date, unreadable = file.dates(entry, loc)
    if isinstance(date, str) and parse_range(date).is_range:
        key = "date" if entry.get("date") is not None else "start_date"
        date, unreadable = None, _folded(file, loc, key, date, "event (a talk has one date)")
    event = [" ".join(lines(_plain(file, entry, loc, "summary"))), unreadable or ""]
    highlights = file.texts(entry, loc, "highlights")
    return _compact({"title": file.required(entry, loc, "name", "NormalEntry"), "event": " · ".join(filter(None, event)),
                     "location": _plain(file, entry, loc, "location"), "date": date,
                     "abstract": "\n".join(f"- {line}" for line in highlights)})


def _project(file: RenderCvFile, loc: Loc, entry: Entry) -> Entry:
    """name -> title; summary (a paragraph a line), then highlights as a list -> summary."""
    date, unreadable = file.dates(entry, loc)
    location = _folded(file, loc, "location", _plain(file, entry, loc, "location"), "summary")
    paragraphs = [part for part in (unreadable, location) if part] + lines(file.text(entry, loc, "summary"))
    items = "\n".join(f"- {line}" for line in file.texts(entry, loc, "highlights"))
    return _compact({"title": file.required(entry, loc, "name", "NormalEntry"),
                     "summary": "\n\n".join(filter(None, [*paragraphs, items])), "date": date})


_NORMAL: dict[str, Callable[[RenderCvFile, Loc, Entry], Entry]] = {
    "nested_list": _group, "awards": _award, "teaching": _teaching, "talks": _talk, "projects": _project,
}
_READERS: dict[str, Callable[[RenderCvFile, str, Loc, list[Any], Papers], Section]] = {
    "TextEntry": _text_entries, "OneLineEntry": _one_line_entries, "NormalEntry": _normal_entries,
    "ExperienceEntry": _experience_entries, "EducationEntry": _education_entries,
    "PublicationEntry": _publication_entries, "BulletEntry": _bullet_entries,
    "NumberedEntry": _numbered_entries, "ReversedNumberedEntry": _reversed_numbered_entries,
}


def _compact(entry: Entry) -> Entry:
    return {key: value for key, value in entry.items() if value not in (None, "", [])}



"""al-folio's CV sections (_data/cv.yml) -> the sections of our data/cv.yml.

al-folio section types become kinds: map -> map, nested_list -> nested_list, list -> list, and
time_table -> education, experience or awards, decided by the section's title first (Education,
Experience, Awards...) and then by its entries (an `institution` means education; `items` under a
year, with no title, are awards). Nothing is dropped: text that has no field of its own (an
unreadable date, sub-bullets) is kept in the entry's text, and every such case is noted.
"""

from __future__ import annotations

import re
from typing import Any

from cv_site.importers.imported import with_unique_ids
from cv_site.importers.alfolio_text import to_markdown, to_plain_text
from cv_site.text.dates import DateError, parse_range

Entry = dict[str, Any]

_EDUCATION = re.compile(r"educat|degree|academic (background|history)|studies|schooling", re.I)
_AWARDS = re.compile(r"award|hono(u)?r|prize|grant|fellowship|scholarship|distinction", re.I)
_EXPERIENCE = re.compile(r"experience|employment|position|appointment|work|career|intern|job", re.I)


def cv_sections(alfolio_cv: list[Any], with_publications: bool, notes: list[str]) -> list[dict[str, Any]]:
    """Our sections, in al-folio's order, then a Publications section when there is a papers.bib.
    What could not be mapped one-to-one is added to `notes`."""
    sections = [_section(raw, index, notes) for index, raw in enumerate(alfolio_cv)]
    sections = [section for section in sections if section is not None]
    if with_publications:
        sections.append({"title": "Publications", "kind": "publications", "include": "all"})
    return with_unique_ids(sections)


def time_table_kind(title: str, items: list[dict[str, Any]]) -> str:
    if _EDUCATION.search(title):
        return "education"
    if _AWARDS.search(title):
        return "awards"
    if _EXPERIENCE.search(title):
        return "experience"
    if items and all("items" in item and "title" not in item for item in items):
        return "awards"
    if any("institution" in item for item in items):
        return "education"
    return "experience"


def _section(raw: Any, index: int, notes: list[str]) -> dict[str, Any] | None:
    if not isinstance(raw, dict):
        notes.append(f"_data/cv.yml: section {index + 1}: not a mapping; skipped")
        return None
    title = to_plain_text(raw.get("title")) or f"Section {index + 1}"
    kind, entries = _kind_and_entries(str(raw.get("type", "")).strip(), title, raw.get("contents"), notes)
    return {"title": title, "kind": kind, "entries": entries}


def _kind_and_entries(alfolio_type: str, title: str, contents: Any, notes: list[str]) -> tuple[str, list[Entry]]:
    contents = _as_list(contents or [])
    where = f"_data/cv.yml: {title!r}"
    if alfolio_type == "map":
        return "map", [_map_entry(item) for item in contents if isinstance(item, dict)]
    if alfolio_type == "nested_list":
        return "nested_list", [_group(item) for item in contents]
    if alfolio_type == "time_table":
        items = [item for item in contents if isinstance(item, dict)]
        kind = time_table_kind(title, items)
        convert = _TIME_TABLE_ENTRIES[kind]
        return kind, [entry for item in items for entry in convert(item, where, notes)]
    if alfolio_type != "list":
        notes.append(f"{where}: unknown al-folio section type {alfolio_type!r}; imported as a list")
    return "list", [{"text": to_markdown(item)} for item in contents]


def _map_entry(item: dict[str, Any]) -> Entry:
    return {"name": to_plain_text(item.get("name")) or "—", "value": to_markdown(item.get("value"))}


def _group(item: Any) -> Entry:
    """A nested_list item: a {title, items} mapping, or a bare title."""
    if not isinstance(item, dict):
        return {"title": to_plain_text(item) or "—", "items": []}
    items = _as_list(item.get("items") or [])
    return {"title": to_plain_text(item.get("title")) or "—", "items": [{"text": to_markdown(i)} for i in items]}


# --- time_table entries ----------------------------------------------------------------------------


def _education(item: dict[str, Any], where: str, notes: list[str]) -> list[Entry]:
    date, unreadable_date = _date(item, where, notes)
    entry = _headed_entry(item, date, place_key="institution", title_key="degree")
    lines = _lines(item.get("description")) + _lines(item.get("items"))
    if unreadable_date:
        entry["details"] = unreadable_date
    elif len(lines) == 1:
        entry["details"] = lines.pop()
    if lines:
        entry["highlights"] = lines
    return [entry]


def _experience(item: dict[str, Any], where: str, notes: list[str]) -> list[Entry]:
    date, unreadable_date = _date(item, where, notes)
    entry = _headed_entry(item, date, place_key="organization", title_key="role")
    description = item.get("description")
    summary = [unreadable_date] if unreadable_date else []
    if isinstance(description, str):  # a paragraph is the summary; a list is highlights
        summary.append(to_markdown(description))
        description = None
    if summary:
        entry["summary"] = summary
    highlights = _lines(description) + _lines(item.get("items"))
    if highlights:
        entry["highlights"] = highlights
    return [entry]


def _awards(item: dict[str, Any], where: str, notes: list[str]) -> list[Entry]:
    """One award per line of `items` (al-folio's "year: items" shape), else one for the entry."""
    date, unreadable_date = _date(item, where, notes)
    note_parts = [unreadable_date] if unreadable_date else []
    if item.get("institution"):
        note_parts.append(to_plain_text(item["institution"]))
    note_parts += _lines(item.get("description"))
    titles = ([to_markdown(item["title"])] if item.get("title") else []) + _lines(item.get("items"))
    entries = []
    for title in titles or ["—"]:
        entry: Entry = {"title": title}
        if note_parts:
            entry["note"] = "; ".join(note_parts)
        if date:
            entry["date"] = date
        entries.append(entry)
    return entries


_TIME_TABLE_ENTRIES = {"education": _education, "experience": _experience, "awards": _awards}


def _headed_entry(item: dict[str, Any], date: str | int | None, place_key: str, title_key: str) -> Entry:
    """An entry headed by its institution, with the item's title as degree or role; an item with
    only one of the two is headed by that one."""
    title, institution = to_plain_text(item.get("title")), to_plain_text(item.get("institution"))
    entry: Entry = {place_key: institution or title or "—"}
    if item.get("location"):
        entry["location"] = to_plain_text(item["location"])
    if date:
        entry["date"] = date
    if institution and title:
        entry[title_key] = title
    return entry


def _date(item: dict[str, Any], where: str, notes: list[str]) -> tuple[str | int | None, str | None]:
    """(the entry's year or date as we write it, None), or (None, its text) when it is not a date
    cv-site reads."""
    value = item.get("year", item.get("date"))
    if value is None or value == "":
        return None, None
    if not isinstance(value, (int, str)):
        value = str(value)
    try:
        parse_range(value)
    except DateError:
        notes.append(f"{where}: {value!r} is not a date cv-site reads; kept as text in the entry")
        return None, to_plain_text(value)
    return value, None


def _lines(value: Any) -> list[str]:
    """al-folio description/items: a string, a list of strings, or sub-lists {title, contents}."""
    if value is None or value == "":
        return []
    lines = []
    for item in _as_list(value):
        if isinstance(item, dict):
            head = to_markdown(item.get("title", ""))
            sub = _as_list(item.get("contents", item.get("items")) or [])
            body = _join([to_markdown(s) for s in sub])
            lines.append(f"{head}: {body}" if head and body else head or body)
        elif item is not None and str(item).strip():
            lines.append(to_markdown(item))
    return lines


def _join(parts: list[str]) -> str:
    """Sub-bullets as one line: 'A. B.' when they end a sentence, else 'a; b'."""
    text = ""
    for part in filter(None, parts):
        if text:
            text += " " if text.endswith((".", "!", "?")) else "; "
        text += part
    return text


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]



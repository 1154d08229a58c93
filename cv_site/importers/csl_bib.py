"""CSL-JSON (Zotero's "CSL JSON" export, citation.js, Crossref) -> BibTeX entries, for import-bib.

Only the fields that mean the same in both: type, title, authors, editors, the container (journal
or proceedings), the date, volume, issue, pages, publisher, DOI, URL, abstract, ISBN, ISSN, note.
A value is written in braces with TeX's special characters escaped, so it reads back as written.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from cv_site.errors import Problem, UserError, display_path
from cv_site.importers.bibwrite import ascii_text, entry_text, field_value, tex_escaped, unique_key

# CSL item types -> BibTeX entry types; what is not here is @misc.
_TYPES = {
    "article-journal": "article", "article-magazine": "article", "article-newspaper": "article",
    "paper-conference": "inproceedings", "chapter": "incollection", "book": "book", "thesis": "phdthesis",
    "report": "techreport", "manuscript": "unpublished", "article": "misc", "webpage": "misc",
    "dataset": "misc", "software": "misc", "speech": "misc", "patent": "misc",
}
_CONTAINER = {"article": "journal", "inproceedings": "booktitle", "incollection": "booktitle"}
_PLAIN_FIELDS = {  # CSL variable -> BibTeX field, copied as they are
    "volume": "volume", "issue": "number", "publisher": "publisher", "DOI": "doi", "URL": "url",
    "abstract": "abstract", "ISBN": "isbn", "ISSN": "issn", "note": "note", "publisher-place": "address",
    "collection-title": "series", "edition": "edition",
}
_KEY = re.compile(r"^[A-Za-z][\w:.+/-]*$")


def csl_file_to_bibtex(path: Path) -> str:
    """The items of a CSL-JSON file as BibTeX text, one entry per item, in the file's order."""
    file = display_path(path)
    try:
        items = json.loads(path.read_text(encoding="utf-8-sig"))
    except UnicodeDecodeError:
        raise UserError([Problem(file, None, None, "", "not UTF-8 text", hint="export the library again as CSL JSON "
                                 "(it is UTF-8)")]) from None
    except RecursionError:
        raise UserError([Problem(file, None, None, "", "nested too deep to be CSL JSON",
                                 hint="export the library again as CSL JSON")]) from None
    except json.JSONDecodeError as error:
        raise UserError([Problem(file, error.lineno, error.colno, "", f"not valid JSON: {error.msg}",
                                 hint="export the library again as CSL JSON")]) from None
    if isinstance(items, dict) and isinstance(items.get("items"), list):
        items = items["items"]
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise UserError([Problem(file, 1, None, "", "expected CSL JSON: a list of items ([{\"type\": ..., "
                                 "\"title\": ...}, ...])", hint="export the library again as CSL JSON")])
    keys: set[str] = set()
    return "\n".join(_entry(item, number, keys) for number, item in enumerate(items))


def _entry(item: dict[str, Any], number: int, keys: set[str]) -> str:
    entry_type = _TYPES.get(str(item.get("type", "")), "misc")
    container = _CONTAINER.get(entry_type, "howpublished" if entry_type == "misc" else "journal")
    year, month = _date(item.get("issued"))
    texts = [("title", _text(item.get("title"))), ("author", ""), ("editor", ""),
             (container, _text(item.get("container-title"))), ("year", year), ("month", month),
             ("pages", _text(item.get("page"))),
             *((bib, _text(item.get(csl))) for csl, bib in _PLAIN_FIELDS.items())]
    fields = {name: field_value(name, value) for name, value in texts}
    fields["pages"] = fields["pages"].replace("-", "--")  # CSL's 310-318 is BibTeX's range 310--318
    for role in ("author", "editor"):  # names escaped one by one: an organisation's braces stay
        fields[role] = " and ".join(filter(None, (_name(person) for person in _people(item, role)
                                                  if isinstance(person, dict))))
    return entry_text(entry_type, unique_key(_key(item, year, number), keys), fields)


def _key(item: dict[str, Any], year: str, number: int) -> str:
    """The item's own citation key when it has one that BibTeX can use (Better BibTeX writes it as
    `citation-key` or `id`), else family name + year + first word of the title: guo2021scale."""
    for name in ("citation-key", "citationKey", "id"):
        value = str(item.get(name, "")).strip()
        if _KEY.match(value) and "//" not in value:
            return value
    first_author = next(iter(_people(item, "author")), {})
    family = _text(first_author.get("family") or first_author.get("literal"))
    words = re.findall(r"\w+", ascii_text(_text(item.get("title"))))
    first_word = next((word for word in words if len(word) > 3), words[0] if words else "")
    key = re.sub(r"[^a-z0-9]", "", "".join(ascii_text(part).lower() for part in (*family.split()[-1:], year, first_word)))
    return key or f"item{number + 1}"


def _people(item: dict[str, Any], role: str) -> list[dict[str, Any]]:
    """The item's authors (or editors): CSL's list of name objects; anything else is none."""
    people = item.get(role)
    return [person for person in people if isinstance(person, dict)] if isinstance(people, list) else []


def _name(person: dict[str, Any]) -> str:
    if person.get("literal"):
        return "{" + tex_escaped(_text(person["literal"])) + "}"  # an organisation: one name, not split
    family = " ".join(tex_escaped(_text(person.get(part)))
                      for part in ("non-dropping-particle", "family") if person.get(part))
    given = tex_escaped(_text(person.get("given")))
    suffix = tex_escaped(_text(person.get("suffix")))
    return ", ".join(part for part in (family, suffix, given) if part) if family else given


def _date(issued: Any) -> tuple[str, str]:
    """(year, month) of a CSL date: {"date-parts": [[2021, 6]]} or {"raw": "2021-06"}."""
    if not isinstance(issued, dict):
        return "", ""
    parts = issued.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        first = [str(part).strip() for part in parts[0]]
        if not first[0].isdigit():  # [[null]], as some tools write an unknown date
            return "", ""
        return first[0], first[1] if len(first) > 1 and first[1].isdigit() else ""
    raw = re.match(r"^(\d{4})(?:-(\d{1,2}))?", str(issued.get("raw") or issued.get("literal") or ""))
    return (raw.group(1), (raw.group(2) or "").lstrip("0")) if raw else ("", "")


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""

"""CSL-JSON (Zotero's "CSL JSON" export, citation.js, Crossref) -> BibTeX entries, for import-bib.

Only the fields that mean the same in both: type, title, authors, editors, the container (journal
or proceedings), the date, volume, issue, pages, publisher, DOI, URL, abstract, ISBN, ISSN, note.
A value is written in braces with TeX's special characters escaped, so it reads back as written.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path
from typing import Any

from cv_site.errors import Problem, UserError, display_path

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
_TEX_SPECIAL = re.compile(r"([&%$#_{}])")
_KEY = re.compile(r"^[A-Za-z][\w:.+/-]*$")


def csl_file_to_bibtex(path: Path) -> str:
    """The items of a CSL-JSON file as BibTeX text, one entry per item, in the file's order."""
    file = display_path(path)
    try:
        items = json.loads(path.read_text(encoding="utf-8-sig"))
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
             ("pages", _text(item.get("page")).replace("-", "--")),
             *((bib, _text(item.get(csl))) for csl, bib in _PLAIN_FIELDS.items())]
    fields = {name: _escaped(value, name) for name, value in texts}
    for role in ("author", "editor"):  # names escaped one by one: an organisation's braces stay
        fields[role] = " and ".join(filter(None, (_name(person) for person in item.get(role) or ()
                                                  if isinstance(person, dict))))
    key = _unique(_key(item, year, number), keys)
    body = "".join(f"  {name} = {{{value}}},\n" for name, value in fields.items() if value)
    return f"@{entry_type}{{{key},\n{body}}}\n"


def _key(item: dict[str, Any], year: str, number: int) -> str:
    """The item's own citation key when it has one that BibTeX can use (Better BibTeX writes it as
    `citation-key` or `id`), else family name + year + first word of the title: guo2021scale."""
    for name in ("citation-key", "citationKey", "id"):
        value = str(item.get(name, "")).strip()
        if _KEY.match(value) and "//" not in value:
            return value
    first_author = (item.get("author") or [{}])[0]
    family = (first_author.get("family") or first_author.get("literal") or "") if isinstance(first_author, dict) else ""
    words = re.findall(r"\w+", _ascii(_text(item.get("title"))))
    first_word = next((word for word in words if len(word) > 3), words[0] if words else "")
    key = re.sub(r"[^a-z0-9]", "", "".join(_ascii(part).lower() for part in (*family.split()[-1:], year, first_word)))
    return key or f"item{number + 1}"


def _unique(key: str, keys: set[str]) -> str:
    candidate, suffix = key, ord("a")
    while candidate in keys:
        candidate, suffix = key + chr(suffix), suffix + 1
    keys.add(candidate)
    return candidate


def _name(person: dict[str, Any]) -> str:
    if person.get("literal"):
        return "{" + _escaped(_text(person["literal"]), "author") + "}"  # an organisation: one name, not split
    family = " ".join(_escaped(_text(person.get(part)), "author")
                      for part in ("non-dropping-particle", "family") if person.get(part))
    given = _escaped(_text(person.get("given")), "author")
    suffix = _escaped(_text(person.get("suffix")), "author")
    return ", ".join(part for part in (family, suffix, given) if part) if family else given


def _date(issued: Any) -> tuple[str, str]:
    """(year, month) of a CSL date: {"date-parts": [[2021, 6]]} or {"raw": "2021-06"}."""
    if not isinstance(issued, dict):
        return "", ""
    parts = issued.get("date-parts")
    if isinstance(parts, list) and parts and isinstance(parts[0], list) and parts[0]:
        first = [str(part) for part in parts[0]]
        return first[0], first[1] if len(first) > 1 else ""
    raw = re.match(r"^(\d{4})(?:-(\d{1,2}))?", str(issued.get("raw") or issued.get("literal") or ""))
    return (raw.group(1), (raw.group(2) or "").lstrip("0")) if raw else ("", "")


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if value not in (None, "") else ""


def _escaped(value: str, field: str) -> str:
    """A value that BibTeX and the LaTeX reader give back as written (the URL and DOI as they are)."""
    if field in ("url", "doi"):
        return value.replace("{", "%7B").replace("}", "%7D")
    return _TEX_SPECIAL.sub(r"\\\1", value)


def _ascii(text: str) -> str:
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()

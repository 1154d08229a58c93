"""JSON Resume's publications -> BibTeX entries for data/publications.bib.

name -> title; publisher -> booktitle (@inproceedings) when it names proceedings, a conference or a
workshop, journal (@article) when it names a journal or transactions, else howpublished (@misc);
releaseDate -> year and month (or date, with a day); url -> doi for a doi.org address, arxiv for an
arXiv abstract page, else url; summary -> abstract, but a first sentence the export writes for a
status ("Under review.", "Unpublished.", "Preprint.") becomes that status again. JSON Resume has no
authors, so the entries have none. Keys: the title's first word and the year (regiongpt2024).
Every value is escaped so that cv-site reads back the text as written.
"""

from __future__ import annotations

import re

from cv_site.identity import DOI_URL
from cv_site.importers.bibwrite import ascii_text, entry_text, field_value, unique_key
from cv_site.importers.jsonresume_read import ResumeFile
from cv_site.links import is_safe_url

_PROCEEDINGS = re.compile(r"\b(proceedings|conference|workshop|symposium)\b", re.I)
_JOURNAL = re.compile(r"\b(journal|transactions|letters|magazine)\b", re.I)
_ARXIV_URL = re.compile(r"^https?://(?:www\.)?arxiv\.org/abs/([^?#\s]+)$", re.I)
_STATUS = re.compile(r"^(Under review|Unpublished|Preprint)\.(?:\s+|$)", re.S)
_PREPRINT_SERVER = re.compile(r"^(arxiv|biorxiv|medrxiv|chemrxiv|corr)\b", re.I)
_KNOWN = frozenset({"name", "publisher", "releaseDate", "url", "summary"})


def publications_bibtex(resume: ResumeFile) -> str | None:
    """The resume's publications as BibTeX, in its order; None when it has none."""
    entries, keys = [], set()
    for loc, entry in resume.section("publications"):
        resume.unknown_keys(entry, loc, _KNOWN)
        title, publisher = resume.text(entry, loc, "name"), resume.text(entry, loc, "publisher")
        entry_type, container = _type_and_container(publisher)
        fields = {"title": title, container: publisher}
        date = resume.date(entry, loc, "releaseDate")
        if date and date.day:
            fields["date"] = date.iso
        elif date:
            fields.update(year=str(date.year), month=str(date.month or ""))
        url = resume.text(entry, loc, "url")
        if url and not is_safe_url(url):
            resume.note((*loc, "url"), f"only http(s) and mailto links are kept; left out ({url!r})")
            url = ""
        fields.update(_link_field(url))
        entry_type, abstract = _status(entry_type, fields, resume.text(entry, loc, "summary"))
        fields["abstract"] = abstract
        key = unique_key(_key(title, date.year if date else None), keys)
        entries.append(entry_text(entry_type, key, {name: field_value(name, value) for name, value in fields.items()}))
    if not entries:
        return None
    resume.note((), "publications: JSON Resume has no authors: add author = {Last, First and ...} to each entry "
                    "of data/publications.bib")
    return "\n".join(entries)


def _type_and_container(publisher: str) -> tuple[str, str]:
    if _PROCEEDINGS.search(publisher):
        return "inproceedings", "booktitle"
    if _JOURNAL.search(publisher):
        return "article", "journal"
    return "misc", "howpublished"


def _link_field(url: str) -> dict[str, str]:
    if match := DOI_URL.match(url):
        return {"doi": match.group(1)}
    if match := _ARXIV_URL.match(url):
        return {"arxiv": match.group(1)}
    return {"url": url}


def _status(entry_type: str, fields: dict[str, str], summary: str) -> tuple[str, str]:
    """(entry type, abstract): a status sentence first in the summary made a field again, when
    the entry says it then, else kept in the abstract."""
    match = _STATUS.match(summary)
    if not match:
        return entry_type, summary
    rest = summary[match.end():]
    if match.group(1) == "Under review":
        fields["pubstate"] = "submitted"
        return entry_type, rest
    if match.group(1) == "Unpublished":
        return "unpublished", rest
    venue = fields.get("booktitle") or fields.get("journal") or fields.get("howpublished") or ""
    is_preprint = _PREPRINT_SERVER.match(venue) or (fields.get("arxiv") and not venue)
    return entry_type, rest if is_preprint and entry_type in ("misc", "article") else summary


def _key(title: str, year: int | None) -> str:
    ascii_title = ascii_text(title).lower()
    first_word = next(iter(re.findall(r"[a-z0-9]+", ascii_title)), "paper")
    return f"{first_word}{year or ''}"

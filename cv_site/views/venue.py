"""The venue line: where and how a work appeared, written by its entry type. Both outputs show it."""

from __future__ import annotations

import re

from cv_site.labels import editors_mark
from cv_site.links import ARXIV_PREFIX
from cv_site.model import Author, Publication

_THESIS_TYPES = {"phdthesis": "PhD thesis", "mastersthesis": "Master's thesis", "mathesis": "Master's thesis",
                 "bathesis": "Bachelor's thesis", "candthesis": "Candidate thesis"}  # fmt: skip
_REPORT_TYPES = {"techreport": "Technical Report", "resreport": "Research Report"}
_PATENT_COUNTRIES = {"patentus": "US", "patenteu": "EP", "patentde": "DE", "patentuk": "GB", "patentfr": "FR",
                     "patentjp": "JP", "patentcn": "CN", "patentwo": "WO"}  # fmt: skip
_ORDINALS = {1: "1st", 2: "2nd", 3: "3rd"}
_IN_A_BOOK = frozenset({"incollection", "inbook", "bookinbook", "inreference", "suppbook", "suppcollection"})


def venue_line(p: Publication) -> str:
    """Where and how the work appeared, by entry type, with italic/bold/math markers kept:
    "Journal, vol. 3, no. 2, pp. 1–10", "In: A. Editor (ed.), Book, pp. 5–9. Publisher",
    "PhD thesis, School", "Technical Report 123, Institution", "Patent US 1234", "Software"."""
    fields, styled, kind = p.fields, p.styled, p.entry_type

    def get(name: str) -> str:
        value = (styled.get(name) or fields.get(name, "")).strip()
        return "" if value.startswith(("http://", "https://")) else value

    def join(*parts: str, sep: str = ", ") -> str:
        return sep.join(filter(None, parts))

    def publisher() -> str:  # publisher and edition: only for the kinds that show them
        return join(get("publisher"), get("address") or get("location"))

    def edition() -> str:
        return _edition(fields.get("edition", "").strip())

    pages = fields.get("pages", "").strip().replace("--", "–").replace("-", "–")
    pages = _numbered("pp." if "–" in pages or "," in pages else "p.", pages)
    volume = _numbered("vol.", fields.get("volume", "").strip())
    number = fields.get("number", "").strip()

    if kind in ("article", "periodical"):
        line = join(get("journal") or get("journaltitle"), volume, _numbered("no.", number), pages)
    elif kind in ("inproceedings", "conference"):
        line = join(get("booktitle") or get("eventtitle"), volume, pages, get("organization") if get("booktitle") else get("publisher"))
    elif kind in _IN_A_BOOK and get("booktitle") or kind == "incollection":
        editors = _editor_list(p.editors)
        chapter = _numbered("ch.", fields.get("chapter", "").strip())
        line = join(join(editors, get("booktitle"), edition(), volume, chapter, pages), publisher(), sep=". ")
        line = "In: " + line if line else ""
    elif kind == "inbook":  # classic BibTeX: the title is the book's, chapter/pages the part
        chapter = "Chapter " + fields["chapter"].strip() if fields.get("chapter", "").strip() else ""
        line = join(join(chapter, pages), edition(), publisher(), sep=". ")
    elif kind in ("book", "mvbook", "collection", "mvcollection", "booklet", "reference"):
        line = join(edition(), get("series") + (" " + number if number else "") if get("series") else "",
                    volume, publisher() or get("howpublished"))
    elif kind in ("proceedings", "mvproceedings"):
        line = join(get("series"), volume, get("organization"), publisher())
    elif kind in ("phdthesis", "mastersthesis", "thesis"):
        written = fields.get("type", "").strip()
        label = _THESIS_TYPES.get(written.lower(), written) or _THESIS_TYPES.get(kind, "Thesis")
        line = join(label, get("school") or get("institution"), get("address") or get("location"))
    elif kind in ("techreport", "report"):
        written = fields.get("type", "").strip()
        label = _REPORT_TYPES.get(written.lower(), written) or ("Technical Report" if kind == "techreport" else "Report")
        line = join(join(label, number, sep=" "), get("institution") or get("school") or get("publisher"))
    elif kind == "manual":
        line = join("Manual", edition(), get("organization") or get("publisher") or get("institution"))
    elif kind == "patent":
        country = _PATENT_COUNTRIES.get(fields.get("type", "").strip().lower(), "")
        if country and number.upper().startswith(country):
            country = ""
        line = join(join("Patent", country, number, sep=" "), get("holder"))
    elif kind in ("software", "dataset"):
        version = fields.get("version", "").strip()
        line = join("Software" if kind == "software" else "Dataset", "version " + version if version else "",
                    get("publisher") or get("organization") or get("institution") or get("howpublished"))
    elif kind in ("online", "electronic", "www"):
        urldate = fields.get("urldate", "").strip()
        where = get("organization") or get("publisher") or get("howpublished") or get("journal")
        line = join(where or _eprint(fields) or "Online", "accessed " + urldate if urldate else "")
    else:  # misc, unpublished, standard and the unknown types
        line = join(get("howpublished"), get("journal") or get("booktitle") or get("publisher")
                    or get("organization") or get("institution") or get("school"))
    eprint = _eprint(fields)
    if eprint and not line:
        line = eprint
    note = get("note")
    if note and kind in ("misc", "unpublished", "online", "electronic", "www") and note not in line:
        line = join(line, note, sep=". ")
    return line


def _numbered(abbreviation: str, value: str) -> str:
    """"pp. 5–9", "vol. 3": the abbreviation and its number joined by a no-break space, so a line
    never ends between them (in the site and in the PDF alike)."""
    return f"{abbreviation}\u00a0{value}" if value else ""


def _edition(edition: str) -> str:
    if not edition:
        return ""
    if edition.isdigit():
        n = int(edition)
        ordinal = _ORDINALS.get(n if n % 100 not in (11, 12, 13) else 0, "") or _ORDINALS.get(n % 10, "")
        ordinal = f"{n}{ordinal[-2:]}" if ordinal and n % 100 not in (11, 12, 13) else f"{n}th"
        return f"{ordinal} edition"
    return edition if "ed" in edition.lower() else f"{edition} edition"


def _editor_list(people: tuple[Author, ...]) -> str:
    editors = [a.display for a in people]
    if not editors:
        return ""
    return ", ".join(editors) + editors_mark(len(editors))


def _eprint(fields: dict[str, str]) -> str:
    eprint = fields.get("eprint", "").strip()
    if not eprint:
        return ""
    archive = (fields.get("eprinttype", "") or fields.get("archiveprefix", "")).strip()
    if archive.lower() == "arxiv" or (not archive and re.fullmatch(r"\d{4}\.\d{4,5}(v\d+)?", eprint)):
        arxiv = "arXiv:" + ARXIV_PREFIX.sub("", eprint)
        primary = fields.get("primaryclass", "").strip() or fields.get("eprintclass", "").strip()
        return f"{arxiv} [{primary}]" if primary else arxiv
    return f"{archive}: {eprint}" if archive else eprint

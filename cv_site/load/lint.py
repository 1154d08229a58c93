"""The bibliography linter: what keeps a publication list credible, beyond what loading requires.

`cv-site check` prints these as warnings; with `--strict` (or `strict: true` in site.yml, for CI)
they are errors, as are loading's own warnings (a paper without a year...), and a strict site's
`build` stops on them too. Each is located at the BibTeX
field (or the Markdown line) it is about, with the fix in its hint.
"""

from __future__ import annotations

import dataclasses
import datetime
import os
import re
from pathlib import Path

from cv_site.errors import Problem, UserError, display_path
from cv_site.identity import ARXIV_SYNTAX, DOI_SYNTAX, DOI_URL, PUBLISHED_VERSION, PaperIndex
from cv_site.load.bibblocks import RawEntry, read_blocks, split_pieces
from cv_site.load.textfile import read_bib_text
from cv_site.model import Publication, SiteModel

READING_LINKS = frozenset({"pdf", "arxiv", "doi", "html", "website", "url"})
LOCAL_FILE_LINKS = ("pdf", "supp", "slides", "poster")
_NOT_OUT_YET = re.compile(r"\b(to appear|accepted|forthcoming|in press)\b", re.IGNORECASE)
_IMAGE_WITHOUT_ALT = re.compile(r"!\[\s*\]\(")
_NOT_YET_PUBLISHED = frozenset({"submitted", "preprint", "unpublished"})


def lint(site: SiteModel, source: Path, today: datetime.date | None = None) -> list[Problem]:
    """Every finding, as warnings, in file order."""
    findings: list[Finding] = []
    for paper in site.publications:
        findings += _identifiers(paper) + _readable(paper) + _venue_and_year(paper, today)
        findings += _local_files(paper, source / "static")
    findings += _listed_twice(site.publications) + _selected_not_shown(site)
    problems = _located(findings, source) + _images_without_alt(source)
    return sorted(problems, key=lambda problem: problem.sort_key)


def strict_errors(findings: list[Problem]) -> None:
    """Under strict: every warning (the linter's, and loading's: a paper without a year, a field
    given twice...) as an error, in one UserError, if there are any."""
    if findings:
        raise UserError([dataclasses.replace(problem, severity="error") for problem in findings])


@dataclasses.dataclass(frozen=True)
class Finding:
    """Something about one paper, at the field it names."""

    paper: Publication
    field: str
    message: str
    hint: str
    value: object = None


def _identifiers(paper: Publication) -> list[Finding]:
    found = []
    if paper.doi and not DOI_SYNTAX.match(paper.doi):
        found.append(Finding(paper, "doi", "doi is not a DOI", "write the DOI alone, as 10.<number>/<suffix>, e.g. "
                        "doi = {10.1145/3368089.3409741}", paper.doi))
    url_doi = DOI_URL.match(paper.fields.get("url", "").strip())
    if url_doi and not paper.doi:
        found.append(Finding(paper, "url", "url is the address of a DOI", f"write doi = {{{url_doi.group(1)}}} instead: "
                        "the DOI link and the citation's DOI are made from it", paper.fields["url"]))
    if paper.arxiv_id and not ARXIV_SYNTAX.match(paper.arxiv_id):
        field = "arxiv" if "arxiv" in paper.fields else "eprint"
        found.append(Finding(paper, field, "not an arXiv id", "write the id alone, e.g. 2103.12345 or cs/0112017",
                        paper.arxiv_id))
    return found


def _readable(paper: Publication) -> list[Finding]:
    if any(link.kind.name in READING_LINKS for link in paper.links):
        return []
    return [Finding(paper, "title", "no way to read it: no pdf, doi, arxiv or url",
               "add the DOI (doi = {10...}), the arXiv id (arxiv = {2103.12345}), a pdf or a url")]


def _venue_and_year(paper: Publication, today: datetime.date | None) -> list[Finding]:
    found = []
    if not paper.venue and paper.status not in _NOT_YET_PUBLISHED:
        found.append(Finding(paper, "title", f"no venue: a @{paper.entry_type} says where it appeared",
                        "add the journal, booktitle, school, institution or publisher"))
    this_year = (today or datetime.date.today()).year
    out_later = _NOT_OUT_YET.search(paper.fields.get("note", "") + " " + paper.fields.get("pubstate", ""))
    if paper.year and paper.year > this_year and not out_later and paper.status not in _NOT_YET_PUBLISHED:
        found.append(Finding(paper, "year", f"the year is in the future ({this_year} now)",
                        "correct the year, or say note = {to appear} if it is accepted", paper.year))
    return found


def _local_files(paper: Publication, static: Path) -> list[Finding]:
    found = []
    for link in paper.links:
        path = link.href.lstrip("/")
        if link.kind.name in LOCAL_FILE_LINKS and ":" not in path and not path.startswith("#"):
            if ".." in path.split("/") or not os.path.isfile(os.path.join(static, path)):
                found.append(Finding(paper, link.kind.name, f"its {link.kind.name} file is not in static/",
                                     f"put the file at static/{path}, or correct the field", link.href))
    return found


def _listed_twice(papers: list[Publication]) -> list[Finding]:
    found = []
    index = PaperIndex()
    for paper in papers:
        match = index.add(paper)
        if match is None:
            continue
        hint = ("remove the preprint, and give the published one its arXiv id: eprint = {...}, "
                "archiveprefix = {arXiv}" if match.reason in ("an arXiv preprint of", PUBLISHED_VERSION)
                else "remove one of them, or merge their fields")
        found.append(Finding(paper, "title", f"listed twice: {match} "
                                             f"({match.paper.source.file}:{match.paper.source.line})", hint))
    return found


def _selected_not_shown(site: SiteModel) -> list[Finding]:
    """A selected paper that the CV's publications sections leave out (they list keys)."""
    sections = [section for section in site.sections if getattr(section, "kind", "") == "publications"]
    if not sections:
        return []
    shown = {paper.key for section in sections for paper in site.section_publications(section)}
    return [Finding(paper, "selected", "selected (shown on the home page), but not in the CV: no publications "
                    "section lists it", "add its key to a section's include, or remove selected")
            for paper in site.selected_publications if paper.key not in shown]


def _images_without_alt(source: Path) -> list[Problem]:
    """Markdown images with no alt text (`![](photo.png)`): a screen reader says nothing of them."""
    found = []
    data = source / "data"
    for path in sorted([*data.glob("*.yml"), *data.glob("posts/*.md")]):
        for number, line in enumerate(path.read_text(encoding="utf-8", errors="replace").splitlines(), 1):
            for image in _IMAGE_WITHOUT_ALT.finditer(line):
                found.append(Problem(display_path(path), number, image.start() + 1, "", "an image without alt text",
                                     hint="say what it shows between the brackets: ![A plot of ...](...)",
                                     severity="warning"))
    return found


def _located(findings: list[Finding], source: Path) -> list[Problem]:
    lines = _field_lines(source, {(finding.paper.source.file, finding.paper.key) for finding in findings})
    return [Problem(finding.paper.source.file,
                    lines.get((finding.paper.source.file, finding.paper.key), {}).get(
                        finding.field, finding.paper.source.line),
                    1, finding.paper.key, finding.message, finding.value, finding.hint, "warning")
            for finding in findings]


_ENTRY_KEY = re.compile(r"\s*@\w+\s*[{(]\s*([^,\s]+)")


def _field_lines(source: Path, wanted: set[tuple[str, str]]) -> dict[tuple[str, str], dict[str, int]]:
    """The line of each field of the entries `wanted`, by (file as shown, key). Only their entries
    are read again (all of them: +0.3 s for 5,000 papers)."""
    lines = {}
    for path in sorted((source / "data").glob("*.bib")):
        file = display_path(path)
        keys = {key for wanted_file, key in wanted if wanted_file == file}
        if not keys:
            continue
        for piece in split_pieces(read_bib_text(path, []) or ""):
            head = _ENTRY_KEY.match(piece.text)
            if head is None or head.group(1) not in keys:
                continue
            for block in read_blocks(piece):
                if isinstance(block, RawEntry):  # the first of a field given twice is the one used
                    lines[(file, block.key)] = {name.lower(): line for name, _, line in reversed(block.fields)}
    return lines

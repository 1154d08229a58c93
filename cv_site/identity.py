"""When two BibTeX entries are the same paper: by DOI, by arXiv id, by title and year, and an
arXiv preprint with its published version (same title; the years may differ).

Used by `cv-site import-bib` (what a library export adds) and by `cv-site check --strict` (a
paper listed twice).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterable

from cv_site.model import Publication
from cv_site.text.normalise import normalise_name

DOI_SYNTAX = re.compile(r"^10\.\d{4,9}/\S+$")
# New-style ids (2103.12345, with an optional version) and old-style ones (cs/0112017, math.GT/0309136).
ARXIV_SYNTAX = re.compile(r"^(?:\d{4}\.\d{4,5}|[a-z-]+(?:\.[A-Z]{2})?/\d{7})(?:v\d+)?$")
DOI_URL = re.compile(r"^https?://(?:dx\.)?doi\.org/(10\.\S+)$", re.IGNORECASE)
_ARXIV_IN_TEXT = re.compile(
    r"(?:arxiv\.org/(?:abs|pdf)/|arxiv[:\s]\s*|10\.48550/arxiv\.|\babs/)"
    r"(\d{4}\.\d{4,5}|[a-z-]+(?:\.[a-z]{2})?/\d{7})", re.IGNORECASE)
_ARXIV_DOI = re.compile(r"^10\.48550/arxiv\.", re.IGNORECASE)
_VERSION = re.compile(r"v\d+$")
_PREPRINT_VENUE = re.compile(r"^(arxiv|biorxiv|medrxiv|chemrxiv|corr|ssrn|preprint)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Identity:
    doi: str  # lower case, no https://doi.org/; "" when none (an arXiv DOI counts as the arXiv id)
    arxiv: str  # without its version; "" when none
    title: str  # normalised: lower case, no accents, punctuation or LaTeX
    year: int | None
    preprint: bool  # only on arXiv (or another preprint server) so far


def identity(paper: Publication) -> Identity:
    doi = paper.doi.strip().lower()
    url_doi = DOI_URL.match(paper.fields.get("url", "").strip())
    if not doi and url_doi:
        doi = url_doi.group(1).lower()
    arxiv = arxiv_id(paper)
    if _ARXIV_DOI.match(doi):
        doi = ""
    preprint = paper.status == "preprint" or bool(_PREPRINT_VENUE.match(paper.venue)) or (
        bool(arxiv) and not paper.venue)
    return Identity(doi, arxiv, normalise_name(paper.title), paper.year, preprint)


def arxiv_id(paper: Publication) -> str:
    """The paper's arXiv id, from its arxiv/eprint field or written in its venue, note, URL or DOI
    (Google Scholar writes `journal = {arXiv preprint arXiv:2103.12345}`, DBLP `volume = {abs/2103.12345}`)."""
    if paper.arxiv_id:
        return _VERSION.sub("", paper.arxiv_id.strip().lower())
    fields = paper.fields
    for name in ("journal", "volume", "note", "howpublished", "url", "doi", "eprint"):
        found = _ARXIV_IN_TEXT.search(fields.get(name, ""))
        if found:
            return found.group(1).lower()
    return ""


@dataclass(frozen=True)
class Match:
    paper: Publication  # the one already there
    reason: str  # what the new one is of it: "same DOI as", ..., "the published version of", "an arXiv preprint of"

    @property
    def upgrades(self) -> bool:
        """The new one is the published version of a preprint already there."""
        return self.reason == PUBLISHED_VERSION

    def __str__(self) -> str:
        return f"{self.reason} {self.paper.key}"


PUBLISHED_VERSION = "the published version of"


class PaperIndex:
    """Papers seen so far, found again by any of their identities."""

    def __init__(self, papers: Iterable[Publication] = ()):
        self._by_doi: dict[str, Publication] = {}
        self._by_arxiv: dict[str, Publication] = {}
        self._by_title: dict[str, list[tuple[Identity, Publication]]] = {}
        for paper in papers:
            self.add(paper)

    def add(self, paper: Publication) -> Match | None:
        """Add the paper; return the one seen before that it is, as `find` would."""
        seen = identity(paper)
        match = self._find(seen)
        if seen.doi:
            self._by_doi.setdefault(seen.doi, paper)
        if seen.arxiv:
            self._by_arxiv.setdefault(seen.arxiv, paper)
        if seen.title:
            self._by_title.setdefault(seen.title, []).append((seen, paper))
        return match

    def find(self, paper: Publication) -> Match | None:
        """The paper already seen that this one is, and why; None when it is new."""
        return self._find(identity(paper))

    def _find(self, seen: Identity) -> Match | None:
        if seen.doi in self._by_doi:
            return Match(self._by_doi[seen.doi], "same DOI as")
        if seen.arxiv in self._by_arxiv:
            return Match(self._by_arxiv[seen.arxiv], "same arXiv id as")
        for other, known in self._by_title.get(seen.title, ()):
            if other.preprint != seen.preprint:
                return Match(known, PUBLISHED_VERSION if other.preprint else "an arXiv preprint of")
            if other.year == seen.year:
                return Match(known, "same title and year as")
        return None

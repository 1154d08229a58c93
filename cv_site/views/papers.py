"""What a reader sees of a paper, decided once for the site and the PDF: the author list with its
marks, the venue line, the status, the date, the award, the badge and the links.

The templates of both outputs render these views and hold no rules of their own. Rich text
(`title`, `venue_line`) keeps its italic/bold/math markers (see text/richtext.py): each output
writes them its own way.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Iterable

from cv_site.labels import IN_PROGRESS_HEADING, editors_mark, status_label
from cv_site.links import Link
from cv_site.model import Author, Publication
from cv_site.text.richtext import plain
from cv_site.views.venue import venue_line

# The marks after an author's name, and what they mean (shown once under a list that uses them).
EQUAL_CONTRIBUTION = "*"
CORRESPONDING = "†"
MARK_MEANINGS = {EQUAL_CONTRIBUTION: "equal contribution", CORRESPONDING: "corresponding author"}


@dataclass(frozen=True, slots=True)
class AuthorView:
    name: str  # as written in an author list ("Ada Lovelace", "山田太郎", "et al.")
    is_owner: bool
    marks: str  # "", "*", "†" or "*†"


@dataclass(frozen=True, slots=True)
class PaperView:
    """One paper as both outputs show it. Equal views show the same; `publication` is there for
    what only the site's own page of a paper shows (its abstract, BibTeX and Scholar tags)."""

    key: str
    title: str  # rich text
    authors: tuple[AuthorView, ...]
    people_note: str  # " (eds.)" after a list of editors, else ""
    venue_line: str  # rich text: "Journal, vol. 3, pp. 1–9", "Submitted to ECCV 2024"
    date: str  # "2024", or "" when undated
    status: str  # "Under review", "Preprint", "Unpublished"; "" when published
    award: str  # "Oral", "Best paper"
    badge: str  # the venue's short name ("CVPR"), shown beside the paper
    annotation: str  # inline Markdown
    links: tuple[Link, ...]
    marks: tuple[str, ...]  # the marks its authors carry, in MARK_MEANINGS' order
    preview: str  # its thumbnail: a path inside static/, or ""
    preview_alt: str  # what the thumbnail shows: the title, as plain text
    publication: Publication
    reference: str = ""  # rich text: the paper in a CSL citation style; "" for cv-site's own layout

    def __hash__(self) -> int:
        # Everything in a view is made from its publication (paper_view), so equal views have
        # equal publications: their hash, made once when the publication was loaded, is enough.
        return hash(self.publication)

    @property
    def details(self) -> tuple[str, ...]:
        """The plain words after the venue line, in order: the date, the status, the award."""
        return tuple(part for part in (self.date, self.status, self.award) if part)

    @property
    def citation(self) -> str:
        """The paper as one plain-text reference, in the order the list shows it:
        "A. Author, B. Author. Title. Venue line, 2024. Under review."."""
        names = ", ".join(author.name for author in self.authors) + self.people_note
        where = ", ".join(part for part in (plain(self.venue_line), self.date) if part)
        parts = (names, plain(self.title), where, self.status)
        return " ".join(part if part.endswith((".", "?", "!")) else part + "." for part in parts if part)


@lru_cache(maxsize=16384)  # co-authors recur from paper to paper: one view each, not one a paper
def author_view(author: Author) -> AuthorView:
    marks = (EQUAL_CONTRIBUTION if author.equal_contribution else "") + (CORRESPONDING if author.corresponding else "")
    return AuthorView(author.display, author.is_owner, marks)


def paper_view(p: Publication, reference: str = "") -> PaperView:
    """The paper's view; `reference`: the paper in the site's citation style, if it has one."""
    people = p.people
    authors = tuple(author_view(author) for author in people)
    return PaperView(
        key=p.key,
        title=p.styled_text("title"),
        authors=authors,
        people_note=editors_mark(len(people)) if p.people_are_editors else "",
        venue_line=venue_line(p) or p.venue or ("" if p.is_published else p.fields.get("note", "")),
        date=str(p.year) if p.year else "",
        status="" if p.is_published else status_label(p.status),
        award=p.award,
        badge=p.abbr,
        annotation=p.annotation,
        links=p.links,
        marks=tuple(mark for mark in MARK_MEANINGS if any(mark in author.marks for author in authors)),
        preview=p.preview,
        preview_alt=plain(p.styled_text("title")) if p.preview else "",
        publication=p,
        reference=reference,
    )


@dataclass(frozen=True)
class PaperGroup:
    """Papers under one heading (None: no heading), numbered from `start` in a CV."""

    title: str | None
    papers: tuple[PaperView, ...]
    start: int = 1


def legend(papers: Iterable[PaperView]) -> tuple[tuple[str, str], ...]:
    """[(mark, meaning)] for the marks these papers use, in a fixed order."""
    used = {mark for paper in papers for mark in paper.marks}
    return tuple((mark, meaning) for mark, meaning in MARK_MEANINGS.items() if mark in used)


def cv_groups(papers: list[PaperView]) -> tuple[PaperGroup, ...]:
    """A CV's publications: the published ones first, then (under their own heading when both
    kinds are there) the work in progress, numbered on through both."""
    published = tuple(p for p in papers if not p.status)
    in_progress = tuple(p for p in papers if p.status)
    if not published or not in_progress:
        return (PaperGroup(None, published or in_progress),) if papers else ()
    return PaperGroup(None, published), PaperGroup(IN_PROGRESS_HEADING, in_progress, len(published) + 1)

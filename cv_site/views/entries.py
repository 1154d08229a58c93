"""What a reader sees of a CV entry of the kinds that need deciding beyond their data: a talk's
kind in words, its links from the link table, and the order talks are listed in; a project's
links, and the paper it led to."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping

from cv_site.labels import TALK_KIND_LABELS
from cv_site.links import LINK_KINDS, Link
from cv_site.schema import ProjectEntry, TalkEntry, TalksSection
from cv_site.text.dates import DateRange, PartialDate
from cv_site.views.papers import PaperView


ABOUT_SEPARATOR = " · "


@dataclass(frozen=True, slots=True)
class TalkView:
    title: str  # Markdown
    about: str  # what kind of talk, where: "Invited talk · NeurIPS 2023 · New Orleans", or ""
    event: str  # the parts of `about`, for structured data
    location: str
    date: PartialDate | None
    links: tuple[Link, ...]
    abstract: str  # Markdown, or ""


def talk_view(talk: TalkEntry) -> TalkView:
    return TalkView(
        title=talk.title,
        about=ABOUT_SEPARATOR.join(part for part in (TALK_KIND_LABELS.get(talk.kind or ""), talk.event, talk.location)
                                   if part),
        event=talk.event or "",
        location=talk.location or "",
        date=talk.date,
        links=talk.links.links(),
        abstract=talk.abstract or "",
    )


def talks_in_order(section: TalksSection) -> list[TalkEntry]:
    """The section's talks as shown: newest first (undated last, else as written) unless it keeps
    the file's order."""
    talks = list(section.entries)
    if section.order == "newest_first":  # a stable sort: talks of one date stay as written
        talks.sort(key=lambda talk: (talk.date is not None, talk.date.as_date() if talk.date else None), reverse=True)
    return talks


def talk_views(section: TalksSection) -> tuple[TalkView, ...]:
    return tuple(talk_view(talk) for talk in talks_in_order(section))


@dataclass(frozen=True, slots=True)
class ProjectView:
    title: str  # Markdown
    summary: str  # Markdown, or ""
    date: DateRange | None
    role: str
    image: str  # a path inside static/, or ""
    image_alt: str
    links: tuple[Link, ...]  # its addresses, in the table's order
    paper: PaperView | None  # the paper it led to (`links: paper: KEY`)
    paper_label: str
    tags: tuple[str, ...]


def project_view(project: ProjectEntry, papers: Mapping[str, PaperView]) -> ProjectView:
    links = project.links.links()
    return ProjectView(
        title=project.title,
        summary=project.summary or "",
        date=project.date,
        role=project.role or "",
        image=project.image.lstrip("/") if project.image else "",
        image_alt=project.image_alt or "",
        links=tuple(link for link in links if link.kind.name != "paper"),
        paper=papers.get(project.links.paper) if project.links.paper else None,
        paper_label=LINK_KINDS["paper"].label,
        tags=tuple(project.tags),
    )

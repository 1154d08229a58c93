"""What a reader sees of a CV entry of the kinds that need deciding beyond their data: a talk's
kind in words, its links from the link table, and the order talks are listed in."""

from __future__ import annotations

from dataclasses import dataclass

from cv_site.labels import TALK_KIND_LABELS
from cv_site.links import Link
from cv_site.schema import TalkEntry, TalksSection
from cv_site.text.dates import PartialDate


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


def talk_views(section: TalksSection) -> tuple[TalkView, ...]:
    """The section's talks, newest first (undated last, else as written) unless it keeps the
    file's order."""
    talks = [talk_view(talk) for talk in section.entries]
    if section.order == "newest_first":  # a stable sort: talks of one date stay as written
        talks.sort(key=lambda talk: (talk.date is not None, talk.date.as_date() if talk.date else None), reverse=True)
    return tuple(talks)

"""What a CV variant (site.yml: cvs) keeps of a section: the entries and papers its filters let
through (tags, selected, since), at most `limit` of them. The section's own order is kept."""

from __future__ import annotations

from typing import Any, Iterable

from cv_site.model import Publication
from cv_site.schema import NestedListSection, PublicationsSection, Section, TalksSection, TextSection
from cv_site.text.dates import DateRange, PartialDate
from cv_site.variants import VariantSection
from cv_site.views.entries import talks_in_order

def _wanted(tags: Iterable[str], rule: VariantSection) -> bool:
    return not rule.tags or bool({tag.lower() for tag in tags} & {tag.lower() for tag in rule.tags})


def _recent(dates: DateRange | PartialDate | str | None, since: int | None) -> bool:
    """Whether dates reach `since`: an ongoing range does, an undated entry (or a term in words) stays."""
    if since is None or not dates or isinstance(dates, str):
        return True
    if isinstance(dates, PartialDate):
        return dates.year >= since
    return dates.ongoing or (dates.end or dates.start).year >= since


def _entry_dates(entry: Any) -> DateRange | PartialDate | str | None:
    return getattr(entry, "when", None) or getattr(entry, "date", None)


def _keep_entries(entries: list[Any], rule: VariantSection) -> list[Any]:
    kept = [e for e in entries if _wanted(e.tags, rule) and _recent(_entry_dates(e), rule.since)]
    return kept[: rule.limit] if rule.limit else kept


def filtered_section(section: Section, rule: VariantSection) -> Section:
    """The section with only the entries `rule` keeps (publications: see filtered_papers)."""
    if isinstance(section, (TextSection, PublicationsSection)):
        return section
    if isinstance(section, NestedListSection):
        groups = [group.replace(items=_keep_entries(group.items, rule)) for group in section.entries]
        return section.replace(entries=[group for group in groups if group.items])
    if isinstance(section, TalksSection):  # the limit keeps the first as shown: the newest
        return section.replace(entries=_keep_entries(talks_in_order(section), rule))
    return section.replace(entries=_keep_entries(section.entries, rule))


def filtered_papers(papers: list[Publication], rule: VariantSection, tag_fields: Iterable[str]) -> list[Publication]:
    """The papers `rule` keeps, in their order; with a limit, the selected ones first, then the newest."""
    kept = [p for p in papers
            if (p.selected or not rule.selected) and _wanted(p.tags(tag_fields), rule)
            and (rule.since is None or p.year is None or p.year >= rule.since)]
    if not rule.limit or len(kept) <= rule.limit:
        return kept
    newest_first = sorted(kept, key=lambda p: (p.year or 0, p.month or 0), reverse=True)
    chosen = set(sorted(newest_first, key=lambda p: not p.selected)[: rule.limit])
    return [p for p in kept if p in chosen]

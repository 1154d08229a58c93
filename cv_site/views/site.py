"""The view of a whole site: every paper's view, the CV's sections as each output shows them, and
the date labels of entries. Made once a build from the SiteModel; both renderers read it."""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Any, Mapping

from cv_site.labels import COLLECTION_PAGES
from cv_site.links import Link
from cv_site.model import Publication, SiteModel
from cv_site.schema import ProjectsSection, PublicationsSection, Section, TalksSection
from cv_site.text.dates import RANGE_SEPARATOR, DateRange, PartialDate
from cv_site.views.entries import ProjectView, TalkView, project_view, talk_views
from cv_site.variants import CvVariant, VariantSection
from cv_site.views.papers import PaperGroup, PaperView, cv_groups, legend, paper_view
from cv_site.views.variants import filtered_papers, filtered_section

@dataclass(frozen=True)
class DateLabel:
    """A date or a range as both outputs print it. `parts`: (text, ISO date), the start and the
    end; an open range ends with the site's word for it ("present") and no ISO date."""

    parts: tuple[tuple[str, str], ...]
    separator: str = RANGE_SEPARATOR

    @property
    def text(self) -> str:
        return self.separator.join(text for text, _ in self.parts)


def date_label(dates: DateRange | PartialDate | str | None, ongoing: str) -> DateLabel | None:
    """`dates` may also be words (a term: "Fall 2023"), shown as they are, with no ISO date."""
    if not dates:
        return None
    if isinstance(dates, str):
        return DateLabel(((dates, ""),))
    if isinstance(dates, PartialDate):
        return DateLabel(((str(dates), dates.iso),))
    start = (str(dates.start), dates.start.iso)
    if not dates.is_range:
        return DateLabel((start,))
    end = (str(dates.end), dates.end.iso) if dates.end else (ongoing, "")
    return DateLabel((start, end))


@dataclass(frozen=True)
class Contact:
    """One item of a CV's contact line: where it goes and the words shown."""

    href: str
    text: str


def contact(link: Link) -> Contact:
    """An e-mail address as itself; a web address without its scheme when short, else its label."""
    if link.kind.name == "email":
        return Contact(link.href, link.href.removeprefix("mailto:"))
    short = re.sub(r"^https?://(www\.)?", "", link.href).rstrip("/")
    return Contact(link.href, short if len(short) <= 30 else link.label)


@dataclass(frozen=True)
class SectionView:
    """A CV section as an output shows it: its id, (possibly overridden) title and intro, the
    section's data for its kind's template, and for publications the numbered groups and legend."""

    id: str
    kind: str
    title: str
    intro: str | None
    data: Any  # the section's record (entries, body), or the news items for "news"
    index: int | None  # its position in data/cv.yml's sections (for error messages), None for news
    groups: tuple[PaperGroup, ...] = ()
    legend: tuple[tuple[str, str], ...] = ()
    talks: tuple[TalkView, ...] = ()  # a talks section's, in the order they are shown
    projects: tuple[ProjectView, ...] = ()


@dataclass
class SiteView:
    """Everything both outputs show, decided once."""

    model: SiteModel
    papers: dict[str, PaperView] = field(default_factory=dict)  # by key, newest first

    @property
    def style(self) -> Any:
        """The site's citation style (a citations.CitationStyle), or None: cv-site's own layout."""
        value = self.model.settings.citation_style
        return self.model.citation_styles.get(value) if value else None

    def paper(self, publication: Publication) -> PaperView:
        return self.papers[publication.key]

    def paper_list(self, publications: list[Publication]) -> list[PaperView]:
        return [self.papers[p.key] for p in publications]

    def section(self, index: int, section: Section, title: str | None = None,
                rule: VariantSection | None = None, style: Any = None) -> SectionView:
        """A section's view; in a CV variant, with only what `rule` keeps of it, its papers in
        its citation `style` (a citations.CitationStyle)."""
        if rule:
            section = filtered_section(section, rule)
        view = SectionView(section.slug, section.kind, title or section.title, section.intro, section, index)
        if isinstance(section, TalksSection):
            return replace(view, talks=talk_views(section))
        if isinstance(section, ProjectsSection):
            return replace(view, projects=tuple(project_view(project, self.papers) for project in section.entries))
        if not isinstance(section, PublicationsSection):
            return view
        publications = self.model.section_publications(section)
        if rule:
            publications = filtered_papers(publications, rule, self.model.settings.tag_fields)
        papers = self.paper_list(publications)
        if style is not None and style != self.style:  # a CV in a citation style of its own
            papers = [replace(paper, reference=style.format(paper.publication)) for paper in papers]
        return SectionView(view.id, view.kind, view.title, view.intro, section, index,
                           groups=cv_groups(papers), legend=legend(papers))

    def cv_sections(self) -> list[SectionView]:
        """The site's CV page: every section, in the data's order."""
        return [self.section(index, section) for index, section in enumerate(self.model.sections)]

    def pdf_sections(self, variant: CvVariant | None = None) -> list[SectionView]:
        """The full CV's PDF: the sections pdf.sections names (default all), with pdf.titles, news
        first if asked. A variant's: the sections it names (default the full CV's), each filtered."""
        site, pdf = self.model, self.model.settings.pdf
        style = site.citation_styles.get(variant.citation_style) if variant and variant.citation_style else None
        if variant and variant.sections is not None:
            by_id = {section.slug: (index, section) for index, section in enumerate(site.sections)}
            return [self.section(*by_id[rule.id], rule.title or pdf.titles.get(rule.id), rule, style)
                    for rule in variant.sections if rule.id in by_id]  # an unknown id is reported by the loader
        by_id = {section.slug: (index, section) for index, section in enumerate(site.sections)}
        views = []
        if pdf.include_news and site.news and not variant:
            items = site.news[: pdf.news_items] if pdf.news_items else site.news
            views.append(SectionView("news", "news", pdf.titles.get("news", "News"), None, items, None))
        for section_id in pdf.sections if pdf.sections is not None else list(by_id):
            if section_id in by_id:  # an unknown id is reported by the loader
                index, section = by_id[section_id]
                views.append(self.section(index, section, pdf.titles.get(section_id), style=style))
        return views

    def contacts(self) -> list[Contact]:
        """The CV's contact line (the PDF's and the CV page's): the person's links but the CV."""
        return [contact(link) for link in self.model.person.profile_links if link.kind.name != "cv"]

    def cvs(self) -> list[tuple[str, str]]:
        """The PDF CVs a visitor can download: (title, file), the full one first."""
        return [("CV", "cv.pdf"), *((variant.title, variant.file_name) for variant in self.model.settings.cvs)]

    def pages(self) -> list[str]:
        """The collections with a page of their own, in the navigation's order; publications always."""
        names = list(self.model.settings.pages or ["publications", *(["posts"] if self.model.posts else [])])
        return names if "publications" in names else ["publications", *names]

    def nav(self) -> list[tuple[str, str]]:
        """The site's navigation: (path, label)."""
        return [("", "Home"), *((f"{name}/", COLLECTION_PAGES[name]) for name in self.pages()), ("cv/", "CV")]

    def collection(self, kind: str) -> list[SectionView]:
        """The CV's sections of one kind, for that collection's page."""
        return [view for view in self.cv_sections() if view.kind == kind]

    def date(self, dates: DateRange | PartialDate | str | None) -> DateLabel | None:
        return date_label(dates, self.model.settings.ongoing_label)


def site_view(site: SiteModel, known: Mapping[Publication, PaperView] | None = None) -> SiteView:
    """The site's view. `known`: the views an earlier build made, by paper (serve keeps them: a
    paper equal to one seen before gets the same view back, so its pages' cached bytes match)."""
    known = known or {}
    view = SiteView(site)
    style = view.style
    for publication in site.publications:
        reference = style.format(publication) if style else ""  # cached by the paper's content
        paper = known.get(publication)
        if paper is None or paper.reference != reference:
            paper = paper_view(publication, reference)
        view.papers[publication.key] = paper
    return view

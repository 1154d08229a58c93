"""Checks of what site.yml's CV variants (cvs) and pdf.theme name against the data: sections that
exist, filters that fit the section, tags some entry carries, themes there are, ids and file names
used once; and the citation styles it names, loaded. Each problem names the line of site.yml it is
about."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from cv_site.errors import Problem, did_you_mean
from cv_site.load.yamlfile import YamlDocument
from cv_site.model import Publication
from cv_site.schema import NestedListSection, PublicationsSection, Settings, TextSection
from cv_site.theme import pdf_themes
from cv_site.variants import CvVariant

if TYPE_CHECKING:
    from cv_site.citations import CitationStyle


def check_variants(document: YamlDocument, settings: Settings, sections: list[Any],
                   publications: list[Publication], source: Path) -> list[Problem]:
    themes = pdf_themes(source)
    problems = _check_theme(document, ("pdf", "theme"), settings.pdf.theme, themes)
    by_id = {section.slug: section for section in sections}
    ids: set[str] = set()
    files: set[str] = set()
    for index, variant in enumerate(settings.cvs):
        here = ("cvs", index)
        if variant.id in ids:
            problems.append(document.problem((*here, "id"), "another CV has this id", value=variant.id,
                                             hint="give each CV an id of its own"))
        if variant.file_name in files:
            problems.append(document.problem((*here, "file"), "another CV is written to this file",
                                             value=variant.file_name, hint="give each CV a file of its own"))
        if (source / "static" / variant.file_name).exists():
            problems.append(document.problem((*here, "file" if variant.file else "id"),
                                             f"static/{variant.file_name} is a file of the site's with this CV's name",
                                             value=variant.file or variant.id, hint="give the CV another `file:`"))
        ids.add(variant.id)
        files.add(variant.file_name)
        if variant.theme is not None:
            problems += _check_theme(document, (*here, "theme"), variant.theme, themes)
        problems += _check_sections(document, here, variant, by_id, publications, settings.tag_fields)
    return problems


def _check_theme(document: YamlDocument, loc: tuple, theme: str, themes: list[str]) -> list[Problem]:
    if theme in themes:
        return []
    return [document.problem(loc, "no PDF theme has this name", value=theme,
                             hint=did_you_mean(theme, themes) or "themes: " + ", ".join(themes))]


def _check_sections(document: YamlDocument, here: tuple, variant: CvVariant, by_id: dict[str, Any],
                    publications: list[Publication], tag_fields: list[str]) -> list[Problem]:
    problems = []
    for position, rule in enumerate(variant.sections or []):
        loc = (*here, "sections", position)
        section = by_id.get(rule.id)
        if section is None:
            problems.append(document.problem((*loc, "id"), "no section in data/cv.yml has this id", value=rule.id,
                                             hint=did_you_mean(rule.id, list(by_id)) or "known ids: " + ", ".join(by_id)))
            continue
        filters = [name for name in ("tags", "selected", "since", "limit") if getattr(rule, name)]
        if isinstance(section, TextSection) and filters:
            problems.append(document.problem((*loc, filters[0]), "a text section has no entries to choose from",
                                             value=getattr(rule, filters[0]), hint=f"take `{filters[0]}` out"))
            continue
        if rule.selected and not isinstance(section, PublicationsSection):
            problems.append(document.problem((*loc, "selected"), f"only papers can be selected; section {rule.id} is of kind {section.kind}",
                                             value=True, hint="choose its entries with tags, since or limit"))
        known = _tags(section, publications, tag_fields)
        for number, tag in enumerate(rule.tags):
            if tag.lower() not in known:
                hint = did_you_mean(tag.lower(), sorted(known)) or (
                    "its tags: " + ", ".join(sorted(known)) if known else f"no entry of {rule.id} has tags yet")
                problems.append(document.problem((*loc, "tags", number), f"no entry of section {rule.id} has this tag",
                                                 value=tag, hint=hint))
    return problems


def _tags(section: Any, publications: list[Publication], tag_fields: list[str]) -> set[str]:
    """Every tag an entry (or paper) of the section carries, in lower case."""
    if isinstance(section, PublicationsSection):
        shown = [p for p in publications if section.include == "all" or (section.include == "selected" and p.selected)
                 or (isinstance(section.include, list) and p.key in section.include)]
        return {tag for paper in shown for tag in paper.tags(tag_fields)}
    entries = [item for group in section.entries for item in group.items] \
        if isinstance(section, NestedListSection) else section.entries
    return {tag.lower() for entry in entries for tag in entry.tags}


def citation_styles(document: YamlDocument, settings: Settings,
                    source: Path) -> tuple[dict[str, CitationStyle], list[Problem]]:
    """The styles `citation_style` and the CVs' `citation_style` name, by the value written."""
    wanted = [(("citation_style",), settings.citation_style)]
    wanted += [(("cvs", index, "citation_style"), variant.citation_style) for index, variant in enumerate(settings.cvs)]
    if not any(value for _, value in wanted):
        return {}, []
    from cv_site.citations import load_style  # citeproc-py and lxml: ~20 ms, only for a site that asks

    styles: dict[str, CitationStyle] = {}
    problems = []
    for loc, value in wanted:
        if value is None or value in styles:
            continue
        try:
            styles[value] = load_style(value, source, settings.language)
        except ValueError as error:
            problems.append(document.problem(loc, str(error)))  # the message names the value
    return styles, problems

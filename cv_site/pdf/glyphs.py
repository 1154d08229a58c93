"""Every character the PDF prints must be in a font it may use: Typst would draw a box instead."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Iterable, Iterator

from cv_site.errors import Problem, UserError
from cv_site.schema import Record
from cv_site.pdf import fonts as _fonts
from cv_site.text.richtext import plain as plain_text
from cv_site.variants import CvVariant
from cv_site.views.site import SiteView

DATA_CV = "data/cv.yml"


def text_fields(view: SiteView, variant: CvVariant | None = None) -> Iterator[tuple[str, str, str] | tuple[str, str, str, int]]:
    """(file, key, text[, line]) for every piece of user text the PDF (the full CV's, or a variant's) prints."""
    person = view.model.person
    for key in ("name", "position", "affiliation", "email"):
        value = getattr(person, key)
        if value:
            yield DATA_CV, f"person.{key}", value
    for section in view.pdf_sections(variant):
        prefix = f"sections[{section.index}]" if section.index is not None else "news"
        file = DATA_CV if section.index is not None else "data/news.yml"
        yield file, f"{prefix}.title", section.title
        if section.intro:
            yield file, f"{prefix}.intro", section.intro
        yield from _walk(file, prefix, section.data, skip=("kind", "id", "title", "intro"))  # those: above
        for group in section.groups:
            for paper in group.papers:
                p = paper.publication
                for name, value in (("title", plain_text(paper.title)), ("venue", plain_text(paper.venue_line)),
                                    ("annotation", paper.annotation), ("award", paper.award), ("abbr", paper.badge),
                                    ("status", paper.status), ("author", paper.people_note),
                                    ("reference", plain_text(paper.reference))):
                    if value:
                        yield p.source.file, f"{p.key}.{name}", value, p.source.line
                for author in paper.authors:
                    yield p.source.file, f"{p.key}.author", author.name + author.marks, p.source.line


def _walk(file: str, key: str, value: Any, skip: tuple[str, ...] = ("kind", "id")) -> Iterator[tuple[str, str, str]]:
    if isinstance(value, str):
        yield file, key, value
    elif isinstance(value, (list, tuple)):
        for index, item in enumerate(value):
            yield from _walk(file, f"{key}[{index}]", item)
    elif isinstance(value, Record):
        for name in value.fields:
            if name not in skip:
                yield from _walk(file, f"{key}.{name}", getattr(value, name))


def check_glyphs(view: SiteView, font_paths: Iterable[Path] = (), variant: CvVariant | None = None) -> None:
    """Every character the PDF prints must be in a bundled or configured font (UserError if not)."""
    coverage = _fonts.coverage(tuple(font_paths))
    problems = []
    for file, key, text, *line in text_fields(view, variant):
        missing = list(dict.fromkeys(c for c in text if ord(c) >= 0x80 and not c.isspace() and ord(c) not in coverage))
        if missing:
            shown = "".join(missing[:12]) + ("…" if len(missing) > 12 else "")
            codes = ", ".join(f"U+{ord(c):04X}" for c in missing[:6])
            problems.append(Problem(
                file, line[0] if line else None, None, key, f"no PDF font has a glyph for {shown!r} ({codes})",
                hint="add a font that has them: in data/site.yml, pdf: font_paths: [fonts/NotoSerifSC-Regular.otf]"
                     " and fonts: [Noto Serif SC] (or leave the PDF out with pdf: enabled: false)",
            ))
    if problems:
        raise UserError(problems)

"""The records of a CV variant (data/site.yml: cvs): a PDF made from the same data as the full CV,
holding some of its sections, each perhaps filtered, in a theme, paper size and citation style of
its own. What a variant shows is decided in views/variants.py."""

import re
from typing import Annotated, Any, Literal

from pydantic import BeforeValidator, Field, field_validator

from cv_site.fields import Flag, Record, Rejected, WholeNumber

PAPER_SIZES = ("a4", "us-letter")
FULL_CV = "full"  # the id of the full CV, cv.pdf, which every site has
_FILE_NAME = re.compile(r"^[a-z0-9][a-z0-9._-]*\.pdf$")
_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


class VariantSection(Record):
    """One section of a variant: which, and which of its entries."""

    id: str = Field(description="The id of a section of data/cv.yml")
    title: str | None = Field(None, description="Its title in this CV (default: the section's own)")
    tags: list[str] = Field([], description="Keep only the entries (and papers) with one of these tags")
    selected: Flag = Field(False, description="Publications: keep only the selected papers")
    since: WholeNumber | None = Field(
        None, ge=1000, le=9999, description="Keep only what ran into or began in this year or later (undated entries stay)")
    limit: WholeNumber | None = Field(
        None, ge=1, description="At most this many entries: the first in the section's order; papers selected first, then newest")


def _section_form(value: Any) -> Any:
    """A section given by its id alone (`- education`) is that section, whole."""
    return {"id": value} if isinstance(value, str) else value


class CvVariant(Record):
    """A CV besides the full one (cv.pdf): a short CV, a resume, a CV in a committee's style."""

    id: str = Field(description="A short name: `cv-site build --cv ID` builds this one only")
    title: str = Field(min_length=1, description="Shown with its download link and in the PDF's metadata")
    file: str | None = Field(None, description="Its file name in the site (default: cv-ID.pdf)")
    sections: list[Annotated[VariantSection, BeforeValidator(_section_form, json_schema_input_type=str | VariantSection)]] | None = Field(
        None, description="The sections it holds, in this order: ids, or {id, title, tags, selected, since, limit} "
                          "(default: the full CV's)")
    theme: str | None = Field(None, description="Its PDF theme (default: pdf.theme)")
    paper: Literal[PAPER_SIZES] | None = Field(None, description="a4 or us-letter (default: pdf.paper)")  # type: ignore[valid-type]
    citation_style: str | None = Field(None, description="Its citation style (default: the site's citation_style)")
    max_pages: WholeNumber | None = Field(None, ge=1, description="The build warns when it runs longer")

    @field_validator("id")
    @classmethod
    def _plain_id(cls, value: str) -> str:
        if not _ID.match(value):
            raise Rejected("expected lower-case letters, digits, - or _ (it names a file)", "for example: short")
        if value == FULL_CV:
            raise Rejected(f"{FULL_CV!r} names the full CV (cv.pdf)", "for example: short")
        return value

    @field_validator("file")
    @classmethod
    def _pdf_name(cls, value: str | None) -> str | None:
        if value is not None and (not _FILE_NAME.match(value) or value == "cv.pdf"):
            raise Rejected("expected a file name of lower-case letters, digits, ., - or _ ending in .pdf, not cv.pdf "
                           "(the full CV's)", "for example: cv-short.pdf")
        return value

    @property
    def file_name(self) -> str:
        return self.file or f"cv-{self.id}.pdf"

"""Property-based tests: generated BibTeX and YAML, with arbitrary Unicode and LaTeX-ish text.

- loading never raises anything but UserError (bad data is reported, never a crash);
- every HTML page of a site that loads is well-formed (tags balance) and shows no input text as
  markup: a `<evil>` tag in any field only ever reaches a page escaped;
- the PDF compiles, or the build reports a UserError.

Bounded for CI: 200 examples for the loaders and the site, 100 for the PDF (each compiles Typst).
"""

from __future__ import annotations

import shutil
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from cv_site.errors import UserError
from cv_site.load.site import load_site
from cv_site.pdf.document import render_pdf
from cv_site.views.site import site_view
from cv_site.site.pages import SiteRenderer
from test_wild import html_problems

FUZZ = settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
PDF_FUZZ = settings(max_examples=100, deadline=None, suppress_health_check=list(HealthCheck))

EVIL = "<evil>"
LATEX_BITS = [
    "\\emph{", "\\textbf{", "{\\em ", "{\\bf ", "\\textit{", "}", "{", "$", "$\\ell_1$", "$x^{2}_i$", "\\'",
    '\\"', "{\\o}", "\\c{c}", "\\v{s}", "\\url{", "~", "--", "---", "``", "''", "\\%", "\\&", "\\", "\\foo",
    "\\frac{a}{b}", "#", "@", ",", "=", '"', "\n", "\r\n", " and ", " and others", "\ue000", "\ue004", "\ue003",
    EVIL, "</p>", "&amp;", "#set page(width: 1cm)", "[x](javascript:alert(1))", "**", "*", "_", "`",
    "郭秋杉", "محمد", "Nguyễn", "\u200f", "\x00", "\x7f", "\ufeff",
]  # fmt: skip
WELL_FORMED_BITS = ["\\emph{x}", "\\textbf{bold}", "{\\em it}", "$\\ell_1$", "$x^{2}_i$", "{\\\"o}", "{\\o}",
                    "\\c{c}", "\\v{s}", "~", "--", "``q''", "\\%", "\\foo", EVIL, "郭秋杉", "محمد", "Nguyễn",
                    "#set page(width: 1cm)", "**", "_", " and ", "\ue000"]  # fmt: skip
# Values that keep the entry well formed: no stray braces, quotes, @ or commas.
well_formed = st.lists(st.one_of(st.sampled_from(WELL_FORMED_BITS),
                                 st.text(st.characters(exclude_characters='{}"@,\\#%\x00', exclude_categories=["Cs"]),
                                         max_size=6)), max_size=8).map("".join)
# The same, in characters the bundled PDF fonts have (so more examples reach the Typst compiler).
latin_well_formed = st.lists(st.one_of(st.sampled_from([b for b in WELL_FORMED_BITS if b.isascii() or b == "Nguyễn"]),
                                       st.text(st.characters(max_codepoint=0x17F, exclude_characters='{}"@,\\#%',
                                                             exclude_categories=["Cc", "Cs"]), max_size=6)),
                             max_size=8).map("".join)
latexish = st.lists(st.one_of(st.sampled_from(LATEX_BITS), st.text(max_size=6)), max_size=10).map("".join)
ENTRY_TYPES = ["article", "book", "inbook", "incollection", "inproceedings", "conference", "proceedings",
               "phdthesis", "mastersthesis", "thesis", "techreport", "report", "manual", "misc", "online",
               "electronic", "www", "patent", "unpublished", "software", "dataset", "video", "Article"]
FIELDS = ["author", "editor", "title", "journal", "journaltitle", "booktitle", "year", "date", "month",
          "volume", "number", "pages", "publisher", "school", "institution", "type", "edition", "note",
          "howpublished", "eprint", "eprinttype", "url", "urldate", "doi", "abstract", "abbr", "award",
          "annotation", "pdf", "selected", "crossref", "chapter", "version"]


@st.composite
def bib_entry(draw: st.DrawFn, values: st.SearchStrategy[str] = latexish) -> str:
    entry_type = draw(st.sampled_from(ENTRY_TYPES))
    clean = values is not latexish  # well-formed values: a valid key, each field once, in braces
    key = st.from_regex(r"[a-z][a-z0-9_:-]{0,12}", fullmatch=True)
    key = draw(key if clean else st.one_of(key, st.sampled_from(["", "a b", "dup"])))
    fields = draw(st.lists(st.tuples(st.sampled_from(FIELDS), values), max_size=8,
                           unique_by=(lambda f: f[0]) if clean else None))
    wrap = "{{{}}}" if clean else draw(st.sampled_from(["{{{}}}", '"{}"', "{}"]))
    body = ",\n".join(f"  {name} = {wrap.format(value)}" for name, value in fields)
    return f"@{entry_type}{{{key},\n{body}\n}}\n"


bib_file = st.lists(st.one_of(bib_entry(), bib_entry(well_formed), latexish), max_size=6).map("\n".join)
yaml_text = st.one_of(latexish, st.text(max_size=30))


class _Site:
    """One folder reused by every example (the renderer is made once)."""

    def __init__(self) -> None:
        self.root = Path(tempfile.mkdtemp(prefix="cv-site-fuzz-"))
        (self.root / "data").mkdir()
        self.renderer = SiteRenderer(self.root)

    def write(self, cv: dict, bib: str = "", raw_cv: str | None = None) -> None:
        data = self.root / "data"
        for old in data.iterdir():
            old.unlink()
        text = raw_cv if raw_cv is not None else yaml.safe_dump(cv, allow_unicode=True)
        (data / "cv.yml").write_text(text, "utf-8", errors="surrogatepass")
        if bib:
            (data / "papers.bib").write_bytes(bib.encode("utf-8", errors="surrogatepass"))


@pytest.fixture(scope="module")
def site_dir():
    site = _Site()
    yield site
    shutil.rmtree(site.root, ignore_errors=True)


def default_cv(name: str = "Ada Lovelace") -> dict:
    return {"person": {"name": name}, "sections": [{"title": "Publications", "kind": "publications"}]}


def check_pages(files: dict[str, bytes]) -> None:
    for path, content in files.items():
        if path.endswith(".html"):
            html = content.decode("utf-8")
            assert html_problems(html) == [], path
            assert EVIL not in html, path
        elif path.endswith((".xml", ".json")):
            assert EVIL.encode() not in content, path


def load_and_render(site: _Site) -> None:
    try:
        model = load_site(site.root)
    except UserError:
        event("reported as a UserError")
        return
    event("loaded and rendered")
    check_pages(site.renderer.files(site_view(model)))


@FUZZ
@given(bib=bib_file)
def test_generated_bibtex_loads_or_reports_and_renders_safely(site_dir: _Site, bib: str) -> None:
    site_dir.write(default_cv(), bib)
    load_and_render(site_dir)


@FUZZ
@given(name=yaml_text, position=yaml_text, bio=yaml_text, title=yaml_text, text=yaml_text, item=yaml_text,
       date=st.one_of(st.none(), st.sampled_from(["2020", "2020.9 -", "2017 - 2020", 2019]), yaml_text,
                      st.integers(-5, 3000)))
def test_generated_yaml_loads_or_reports_and_renders_safely(site_dir: _Site, name: str, position: str, bio: str,
                                                            title: str, text: str, item: str, date: object) -> None:
    cv = {
        "person": {"name": name, "position": position, "bio": bio},
        "sections": [
            {"title": title or "T", "kind": "list", "entries": [{"text": text, "date": date}]},
            {"title": "Awards", "kind": "awards", "entries": [{"title": item, "note": text}]},
            {"title": "Text", "kind": "text", "body": bio},
        ],
    }
    site_dir.write(cv)
    load_and_render(site_dir)


@FUZZ
@given(raw=st.one_of(yaml_text, st.lists(st.sampled_from(["person:", "  name: x", "sections:", "- ", "  - title: ",
                                                           "kind: list", "{", "[", "&a", "*a", "!!python/object:os.system", ": :",
                                                           "\t", "'", '"', "  position: !!int x", "- !!bool maybe",
                                                           "  name: !!binary =", "!!timestamp 2020-13-45: y"]),
                                         max_size=8).map("\n".join)))
def test_broken_yaml_is_a_user_error(site_dir: _Site, raw: str) -> None:
    site_dir.write({}, raw_cv=raw)
    load_and_render(site_dir)


@PDF_FUZZ
@given(bib=st.lists(st.one_of(bib_entry(latin_well_formed), bib_entry(well_formed), bib_entry()), min_size=1,
                    max_size=3).map("\n".join),
       name=st.one_of(st.just("Ada Lovelace"), yaml_text))
def test_the_pdf_compiles_or_reports_a_user_error(site_dir: _Site, bib: str, name: str) -> None:
    site_dir.write(default_cv(name or "A"), bib)
    try:
        model = load_site(site_dir.root)
        pdf = render_pdf(model, site_dir.root)
    except UserError:
        event("reported as a UserError")
        return
    event("compiled")
    assert pdf.startswith(b"%PDF")

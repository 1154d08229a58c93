"""Loading BibTeX: fields, dates, venues, status, links, clean BibTeX, and every problem's message."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cv_site.load.bibtex import load_bibtex
from cv_site.model import Publication
from cv_site.schema import Person

DATA = Path(__file__).parent / "data" / "bib"
WILD = Path(__file__).parent / "wild"
OWNER = Person(name="Qiushan Guo")


def load(text: str, owner: Person | None = OWNER) -> tuple[list[Publication], list[str]]:
    publications, problems = load_bibtex(text, "data/papers.bib", owner)
    return publications, [str(problem) for problem in problems]


def load_one(text: str) -> Publication:
    publications, problems = load(text)
    assert problems == []
    (publication,) = publications
    return publication


# --- al-folio's papers.bib ------------------------------------------------------------------------


@pytest.fixture(scope="module")
def al_folio() -> dict[str, Publication]:
    publications, problems = load_bibtex((DATA / "al-folio.bib").read_text("utf-8"), "papers.bib", OWNER)
    assert problems == []
    return {p.key: p for p in publications}


def test_al_folio_file_loads_in_file_order_with_right_lines(al_folio: dict[str, Publication]) -> None:
    assert list(al_folio) == ["einstein1920relativity", "PhysRev.47.777", "guo2024regiongpt"]
    assert [p.source.line for p in al_folio.values()] == [6, 14, 44]
    assert al_folio["einstein1920relativity"].source.file == "papers.bib"


def test_al_folio_custom_fields(al_folio: dict[str, Publication]) -> None:
    paper = al_folio["PhysRev.47.777"]
    assert (paper.selected, paper.abbr, paper.month, paper.year) == (True, "PhysRev", 5, 1935)
    assert paper.annotation == "* Example use of superscripts<br>† Albert Einstein"
    assert paper.fields["preview"] == "wave-mechanics.gif"
    assert paper.fields["publisher"] == "American Physical Society,"
    assert paper.doi == "10.1103/PhysRev.47.777"
    assert [a.display for a in paper.authors] == ["A. Einstein", "B. Podolsky", "N. Rosen"]
    assert all(a.equal_contribution for a in paper.authors)
    regiongpt = al_folio["guo2024regiongpt"]
    assert (regiongpt.selected, regiongpt.award, regiongpt.arxiv_id) == (True, "Highlight", "2403.02330")
    assert regiongpt.title == "RegionGPT: Towards Region Understanding Vision Language Model"
    assert al_folio["einstein1920relativity"].selected is False


def test_al_folio_links(al_folio: dict[str, Publication]) -> None:
    links = [(link.kind.name, link.href) for link in al_folio["PhysRev.47.777"].links]
    assert links == [
        ("pdf", "assets/pdf/example_pdf.pdf"),
        ("doi", "https://doi.org/10.1103/PhysRev.47.777"),
        ("html", "https://journals.aps.org/pr/abstract/10.1103/PhysRev.47.777"),
        ("video", "https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ"),
    ]  # url left out: the html link is the paper's page
    assert [link.kind.name for link in al_folio["guo2024regiongpt"].links] == ["arxiv", "website", "code"]
    assert al_folio["einstein1920relativity"].links[0].href == "relativity.html"


def test_al_folio_owner_and_marks(al_folio: dict[str, Publication]) -> None:
    authors = al_folio["guo2024regiongpt"].authors
    assert [a.display for a in authors if a.is_owner] == ["Qiushan Guo"]
    assert authors[1].last == "De Mello"
    assert [a.display for a in authors if a.corresponding] == ["Ping Luo"]


def test_al_folio_bibtex_is_stripped_of_custom_fields(al_folio: dict[str, Publication]) -> None:
    assert al_folio["PhysRev.47.777"].bibtex == (
        "@article{PhysRev.47.777,\n"
        "  author = {Einstein, A. and Podolsky, B. and Rosen, N.},\n"
        "  title = {Can Quantum-Mechanical Description of Physical Reality Be Considered Complete?},\n"
        "  journal = {Phys. Rev.},\n"
        "  year = {1935},\n"
        "  month = may,\n"
        "  volume = {47},\n"
        "  pages = {777--780},\n"
        "  publisher = {American Physical Society,},\n"
        "  doi = {10.1103/PhysRev.47.777},\n"
        "  url = {http://link.aps.org/doi/10.1103/PhysRev.47.777}\n"
        "}"
    )


# --- values, macros, dates ------------------------------------------------------------------------


def test_string_macros_concatenation_and_case() -> None:
    paper = load_one(
        '@string{CVPR = "Proc. CVPR"}\n@string{full = cvpr # { 2024}}\n'
        '@inproceedings{a, author = {A B}, title = "T" # {itle}, booktitle = full # ", Seattle", year = 2024}'
    )
    assert paper.venue == "Proc. CVPR 2024, Seattle"
    assert paper.title == "Title"
    assert "booktitle = {Proc. CVPR 2024, Seattle}" in paper.bibtex


@pytest.mark.parametrize("month", ["sep", "SEP", "{September}", '"Sept."', "9", "{09}"])
def test_month_forms(month: str) -> None:
    assert load_one(f"@misc{{a, author = {{A B}}, title = {{T}}, year = 2024, month = {month}}}").month == 9


def test_month_macro_is_written_as_a_macro() -> None:
    paper = load_one("@misc{a, author={A B}, title={T}, year=2024, month=sep, note={N}}")
    assert "  month = sep,\n" in paper.bibtex


def test_biblatex_date() -> None:
    paper = load_one("@online{a, author = {A B}, title = {T}, date = {2024-06-17}}")
    assert (paper.year, paper.month, paper.day) == (2024, 6, 17)
    assert paper.date.iso == "2024-06-17"


def test_comments_and_preamble_are_ignored() -> None:
    publications, problems = load(
        '@comment{ @article{not, title={real}} }\n@preamble{ "\\newcommand{\\x}{y}" }\n'
        "@misc{a, author = {A B}, title = {T}}\nfree text between entries\n"
    )
    assert [p.key for p in publications] == ["a"] and problems == []


def test_front_matter_with_content_is_not_bibtex() -> None:
    text = "---\nlayout: none\nemail: me@example.org\n---\n\n@misc{a, author = {A B}, title = {T}}\n"
    publications, problems = load(text)
    assert problems == [] and publications[0].source.line == 6


def test_values_are_decoded_and_whitespace_collapsed() -> None:
    paper = load_one(
        "@article{a, author = {M{\\\"u}ller, J.}, title = {{BERT}:\n    Pre-training of\n  Deep Nets},\n"
        "journal = {J}, year = 2019, pages = {1--10}, abstract = {First.\n\n  Second $\\ell_1$.},"
        " url = {https://example.org/~me/a\\_b}}"
    )
    assert paper.title == "BERT: Pre-training of Deep Nets"
    assert paper.fields["author"] == "Müller, J."
    assert paper.fields["pages"] == "1–10"
    assert paper.abstract == "First.\n\nSecond ℓ₁."  # math as Unicode in the plain text
    assert paper.styled["abstract"] == "First.\n\nSecond \ue004\\ell_1\ue005."  # its TeX source kept
    assert paper.fields["url"] == "https://example.org/~me/a_b"


# --- crossref -------------------------------------------------------------------------------------


def test_crossref_child_inherits_from_its_parent() -> None:
    publications, problems = load((DATA / "crossref.bib").read_text("utf-8"))
    assert problems == []
    child = publications[0]
    assert child.venue == "Proceedings of the Analytical Engine Conference"
    assert (child.year, child.month, child.fields["publisher"]) == (2023, 6, "Difference Press")
    assert [e.display for e in child.editors] == ["Charles Babbage"]
    assert child.title == "Notes on the Engine"
    assert child.links == ()  # the proceedings' pdf is not the paper's
    assert "booktitle = {Proceedings of the Analytical Engine Conference}" in child.bibtex
    assert "crossref" not in child.bibtex


def test_crossref_to_a_missing_parent_warns() -> None:
    _, problems = load("@inproceedings{c, author={A B}, title={T}, year=2020,\n crossref={nowhere}}")
    assert problems == ["data/papers.bib:2:1: warning: c: crossref 'nowhere' is not in this file; nothing is inherited"]


# --- venue, status --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("entry", "venue", "kind"),
    [
        ("@article{a, journal = {Nature}", "Nature", "journal"),
        ("@article{a, journaltitle = {Nature}", "Nature", "journal"),
        ("@inproceedings{a, booktitle = {CVPR}", "CVPR", "conference"),
        ("@conference{a, booktitle = {CVPR}", "CVPR", "conference"),
        ("@incollection{a, booktitle = {A Book}, publisher = {P}", "A Book", "book"),
        ("@book{a, publisher = {Springer}", "Springer", "book"),
        ("@phdthesis{a, school = {MIT}", "MIT", "thesis"),
        ("@mastersthesis{a, school = {MIT}", "MIT", "thesis"),
        ("@techreport{a, institution = {NASA}", "NASA", "report"),
        ("@misc{a, howpublished = {Blog post}", "Blog post", "other"),
        ("@misc{a, howpublished = {\\url{https://x.org}}", "", "other"),
    ],
)
def test_venue_by_entry_type(entry: str, venue: str, kind: str) -> None:
    paper = load_one(f"{entry}, author = {{A B}}, title = {{T}}, year = 2020}}")
    assert (paper.venue, paper.venue_kind) == (venue, kind)


@pytest.mark.parametrize(
    ("entry", "status"),
    [
        ("@article{a, journal = {Nature}", "published"),
        ("@article{a, journal = {Nature}, pubstate = {submitted}", "submitted"),
        ("@inproceedings{a, booktitle = {X}, pubstate = {Under Review}", "submitted"),
        ("@misc{a, note = {Submitted to NeurIPS 2024}", "submitted"),
        ("@unpublished{a, note = {Draft}", "unpublished"),
        ("@misc{a, eprint = {2403.02330}, archiveprefix = {arXiv}", "preprint"),
        ("@online{a, eprint = {2403.02330}, eprinttype = {arxiv}", "preprint"),
        ("@article{a, journal = {arXiv preprint arXiv:2403.02330}", "preprint"),
        ("@article{a, journal = {CoRR}, volume = {abs/2403.02330}", "preprint"),
        ("@misc{a, publisher = {arXiv}, doi = {10.48550/arXiv.2403.02330}", "preprint"),
        ("@article{a, journal = {Nature}, eprint = {2403.02330}, archiveprefix = {arXiv}", "published"),
        ("@misc{a, howpublished = {Talk at X}", "published"),
    ],
)
def test_status(entry: str, status: str) -> None:
    assert load_one(f"{entry}, author = {{A B}}, title = {{T}}, year = 2024}}").status == status


# --- links ----------------------------------------------------------------------------------------


def test_arxiv_from_eprint_and_doi_without_prefix() -> None:
    paper = load_one(
        "@misc{a, author = {A B}, title = {T}, year = 2024, eprint = {2403.02330}, archivePrefix = {arXiv},"
        " doi = {https://doi.org/10.1/x}, url = {https://doi.org/10.1/x}}"
    )
    assert (paper.arxiv_id, paper.doi) == ("2403.02330", "10.1/x")
    assert [(l.kind.name, l.href) for l in paper.links] == [
        ("arxiv", "https://arxiv.org/abs/2403.02330"),
        ("doi", "https://doi.org/10.1/x"),
    ]  # the url is the DOI link again


def test_url_is_a_link_when_nothing_else_says_the_same() -> None:
    paper = load_one("@misc{a, author = {A B}, title = {T}, url = {https://example.org/p}, arxiv = {arXiv:2403.02330}}")
    assert [(l.kind.name, l.href) for l in paper.links] == [
        ("arxiv", "https://arxiv.org/abs/2403.02330"),
        ("url", "https://example.org/p"),
    ]


def test_asset_file_names_and_paths() -> None:
    paper = load_one(
        "@misc{a, author = {A B}, title = {T}, pdf = {a.pdf}, supp = {files/s.pdf}, poster = {p.png},"
        " slides = {https://x.org/s.pdf}, code = {code.zip}}"
    )
    assert [(l.kind.name, l.href) for l in paper.links] == [
        ("pdf", "assets/pdf/a.pdf"),
        ("code", "code.zip"),
        ("supp", "files/s.pdf"),
        ("slides", "https://x.org/s.pdf"),
        ("poster", "assets/pdf/p.png"),
    ]


# --- problems -------------------------------------------------------------------------------------


def test_syntax_error_names_the_entry_and_line_and_loading_goes_on() -> None:
    text = "@misc{ok1, author={A B}, title={T}}\n\n@article{broken,\n  title = {unclosed,\n  year = 2020\n}\n\n@misc{ok2, author={A B}, title={T}}\n"
    publications, problems = load(text)
    assert [p.key for p in publications] == ["ok1", "ok2"]
    assert problems == [
        "data/papers.bib:3:1: broken: BibTeX syntax error in @article entry: @misc starts before this entry is closed\n"
        "    hint: check the braces, quotes and commas: each field is `name = {value},` and every { needs its }"
    ]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("@article{a, title}", "a: BibTeX syntax error in @article entry: field 'title' has no value"),
        ("@article{a, title = {x}", "a: BibTeX syntax error in @article entry: it is not closed before the end of the file"),
        ("@article{title = {x}}", "title: BibTeX syntax error in @article entry: a comma is missing after the entry key"),
        ("@string{foo {x}}", "BibTeX syntax error in @string: a `=` is missing between a field name and its value"),
    ],
)
def test_syntax_error_messages(text: str, message: str) -> None:
    _, problems = load(text)
    assert [p.split("\n")[0] for p in problems] == [f"data/papers.bib:1:1: {message}"]


def test_duplicate_keys_are_errors_and_the_first_entry_wins() -> None:
    text = "@misc{dup, author={A B}, title={First}}\n@misc{other, author={A B}, title={T}}\n@misc{Dup, author={A B}, title={Second}}"
    publications, problems = load(text)
    assert [p.title for p in publications] == ["First", "T"]
    assert problems == [
        "data/papers.bib:3:1: Dup: duplicate BibTeX key 'Dup' (first defined on line 1)\n    hint: give each entry its own key"
    ]


def test_duplicate_fields_are_errors_and_the_first_value_wins() -> None:
    publications, problems = load("@misc{a, author={A B},\n  title = {First},\n  Title = {Second}}")
    assert publications[0].title == "First"
    assert problems == [
        "data/papers.bib:3:1: a: duplicate field 'title' (first given on line 2)\n"
        "    hint: remove one of them; BibTeX uses the first"
    ]


DUPLICATE_WARNING = "; the first value is kept\n    hint: remove one of them; BibTeX uses the first"


def test_a_duplicate_field_the_site_does_not_show_is_a_warning_and_the_first_value_wins() -> None:
    text = ("@misc{a, author={A B}, title={T},\n  bibsource = {first.bib},\n  Acknowledgement = {x},\n"
            "  BibSource = {second.bib},\n  acknowledgement = {y},\n  subject = {s}, subject = {s}}")
    (paper,), problems = load(text)
    assert (paper.fields["bibsource"], paper.fields["acknowledgement"]) == ("first.bib", "x")
    assert problems == [
        "data/papers.bib:4:1: warning: a: duplicate field 'bibsource' (first given on line 2)" + DUPLICATE_WARNING,
        "data/papers.bib:5:1: warning: a: duplicate field 'acknowledgement' (first given on line 3)" + DUPLICATE_WARNING,
        "data/papers.bib:6:1: warning: a: duplicate field 'subject' (first given on line 6)" + DUPLICATE_WARNING,
    ]


@pytest.mark.parametrize(("first", "again"), [("{1843}", "1843"), ('"Notes"', "{Notes}"), ("{A  B}", "{A B}"),
                                              ("{J}", "jn"), ("sep", "{September}")])
def test_a_shown_field_given_twice_with_the_same_value_is_a_warning(first: str, again: str) -> None:
    """The same value however written: braces or quotes, spaces, a @string macro."""
    text = (f"@string{{jn = {{J}}}}\n@article{{a, author={{A B}}, title={{T}}, journal={{J}}, year=2001,\n"
            f"  note = {first},\n  note = {again}}}")
    (paper,), problems = load(text)
    assert problems == ["data/papers.bib:4:1: warning: a: duplicate field 'note' (first given on line 3)" + DUPLICATE_WARNING]


@pytest.mark.parametrize("field", ["title", "author", "year", "month", "journal", "pages", "doi", "url", "pdf", "code",
                                   "abstract", "selected", "keywords", "note", "issn"])
def test_a_shown_field_given_twice_with_two_values_is_an_error(field: str) -> None:
    (paper,), problems = load(f"@article{{a,\n  {field} = {{1}},\n  {field.upper()} = {{2}}}}")
    assert [p for p in problems if "duplicate" in p] == [
        f"data/papers.bib:3:1: a: duplicate field '{field}' (first given on line 2)\n"
        "    hint: remove one of them; BibTeX uses the first"]


@pytest.mark.parametrize("field", ["pdf", "code", "html", "url", "website", "slides", "supp", "poster", "video", "blog"])
@pytest.mark.parametrize("address", ["ftp://ftp.example.org/pub/paper.ps.gz", "FTP://ftp.example.org/a.pdf",
                                     " ftp://ftp.example.org/a.pdf"])
def test_an_ftp_link_is_a_warning_and_is_left_out(field: str, address: str) -> None:
    text = f"@misc{{a, author={{A B}}, title={{T}},\n  {field} = {{{address}}},\n  doi = {{10.1000/x}}}}"
    (paper,), problems = load(text)
    assert [link.kind.name for link in paper.links] == ["doi"]
    assert field not in paper.fields
    assert problems == [
        f"data/papers.bib:2:1: warning: a: field '{field}' is an ftp:// address: browsers no longer open it; the link "
        f"is left out (got {address.strip()!r})\n    hint: give the file's http(s) address, or remove the field"]


def test_a_file_link_is_left_out_with_a_warning() -> None:
    """Reference managers write file:// links to the PDF on the owner's computer: no visitor can open one."""
    (paper,), problems = load("@misc{a, author={A B}, title={T},\n  url = {file:///home/me/papers/a.pdf}}")
    assert paper.links == () and "url" not in paper.fields
    assert problems == [
        "data/papers.bib:2:1: warning: a: field 'url' is a file:// address: it names a file on the computer that "
        "wrote the entry, which no visitor can open; the link is left out (got 'file:///home/me/papers/a.pdf')\n"
        "    hint: give the file's http(s) address, or remove the field"]


@pytest.mark.parametrize("address", ["data:text/html,x", "vbscript:msgbox(1)"])
def test_other_schemes_stay_unsafe_links(address: str) -> None:
    (paper,), problems = load(f"@misc{{a, author={{A B}}, title={{T}},\n  url = {{{address}}}}}")
    assert paper.links == ()
    assert problems == [f"data/papers.bib:2:1: a: unsafe link in field 'url': only http(s), mailto and relative links "
                        f"are allowed (got {address!r})"]


@pytest.mark.parametrize("field", ["pdf", "code", "html", "url", "website", "slides"])
def test_unsafe_links_are_errors(field: str) -> None:
    publications, problems = load(f"@misc{{a, author={{A B}}, title={{T}},\n  {field} = {{javascript:alert(1)}}}}")
    assert publications[0].links == ()
    assert problems == [
        f"data/papers.bib:2:1: a: unsafe link in field '{field}': only http(s), mailto and relative links are allowed"
        " (got 'javascript:alert(1)')"
    ]


def test_missing_fields_are_warnings_and_the_entry_still_loads() -> None:
    publications, problems = load("@article{guo2024, journal = {J}}\n@misc{m, title = {T}, author = {A B}}")
    assert [p.key for p in publications] == ["guo2024", "m"]
    assert publications[0].date is None
    assert problems == [
        "data/papers.bib:1:1: warning: guo2024: no title\n    hint: add title = {...}",
        "data/papers.bib:1:1: warning: guo2024: no author or editor\n    hint: add author = {Last, First and Last, First}",
        "data/papers.bib:1:1: warning: guo2024: no year; the entry is listed without a date\n    hint: add year = {2024}",
    ]


def test_unreadable_year_and_month_are_warnings() -> None:
    publications, problems = load("@article{a, author={A B}, title={T}, journal={J},\n year = {in press},\n month = {Spring}}")
    assert (publications[0].year, publications[0].month) == (None, None)
    assert [p.split("\n")[0] for p in problems] == [
        "data/papers.bib:2:1: warning: a: cannot read the year (got 'in press')",
        "data/papers.bib:3:1: warning: a: cannot read the month (got 'Spring')",
    ]


def test_unknown_entry_type_loads_as_misc() -> None:
    publications, problems = load("@talk{a, author={A B}, title={T}, year=2024}")
    assert publications[0].entry_type == "misc"
    assert problems == [
        "data/papers.bib:1:1: warning: a: unknown entry type '@talk'; it is loaded as @misc\n"
        "    hint: use @article, @inproceedings, @book, @misc..."
    ]


def test_unknown_macro_warns_and_keeps_its_name() -> None:
    publications, problems = load("@misc{a, author={A B}, title={T},\n  howpublished = neurips}")
    assert publications[0].venue == "neurips"
    assert problems == [
        "data/papers.bib:2:1: warning: a: unknown @string macro 'neurips' in field 'howpublished'\n"
        "    hint: define it with @string{neurips = {...}} or write the value in braces"
    ]


def test_missing_comma_between_fields_is_an_error() -> None:
    _, problems = load("@misc{a, author={A B},\n  title = {T} year = 2020}")
    assert problems == [
        "data/papers.bib:2:1: a: cannot read the value of field 'title' (got '{T} year = 2020')\n"
        '    hint: a comma may be missing after the value; values are {text}, "text", a number or a @string name'
    ]


@pytest.mark.parametrize(("key", "message"), [("", "the entry has no key"), ("a b", "invalid BibTeX key 'a b'")])
def test_invalid_keys_are_errors(key: str, message: str) -> None:
    publications, problems = load(f"@misc{{{key}, author={{A B}}, title={{T}}}}")
    assert publications == []
    assert [p.split("\n")[0] for p in problems] == [f"data/papers.bib:1:1: {message}"]


def test_lines_after_a_backslash_that_ends_a_line_are_counted() -> None:
    """bibtexparser does not count such a line; a LaTeX line break (\\\\) at the end of a line is one."""
    text = "@misc{a, author={A B}, title={T},\n  abstract = {Line one \\\\\n  line two}}\n@misc{b, author={A B},\n  title={T}, year = {x}}"
    publications, problems = load(text)
    assert [p.source.line for p in publications] == [1, 4]
    assert [p.split("\n")[0] for p in problems] == ["data/papers.bib:5:1: warning: b: cannot read the year (got 'x')"]
    assert publications[0].abstract == load(text.replace("\\\\\n", "\\\\ "))[0][0].abstract


# --- hostile input --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "text"),
    [
        ("<script>alert(1)</script>", "<script>alert(1)</script>"),
        ("{{ 7*7 }}", " 7*7 "),
        ("#set page(width: 1cm)", "#set page(width: 1cm)"),
        ("$", "$"),
    ],
)
def test_hostile_values_come_through_as_data(value: str, text: str) -> None:
    paper = load_one(f"@misc{{a, author = {{A B}}, title = {{{value}}}, note = {{{value}}}}}")
    assert paper.title == text and paper.fields["note"] == text
    assert f"title = {{{value}}}" in paper.bibtex


def test_input_is_kept_as_text_with_a_warning() -> None:
    value = "\\input{/etc/passwd}"
    (paper,), problems = load(f"@misc{{a, author = {{A B}}, title = {{{value}}}, note = {{{value}}}}}")
    assert [p.split("\n")[0] for p in problems] == [
        "data/papers.bib:1:1: warning: a: unknown LaTeX command \\input in field 'title'; kept as written",
        "data/papers.bib:1:1: warning: a: unknown LaTeX command \\input in field 'note'; kept as written",
    ]
    assert paper.title == value and paper.fields["note"] == value


def test_owner_may_be_none() -> None:
    publications, _ = load("@misc{a, author={Qiushan Guo}, title={T}}", owner=None)
    assert not publications[0].authors[0].is_owner


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet='@{}(),="#\\ \nabc$%~-', max_size=80))
def test_never_raises(text: str) -> None:
    publications, problems = load_bibtex(text, "x.bib", OWNER)
    assert all(problem.line is None or problem.line >= 1 for problem in problems)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=60))
def test_never_raises_inside_an_entry(value: str) -> None:
    load_bibtex(f"@article{{k, title = {{{value}}}, author = {value}}}", "x.bib", OWNER)


# --- the blocks are exactly what bibtexparser reads ------------------------------------------------

import sys  # noqa: E402

from cv_site.load import bibblocks  # noqa: E402
from cv_site.load.bibblocks import Piece, RawEntry, RawString, read_blocks, split_pieces  # noqa: E402

sys.path.insert(0, str(Path(__file__).parent.parent / "benchmarks"))
from generate_bib import generate  # noqa: E402


def blocks(text: str) -> list:
    """The file's blocks as the loader reads them: piece by piece, most without bibtexparser."""
    return [block for piece in split_pieces(text) for block in read_blocks(piece)]


def bibtexparser_blocks(text: str) -> list:
    """bibtexparser's blocks of the whole file in one `parse_string`."""
    return bibblocks._parsed_by_bibtexparser(Piece(bibblocks._blank_front_matter(text), 1, "", ""))


def without_added_spaces(blocks: list) -> list:
    """The blocks without the space bibblocks puts after a backslash that ends a line, when
    bibtexparser reads it."""
    def clean(text: str) -> str:
        return text.replace("\\ \n", "\\\n")

    return [
        block._replace(fields=[(clean(name), clean(value), line) for name, value, line in block.fields])
        if isinstance(block, RawEntry) else block._replace(value=clean(block.value)) if isinstance(block, RawString)
        else block._replace(raw=clean(block.raw))
        for block in blocks
    ]


def assert_same_blocks(text: str) -> None:
    assert without_added_spaces(blocks(text)) == without_added_spaces(bibtexparser_blocks(text))


SPLITTER_CASES = [
    '@article{a, title = {x}, author = "A and B", year = 2024, month = jan # " 1"}',
    "@article{a,\n  title = {x},\n}\n",  # trailing comma
    "@article{a,\n  title = {x}\n\n}\n@misc{b, title={y}}",
    '@article{a, title = {The {"}quoted{"} word}, note = "a {"} b"}',  # {"} in braces and quotes
    '@article{a, title = "a {"} b", x = 1}',
    "@article{a, title = {a \\} b}, x = {\\{}}",  # escaped braces
    "@article{a, title = {\\\\}, x = 1}",  # a backslash before the closing brace
    "@article{a, title = {line one \\\nline two},\n x = 1}\n@misc{b,\n y = 2}",  # backslash-newline
    "@article{a, title = {x @ y}, x = 1}",  # @ in a value
    '@article{a, note = {a@b.org, @x (no block)}, t = "q@r", \n@misc = 1}',  # @ that starts no block
    "@article{a, note = {see @misc{b}}, t = 1}\n@article{c, note = x @y (z), t = 1}",  # @ in a line
    "@article{a, title = {x\n@misc{b, y = 1}",  # unclosed, a new block starts on a new line
    "@article{a, title = {x} @misc{b, y = 1}",  # a new block starts after a broken one
    "@article{a, title = {x}} @misc{b, y = 1}\n",  # two blocks on a line
    "@article{a, title = {{{{{deep}}}}}, x = 1}",  # deeper than the expression reads
    "@article{a, title = x = y, z = 1}",
    "@article{a, title, x = 1}",
    "@article{a, title = {x} y = 1}",
    "@article(a, title = {x}, y = \")\")",  # parentheses
    "@article{a, title = {x}, title = {y}}\n@article{a, z = 1}",  # duplicate field, duplicate key
    "@article{a}",
    "@article{a, title = {x}",  # end of file
    '@article{a, t = "x{"}',  # {"} at the end of the file
    '@string{v = "Venue"}\n@article{a, journal = v # { 2024}, t = "q\\"x"}',
    "@comment{x, y = {z}}\n@preamble{\"\\newcommand\"}\n@article{a, x = {1}}",
    "@article{a, title = {x}, \\y = 1}",
    "@article{a,}\n@article{b, }\n@article{}",  # no fields, no key
    '@String {full = {The {Full} Name}}\n@string{q = "x"}\n@STRING{e = {a \\} b}}',
    "@comment{x @article{y, z = 1}}\n@preamble{ {a} }\n@Comment{jabref-meta: x;}",
    "@comment{x\n@article{y, z = 1}}",  # an @ at a line start ends a comment
    "@string{x = {a}, y = {b}}\n@string{x}\n@string{{x} = y}",
    "@article{a,\r\n  title = {x},\r\n  year = 2024\r\n}\r\n",  # CRLF
    "@article{k\\,ey, x = 1}\n@article{k@y, x = 1}\n@article{k, t\\itle = 1}",
    "text before @misc{a, x = 1}\n  \t@misc{b, y = 2}",  # a block in the first line; one after blanks
    "---\nemail: me@example.org\n---\n@misc{a, x = 1}",  # front matter
]


def test_well_formed_files_are_read_without_bibtexparser(monkeypatch: pytest.MonkeyPatch) -> None:
    """bibtexparser's slow reader is only for the pieces the regular expressions cannot read."""
    monkeypatch.setattr("cv_site.load.bibblocks._parsed_by_bibtexparser", None)
    text = generate(100) + (DATA / "al-folio.bib").read_text("utf-8") + SPLITTER_CASES[1] + SPLITTER_CASES[8]
    strings, entries = 4 + 1, 100 + 3 + 2  # generated, al-folio, the two cases
    assert len(blocks(text)) == strings + entries


@pytest.mark.parametrize("text", SPLITTER_CASES)
def test_blocks_agree_with_bibtexparser(text: str) -> None:
    assert_same_blocks(text)


def test_blocks_agree_on_files() -> None:
    paths = sorted([*DATA.glob("*.bib"), *WILD.glob("*.bib")])
    for text in [path.read_text(encoding="utf-8-sig") for path in paths] + [generate(300)]:
        assert_same_blocks(text)


_PIECES = ["@article{", "@string{", "@comment{", "@preamble{", "@misc(", "@string(", "@x {", " @y{", "@", "{",
           "}", "(", ")", '"', '{"}', ",", "=", "#", "\n", "  ", "\\", "\\\n", "\\{", "\\}", "\\,", "a", "key",
           "title = ", "x = {y}", "} y", "é王\U0001f600\x00", "\r\n", "\n@misc{", "\n @misc{"]  # fmt: skip


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_blocks_agree_on_random_text(text: str) -> None:
    assert_same_blocks(text)


_VALUE_PIECES = ["{", "}", '"', '{"}', "\\", "\\{", "\\}", '\\"', "\\,", ",", "=", "#", " ", "\n",
                 "\\\n", "word", "@", "@x{", "~", "$x$", "jan"]  # fmt: skip
_values = st.lists(st.sampled_from(_VALUE_PIECES), max_size=12).map("".join)
_fields = st.lists(st.tuples(st.sampled_from(["title", " author", "\nyear "]), _values), max_size=5)


@settings(max_examples=400, deadline=None)
@given(st.lists(_fields, min_size=1, max_size=3), st.sampled_from(["}", ",}", ",\n}\n", "\n"]))
def test_blocks_agree_on_random_entries(entries: list, end: str) -> None:
    """Entries whose fields are mostly well formed, so that the fast path is the one tested."""
    text = "".join(
        f"@article{{k{i},\n" + ",".join(f"{name} = {{{value}}}" if i % 2 else f"{name}={value}" for name, value in fields) + end
        for i, fields in enumerate(entries)
    )
    assert_same_blocks(text)


# --- serve's cache: what a reload gives is what a whole load gives -----------------------------------

from cv_site.load.bibfile import BibFile  # noqa: E402

_ENTRIES = [
    "@article{a,\n  author = {Guo, Qiushan},\n  title = {A},\n  journal = v,\n  year = 2020\n}\n",
    "@misc{b, author = {Luo, Ping}, title = {B}}\n",
    "@misc{b, author = {Luo, Ping}, title = {B again}, year = {20x}}\n",  # a duplicate key, a warning
    "@book{c,\n  title = {C},\n\n  pdf = {javascript:x}\n}\n",  # an error
    "@misc{d, title = {unclosed\n",
    "@inproceedings{e, title = {E}, crossref = {c}}\n",
    "@misc{f, title = {F}} @misc{g, title = {G}}\n",  # two on a line
    "@misc{h,\n  title = {T \\\\\n  U},\n  note = {\\foo}\n}\n",  # a line bibtexparser does not count
    "@string{v = {Venue}}\n",
    "@string{v = {Other venue}}\n",
    "@misc{s, title = {S}, journal = v} @string{v = {Inline venue}}\n",  # a macro defined after an entry
    "@strings{v = {Plural}}\n",  # a @string to bibtexparser
    "% a comment line\n",
    "\n\n",
]


def described(publications: list[Publication], problems: list) -> tuple:
    return ([(p, p.source.line) for p in publications], sorted(map(str, problems)))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from(_ENTRIES), max_size=8).map("".join), min_size=1, max_size=6),
       st.lists(st.booleans(), min_size=6, max_size=6))
def test_a_reload_gives_what_a_whole_load_gives(texts: list[str], other_owner: list[bool]) -> None:
    bib = BibFile("data/papers.bib")
    for text, other in zip(texts, other_owner):
        owner = Person(name="Ping Luo") if other else OWNER
        assert described(*bib.load(text, owner)) == described(*load_bibtex(text, "data/papers.bib", owner))


def test_a_reload_reads_only_what_changed(monkeypatch: pytest.MonkeyPatch) -> None:
    text = generate(40)
    bib = BibFile("data/papers.bib")
    first, _ = bib.load(text, OWNER)
    read = []
    original = read_blocks
    monkeypatch.setattr("cv_site.load.bibtex.read_blocks", lambda piece: read.append(piece.kind) or original(piece))
    at = text.index("title = {", len(text) // 2) + len("title = {")
    again, _ = bib.load(text[:at] + "Two\nlines " + text[at:], OWNER)
    assert read == ["", "string", "string", "string", "string", read[-1]]  # the macros and the edited entry
    moved = [new for old, new in zip(first, again) if new.source.line != old.source.line]
    assert [p for p in again if p.title.startswith("Two")] and moved  # the entries below moved down a line
    assert all(new is old for old, new in zip(first, again) if new.source.line == old.source.line and new.title == old.title)

"""BibTeX from the wild (tests/wild/): exports from Google Scholar, DBLP, Zotero/Better BibTeX
(biblatex), JabRef and Mendeley, a file kept by hand for twenty years, names from everywhere and
broken files. Each `<name>.bib` has `<name>.expected`: one block per publication (type, title with
its *italic*/**bold**/$math$ markers shown, authors, venue line, year) and every problem reported,
with file:line. `pytest --update-golden` rewrites them; review the diff.

The site and the PDF are built from the corpus too: formatting becomes <em>/<strong>, names are
<bdi>, nothing the files say becomes markup.
"""

from __future__ import annotations

import re
import shutil
import textwrap
from html.parser import HTMLParser
from pathlib import Path

import pytest

from cv_site.load.bibtex import load_bibtex
from cv_site.errors import UserError
from cv_site.load.site import load_site
from cv_site.views.venue import venue_line
from cv_site.model import Publication
from cv_site.schema import Person
from cv_site.text.richtext import BOLD, END_BOLD, END_ITALIC, END_MATH, ITALIC, MATH

WILD = Path(__file__).parent / "wild"
FILES = sorted(path.name for path in WILD.glob("*.bib"))
OWNER = Person(name="Qiushan Guo", aliases=["Myself Me"])
_SHOW = str.maketrans({ITALIC: "*", END_ITALIC: "*", BOLD: "**", END_BOLD: "**", MATH: "$", END_MATH: "$"})


def describe(publications: list[Publication], problems: list) -> str:
    lines = []
    for p in publications:
        def people(authors: tuple) -> str:
            return "; ".join(("[me] " if a.is_owner else "") + a.display for a in authors)

        lines.append(f"{p.source.line}: @{p.entry_type}{{{p.key}}} ({p.type_label}, {p.status})")
        lines.append(f"  title:   {p.styled_text('title').translate(_SHOW)}")
        if p.authors:
            lines.append(f"  authors: {people(p.authors)}")
        if p.editors:
            lines.append(f"  editors: {people(p.editors)}")
        lines.append(f"  venue:   {venue_line(p).translate(_SHOW)}")
        lines.append(f"  year:    {p.year}" + (f"-{p.month:02d}" if p.month else ""))
        if p.links:
            lines.append("  links:   " + " ".join(f"{link.kind.name}={link.href}" for link in p.links))
    for problem in problems:
        lines.append(str(problem))
    return "\n".join(lines) + "\n"


def load_file(name: str) -> tuple[list[Publication], list]:
    text = (WILD / name).read_bytes().decode("utf-8-sig")
    return load_bibtex(text, f"data/{name}", OWNER)


@pytest.mark.parametrize("name", FILES)
def test_expected_output(name: str, update_golden: bool) -> None:
    expected = WILD / name.replace(".bib", ".expected")
    actual = describe(*load_file(name))
    if update_golden:
        expected.write_text(actual, "utf-8")
    assert expected.exists(), f"{expected} is missing: run pytest --update-golden"
    assert actual == expected.read_text("utf-8")


# --- whole builds from the corpus -------------------------------------------------------------------

VOID = frozenset("area base br col embed hr img input link meta source track wbr".split())


class _Balance(HTMLParser):
    """Tracks open and close tags of non-void elements: every page must close what it opens."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        pass

    def handle_endtag(self, tag: str) -> None:
        if tag in VOID:
            return
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else 'nothing'}> at {self.getpos()}")
            if tag in self.stack:
                while self.stack.pop() != tag:
                    pass
        else:
            self.stack.pop()


def html_problems(html: str) -> list[str]:
    """Unbalanced tags in a page ([] when well-formed)."""
    parser = _Balance()
    parser.feed(html)
    parser.close()
    return parser.errors + [f"<{tag}> never closed" for tag in parser.stack]


def make_site(root: Path, bibs: dict[str, bytes], *, include: object = "all", settings: str = "") -> Path:
    data = root / "data"
    data.mkdir(parents=True)
    for name, content in bibs.items():
        (data / name).write_bytes(content)
    include_yaml = include if isinstance(include, str) else "[" + ", ".join(include) + "]"  # type: ignore[arg-type]
    (data / "cv.yml").write_text(textwrap.dedent(f"""\
        person:
          name: Qiushan Guo
          aliases: [Myself Me]
        sections:
          - title: Publications
            kind: publications
            include: {include_yaml}
        """), "utf-8")
    if settings:
        (data / "site.yml").write_text(settings, "utf-8")
    return root


def build_site(root: Path, pdf: bool = True) -> dict[str, bytes]:
    from cv_site.build import BuildOptions, build

    return build(BuildOptions(source=root, output=root / "_site", pdf=pdf)).files


GOOD = [name for name in FILES if name not in ("broken.bib", "names_world.bib")]


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory: pytest.TempPathFactory) -> dict[str, bytes]:
    root = make_site(tmp_path_factory.mktemp("wild"), {name: (WILD / name).read_bytes() for name in GOOD})
    return build_site(root)


def test_every_good_corpus_entry_is_on_the_site_and_in_the_pdf(corpus_site: dict[str, bytes]) -> None:
    keys = [p.key for name in GOOD for p in load_file(name)[0]]
    assert len(keys) == 43
    for key in keys:
        assert any(path.startswith("publications/") and path.endswith(".bib") and key.encode() in content
                   for path, content in corpus_site.items()), key
    assert corpus_site["cv.pdf"].startswith(b"%PDF")


def test_corpus_pages_are_well_formed(corpus_site: dict[str, bytes]) -> None:
    for path, content in corpus_site.items():
        if path.endswith(".html"):
            assert html_problems(content.decode()) == [], path


def test_formatting_and_math_become_html(corpus_site: dict[str, bytes]) -> None:
    html = corpus_site["publications/index.html"].decode()
    assert "On <em>Nested</em> Braces and <em>italic</em> and <strong>bold</strong> text—and “quotes”" in html
    assert '<span class="math" title="$\\ell_1$">ℓ₁</span>' in html
    assert '<span class="math" title="$\\mathbb{R}^n$">ℝⁿ</span>' in html
    assert "A Thesis on <em>Things</em>" in html
    for venue in ["PhD thesis, The University of Hong Kong", "Patent US 9406017, Google LLC",
                  "Technical Report TR-1, IBM", "Software, version 1.3, PyTorch Foundation",
                  "Dataset, Stanford Vision Lab", "Master&#39;s thesis, Massachusetts Institute of Technology",
                  "In: Jane Smith, John Doe (eds.), Advances in AI, Volume\u00a02, 2nd edition, pp.\u00a055–78. Springer, Berlin",
                  "Manual, 4th edition, R Foundation for Statistical Computing", "arXiv:1412.6980",
                  "Technical Report MIT-CSAIL-TR-2021-003, Massachusetts Institute of Technology"]:
        assert f'<bdi class="where">{venue}</bdi>' in html, venue
    assert "<bdi>Myself Me</bdi></strong>, <bdi>et al.</bdi>" in html
    assert "Shai Avidan</bdi>, " in html and "Tal Hassner</bdi> (eds.)" in html  # an edited volume
    meta = corpus_site["publications/sparse2012/index.html"].decode()
    assert '<meta name="citation_title" content="Sparse recovery with ℓ₁ minimization in ℝⁿ and O(n log n) time">' in meta


def test_formatting_reaches_the_pdf(corpus_site: dict[str, bytes], tmp_path: Path) -> None:
    import subprocess

    (tmp_path / "cv.pdf").write_bytes(corpus_site["cv.pdf"])
    text = subprocess.run(["pdftotext", "-raw", str(tmp_path / "cv.pdf"), "-"], capture_output=True, text=True,
                          check=True).stdout
    squashed = " ".join(text.split())
    for expected in ["PhD thesis, The University of Hong Kong", "Patent US 9406017", "Software, version 1.3",
                     "Sparse recovery with ℓ1 minimization", "Technical Report TR-1, IBM"]:
        assert expected in squashed, expected
    fonts = subprocess.run(["pdffonts", str(tmp_path / "cv.pdf")], capture_output=True, text=True).stdout
    assert "Italic" in fonts and "Bold" in fonts


def test_names_from_everywhere_on_the_site(tmp_path: Path) -> None:
    files = build_site(make_site(tmp_path, {"names_world.bib": (WILD / "names_world.bib").read_bytes()}), pdf=False)
    html = files["publications/index.html"].decode()
    assert html_problems(html) == []
    for name in ["郭秋杉", "山田太郎", "김민수", "王小明", "محمد بن موسى الخوارزمي", "משה כהן", "Văn Nguyễn",
                 "Aristotle", "Barnes and Noble, Inc."]:
        assert f"<bdi>{name}</bdi>" in html, name
    assert '<h3 class="paper-title" dir="auto"><a href="/publications/rtl_names/">الجبر والمقابلة</a></h3>' in html
    assert html.count("<bdi>et al.</bdi>") == 2
    assert '<strong class="me"><bdi>Qiushan Guo</bdi></strong>' in html


def test_cjk_names_in_the_pdf_need_a_font(tmp_path: Path) -> None:
    """No CJK font is bundled (and none is installed here): the build names the missing glyphs
    and where they are; a configured font (DejaVu Sans, when installed) covers Arabic and Hebrew."""
    dejavu = Path("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf")
    settings = ""
    if dejavu.exists():
        shutil.copy(dejavu, tmp_path / "DejaVuSans.ttf")
        settings = "pdf:\n  font_paths: [DejaVuSans.ttf]\n  fonts: [DejaVu Sans]\n"
    root = make_site(tmp_path, {"names_world.bib": (WILD / "names_world.bib").read_bytes()}, settings=settings)
    with pytest.raises(UserError) as error:
        build_site(root)
    report = str(error.value)
    assert "data/names_world.bib:8: cjk_native.title: no PDF font has a glyph for '视觉语言模型的区域理解'" in report
    assert "cjk_native.author: no PDF font has a glyph for '郭秋杉'" in report
    assert "hint: add a font that has them" in report
    if dejavu.exists():
        assert "rtl_names" not in report and "vietnamese" not in report
        # Without the CJK entry, Arabic, Hebrew and Vietnamese compile with the configured font.
        text = (WILD / "names_world.bib").read_text("utf-8")
        text = re.sub(r"@article\{cjk_native,.*?\n\}\n", "", text, flags=re.DOTALL)
        (root / "data" / "names_world.bib").write_text(text, "utf-8")
        assert build_site(root)["cv.pdf"].startswith(b"%PDF")


# --- broken input -----------------------------------------------------------------------------------


def test_broken_file_reports_every_problem_and_keeps_every_good_entry(tmp_path: Path) -> None:
    publications, problems = load_file("broken.bib")
    assert {"good_first", "good_second", "good_third"} <= {p.key for p in publications}
    root = make_site(tmp_path, {"broken.bib": (WILD / "broken.bib").read_bytes(),
                                "good.bib": (WILD / "jabref.bib").read_bytes()})
    with pytest.raises(UserError) as error:
        build_site(root)
    report = str(error.value)
    for line in ["data/broken.bib:8:1: unbalanced: BibTeX syntax error", "data/broken.bib:23:1: missing_comma:",
                 "data/broken.bib:28:1: the entry has no key", "data/broken.bib:37:1: duplicate_field: duplicate field",
                 "data/broken.bib:45:1: no_value: cannot read the value of field 'journal'"]:
        assert line in report
    assert not (root / "_site").exists()  # nothing written


def test_bom_and_crlf_load_with_the_right_lines(tmp_path: Path) -> None:
    root = make_site(tmp_path, {"bom_crlf.bib": (WILD / "bom_crlf.bib").read_bytes()})
    site = load_site(root)
    assert [(p.key, p.source.line, p.title) for p in site.publications] == [
        ("crlf_two", 8, "With a byte order mark"), ("crlf_one", 1, "Written on Windows")]


def test_a_one_megabyte_abstract_comes_through() -> None:
    paragraph = "We study \\emph{sparse} models with $\\ell_1$ penalties and {\\\"o}ther things. " * 135
    abstract = "\n\n".join([paragraph] * 100)
    assert len(abstract) > 1_000_000
    text = f"@article{{big, author = {{A B}}, title = {{T}}, journal = {{J}}, year = 2020, abstract = {{{abstract}}}}}"
    (paper,), problems = load_bibtex(text, "data/big.bib", None)
    assert problems == []
    assert paper.abstract.count("ℓ₁") == 135 * 100 and paper.abstract.count("öther") == 135 * 100
    assert paper.styled["abstract"].count(ITALIC) == 135 * 100


def test_twenty_thousand_entries_all_come_through() -> None:
    entries = [f"@article{{k{i}, author = {{Auth{i % 97}, A. and Guo, Qiushan}}, title = {{Title {i} with "
               f"{{Braces}} and \\'e}}, journal = {{J{i % 13}}}, year = {1990 + i % 30}, pages = {{1--{i}}}}}"
               for i in range(20_000)]
    publications, problems = load_bibtex("\n\n".join(entries), "data/many.bib", OWNER)
    assert problems == [] and len(publications) == 20_000
    assert publications[-1].title == "Title 19999 with Braces and é" and publications[-1].authors[1].is_owner


# --- what BibTeX only warns about: the build goes on -------------------------------------------------

DUPLICATE_HINT = "\n    hint: remove one of them; BibTeX uses the first"
CONVERT_HINT = ("\n    hint: convert it to UTF-8: iconv -f windows-1252 -t utf-8 data/{0} > data/{0}.utf8 && "
                "mv data/{0}.utf8 data/{0}, or save it as UTF-8 in your editor")


NO_LINK = ("warning: {key}: no way to read it: no pdf, doi, arxiv or url\n"
           "    hint: add the DOI (doi = {{10...}}), the arXiv id (arxiv = {{2103.12345}}), a pdf or a url\n")


def linted(command: tuple[str, ...], *findings: tuple[str, str]) -> str:
    """What `check` adds after the loader's warnings: the linter's findings (tests/test_lint.py);
    a build without `strict` does not lint."""
    return "".join(f"{where}: " + NO_LINK.format(key=key) for where, key in findings) if command[0] == "check" else ""


def run(root: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture, *command: str) -> tuple[int, str]:
    """`cv-site COMMAND` in the site's folder: its exit status and what it printed on stderr."""
    from cv_site.cli import main

    monkeypatch.chdir(root)
    status = main(list(command))
    return status, capsys.readouterr().err


@pytest.mark.parametrize("command", [("check",), ("build", "--no-pdf")])
def test_duplicate_fields_the_site_does_not_show_are_warnings(command: tuple[str, ...], tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """An archive bibliography merged from two: `bibsource`, `acknowledgement`, `subject` given twice,
    and `ISSN` twice with the same value. BibTeX keeps the first; so does cv-site, and says so."""
    root = make_site(tmp_path, {"tex_archive_duplicates.bib": (WILD / "tex_archive_duplicates.bib").read_bytes()})
    status, err = run(root, monkeypatch, capsys, *command)
    file = "data/tex_archive_duplicates.bib"
    path_hint = "\n    hint: write the text it stands for (cv-site does not read \\newcommand or @preamble)\n"
    assert (status, err) == (0, (
        f"{file}:39:1: warning: Knuth:1984:LP: unknown LaTeX command \\path in field 'acknowledgement'; kept as "
        "written" + path_hint
        + f"{file}:41:1: warning: Knuth:1984:LP: duplicate field 'bibsource' (first given on line 38); the first "
        "value is kept" + DUPLICATE_HINT + "\n"
        f"{file}:42:1: warning: Knuth:1984:LP: duplicate field 'acknowledgement' (first given on line 39); the first "
        "value is kept" + DUPLICATE_HINT + "\n"
        f"{file}:57:1: warning: Knuth:1989:ETT: duplicate field 'issn' (first given on line 54); the first value is "
        "kept" + DUPLICATE_HINT + "\n"
        f"{file}:58:1: warning: Knuth:1989:ETT: duplicate field 'subject' (first given on line 55); the first value "
        "is kept" + DUPLICATE_HINT + "\n"
        f"{file}:59:1: warning: Knuth:1989:ETT: unknown LaTeX command \\path in field 'acknowledgement'; kept as "
        "written" + path_hint + linted(command, (f"{file}:47:1", "Knuth:1989:ETT"))))
    if command[0] == "build":
        page = (root / "_site" / "publications" / "index.html").read_text("utf-8")
        assert "Literate Programming" in page and "The Errors of TeX" in page


def test_a_duplicate_shown_field_with_two_values_stays_an_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                capsys) -> None:
    text = (WILD / "tex_archive_duplicates.bib").read_text("utf-8")
    text = text.replace('  subject =      "K.6.3', '  pages =        "607--686",\n  subject =      "K.6.3')
    root = make_site(tmp_path, {"tex_archive_duplicates.bib": text.encode()})
    status, err = run(root, monkeypatch, capsys, "build", "--no-pdf")
    assert status == 1
    assert ("data/tex_archive_duplicates.bib:58:1: Knuth:1989:ETT: duplicate field 'pages' (first given on line 51)"
            + DUPLICATE_HINT + "\n") in err
    assert err.endswith("\n1 error found; nothing was written.\n")
    assert not (root / "_site").exists()


@pytest.mark.parametrize("command", [("check",), ("build", "--no-pdf")])
def test_an_ftp_link_is_left_out_with_a_warning(command: tuple[str, ...], tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    root = make_site(tmp_path, {"ftp_links.bib": (WILD / "ftp_links.bib").read_bytes()})
    status, err = run(root, monkeypatch, capsys, *command)
    assert (status, err) == (0, (
        "data/ftp_links.bib:9:1: warning: guo1996sparse: field 'url' is an ftp:// address: browsers no longer open "
        "it; the link is left out (got 'ftp://reports.stanford.edu/pub/cstr/reports/cs/tr/96/157...)\n"
        "    hint: give the file's http(s) address, or remove the field\n"
        "data/ftp_links.bib:18:1: warning: guo1998tiles: field 'pdf' is an ftp:// address: browsers no longer open "
        "it; the link is left out (got 'FTP://ftp.example.edu/pub/papers/guo98tiles.pdf')\n"
        "    hint: give the file's http(s) address, or remove the field\n"
        + linted(command, ("data/ftp_links.bib:5:1", "guo1996sparse"))))
    if command[0] == "build":
        pages = "".join(path.read_text("utf-8") for path in (root / "_site").rglob("*.html"))
        assert "Sparse Codes for Natural Images" in pages and "Tiling the Plane with Few Colours" in pages
        assert re.search(r'="\s*ftp:', pages, re.IGNORECASE) is None  # no link; the BibTeX box keeps its text
        assert 'href="https://example.edu/~guo/tiles/"' in pages


def test_an_ftp_link_is_left_out_of_the_reference_too() -> None:
    (report, paper), problems = load_file("ftp_links.bib")
    assert "url" not in report.fields and "pdf" not in paper.fields
    assert [link.kind.name for link in paper.links] == ["html"]
    assert "ftp://reports.stanford.edu/" in report.bibtex  # the BibTeX offered for download is as written


@pytest.mark.parametrize("command", [("check",), ("build", "--no-pdf")])
def test_a_windows_1252_file_is_read_with_a_warning(command: tuple[str, ...], tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    """Written on Windows by an older reference manager: é, ü, ’, “ ” and – as single bytes, CRLF."""
    raw = (WILD / "cp1252.bib.bytes").read_bytes()
    assert b"\xe9" in raw and b"\xfc" in raw and b"\x92" in raw and b"\x93" in raw and b"\r\n" in raw
    root = make_site(tmp_path, {"cp1252.bib": raw})
    status, err = run(root, monkeypatch, capsys, *command)
    assert (status, err) == (0, "data/cp1252.bib:1:20: warning: not UTF-8 but Windows-1252 (Latin-1): read as "
                                "Windows-1252 (byte 0x92 is '’')" + CONVERT_HINT.format("cp1252.bib") + "\n"
                                + linted(command, ("data/cp1252.bib:5:1", "dupont2003"),
                                         ("data/cp1252.bib:14:1", "guo2005")))
    site = load_site(root)
    assert [(p.key, p.source.line, p.title, [a.display for a in p.authors], p.venue) for p in site.publications] == [
        ("guo2005", 12, "Café Tables: Naïve Layouts for Übersichten", ["Qiushan Guo", "Renée Schürmann"],
         "Actes de la Conférence Francophone"),
        ("dupont2003", 3, "L’analyse des données “bruitées”", ["André Dupont", "Jürgen Müller"],
         "Revue d’Intelligence Artificielle"),
    ]
    assert site.publications[1].fields["pages"] == "211–230"
    if command[0] == "build":
        page = (root / "_site" / "publications" / "index.html").read_text("utf-8")
        assert "L’analyse des données “bruitées”" in page and "Renée Schürmann" in page


def test_a_latin_1_file_is_read_as_windows_1252(tmp_path: Path) -> None:
    raw = (WILD / "latin1.bib.bytes").read_bytes()
    site = load_site(make_site(tmp_path, {"latin1.bib": raw}))
    assert [a.display for a in site.publications[0].authors] == ["Jörg Müller"]
    assert [str(w) for w in site.warnings if w.file.endswith("latin1.bib")] == [
        f"{tmp_path}/data/latin1.bib:2:14: warning: not UTF-8 but Windows-1252 (Latin-1): read as Windows-1252 "
        f"(byte 0xfc is 'ü')" + CONVERT_HINT.replace("data/", f"{tmp_path}/data/").format("latin1.bib")]


def test_a_file_neither_utf8_nor_windows_1252_is_a_located_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                                   capsys) -> None:
    """An MS-DOS file (code page 437: ü is 0x81, which Windows-1252 leaves undefined), and a UTF-8
    file with one stray Windows-1252 byte (read as Windows-1252, its UTF-8 would be "MÃ¼ller")."""
    raw = (WILD / "dos_cp437.bib.bytes").read_bytes()
    utf8 = "@article{mixed,\n  author = {Müller, Jürgen},\n  title = {Caf".encode() + b"\xe9}, year = 2001}\n"
    binary = b"@misc{x, title = {\xe9}}\n\x00\x01\x02"
    root = make_site(tmp_path, {"dos.bib": raw, "mixed.bib": utf8, "zbinary.bib": binary})
    status, err = run(root, monkeypatch, capsys, "check")
    hint = "\n    hint: save the file as UTF-8 (most editors: 'Save with encoding')\n"
    dos_offset, mixed_offset = raw.index(b"\x81"), utf8.index(b"\xe9")
    assert (status, err) == (1, (
        f"data/dos.bib:4:14: not UTF-8: byte 0x81 at offset {dos_offset} cannot be decoded" + hint
        + f"data/mixed.bib:3:15: not UTF-8: byte 0xe9 at offset {mixed_offset} cannot be decoded" + hint
        + "data/zbinary.bib:1:19: not UTF-8: byte 0xe9 at offset 18 cannot be decoded" + hint
        + "3 errors found; nothing was written.\n"))

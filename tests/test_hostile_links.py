"""Hostile links: whatever scheme a link or image hides (`&#106;avascript:`, `java&Tab;script:`,
`data:`, reference definitions, raw HTML...), the built site and the PDF link only to http(s),
mailto and relative addresses, run no script from the data, and keep a refused link's text.

Each case of the corpus goes through a real build of a small site, written into every Markdown field
kind (bio, news, details, intros, text bodies, map values, highlights, summaries, titles, notes and a
paper's annotation), with `allow_html` false and true. Every built page is parsed and checked the
way a browser reads it; the PDF's Typst source and its bytes are checked for their link targets.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from xml.etree import ElementTree

import markdown
import pytest

from cv_site.views.site import site_view
from cv_site.build import BuildOptions, build
from cv_site.errors import UserError
from cv_site.links import is_safe_url
from cv_site.load.site import load_site
from cv_site.site.markdown import MarkdownRenderer
from cv_site.pdf.document import PdfRenderer, render_pdf
from cv_site.pdf.typst import inline as typst_inline

# --- the corpus ----------------------------------------------------------------------------------

MARKDOWN_CASES = [
    # character references, every notation, in the scheme
    "[c1](&#106;avascript:alert(1))",
    "[c2](&#x6A;avascript:alert(1))",
    "[c3](&#X6a;avascript:alert(1))",
    "[c4](&#0000106;avascript:alert(1))",
    "[c5](&#x00006a;avascript:alert(1))",
    "[c6](&#106avascript:alert(1))",
    "[c7](java&#x73cript:alert(1))",
    "[c8](javascript&#58;alert(1))",
    "[c9](javascript&#x3A;alert(1))",
    "[c10](javascript&colon;alert(1))",
    "[c11](&#x6a&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3a;alert(1))",
    "[c12](&#0000106&#0000097&#0000118&#0000097&#0000115&#0000099&#0000114&#0000105&#0000112&#0000116&#0000058alert(1))",
    "[c13](javascript&#x3a;alert&lpar;1&rpar;)",
    # tabs, newlines, controls and spaces inside and around the scheme
    "[c14](java&Tab;script:alert(1))",
    "[c15](java&NewLine;script:alert(1))",
    "[c16](java&#9;script:alert(1))",
    "[c17](java&#10;script:alert(1))",
    "[c18](java&#13;script:alert(1))",
    "[c19](jav&#x0A;ascript:alert(1))",
    "[c20](&Tab;javascript:alert(1))",
    "[c21](&#x20;javascript:alert(1))",
    "[c22](&#1;javascript:alert(1))",
    "[c23](&#14;javascript:alert(1))",
    "[c24](\x01javascript:alert(1))",
    "[c25](java\tscript:alert(1))",
    "[c26](java\nscript:alert(1))",
    "[c27](\tjavascript:alert(1))",
    # case, quotes, titles, parentheses
    "[c28](JaVaScRiPt:alert(1))",
    "[c29](JAVASCRIPT:alert(1))",
    "[c30](javascript:alert('a'))",
    '[c31](javascript:alert("a"))',
    '[c32](javascript:alert(1) "title")',
    "[c33](javascript:void(0))",
    "[c34](javascript://%0aalert(1))",
    "[c35](<javascript:alert(1)>)",
    # other schemes
    "[c36](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[c37](data&colon;text/html,<script>alert(1)</script>)",
    "[c38](vbscript:msgbox(1))",
    "[c39](VBScript&#58;msgbox(1))",
    "[c40](file:///etc/passwd)",
    # reference-style links and autolinks
    "[c41][r1]\n\n[r1]: javascript:alert(1)",
    "[c42][r2]\n\n[r2]: &#106;avascript:alert(1)",
    "[c43][]\n\n[c43]: java&Tab;script:alert(1)",
    "[c44]\n\n[c44]: data:text/html,x",
    '[c45][r3]\n\n[r3]: <javascript:alert(1)> "t"',
    "<javascript:alert(1)>",
    "<JAVASCRIPT:alert(1)>",
    "<data:text/html,x>",
    "<vbscript:msgbox(1)>",
    # images
    "![c50](javascript:alert(1))",
    "![c51](&#106;avascript:alert(1))",
    "![c52](data:image/svg+xml;base64,PHN2Zz48c2NyaXB0PmFsZXJ0KDEpPC9zY3JpcHQ+PC9zdmc+)",
    "![c53][r4]\n\n[r4]: javascript:alert(1)",
    "![c54](java&#x09;script:alert(1) \"t\")",
    # nested Markdown
    "*[c55](javascript:alert(1))*",
    "**[c56](&#106;avascript:alert(1))**",
    "[![c57](javascript:alert(1))](javascript:alert(2))",
    "[![c58](https://example.org/i.png)](javascript:alert(2))",
    "[**c59** *x*](java&#x09;script:alert(1))",
    "- [c60](javascript:alert(1))\n- item",
    "> [c61](javascript:alert(1))",
    "`[c62](javascript:alert(1))`",
    "[c63](javascript:alert(1))[c64](data:,x)",
    '[c65](https://example.org/" onclick="alert(1))',
    '[c66](https://example.org/ "javascript:alert(1)")',
    "[c67](javascript:alert(1)",
    # other constructs of the reader: a code block, a heading, a bare URL
    "```\n[c68](javascript:alert(1))\n```",
    "# [c69](javascript:alert(1))",
    'c70 javascript:alert(1) https://example.org/"onclick="alert(1)',
]

RAW_HTML_CASES = [
    '<a href="javascript:alert(1)">h1</a>',
    '<a href="&#106;avascript:alert(1)">h2</a>',
    '<a href="java&Tab;script:alert(1)">h3</a>',
    "<a href=javascript:alert(1)>h4</a>",
    '<a href="  javas&#99;ript:alert(1)">h5</a>',
    '<a href="https://example.org/" onclick="alert(1)">h6</a>',
    '<a href="https://example.org/" onmouseover=alert(1) style="position:fixed;inset:0">h7</a>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">h8</a>',
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)" alt="h10">',
    '<img src=x onerror="alert(1)"/>',
    "<svg><script>alert(1)</script></svg>",
    "<svg onload=alert(1)>",
    '<iframe src="javascript:alert(1)"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<form action="javascript:alert(1)"><button>h16</button></form>',
    '<form><button formaction="javascript:alert(1)">h17</button></form>',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://example.org/x.js></SCRIPT>",
    "<style>body{background:url(javascript:alert(1))}</style>",
    '<div style="background:url(javascript:alert(1))">h23</div>',
    '<math><a xlink:href="javascript:alert(1)">h24</a></math>',
    "<details open ontoggle=alert(1)>h25</details>",
    "<body onload=alert(1)>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    "<input autofocus onfocus=alert(1)>",
    '<video><source onerror="alert(1)"></video>',
    '<!--<img src="--><img src=x onerror=alert(1)//">',
    '<noscript><p title="</noscript><img src=x onerror=alert(1)>"></noscript>',
    '<table background="javascript:alert(1)"><tr><td>h33</td></tr></table>',
    "<textarea><script>alert(1)</script></textarea>",
    '<a href="https://example.org/">ok <img src="javascript:alert(1)" alt="h35"></a>',
]

CASES = MARKDOWN_CASES + RAW_HTML_CASES
BENIGN = "[plain](https://example.org/plain)"


def test_at_least_60_cases_would_run_something_without_the_sanitizer() -> None:
    """The corpus has teeth: python-markdown as it comes (raw HTML kept, no link checked) writes an
    address or handler a browser would run, or an active element (script, iframe, form...), for at
    least 60 distinct cases; the tests below show the build writes none of them."""
    unsafe = {case for case in CASES if dangers(html := markdown.markdown(case)) or active_elements(html)}
    assert len(unsafe) >= 60, sorted(set(CASES) - unsafe)


# --- a small site holding one text in every Markdown field ---------------------------------------


def cv_yml(text: str) -> str:
    t = json.dumps(text)  # a JSON string is a YAML double-quoted scalar
    return f"""\
person:
  name: Ada Lovelace
  affiliation: Analytical Society
  affiliation_url: https://example.org/society
  email: ada@example.org
  bio: {t}
  links: {{homepage: "https://example.org/ada"}}
sections:
  - title: Education
    kind: education
    intro: {t}
    entries:
      - institution: University of London
        date: 1835 - 1840
        degree: Private tuition
        details: {t}
        highlights: [{t}]
  - title: Experience
    kind: experience
    intro: {t}
    entries:
      - organization: Analytical Engine Project
        date: 1842 - 1843
        role: Translator
        summary: [{t}]
        highlights: [{t}]
        projects:
          - title: {t}
            highlights: [{t}]
  - title: Awards
    kind: awards
    intro: {t}
    entries:
      - title: {t}
        note: {t}
        date: 1840
  - title: Talks
    kind: list
    intro: {t}
    entries:
      - text: {t}
        date: 1843
  - title: Service
    kind: nested_list
    intro: {t}
    entries:
      - title: Reviewer
        items:
          - text: {t}
  - title: Skills
    kind: map
    intro: {t}
    entries:
      - name: Languages
        value: {t}
  - title: Statement
    kind: text
    intro: {t}
    body: {t}
  - title: Publications
    kind: publications
    intro: {t}
    include: all
"""


def bib(annotation: str, **fields: str) -> str:
    extra = "".join(f"  {name} = {{{value}}},\n" for name, value in fields.items())
    # BibTeX values are brace-delimited: a text with braces of its own goes without an annotation.
    note = f"  annotation = {{{annotation}}},\n" if not re.search(r"[{}]", annotation) else ""
    return ("@article{lovelace1843notes,\n  title = {Notes on the Analytical Engine},\n"
            "  author = {Lovelace, Ada},\n  journal = {Scientific Memoirs},\n  year = {1843},\n"
            f"  selected = {{true}},\n  url = {{https://example.org/notes}},\n{note}{extra}}}\n")


def make_site(folder: Path, texts: list[str], allow_html: bool) -> Path:
    """A site with texts[0] in every Markdown field of cv.yml and the paper's annotation, and each
    text as a news item of its own (the news are in the PDF too)."""
    data = folder / "data"
    data.mkdir(parents=True)
    (data / "site.yml").write_text(
        f"url: https://example.org/\nallow_html: {str(allow_html).lower()}\npdf:\n  include_news: true\n",
        encoding="utf-8")
    (data / "cv.yml").write_text(cv_yml(texts[0]), encoding="utf-8")
    news = "".join(f"  - date: 2024.{1 + i % 12}\n    text: {json.dumps(text)}\n" for i, text in enumerate(texts))
    (data / "news.yml").write_text("news:\n" + news, encoding="utf-8")
    (data / "papers.bib").write_text(bib(texts[0]), encoding="utf-8")
    return folder


def build_site(folder: Path, texts: list[str], allow_html: bool) -> dict[str, str]:
    """The built site's HTML and XML files, by path."""
    source = make_site(folder, texts, allow_html)
    output = folder / "_site"
    build(BuildOptions(source, output, pdf=False))
    return {p.relative_to(output).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(output.rglob("*")) if p.suffix in (".html", ".xml")}


# --- what a browser would run ---------------------------------------------------------------------

SAFE = {"", "http", "https", "mailto"}
# Attributes a browser reads as an address.
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "poster", "background", "cite", "codebase",
                  "longdesc", "lowsrc", "dynsrc", "usemap", "manifest", "icon", "ping", "srcset", "xlink:href",
                  "archive", "classid", "profile"}
# Elements that run, embed or submit something; the theme's own (its scripts, icons, the filter form)
# are counted on a page built from harmless text, and a hostile build must not add any.
ACTIVE = {"script", "iframe", "object", "embed", "form", "frame", "frameset", "applet", "base", "svg", "math",
          "style", "template", "noscript", "textarea", "input", "button", "select", "link", "meta", "video",
          "audio", "source", "details", "body", "html"}


def scheme(value: str) -> str:
    """The scheme a browser finds in an attribute value (entities are already decoded by the
    parser): C0 controls and spaces cut from the ends, tabs and newlines removed, case folded."""
    value = re.sub(r"[\t\n\r]", "", value.strip("".join(map(chr, range(0x21)))))
    match = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", value)
    return match.group(1).lower() if match else ""


class Elements(HTMLParser):
    """Every start tag of a page with its attributes (values decoded, as a browser decodes them)."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, list[tuple[str, str]]]] = []
        self.feed(html)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, [(name, value or "") for name, value in attrs]))


def dangers(html: str) -> list[str]:
    """What a browser could run: event handlers, addresses with another scheme, a refresh."""
    found = []
    for tag, attrs in Elements(html).elements:
        for name, value in attrs:
            if name.startswith("on") or (name in URL_ATTRIBUTES and scheme(value) not in SAFE):
                found.append(f"<{tag} {name}={value!r}>")
            elif name == "style" and re.search(r"url\s*\(|expression", value, re.IGNORECASE):
                found.append(f"<{tag} style={value!r}>")
        if tag == "meta" and dict(attrs).get("http-equiv", "").lower() == "refresh":
            found.append(f"<meta http-equiv=refresh content={dict(attrs).get('content')!r}>")
    return found


def active_elements(html: str) -> Counter[str]:
    """The active elements of a page, and every style attribute, with their attribute names."""
    counted: Counter[str] = Counter()
    for tag, attrs in Elements(html).elements:
        names = sorted(name for name, _ in attrs)
        if tag in ACTIVE:
            counted[f"{tag} {names}"] += 1
        if "style" in names:
            counted[f"{tag} with style"] += 1
    return counted


def feed_contents(xml: str) -> list[str]:
    """The HTML of the feed's entries, as a feed reader shows it."""
    root = ElementTree.fromstring(xml)
    return [content.text or "" for content in root.iter("{http://www.w3.org/2005/Atom}content")]


# --- the corpus through real builds --------------------------------------------------------------


@pytest.fixture(scope="module", params=[False, True], ids=["allow_html=false", "allow_html=true"])
def baseline(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[bool, dict[str, Counter[str]]]:
    """The active elements of each page of the same site built from harmless text."""
    allow_html = request.param
    pages = build_site(tmp_path_factory.mktemp("baseline"), [BENIGN], allow_html)
    return allow_html, {path: active_elements(text) for path, text in pages.items() if path.endswith(".html")}


@pytest.mark.parametrize("case", CASES)
def test_a_hostile_text_builds_a_harmless_site(case: str, baseline, tmp_path: Path) -> None:
    allow_html, active_before = baseline
    pages = build_site(tmp_path, [case], allow_html)
    assert sorted(path for path in pages if path.endswith(".html")) == sorted(active_before)
    for path, text in pages.items():
        if path == "feed.xml":
            for content in feed_contents(text):
                assert dangers(content) == [], (path, content)
                assert not active_elements(content), (path, content)
        elif path.endswith(".html"):
            assert dangers(text) == [], path
            assert active_elements(text) == active_before[path], path
    marker = re.search(r"\b[ch]\d+\b", case)
    if marker and (case in MARKDOWN_CASES or not allow_html):  # a refused link or image keeps its text
        assert marker.group() in pages["index.html"]


@pytest.mark.parametrize("allow_html", [False, True], ids=["allow_html=false", "allow_html=true"])
@pytest.mark.parametrize("case", CASES)
def test_the_pdf_source_links_only_to_http_and_mailto(case: str, allow_html: bool, tmp_path: Path) -> None:
    source = make_site(tmp_path, [case], allow_html)
    code, _ = PdfRenderer(source).typst_source(site_view(load_site(source)))
    targets = typst_link_targets(code)
    assert "https://example.org/society" in targets  # the check sees the template's links too
    assert [t for t in targets if scheme(t) not in ("http", "https", "mailto")] == []


def typst_link_targets(code: str) -> list[str]:
    """The targets of every `link("...")` call in Typst code (a call, not text in a string)."""
    escapes = {"\\": "\\", '"': '"', "n": "\n", "r": "\r", "t": "\t"}

    def decode(literal: str) -> str:
        return re.sub(r'\\(u\{[0-9a-f]+\}|.)',
                      lambda m: chr(int(m.group(1)[2:-1], 16)) if m.group(1).startswith("u{") else escapes[m.group(1)],
                      literal)

    return [decode(m.group(1)) for m in re.finditer(r'(?<![\w\\"])link\("((?:[^"\\]|\\.)*)"', code)]


@pytest.mark.parametrize("allow_html", [False, True], ids=["allow_html=false", "allow_html=true"])
def test_the_pdf_holds_no_hostile_uri(allow_html: bool, tmp_path: Path) -> None:
    """The whole corpus in one PDF (a news item each): every link annotation is http(s) or mailto."""
    texts = [BENIGN, *(case.replace("\x01", "") for case in CASES)]  # a PDF font has no glyph for U+0001
    source = make_site(tmp_path, texts, allow_html)
    pdf = render_pdf(load_site(source), source)
    uris = [m.group(1).decode("latin-1") for m in re.finditer(rb"/URI\s*\(((?:[^()\\]|\\.)*)\)", pdf)]
    assert "https://example.org/plain" in uris
    assert [uri for uri in uris if scheme(uri) not in ("http", "https", "mailto")] == []
    assert re.search(rb"/(?:JavaScript|JS|Launch|SubmitForm|ImportData)\b", pdf) is None


# --- the same rule for the links written as data: YAML and BibTeX ---------------------------------

UNSAFE_URLS = [
    "javascript:alert(1)", "JavaScript:alert(1)", " javascript:alert(1)", "&#106;avascript:alert(1)",
    "&#x6A;avascript:alert(1)", "&#X6a;avascript:alert(1)", "&#0000106;avascript:alert(1)", "&#106avascript:alert(1)",
    "javascript&#58;alert(1)", "javascript&colon;alert(1)", "java&Tab;script:alert(1)", "java&NewLine;script:alert(1)",
    "java\tscript:alert(1)", "java\nscript:alert(1)", "java\rscript:alert(1)", "\x00javascript:alert(1)",
    "\x1fjavascript:alert(1)", "&#x20;javascript:alert(1)", "data:text/html,<script>alert(1)</script>",
    "data&colon;text/html,x", "vbscript:msgbox(1)", "VBSCRIPT:msgbox(1)", "file:///etc/passwd",
    "&#x6a&#x61&#x76&#x61&#x73&#x63&#x72&#x69&#x70&#x74&#x3a;alert(1)", "jav&#x0A;ascript:alert(1)",
    "javascript:", "//[x", "https://[ipv6",
]
SAFE_URLS = [
    "https://example.org/", "http://example.org/a?b=1&c=2#d", "HTTPS://EXAMPLE.ORG/", "mailto:ada@example.org",
    "MailTo:ada@example.org", "/publications/", "assets/pdf/paper.pdf", "paper.pdf", "#anchor", "?q=1", "",
    "a/b:c", "./javascript:alert(1)", "&#104;ttps://example.org/", "https&#58;//example.org/",
    "&#x68;&#x74;&#x74;&#x70;&#x73;&#x3A;//example.org/", "&#109;&#97;&#105;&#108;&#116;&#111;&#58;a@b.org",
    " https://example.org/ ", "https://example.org/javascript:alert(1)", "java script:alert(1)",
]


@pytest.mark.parametrize("url", UNSAFE_URLS)
def test_is_safe_url_refuses(url: str) -> None:
    assert not is_safe_url(url)


@pytest.mark.parametrize("url", SAFE_URLS)
def test_is_safe_url_accepts(url: str) -> None:
    assert is_safe_url(url)


# BibTeX folds whitespace (`java script:` is a relative URL, harmless), and a BibTeX link that
# starts with https:// is an https link whatever follows (`https://[ipv6` is refused in site.yml).
HARMLESS_IN_BIBTEX = {"java\tscript:alert(1)", "java\nscript:alert(1)", "https://[ipv6"}
# A file:// link in a BibTeX entry (reference managers write them) is left out with a warning.
LEFT_OUT_IN_BIBTEX = {"file:///etc/passwd"}


@pytest.mark.parametrize("url", [url for url in UNSAFE_URLS if "\x00" not in url])  # YAML refuses U+0000
def test_unsafe_links_in_yaml_and_bibtex_are_located_errors(url: str, tmp_path: Path) -> None:
    source = make_site(tmp_path, [BENIGN], allow_html=False)
    cv = (source / "data" / "cv.yml").read_text(encoding="utf-8")
    cv = cv.replace("https://example.org/society", json.dumps(url), 1)
    cv = cv.replace('"https://example.org/ada"', json.dumps(url))
    (source / "data" / "cv.yml").write_text(cv, encoding="utf-8")
    (source / "data" / "papers.bib").write_text(bib("", code=url, html=url, blog=url), encoding="utf-8")
    with pytest.raises(UserError) as raised:
        load_site(source)
    located = sorted((p.key, p.message) for p in raised.value.problems if p.severity == "error")
    message = "only http(s), mailto and relative links are allowed"
    expected = [("person.affiliation_url", message), ("person.links.homepage", message)]
    if url not in HARMLESS_IN_BIBTEX | LEFT_OUT_IN_BIBTEX:
        expected += [("lovelace1843notes", f"unsafe link in field '{field}': {message}") for field in ("code", "html", "blog")]
    assert located == sorted(expected)
    if url in LEFT_OUT_IN_BIBTEX:
        warned = sorted(p.message for p in raised.value.problems if p.severity == "warning" and p.key == "lovelace1843notes")
        assert warned == [f"field '{field}' is a file:// address: it names a file on the computer that wrote the entry, "
                          "which no visitor can open; the link is left out" for field in ("blog", "code", "html")]


# --- a refused link keeps its text, and nothing else --------------------------------------------


@pytest.mark.parametrize(("text", "html"), [
    ("[x](javascript:alert('a'))", "<span>x</span>"),
    ('[x](javascript:alert("a"))', "<span>x</span>"),
    ("[x](&#106;avascript:alert(1)) after", "<span>x</span> after"),
    ("[x][r]\n\n[r]: java&Tab;script:alert(1)", "<span>x</span>"),
    ("![the alt](javascript:alert(1))", "<span>the alt</span>"),
    ("*[x](javascript:alert(1))*", "<em><span>x</span></em>"),
    ("[![i](javascript:alert(1))](data:,x)", "<span><span>i</span></span>"),
    ("[x](https://example.org/a('b'))", '<a href="https://example.org/a(\'b\')">x</a>'),
    ('[x](https://example.org/ "a title")', '<a href="https://example.org/" title="a title">x</a>'),
    ("<ada@example.org>", '<a href="mailto:ada@example.org">ada@example.org</a>'),
])
def test_a_refused_link_keeps_its_text_without_stray_characters(text: str, html: str) -> None:
    for allow_html in (False, True):
        assert MarkdownRenderer(allow_html).inline(text) == html


@pytest.mark.parametrize(("text", "html"), [
    ('<a href="javascript:alert(1)" onclick="alert(2)">x</a>', "<a>x</a>"),
    ('<img src="&#106;avascript:alert(1)" alt="the alt" onerror="alert(2)">', '<img alt="the alt">'),
    ("<b>bold</b><script>alert(1)</script>", "<b>bold</b>"),
    ('<span style="color:red" class="x">y</span>', "<span>y</span>"),
])
def test_raw_html_is_sanitized_when_allowed(text: str, html: str) -> None:
    assert MarkdownRenderer(allow_html=True).inline(text) == html


@pytest.mark.parametrize(("text", "typst"), [
    ("[x](javascript:alert('a'))", '"x"'),
    ("[x](&#106;avascript:alert(1))", '"x"'),
    ("[x](java&Tab;script:alert(1))", '"x"'),
    ("![the alt](javascript:alert(1))", '"the alt"'),
    ("[![i](javascript:1)](https://example.org/)", 'link("https://example.org/", "i")'),
    ("<https://example.org/>", 'link("https://example.org/", "https://example.org/")'),
    ("<javascript:alert(1)>", '"<javascript:alert(1)>"'),
    ("[x](/relative/page)", '"x"'),  # a PDF has no address for it to start from
])
def test_the_pdf_prints_a_refused_link_as_its_text(text: str, typst: str) -> None:
    assert typst_inline(text) == typst


def test_a_bare_url_with_quotes_is_one_link_in_both_outputs() -> None:
    text = 'see https://example.org/"onclick="alert(1)'
    assert MarkdownRenderer().inline(text) == (
        'see <a href="https://example.org/&quot;onclick=&quot;alert(1">https://example.org/"onclick="alert(1</a>)')
    url = '"https://example.org/\\"onclick=\\"alert(1"'
    assert typst_inline(text) == f'[#"see "#link({url}, {url})#")"]'

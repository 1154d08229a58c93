"""User text to Typst, safely: every run of text becomes a Typst *string literal*, never markup.

The PDF template (templates/cv.typ.j2) is Jinja2 producing Typst. Its environment finalizes every
`{{ value }}` with `literal()`, so a name such as `#set page(width: 1cm)` or `$x$` reaches Typst as
the string `"#set page(width: 1cm)"` and prints as written. Typst code that we generate ourselves
is wrapped in `Typst` (like MarkupSafe's `Markup`) and passes through unchanged.

Markdown is read by the one reader the site uses too (text/markdown.py) and its tree written here
as Typst calls (`par`, `list`, `enum`, `strong`, `emph`, `raw`, `link`, `quote`...) whose text
arguments are again string literals. A link is printed only when links.is_safe_url accepts it as
an absolute URL (else its text alone); an image prints its alt text, a heading a bold paragraph
(the CV's own headings are its sections); raw HTML, where the settings allow it, prints its text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from xml.etree.ElementTree import Element

from cv_site.links import is_safe_url, readable_url
from cv_site.pdf.ties import tie
from cv_site.text import markdown
from cv_site.text.markdown import SYNTAX, is_plain_paragraph
from cv_site.text.richtext import Node, math_source, math_text, parse


class Typst(str):
    """A fragment of Typst code that is safe to insert as it is (we generated it)."""

    __slots__ = ()

    def __add__(self, other: str) -> Typst:  # Typst + Typst stays Typst; Typst + str is quoted
        return Typst(str.__add__(self, other if isinstance(other, Typst) else literal(other)))


_ESCAPES = {"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'[\\"\x00-\x1f\x7f\u2028\u2029]')
_SPACE = re.compile(r"[ \t\r\n]+")


def _escape_char(match: re.Match[str]) -> str:
    char = match.group()
    return _ESCAPES.get(char) or f"\\u{{{ord(char):x}}}"


def string(text: str) -> Typst:
    """A Typst string literal with exactly this text (no whitespace folding)."""
    return Typst('"' + _NEEDS_ESCAPE.sub(_escape_char, text) + '"')


def fold(text: str) -> str:
    """Runs of spaces and line breaks to one space, as in HTML and Markdown."""
    return _SPACE.sub(" ", text).strip()


def literal(value: object) -> Typst:
    """Any template value as a Typst value: str -> string literal, None -> none, numbers, lists."""
    if isinstance(value, Typst):
        return value
    if value is None:
        return Typst("none")
    if isinstance(value, bool):
        return Typst("true" if value else "false")
    if isinstance(value, (int, float)):
        return Typst(repr(value))
    if isinstance(value, (list, tuple)):
        return Typst("(" + "".join(literal(v) + Typst(", ") for v in value) + ")")
    if isinstance(value, dict):
        if not value:
            return Typst("(:)")
        return Typst("(" + ", ".join(f"{string(str(k))}: {literal(v)}" for k, v in value.items()) + ")")
    return string(fold(str(value)))


def content(parts: list[Typst]) -> Typst:
    """Join Typst expressions into one content value: `[#a#b#c]` (every part is an expression)."""
    if not parts:
        return Typst('""')
    if len(parts) == 1:
        return parts[0]
    return Typst("[" + "".join("#" + part for part in parts) + "]")


# --- Markdown: the tree of text.markdown, written as Typst -----------------------------------------


def inline(text: str, allow_html: bool = False) -> Typst:
    """Markdown for a line (a title, a list item): one paragraph's content without the paragraph;
    text of several blocks keeps its blocks, as on the site."""
    text = text.strip()
    if _is_plain(text):
        return content(list(text_runs(fold(text))))
    writer = _Writer(markdown.read(text, allow_html))
    blocks = list(writer.document.root)
    if len(blocks) == 1 and blocks[0].tag == "p" and markdown.raw_block(blocks[0], writer.document) is None:
        return content(writer.inline(blocks[0]))
    return content(writer.flow(writer.document.root))


def block(text: str, allow_html: bool = False) -> Typst:
    """Markdown to Typst content: paragraphs, lists, headings, quotes, code."""
    if text.strip() and _is_plain(text.strip()):
        return Typst(f"par({content(list(text_runs(fold(text))))})")
    writer = _Writer(markdown.read(text, allow_html))
    return content(writer.flow(writer.document.root))


def _is_plain(text: str) -> bool:
    """Text the parser would put in one paragraph as it is: the site's shortcut, so the PDF of a CV
    without Markdown does not import python-markdown either (40 ms)."""
    return SYNTAX.search(text) is None or is_plain_paragraph(text)


def plain(text: str) -> str:
    """The visible text of Markdown (for metadata and checks)."""
    return markdown.plain(text)


_LIST_FUNCTIONS = {"ul": "list", "ol": "enum"}


class _Writer:
    """One Markdown tree as Typst: every text is a string literal, every element a Typst call."""

    def __init__(self, document: markdown.Document):
        self.document = document
        self.hidden = ""  # the raw-HTML element (script, style) whose content the site drops too

    def flow(self, element: Element) -> list[Typst]:
        """A container of blocks (the text, a list item, a quote); text between the blocks (the
        first line of a list item holding a list) is inline content, blank runs are dropped."""
        parts = self.text(element.text, blank=False)
        for child in element:
            parts.extend(self.block(child) if child.tag in markdown.BLOCKS else self.element(child))
            parts.extend(self.text(child.tail, blank=False))
        return parts

    def block(self, element: Element) -> list[Typst]:
        tag = element.tag
        if tag == "p":
            raw = markdown.raw_block(element, self.document)
            if raw is not None:
                return [Typst(f"par({content(list(text_runs(fold(self.raw_text(raw)))))})")]
            return [Typst(f"par({content(self.inline(element))})")]
        if tag in _LIST_FUNCTIONS:
            start = f"start: {int(element.get('start'))}, " if element.get("start") else ""
            items = ", ".join(content(self.flow(item)) for item in element)
            return [Typst(f"{_LIST_FUNCTIONS[tag]}({start}{items})")]
        if tag in ("pre", "hr") and self.hidden:
            return []
        if tag == "pre":
            return [_code_block(element.find("code"))]
        if tag == "blockquote":
            return [Typst(f"quote(block: true, {content(self.flow(element))})")]
        if tag == "hr":
            return [Typst("line(length: 100%)")]
        if tag in ("h1", "h2", "h3", "h4", "h5", "h6"):  # not `heading`: the CV's sections are its headings
            return [Typst(f"par(strong({content(self.inline(element))}))")]
        return self.flow(element)  # li

    def inline(self, element: Element) -> list[Typst]:
        """The content of an element holding text and inline elements."""
        parts = self.text(element.text)
        for child in element:
            parts.extend(self.element(child))
            parts.extend(self.text(child.tail.lstrip() if child.tag == "br" and child.tail else child.tail))
        return parts

    def element(self, element: Element) -> list[Typst]:
        tag = element.tag
        if tag == "em":
            return [Typst(f"emph({content(self.inline(element))})")]
        if tag == "strong":
            return [Typst(f"strong({content(self.inline(element))})")]
        if tag in ("code", "img", "br") and self.hidden:
            return []
        if tag == "code":
            return [Typst(f"raw({string(markdown.code_text(element))})")]
        if tag == "a":
            return [_link(markdown.attribute(element, "href"), content(self.inline(element)))]
        if tag == "img":  # a PDF shows its alt text
            return list(text_runs(fold(markdown.text(element.get("alt"), self.document))))
        if tag == "br":
            return [Typst("linebreak()")]
        if tag in markdown.BLOCKS:
            return self.block(element)
        return self.inline(element)  # span: a refused link's text

    def text(self, value: str | None, blank: bool = True) -> list[Typst]:
        """A text of the tree as string literals, spaces folded as in HTML; of raw HTML only its
        text is shown, without the content of script and style, as the site's sanitizer does.
        `blank=False` drops a text of spaces only (the line breaks between blocks)."""
        shown = []
        for piece in markdown.pieces(value, self.document):
            if isinstance(piece, markdown.RawHtml):
                shown.append(self.raw_text(piece))  # an image's alt text, else nothing
            elif not self.hidden:
                shown.append(piece)
        text = _SPACE.sub(" ", "".join(shown))
        return list(text_runs(text)) if blank or text.strip() else []

    def raw_text(self, raw: str) -> str:
        """The text of raw HTML, without script and style elements: the site's sanitizer drops them
        with their content, whatever Markdown is in it, so they are followed across the text."""
        shown, start = [], 0
        for tag in _TAG.finditer(raw):
            closing, name = tag.group(1) == "/", tag.group(2).lower()
            if not self.hidden and not closing and name in markdown.HIDDEN_HTML:
                shown.append(raw[start : tag.start()])
                self.hidden = name
            elif closing and name == self.hidden:
                self.hidden = ""
                start = tag.end()
        if not self.hidden:
            shown.append(raw[start:])
        return markdown.html_text("".join(shown))


_TAG = re.compile(r"<(/?)([A-Za-z][A-Za-z0-9-]*)[^>]*>?")


def _code_block(code: Element) -> Typst:
    """`raw(text, block: true)`, with the language a fenced block names."""
    language = (code.get("class") or "").removeprefix("language-")
    text = string(markdown.code_text(code).rstrip("\n"))
    return Typst(f"raw({text}, block: true, lang: {string(language)})" if language else f"raw({text}, block: true)")


def _link(url: str, body: Typst) -> Typst:
    """A link to the address a browser reads from `url` when is_safe_url accepts it as an absolute
    URL (the website's rule; a PDF has no address for a relative one to start from), else the text."""
    if is_safe_url(url, relative=False):
        return Typst(f"link({string(readable_url(url))}, {body})")
    return body


_SUPER = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱ", "0123456789+-=()ni"))
_SUB = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎", "0123456789+-=()"))
_SCRIPT_RUN = re.compile("([" + "".join(_SUPER) + "]+|[" + "".join(_SUB) + "]+)")


def text_runs(text: str) -> Iterator[Typst]:
    """A text run as string literals; Unicode super/subscript characters (10⁶, H₂O) become
    `super(..)`/`sub(..)`, which every text font can draw (many fonts lack the Unicode ones); a
    number is tied to its unit and a range of numbers is kept on one line (pdf/ties.py)."""
    for index, run in enumerate(_SCRIPT_RUN.split(text)):
        if not run:
            continue
        if index % 2 == 0:
            for piece, unbroken in tie(run):
                yield Typst(f"box({string(piece)})") if unbroken else string(piece)
        elif run[0] in _SUPER:
            yield Typst(f"super({string(''.join(_SUPER[c] for c in run))})")
        else:
            yield Typst(f"sub({string(''.join(_SUB[c] for c in run))})")


def rich_typst(text: str) -> Typst:
    """Text with richtext markers (italic, bold, math from BibTeX) as a Typst content expression;
    every text run is a string literal."""

    def nodes(items: list[Node]) -> list[Typst]:
        parts: list[Typst] = []
        for node in items:
            if isinstance(node, str):
                parts.extend(text_runs(node))
            elif node[0] == "math":
                parts.extend(text_runs(math_text(math_source(node[1]))))
            else:
                function = "emph" if node[0] == "em" else "strong"
                parts.append(Typst(f"{function}({content(nodes(node[1]))})"))
        return parts

    return content(nodes(parse(text)))

"""Markdown, read once into a tree that both outputs write: HTML for the site (site/markdown.py),
Typst for the PDF (pdf/typst.py).

The reader is python-markdown, with:
- sane lists, and a heading needs a space after its `#`s (`#hashtag` is text), as in CommonMark;
- a link's `(destination "title")` read as CommonMark reads it;
- fenced code blocks (```` ``` ````), in the tree as `pre`/`code` like indented ones;
- bare http(s) URLs as links;
- raw HTML only when the settings allow it (else it is text);
- a link or image whose address links.is_safe_url refuses made into its text (a `span`).

The tree is python-markdown's ElementTree after its block parser and inline patterns, before it is
serialised: a `div` of blocks (p, h1-h6, blockquote, hr, ul, ol with `start`, li, pre/code) holding
inline elements (em, strong, code, a with href/title, img with src/alt/title, br, span). Its text
keeps python-markdown's conventions, which `pieces`, `code_text` and `attribute` undo: character
references and raw HTML are in a stash, referred to by placeholders; the text of `code` is
HTML-escaped. Nothing else is markup: every construct is one of the elements above.
"""

from __future__ import annotations

import html
import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from functools import cache, lru_cache
from html.parser import HTMLParser
from types import SimpleNamespace
from typing import TYPE_CHECKING

from cv_site.links import is_safe_url

if TYPE_CHECKING:
    import markdown

BLOCKS = frozenset({"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "hr", "ul", "ol", "li", "pre"})


@dataclass(frozen=True, slots=True)
class Document:
    """A text read as Markdown: python-markdown's tree and the stash its placeholders refer to.
    Shared by every writer of the text (see `read`): read only."""

    root: etree.Element
    stash: tuple[str | etree.Element, ...]


class RawHtml(str):
    """Raw HTML in a text, as written (only when the settings allow it)."""

    __slots__ = ()


# --- text that needs no parser --------------------------------------------------------------------

# Text with none of these characters (no list or heading marker at its start, no URL) is plain
# text: Markdown would only escape it, so both outputs skip the parser. Most CV lines take this path.
SYNTAX = re.compile(r"[\\`*_\[\]<>&!#|~=\n]|^\s*(?:[-+>]|\d+[.)](?:\s|$))|(?i:https?://)")


def is_plain_paragraph(text: str) -> bool:
    """Lines the parser would only put in one paragraph, as they are: each starts with a letter (no
    list, code or heading), ends without a space (two make a line break) and holds no syntax
    character, so nothing to escape either. A bio written over several lines is the usual case."""
    return all(line[:1].isalpha() and not line.endswith(" ") and line.isprintable()
               and SYNTAX.search(line) is None for line in text.split("\n"))


# --- the reader -----------------------------------------------------------------------------------


@lru_cache(maxsize=1024)
def read(text: str, allow_html: bool = False) -> Document:
    """The text as a tree: python-markdown's `convert` up to its serialiser. Trees are kept for the
    next reader: the PDF reads the texts the site has just read (a parse is ~130 us a line), so the
    writers never change a tree."""
    md = _parser(allow_html)
    md.reset()
    if not text.strip():
        return Document(etree.Element("div"), ())
    lines = text.split("\n")
    for preprocessor in md.preprocessors:
        lines = preprocessor.run(lines)
    root = md.parser.parseDocument(lines).getroot()
    for treeprocessor in md.treeprocessors:
        root = treeprocessor.run(root) or root
    return Document(root, tuple(md.htmlStash.rawHtmlBlocks))


@cache
def _parser(allow_html: bool) -> markdown.Markdown:
    """One parser per setting, made when a text first needs it and reused (making one costs more
    than reading a line). Markdown is imported here (~10 ms), and its extension is given as an
    object: a name ("sane_lists") is looked up in every installed package."""
    import markdown
    from markdown.extensions.sane_lists import SaneListExtension
    from markdown.inlinepatterns import IMAGE_LINK_RE, LINK_RE

    md = markdown.Markdown(extensions=[SaneListExtension()], output_format="html")
    processors = _processors()
    md.preprocessors.register(processors.FencedCode(md), "fenced_code", 25)  # before html_block (20)
    md.parser.blockprocessors.register(processors.Headings(md.parser), "hashheader", 70)
    md.inlinePatterns.register(processors.Links(LINK_RE, md), "link", 160)
    md.inlinePatterns.register(processors.Images(IMAGE_LINK_RE, md), "image_link", 150)
    md.inlinePatterns.register(processors.BareUrls(_BARE_URL, md), "bare_url", 85)  # after raw HTML (90)
    md.treeprocessors.register(processors.CodeBlocks(md), "fenced_code_blocks", 30)
    md.treeprocessors.register(processors.SafeLinks(md), "safe_links", -1)  # after "unescape" (0)
    if not allow_html:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    return md


# A URL in running text; the punctuation that usually ends a sentence is not part of it.
_BARE_URL = r"""(?i)\bhttps?://[^\s<>\[\]\x00-\x1f]*[^\s<>\[\].,;:!?'")\x00-\x1f]"""

# `(destination "title")` after a link's text, as CommonMark reads it.
_OPENING = re.compile(r"\([ \t]*\n?[ \t]*")
_TITLE_AND_CLOSING = re.compile(
    r"""(?:[ \t]*\n?[ \t]*(?<=[ \t\n])(?P<title>"[^"]*"|'[^']*'|\([^()]*\)))?[ \t]*\n?[ \t]*\)""")


def _link_target(data: str, index: int) -> tuple[str, str | None, int] | None:
    """The destination, title (with its quotes) and end of `(destination "title")` at `index`: the
    destination's parentheses nest and a title needs a space before it. None for other forms."""
    start = _OPENING.match(data, index)
    if start is None or data.startswith("<", start.end()):
        return None
    depth, end = 0, start.end()
    while end < len(data) and data[end] not in " \t\n":
        if data[end] == "(":
            depth += 1
        elif data[end] == ")":
            if depth == 0:
                break
            depth -= 1
        end += 1
    closing = _TITLE_AND_CLOSING.match(data, end)
    if depth or closing is None:
        return None
    return data[start.end() : end], closing.group("title"), closing.end()


@cache
def _processors() -> SimpleNamespace:
    """The reader's additions to python-markdown, as classes deriving from its own (made here, once
    python-markdown is imported)."""
    from markdown.blockprocessors import HashHeaderProcessor
    from markdown.extensions.fenced_code import FencedBlockPreprocessor
    from markdown.inlinepatterns import ImageInlineProcessor, InlineProcessor, LinkInlineProcessor
    from markdown.preprocessors import Preprocessor
    from markdown.treeprocessors import Treeprocessor
    from markdown.util import AMP_SUBSTITUTE, AtomicString, code_escape

    class Links(LinkInlineProcessor):
        """Reads the target as CommonMark does. python-markdown takes a quote anywhere for the
        start of a title: `[x](javascript:alert('a'))` was a link to `javascript:alert(` titled
        `a`, followed by a stray `)`."""

        def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
            target = _link_target(data, index)
            if target is None:  # `(<destination>)`, or not a link: python-markdown decides
                return super().getLink(data, index)
            href, title, end = target
            if title is not None:
                title = self.RE_TITLE_CLEAN.sub(" ", self.unescape(title[1:-1].strip()))
            return self.unescape(href), title, end, True

    class Images(ImageInlineProcessor, Links):
        pass

    class BareUrls(InlineProcessor):
        """`see https://example.org.` links to https://example.org (not inside another link)."""

        ANCESTOR_EXCLUDES = ("a",)

        def handleMatch(self, m: re.Match[str], data: str) -> tuple[etree.Element, int, int]:
            link = etree.Element("a", href=m.group())
            link.text = AtomicString(m.group())
            return link, m.start(), m.end()

    class Headings(HashHeaderProcessor):
        """`# Title`; `#hashtag` and `#set page(...)` stay text."""

        RE = re.compile(r"(?:^|\n)(?P<level>#{1,6})(?=[ \t\n]|$)(?P<header>(?:\\.|[^\\#]|#+(?=[^#\n]))*?)#*(?:\n|$)")

    class FencedCode(Preprocessor):
        """A fenced code block, found as python-markdown's fenced_code extension finds it, stashed as
        a pre/code element (the extension stashes HTML) in a paragraph of its own; CodeBlocks puts
        it in the tree."""

        def run(self, lines: list[str]) -> list[str]:
            text = "\n".join(lines)
            return FencedBlockPreprocessor.FENCED_BLOCK_RE.sub(self._stash, text).split("\n")

        def _stash(self, match: re.Match[str]) -> str:
            pre = etree.Element("pre")
            code = etree.SubElement(pre, "code")
            code.text = AtomicString(code_escape(match.group("code")))
            if match.group("lang"):
                code.set("class", "language-" + match.group("lang"))
            return f"\n\n{self.md.htmlStash.store(pre)}\n\n"

    class CodeBlocks(Treeprocessor):
        """The paragraph of a stashed pre/code element becomes the element."""

        def run(self, root: etree.Element) -> None:
            for parent in root.iter():
                for index, child in enumerate(parent):
                    stashed = _stashed(child.text, self.md.htmlStash.rawHtmlBlocks) if child.tag == "p" else None
                    if isinstance(stashed, etree.Element):
                        stashed.tail = child.tail
                        parent[index] = stashed

    class SafeLinks(Treeprocessor):
        """`<a href="javascript:...">x</a>` -> `<span>x</span>`; an image with an unsafe source ->
        its alt text."""

        def run(self, root: etree.Element) -> None:
            for element in root.iter():
                if element.tag == "a" and not is_safe_url(element.get("href", "").replace(AMP_SUBSTITUTE, "&")):
                    element.tag = "span"
                    element.attrib.clear()
                elif element.tag == "img" and not is_safe_url(element.get("src", "").replace(AMP_SUBSTITUTE, "&")):
                    element.tag = "span"
                    element.text = element.get("alt", "")
                    element.attrib.clear()

    return SimpleNamespace(Links=Links, Images=Images, BareUrls=BareUrls, Headings=Headings,
                           FencedCode=FencedCode, CodeBlocks=CodeBlocks, SafeLinks=SafeLinks)


# --- reading the tree's text ----------------------------------------------------------------------

# What a browser decodes where python-markdown writes `&` as it is (its serialiser escapes the others).
_REFERENCE = re.compile(r"&(?:#[0-9]+|#x[0-9a-f]+|[0-9a-z]+);", re.IGNORECASE)


@cache
def _placeholder() -> re.Pattern[str]:
    from markdown.util import HTML_PLACEHOLDER

    return re.compile(HTML_PLACEHOLDER % r"([0-9]+)")


def _stashed(text: str | None, stash: list | tuple) -> str | etree.Element | None:
    """What a text that is only a placeholder stands for, else None."""
    match = _placeholder().fullmatch(text or "")
    return stash[int(match.group(1))] if match else None


def _visible(text: str) -> str:
    from markdown.util import AMP_SUBSTITUTE

    text = text.replace(AMP_SUBSTITUTE, "&")
    return _REFERENCE.sub(lambda m: html.unescape(m.group()), text) if "&" in text else text


def pieces(text: str | None, document: Document) -> list[str | RawHtml]:
    """A text of the tree (an element's text, tail or attribute) as a reader sees it: character
    references decoded, raw HTML apart."""
    out: list[str | RawHtml] = []
    for index, part in enumerate(_placeholder().split(text or "")):
        if index % 2 == 0:
            piece: str = _visible(part)
        else:
            stashed = document.stash[int(part)]
            is_reference = isinstance(stashed, str) and _REFERENCE.fullmatch(stashed)
            piece = html.unescape(stashed) if is_reference else _raw(stashed, document)
        if not piece:
            continue
        if out and type(piece) is str and type(out[-1]) is str:
            out[-1] += piece
        else:
            out.append(piece)
    return out


def text(value: str | None, document: Document) -> str:
    """A text of the tree without its raw HTML."""
    return "".join(piece for piece in pieces(value, document) if not isinstance(piece, RawHtml))


def attribute(element: etree.Element, name: str) -> str:
    """An attribute as python-markdown writes it out (it holds the `&` of references it writes as a
    placeholder); links.readable_url gives the address a browser reads from it."""
    from markdown.util import AMP_SUBSTITUTE

    return element.get(name, "").replace(AMP_SUBSTITUTE, "&")


def code_text(element: etree.Element) -> str:
    """The text of a `code` element (python-markdown holds it HTML-escaped)."""
    return html.unescape(element.text or "")


def raw_block(element: etree.Element, document: Document) -> RawHtml | None:
    """The raw HTML of a paragraph that is only a block of raw HTML, else None."""
    stashed = _stashed(element.text, document.stash) if element.tag == "p" and len(element) == 0 else None
    return _raw(stashed, document) if isinstance(stashed, str) and not _REFERENCE.fullmatch(stashed) else None


def _raw(stashed: str | etree.Element, document: Document) -> RawHtml:
    """Raw HTML with the placeholders in it put back (a fenced code block inside an HTML block),
    and the `&` of the references python-markdown wrote in it."""
    from markdown.util import AMP_SUBSTITUTE

    if isinstance(stashed, etree.Element):
        return RawHtml(_to_html(stashed))

    def back(match: re.Match[str]) -> str:
        inner = document.stash[int(match.group(1))]
        return _to_html(inner) if isinstance(inner, etree.Element) else _raw(inner, document)

    return RawHtml(_placeholder().sub(back, stashed).replace(AMP_SUBSTITUTE, "&"))


def _to_html(element: etree.Element) -> str:
    from markdown.serializers import to_html_string

    return to_html_string(element)


# Elements whose content the site's sanitizer drops with them (nh3's default clean_content_tags).
HIDDEN_HTML = frozenset({"script", "style"})


class _HtmlText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.parts.append(dict(attrs).get("alt") or "")  # only images are left

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_text(raw: str) -> str:
    """The text a browser shows for raw HTML once the site has sanitized it: tags and comments
    dropped, and the content of script and style; an image is its alt text. The site's sanitizer
    (nh3) reads the HTML here too, so a broken tag is read the same way."""
    import nh3

    parser = _HtmlText()
    parser.feed(nh3.clean(raw, tags={"img"}, attributes={"img": {"alt"}}, url_schemes=set()))
    parser.close()
    return "".join(parser.parts)


def plain(source: str, allow_html: bool = False) -> str:
    """The visible text of Markdown (an image: its alt text), spaces folded."""
    document = read(source, allow_html)
    return " ".join("".join(_texts(document.root, document)).split())


def _texts(element: etree.Element, document: Document) -> list[str]:
    raw = raw_block(element, document)
    if raw is not None:
        out = [html_text(raw)]
    elif element.tag == "code":
        out = [code_text(element)]
    elif element.tag == "img":
        out = [text(element.get("alt"), document)]
    else:
        out = [text(element.text, document)]
        for child in element:
            out.extend(_texts(child, document))
    out.append(" " if element.tag in BLOCKS else "")
    out.append(text(element.tail, document))
    return out

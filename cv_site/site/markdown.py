"""Markdown for the text fields of the data (bio, news, CV entries, intros), as safe HTML.

Two variants, the templates' `md` (block: paragraphs, lists) and `md_inline`
(one paragraph without its `<p>`, for a line inside a list item or a table cell; text of more than
one block keeps its blocks, so templates put it in elements that accept flow content).

The text is read by the one Markdown reader (text/markdown.py, which the PDF's Typst writer reads
too) and its tree written out by python-markdown's serialiser. Raw HTML is text unless the
settings allow it; a link or image that links.is_safe_url refuses is its text. Whatever is written
then goes through an allowlist sanitizer (nh3): only the tags and attributes Markdown makes, no
script, and only links is_safe_url accepts, raw HTML included.
Results are cached by text: the same bio renders once per process, not once per page.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from functools import cache
from html import unescape
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from cv_site.links import SAFE_SCHEMES, is_safe_url
from cv_site.text.markdown import SYNTAX, Document, is_plain_paragraph, read
from cv_site.text.richtext import Node, has_markers, math_source, math_text, parse

if TYPE_CHECKING:
    import markdown
    import nh3


def _serialize(document: Document) -> str:
    """The tree as python-markdown writes it: its serialiser, then its postprocessors, which put
    back the raw HTML and character references its reader stashed."""
    md = _writer()
    md.htmlStash.rawHtmlBlocks = list(document.stash)
    md.htmlStash.html_counter = len(document.stash)
    html = md.serializer(document.root).strip().removeprefix("<div>").removesuffix("</div>")
    for postprocessor in md.postprocessors:
        html = postprocessor.run(html)
    return html.strip()


@cache
def _writer() -> markdown.Markdown:
    import markdown
    from markdown.postprocessors import RawHtmlPostprocessor

    class RawHtml(RawHtmlPostprocessor):
        """Writes a stashed element (a fenced code block inside raw HTML) as HTML too."""

        def stash_to_string(self, text: str | etree.Element) -> str:
            return self.md.serializer(text) if isinstance(text, etree.Element) else str(text)

    md = markdown.Markdown(output_format="html")
    md.postprocessors.register(RawHtml(md), "raw_html", 30)
    return md


# --- the sanitizer: what the parser wrote (raw HTML included, when allowed) keeps only the tags and
# attributes Markdown makes, and links that is_safe_url accepts -------------------------------------

_ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "div", "dl", "dt",
    "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol",
    "p", "pre", "q", "s", "samp", "small", "span", "strong", "sub", "sup", "table", "tbody", "td",
    "tfoot", "th", "thead", "tr", "u", "ul", "var",
}  # fmt: skip
_ALLOWED_ATTRIBUTES = {
    "*": {"title", "lang", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan", "scope"},
}


def _keep_safe_links(tag: str, attribute: str, value: str) -> str | None:
    """The sanitizer hands over attribute values decoded: with `&` escaped again, is_safe_url
    decodes them once, as a browser does."""
    if attribute in ("href", "src") and not is_safe_url(value.replace("&", "&amp;")):
        return None
    return value


@cache
def _cleaner() -> nh3.Cleaner:
    import nh3

    return nh3.Cleaner(tags=_ALLOWED_TAGS, attributes=_ALLOWED_ATTRIBUTES, url_schemes=set(SAFE_SCHEMES),
                       attribute_filter=_keep_safe_links, link_rel=None)


def sanitize(html: str) -> str:
    """HTML with only allowed tags and attributes, and only links is_safe_url accepts; the
    content of <script> and <style> is dropped, other tags go and their text stays."""
    return _cleaner().clean(html)


class MarkdownRenderer:
    """Markdown to safe HTML with one setting for raw HTML, each text converted once."""

    def __init__(self, allow_html: bool = False):
        self.allow_html = allow_html
        self._block: dict[str, Markup] = {}
        self._inline: dict[str, Markup] = {}

    def _convert(self, text: str) -> str:
        return sanitize(_serialize(read(text, self.allow_html)))

    def block(self, text: str | None) -> Markup:
        """Paragraphs, lists and the like."""
        if not text:
            return Markup("")
        cached = self._block.get(text)
        if cached is None:
            stripped = text.strip()
            if SYNTAX.search(stripped) is None:
                cached = Markup("<p>") + escape(stripped) + Markup("</p>")
            elif is_plain_paragraph(text.rstrip("\n")):
                cached = Markup(f"<p>{stripped}</p>")
            else:
                cached = Markup(self._convert(text))
            self._block[text] = cached
        return cached

    def inline(self, text: str | None) -> Markup:
        """One paragraph without its `<p>`; several blocks are kept as blocks."""
        if not text:
            return Markup("")
        cached = self._inline.get(text)
        if cached is None:
            stripped = text.strip()
            if SYNTAX.search(stripped) is None:
                cached = escape(stripped)
            elif is_plain_paragraph(stripped):
                cached = Markup(stripped)
            else:
                html = self._convert(stripped)
                if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
                    html = html[3:-4]
                cached = Markup(html)
            self._inline[text] = cached
        return cached

    def plain(self, text: str | None) -> str:
        """The text without markup, for `<meta>` descriptions, titles and JSON-LD."""
        if not text:
            return ""
        html = str(self.inline(text))
        return " ".join(unescape(_TAG.sub("", html)).split())


_TAG = re.compile(r"<[^>]+>")


# --- styled text from BibTeX (see richtext) ----------------------------------------------------


def rich_html(text: str) -> Markup:
    """Text with richtext markers as HTML: every run escaped; italic and bold as <em>/<strong>,
    math as readable Unicode in <span class="math"> with the TeX source as its title."""
    if not has_markers(text):
        return escape(text)
    return Markup("".join(_html_nodes(parse(text))))


def _html_nodes(nodes: list[Node]) -> list[str]:
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(str(escape(node)))
        elif node[0] == "math":
            source = math_source(node[1])
            out.append(f'<span class="math" title="{escape("$" + source + "$")}">{escape(math_text(source))}</span>')
        else:
            out.append(f"<{node[0]}>" + "".join(_html_nodes(node[1])) + f"</{node[0]}>")
    return out

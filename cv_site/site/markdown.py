"""Markdown for the text fields of the data (bio, news, CV entries, intros), as safe HTML.

Two variants, the templates' `md` (block: paragraphs, lists) and `md_inline`
(one paragraph without its `<p>`, for a line inside a list item or a table cell; text of more than
one block keeps its blocks, so templates put it in elements that accept flow content).

Raw HTML in the text is shown as text unless the settings allow it. Links and images that
links.is_safe_url refuses (`javascript:`, `data:`, however written) become their text. Whatever the
parser writes then goes through an allowlist sanitizer (nh3): only the tags and attributes Markdown
makes, no script, and only links is_safe_url accepts, raw HTML included.
Results are cached by text: the same bio renders once per process, not once per page.
"""

from __future__ import annotations

import re
from functools import cache, cached_property
from html import unescape
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from cv_site.links import SAFE_SCHEMES, is_safe_url
from cv_site.text.richtext import Node, has_markers, math_source, math_text, parse

if TYPE_CHECKING:
    import xml.etree.ElementTree as etree
    from collections.abc import Callable

    import markdown
    import nh3

# Text with none of these characters (and no list or heading marker at its start) is plain text:
# Markdown would only escape it, so we skip the parser. Most CV lines take this path.
_MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]<>&!#|~=\n]|^\s*(?:[-+>]|\d+[.)])\s")


def _is_plain_paragraph(text: str) -> bool:
    """Lines the parser would only put in one <p>, as they are: each starts with a letter (no
    list, code or heading), ends without a space (two make a <br>) and holds no syntax character,
    so nothing to escape either. A bio written over several lines is the usual case."""
    return all(line[:1].isalpha() and not line.endswith(" ") and line.isprintable()
               and _MARKDOWN_SYNTAX.search(line) is None for line in text.split("\n"))


def _safe_links(root: etree.Element, written: Callable[[str], str]) -> None:
    """`<a href="javascript:...">x</a>` -> `<span>x</span>`; an image with an unsafe source -> its
    alt text. `written` gives an attribute as it will be written out (python-markdown holds the `&`
    of the entities it writes as a placeholder)."""
    for element in root.iter():
        if element.tag == "a" and not is_safe_url(written(element.get("href", ""))):
            element.tag = "span"
            element.attrib.clear()
        elif element.tag == "img" and not is_safe_url(written(element.get("src", ""))):
            element.tag = "span"
            element.text = element.get("alt", "")
            element.attrib.clear()


def _new_parser(allow_html: bool) -> markdown.Markdown:
    """A parser with sane lists, CommonMark's link syntax and safe links; raw HTML is text unless
    allowed (`<script>` is shown as `&lt;script&gt;`). Markdown is imported here, when a text first
    needs it (~10 ms), and its extension is given as an object: a name ("sane_lists") is looked up
    in every installed package."""
    import markdown
    from markdown.extensions.sane_lists import SaneListExtension
    from markdown.inlinepatterns import IMAGE_LINK_RE, LINK_RE
    from markdown.treeprocessors import Treeprocessor
    from markdown.util import AMP_SUBSTITUTE

    class SafeLinks(Treeprocessor):
        def run(self, root: etree.Element) -> None:
            _safe_links(root, lambda value: value.replace(AMP_SUBSTITUTE, "&"))

    md = markdown.Markdown(extensions=[SaneListExtension()], output_format="html")
    links, images = _commonmark_link_processors()
    md.inlinePatterns.register(links(LINK_RE, md), "link", 160)
    md.inlinePatterns.register(images(IMAGE_LINK_RE, md), "image_link", 150)
    md.treeprocessors.register(SafeLinks(md), "safe_links", -1)  # after "unescape" (0) restores escapes
    if not allow_html:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    return md


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


def _commonmark_link_processors() -> tuple[type, type]:
    """python-markdown's link and image processors, reading the target as CommonMark does. Its own
    reading takes a quote anywhere for the start of a title: `[x](javascript:alert('a'))` became a
    link to `javascript:alert(` titled `a`, followed by a stray `)`."""
    from markdown.inlinepatterns import ImageInlineProcessor, LinkInlineProcessor

    class CommonMarkLinks(LinkInlineProcessor):
        def getLink(self, data: str, index: int) -> tuple[str, str | None, int, bool]:
            target = _link_target(data, index)
            if target is None:  # `(<destination>)`, or not a link: python-markdown decides
                return super().getLink(data, index)
            href, title, end = target
            if title is not None:
                title = self.RE_TITLE_CLEAN.sub(" ", self.unescape(title[1:-1].strip()))
            return self.unescape(href), title, end, True

    class CommonMarkImages(ImageInlineProcessor, CommonMarkLinks):
        pass

    return CommonMarkLinks, CommonMarkImages


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
    """One Markdown parser per setting, made when first needed and reused (creating one costs more
    than converting a line)."""

    def __init__(self, allow_html: bool = False):
        self.allow_html = allow_html
        self._block: dict[str, Markup] = {}
        self._inline: dict[str, Markup] = {}

    @cached_property
    def _md(self) -> markdown.Markdown:
        return _new_parser(self.allow_html)

    def _convert(self, text: str) -> str:
        self._md.reset()
        return sanitize(self._md.convert(text))

    def block(self, text: str | None) -> Markup:
        """Paragraphs, lists and the like."""
        if not text:
            return Markup("")
        cached = self._block.get(text)
        if cached is None:
            stripped = text.strip()
            if _MARKDOWN_SYNTAX.search(stripped) is None:
                cached = Markup("<p>") + escape(stripped) + Markup("</p>")
            elif _is_plain_paragraph(text.rstrip("\n")):
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
            if _MARKDOWN_SYNTAX.search(stripped) is None:
                cached = escape(stripped)
            elif _is_plain_paragraph(stripped):
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

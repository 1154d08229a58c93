"""Markdown for the text fields of the data (bio, news, CV entries, intros), as safe HTML.

Two variants, the templates' `md` (block: paragraphs, lists) and `md_inline`
(one paragraph without its `<p>`, for a line inside a list item or a table cell; text of more than
one block keeps its blocks, so templates put it in elements that accept flow content).

Raw HTML in the text is shown as text unless the settings allow it; links and images whose scheme is
not http(s), mailto or relative (`javascript:`, `data:`) lose their target and become plain text.
Results are cached by text: the same bio renders once per process, not once per page.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import TYPE_CHECKING

from markupsafe import Markup, escape

from cv_site.links import is_safe_url
from cv_site.richtext import Node, has_markers, math_source, math_text, parse

if TYPE_CHECKING:
    import xml.etree.ElementTree as etree

    import markdown

# Text with none of these characters (and no list or heading marker at its start) is plain text:
# Markdown would only escape it, so we skip the parser. Most CV lines take this path.
_MARKDOWN_SYNTAX = re.compile(r"[\\`*_\[\]<>&!#|~=\n]|^\s*(?:[-+>]|\d+[.)])\s")


def _is_plain_paragraph(text: str) -> bool:
    """Lines the parser would only put in one <p>, as they are: each starts with a letter (no
    list, code or heading), ends without a space (two make a <br>) and holds no syntax character,
    so nothing to escape either. A bio written over several lines is the usual case."""
    return all(line[:1].isalpha() and not line.endswith(" ") and line.isprintable()
               and _MARKDOWN_SYNTAX.search(line) is None for line in text.split("\n"))


def _safe_links(root: etree.Element) -> None:
    """`<a href="javascript:...">x</a>` -> `<span>x</span>`; unsafe image sources are dropped."""
    for element in root.iter():
        if element.tag == "a" and not is_safe_url(element.get("href", "")):
            element.tag = "span"
            element.attrib.clear()
        elif element.tag == "img" and not is_safe_url(element.get("src", "")):
            element.tag = "span"
            element.text = element.get("alt", "")
            element.attrib.clear()


def _new_parser(allow_html: bool) -> markdown.Markdown:
    """A parser with sane lists and safe links; raw HTML is text unless allowed (`<script>` is shown
    as `&lt;script&gt;`). Markdown is imported here, when a text first needs it (~10 ms), and its
    extension is given as an object: a name ("sane_lists") is looked up in every installed package."""
    import markdown
    from markdown.extensions.sane_lists import SaneListExtension
    from markdown.treeprocessors import Treeprocessor

    class SafeLinks(Treeprocessor):
        def run(self, root: etree.Element) -> None:
            _safe_links(root)

    md = markdown.Markdown(extensions=[SaneListExtension()], output_format="html")
    md.treeprocessors.register(SafeLinks(md), "safe_links", 0)
    if not allow_html:
        md.preprocessors.deregister("html_block")
        md.inlinePatterns.deregister("html")
    return md


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
        return self._md.convert(text)

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
        return " ".join(_unescape(_TAG.sub("", html)).split())


_TAG = re.compile(r"<[^>]+>")
_ENTITIES = {"&lt;": "<", "&gt;": ">", "&quot;": '"', "&#34;": '"', "&#39;": "'", "&amp;": "&"}


def _unescape(text: str) -> str:
    return re.sub(r"&(?:lt|gt|quot|amp|#34|#39);", lambda m: _ENTITIES[m.group(0)], text)


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

"""al-folio's text is HTML inside Markdown: turn it into our Markdown, or into plain text."""

from __future__ import annotations

import html
import re
from typing import Any

_LINK = re.compile(r"""<a\s[^>]*?href\s*=\s*["']([^"']*)["'][^>]*>(.*?)</a\s*>""", re.I | re.S)
_TAG = re.compile(r"</?[a-zA-Z][^<>]*>")


def to_markdown(value: Any) -> str:
    """Links, <b>, <strong>, <i>, <em> become Markdown; <br> a space; other tags (<u>, <span>)
    are dropped and their words kept."""
    if value is None:
        return ""
    text = str(value).strip()
    text = _LINK.sub(lambda link: f"[{to_markdown(link.group(2))}]({link.group(1).strip()})", text)
    text = re.sub(r"</?(b|strong)\s*>", "**", text, flags=re.I)
    text = re.sub(r"</?(i|em)\s*>", "*", text, flags=re.I)
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.I)
    return _unescape_and_squeeze(_TAG.sub("", text))


def to_plain_text(value: Any) -> str:
    """The words only: links keep their text, every tag is dropped."""
    if value is None:
        return ""
    text = _LINK.sub(lambda link: link.group(2), str(value))
    return _unescape_and_squeeze(_TAG.sub("", text))


def _unescape_and_squeeze(text: str) -> str:
    return " ".join(html.unescape(text).split())

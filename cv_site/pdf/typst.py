"""User text to Typst, safely: every run of text becomes a Typst *string literal*, never markup.

The PDF template (templates/cv.typ.j2) is Jinja2 producing Typst. Its environment finalizes every
`{{ value }}` with `literal()`, so a name such as `#set page(width: 1cm)` or `$x$` reaches Typst as
the string `"#set page(width: 1cm)"` and prints as written. Typst code that we generate ourselves
is wrapped in `Typst` (like MarkupSafe's `Markup`) and passes through unchanged.

Inline Markdown (`**bold**`, `*italic*`, `` `code` ``, `[text](url)`, `<https://autolink>`, bare
URLs) is converted by a small parser into Typst calls (`strong(..)`, `emph(..)`, `raw(..)`,
`link(..)`) whose text arguments are again string literals; a link is printed only when
links.is_safe_url accepts it as an absolute URL (else its text alone), and an image `![alt](src)`
prints its alt text. Block Markdown (paragraphs, `-` lists) is supported for bios, intros and text
sections. Raw HTML is shown as text, as on the website (with `allow_html` it is dropped: a PDF
cannot render it).
"""

from __future__ import annotations

import re
from typing import Iterator

from cv_site.links import is_safe_url, readable_url
from cv_site.text.richtext import Node, math_source, math_text, parse


class Typst(str):
    """A fragment of Typst code that is safe to insert as it is (we generated it)."""

    __slots__ = ()

    def __add__(self, other: str) -> "Typst":  # Typst + Typst stays Typst; Typst + str is quoted
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


# --- inline Markdown ----------------------------------------------------------------------------

_PUNCT = r"""!"#$%&'()*+,\-./:;<=>?@\[\\\]^_`{|}~"""
_INLINE = re.compile(
    r"(?P<escape>\\[" + _PUNCT + r"])"
    r"|(?P<code>`+)"
    r"|(?P<autolink><(?:https?://|mailto:)[^<>\s]+>)"
    r"|(?P<image>!\[)"
    r"|(?P<link>\[)"
    r"|(?P<url>\bhttps?://[^\s<>\[\]]*[^\s<>\[\].,;:!?'\")])"
    r"|(?P<strong>\*\*|__)"
    r"|(?P<emph>\*|_)"
    r"|(?P<html></?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>)"
)


def inline(text: str, allow_html: bool = False) -> Typst:
    """Inline Markdown to a Typst content expression. Every text run is a string literal."""
    text = fold(text)
    return content(list(_inline_parts(text, allow_html)))


def _inline_parts(text: str, allow_html: bool) -> Iterator[Typst]:
    buffer: list[str] = []

    def flush() -> Iterator[Typst]:
        if buffer:
            yield from text_runs("".join(buffer))
            buffer.clear()

    pos = 0
    while pos < len(text):
        match = _INLINE.search(text, pos)
        if match is None:
            buffer.append(text[pos:])
            break
        buffer.append(text[pos : match.start()])
        kind = match.lastgroup
        end = match.end()
        token = match.group()
        if kind == "escape":
            buffer.append(token[1])
        elif kind == "code":
            close = text.find(token, end)
            while close != -1 and text.startswith("`", close + len(token)):  # longer run: not ours
                close = text.find(token, close + len(token) + 1)
            if close == -1:
                buffer.append(token)
            else:
                yield from flush()
                code = text[end:close]
                if code.startswith(" ") and code.endswith(" ") and code.strip():
                    code = code[1:-1]
                yield Typst(f"raw({string(code)})")
                end = close + len(token)
        elif kind == "autolink":
            url = token[1:-1]
            yield from flush()
            label = url[len("mailto:") :] if url.lower().startswith("mailto:") else url
            yield _link(url, string(label))
        elif kind == "url":
            yield from flush()
            yield _link(token, string(token))
        elif kind == "image":  # a PDF shows its alt text
            parsed = _parse_link(text, match.start() + 1)
            if parsed is None:
                buffer.append(token)
            else:
                alt, _, end = parsed
                buffer.append(alt)
        elif kind == "link":
            parsed = _parse_link(text, match.start())
            if parsed is None:
                buffer.append(token)
            else:
                label, url, end = parsed
                yield from flush()
                yield _link(url, inline(label, allow_html))
        elif kind in ("strong", "emph"):
            close = _closing(text, token, end)
            if close is None or not _can_open(text, match.start(), token):
                buffer.append(token)
            else:
                yield from flush()
                function = "strong" if kind == "strong" else "emph"
                yield Typst(f"{function}({inline(text[end:close], allow_html)})")
                end = close + len(token)
        elif kind == "html":
            if not allow_html:
                buffer.append(token)  # shown as text, like the website without allow_html
        pos = end
    yield from flush()


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
    `super(..)`/`sub(..)`, which every text font can draw (many fonts lack the Unicode ones)."""
    for index, run in enumerate(_SCRIPT_RUN.split(text)):
        if not run:
            continue
        if index % 2 == 0:
            yield string(run)
        elif run[0] in _SUPER:
            yield Typst(f"super({string(''.join(_SUPER[c] for c in run))})")
        else:
            yield Typst(f"sub({string(''.join(_SUB[c] for c in run))})")


def _parse_link(text: str, start: int) -> tuple[str, str, int] | None:
    """`[label](url "title")` starting at `start`: (label, url, end) or None."""
    depth, i = 0, start
    while i < len(text):
        char = text[i]
        if char == "\\":
            i += 2
            continue
        if char == "[":
            depth += 1
        elif char == "]":
            depth -= 1
            if depth == 0:
                break
        i += 1
    else:
        return None
    if not text.startswith("(", i + 1):
        return None
    close, depth = i + 2, 1  # balanced parentheses, as in CommonMark
    while close < len(text):
        if text[close] == "(":
            depth += 1
        elif text[close] == ")":
            depth -= 1
            if depth == 0:
                break
        close += 1
    else:
        return None
    target = text[i + 2 : close].strip()
    url = target.split(" ", 1)[0].strip("<>")
    return text[start + 1 : i], url, close + 1


def _can_open(text: str, start: int, token: str) -> bool:
    after = text[start + len(token) : start + len(token) + 1]
    if not after or after.isspace():
        return False
    if token[0] == "_" and start > 0 and text[start - 1].isalnum():  # snake_case stays literal
        return False
    return True


def _closing(text: str, token: str, start: int) -> int | None:
    """Where the emphasis opened before `start` closes: not after a space, `_` not inside a word."""
    i = start
    while True:
        i = text.find(token, i)
        if i == -1:
            return None
        if i == start:
            i += 1
            continue
        if text[i - 1] == "\\":
            i += 1
            continue
        if len(token) == 1 and text.startswith(token * 2, i):  # `**` inside `*...*`: skip the pair
            close = text.find(token * 2, i + 2)
            if close == -1:
                return None
            i = close + 2
            continue
        if text[i - 1].isspace():
            i += 1
            continue
        if token[0] == "_" and text[i + len(token) : i + len(token) + 1].isalnum():
            i += 1
            continue
        return i


# --- block Markdown -----------------------------------------------------------------------------

_BULLET = re.compile(r"^\s{0,3}(?:[-*+]|\d{1,9}[.)])\s+")


def blocks(text: str, allow_html: bool = False) -> list[tuple[str, list[Typst]]]:
    """Block Markdown as [("par", [inline]) | ("list", [item, ...]) | ("enum", [item, ...])]."""
    out: list[tuple[str, list[Typst]]] = []
    for chunk in re.split(r"\n\s*\n", text.strip()):
        lines = chunk.splitlines()
        if lines and _BULLET.match(lines[0]):
            kind = "enum" if lines[0].strip()[0].isdigit() else "list"
            items: list[list[str]] = []
            for line in lines:
                if _BULLET.match(line):
                    items.append([_BULLET.sub("", line, count=1)])
                elif items:
                    items[-1].append(line)
            out.append((kind, [inline(" ".join(item), allow_html) for item in items]))
        elif chunk.strip():
            lines = [re.sub(r"^\s{0,3}#{1,6}\s+", "", line) for line in lines]  # headings: plain
            out.append(("par", [inline(" ".join(lines), allow_html)]))
    return out


def block(text: str, allow_html: bool = False) -> Typst:
    """Block Markdown to Typst content: paragraphs and lists."""
    parts: list[Typst] = []
    for kind, items in blocks(text, allow_html):
        if kind == "par":
            parts.append(Typst(f"par({items[0]})"))
        else:
            function = "enum" if kind == "enum" else "list"
            parts.append(Typst(f"{function}(" + ", ".join(items) + ")"))
    return content(parts)


def plain(text: str) -> str:
    """The visible text of inline Markdown (for metadata and checks): markers and URLs removed."""
    text = re.sub(r"\[([^\]]*)\]\([^)]*\)", r"\1", fold(text))
    text = re.sub(r"(\*\*|__|\*|`+)", "", text)
    return re.sub(r"\\([" + _PUNCT + "])", r"\1", text)


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

"""The BibTeX that importers write: text escaped so that it reads back as written, keys that are
new whatever their case, and entries with their `=` lined up."""

from __future__ import annotations

import re
import unicodedata

LINK_FIELDS = frozenset({"url", "doi", "arxiv"})
# TeX's special characters, and the pairs (--, '') that it would make into one dash or quote.
_TEX = re.compile(r"[\\{}&%$#_~^`]|-(?=-)|'(?=')")
# Braces as commands: an unbalanced one would end or open the BibTeX value.
_TEX_ESCAPES = {"\\": r"\textbackslash{}", "{": r"\textbraceleft{}", "}": r"\textbraceright{}",
                "~": r"\textasciitilde{}", "^": r"\textasciicircum{}", "`": r"\textasciigrave{}",
                "-": r"-\/", "'": r"'\/"}


def tex_escaped(text: str) -> str:
    """Plain text as a BibTeX value's TeX: `100% & more` -> `100\\% \\& more`."""
    return _TEX.sub(lambda match: _TEX_ESCAPES.get(match.group(), "\\" + match.group()), text)


def field_value(name: str, text: str) -> str:
    """A field's value from plain text: a link as written (but for braces, which would end the
    value), any other text escaped."""
    if name in LINK_FIELDS:
        return text.replace("{", "%7B").replace("}", "%7D")
    return tex_escaped(text)


def entry_text(entry_type: str, key: str, fields: dict[str, str]) -> str:
    """`@type{key, name = {value}, ...}` from values already written as BibTeX (empty ones left out)."""
    written = {name: value for name, value in fields.items() if value}
    width = max(map(len, written), default=0)
    body = "".join(f"  {name.ljust(width)} = {{{value}}},\n" for name, value in written.items())
    return f"@{entry_type}{{{key},\n{body}}}\n"


def unique_key(key: str, keys: set[str]) -> str:
    """The key, or with b, c... after it when taken; `keys` holds the keys taken, case-folded
    (BibTeX keys that differ only in case are one key)."""
    candidate, suffix = key, "b"
    while candidate.casefold() in keys:
        candidate, suffix = key + suffix, chr(ord(suffix) + 1)
    keys.add(candidate.casefold())
    return candidate


def ascii_text(text: str) -> str:
    """Without accents and other letters ASCII lacks, for keys: Müller -> Muller."""
    return unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()

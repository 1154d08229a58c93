"""Whether a character is written in a CJK script (names in it are written family name first)."""

from __future__ import annotations

import unicodedata

_CJK_SCRIPTS = ("CJK", "HIRAGANA", "KATAKANA", "HANGUL")


def is_cjk(char: str) -> bool:
    """A Chinese, Japanese or Korean character: a CJK ideograph, kana or Hangul. False for ""."""
    return len(char) == 1 and unicodedata.name(char, "").startswith(_CJK_SCRIPTS)

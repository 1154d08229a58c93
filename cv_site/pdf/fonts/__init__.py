"""Which characters the PDF's fonts can draw, so a missing glyph is an error, not a blank box.

Typst draws a missing glyph as an empty box (tofu) without a warning. The PDF build therefore
checks every character of the data against the fonts it may use: the fonts bundled in the typst
wheel (their coverage is stored in `bundled.txt`, generated from the wheel by
`python -m cv_site.pdf.fonts`) and any font files the site configures (`pdf.font_paths`), whose
`cmap` tables are read here with a minimal OpenType reader (TTF, OTF, TTC).
"""

from __future__ import annotations

import struct
from functools import lru_cache
from pathlib import Path

_HERE = Path(__file__).resolve().parent
BUNDLED = _HERE / "bundled.txt"
FONT_SUFFIXES = (".ttf", ".otf", ".ttc", ".otc")
_SFNT_TAGS = (b"OTTO", b"\x00\x01\x00\x00", b"true")


def _u16(data: bytes, offset: int) -> int:
    return struct.unpack_from(">H", data, offset)[0]


def _u32(data: bytes, offset: int) -> int:
    return struct.unpack_from(">I", data, offset)[0]


def _tables(data: bytes, start: int) -> dict[bytes, tuple[int, int]] | None:
    """The table directory of the sfnt at `start`, or None when it is not one (offsets absolute)."""
    if data[start : start + 4] not in _SFNT_TAGS or start + 12 > len(data):
        return None
    count = _u16(data, start + 4)
    if not 4 <= count <= 64 or start + 12 + 16 * count > len(data):
        return None
    tables = {}
    for i in range(count):
        record = start + 12 + 16 * i
        tag = data[record : record + 4]
        if not all(32 <= b < 127 for b in tag):
            return None
        offset, length = _u32(data, record + 8), _u32(data, record + 12)
        tables[tag] = (offset, length)
    return tables


def cmap_codepoints(data: bytes, tables: dict[bytes, tuple[int, int]], base: int = 0) -> set[int]:
    """Every code point the font's Unicode cmap maps to a real glyph (formats 4 and 12)."""
    if b"cmap" not in tables:
        return set()
    cmap = base + tables[b"cmap"][0]
    best = None
    for i in range(_u16(data, cmap + 2)):
        record = cmap + 4 + 8 * i
        platform, encoding, offset = _u16(data, record), _u16(data, record + 2), _u32(data, record + 4)
        sub = cmap + offset
        fmt = _u16(data, sub)
        rank = {(3, 10, 12): 0, (0, 4, 12): 1, (0, 6, 12): 1, (3, 1, 4): 2, (0, 3, 4): 3}.get((platform, encoding, fmt))
        if rank is None and platform == 0 and fmt in (4, 12):
            rank = 4
        if rank is not None and (best is None or rank < best[0]):
            best = (rank, sub, fmt)
    if best is None:
        return set()
    _, sub, fmt = best
    points: set[int] = set()
    if fmt == 12:
        for i in range(_u32(data, sub + 12)):
            start, end, glyph = struct.unpack_from(">III", data, sub + 16 + 12 * i)
            if glyph == 0:
                start += 1
            points.update(range(start, end + 1))
        return points
    segments = _u16(data, sub + 6) // 2
    ends = sub + 14
    starts = ends + 2 * segments + 2
    deltas = starts + 2 * segments
    range_offsets = deltas + 2 * segments
    for i in range(segments):
        end, start = _u16(data, ends + 2 * i), _u16(data, starts + 2 * i)
        delta, ro = _u16(data, deltas + 2 * i), _u16(data, range_offsets + 2 * i)
        for code in range(start, min(end, 0xFFFE) + 1):
            if ro == 0:
                glyph = (code + delta) & 0xFFFF
            else:
                at = range_offsets + 2 * i + ro + 2 * (code - start)
                glyph = _u16(data, at) if at + 2 <= len(data) else 0
                glyph = (glyph + delta) & 0xFFFF if glyph else 0
            if glyph:
                points.add(code)
    return points


def file_codepoints(path: Path) -> set[int]:
    """Code points covered by a font file (every face of a collection)."""
    data = path.read_bytes()
    starts = [0]
    if data[:4] == b"ttcf":
        starts = [_u32(data, 12 + 4 * i) for i in range(_u32(data, 8))]
    points: set[int] = set()
    for start in starts:
        tables = _tables(data, start)
        if tables:
            points |= cmap_codepoints(data, tables)
    return points


def font_files(paths: tuple[Path, ...]) -> list[Path]:
    files = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*") if p.suffix.lower() in FONT_SUFFIXES)
        elif path.is_file():
            files.append(path)
    return files


def _read_ranges(text: str) -> set[int]:
    points: set[int] = set()
    for token in text.split():
        if token.startswith("#"):
            continue
        first, _, last = token.partition("-")
        points.update(range(int(first, 16), int(last or first, 16) + 1))
    return points


@lru_cache(maxsize=1)
def bundled_codepoints() -> frozenset[int]:
    lines = [line for line in BUNDLED.read_text("ascii").splitlines() if not line.startswith("#")]
    return frozenset(_read_ranges(" ".join(lines)))


@lru_cache(maxsize=8)
def coverage(paths: tuple[Path, ...] = ()) -> frozenset[int]:
    """Code points some font can draw: the bundled fonts plus the configured files."""
    points = set(bundled_codepoints())
    for path in font_files(paths):
        points |= file_codepoints(path)
    return frozenset(points)


def _ranges(points: set[int]) -> list[str]:
    out, ordered = [], sorted(points)
    i = 0
    while i < len(ordered):
        j = i
        while j + 1 < len(ordered) and ordered[j + 1] == ordered[j] + 1:
            j += 1
        out.append(f"{ordered[i]:x}" if i == j else f"{ordered[i]:x}-{ordered[j]:x}")
        i = j + 1
    return out


def generate_bundled() -> str:
    """Find the fonts embedded in the typst extension module and list their coverage."""
    import typst

    module = next(Path(typst.__file__).parent.glob("_typst*"))
    data = module.read_bytes()
    points: set[int] = set()
    faces = 0
    for tag in _SFNT_TAGS[:2]:
        at = data.find(tag)
        while at != -1:
            tables = _tables(data, at)
            if tables and b"cmap" in tables and b"head" in tables:
                # Offsets inside an embedded font are relative to its start.
                try:
                    found = cmap_codepoints(data, tables, base=at)
                except struct.error:
                    found = set()
                if found:
                    faces += 1
                    points |= found
            at = data.find(tag, at + 1)
    version = getattr(typst, "__version__", "?")
    header = f"# Code points drawn by the {faces} font faces bundled in typst {version} (hex ranges).\n"
    header += "# Regenerate with: python -m cv_site.pdf.fonts\n"
    return header + "\n".join(" ".join(chunk) for chunk in _chunks(_ranges(points), 12)) + "\n"


def _chunks(items: list[str], size: int) -> list[list[str]]:
    return [items[i : i + size] for i in range(0, len(items), size)]



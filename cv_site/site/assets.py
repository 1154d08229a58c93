"""The site's files that are not pages: static files (site over theme, read again only when they
change), the size of the owner's photo, and the accent colour made readable on light and dark
backgrounds."""

from __future__ import annotations

import colorsys
import os
import re
import struct
from dataclasses import dataclass
from pathlib import Path

# The CSS colours the accent must stand out from (keep in sync with static/assets/style.css).
LIGHT_BACKGROUNDS = ("#fdfdfc", "#f3f4f6")
DARK_BACKGROUNDS = ("#16181d", "#1f2228")
MIN_CONTRAST = 4.7  # WCAG AA is 4.5; a little margin for anti-aliasing


def _rgb(color: str) -> tuple[float, float, float]:
    color = color.lstrip("#")
    if len(color) == 3:
        color = "".join(c * 2 for c in color)
    return tuple(int(color[i : i + 2], 16) / 255 for i in (0, 2, 4))  # type: ignore[return-value]


def _hex(rgb: tuple[float, float, float]) -> str:
    return "#" + "".join(f"{round(min(max(c, 0.0), 1.0) * 255):02x}" for c in rgb)


def luminance(color: str) -> float:
    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _rgb(color))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def readable_accent(accent: str, backgrounds: tuple[str, ...], minimum: float = MIN_CONTRAST) -> str:
    """The accent, made darker (on light backgrounds) or lighter (on dark ones) in small steps of
    HLS lightness until it reaches `minimum` contrast against every background; hue is kept."""
    dark_background = luminance(backgrounds[0]) < 0.2
    hue, lightness, saturation = colorsys.rgb_to_hls(*_rgb(accent))
    color = accent.lower()
    for _ in range(100):
        if all(contrast(color, bg) >= minimum for bg in backgrounds):
            return color
        lightness = min(lightness + 0.01, 1.0) if dark_background else max(lightness - 0.01, 0.0)
        color = _hex(colorsys.hls_to_rgb(hue, lightness, saturation))
    return "#ffffff" if dark_background else "#000000"


def image_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) of a PNG, GIF, JPEG, WebP or SVG image, from its header; None if unknown."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return struct.unpack("<HH", data[6:10])
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        chunk = data[12:16]
        if chunk == b"VP8X":
            return 1 + int.from_bytes(data[24:27], "little"), 1 + int.from_bytes(data[27:30], "little")
        if chunk == b"VP8 ":
            w, h = struct.unpack("<HH", data[26:30])
            return w & 0x3FFF, h & 0x3FFF
        if chunk == b"VP8L":
            bits = int.from_bytes(data[21:25], "little")
            return (bits & 0x3FFF) + 1, ((bits >> 14) & 0x3FFF) + 1
    if data[:2] == b"\xff\xd8":
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                index += 1
                continue
            marker = data[index + 1]
            if marker in (0xD8, 0x01) or 0xD0 <= marker <= 0xD7:
                index += 2
                continue
            length = struct.unpack(">H", data[index + 2 : index + 4])[0]
            if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
                h, w = struct.unpack(">HH", data[index + 5 : index + 9])
                return w, h
            index += 2 + length
        return None
    head = data[:2048].decode("utf-8", "replace")
    if "<svg" in head:
        tag = head[head.index("<svg") :].split(">", 1)[0]
        width = re.search(r'\swidth="([\d.]+)(?:px)?"', tag)
        height = re.search(r'\sheight="([\d.]+)(?:px)?"', tag)
        if width and height:
            return round(float(width.group(1))), round(float(height.group(1)))
        box = re.search(r'viewBox="[\d.\-]+[\s,]+[\d.\-]+[\s,]+([\d.]+)[\s,]+([\d.]+)"', tag)
        if box:
            return round(float(box.group(1))), round(float(box.group(2)))
    return None





@dataclass(frozen=True)
class _StaticFile:
    data: bytes
    stamp: tuple[float, int]


class StaticFiles:
    """Files under the static folders (site over theme), cached by mtime and size between builds."""

    def __init__(self) -> None:
        self._cache: dict[Path, _StaticFile] = {}

    def collect(self, folders: list[Path]) -> dict[str, bytes]:
        found: dict[str, Path] = {}
        for folder in folders:  # later folders win
            for root, dirs, names in os.walk(folder):
                dirs.sort()
                for name in sorted(names):
                    if name.startswith(".") or name.endswith("~"):
                        continue
                    path = Path(root) / name
                    found[path.relative_to(folder).as_posix()] = path
        return {relative: self._read(path) for relative, path in sorted(found.items())}

    def _read(self, path: Path) -> bytes:
        stat = path.stat()
        stamp = (stat.st_mtime, stat.st_size)
        cached = self._cache.get(path)
        if cached is None or cached.stamp != stamp:
            cached = _StaticFile(path.read_bytes(), stamp)
            self._cache[path] = cached
        return cached.data

"""A data file's text: UTF-8 (a BOM dropped), or a located problem that says how to fix it."""

from __future__ import annotations

from pathlib import Path

from cv_site.errors import Problem, display_path


def read_text(path: Path, problems: list[Problem]) -> str | None:
    """A file's text, decoded as UTF-8 (a BOM is dropped); None with a Problem when it is not."""
    return decode_text(path, path.read_bytes(), problems)


def decode_text(path: Path, raw: bytes, problems: list[Problem]) -> str | None:
    """`raw` (the bytes of `path`) as text, as `read_text`."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        column = error.start - (raw.rfind(b"\n", 0, error.start) + 1) + 1
        problems.append(Problem(
            display_path(path), line, column, "",
            f"not UTF-8: byte 0x{raw[error.start]:02x} at offset {error.start} cannot be decoded",
            hint="save the file as UTF-8 (most editors: 'Save with encoding')",
        ))
        return None

"""A data file's text: UTF-8 (a BOM dropped), or a located problem that says how to fix it.

A .bib file may also be Windows-1252 (Latin-1 is a part of it), as older tools write them: it is
read with a warning. YAML and posts stay UTF-8 only.
"""

from __future__ import annotations

import re
import shlex
from pathlib import Path

from cv_site.errors import Problem, display_path

# A character UTF-8 writes in two to four bytes: a file that has one is UTF-8 with a stray byte,
# which Windows-1252 would turn into "MÃ¼ller" everywhere else.
_UTF8_CHARACTER = re.compile(rb"[\xc2-\xdf][\x80-\xbf]|[\xe0-\xef][\x80-\xbf]{2}|[\xf0-\xf4][\x80-\xbf]{3}")
_NOT_TEXT = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")  # control characters: a binary file


def read_bib_text(path: Path, problems: list[Problem]) -> str | None:
    """A .bib file's text: UTF-8 as `decode_text` reads it, else Windows-1252 with a warning that
    says how to convert it; None with the error `decode_text` reports when it is neither (a byte
    that Windows-1252 leaves undefined: 0x81, 0x8d, 0x8f, 0x90, 0x9d; a UTF-8 character beside the
    stray byte; control characters)."""
    raw = path.read_bytes()
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        text = _windows_1252(raw)
        if text is None:
            return decode_text(path, raw, problems)
        file = display_path(path)
        line, column = _position(raw, error.start)
        name, converted = shlex.quote(file), shlex.quote(file + ".utf8")
        problems.append(Problem(
            file, line, column, "",
            f"not UTF-8 but Windows-1252 (Latin-1): read as Windows-1252 "
            f"(byte 0x{raw[error.start]:02x} is '{text[error.start]}')",
            hint=f"convert it to UTF-8: iconv -f windows-1252 -t utf-8 {name} > {converted} && "
                 f"mv {converted} {name}, or save it as UTF-8 in your editor",
            severity="warning",
        ))
        return text


def decode_text(path: Path, raw: bytes, problems: list[Problem]) -> str | None:
    """`raw` (the bytes of `path`) as text, decoded as UTF-8 (a BOM is dropped); None with a
    Problem when it is not."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line, column = _position(raw, error.start)
        problems.append(Problem(
            display_path(path), line, column, "",
            f"not UTF-8: byte 0x{raw[error.start]:02x} at offset {error.start} cannot be decoded",
            hint="save the file as UTF-8 (most editors: 'Save with encoding')",
        ))
        return None


def _windows_1252(raw: bytes) -> str | None:
    """`raw` as Windows-1252 text, or None when it is not that (see `read_bib_text`)."""
    if _UTF8_CHARACTER.search(raw):
        return None
    try:
        text = raw.decode("cp1252")
    except UnicodeDecodeError:
        return None
    return None if _NOT_TEXT.search(text) else text


def _position(raw: bytes, offset: int) -> tuple[int, int]:
    """The 1-based line and column (in bytes) of `raw[offset]`."""
    return raw.count(b"\n", 0, offset) + 1, offset - (raw.rfind(b"\n", 0, offset) + 1) + 1

"""The references a style formatted, kept on disk, so that a new process (each one-shot
`cv-site build`) formats only the papers it has not seen: formatting 500 papers in APA takes ~4 s.

    save_caches()  the references formatted since the last save written to disk; called once
                   after a successful build. A folder that cannot be written: nothing, silently.

One JSON file per style and locale in the user's cache ($XDG_CACHE_HOME/cv-site/citations, else
~/.cache/cv-site/citations), read the first time the style formats a paper in this process:

    {"format": 1, "citeproc": "0.11.1", "code": "<sha256>", "style": "<sha256 of the .csl>",
     "locale": "en-US", "entries": {"<publication_key>": "<the reference as rich text>", ...}}

A reference is found by `publication_key`, a sha256 of everything the paper says (what
`Publication`'s equality compares, as the in-memory cache does), never by Python's `hash()`,
which changes with each process. The header says what made the references (this format,
citeproc-py's version, a digest of the formatting code); a file whose header is not this
process's, or that cannot be read, is ignored and rewritten at the next save. A file keeps at
most MAX_ENTRIES references: past that, those this process used last.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from dataclasses import dataclass, field, fields, is_dataclass
from functools import cache
from pathlib import Path
from typing import Any

import citeproc

from cv_site.filesystem import write_atomic
from cv_site.model import Publication

FORMAT_VERSION = 1
MAX_ENTRIES = 20000  # references kept in one style's file (the in-memory cache's size)
# The code a reference's text comes from, besides citeproc-py: a change to it makes new files.
_CODE = [*sorted(Path(__file__).resolve().parent.glob("*.py"))] + [
    Path(__file__).resolve().parent.parent / "text" / name for name in ("richtext.py", "cjk.py")
]


def default_folder() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cv-site" / "citations"


@dataclass
class StyleCache:
    """One style's references: those read from its file, and those formatted in this process."""

    path: Path | None  # None: no disk cache (the formatting code could not be read)
    header: dict[str, Any]
    entries: dict[str, str] = field(default_factory=dict)
    used: dict[str, None] = field(default_factory=dict)  # keys this process used, least recent first
    new: bool = False  # entries not yet saved

    def get(self, key: str) -> str | None:
        text = self.entries.get(key)
        if text is not None:
            self._use(key)
        return text

    def put(self, key: str, text: str) -> None:
        self.entries[key] = text
        self._use(key)
        self.new = True

    def _use(self, key: str) -> None:
        self.used.pop(key, None)
        self.used[key] = None

    def save(self) -> None:
        """The entries written to the file in one step (a temporary file replaces it), the most
        recently used MAX_ENTRIES if there are more. A folder that cannot be written: nothing."""
        if self.path is None:
            return
        if len(self.entries) > MAX_ENTRIES:
            kept = [key for key in self.used if key in self.entries][-MAX_ENTRIES:]
            self.entries = {key: self.entries[key] for key in kept}
            self.used = dict.fromkeys(kept)
        data = json.dumps({**self.header, "entries": self.entries}, ensure_ascii=False, separators=(",", ":"))
        try:
            write_atomic(self.path, data.encode("utf-8"))
        except (OSError, UnicodeError):  # read-only, full, not a folder: the next build formats again
            return
        self.new = False


_caches: dict[tuple[str, str], StyleCache] = {}
_lock = threading.Lock()


def style_cache(digest: str, locale: str) -> StyleCache:
    """The style's references (its file read the first time it is asked for in this process)."""
    with _lock:
        found = _caches.get((digest, locale))
        if found is None:
            found = _caches[(digest, locale)] = _read(digest, locale)
        return found


def save_caches() -> None:
    """Every style's references formatted since the last save, written to its file (only the
    styles with new ones). Never raises for the disk: a cache that cannot be written is skipped."""
    with _lock:
        for style in _caches.values():
            if style.new:
                style.save()


def forget() -> None:
    """This process's references dropped, as in a new process (the files stay): for tests and
    benchmarks, with `style.formatted.cache_clear()`."""
    with _lock:
        _caches.clear()


def publication_key(publication: Publication) -> str | None:
    """A digest of what the paper says, the same in every process; None if some value of it has
    no stable form (the paper is then formatted each time, never confused with another)."""
    try:
        text = repr(_plain(publication))
    except TypeError:
        return None
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:32]


_SCALARS = (str, int, float, type(None))  # their repr is the same in every process (bool is an int)


def _plain(value: Any) -> Any:
    """A value made of scalars, tuples and lists: a dataclass as its name and the fields its
    equality compares (an Author's owner and marks included, a Publication's `source` not), a
    dict as its sorted items. A value of another kind raises TypeError."""
    if isinstance(value, _SCALARS):
        return value
    names = _compared(type(value))
    if names is not None:
        return (type(value).__name__, *[_plain(getattr(value, name)) for name in names])
    if isinstance(value, dict):
        return sorted((str(key), _plain(item)) for key, item in value.items())
    if isinstance(value, (tuple, list)):
        return [_plain(item) for item in value]
    raise TypeError(f"no stable form for {type(value).__name__}")


@cache
def _compared(kind: type) -> tuple[str, ...] | None:
    return tuple(f.name for f in fields(kind) if f.compare) if is_dataclass(kind) else None


def _read(digest: str, locale: str) -> StyleCache:
    code = _code_digest()
    if code is None:
        return StyleCache(None, {})
    header = {"format": FORMAT_VERSION, "citeproc": _citeproc_version(), "code": code,
              "style": digest, "locale": locale}  # fmt: skip
    name = hashlib.sha256(f"{digest}\n{locale}".encode("utf-8", "surrogatepass")).hexdigest()[:32]
    path = default_folder() / f"{name}.json"
    return StyleCache(path, header, _entries(path, header))


def _entries(path: Path, header: dict[str, Any]) -> dict[str, str]:
    """The file's references if it is one of ours with this header; else none (it is rewritten)."""
    try:
        data = json.loads(path.read_bytes())
    except (OSError, ValueError, RecursionError):  # absent, unreadable, not JSON, not UTF-8
        return {}
    if not isinstance(data, dict) or any(data.get(name) != value for name, value in header.items()):
        return {}
    entries = data.get("entries")
    if not isinstance(entries, dict) or not all(isinstance(text, str) for text in entries.values()):
        return {}
    return entries


@cache
def _code_digest() -> str | None:
    digest = hashlib.sha256()
    try:
        for path in _CODE:
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    except OSError:
        return None
    return digest.hexdigest()


def _citeproc_version() -> str:
    version = getattr(citeproc, "__version__", None)
    if version is None:
        from importlib.metadata import version as installed

        version = installed("citeproc-py")
    return str(version)

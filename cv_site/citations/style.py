"""CSL styles: which file a `citation_style` value names, checked once, and a paper's reference in
it as rich text, cached by content.

    load_style(value, site_dir, language)  -> CitationStyle, or ValueError with the message to show
    CitationStyle.format(publication)      -> the reference as rich text (richtext markers)

A value is a built-in style's name (`BUILT_IN_STYLES`, files shipped in csl/) or the path of a
.csl file in the site folder. A style is known by its file's bytes and its locale: loading the
same file again (each rebuild in `serve`) gives a style equal to the first, so the references it
formatted before are reused; and the references are kept on disk for the next process
(citations/cache.py: `save_caches()` after a build).
"""

from __future__ import annotations

import hashlib
import io
import threading
import warnings
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from citeproc import (
    LANGUAGE_NAMES,
    PRIMARY_DIALECTS,
    Citation,
    CitationItem,
    CitationStylesBibliography,
    CitationStylesStyle,
)
from citeproc.source.json import CiteProcJSON
from lxml import etree

from cv_site.citations.cache import publication_key, style_cache
from cv_site.citations.csl_json import ITEM_ID, csl_item
from cv_site.citations.richformat import RichText, tidy
from cv_site.errors import CitationError, did_you_mean
from cv_site.model import Author, Publication, SourceRef

CSL_FOLDER = Path(__file__).resolve().parent / "csl"
BUILT_IN_STYLES = {
    "apa": "apa.csl",
    "ieee": "ieee.csl",
    "chicago-author-date": "chicago-author-date.csl",
    "harvard": "harvard-cite-them-right.csl",
    "vancouver": "nlm-citation-sequence.csl",
    "acm": "acm-sig-proceedings.csl",
    "nature": "nature.csl",
}
CSL_NS = "http://purl.org/net/xbiblio/csl"
_CS = f"{{{CSL_NS}}}"
_ET_AL = ("et-al-min", "et-al-use-first", "et-al-subsequent-min", "et-al-subsequent-use-first", "et-al-use-last")
_LOCALES = {name.lower(): name for name in LANGUAGE_NAMES}  # the locales citeproc-py has


class _Engine:
    """citeproc-py's styles for one file and locale, made when first needed and shared by every
    `CitationStyle` loaded from the same bytes."""

    def __init__(self, data: bytes, locale: str):
        self.data = data
        self.locale = locale
        self._styles: dict[bool, CitationStylesStyle] = {}
        self._lock = threading.Lock()  # citeproc-py keeps its state in the style's element tree
        self._close_quote: str | None = None

    def render(self, item: dict, all_names: bool) -> tuple[str, str]:
        """The item formatted, and the closing quote that takes a following stop or comma in
        ("" when the locale leaves them outside)."""
        with self._lock:
            style = self._styles.get(all_names)
            if style is None:
                style = self._styles[all_names] = _citeproc_style(self.data, self.locale, all_names)
            bibliography = CitationStylesBibliography(style, CiteProcJSON([item]), RichText)
            bibliography.register(Citation([CitationItem(ITEM_ID)]))
            text = "".join(str(entry) for entry in bibliography.bibliography())
            if self._close_quote is None:
                self._close_quote = _close_quote(style)
            return text, self._close_quote


@dataclass(frozen=True, eq=False)
class CitationStyle:
    """A CSL style, ready to format: equal (and hashed alike) when its file and locale are."""

    name: str  # as given: "apa", or "styles/my.csl"
    title: str  # the style's own title, from its <info>
    locale: str  # e.g. "en-US"
    digest: str  # sha256 of the file's bytes
    built_in: bool  # one of BUILT_IN_STYLES, tested on every kind of paper: a failure is a bug
    _engine: _Engine = field(repr=False)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, CitationStyle) and (self.digest, self.locale) == (other.digest, other.locale)

    def __hash__(self) -> int:
        return hash((self.digest, self.locale))

    def format(self, publication: Publication) -> str:
        """The paper's reference as rich text: the owner in BOLD, the `*`/`†` marks kept."""
        return formatted(self, publication)

    def render(self, publication: Publication) -> str:
        """The reference formatted now, not from the cache. When the style's "et al." would
        leave the owner out, every name is given instead: a CV always shows its owner."""
        item, names = csl_item(publication)
        text, close_quote = self._engine.render(item, all_names=False)
        if not names.shows_owner(text):
            text, close_quote = self._engine.render(item, all_names=True)
        return tidy(names.finish(text), close_quote)


@lru_cache(maxsize=20000)
def formatted(style: CitationStyle, publication: Publication) -> str:
    """`style.render(publication)`, kept by content: an equal style and an equal paper (the
    publication's hash and equality cover everything it says) reuse the text, in this process
    and, through the style's file on disk (citations/cache.py), in the next one."""
    stored = style_cache(style.digest, style.locale)
    key = publication_key(publication)
    text = stored.get(key) if key is not None else None
    if text is None:
        text = _rendered(style, publication)
        if key is not None:
            stored.put(key, text)
    return text


def _rendered(style: CitationStyle, publication: Publication) -> str:
    """`style.render(publication)`. A site's own style that citeproc-py fails on for this paper
    raises CitationError; a built-in style's failure is a bug and keeps its traceback."""
    if style.built_in:
        return style.render(publication)
    try:
        return style.render(publication)
    except Exception as error:  # what citeproc-py could not do with this paper, its cause chained
        raise CitationError(
            f"citation style '{style.name}' could not format '{publication.key}': {type(error).__name__}: {error}",
            style.name,
        ) from error


def load_style(value: str, site_dir: Path, language: str = "en") -> CitationStyle:
    """The style a `citation_style` value names: a built-in name, or a .csl file's path relative
    to the site folder. Raises ValueError with the message to show when it cannot be used."""
    given = value.strip()
    if _is_path(given):
        return _style(_read_file(given, site_dir), given, language, built_in=False)
    if given.lower() in BUILT_IN_STYLES:
        return _style((CSL_FOLDER / BUILT_IN_STYLES[given.lower()]).read_bytes(), given, language, built_in=True)
    else:
        hint = did_you_mean(given, BUILT_IN_STYLES)
        raise ValueError(
            f"unknown citation style '{given}'{f' ({hint})' if hint else ''}: use one of {_known()}, "
            "or the path of a .csl file in the site folder"
        )


def _is_path(value: str) -> bool:
    return "/" in value or "\\" in value or value.lower().endswith(".csl")


def _known() -> str:
    return ", ".join(BUILT_IN_STYLES)


def _file_error(value: str, problem: str) -> ValueError:
    return ValueError(f"citation style file '{value}' {problem}; use a CSL style file (.csl) or one of {_known()}")


def _read_file(value: str, site_dir: Path) -> bytes:
    if not value.lower().endswith(".csl"):
        raise _file_error(value, "is not a .csl file")
    path = (site_dir / value).resolve()
    if not path.is_relative_to(site_dir.resolve()):
        raise _file_error(value, "is outside the site folder")
    if not path.is_file():
        raise _file_error(value, "does not exist" if not path.exists() else "is not a file")
    try:
        return path.read_bytes()
    except OSError as error:
        raise _file_error(value, f"cannot be read ({error.strerror or error})") from error


def _style(data: bytes, value: str, language: str, built_in: bool) -> CitationStyle:
    root = _checked_root(data, value)
    locale = _locale(language, root.get("default-locale"))
    title = root.findtext(f"{_CS}info/{_CS}title", default="").strip()
    try:
        engine = _engine(data, locale)
    except Exception as error:  # what citeproc-py could not do with a site's own style
        if built_in:
            raise
        raise _file_error(value, f"cannot be used ({type(error).__name__}: {error})") from error
    return CitationStyle(value, title, locale, hashlib.sha256(data).hexdigest(), built_in, engine)


# `serve` loads its style again at each rebuild: the same bytes give the same engine, without
# building citeproc-py's style and locale again (~5 ms; the file itself is still read and checked).
@lru_cache(maxsize=16)
def _engine(data: bytes, locale: str) -> _Engine:
    """An engine for the style, tried on a paper first: a style citeproc-py cannot use is
    reported when it is loaded, as a problem of its file, not while the site is being written."""
    engine = _Engine(data, locale)
    engine.render(csl_item(_PROBE)[0], all_names=False)
    return engine


def _checked_root(data: bytes, value: str) -> etree._Element:
    """The style's root element, after the checks whose messages say what is wrong."""
    parser = etree.XMLParser(resolve_entities=False, no_network=True, remove_comments=True)
    try:
        tree = etree.parse(io.BytesIO(data), parser)
    except etree.XMLSyntaxError as error:
        line, column = error.position
        message = error.error_log.last_error.message if error.error_log else error.msg
        raise _file_error(value, f"is not valid XML (line {line}, column {column}: {message})") from error
    if tree.docinfo.internalDTD is not None or tree.docinfo.doctype:
        raise _file_error(value, "declares a DOCTYPE, which a CSL style never has")
    root = tree.getroot()
    if root.tag != f"{_CS}style":
        raise _file_error(value, f"is not a CSL style (its root element is <{etree.QName(root).localname}>)")
    if root.find(f"{_CS}bibliography/{_CS}layout") is None:
        parent = root.find(f"{_CS}info/{_CS}link[@rel='independent-parent']")
        if parent is not None:
            raise _file_error(value, f"is a dependent style: use the style it points to ({parent.get('href')})")
        raise _file_error(value, "has no bibliography layout")
    return root


def _locale(language: str, default_locale: str | None) -> str:
    """The locale for the site's language: the style's own when it is of the same language and
    the site names no region, else the language's locale, its main dialect, or en-US."""
    tag = language.strip().replace("_", "-").lower()
    primary = tag.split("-")[0]
    if default_locale and "-" not in tag and default_locale.split("-")[0].lower() == primary:
        return default_locale
    if tag in _LOCALES:
        return _LOCALES[tag]
    return PRIMARY_DIALECTS.get(primary, "en-US")


def _citeproc_style(data: bytes, locale: str, all_names: bool) -> CitationStylesStyle:
    """citeproc-py's style, without the bibliography's citation numbers (a CV's list numbers its
    papers itself, or not at all); with `all_names`, without "et al."."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        style = CitationStylesStyle(io.BytesIO(data), locale=locale, validate=False)
    bibliography = style.root.find(f"{_CS}bibliography")
    for element in list(bibliography.iter(f"{_CS}text")):
        if element.get("variable") == "citation-number":
            element.getparent().remove(element)
    _initialize_false(style.root, bibliography)
    if all_names:
        for element in style.root.iter(f"{_CS}style", f"{_CS}bibliography", f"{_CS}citation", f"{_CS}name"):
            for option in _ET_AL:
                element.attrib.pop(option, None)
    return style


def _initialize_false(root: etree._Element, bibliography: etree._Element) -> None:
    """CSL's `initialize="false"` (full given names, as Chicago writes them) for citeproc-py, which
    initializes wherever `initialize-with` is inherited: the bibliography's `initialize-with` is
    given to each <name> that does not turn it off, and no longer inherited."""
    inherited = bibliography.get("initialize-with", root.get("initialize-with"))
    if inherited is None or not any(name.get("initialize") == "false" for name in root.iter(f"{_CS}name")):
        return
    for name in root.iter(f"{_CS}name"):
        if name.get("initialize") == "false":
            name.attrib.pop("initialize-with", None)
        elif "initialize-with" not in name.attrib:
            name.set("initialize-with", inherited)
    for element in (root, bibliography):
        element.attrib.pop("initialize-with", None)


def _close_quote(style: CitationStylesStyle) -> str:
    """The locale's closing quote when punctuation goes inside quotes (American English: “Title,”),
    which citeproc-py does not do itself; else ""."""
    if str(style.root.get_locale_option("punctuation-in-quote")).lower() != "true":
        return ""
    return str(style.root.get_single_term("close-quote"))


_PROBE = Publication(  # what every style is tried on when it is loaded
    key="probe", entry_type="article", title="A title", year=2024, month=None, day=None,
    authors=(Author("Ada", "", "Lovelace", is_owner=True), Author("Alan", "", "Turing", equal_contribution=True)),
    venue="A journal", venue_kind="journal", status="published",
    fields={"title": "A title", "journal": "A journal", "volume": "1", "pages": "1--2", "year": "2024"},
    links=(), bibtex="", source=SourceRef("", 0),
)  # fmt: skip

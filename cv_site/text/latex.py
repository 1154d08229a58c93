"""LaTeX in BibTeX fields -> Unicode text for display.

Most fields need no work at all (`needs_decoding` is False), and nearly all the rest use a few
accents, escapes and dashes, which one regular-expression pass handles. Only a macro that pass
does not know goes to pylatexenc, and only that macro with its arguments: running pylatexenc over
every field costs ~100x the parse itself. A macro neither knows is kept as written, so no content
disappears.

Formatting is kept as formatting: `latex_to_marked` wraps `\\emph{x}`/`\\textit{x}`/`{\\em x}` and
`\\textbf{x}`/`{\\bf x}` in `richtext` markers, and math (`$...$`, `$$...$$`) too, its TeX source
intact. `latex_to_text` is the plain text of that (math converted to Unicode where it can be:
`$\\ell_1$` -> `ℓ₁`). `unknown_commands` names the commands kept as written, for warnings.
Results are cached by the field's text, so a rebuild decodes only what changed.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from cv_site.text.richtext import BOLD, END_BOLD, END_ITALIC, END_MATH, ITALIC, MATH, plain

NBSP = "\u00a0"


# Accent commands -> Unicode combining marks (composed with NFC afterwards).
_ACCENTS = {
    "`": "\u0300", "'": "\u0301", "^": "\u0302", "~": "\u0303", "=": "\u0304", "u": "\u0306",
    ".": "\u0307", '"': "\u0308", "r": "\u030a", "H": "\u030b", "v": "\u030c", "d": "\u0323",
    "c": "\u0327", "k": "\u0328", "b": "\u0331",
}
# Control words that stand for one character (or a short string).
_SYMBOLS = {
    "i": "ı", "j": "ȷ", "o": "ø", "O": "Ø", "l": "ł", "L": "Ł", "ss": "ß", "SS": "SS",
    "aa": "å", "AA": "Å", "ae": "æ", "AE": "Æ", "oe": "œ", "OE": "Œ",
    "dag": "†", "dagger": "†", "textdagger": "†",
    "ddag": "‡", "ddagger": "‡", "textdaggerdbl": "‡",
    "ldots": "…", "dots": "…", "textellipsis": "…", "textendash": "–", "textemdash": "—",
    "textquoteleft": "‘", "textquoteright": "’", "textquotedblleft": "“", "textquotedblright": "”",
    "S": "§", "P": "¶", "copyright": "©", "textcopyright": "©", "textregistered": "®",
    "texttrademark": "™", "textbackslash": "\\", "textasciitilde": "~", "textbar": "|",
    "textbraceleft": "{", "textbraceright": "}", "textasciicircum": "^",
    "textless": "<", "textgreater": ">", "textbullet": "•", "textdegree": "°",
    "LaTeX": "LaTeX", "TeX": "TeX", "BibTeX": "BibTeX", "relax": "", "xspace": "", "protect": "",
}
# Letters and opening quotes eat the space after them, as in TeX (Stra\ss e); other symbols keep
# it, which reads better than TeX would (\LaTeX is).
_EATS_SPACE = frozenset("i j o O l L ss SS aa AA ae AE oe OE textquoteleft textquotedblleft".split())
# Control symbols: \& -> &, and the spacing commands.
_CONTROL_SYMBOLS = {
    "&": "&", "%": "%", "$": "$", "_": "_", "#": "#", "{": "{", "}": "}",
    "~": "~", "^": "^", " ": " ", ",": "\u2009", ";": " ", ":": " ",
    "!": "", "/": "", "-": "", "\\": " ", "@": "",
}
# Font and box commands: the command goes, its argument stays (its braces are removed later).
_FORMATTING = frozenset(
    "textit emph textbf textsc texttt textrm textsf textsl textup textmd textnormal mbox hbox "
    "text url nolinkurl textsuperscript textsubscript ensuremath uppercase lowercase "
    "MakeUppercase MakeLowercase em it bf sc rm sf tt sl up md normalfont small footnotesize "
    "scriptsize tiny large Large LARGE huge Huge bfseries itshape scshape upshape mdseries".split()
)
# pylatexenc knows these, but renders them as nothing or a placeholder: keep them as written.
# (\input and \include would read files if pylatexenc were given an input directory; it is not.)
_KEEP_AS_WRITTEN = frozenset({"input", "include", "cite", "citep", "citet", "ref", "eqref", "label"})
_ITALIC_COMMANDS = frozenset("textit emph textsl it em sl itshape slshape".split())
_BOLD_COMMANDS = frozenset("textbf bf bfseries".split())
# {\em text} and {\bf text}: a switch that holds to the end of its group.
_SWITCH = re.compile(r"\{\\(em|it|itshape|sl|slshape|bf|bfseries)(?![A-Za-z])\s*((?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*)\}")

_BRACED = r"\{(?:[^{}]|\{(?:[^{}]|\{[^{}]*\})*\})*\}"  # a group, up to three levels deep
_TOKEN = re.compile(
    # A run of plain text is a token too, given back as it is: one step of the regex over the run
    # is ~4x faster than its search for the next token from every position.
    r"(?P<plain>[^\\{}$~`'-]++)"
    r"|(?:(?P<math>\$\$.+?\$\$|\$(?:\\.|[^$\\])+\$)"
    r"|\\(?P<accent>[`'^\"~=.]|[uvrHdckb](?![A-Za-z]))\s*"
    r"(?:\{\s*(?P<braced>\\[ij](?![A-Za-z])|[A-Za-z])\s*\}"  # \'{e} \'{\i}
    r"|(?P<dotless>\\[ij])(?![A-Za-z])|(?P<letter>[A-Za-z]))"  # \'\i \'e
    rf"|\\href\s*{_BRACED}"  # \href{url}{text}: keep the text only
    r"|\\(?P<word>[A-Za-z]+)(?P<star>\*?)(?P<args>(?:\s*\[[^\]]*\])?(?:\s*" + _BRACED + r")*)(?P<space>\s*)"
    r"|\\(?P<symbol>[^A-Za-z])"
    r"|(?P<dash>---?)|(?P<quote>``|''|`)|(?P<tie>~)|[{}])",
    re.DOTALL,
)
_QUOTES = {"``": "“", "''": "”", "`": "‘"}
_DASHES = {"--": "–", "---": "—"}


@lru_cache(maxsize=1)
def _pylatexenc():  # type: ignore[no-untyped-def]
    """pylatexenc's converter (no input directory: \\input reads nothing) and its macro table, made
    on first use: most files never need them."""
    from pylatexenc.latex2text import LatexNodes2Text, get_default_latex_context_db

    return LatexNodes2Text(math_mode="verbatim"), get_default_latex_context_db()


def latex_to_text(text: str) -> str:
    """Unicode for display: accents composed, escapes, braces and formatting removed, math as
    Unicode where it converts (else its TeX source).

    Plain text (no backslash, brace, tie, dash, dollar or TeX quote), which is most fields, is
    returned as it is; the `in` tests that find it are several times faster than a regex search."""
    if _is_plain(text):
        return text
    return plain(_decode(text))


def latex_to_marked(text: str) -> str:
    """Like `latex_to_text`, with italic, bold and math kept as `richtext` markers."""
    if _is_plain(text):
        return text
    return _decode(text)


def _is_plain(text: str) -> bool:
    simple = "\\" not in text and "{" not in text and "}" not in text and "~" not in text and "$" not in text
    return simple and "`" not in text and "--" not in text and "''" not in text


@lru_cache(maxsize=65536)
def _decode(text: str) -> str:
    if "\\" not in text and "$" not in text:  # only braces, dashes, ties and quotes: no regex needed
        return _replace_punctuation(text.replace("{", "").replace("}", ""))
    if "{\\" in text:
        text = _SWITCH.sub(_switch, text)
    return unicodedata.normalize("NFC", _TOKEN.sub(_replace, text))


def _switch(match: re.Match) -> str:
    opening, closing = (BOLD, END_BOLD) if match.group(1).startswith("b") else (ITALIC, END_ITALIC)
    return opening + match.group(2) + closing


_COMMAND = re.compile(r"\\([A-Za-z]+)")
_MATH = re.compile(r"\$\$.+?\$\$|\$(?:\\.|[^$\\])+\$", re.DOTALL)
_HANDLED = frozenset(_SYMBOLS) | _FORMATTING | frozenset("u v r H d c k b href".split())


@lru_cache(maxsize=16384)
def unknown_commands(text: str) -> tuple[str, ...]:
    """The commands in `text` (outside math) that are kept as written: neither this module nor
    pylatexenc knows them, or they refer to something outside the entry (\\cite, \\ref)."""
    if "\\" not in text:
        return ()
    names = []
    for name in _COMMAND.findall(_MATH.sub("", text.replace("\\\\", "  "))):
        if name in _HANDLED or name in names:
            continue
        if name in _KEEP_AS_WRITTEN or _pylatexenc()[1].get_macro_spec(name) is None:
            names.append(name)
    return tuple(names)


def _replace_punctuation(text: str) -> str:
    """Dashes, ties and TeX quotes. A one-character test first: looking for a two-character string
    in a long abstract costs ~10x more."""
    if "-" in text:
        text = text.replace("---", "—").replace("--", "–")
    if "~" in text:
        text = text.replace("~", NBSP)
    if "`" in text:
        text = text.replace("``", "“").replace("`", "‘")
    if "'" in text:
        text = text.replace("''", "”")
    return text


def _replace(match: re.Match) -> str:
    return _HANDLERS[match.lastgroup](match)


def _accented(match: re.Match) -> str:
    base = match.group("braced") or match.group("dotless") or match.group("letter")
    if base.startswith("\\"):  # \'{\i}: the accent goes on a plain i
        base = base[1]
    return base + _ACCENTS[match.group("accent")]


def _control_word(match: re.Match) -> str:
    """A command such as \\ss, \\emph{x} or \\foo{x}; `args` are the groups that follow it."""
    name, star, args, space = match.group("word", "star", "args", "space")
    if name in _SYMBOLS:
        text = _SYMBOLS[name] + _decode(args)
        eats_space = not args and name in _EATS_SPACE
    elif name in _FORMATTING:
        text = _decode(args)
        if args and name in _ITALIC_COMMANDS:
            text = ITALIC + text + END_ITALIC
        elif args and name in _BOLD_COMMANDS:
            text = BOLD + text + END_BOLD
        eats_space = not args  # {\\em x}
    else:
        text = _fallback(f"\\{name}{star}{args}")
        eats_space = False
    return text if eats_space else text + space


def _fallback(command: str) -> str:
    """pylatexenc for a command it knows; anything else stays as written."""
    name = re.match(r"\\([A-Za-z]+)", command).group(1)
    if name in _KEEP_AS_WRITTEN:
        return command
    converter, macros = _pylatexenc()
    if macros.get_macro_spec(name) is None:
        return command
    try:
        return converter.latex_to_text(command)
    except Exception:  # pylatexenc fails on some malformed arguments: keep the text
        return command


# Which alternative of _TOKEN matched, by the last group it closes.
_HANDLERS = {
    "plain": lambda m: m.group(0),
    "math": lambda m: MATH + m.group(0).strip("$") + END_MATH,
    "braced": _accented,
    "dotless": _accented,
    "letter": _accented,
    "space": _control_word,
    "symbol": lambda m: _CONTROL_SYMBOLS.get(m.group("symbol"), m.group(0)),
    "dash": lambda m: _DASHES[m.group(0)],
    "quote": lambda m: _QUOTES[m.group(0)],
    "tie": lambda m: NBSP,
    None: lambda m: "",  # a brace, or the url of \\href
}


def clear_cache() -> None:
    _decode.cache_clear()


_URL_COMMAND = re.compile(r"\\(?:url|nolinkurl|path)\s*\{([^{}]*)\}")


def unescape_url(text: str) -> str:
    """URLs, DOIs and file names: only braces and backslash escapes go (a ~ stays a ~)."""
    if "\\" not in text and "{" not in text and "}" not in text:
        return text
    text = _URL_COMMAND.sub(r"\1", text)  # url = {\url{https://...}}
    return re.sub(r"\\([_%#&~$])", r"\1", text).replace("{", "").replace("}", "")

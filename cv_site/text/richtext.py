"""Styled text from BibTeX: italic, bold and math runs, as the LaTeX decoder marks them.

`latex.latex_to_marked` turns `\\emph{x}`, `\\textit{x}`, `{\\em x}` into ITALIC + x + END_ITALIC,
`\\textbf{x}` and `{\\bf x}` into BOLD + x + END_BOLD, and `$...$` into MATH + TeX source +
END_MATH, using six private-use characters. Nothing else in the text is markup: the renderers
below escape every run (HTML) or make it a string literal (Typst), so user text never becomes
code. Markers typed by a user are harmless: unbalanced ones are ignored or closed at the end.

    parse(text)    a tree of runs: text, ("em" | "strong" | "math", children)
    plain(text)    the visible text (math as Unicode where it converts, else its TeX source)
    math_text(tex) TeX math as readable Unicode

The renderers turn the tree into HTML (`site.markdown.rich_html`) and Typst (`pdf.typst.rich_typst`).
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Union

ITALIC, END_ITALIC, BOLD, END_BOLD, MATH, END_MATH = "\ue000\ue001\ue002\ue003\ue004\ue005"
MARKERS = ITALIC + END_ITALIC + BOLD + END_BOLD + MATH + END_MATH
_OPENERS = {ITALIC: END_ITALIC, BOLD: END_BOLD, MATH: END_MATH}
_KIND = {ITALIC: "em", BOLD: "strong", MATH: "math"}
_MARKER = re.compile(f"[{MARKERS}]")

Node = Union[str, tuple[str, list["Node"]]]  # text, or (kind, children); math children: one str


def has_markers(text: str) -> bool:
    # Most text is ASCII (a flag CPython keeps: no scan), and `in` scans faster than a regex.
    return not text.isascii() and (
        ITALIC in text or END_ITALIC in text or BOLD in text or END_BOLD in text or MATH in text or END_MATH in text
    )


def parse(text: str) -> list[Node]:
    """Marked text -> a tree. Stray closers are dropped; unclosed runs end with the text."""
    root: list[Node] = []
    stack: list[tuple[str, list[Node]]] = []
    current = root
    pos = 0
    for match in _MARKER.finditer(text):
        marker = match.group()
        if stack and stack[-1][0] == "math" and marker != END_MATH:
            continue  # inside math every other marker is dropped
        if match.start() > pos:
            current.append(text[pos : match.start()])
        pos = match.end()
        if marker in _OPENERS:
            node: tuple[str, list[Node]] = (_KIND[marker], [])
            current.append(node)
            stack.append(node)
            current = node[1]
        elif any(kind == _KIND[_opener(marker)] for kind, _ in stack):
            while stack:  # close up to the matching opener (a crossed pair closes both)
                kind, _ = stack.pop()
                if kind == _KIND[_opener(marker)]:
                    break
            current = stack[-1][1] if stack else root
    if pos < len(text):
        current.append(text[pos:])
    return root


def _opener(closer: str) -> str:
    return next(opener for opener, end in _OPENERS.items() if end == closer)


def math_source(children: list[Node]) -> str:
    return "".join(child for child in children if isinstance(child, str))


@lru_cache(maxsize=4096)
def plain(text: str) -> str:
    if not has_markers(text):
        return text
    return "".join(_plain_nodes(parse(text)))


def _plain_nodes(nodes: list[Node]) -> list[str]:
    out = []
    for node in nodes:
        if isinstance(node, str):
            out.append(node)
        elif node[0] == "math":
            out.append(math_text(math_source(node[1])))
        else:
            out.extend(_plain_nodes(node[1]))
    return out


# --- math -> Unicode -------------------------------------------------------------------------------

_MATH_SYMBOLS = {
    "alpha": "α", "beta": "β", "gamma": "γ", "delta": "δ", "epsilon": "ϵ", "varepsilon": "ε",
    "zeta": "ζ", "eta": "η", "theta": "θ", "vartheta": "ϑ", "iota": "ι", "kappa": "κ",
    "lambda": "λ", "mu": "μ", "nu": "ν", "xi": "ξ", "pi": "π", "varpi": "ϖ", "rho": "ρ",
    "sigma": "σ", "varsigma": "ς", "tau": "τ", "upsilon": "υ", "phi": "ϕ", "varphi": "φ",
    "chi": "χ", "psi": "ψ", "omega": "ω", "Gamma": "Γ", "Delta": "Δ", "Theta": "Θ",
    "Lambda": "Λ", "Xi": "Ξ", "Pi": "Π", "Sigma": "Σ", "Upsilon": "Υ", "Phi": "Φ", "Psi": "Ψ",
    "Omega": "Ω", "ell": "ℓ", "infty": "∞", "times": "×", "cdot": "·", "cdots": "⋯", "ldots": "…",
    "dots": "…", "leq": "≤", "le": "≤", "geq": "≥", "ge": "≥", "neq": "≠", "ne": "≠", "pm": "±",
    "mp": "∓", "to": "→", "rightarrow": "→", "leftarrow": "←", "Rightarrow": "⇒", "mapsto": "↦",
    "in": "∈", "notin": "∉", "subset": "⊂", "subseteq": "⊆", "cup": "∪", "cap": "∩", "sum": "∑",
    "prod": "∏", "int": "∫", "partial": "∂", "nabla": "∇", "approx": "≈", "sim": "∼",
    "simeq": "≃", "equiv": "≡", "propto": "∝", "forall": "∀", "exists": "∃", "emptyset": "∅",
    "sqrt": "√", "circ": "∘", "star": "⋆", "ast": "∗", "dagger": "†", "prime": "′", "mid": "∣",
    "langle": "⟨", "rangle": "⟩", "lVert": "‖", "rVert": "‖", "Vert": "‖", "|": "‖",
    "log": "log", "ln": "ln", "exp": "exp", "sin": "sin", "cos": "cos", "tan": "tan", "max": "max",
    "min": "min", "arg": "arg", "lim": "lim", "sup": "sup", "inf": "inf", "det": "det",
    "{": "{", "}": "}", "%": "%", "$": "$", "&": "&", "_": "_", "#": "#",
    ",": "\u2009", ";": " ", ":": " ", "!": "", " ": " ", "quad": " ", "qquad": "  ",
    "left": "", "right": "", "big": "", "Big": "", "bigl": "", "bigr": "", "displaystyle": "",
}  # fmt: skip
_DOUBLE_STRUCK = dict(zip("RNZQCPE", "ℝℕℤℚℂℙ𝔼"))
_FONT_COMMANDS = frozenset(
    "mathrm mathit mathbf mathsf mathtt mathcal mathfrak mathbb mathscr boldsymbol bm text textrm "
    "textit textbf operatorname mbox hat bar tilde vec dot widehat widetilde overline".split()
)
_SUPERSCRIPTS = dict(zip("0123456789+-=()niT", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ⁿⁱᵀ"))
_SUBSCRIPTS = dict(zip("0123456789+-=()aeoxhklmnpstijruv", "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₒₓₕₖₗₘₙₚₛₜᵢⱼᵣᵤᵥ"))
_MATH_TOKEN = re.compile(r"\\([A-Za-z]+|.)(?:(?<=[A-Za-z])\s*)?|([_^])\s*(\{[^{}]*\}|\\[A-Za-z]+|.)|([{}])", re.DOTALL)
_GROUPS = re.compile(r"(?:\{[^{}]*\})*")
_ARGS = re.compile(r"\{([^{}]*)\}")
_ARGUMENT = re.compile(r"\{([^{}]*)\}|(\S)")


@lru_cache(maxsize=4096)
def math_text(source: str) -> str:
    """`\\ell_1` -> `ℓ₁`, `\\mathbb{R}^n` -> `ℝⁿ`, `O(n \\log n)` -> `O(n log n)`. A command it does
    not know stays as written (`\\frac{a}{b}`), so the text is readable, never mangled."""
    out: list[str] = []
    pos = 0
    while (match := _MATH_TOKEN.search(source, pos)) is not None:
        out.append(source[pos : match.start()])
        pos = match.end()
        command, script, argument, brace = match.groups()
        if brace:
            continue
        if script:
            body = math_text(argument[1:-1] if argument.startswith("{") else argument)
            table = _SUPERSCRIPTS if script == "^" else _SUBSCRIPTS
            if body and all(char in table for char in body):
                out.append("".join(table[char] for char in body))
            elif script == "^" and body in ("′", "*", "∗", "†"):
                out.append(body)
            else:
                out.append(script + (body if len(body) == 1 else "{" + body + "}"))
            continue
        if command in _FONT_COMMANDS:
            arg = _ARGUMENT.match(source, pos)
            if arg is not None:
                pos = arg.end()
                body = arg.group(1) if arg.group(1) is not None else arg.group(2)
                if command == "mathbb" and len(body) == 1 and body in _DOUBLE_STRUCK:
                    out.append(_DOUBLE_STRUCK[body])
                else:
                    out.append(math_text(body))
            else:
                out.append(match.group(0))
            continue
        if command in _MATH_SYMBOLS:
            symbol = _MATH_SYMBOLS[command]
            trailing = match.group(0)[len(command) + 1 :]
            out.append(symbol + (" " if trailing and symbol.isalpha() and len(symbol) > 1 else ""))
            continue
        groups = _GROUPS.match(source, pos)
        if command == "frac" and len(_ARGS.findall(groups.group(0))) == 2:
            pos = groups.end()
            top, bottom = (math_text(arg) for arg in _ARGS.findall(groups.group(0)))
            out.append("/".join(f"({part})" if len(part) > 1 else part for part in (top, bottom)))
            continue
        out.append(match.group(0) + groups.group(0))  # unknown: as written, with its arguments
        pos = groups.end()
    out.append(source[pos:])
    return "".join(out)

"""A Typst error or warning in the generated CV, located in the Jinja template line that wrote it."""

from __future__ import annotations

import re
from typing import Any

import jinja2

from cv_site.errors import Problem
from cv_site.theme import template_display_path

TEMPLATE = "cv.typ.j2"


def template_problem(context: dict[str, Any], template: jinja2.Template, code: str, diagnostic: Any,
                     severity: str) -> Problem:
    """A Typst diagnostic located in the Jinja template that wrote the offending code."""
    message = str(getattr(diagnostic, "message", diagnostic)).strip()
    text = str(getattr(diagnostic, "diagnostic", ""))
    line = None
    if match := re.search(r"┌─ [^\n]*?:(\d+):(\d+)", text):
        line = int(match.group(1))
    where = locate_in_template(context, template, code, line) if line else None
    file = where[0] if where else (template.filename or TEMPLATE)
    hint = "; ".join(getattr(diagnostic, "hints", []) or [])
    prefix = "Typst warning (the PDF build treats it as an error): " if severity == "warning" else "Typst error: "
    excerpt = code.splitlines()[line - 1].strip() if line and line <= len(code.splitlines()) else ""
    if excerpt:
        hint = (hint + "; " if hint else "") + f"generated Typst line {line}: {excerpt[:100]}"
    return Problem(template_display_path(file), where[1] if where else None, None, "", prefix + message, hint=hint)


def locate_in_template(values: dict[str, Any], template: jinja2.Template, code: str, line: int) -> tuple[str, int] | None:
    """Which template file and line wrote line `line` of the generated Typst.

    Renders the template again chunk by chunk and asks, for each chunk, which template frame
    produced it (Jinja keeps a map from its compiled Python lines to template lines). Jinja has no
    public API for "which template line wrote this output", so this reads its generator frames
    (`root_render_func`, `gi_yieldfrom`); it runs only on the error path, and if Jinja changes
    them the message loses its line, nothing more.
    """
    target = sum(len(l) + 1 for l in code.splitlines()[: line - 1])  # offset of the line's start
    context = template.new_context(values)
    generator = template.root_render_func(context)
    offset = 0
    for chunk in generator:
        if offset + len(chunk) > target:
            frame = _innermost_frame(generator)
            found = _template_line(frame) if frame else None
            if found:
                # The chunk starts at the mapped line; count the template lines inside it.
                return found[0], found[1] + chunk.count("\n", 0, max(target - offset, 0))
            break
        offset += len(chunk)
    return (template.filename or TEMPLATE, 0) if template.filename else None


def _innermost_frame(generator: Any) -> Any:
    while getattr(generator, "gi_yieldfrom", None) is not None:
        generator = generator.gi_yieldfrom
    return getattr(generator, "gi_frame", None)


def _template_line(frame: Any) -> tuple[str, int] | None:
    while frame is not None:
        owner = frame.f_globals.get("__jinja_template__")
        if owner is not None:
            return owner.filename or owner.name, owner.get_corresponding_lineno(frame.f_lineno)
        frame = frame.f_back
    return None

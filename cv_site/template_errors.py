"""Errors in templates, as the user sees them.

A site's own `templates/` are the user's code: an error raised while they render, Jinja's own (a
syntax error, an undefined name or filter, a missing template) or Python's (`{{ 1/0 }}`), is a
UserError naming the template file and line: `cv-site build` prints it without a traceback and
`serve` shows it over the page. An exception that passed through no template of the site's own
is a bug of the built-in theme (or of cv-site) and keeps its traceback; Jinja's own errors are
the user's wherever they are raised, as they always were.
"""

from __future__ import annotations

import os
from contextlib import contextmanager
from pathlib import Path
from types import TracebackType
from typing import Iterator

import jinja2

from cv_site.errors import Problem, UserError, display_path
from cv_site.theme import THEME_TEMPLATES, template_display_path

HINT = "fix the template (a site's own templates/ shadow the built-in theme's)"
NOT_FOUND_HINT = "a template is looked up in the site's templates/ folder, then in the built-in theme"


@contextmanager
def template_errors(source: Path) -> Iterator[None]:
    """Errors of the site at `source`'s templates, raised as a UserError naming file and line."""
    try:
        yield
    except UserError:
        raise
    except jinja2.TemplateError as error:
        raise UserError([template_problem(error, source)]) from None
    except Exception as error:
        if not any(is_site_template(file, source) for file, _ in template_frames(error.__traceback__)):
            raise
        raise UserError([template_problem(error, source)]) from None


def template_problem(error: Exception, source: Path) -> Problem:
    """`templates/x.html.j2:12: template error: 'foo' is undefined`, at the innermost line of the
    site's own templates (the one the user can change), else the innermost template line."""
    hint = NOT_FOUND_HINT if isinstance(error, jinja2.TemplateNotFound) else HINT
    if isinstance(error, jinja2.TemplateSyntaxError) and (error.filename or error.name):
        file, line = error.filename or error.name, error.lineno
    else:
        frames = template_frames(error.__traceback__)
        own = [frame for frame in frames if is_site_template(frame[0], source)]
        file, line = (own or frames or [("templates", None)])[-1]
        if own and frames[-1] != own[-1]:
            raised_in, raised_line = frames[-1]
            hint = f"raised in {_shown(raised_in, source)}:{raised_line}; {hint}"
    return Problem(_shown(file, source), line, None, "", f"template error: {_message(error)}", hint=hint)


def _message(error: Exception) -> str:
    if isinstance(error, jinja2.TemplatesNotFound):
        return "template not found: " + ", ".join(repr(str(name)) for name in error.templates)
    if isinstance(error, jinja2.TemplateNotFound):
        return f"template not found: {error.name!r}"
    if isinstance(error, jinja2.TemplateError):
        return error.message or str(error)
    return f"{type(error).__name__}: {error}"


def template_frames(tb: TracebackType | None) -> list[tuple[str, int]]:
    """The template frames of a traceback, outermost first, as (file, line)."""
    frames = []
    while tb is not None:
        owner = tb.tb_frame.f_globals.get("__jinja_template__")
        if owner is not None:  # a template's compiled code: Jinja maps its lines to the template's
            frames.append((owner.filename or owner.name, owner.get_corresponding_lineno(tb.tb_lineno)))
        elif tb.tb_frame.f_code.co_filename.endswith(".j2"):  # a frame Jinja rewrote to the template's
            frames.append((tb.tb_frame.f_code.co_filename, tb.tb_lineno))
        tb = tb.tb_next
    return frames


def is_site_template(file: str, source: Path) -> bool:
    """Whether `file` is in the site's own templates/ (not when the site is the theme's repository)."""
    return _in_site_templates(file, source) is not None


def _in_site_templates(file: str, source: Path) -> Path | None:
    """`file`'s path inside the site's own templates/, or None. The path the loader gave, links
    not followed: a template there is the user's even when it links elsewhere."""
    path = Path(os.path.abspath(file))
    if path.is_relative_to(os.path.abspath(THEME_TEMPLATES)):
        return None
    templates = os.path.abspath(source / "templates")
    return path.relative_to(templates) if path.is_relative_to(templates) else None


def _shown(file: str, source: Path) -> str:
    """A template file for messages: a site's own as the user wrote its place, links not followed."""
    inside = _in_site_templates(file, source)
    if inside is None:
        return template_display_path(file)
    return str(Path(display_path(source), "templates", inside))

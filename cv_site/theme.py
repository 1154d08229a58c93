"""Where templates and static files come from: the site's own folders first, then the built-in theme.

The built-in theme is the repository's top-level `templates/` and `static/`; a wheel carries them as
`cv_site/theme/`. A site's `templates/x.html.j2` replaces the theme's file of the same name and can
still extend it as `theme/x.html.j2` (the prefix always reaches the built-in theme).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

import jinja2

from cv_site.errors import display_path

_PACKAGE = Path(__file__).resolve().parent
# Installed from a wheel: cv_site/theme/{templates,static}. From a checkout: the repository's top level.
THEME_DIR = _PACKAGE / "theme" if (_PACKAGE / "theme" / "templates").is_dir() else _PACKAGE.parent
THEME_TEMPLATES = THEME_DIR / "templates"
THEME_STATIC = THEME_DIR / "static"
THEME_PREFIX = "theme"


def template_loader(source: Path) -> jinja2.BaseLoader:
    """Site templates shadow the theme's file by file; `theme/<name>` is always the built-in one."""
    theme = jinja2.FileSystemLoader(THEME_TEMPLATES)
    loaders: list[jinja2.BaseLoader] = []
    site_templates = source / "templates"
    if site_templates.is_dir() and site_templates.resolve() != THEME_TEMPLATES.resolve():
        loaders.append(jinja2.FileSystemLoader(site_templates))
    loaders.append(jinja2.PrefixLoader({THEME_PREFIX: theme}))
    loaders.append(theme)
    return jinja2.ChoiceLoader(loaders)


def templates_digest(source: Path) -> str:
    """A digest of every template's path and bytes, the site's and the theme's: when it changes,
    compiled templates are dropped (a file added to the site's templates/ shadows the theme's)."""
    digest = hashlib.sha1()
    for folder in (source / "templates", THEME_TEMPLATES):
        for root, dirs, names in os.walk(folder):
            dirs.sort()
            for name in sorted(names):
                path = Path(root, name)
                digest.update(str(path).encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def static_dirs(source: Path) -> list[Path]:
    """Static folders in increasing priority: the theme's, then the site's own."""
    dirs = [THEME_STATIC]
    site_static = source / "static"
    if site_static.is_dir() and site_static.resolve() != THEME_STATIC.resolve():
        dirs.append(site_static)
    return dirs


def template_display_path(path: str) -> str:
    """A template file for messages: relative to the working folder, else `theme/<name>`."""
    shown = display_path(path)
    if Path(shown).is_absolute():
        try:
            return f"{THEME_PREFIX}/" + str(Path(path).resolve().relative_to(THEME_TEMPLATES.resolve()))
        except ValueError:
            pass
    return shown

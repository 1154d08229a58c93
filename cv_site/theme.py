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
PDF_THEMES = "themes"  # templates/themes/<name>/: the PDF themes besides classic
CLASSIC = "classic"  # the PDF theme of templates/cv.typ.j2 and templates/sections/*.typ.j2


def template_loader(source: Path, pdf_theme: str = CLASSIC) -> jinja2.BaseLoader:
    """Site templates shadow the theme's file by file; `theme/<name>` is always the built-in one.

    A PDF theme other than classic is a folder `themes/<name>/` of Typst templates (cv.typ.j2,
    sections/<kind>.typ.j2) searched first, the site's before the built-in one's; a file it does
    not have is classic's."""
    theme = jinja2.FileSystemLoader(THEME_TEMPLATES)
    site_templates = source / "templates"
    own = site_templates.is_dir() and site_templates.resolve() != THEME_TEMPLATES.resolve()
    folders = [site_templates] if own else []
    if pdf_theme != CLASSIC:
        themed = [folder / PDF_THEMES / pdf_theme for folder in (*folders, THEME_TEMPLATES)]
        folders = [folder for folder in themed if folder.is_dir()] + folders
    loaders: list[jinja2.BaseLoader] = [jinja2.FileSystemLoader(folder) for folder in folders]
    loaders.append(jinja2.PrefixLoader({THEME_PREFIX: theme}))
    loaders.append(theme)
    return jinja2.ChoiceLoader(loaders)


def pdf_themes(source: Path) -> list[str]:
    """The PDF themes a site can choose: classic, the built-in ones and the site's own."""
    names = {CLASSIC}
    for folder in (THEME_TEMPLATES / PDF_THEMES, source / "templates" / PDF_THEMES):
        if folder.is_dir():
            names.update(child.name for child in folder.iterdir() if (child / "cv.typ.j2").is_file())
    return sorted(names)


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

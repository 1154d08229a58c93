"""`cv-site export FORMAT`: the site's CV in another tool's format, from the same view the site and
the PDF are made from (load -> views -> this)."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from cv_site.load.site import load_site
from cv_site.views.site import site_view


def export_text(format_name: str, source: Path) -> str:
    """The text of the export: "rendercv" (RenderCV's input YAML) or "jsonresume" (resume.json,
    the same bytes a build writes)."""
    site = load_site(source)
    view = site_view(site)
    if format_name == "jsonresume":
        from cv_site.site.jsonresume import resume_file
        from cv_site.site.pages import base_parts

        site_url, base_path = base_parts(site.settings.url)

        def href(target: str) -> str:
            absolute = urlsplit(target).scheme or target.startswith(("#", "//"))
            return target if absolute else base_path + target.lstrip("/")

        return resume_file(view, site_url, href).decode()
    from cv_site.exports.rendercv import rendercv_yaml

    return rendercv_yaml(view)

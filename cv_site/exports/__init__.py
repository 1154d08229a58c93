"""`cv-site export FORMAT`: the site's CV in another tool's format, from the same view the site and
the PDF are made from (load -> views -> this)."""

from __future__ import annotations

import functools
from pathlib import Path

from cv_site.load.site import load_site
from cv_site.views.site import site_view


def export_text(format_name: str, source: Path) -> str:
    """The text of the export: "rendercv" (RenderCV's input YAML) or "jsonresume" (resume.json,
    the same bytes a build writes)."""
    site = load_site(source)
    view = site_view(site)
    if format_name == "jsonresume":
        from cv_site.site.jsonresume import resume_file
        from cv_site.site.pages import base_parts, link_href

        site_url, base_path = base_parts(site.settings.url)
        return resume_file(view, site_url, functools.partial(link_href, base_path=base_path)).decode()
    from cv_site.exports.rendercv import rendercv_yaml

    return rendercv_yaml(view)

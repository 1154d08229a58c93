"""A paper's reference in a CSL citation style, through citeproc-py, as rich text.

    load_style(value, site_dir, language="en") -> CitationStyle   (ValueError: the message to show)
    CitationStyle.format(publication)           -> rich text, cached by content
    BUILT_IN_STYLES                             the names that work without a file of the site's
    save_caches()                               the references formatted since the last call kept on
                                                disk for the next process (once after a build)

Modules: `style` (loading, checking, the cache in memory), `cache` (the references on disk for
the next process), `csl_json` (a Publication as CSL-JSON), `names` (the owner in bold, the `*`/`†`
marks), `richformat` (citeproc-py's output as richtext markers).
The built-in styles' files are in `csl/`, with their licence (csl/NOTICE.md).
"""

from cv_site.citations.cache import save_caches
from cv_site.citations.style import BUILT_IN_STYLES, CitationStyle, load_style
from cv_site.errors import CitationError

__all__ = ["BUILT_IN_STYLES", "CitationError", "CitationStyle", "load_style", "save_caches"]

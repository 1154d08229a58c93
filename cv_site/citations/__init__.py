"""A paper's reference in a CSL citation style, through citeproc-py, as rich text.

    load_style(value, site_dir, language="en") -> CitationStyle   (ValueError: the message to show)
    CitationStyle.format(publication)           -> rich text, cached by content
    BUILT_IN_STYLES                             the names that work without a file of the site's

Modules: `style` (loading, checking, the cache), `csl_json` (a Publication as CSL-JSON), `names`
(the owner in bold, the `*`/`†` marks), `richformat` (citeproc-py's output as richtext markers).
The built-in styles' files are in `csl/`, with their licence (csl/NOTICE.md).
"""

from cv_site.citations.style import BUILT_IN_STYLES, CitationError, CitationStyle, load_style

__all__ = ["BUILT_IN_STYLES", "CitationError", "CitationStyle", "load_style"]

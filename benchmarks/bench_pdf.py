"""How fast the PDF CV is made: `python benchmarks/bench_pdf.py [runs]`.

On the example data (data/), prints the in-process time of `render_pdf`: the first call in a
process (Jinja template compiled, fonts loaded), a fresh renderer afterwards (new Jinja
environment and typst compiler), a warm rebuild (serve mode: a changed CV), split into the Jinja ->
Typst step and the glyph check, and serve's rebuild when the Typst source is the same (the PDF kept). Target: under 100 ms. Peer: RenderCV takes 1.1 s per
PDF of the same 3-page CV.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cv_site.pdf import document as pdf  # noqa: E402
from cv_site.load.site import load_site  # noqa: E402
from cv_site.pdf.glyphs import check_glyphs  # noqa: E402
from cv_site.views.site import site_view  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_bibtex import median_time  # noqa: E402


def main(runs: int) -> None:
    site = load_site(ROOT)

    start = time.perf_counter()
    data = pdf.render_pdf(site, ROOT)
    first = (time.perf_counter() - start) * 1000

    fresh = 1000 * median_time(lambda: pdf.render_pdf(site, ROOT), runs)
    view = site_view(site)
    renderer = pdf.PdfRenderer(ROOT)
    renderer.render(view)
    unchanged = 1000 * median_time(lambda: renderer.render(view), runs)
    warm = 1000 * median_time(lambda: renderer.render(view), runs, before=lambda: setattr(renderer, "_last", None))
    template = 1000 * median_time(lambda: renderer.typst_source(view), runs)
    glyphs = 1000 * median_time(lambda: check_glyphs(view), runs)

    print(f"example CV: {len(data) / 1024:.0f} KB PDF, median of {runs} runs")
    print(f"  first render in the process    {first:7.1f} ms")
    print(f"  fresh renderer                 {fresh:7.1f} ms")
    print(f"  warm rebuild (serve mode)      {warm:7.1f} ms")
    print(f"  same Typst source again        {unchanged:7.1f} ms")
    print(f"    of which Jinja -> Typst      {template:7.1f} ms")
    print(f"    of which glyph check         {glyphs:7.1f} ms")
    verdict = "OK" if max(first, fresh) < 100 else "SLOW"
    print(f"target < 100 ms in-process: {verdict}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)

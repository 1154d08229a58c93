"""Time CV variants: a site of N synthetic papers whose site.yml asks for a citation style and three
CVs besides the full one (short, selected papers; a resume; a committee CV), in the PDF themes.

    python benchmarks/bench_variants.py [500] [--runs 3] [--style apa]

Figures (median of --runs; the citation cache on disk is a temporary folder, never the user's):
  build, full CV only          one-shot build with the PDF, no variant: the first (every reference
                               formatted: the cache is empty), then the median of the others
  build, + 3 variants          the same with the three variants (the site's references cached)
  per extra variant            the difference, divided by three
  serve: one paper edited      a Builder kept between builds (as serve's), one BibTeX title edited,
                               until every page and every PDF is on disk (target, issue 17: 150 ms)
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_build import make_site  # noqa: E402
from cv_site.build import Builder, BuildOptions, build  # noqa: E402
from cv_site.citations.cache import forget  # noqa: E402
from cv_site.citations.style import formatted  # noqa: E402
from cv_site.theme import pdf_themes  # noqa: E402

VARIANTS = """
cvs:
  - id: short
    title: Short CV
    theme: {theme1}
    sections: [education, {{id: publications, selected: true}}, {{id: service, since: 2021}}]
  - id: resume
    title: Resume
    theme: {theme2}
    sections: [research, education, {{id: publications, limit: 10}}]
  - id: committee
    title: CV for a committee
    theme: {theme3}
    citation_style: ieee
"""


def settings(folder: Path, style: str, variants: bool) -> None:
    site_yml = folder / "data" / "site.yml"
    themes = (pdf_themes(folder) * 3)[:3]
    text = site_yml.read_text(encoding="utf-8").split("\ncvs:")[0]
    text = "".join(line for line in text.splitlines(keepends=True) if not line.startswith("citation_style:"))
    text += f"\ncitation_style: {style}\n"
    if variants:
        text += VARIANTS.format(theme1=themes[0], theme2=themes[1], theme3=themes[2])
    site_yml.write_text(text, encoding="utf-8")


def one_shot(folder: Path, runs: int) -> tuple[float, float]:
    """The first build's time and the median of the next ones (each in this process: the lru
    cache of references is cleared, so each reads the disk cache as a new process would)."""
    times = []
    for _ in range(runs + 1):
        formatted.cache_clear()
        forget()
        shutil.rmtree(folder / "_site", ignore_errors=True)
        started = time.perf_counter()
        build(BuildOptions(folder, folder / "_site"))
        times.append(time.perf_counter() - started)
    return times[0], statistics.median(times[1:])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[500])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--style", default="apa")
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="cv-site-bench-variants-"))
    os.environ["XDG_CACHE_HOME"] = str(base / "cache")
    try:
        for count in args.sizes:
            folder = base / f"site-{count}"
            make_site(folder, count)
            settings(folder, args.style, variants=False)
            cold, alone = one_shot(folder, args.runs)
            settings(folder, args.style, variants=True)
            _, with_variants = one_shot(folder, args.runs)
            print(f"{count} papers, {args.style}, themes {', '.join(pdf_themes(folder))}")
            print(f"  build, full CV only      {alone * 1000:8.0f} ms  (the first, references not cached: {cold * 1000:.0f} ms)")
            print(f"  build, + 3 variants      {with_variants * 1000:8.0f} ms")
            print(f"  per extra variant        {(with_variants - alone) / 3 * 1000:8.0f} ms")

            builder = Builder(BuildOptions(folder, folder / "_site"))
            builder.build()
            bib = folder / "data" / "publications.bib"
            text = bib.read_text(encoding="utf-8")
            at = text.index("title = {", len(text) // 2) + len("title = {")
            times = []
            for n in range(args.runs):
                bib.write_text(text[:at] + f"Edit {n} " + text[at:], encoding="utf-8")
                started = time.perf_counter()
                result = builder.build()
                times.append(time.perf_counter() - started)
            print(f"  serve: one paper edited  {statistics.median(times) * 1000:8.0f} ms  (target 150 ms; "
                  f"{result.rendered} rendered, {len(result.changed)} written)  stages: "
                  + ", ".join(f"{stage} {seconds * 1000:.0f}" for stage, seconds in result.timings.items()))
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()

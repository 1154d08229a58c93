"""How fast references are formatted in a CSL style: `python benchmarks/bench_citations.py [papers] [runs]`.

For N generated papers (default 500, see generate_bib.py), loaded as `load_bibtex` loads them,
prints for APA and IEEE: the time to load the style (its XML and locale, once per process), to
format every paper from a cold cache (a first build), and to format them all again after one
paper's title is edited (serve's rebuild: the cache by content formats only that paper); medians
of `runs` runs (default 3).
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_bib import generate  # noqa: E402

from cv_site.citations import load_style  # noqa: E402
from cv_site.citations.style import formatted  # noqa: E402
from cv_site.load.bibtex import load_bibtex  # noqa: E402
from cv_site.schema import Person  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OWNER = Person(name="Qiushan Guo", aliases=["Guo, Q."])
STYLES = ("apa", "ieee")


def papers(text: str) -> list:
    publications, _ = load_bibtex(text, "bench.bib", OWNER)
    return publications


def edited(text: str, run: int) -> str:
    """The text with one title, halfway through the file, edited."""
    at = text.index("title = {", len(text) // 2) + len("title = {")
    return f"{text[:at]}Edit {run} {text[at:]}"


def main(count: int, runs: int) -> None:
    text = generate(count)
    first = papers(text)
    assert len(first) == count, (len(first), count)
    print(f"{count} papers, median of {runs} runs")
    print(f"{'style':>6} {'load style':>11} {'cold':>9} {'per paper':>10} {'one edit':>9} {'formatted':>10}")
    for name in STYLES:
        start = time.perf_counter()
        style = load_style(name, ROOT)
        load = time.perf_counter() - start
        colds, edits, renders = [], [], []
        for run in range(runs):
            formatted.cache_clear()
            start = time.perf_counter()
            for paper in first:
                style.format(paper)
            colds.append(time.perf_counter() - start)
            again = papers(edited(text, run))  # what serve's loader gives after the edit
            misses = formatted.cache_info().misses
            start = time.perf_counter()
            for paper in again:
                style.format(paper)
            edits.append(time.perf_counter() - start)
            renders.append(formatted.cache_info().misses - misses)
        cold, edit = statistics.median(colds), statistics.median(edits)
        print(f"{name:>6} {load * 1000:>9.1f}ms {cold:>8.2f}s {cold / count * 1000:>8.2f}ms "
              f"{edit * 1000:>7.1f}ms {max(renders):>10}")  # fmt: skip


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500, int(sys.argv[2]) if len(sys.argv) > 2 else 3)

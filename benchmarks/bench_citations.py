"""How fast references are formatted in a CSL style: `python benchmarks/bench_citations.py [papers] [runs]`.

For N generated papers (default 500, see generate_bib.py), loaded as `load_bibtex` loads them,
prints for APA and IEEE: the time to load the style (its XML and locale, once per process); to
format every paper with nothing cached, in memory or on disk (a first build); to write the disk
cache (`save_caches`, once after a build) and its file's size; to format them all again after one
paper's title is edited (serve's rebuild: the cache in memory formats only that paper); and to
format them all in a new process whose disk cache a build filled (the next one-shot build: the
style loaded again, nothing formatted); medians of `runs` runs (default 3). The disk cache is a
temporary folder of its own, never the user's.
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_bib import generate  # noqa: E402

from cv_site.citations import cache, load_style, save_caches  # noqa: E402
from cv_site.citations import style as style_module  # noqa: E402
from cv_site.citations.style import formatted  # noqa: E402
from cv_site.load.bibtex import load_bibtex  # noqa: E402
from cv_site.schema import Person  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
OWNER = Person(name="Qiushan Guo", aliases=["Guo, Q."])
STYLES = ("apa", "ieee")
RENDERS = [0]  # papers formatted by citeproc-py (not found in memory or on disk)


def papers(text: str) -> list:
    publications, _ = load_bibtex(text, "bench.bib", OWNER)
    return publications


def edited(text: str, run: int) -> str:
    """The text with one title, halfway through the file, edited."""
    at = text.index("title = {", len(text) // 2) + len("title = {")
    return f"{text[:at]}Edit {run} {text[at:]}"


def new_process() -> None:
    """Nothing in memory, as in a new `cv-site build` (the disk cache stays): no reference, no
    style's XML read."""
    formatted.cache_clear()
    cache.forget()
    style_module._engine.cache_clear()


def format_all(style, publications: list) -> tuple[float, int]:
    """Seconds to format every paper, and how many citeproc-py formatted."""
    renders = RENDERS[0]
    start = time.perf_counter()
    for paper in publications:
        style.format(paper)
    return time.perf_counter() - start, RENDERS[0] - renders


def main(count: int, runs: int) -> None:
    folder = Path(tempfile.mkdtemp(prefix="bench-citations-"))
    os.environ["XDG_CACHE_HOME"] = str(folder)
    rendered = style_module._rendered
    style_module._rendered = lambda style, paper: RENDERS.__setitem__(0, RENDERS[0] + 1) or rendered(style, paper)
    text = generate(count)
    first = papers(text)
    assert len(first) == count, (len(first), count)
    print(f"{count} papers, median of {runs} runs; 'formatted': papers citeproc-py formatted (the most of any run)")
    print(f"{'style':>6} {'load style':>11} {'cold':>8} {'per paper':>10} {'formatted':>9} | {'save':>7} {'file':>7} | "
          f"{'one edit':>9} {'formatted':>9} | {'warm, disk':>10} {'formatted':>9}")  # fmt: skip
    try:
        for name in STYLES:
            start = time.perf_counter()
            style = load_style(name, ROOT)
            load = time.perf_counter() - start
            colds, saves, edits, warms, sizes = [], [], [], [], []
            cold_n = edit_n = warm_n = 0
            for run in range(runs):
                shutil.rmtree(folder / "cv-site", ignore_errors=True)  # nothing on disk
                new_process()
                seconds, formatted_now = format_all(style, first)
                colds.append(seconds)
                cold_n = max(cold_n, formatted_now)
                start = time.perf_counter()
                save_caches()
                saves.append(time.perf_counter() - start)
                sizes.append(sum(path.stat().st_size for path in (folder / "cv-site" / "citations").iterdir()))
                seconds, formatted_now = format_all(style, papers(edited(text, run)))  # serve's rebuild
                edits.append(seconds)
                edit_n = max(edit_n, formatted_now)
                new_process()  # the next build: a new process, the disk cache filled
                again = papers(text)
                start = time.perf_counter()
                style = load_style(name, ROOT)
                seconds, formatted_now = format_all(style, again)
                warms.append(time.perf_counter() - start)
                warm_n = max(warm_n, formatted_now)
            cold = statistics.median(colds)
            print(f"{name:>6} {load * 1000:>9.1f}ms {cold:>7.2f}s {cold / count * 1000:>8.2f}ms {cold_n:>9} | "
                  f"{statistics.median(saves) * 1000:>5.1f}ms {max(sizes) / 1024:>5.0f}kB | "
                  f"{statistics.median(edits) * 1000:>7.1f}ms {edit_n:>9} | "
                  f"{statistics.median(warms) * 1000:>8.1f}ms {warm_n:>9}")  # fmt: skip
    finally:
        style_module._rendered = rendered
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 500, int(sys.argv[2]) if len(sys.argv) > 2 else 3)

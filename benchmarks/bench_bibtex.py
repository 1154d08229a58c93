"""How fast BibTeX loads: `python benchmarks/bench_bibtex.py [runs]`.

For 50, 500, 5,000 and 20,000 generated entries (see generate_bib.py), prints the median in-process
time of `bibtexparser.parse_string` (no middlewares), of the reading into blocks that `load_bibtex`
uses (bibblocks.py: the same blocks, most read without bibtexparser), of `load_bibtex` from cold
caches (a first build) and with warm caches (a whole-file reload in serve mode), entries per
second, and serve's reload after one entry's title is edited (bibfile.py: only that entry is read).
20,000 entries are timed in fewer runs (at most 3). Target: 5,000 entries in under 1 s, cold.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

import bibtexparser

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_bib import generate  # noqa: E402

from cv_site.load.bibblocks import read_blocks, split_pieces  # noqa: E402
from cv_site.load.bibfile import BibFile  # noqa: E402
from cv_site.load.bibtex import clear_caches, load_bibtex  # noqa: E402
from cv_site.schema import Person  # noqa: E402

SIZES = (50, 500, 5000, 20000)
OWNER = Person(name="Qiushan Guo", aliases=["Guo, Q."])


def median_time(action, runs: int, before=lambda: None) -> float:
    times = []
    for _ in range(runs):
        before()
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(runs: int) -> None:
    with tempfile.TemporaryDirectory() as folder:
        print(f"{'entries':>8} {'bibtexparser':>12} {'blocks':>10} {'cold load':>10} {'entries/s':>10} "
              f"{'warm load':>10} {'one edit':>10}  problems")
        for size in SIZES:
            size_runs = min(runs, 3) if size > 5000 else runs
            path = Path(folder, f"bench-{size}.bib")
            path.write_text(generate(size), encoding="utf-8")
            text = path.read_text(encoding="utf-8")
            split = median_time(lambda: bibtexparser.parse_string(text, parse_stack=[]), size_runs)
            blocks = median_time(lambda: [read_blocks(piece) for piece in split_pieces(text)], size_runs)
            cold = median_time(lambda: load_bibtex(text, str(path), OWNER), size_runs, before=clear_caches)
            warm = median_time(lambda: load_bibtex(text, str(path), OWNER), size_runs)
            edit = median_time(reloads(text, str(path), size_runs), size_runs)
            publications, problems = load_bibtex(text, str(path), OWNER)
            assert len(publications) == size, (len(publications), size)
            print(
                f"{size:>8} {split * 1000:>10.1f}ms {blocks * 1000:>8.1f}ms {cold * 1000:>8.1f}ms {size / cold:>10,.0f} "
                f"{warm * 1000:>8.1f}ms {edit * 1000:>8.1f}ms  {len(problems)}"
            )


def reloads(text: str, path: str, runs: int):
    """serve's BibFile, loaded once; each call loads the text with one more title edited."""
    bib = BibFile(path)
    bib.load(text, OWNER)
    at = text.index("title = {", len(text) // 2) + len("title = {")
    edited = iter([f"{text[:at]}Edit {n} {text[at:]}" for n in range(runs)])
    return lambda: bib.load(next(edited), OWNER)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)

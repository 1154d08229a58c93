"""Time `cv-site serve`'s rebuild after a save: from the edited file written to the pages on disk.

    python benchmarks/bench_serve.py [500 5000] [--runs 5]

Same steps as the server's watcher (Builder.build after the file is saved; the file watcher's own
grouping delay, ~20 ms after the last event, comes on top). Figures, median of --runs edits:
  bib     one BibTeX entry's title edited in a site with N synthetic papers (no PDF: with N papers
          in the CV's publications section it would be an N-paper PDF)
  cv.yml  the bio edited in the example site, the PDF included
Targets (issue 5): bib 500 < 50 ms, 5000 < 300 ms; cv.yml with the PDF < 100 ms.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_build import ROOT, make_site  # noqa: E402
from cv_site.build import Builder, BuildOptions  # noqa: E402


def timed_edits(builder: Builder, path: Path, edits: list[str]) -> tuple[list[float], str]:
    times = []
    summary = ""
    for text in edits:
        started = time.perf_counter()
        path.write_text(text, encoding="utf-8")
        result = builder.build()
        times.append(time.perf_counter() - started)
        summary = f"{result.rendered} rendered, {len(result.changed)} written/removed"
    return times, summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[500, 5000])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="cv-site-bench-serve-"))
    try:
        print(f"{'edit':>18} {'median':>8} {'best':>8} {'target':>8}")
        for count in args.sizes:
            folder = base / f"site-{count}"
            make_site(folder, count)
            builder = Builder(BuildOptions(folder, folder / "_site", pdf=False))
            builder.build()
            bib = folder / "data" / "publications.bib"
            text = bib.read_text(encoding="utf-8")
            at = text.index("title = {", len(text) // 2) + len("title = {")
            edits = [text[:at] + f"Edit {n} " + text[at:] for n in range(args.runs)]
            times, summary = timed_edits(builder, bib, edits)
            target = {500: 50, 5000: 300}.get(count)
            print(f"{f'bib, {count} papers':>18} {statistics.median(times) * 1000:>6.1f}ms {min(times) * 1000:>6.1f}ms "
                  f"{f'{target}ms' if target else '':>8}  {summary}")

        folder = base / "example"
        make_site(folder, 0)
        shutil.copy(ROOT / "data" / "publications.bib", folder / "data" / "publications.bib")
        builder = Builder(BuildOptions(folder, folder / "_site", pdf=True))
        builder.build()
        cv = folder / "data" / "cv.yml"
        text = cv.read_text(encoding="utf-8")
        edits = [text.replace("bio: |", f"bio: |\n    Edit number {n}.\n", 1) for n in range(args.runs)]
        times, summary = timed_edits(builder, cv, edits)
        print(f"{'cv.yml + PDF':>18} {statistics.median(times) * 1000:>6.1f}ms {min(times) * 1000:>6.1f}ms "
              f"{'100ms':>8}  {summary}")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()

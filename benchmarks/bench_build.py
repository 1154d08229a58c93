"""Time a whole `cv-site build --no-pdf` (a fresh process each time) for 50 / 500 / 5000 papers.

    python benchmarks/bench_build.py [50 500 5000] [--runs 5] [--keep DIR]

Each size gets its own site folder: the example's data/*.yml plus a synthetic data/publications.bib
(benchmarks/generate_bib.py, deterministic). Two figures per size, best of --runs:
  fresh   the output folder does not exist (every file written)
  rebuild the output exists and nothing changed (every file compared, none rewritten)
Each fresh run writes a new output folder; they are all deleted at the end. Fresh builds make a
folder and two files per paper, so the disk's speed at making files shows in them; the first line
printed measures it. (On this machine's ext4, which has no journal, making them cost 4-8 times
more for about six minutes after 10,000 folders were deleted, such as by an earlier run of this
script: compare that line with a run on a settled disk. Deleting between runs would time that.)
Targets (issue 3): 50 papers < 150 ms, 500 < 300 ms, 5000 < 2.5 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
TARGETS = {50: 0.150, 500: 0.300, 5000: 2.5}


def synthetic_bib(count: int) -> str:
    try:
        from generate_bib import generate
    except ImportError:  # a minimal stand-in, should generate_bib.py ever be missing
        return "\n".join(
            f"@inproceedings{{paper{i},\n  title = {{Paper number {i}}},\n  author = {{Guo, Qiushan and Luo, Ping}},\n"
            f"  booktitle = {{Proceedings of CVPR}},\n  year = {{{2000 + i % 25}}},\n  abstract = {{{'word ' * 150}}}\n}}\n"
            for i in range(count)
        )
    return generate(count)


def make_site(folder: Path, count: int) -> None:
    (folder / "data").mkdir(parents=True)
    for name in ("site.yml", "cv.yml", "news.yml"):
        shutil.copy(ROOT / "data" / name, folder / "data" / name)
    (folder / "data" / "publications.bib").write_text(synthetic_bib(count), encoding="utf-8")


def disk_probe(folder: Path, papers: int = 200) -> float:
    """Microseconds to make what a fresh build makes for one paper: a folder, a page and a .bib."""
    folder.mkdir()
    started = time.perf_counter()
    for number in range(papers):
        paper = folder / str(number)
        paper.mkdir()
        (paper / "index.html").write_bytes(b"x" * 9000)
        (paper / "cite.bib").write_bytes(b"x" * 600)
    return (time.perf_counter() - started) / papers * 1e6


def timed_build(folder: Path, output: Path) -> tuple[float, str]:
    command = [sys.executable, "-m", "cv_site", "build", "--no-pdf", "--source", str(folder),
               "--output", str(output)]
    os.sync()  # the earlier runs' files go to disk now, not while this one is timed
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        sys.exit(f"build failed:\n{done.stdout}{done.stderr}")
    return elapsed, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[50, 500, 5000])
    parser.add_argument("--runs", type=int, default=5)  # this 2-core VM varies by 10% from run to run
    parser.add_argument("--keep", type=Path, help="build the sites in this folder and keep them")
    args = parser.parse_args()

    base = args.keep or Path(tempfile.mkdtemp(prefix="cv-site-bench-"))
    base.mkdir(parents=True, exist_ok=True)
    try:
        shutil.rmtree(base / "disk-probe", ignore_errors=True)
        print(f"disk: {disk_probe(base / 'disk-probe'):.0f} us to make a paper's folder and files (a settled disk here: 70-120)")
        print(f"{'papers':>7} {'fresh':>9} {'rebuild':>9} {'target':>8}  summary of the last build")
        for count in args.sizes:
            folder = base / f"site-{count}"
            if folder.exists():
                shutil.rmtree(folder)
            make_site(folder, count)
            fresh, rebuild = [], []
            summary = ""
            for run in range(args.runs):
                output = folder / f"_site-{run}"
                fresh.append(timed_build(folder, output)[0])
                seconds, summary = timed_build(folder, output)
                rebuild.append(seconds)
            target = TARGETS.get(count)
            verdict = "" if target is None else ("ok" if min(fresh) < target else "SLOW")
            print(f"{count:>7} {min(fresh) * 1000:>7.0f}ms {min(rebuild) * 1000:>7.0f}ms "
                  f"{'' if target is None else f'{target * 1000:.0f}ms':>8} {verdict:4} {summary}")
    finally:
        if not args.keep:
            shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()

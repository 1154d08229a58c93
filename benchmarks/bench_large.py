"""A 20,000-entry .bib: time a whole `cv-site build` (site + PDF) in a fresh process, and its peak
memory. The CV's publications sections select 50 of the entries by key, so the PDF lists 50
papers while the site has a page for every one of the 20,000.

    python benchmarks/bench_large.py [--entries 20000] [--select 50] [--runs 3] [--keep DIR]

Wall time is the build process's, best of --runs. Memory: a build renders the papers' pages in
one forked worker per core, so the figure is the peak of the whole process tree's memory: the sum
of each process's proportional set size (PSS: a page shared by two processes counts half in each),
sampled every 20 ms from /proc; the largest single process's RSS is printed too. Each run builds
into a new output folder (the old ones are deleted at the end): on this machine's ext4, making
folders and files costs 4-8 times more for about six minutes after thousands of folders were
deleted, which would measure the benchmark's own clean-up (see bench_build.py). Targets (issue 7):
< 10 s and < 500 MB.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
TARGET_SECONDS, TARGET_MB = 10.0, 500.0

def make_site(folder: Path, entries: int, select: int) -> list[str]:
    from generate_bib import generate

    bib = generate(entries)
    keys = re.findall(r"^@\w+\{([^,\s]+),", bib, flags=re.MULTILINE)
    step = max(len(keys) // select, 1)
    chosen = keys[::step][:select]
    data = folder / "data"
    data.mkdir(parents=True)
    for name in ("site.yml", "news.yml"):
        shutil.copy(ROOT / "data" / name, data / name)
    cv = yaml.safe_load((ROOT / "data" / "cv.yml").read_text("utf-8"))
    for section in cv.get("sections", []):
        if section.get("kind") == "publications":
            section["include"] = chosen
    (data / "cv.yml").write_text(yaml.safe_dump(cv, allow_unicode=True, sort_keys=False), "utf-8")
    (data / "publications.bib").write_text(bib, "utf-8")
    return chosen


def tree_pss_kib(pid: int) -> tuple[int, int]:
    """(sum of PSS, largest RSS) over `pid` and its descendants, in KiB; (0, 0) once it is gone."""
    total = largest = 0
    pending = [pid]
    while pending:
        current = pending.pop()
        try:
            rollup = Path(f"/proc/{current}/smaps_rollup").read_text()
            for task in Path(f"/proc/{current}/task").iterdir():
                pending += [int(child) for child in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        fields = dict(line.split(":", 1) for line in rollup.splitlines()[1:])
        total += int(fields["Pss"].split()[0])
        largest = max(largest, int(fields["Rss"].split()[0]))
    return total, largest


def timed_build(folder: Path, run: int) -> dict:
    output = folder / f"_site-{run}"
    command = [sys.executable, "-m", "cv_site", "build", "--source", str(folder), "--output", str(output)]
    peak_tree = peak_process = 0
    os.sync()  # the earlier runs' files go to disk now, not while this one is timed
    started = time.perf_counter()
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, cwd=ROOT) as build:
        while build.poll() is None:
            tree, process = tree_pss_kib(build.pid)
            peak_tree, peak_process = max(peak_tree, tree), max(peak_process, process)
            time.sleep(0.02)
        elapsed = time.perf_counter() - started
        out = build.stdout.read()
    if build.returncode != 0:
        sys.exit(f"build failed:\n{out}")
    if not (output / "cv.pdf").is_file():
        sys.exit("build wrote no cv.pdf")
    return {"seconds": elapsed, "tree_kib": peak_tree, "process_kib": peak_process,
            "summary": out.strip().splitlines()[-1]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--entries", type=int, default=20_000)
    parser.add_argument("--select", type=int, default=50)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build in this folder and keep it")
    args = parser.parse_args()
    folder = args.keep or Path(tempfile.mkdtemp(prefix="cv-site-large-"))
    try:
        if not (folder / "data").exists():
            make_site(folder, args.entries, args.select)
        size = (folder / "data" / "publications.bib").stat().st_size
        print(f"{args.entries} entries ({size / 1e6:.1f} MB of BibTeX), the CV selects {args.select}")
        results = [timed_build(folder, run) for run in range(args.runs)]
        for index, result in enumerate(results, 1):
            print(f"  run {index}: {result['seconds']:.2f} s, peak {result['tree_kib'] / 1024:.0f} MB in all "
                  f"(largest process {result['process_kib'] / 1024:.0f} MB)  ({result['summary']})")
        best = min(r["seconds"] for r in results)
        peak = max(r["tree_kib"] for r in results) / 1024
        ok = best < TARGET_SECONDS and peak < TARGET_MB
        print(f"best {best:.2f} s (target < {TARGET_SECONDS:.0f} s), peak {peak:.0f} MB (target < {TARGET_MB:.0f} MB): "
              + ("OK" if ok else "OVER TARGET"))
    finally:
        for old in folder.glob("_site-*"):
            shutil.rmtree(old, ignore_errors=True)
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

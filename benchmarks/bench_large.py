"""A 20,000-entry .bib: time a whole `cv-site build` (site + PDF) in a fresh process, and its peak
memory. The CV's publications sections select 50 of the entries by key, so the PDF lists 50
papers while the site has a page for every one of the 20,000.

    python benchmarks/bench_large.py [--entries 20000] [--select 50] [--runs 3] [--keep DIR]

Wall time is the child process's, best of --runs; peak memory is its ru_maxrss (getrusage of
children, measured in a fresh wrapper process per run so runs do not mix). Targets (issue 7):
< 10 s and < 500 MB.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))
TARGET_SECONDS, TARGET_MB = 10.0, 500.0

# Runs one build in a child and prints its wall time and peak RSS (KiB on Linux).
_WRAPPER = """
import json, resource, subprocess, sys, time
started = time.perf_counter()
done = subprocess.run(sys.argv[1:], capture_output=True, text=True)
elapsed = time.perf_counter() - started
rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"seconds": elapsed, "rss_kib": rss, "code": done.returncode, "out": done.stdout + done.stderr}))
"""


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


def timed_build(folder: Path) -> dict:
    output = folder / "_site"
    shutil.rmtree(output, ignore_errors=True)
    command = [sys.executable, "-m", "cv_site", "build", "--source", str(folder), "--output", str(output)]
    done = subprocess.run([sys.executable, "-c", _WRAPPER, *command], capture_output=True, text=True, cwd=ROOT)
    result = json.loads(done.stdout)
    if result["code"] != 0:
        sys.exit(f"build failed:\n{result['out']}")
    if not (output / "cv.pdf").is_file():
        sys.exit("build wrote no cv.pdf")
    result["summary"] = result["out"].strip().splitlines()[-1]
    return result


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
        results = [timed_build(folder) for _ in range(args.runs)]
        for index, result in enumerate(results, 1):
            print(f"  run {index}: {result['seconds']:.2f} s, peak {result['rss_kib'] / 1024:.0f} MB  ({result['summary']})")
        best = min(r["seconds"] for r in results)
        peak = max(r["rss_kib"] for r in results) / 1024
        ok = best < TARGET_SECONDS and peak < TARGET_MB
        print(f"best {best:.2f} s (target < {TARGET_SECONDS:.0f} s), peak {peak:.0f} MB (target < {TARGET_MB:.0f} MB): "
              + ("OK" if ok else "OVER TARGET"))
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()

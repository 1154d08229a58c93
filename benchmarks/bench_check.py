"""How long `cv-site check` takes as a whole process: `python benchmarks/bench_check.py [runs]`.

For 0, 50, 500 and 5,000 generated entries (see generate_bib.py) in a site with a minimal
data/cv.yml, times `python -m cv_site check --source DIR` from start to exit (interpreter start-up
and imports included), median and minimum of `runs`; 0 entries is the fixed cost of a check. Also
times the imports alone (`python -c "import cv_site.cli, cv_site.load.site"`: validators are built on
first use, so not in this figure) and bare start-up (`python -c pass`).
Targets: 5,000 entries in under 1 s, 500 in under 150 ms, whole process. Prints, asserts nothing.

Timed as an installed cv-site runs: with bytecode cached (PYTHONDONTWRITEBYTECODE is unset and
the .pyc files go to a temporary PYTHONPYCACHEPREFIX, written by an untimed first run).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(Path(__file__).resolve().parent))

from generate_bib import generate  # noqa: E402

SIZES = (0, 50, 500, 5000)
CV = """\
person:
  name: Qiushan Guo
  aliases: ["Guo, Q."]
  position: PhD student
sections:
  - title: Publications
    kind: publications
    include: all
"""


def timed(command: list[str], runs: int, env: dict[str, str]) -> tuple[float, float, str]:
    """(median, min) wall time of running `command` `runs` times, and its last stdout line."""
    times, out = [], ""
    subprocess.run(command, capture_output=True, env=env, cwd=ROOT)  # writes the bytecode
    for _ in range(runs):
        start = time.perf_counter()
        result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT)
        times.append(time.perf_counter() - start)
        if result.returncode != 0:
            raise SystemExit(f"{' '.join(command)} failed:\n{result.stderr}")
        out = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""
    return statistics.median(times), min(times), out


def main(runs: int) -> None:
    python = sys.executable
    with tempfile.TemporaryDirectory() as folder:
        env = {**os.environ, "PYTHONPATH": str(ROOT) + os.pathsep + os.environ.get("PYTHONPATH", "")}
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        env["PYTHONPYCACHEPREFIX"] = str(Path(folder, "pycache"))
        print(f"{'what':>22} {'median':>9} {'min':>9}")
        for label, code in [("python -c pass", "pass"), ("imports only", "import cv_site.cli, cv_site.load.site")]:
            median, best, _ = timed([python, "-c", code], runs, env)
            print(f"{label:>22} {median * 1000:>7.0f}ms {best * 1000:>7.0f}ms")
        for size in SIZES:
            site = Path(folder, f"site-{size}")
            (site / "data").mkdir(parents=True)
            (site / "data" / "cv.yml").write_text(CV, encoding="utf-8")
            (site / "data" / "publications.bib").write_text(generate(size), encoding="utf-8")
            command = [python, "-m", "cv_site", "check", "--source", str(site)]
            median, best, out = timed(command, runs, env)
            label = f"check, {size:,} entries"
            print(f"{label:>22} {median * 1000:>7.0f}ms {best * 1000:>7.0f}ms   {out}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)

"""Time a site with every kind of content: `python benchmarks/bench_content.py [--runs 5]`.

The site: the example's person, 500 synthetic papers (generate_bib.py) of which 100 have a
thumbnail, 30 talks, 30 courses, 20 projects with an image, 100 posts, and pages for all of them.
Prints, best of --runs:
  cold     a whole `cv-site build --no-pdf` process with an empty image cache (every thumbnail made)
  warm     the same with the cache filled (what a rebuild costs)
  without  the same site without the new content (talks, teaching, projects, posts, thumbnails)
  post     serve's rebuild after one post is edited (Builder.build, as the watcher calls it)
Targets (issue 15): warm at most 1.5x without; a one-post edit on disk in at most 50 ms.
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench_build import make_site  # noqa: E402
from cv_site.build import Builder, BuildOptions  # noqa: E402


def image(width: int, height: int, seed: int) -> bytes:
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (width, height), (seed * 37 % 256, seed * 91 % 256, 160))
    ImageDraw.Draw(picture).ellipse((width // 4, height // 4, 3 * width // 4, 3 * height // 4), fill=(240, 230, 210))
    out = io.BytesIO()
    picture.save(out, "PNG")
    return out.getvalue()


def add_content(folder: Path) -> None:
    data, static = folder / "data", folder / "static"
    bib = data / "publications.bib"
    text, thumbs = bib.read_text(encoding="utf-8"), 0
    (static / "assets" / "img" / "publication_preview").mkdir(parents=True)
    parts = text.split("\n@")
    for index in range(1, len(parts)):
        if thumbs < 100 and not parts[index].lower().startswith(("string", "comment", "preamble")):
            name = f"thumb{thumbs}.png"
            (static / "assets" / "img" / "publication_preview" / name).write_bytes(image(480, 320, thumbs))
            head, rest = parts[index].split(",", 1)
            parts[index] = f"{head},\n  preview = {{{name}}},{rest}"
            thumbs += 1
    bib.write_text("\n@".join(parts), encoding="utf-8")
    (static / "images").mkdir(parents=True)
    lines = ["\n  - title: Talks\n    kind: talks\n    entries:\n"]
    for n in range(30):
        lines.append(f"      - title: Talk number {n} on *examples*\n        kind: invited\n        event: Workshop {n}\n"
                     f"        location: City {n}\n        date: {2000 + n % 25}-0{1 + n % 9}-1{n % 9}\n"
                     f"        links:\n          slides: https://example.org/slides{n}.pdf\n")
    lines.append("  - title: Courses\n    kind: teaching\n    entries:\n")
    for n in range(30):
        lines.append(f"      - course: Course {n}\n        code: EX {100 + n}\n        role: Lecturer\n"
                     f"        institution: Example University\n        date: {2000 + n % 25} - {2001 + n % 25}\n")
    lines.append("  - title: Projects\n    kind: projects\n    entries:\n")
    for n in range(20):
        (static / "images" / f"project{n}.png").write_bytes(image(640, 400, 100 + n))
        lines.append(f"      - title: Project {n}\n        summary: What project {n} does.\n        date: 20{10 + n % 10}\n"
                     f"        image: images/project{n}.png\n        image_alt: Project {n}\n"
                     f"        links:\n          code: https://example.org/code{n}\n")
    with (data / "cv.yml").open("a", encoding="utf-8") as cv:
        cv.write("".join(lines))
    (data / "posts").mkdir()
    for n in range(100):
        body = f"Post {n}: **Markdown** with a [link](https://example.org/{n}).\n\n" + "A paragraph of text. " * 40
        (data / "posts" / f"20{10 + n % 15:02d}-0{1 + n % 9}-1{n % 9}-post-{n}.md").write_text(
            f"---\ntitle: Post number {n}\ndescription: About {n}.\ntags: [t{n % 5}]\n---\n{body}\n", encoding="utf-8")
    with (data / "site.yml").open("a", encoding="utf-8") as site:
        site.write("\npages: [publications, talks, projects, teaching, posts]\n")


def best_build(folder: Path, runs: int, cache: Path, clear_cache: bool) -> float:
    times = []
    for _ in range(runs):
        if clear_cache:
            shutil.rmtree(cache, ignore_errors=True)
        env = {**os.environ, "XDG_CACHE_HOME": str(cache)}
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "cv_site", "build", "--no-pdf", "--source", str(folder), "--output",
                        str(folder / "_site")], check=True, capture_output=True, env=env)
        times.append(time.perf_counter() - started)
    return min(times)


def post_edit(folder: Path, runs: int) -> list[float]:
    builder = Builder(BuildOptions(folder, folder / "_serve", pdf=False, drafts=True))
    builder.build()
    post = sorted((folder / "data" / "posts").iterdir())[0]
    text = post.read_text(encoding="utf-8")
    times = []
    for n in range(runs):
        post.write_text(text.replace("Markdown", f"Markdown (edit {n})"), encoding="utf-8")
        started = time.perf_counter()
        builder.build()
        times.append(time.perf_counter() - started)
    return times


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    base = Path(tempfile.mkdtemp(prefix="cv-site-content-"))
    try:
        plain, full = base / "without", base / "with"
        make_site(plain, 500)
        make_site(full, 500)
        add_content(full)
        cache = base / "cache"
        cold = best_build(full, args.runs, cache, clear_cache=True)
        warm = best_build(full, args.runs, cache, clear_cache=False)
        without = best_build(plain, args.runs, cache, clear_cache=False)
        edits = post_edit(full, args.runs)
        print(f"{'cold':>8} {cold:.3f} s   (100 thumbnails and 20 project images made)")
        print(f"{'warm':>8} {warm:.3f} s   {warm / without:.2f}x without (target 1.5x)")
        print(f"{'without':>8} {without:.3f} s")
        print(f"{'post':>8} {statistics.median(edits) * 1000:.1f} ms median, {min(edits) * 1000:.1f} ms best (target 50 ms)")
    finally:
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()

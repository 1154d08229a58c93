"""Paper thumbnails and project images: resized once with Pillow (WebP at 1x and 2x), cached by
content on disk, shown with their size; a missing or unreadable one is a located error."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from PIL import Image

from cv_site.build import BuildOptions, build
from cv_site.cli import main
from cv_site.site.images import Images

ROOT = Path(__file__).resolve().parent.parent


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (200, 120, 40)).save(out, "PNG")
    return out.getvalue()


def test_an_image_is_made_at_1x_and_2x_and_read_back_from_the_cache(tmp_path: Path) -> None:
    data = png(600, 400)
    shown = Images(tmp_path / "cache").show("images/a.png", data, 96)
    assert (shown.width, shown.height) == (96, 64)
    assert [width for _, width in shown.webp] == [96, 192]
    assert sorted(p.name for p in (tmp_path / "cache").iterdir()) == sorted(Path(p).name for p, _ in shown.webp)
    first = shown.webp[0][0]
    (tmp_path / "cache" / Path(first).name).write_bytes(b"from the cache")
    again = Images(tmp_path / "cache")  # a new process, as it were: nothing is resized again
    assert again.show("images/a.png", data, 96) == shown
    assert again.files([shown])[first] == b"from the cache"
    (tmp_path / "cache" / Path(first).name).unlink()
    fresh = Images(tmp_path / "cache")
    fresh.show("images/a.png", data, 96)
    made = fresh.files([shown])
    for path, width in shown.webp:
        with Image.open(io.BytesIO(made[path])) as image:
            assert (image.format, image.width) == ("WEBP", width)


def test_a_cache_that_cannot_be_written_only_makes_the_next_build_slower(tmp_path: Path) -> None:
    (tmp_path / "cache").write_text("a file where the cache's folder would be")
    shown = Images(tmp_path / "cache").show("images/a.png", png(400, 200), 96)
    assert [width for _, width in shown.webp] == [96, 192]
    assert (tmp_path / "cache").read_text() == "a file where the cache's folder would be"


def test_a_small_image_is_not_enlarged_and_an_svg_is_shown_as_it_is(tmp_path: Path) -> None:
    small = Images(None).show("s.png", png(60, 30), 96)
    assert (small.width, small.height, [w for _, w in small.webp]) == (60, 30, [60])
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" width="200" height="100"></svg>'
    shown = Images(None).show("a.svg", svg, 96)
    assert (shown.width, shown.height, shown.webp) == (96, 48, ())


def example_with_preview(folder: Path, preview: bytes) -> Path:
    shutil.copytree(ROOT / "data", folder / "data")
    (folder / "static" / "assets" / "img" / "publication_preview").mkdir(parents=True)
    (folder / "static" / "assets" / "img" / "publication_preview" / "egc.png").write_bytes(preview)
    bib = folder / "data" / "publications.bib"
    bib.write_text(bib.read_text(encoding="utf-8").replace("@inproceedings{guo2023egc,",
                                                           "@inproceedings{guo2023egc,\n  preview = {egc.png},"),
                   encoding="utf-8")
    return folder


def test_a_paper_s_preview_shows_in_the_lists_and_on_its_page(tmp_path: Path) -> None:
    source = example_with_preview(tmp_path, png(600, 400))
    result = build(BuildOptions(source, tmp_path / "_site", pdf=False))
    for page in ("publications/index.html", "publications/guo2023egc/index.html"):
        html = result.files[page].decode()
        assert '<img class="thumb' in html and 'src="/assets/img/publication_preview/egc.png"' in html
        assert 'width="96" height="64" loading="lazy" decoding="async"' in html
        assert 'alt="EGC: Image Generation and Classification via a Diffusion Energy-Based Model"' in html
        assert '<source type="image/webp" srcset="/assets/thumbs/' in html
    assert sum(path.startswith("assets/thumbs/") for path in result.files) == 2


def test_a_missing_preview_is_a_located_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    source = example_with_preview(tmp_path, png(10, 10))
    (source / "static" / "assets" / "img" / "publication_preview" / "egc.png").unlink()
    monkeypatch.chdir(source)
    assert main(["check"]) == 1
    assert capsys.readouterr().err.splitlines()[:2] == [
        "data/publications.bib:40:1: guo2023egc: its preview image is not in static/ (got 'egc.png')",
        "    hint: put the image at static/assets/img/publication_preview/egc.png, or correct `preview`",
    ]


def test_an_unreadable_preview_is_a_located_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    source = example_with_preview(tmp_path, png(600, 400)[:40])  # a PNG header, and then nothing
    monkeypatch.chdir(source)
    assert main(["build", "--no-pdf"]) == 1
    assert capsys.readouterr().err.splitlines()[0] == (
        "data/publications.bib:40:1: guo2023egc: preview: the image cannot be read (use JPEG, PNG, WebP, GIF or "
        "SVG) (got 'assets/img/publication_preview/egc.png')")
    assert not (source / "_site").exists()

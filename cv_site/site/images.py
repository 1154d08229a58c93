"""Images the pages show small (the photo, paper thumbnails, project images), resized at build time with
Pillow: WebP at the width the page shows them and twice that for sharp screens, the original kept
as the fallback. The page gets their width and height, so nothing moves while they load.

Resizing is cached by the source's content, in memory and in a folder on disk (the user's cache:
$XDG_CACHE_HOME/cv-site/images, else ~/.cache/cv-site/images), so a rebuild, even in a new process,
does not redo it. A cached file is named by the source's hash and the width: equal names, equal
bytes."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Mapping

from cv_site.errors import Problem, UserError
from cv_site.filesystem import write_atomic
from cv_site.site.assets import image_size

if TYPE_CHECKING:
    from cv_site.views.site import SiteView

THUMB_FOLDER = "assets/thumbs"


@dataclass(frozen=True)
class ShownImage:
    """An image as a page shows it: the original's path, the size it is shown at, and the WebP
    variants (path, width) made for it ("" when the original cannot be resized: an SVG)."""

    path: str
    width: int
    height: int
    webp: tuple[tuple[str, int], ...] = ()


def default_cache() -> Path:
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "cv-site" / "images"


class Images:
    """Makes the WebP variants of the images a render shows (`show`), and hands back the files."""

    def __init__(self, cache: Path | None):
        self.cache = cache
        self._made: dict[str, bytes] = {}  # output path -> bytes, across renders

    def show(self, path: str, data: bytes, width: int) -> ShownImage | None:
        """`data` (static/`path`) shown `width` pixels wide at most; None if it is no image."""
        size = image_size(data)
        if size is None:
            return None
        shown_width = min(width, size[0])
        shown = ShownImage(path, shown_width, round(size[1] * shown_width / size[0]) or 1)
        if path.lower().endswith(".svg"):
            return shown
        digest = hashlib.sha1(data).hexdigest()[:16]
        variants = []
        for scale in (1, 2):
            target = min(width * scale, size[0])
            name = f"{THUMB_FOLDER}/{digest}-{target}.webp"
            if name not in self._made:
                try:
                    self._made[name] = self._resized(data, target, name)
                except (OSError, ValueError):  # Pillow: a file whose header is right but whose body is not
                    return None
            variants.append((name, target))
        return ShownImage(path, shown.width, shown.height, tuple(dict.fromkeys(variants)))

    def files(self, shown: list[ShownImage]) -> dict[str, bytes]:
        """The WebP files these images need, by output path."""
        return {name: self._made[name] for image in shown for name, _ in image.webp}

    def _resized(self, data: bytes, width: int, name: str) -> bytes:
        cached = self.cache / Path(name).name if self.cache else None
        if cached is not None and cached.is_file():
            return cached.read_bytes()
        from PIL import Image  # imported only when an image is resized: 18 ms a start

        with Image.open(io.BytesIO(data)) as image:
            image = image.convert("RGBA" if "A" in image.getbands() else "RGB")
            height = round(image.height * width / image.width) or 1
            out = io.BytesIO()
            image.resize((width, height), Image.Resampling.LANCZOS).save(out, "WEBP", quality=82, method=4)
        result = out.getvalue()
        if cached is not None:
            _keep(cached, result)
        return result


def _keep(cached: Path, data: bytes) -> None:
    """Store a resized image in the cache; a cache that cannot be written is only slower next time."""
    with contextlib.suppress(OSError):
        write_atomic(cached, data)


THUMB_WIDTH = 96  # a paper's thumbnail, in CSS pixels: the width of the badge column
PROJECT_WIDTH = 144  # a project's image (9rem)
PHOTO_WIDTH = 144  # the owner's photo on the home page (9rem)
UNREADABLE = "the image cannot be read (use JPEG, PNG, WebP, GIF or SVG)"


def shown_images(view: SiteView, static: Mapping[str, bytes], images: Images) -> dict[str, ShownImage]:
    """Every paper thumbnail and project image the site shows, by path inside static/ (made
    before any page, so that the processes that render papers' pages only read them); an
    unreadable one is a UserError naming the field that gives it."""
    shown: dict[str, ShownImage] = {}
    problems: list[Problem] = []

    def show(path: str, width: int, problem: Problem) -> None:
        if path not in static:  # reported where it is named: the loader, or the photo's own check
            return
        image = images.show(path, static[path], width) if path not in shown else shown[path]
        if image is None:
            problems.append(problem)
        else:
            shown[path] = image

    photo = view.model.person.photo
    if photo:
        show(photo.lstrip("/"), PHOTO_WIDTH, Problem("data/cv.yml", None, None, "person.photo", UNREADABLE, value=photo))
    for paper in view.papers.values():
        if paper.preview:
            source = paper.publication.source
            show(paper.preview, THUMB_WIDTH, Problem(source.file, source.line, 1, f"{paper.key}: preview",
                                                     UNREADABLE, value=paper.preview))
    for section in view.cv_sections():
        for number, project in enumerate(section.projects):
            if project.image:
                show(project.image, PROJECT_WIDTH, Problem("data/cv.yml", None, None,
                                                           f"sections[{section.index}].entries[{number}].image",
                                                           UNREADABLE, value=project.image))
    if problems:
        raise UserError(problems)
    return shown

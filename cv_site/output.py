"""The output folder belongs to cv-site: which folder may be one, what cv-site recorded writing
there, and what an interrupted build left behind.

- A build writes a record of the files it wrote, `.cv-site-manifest`, at the top of the output.
  Only files in that record are ever removed; everything else in the folder is the user's and
  survives every build (`.git`, `CNAME`, a PDF put there by hand).
- An output folder that is, holds or sits inside the site's `data/`, `templates/` or `static/`,
  or that holds the site's own folder, is refused before anything is written.
- A folder that is not empty and has no record of an earlier build is refused, unless the user
  says `--force` (files are then added and replaced; still nothing unrecorded is removed).
- Beside the output, `.cv-site-work/` holds the folder the next build is made in (see
  write.SwapWriter): one per output, kept from build to build because reusing it is much faster
  than making and deleting a site's folders every time. `claim` tidies what a killed build left
  there.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
from pathlib import Path
from typing import Iterable, Iterator

from cv_site.errors import Problem, UserError, display_path

MANIFEST = ".cv-site-manifest"
WORK_AREA = ".cv-site-work"  # beside the output: NAME-random, the folder a build of NAME is made in
ASIDE_SUFFIX = ".aside"  # + to a work folder's name: the previous site, while two renames swap them
TEMP_FOLDER = ".cv-site-tmp"  # inside the output: files serve writes before renaming them into place
SOURCE_FOLDERS = ("data", "templates", "static")


def claim(output: Path, force: bool = False) -> frozenset[str]:
    """Check that cv-site may build into `output` (once `check_place` accepted it) and tidy what an
    interrupted build left there; return the paths that earlier builds recorded writing (the only
    ones a build may remove). Call it holding the lock (`locked`)."""
    recover(output)
    if not os.path.lexists(output):
        return frozenset()
    if os.path.islink(output):
        raise _refusal(output, f"this is a link (to {os.readlink(output)}); cv-site replaces the output folder "
                               "whole, so give the folder itself as --output")
    if not os.path.isdir(output):
        raise _refusal(output, "this is not a folder; give a folder for the site (it is made when missing)")
    try:
        recorded = read_manifest(output)
    except UserError:
        if not force:
            raise
        recorded = None  # --force: as if there were no record (nothing unrecorded is removed)
    if recorded is None:
        if not force and (foreign := _foreign_entries(output)):
            raise _refusal(
                output,
                f"this folder is not empty ({', '.join(foreign)}) and no cv-site build wrote it; "
                "build into a new or empty folder, or add --force to write into it "
                "(files of the same name are replaced, no other file is removed)",
            )
        return frozenset()
    return recorded


def check_place(output: Path, source: Path) -> None:
    """Refuse an output folder that would overlap the site's sources (see the module doc)."""
    out = Path(os.path.realpath(output))
    site = Path(os.path.realpath(source))
    if out == site or out in site.parents:
        where = "is" if out == site else "holds"
        raise _refusal(
            output,
            f"this folder {where} the site's own folder ({display_path(site)}), which a build must never "
            f"touch; build into a folder of its own, such as {display_path(site / '_site')}",
        )
    if WORK_AREA in out.parts:
        raise _refusal(output, f"this folder is in {WORK_AREA}/, where cv-site makes its builds; "
                               f"build into a folder of its own, such as {display_path(site / '_site')}")
    for name in SOURCE_FOLDERS:
        folder = Path(os.path.realpath(site / name))
        if out == folder or folder in out.parents or out in folder.parents:
            where = "is" if out == folder else "is inside" if folder in out.parents else "holds"
            raise _refusal(
                output,
                f"this folder {where} the site's {name}/ folder ({display_path(folder)}), which a build "
                f"must never touch; build into a folder of its own, such as {display_path(site / '_site')}",
            )


def recover(output: Path) -> None:
    """Tidy what a killed build left: if it was killed between the two renames of a swap (only
    where the system cannot exchange two folders in one step), the previous site goes back into
    place; of the output's work folders the newest stays, as the folder the next build is made in
    (see swap.SwapWriter), and the others go; so does serve's temporary folder in the output."""
    folders = _work_folders(output)
    asides = [folder for folder in folders if folder.endswith(ASIDE_SUFFIX)]
    if asides and not os.path.lexists(output):
        os.rename(asides[-1], output)
        folders.remove(asides[-1])
    for folder in folders[:-1]:
        shutil.rmtree(folder, ignore_errors=True)
    if folders and folders[-1].endswith(ASIDE_SUFFIX):
        os.rename(folders[-1], folders[-1][:-len(ASIDE_SUFFIX)])
    temp = os.path.join(output, TEMP_FOLDER)
    if os.path.isdir(temp):
        shutil.rmtree(temp, ignore_errors=True)


def work_folder(output: str | Path) -> str:
    """The folder to make the next site in: the last build's spare (the site before the last one,
    sharing most files with the output through hard links), or a new empty folder."""
    folders = _work_folders(output)
    if folders:
        return folders[-1]
    area = _work_area(output)
    name = os.path.basename(os.path.abspath(output))
    while True:
        folder = os.path.join(area, f"{name}-{os.urandom(4).hex()}")
        try:
            os.mkdir(folder, 0o755)
            return folder
        except FileExistsError:
            continue


def read_manifest(folder: str | Path) -> frozenset[str] | None:
    """The paths a build recorded writing in `folder`, or None when it holds no record."""
    try:
        with open(os.path.join(folder, MANIFEST), encoding="utf-8") as handle:
            record = json.load(handle)
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as error:
        raise _refusal(
            folder,
            f"the record of what cv-site wrote here ({MANIFEST}) cannot be read ({error}); "
            "delete the folder, or add --force to write into it (nothing unrecorded is removed)",
        ) from None
    files = record.get("files") if isinstance(record, dict) else None
    if not isinstance(files, list) or not all(isinstance(path, str) and is_site_path(path) for path in files):
        raise _refusal(folder, f"the record of what cv-site wrote here ({MANIFEST}) is damaged; "
                               "delete the folder, or add --force to write into it (nothing unrecorded is removed)")
    return frozenset(files)


def is_site_path(path: str) -> bool:
    """A relative POSIX path inside the output: no `..`, no empty or absolute parts, no
    backslashes, and not one of cv-site's own names at its top (the record, serve's temporary folder)."""
    parts = path.split("/")
    return (bool(path) and "\\" not in path and "\0" not in path
            and not any(part in ("", ".", "..") for part in parts) and parts[0] not in (MANIFEST, TEMP_FOLDER))


def write_manifest(folder: str | Path, paths: Iterable[str]) -> None:
    """Record `paths` as cv-site's in `folder`, replacing the old record in one step."""
    text = json.dumps({
        "about": "The files cv-site wrote in this folder. A build removes only these; keep this file.",
        "files": sorted(paths),
    }, indent=0, ensure_ascii=False)
    temp = os.path.join(folder, MANIFEST + ".new")
    with open(temp, "w", encoding="utf-8") as handle:
        handle.write(text + "\n")
    os.replace(temp, os.path.join(folder, MANIFEST))


@contextlib.contextmanager
def locked(output: Path) -> Iterator[None]:
    """One build at a time writes next to `output` (a second `cv-site build`, or serve, waits):
    an advisory lock on the output's parent folder, where the work folders are made."""
    try:
        import fcntl
    except ImportError:  # Windows: no advisory locks on folders
        yield
        return
    parent = os.path.dirname(os.path.abspath(output))
    os.makedirs(parent, exist_ok=True)  # check_place has accepted the output
    fd = os.open(parent, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock


def _work_area(output: str | Path) -> str:
    """WORK_AREA beside `output`, made when missing, with a .gitignore that keeps it out of git."""
    area = os.path.join(os.path.dirname(os.path.abspath(output)), WORK_AREA)
    if not os.path.isdir(area):
        os.makedirs(area, exist_ok=True)
        with open(os.path.join(area, ".gitignore"), "w", encoding="utf-8") as handle:
            handle.write("# cv-site makes each build here, then swaps it into place; safe to delete.\n*\n")
    return area


def _work_folders(output: str | Path) -> list[str]:
    """The work folders of `output` (its name, "-", 8 hex digits, maybe ASIDE_SUFFIX; not those of
    another output whose name only begins like it), oldest first."""
    area = os.path.join(os.path.dirname(os.path.abspath(output)), WORK_AREA)
    name = os.path.basename(os.path.abspath(output))
    pattern = re.compile(re.escape(name) + "-[0-9a-f]{8}(" + re.escape(ASIDE_SUFFIX) + ")?")
    try:
        found = [entry for entry in os.scandir(area)
                 if pattern.fullmatch(entry.name) and entry.is_dir(follow_symlinks=False)]
    except FileNotFoundError:
        return []
    return [entry.path for entry in sorted(found, key=lambda e: e.stat().st_mtime_ns)]


def _foreign_entries(folder: Path, shown: int = 3) -> list[str]:
    names = sorted(os.listdir(folder))
    return names[:shown] + (["..."] if len(names) > shown else [])


def _refusal(output: str | Path, message: str) -> UserError:
    return UserError([Problem(display_path(output), None, None, "--output", message)])

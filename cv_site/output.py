"""The output folder belongs to cv-site: which folder may be one, what cv-site recorded writing
there, and what an interrupted build left behind.

- A build writes a record of the files it wrote, `.cv-site-manifest`, at the top of the output.
  Only files in that record are ever removed; everything else in the folder is the user's and
  survives every build (`.git`, `CNAME`, a PDF put there by hand).
- An output folder that is, holds or sits inside the site's `data/`, `templates/` or `static/`,
  or that holds the site's own folder, is refused before anything is written.
- A folder that is not empty and has no record of an earlier build is refused, unless the user
  says `--force` (files are then added and replaced; still nothing unrecorded is removed).
- Work folders beside the output (`.cv-site-new-NAME-*`, `.cv-site-old-NAME-*`) are a build in
  progress or the leftovers of one that was killed; `claim` finishes or undoes them (see write.py
  for how they come about).
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shutil
from pathlib import Path
from typing import Iterable, Iterator

from cv_site.errors import Problem, UserError, display_path

MANIFEST = ".cv-site-manifest"
NEW_PREFIX = ".cv-site-new-"  # + NAME-random: a site being built beside the output NAME
OLD_PREFIX = ".cv-site-old-"  # + NAME-random: the previous site, while two renames swap them
TEMP_FOLDER = ".cv-site-tmp"  # inside the output: files serve writes before renaming them into place
SOURCE_FOLDERS = ("data", "templates", "static")


def claim(output: Path, force: bool = False) -> frozenset[str]:
    """Check that cv-site may build into `output` (once `check_place` accepted it) and tidy what an
    interrupted build left there; return the paths that earlier builds recorded writing (the only
    ones a build may remove). Call it holding the lock (`locked`)."""
    recover(output)
    if not os.path.lexists(output):
        return frozenset()
    if not os.path.isdir(output) or os.path.islink(output):
        raise _refusal(output, "this is not a folder; give a folder for the site (it is made when missing)")
    recorded = read_manifest(output)
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
    """Finish what a killed build left beside `output`: if it was killed between the two renames
    of a swap (only where the system cannot exchange two folders in one step), the previous site
    goes back into place; every other work folder is removed."""
    parent, name = os.path.split(os.path.abspath(output))
    old = _work_folders(parent, OLD_PREFIX, name)
    if old and not os.path.lexists(output):
        os.rename(old.pop(), output)
    for folder in old + _work_folders(parent, NEW_PREFIX, name):
        shutil.rmtree(folder, ignore_errors=True)
    temp = os.path.join(output, TEMP_FOLDER)
    if os.path.isdir(temp):
        shutil.rmtree(temp, ignore_errors=True)


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
    if not isinstance(files, list) or not all(isinstance(path, str) for path in files):
        raise _refusal(folder, f"the record of what cv-site wrote here ({MANIFEST}) is damaged; "
                               "delete the folder, or add --force to write into it (nothing unrecorded is removed)")
    return frozenset(files)


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


def make_work_folder(output: str | Path) -> str:
    """A new, empty folder beside `output` to build the next site in."""
    os.makedirs(os.path.dirname(os.path.abspath(output)), exist_ok=True)
    while True:
        folder = work_folder_name(output, NEW_PREFIX)
        try:
            os.mkdir(folder, 0o755)
            return folder
        except FileExistsError:
            continue


def work_folder_name(output: str | Path, prefix: str) -> str:
    """A name beside `output` for a work folder: PREFIX + the output's name + "-" + 8 hex digits."""
    parent, name = os.path.split(os.path.abspath(output))
    return os.path.join(parent, f"{prefix}{name}-{secrets.token_hex(4)}")


def _work_folders(parent: str, prefix: str, name: str) -> list[str]:
    """The work folders of the output `name` in `parent` (PREFIX + name + "-" + 8 hex digits;
    not those of an output whose name only begins like it), oldest first."""
    pattern = re.compile(re.escape(prefix + name) + "-[0-9a-f]{8}")
    try:
        found = [entry for entry in os.scandir(parent) if pattern.fullmatch(entry.name) and entry.is_dir()]
    except FileNotFoundError:
        return []
    return [entry.path for entry in sorted(found, key=lambda e: e.stat().st_mtime_ns)]


def _foreign_entries(folder: Path, shown: int = 3) -> list[str]:
    names = sorted(os.listdir(folder))
    return names[:shown] + (["..."] if len(names) > shown else [])


def _refusal(output: str | Path, message: str) -> UserError:
    return UserError([Problem(display_path(output), None, None, "--output", message)])

"""`cv-site new DIR`: a new site that builds out of the box, from the files in cv_site/starter/.

The starter is a commented, obviously-placeholder data/ (every section kind once, two papers), the
GitHub Pages and check workflows, a .gitignore, a requirements.txt that pins this cv-site, and a
README for the site's owner. Files whose name starts with `dot-` are written with a `.` instead
(`dot-github/` -> `.github/`), so the package's own tools never treat them as theirs.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path

from cv_site.errors import Problem, UserError
from cv_site.requirement_pin import Pin, installed_pin

STARTER = Path(__file__).resolve().parent / "starter"
PLACEHOLDER_NAME = "Your Name"
VERSION_TOKEN = "__CV_SITE_VERSION__"


@dataclass
class Scaffolded:
    folder: Path
    files: list[str]  # relative paths written, in order
    replaced: dict[str, str] = field(default_factory=dict)  # path replaced -> where the user's version is now
    kept: list[str] = field(default_factory=list)  # the user's files under data/, left as they were
    warnings: list[Problem] = field(default_factory=list)  # e.g. a requirements.txt that may not install

    def summary(self) -> str:
        lines = [f"created {len(self.files)} file{'' if len(self.files) == 1 else 's'} in {self.folder}"]
        lines += [f"replaced {path} (yours is now {backup})" for path, backup in self.replaced.items()]
        lines += [f"kept your {path} (the starter's is not written over data/)" for path in self.kept]
        lines.append(f"next: cd {self.folder} && cv-site build   (then see README.md to publish it)")
        return "\n".join(lines)


def starter_files(name: str | None = None, pin: Pin | None = None) -> dict[str, str]:
    """The starter site as {relative path: text}, with the owner's name filled in and `pin` (by
    default, how this cv-site was installed: requirement_pin.py) in requirements.txt."""
    name = (name or PLACEHOLDER_NAME).strip() or PLACEHOLDER_NAME
    pin = pin or installed_pin()
    files: dict[str, str] = {}
    for path in sorted(STARTER.rglob("*")):
        if not path.is_file() or "__pycache__" in path.parts:
            continue
        relative = "/".join(_dotted(part) for part in path.relative_to(STARTER).parts)
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".yml":
            # Inside YAML's double-quoted scalars, escape the name as in a JSON string (which is one).
            escaped = json.dumps(name, ensure_ascii=False)[1:-1]
            text = re.sub(r'"[^"\n]*"', lambda m: m.group(0).replace(PLACEHOLDER_NAME, escaped), text)
        text = text.replace(PLACEHOLDER_NAME, name)
        text = text.replace(f"cv-site=={VERSION_TOKEN}\n", pin.text + "\n")
        files[relative] = text
    return files


def scaffold(folder: Path, name: str | None = None, force: bool = False) -> Scaffolded:
    """Write the starter site into `folder`; refuse a non-empty folder unless `force`. With it, a
    file of the user's under data/ is never replaced (it is their CV); any other file that differs
    from the starter's is kept beside it as NAME.orig before the starter's takes its place."""
    if folder.exists() and not folder.is_dir():
        raise _error(folder, "exists and is not a folder")
    if folder.is_dir() and any(folder.iterdir()) and not force:
        raise _error(
            folder,
            "the folder is not empty",
            "choose a new or empty folder, or add --force to write the starter files into it "
            "(your files under data/ are kept; any other file of the same name is kept as NAME.orig)",
        )
    if name is not None and any(c in name for c in "{}\n"):
        raise _error(folder, "braces and line breaks cannot be part of a name", key="--name", value=name)
    pin = installed_pin()
    files = starter_files(name, pin)
    for relative in files:
        if (blocked := _in_the_way(folder, relative)) is not None:
            kind = "a folder" if blocked.is_dir() else "a file"
            raise _error(blocked, f"this is {kind}, where the starter writes {relative}",
                         "rename or move it, then run cv-site new again")
    result = Scaffolded(folder, [])
    for relative, text in files.items():
        target = folder / relative
        if target.exists():
            if target.read_bytes() == text.encode("utf-8"):
                continue
            if relative.startswith("data/"):
                result.kept.append(relative)
                continue
            backup = _free_name(target.with_name(target.name + ".orig"))
            target.rename(backup)
            result.replaced[relative] = backup.relative_to(folder).as_posix()
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        result.files.append(relative)
    if not pin.exact:
        number = files["requirements.txt"].splitlines().index(pin.line) + 1
        result.warnings.append(Problem(str(folder / "requirements.txt"), number, None, "", pin.message, None,
                                       pin.hint, "warning"))
    return result


def _in_the_way(folder: Path, relative: str) -> Path | None:
    """A folder where the starter writes the file `relative`, or a file where it needs a folder."""
    target = folder / relative
    if target.is_dir():
        return target
    for parent in target.relative_to(folder).parents:
        if parent != Path(".") and (folder / parent).exists() and not (folder / parent).is_dir():
            return folder / parent
    return None


def _free_name(path: Path) -> Path:
    """`path`, or `path` with .2, .3... added when that name is taken."""
    candidate, number = path, 1
    while candidate.exists():
        number += 1
        candidate = path.with_name(f"{path.name}.{number}")
    return candidate


def _dotted(part: str) -> str:
    return "." + part[len("dot-"):] if part.startswith("dot-") else part


def _error(path: Path, message: str, hint: str = "", key: str = "", value: object = None) -> UserError:
    return UserError([Problem(str(path), None, None, key, message, value, hint)])

"""CV YAML from the wild (tests/wild_yaml/): files written by people who do not read schemas. Each
`<name>.yml` is a data/cv.yml and has `<name>.expected`: what the model made of every entry, or
every problem reported with file:line:column, then what building the site and the PDF from it gave.
`pytest --update-golden` rewrites the expected files; review the diff.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from cv_site.build import BuildOptions, build
from cv_site.errors import UserError
from cv_site.load.site import Loader
from cv_site.model import SiteModel

WILD = Path(__file__).parent / "wild_yaml"
FILES = sorted(path.name for path in WILD.glob("*.yml"))
UNSAFE = re.compile(r"<script>alert|<b>raw|<i>not|href=\"javascript:", re.IGNORECASE)


def describe_model(site: SiteModel) -> list[str]:
    person = site.person
    lines = [f"person: {person.name} | {person.position} | {person.affiliation}"]
    for section in site.sections:
        lines.append(f"{section.kind}: {section.title} (#{section.slug})")
        for entry in getattr(section, "entries", None) or []:
            fields = [f"{name}={value}" for name in type(entry).fields
                      if (value := getattr(entry, name)) not in (None, "", [], ())]
            lines.append("  " + "; ".join(fields))
    return lines


def describe_build(root: Path) -> list[str]:
    try:
        result = build(BuildOptions(root, root / "_site"))
    except UserError as error:
        return ["build: " + str(problem) for problem in error.problems]
    pages = [path for path in result.files if path.endswith(".html")]
    unsafe = [path for path in pages if UNSAFE.search(result.files[path].decode())]
    assert not unsafe, f"text from the data became markup in {unsafe}"
    return [f"build: {len(pages)} pages and cv.pdf, no text became markup"]


@pytest.mark.parametrize("name", FILES)
def test_expected_output(name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, update_golden: bool) -> None:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "cv.yml").write_bytes((WILD / name).read_bytes())
    monkeypatch.chdir(tmp_path)  # problems name data/cv.yml, as `cv-site check` in the site would
    try:
        lines = describe_model(Loader(Path("."), keep=False).load()) + describe_build(Path("."))
    except UserError as error:
        lines = [str(problem) for problem in error.problems]
    got = "\n".join(lines) + "\n"
    expected = WILD / name.replace(".yml", ".expected")
    if update_golden or not expected.exists():
        expected.write_text(got, encoding="utf-8")
    assert got == expected.read_text(encoding="utf-8")

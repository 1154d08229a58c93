"""The orchestrator: a failed build leaves the last good output byte for byte; an incremental
rebuild (serve mode) gives exactly the files a fresh build gives, touching only what changed."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import pytest

from cv_site.build import Builder, BuildOptions, build
from cv_site.errors import UserError
from cv_site.output import MANIFEST, WORK_AREA

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from generate_bib import generate  # noqa: E402


def make_site(folder: Path, papers: int | None = None) -> Path:
    (folder / "data").mkdir(parents=True)
    for name in ("site.yml", "cv.yml", "news.yml", "publications.bib"):
        shutil.copy(ROOT / "data" / name, folder / "data" / name)
    if papers is not None:
        (folder / "data" / "publications.bib").write_text(generate(papers), encoding="utf-8")
    return folder


def snapshot(folder: Path) -> dict[str, bytes]:
    """The site's files, without the record of what cv-site wrote (output.MANIFEST)."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*"))
            if p.is_file() and p.name != MANIFEST}


def fresh(source: Path, tmp: Path) -> dict[str, bytes]:
    out = tmp / "fresh"
    shutil.rmtree(out, ignore_errors=True)
    build(BuildOptions(source, out, pdf=False))
    return snapshot(out)


@pytest.mark.parametrize("breakage", ["yaml", "bibtex", "template"])
def test_a_failed_build_leaves_the_last_good_site_byte_identical(tmp_path: Path, breakage: str) -> None:
    source = make_site(tmp_path / "site")
    out = source / "_site"
    build(BuildOptions(source, out, pdf=False))
    (out / ".git").mkdir()
    before = snapshot(out)
    if breakage == "yaml":
        cv = source / "data" / "cv.yml"
        cv.write_text(cv.read_text(encoding="utf-8").replace("person:", "person: [", 1), encoding="utf-8")
    elif breakage == "bibtex":
        bib = source / "data" / "publications.bib"
        bib.write_text(bib.read_text(encoding="utf-8") + "\n@article{broken,\n  title = {no end\n", encoding="utf-8")
    else:
        (source / "templates").mkdir()
        (source / "templates" / "cv.html.j2").write_text("{% extends 'theme/cv.html.j2' %}{% block content %}{{ nope.nothing }}{% endblock %}")
    with pytest.raises(UserError):
        build(BuildOptions(source, out, pdf=False))
    assert snapshot(out) == before
    assert sorted(p.name for p in source.iterdir() if p.name != WORK_AREA) == sorted(["_site", "data"] + (["templates"] if breakage == "template" else []))


def edit_entry(text: str, index: int, new: str) -> str:
    at = -1
    for _ in range(index + 1):
        at = text.index("title = {", at + 1)
    at += len("title = {")
    return text[:at] + new + text[at:]


def test_incremental_rebuilds_equal_fresh_builds(tmp_path: Path) -> None:
    source = make_site(tmp_path / "site", papers=60)
    out = source / "_site"
    builder = Builder(BuildOptions(source, out, pdf=False))
    builder.build()
    bib = source / "data" / "publications.bib"
    cv = source / "data" / "cv.yml"
    news = source / "data" / "news.yml"
    text = bib.read_text(encoding="utf-8")
    steps = [
        (bib, edit_entry(text, 30, "Edited ")),  # one entry's title
        (bib, edit_entry(text, 30, "Two\nlines ")),  # an entry grows a line: the ones below move
        (bib, text.replace("@string{", "@string{extra = {x}}\n@string{", 1)),  # a macro: whole file
        (bib, text + "\n@misc{added2030,\n  title = {Added},\n  author = {Guo, Qiushan},\n  year = 2030\n}\n"),
        (bib, text),
        (cv, cv.read_text(encoding="utf-8").replace("bio: |", "bio: |\n    New first sentence.\n", 1)),
        (news, "news:\n  - date: 2030-01-01\n    text: Fresh news.\n"),
    ]
    for path, content in steps:
        path.write_text(content, encoding="utf-8")
        result = builder.build()
        assert snapshot(out) == fresh(source, tmp_path), (path.name, content[:80])
        assert result.rendered < len(result.files)  # not everything again
    assert result.site.warnings == build(BuildOptions(source, tmp_path / "again", pdf=False)).site.warnings


def test_one_paper_edit_writes_only_what_shows_it(tmp_path: Path) -> None:
    source = make_site(tmp_path / "site", papers=40)
    builder = Builder(BuildOptions(source, source / "_site", pdf=False))
    first = builder.build()
    bib = source / "data" / "publications.bib"
    bib.write_text(edit_entry(bib.read_text(encoding="utf-8"), 5, "Edited "), encoding="utf-8")
    result = builder.build()
    edited = next(p for p in result.site.publications if p.title.startswith("Edited"))
    papers = [path for path in result.changed if path.startswith("publications/") and path.count("/") == 2]
    assert {p.split("/")[1] for p in papers} == {next(k for k in first.files if edited.key in k).split("/")[1]}
    assert "publications/index.html" in result.changed and "publications.bib" in result.changed
    assert result.rendered <= 13  # the files that list papers (11 at most, resume.json one) and the edited paper's two


def test_no_change_writes_nothing(tmp_path: Path) -> None:
    source = make_site(tmp_path / "site")
    builder = Builder(BuildOptions(source, source / "_site", pdf=False))
    builder.build()
    result = builder.build()
    assert result.changed == () and result.stats.written == 0
    assert build(BuildOptions(source, source / "_site", pdf=False)).stats.written == 0


def test_a_parallel_build_writes_the_same_bytes_as_a_serial_one(tmp_path: Path) -> None:
    source = make_site(tmp_path / "site", papers=120)
    build(BuildOptions(source, tmp_path / "serial", pdf=False, jobs=1))
    result = build(BuildOptions(source, tmp_path / "parallel", pdf=False, jobs=3))
    assert snapshot(tmp_path / "parallel") == snapshot(tmp_path / "serial")
    assert (result.stats.written, len(result.files)) == (len(snapshot(tmp_path / "serial")),) * 2
    # and over an existing output: nothing changed, nothing written
    again = build(BuildOptions(source, tmp_path / "parallel", pdf=False, jobs=3))
    assert (again.stats.written, again.stats.removed) == (0, 0)


@pytest.mark.parametrize("existing", [False, True])
def test_a_template_error_in_a_worker_leaves_the_last_good_site(tmp_path: Path, existing: bool) -> None:
    source = make_site(tmp_path / "site", papers=120)
    out = source / "_site"
    if existing:
        build(BuildOptions(source, out, pdf=False, jobs=1))
    before = snapshot(out) if existing else None
    (source / "templates").mkdir()
    (source / "templates" / "paper.html.j2").write_text(
        "{% extends 'theme/paper.html.j2' %}\n{% block content %}{{ paper.nothing.here }}{% endblock %}")
    with pytest.raises(UserError) as raised:
        build(BuildOptions(source, out, pdf=False, jobs=2))
    [problem] = raised.value.problems
    assert (problem.file.endswith("templates/paper.html.j2"), problem.line) == (True, 2)
    assert "'nothing'" in problem.message
    if existing:
        assert snapshot(out) == before
        assert not list(out.rglob("*.cv-site-tmp"))
    else:
        assert not out.exists()
    assert sorted(p.name for p in source.iterdir() if p.name != WORK_AREA) == sorted(["data", "templates"] + (["_site"] if existing else []))


def test_a_parallel_build_of_a_site_without_papers(tmp_path: Path) -> None:
    source = make_site(tmp_path / "site")
    (source / "data" / "publications.bib").write_text("", encoding="utf-8")
    result = build(BuildOptions(source, tmp_path / "out", pdf=False, jobs=2))
    assert "publications/index.html" in result.files
    assert not [path for path in result.files if path.startswith("publications/") and path.count("/") > 1]


def test_the_command_line_passes_jobs_and_refuses_nonsense(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    from cv_site.cli import main

    source = make_site(tmp_path / "site", papers=120)
    assert main(["build", "--source", str(source), "--no-pdf", "--jobs", "1", "--output", str(tmp_path / "one")]) == 0
    assert main(["build", "--source", str(source), "--no-pdf", "--jobs", "2", "--output", str(tmp_path / "two")]) == 0
    assert snapshot(tmp_path / "one") == snapshot(tmp_path / "two")
    with pytest.raises(SystemExit) as exited:
        main(["build", "--source", str(source), "--jobs", "0"])
    assert exited.value.code == 2
    assert "--jobs: expected a whole number of at least 1, not '0'" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["build", "--source", str(source), "--base-url", "https://[ipv6"])
    assert "--base-url: expected a URL such as https://name.github.io/repo/" in capsys.readouterr().err


def test_serve_s_builder_sees_a_template_added_to_and_removed_from_the_site(tmp_path: Path) -> None:
    """A new file in templates/ shadows the theme's from the next rebuild on (Jinja had the
    theme's compiled), in the site and in the PDF; removing it brings the theme's back."""
    source = make_site(tmp_path / "site")
    (source / "templates").mkdir()
    builder = Builder(BuildOptions(source, source / "_site", pdf=True))
    builder.build()
    for name in ("index.html.j2", "cv.typ.j2"):
        override = source / "templates" / name
        override.write_text("{{ 1/0 }}\n", encoding="utf-8")
        with pytest.raises(UserError) as raised:
            builder.build()
        assert [(p.file.endswith(f"templates/{name}"), p.line) for p in raised.value.problems] == [(True, 1)]
        override.unlink()
        builder.build()

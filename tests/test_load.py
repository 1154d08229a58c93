"""The load stage end to end: the example data, the JSON Schema, hostile text as data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from cv_site.cli import main
from cv_site.load.site import load_site

ROOT = Path(__file__).resolve().parent.parent

HOSTILE = [
    "<script>alert(1)</script>",
    "{{ 7 * 7 }}",
    "{% raw %}x{% endraw %}",
    "#set page(width: 1cm)",
    "$x^2$ and $",
    "\\input{/etc/passwd}",
    '"quoted" & <b>bold</b>',
]


def test_example_data_loads_with_no_warnings():
    site = load_site(ROOT)
    assert site.warnings == []
    assert [s.slug for s in site.sections] == ["education", "awards", "publications", "service", "teaching", "research"]
    assert len(site.publications) == 12
    owner_counts = [sum(a.is_owner for a in p.authors) for p in site.publications]
    assert owner_counts == [1] * 12  # Qiushan Guo is flagged once in every author list


def test_check_prints_the_summary(capsys, monkeypatch):
    monkeypatch.chdir(ROOT)
    assert main(["check"]) == 0
    out = capsys.readouterr().out
    assert out.startswith("ok: 6 sections, 20 entries, 12 publications, 0 news, 2 warnings (")  # the linter's two, test_lint.py


@pytest.mark.parametrize("name, file", [("cv", "cv.yml"), ("site", "site.yml"), ("news", "news.yml")])
def test_example_yaml_validates_against_the_printed_schema(name, file, capsys):
    assert main(["schema", name]) == 0
    schema = json.loads(capsys.readouterr().out)
    jsonschema.Draft202012Validator.check_schema(schema)
    data = yaml.load((ROOT / "data" / file).read_text(), Loader=yaml.BaseLoader)  # dates stay text
    jsonschema.validate(_with_native_scalars(data), schema)


def _with_native_scalars(value):
    """BaseLoader reads every scalar as text; the schema wants booleans and integers where YAML
    would give them (dates stay text, as cv-site reads them)."""
    if isinstance(value, dict):
        return {k: _with_native_scalars(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_with_native_scalars(v) for v in value]
    if value in ("true", "false"):
        return value == "true"
    if value.isdigit():
        return int(value)
    return value


def test_schema_rejects_an_unknown_key(capsys):
    main(["schema", "cv"])
    schema = json.loads(capsys.readouterr().out)
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate({"person": {"name": "A", "nmae": "B"}}, schema)


def test_hostile_text_comes_through_the_model_unchanged(tmp_path):
    data = tmp_path / "data"
    data.mkdir()
    cv = {
        "person": {"name": HOSTILE[0], "position": HOSTILE[1], "bio": "\n".join(HOSTILE)},
        "sections": [
            {"title": text, "kind": "list", "id": f"s{index}", "entries": [{"text": text}]}
            for index, text in enumerate(HOSTILE)
        ],
    }
    (data / "cv.yml").write_text(yaml.safe_dump(cv, allow_unicode=True), encoding="utf-8")
    (data / "publications.bib").write_text(
        "@misc{evil, title = {<script>alert(1)</script> {{ 7*7 }} #set page(width: 1cm)},\n"
        "  author = {Doe, Jane}, year = {2020}, note = {\\input{/etc/passwd}}}\n",
        encoding="utf-8",
    )
    site = load_site(tmp_path)
    assert site.person.name == HOSTILE[0]
    assert site.person.bio == "\n".join(HOSTILE)
    assert [s.title for s in site.sections] == HOSTILE
    assert [s.entries[0].text for s in site.sections] == HOSTILE
    paper = site.publications[0]
    # BibTeX braces group (and are removed for display); everything else is text
    assert paper.title == "<script>alert(1)</script>  7*7  #set page(width: 1cm)"
    assert paper.fields["note"] == "\\input{/etc/passwd}"  # never read as a file


def test_version_and_help():
    version = subprocess.run([sys.executable, "-m", "cv_site", "--version"], capture_output=True, text=True)
    assert version.returncode == 0
    assert version.stdout.startswith("cv-site 0.")
    help_text = subprocess.run([sys.executable, "-m", "cv_site", "--help"], capture_output=True, text=True).stdout
    assert "examples:" in help_text and "cv-site build --base-url" in help_text

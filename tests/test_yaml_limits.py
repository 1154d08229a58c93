"""YAML that would exhaust the machine is refused at its place, quickly and in little memory;
anchors and aliases as a CV uses them keep working. (The exact reports: test_bad_inputs.py.)"""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml

from cv_site.load import yamlfile, yamllimits
from cv_site.schema import CvFile
from cv_site.load.yamlfile import parse_yaml, validate
from cv_site.load.yamllimits import MAX_DEPTH, MAX_REPEATED, MAX_REPEATED_CHARACTERS, CarefulLoader

from test_bad_inputs import (
    GOOD_BIB,
    GOOD_CV,
    alias_bomb,
    deep_block_mapping,
    deep_explicit_keys,
    deep_flow_keys,
    long_text_bomb,
)


def messages(text: str) -> list[str]:
    document, problems = parse_yaml(text, "f.yml")
    return [str(problem).partition("\n")[0] for problem in problems]


# --- the limits, exactly -----------------------------------------------------------------------


def nested(levels: int) -> str:
    """`a` holding lists `levels` deep: its innermost list is at depth `levels`."""
    return "a: " + "[" * levels + "]" * levels + "\n"


def test_nesting_up_to_the_limit_is_read() -> None:
    document, problems = parse_yaml(nested(MAX_DEPTH), "f.yml")
    assert problems == []
    assert str(document.data).count("[") == MAX_DEPTH


def test_nesting_past_the_limit_is_refused_where_it_goes_too_deep() -> None:
    assert messages(nested(MAX_DEPTH + 1)) == [f"f.yml:1:{4 + MAX_DEPTH}: a: nested more than 100 levels deep"]


def repeats(count: int) -> str:
    """Aliases that repeat `count` values: a list of 99 and itself is 100 values."""
    assert count % 100 in (0, 1)
    text = "one: &one x\nlist: &list [" + ", ".join(["x"] * 99) + "]\nrepeated:\n"
    text += "".join("  - *list\n" for _ in range(count // 100))
    return text + ("more: *one\n" if count % 100 else "")


def test_aliases_up_to_the_limit_are_read() -> None:
    document, problems = parse_yaml(repeats(MAX_REPEATED), "f.yml")
    assert problems == []
    assert len(document.data["repeated"]) == MAX_REPEATED // 100


def test_one_repeated_value_past_the_limit_is_refused_at_its_alias() -> None:
    line = 3 + MAX_REPEATED // 100 + 1
    assert messages(repeats(MAX_REPEATED + 1)) == [
        f"f.yml:{line}:7: more: aliases repeat more than 100,000 values in this file"]


def text_repeats(aliases: int) -> str:
    """A text of a tenth of the limit, and `aliases` aliases of it in a list."""
    return "a: &a " + "x" * (MAX_REPEATED_CHARACTERS // 10) + "\nb: [" + ", ".join(["*a"] * aliases) + "]\n"


def test_text_that_aliases_repeat_up_to_the_limit_is_read() -> None:
    document, problems = parse_yaml(text_repeats(10), "f.yml")
    assert problems == []
    assert document.data["b"] == [document.data["a"]] * 10


def test_text_repeated_past_the_limit_is_refused_at_its_alias() -> None:
    assert messages(text_repeats(11)) == [
        "f.yml:2:45: b[10]: aliases repeat more than 10,000,000 characters in this file"]


def test_an_alias_repeats_the_characters_of_all_that_its_anchor_holds(monkeypatch) -> None:
    monkeypatch.setattr(yamllimits, "MAX_REPEATED_CHARACTERS", 35)
    text = "a: &a {key: value, list: [one, two]}\nb: *a\nc: *a\n"  # 18 characters: keys too
    assert messages(text) == ["f.yml:3:4: c: aliases repeat more than 35 characters in this file"]
    assert messages(text.replace("c: *a\n", "")) == []


def test_an_alias_inside_its_own_anchor_is_refused() -> None:
    assert messages("a: &a [1, [2, *a]]\n") == ["f.yml:1:15: a: nested more than 100 levels deep"]
    assert messages("a: &a {b: 1, <<: *a}\n") == ["f.yml:1:18: a: nested more than 100 levels deep"]


def test_keys_nest_as_deep_as_values() -> None:
    key = "a: " + "{" * MAX_DEPTH + "x: 1" + "}: 1" * MAX_DEPTH + "\n"
    assert messages(key) == [f"f.yml:1:{4 + MAX_DEPTH}: a: nested more than 100 levels deep"]  # x is 101 deep
    assert messages("a:\n  " + "? " * MAX_DEPTH + "x\n") == ["f.yml:2:203: a: nested more than 100 levels deep"]
    assert messages("? " + "[" * (MAX_DEPTH + 1) + "]" * (MAX_DEPTH + 1) + "\n: 1\n") == [
        "f.yml:1:103: nested more than 100 levels deep"]  # in a key of the top mapping: no key path


def test_aliases_of_deep_values_count_their_depth() -> None:
    text = "a: &a " + "[" * 60 + "]" * 60 + "\nb: " + "[" * 60 + "*a" + "]" * 60 + "\n"
    assert messages(text) == ["f.yml:1:47: b: nested more than 100 levels deep"]  # a's 41st bracket


SAMPLES = {
    "list bomb": "news:\n" + alias_bomb("  "),
    "mapping bomb": "a: &a {" + ", ".join(f"k{i}: lol" for i in range(9)) + "}\n" + "".join(
        f"{anchor}: &{anchor} {{" + ", ".join(f"k{i}: *{alias}" for i in range(9)) + "}\n"
        for alias, anchor in zip("abcdefgh", "bcdefghi")),
    "wide": "a: &a [" + ", ".join(["x"] * 1000) + "]\nb: [" + ", ".join(["*a"] * 1000) + "]\n",
    "bomb, then a syntax error": "news:\n" + alias_bomb("  ") + "broken: [\n",
    "10,000-deep list": "news: " + "[" * 10_000 + "]" * 10_000 + "\n",
    "deep list": nested(500),
    "deep flow mapping": "a: " + "{a: " * 1_000 + "x" + "}" * 1_000 + "\n",
    "deep block mapping": "news:\n" + deep_block_mapping(300),
    "deep block list": "news:\n" + "- " * 3_000 + "x\n",
    "deep key": "? " + "[" * 2_000 + "]" * 2_000 + "\n: 1\n",
    "flow mappings as keys": deep_flow_keys(5_000),
    "flow mappings as keys, within libyaml's 1,000": deep_flow_keys(500),
    "explicit keys": deep_explicit_keys(1_500),
    "explicit keys in flow": "news: " + "{? " * 1_500 + "x" + "}" * 1_500 + "\n",
    "long text bomb": long_text_bomb(3_000),
}


@pytest.mark.parametrize("text", SAMPLES.values(), ids=SAMPLES.keys())
def test_without_libyaml_the_same_files_are_refused_at_the_same_places(text: str, monkeypatch) -> None:
    refused = messages(text)
    assert len(refused) == 1 and ("nested more than" in refused[0] or "aliases repeat more" in refused[0])
    monkeypatch.setattr(yamlfile, "FAST_LOADER", CarefulLoader)
    assert messages(text) == refused


# --- anchors and aliases as a CV uses them -------------------------------------------------------


def test_a_merge_key_takes_the_defaults_and_the_keys_beside_it_win() -> None:
    text = textwrap.dedent("""\
        defaults: &job {institution: Analytical Society, location: London}
        first: {<<: *job, date: 1843}
        second:
          <<: *job
          location: Paris
        """)
    document, problems = parse_yaml(text, "f.yml")
    assert problems == []
    assert document.data["first"] == {"institution": "Analytical Society", "location": "London", "date": 1843}
    assert document.data["second"] == {"institution": "Analytical Society", "location": "Paris"}
    assert document.key_positions[("second", "location")] == (5, 3)
    assert document.key_positions[("second", "institution")] == (1, 17)  # where the merged key is written
    assert document.value_positions[("second",)] == (4, 3)


def test_merged_mappings_read_as_pyyaml_reads_them() -> None:
    text = "a: &a {x: 1, y: 2}\nb: &b {y: 3, z: 4}\nc: {<<: [*a, *b], w: 0}\nd: {z: 9, <<: [*b, *a]}\ne: {<<: {}}\n"
    document, problems = parse_yaml(text, "f.yml")
    assert problems == []
    assert document.data == yaml.safe_load(text)
    assert [list(document.data[key]) for key in "cd"] == [list(yaml.safe_load(text)[key]) for key in "cd"]


def test_a_merge_key_needs_mappings() -> None:
    assert messages("a: {<<: 3}\nb: {<<: [{x: 1}, [2]]}\n") == [
        "f.yml:1:9: a: `<<:` merges a mapping (`<<: *name`), or a list of them, into this one (got '3')",
        "f.yml:2:18: b: `<<:` merges a mapping (`<<: *name`), or a list of them, into this one",
    ]


def test_a_cv_with_anchors_aliases_and_merge_keys_is_valid() -> None:
    text = textwrap.dedent("""\
        person:
          name: Ada Lovelace
          aliases: ["Lovelace, A.", &king_name "King, Augusta Ada"]
        sections:
          - title: Experience
            kind: experience
            entries:
              - &analyst
                organization: Analytical Society
                role: Analyst
                date: 1842 - 1843
                highlights: &notes [Wrote the notes, Translated Menabrea]
              - <<: *analyst
                date: 1844 - 1845
                highlights: *notes
          - title: Other names
            kind: list
            entries: [{text: "Lovelace, A."}, &king {text: *king_name}, *king]
        """)
    document, problems = parse_yaml(text, "data/cv.yml")
    cv, issues = validate(CvFile, document)
    assert problems == issues == []
    first, second = cv.sections[0].entries
    assert (second.organization, second.role, second.highlights) == (first.organization, first.role, first.highlights)
    assert (str(first.date), str(second.date)) == ("1842 – 1843", "1844 – 1845")
    assert [entry.text for entry in cv.sections[1].entries] == ["Lovelace, A.", "King, Augusta Ada", "King, Augusta Ada"]
    assert cv.person.aliases == ["Lovelace, A.", "King, Augusta Ada"]


# --- bounds, in a process of its own --------------------------------------------------------------

# Runs `cv-site ARGS` in the folder given, then prints the exit status, the seconds the command
# took and the process's peak memory (VmHWM, in kB: ru_maxrss would count the memory of the
# process it was forked from). Its address space is capped at 1 GB, so that a regression fails here
# instead of taking the machine's memory (the bomb once took 16 GB).
CHILD = """\
import re, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))
from cv_site.cli import main
started = time.perf_counter()
status = main(sys.argv[1:])
seconds = time.perf_counter() - started
with open("/proc/self/status") as status_file:
    peak_kb = re.search(r"VmHWM:\\s*(\\d+) kB", status_file.read()).group(1)
print(status, seconds, peak_kb)
"""


def check_in_a_process(site: Path, files: dict[str, str], command: tuple[str, ...] = ("check",),
                       ) -> tuple[int, float, float, str]:
    """(exit status, seconds, peak MB, stderr) of `cv-site check` (or `command`) on a small good site
    with `files`."""
    for relative, content in {"data/cv.yml": GOOD_CV, "data/publications.bib": GOOD_BIB, **files}.items():
        (site / relative).parent.mkdir(parents=True, exist_ok=True)
        (site / relative).write_text(content, encoding="utf-8")
    result = subprocess.run([sys.executable, "-c", CHILD, *command], cwd=site, capture_output=True, text=True,
                            timeout=120)
    status, seconds, peak_kb = result.stdout.split()
    return int(status), float(seconds), int(peak_kb) / 1024, result.stderr


@pytest.mark.parametrize("file", ["data/news.yml", "data/cv.yml"])
def test_an_alias_bomb_is_refused_in_under_a_second_and_100_mb(tmp_path: Path, file: str) -> None:
    text = "news:\n" + alias_bomb("  ") if file == "data/news.yml" else GOOD_CV + "extra:\n" + alias_bomb("  ")
    status, seconds, peak_mb, stderr = check_in_a_process(tmp_path, {file: text})
    assert status == 1
    assert "aliases repeat more than 100,000 values in this file" in stderr and "Traceback" not in stderr
    assert seconds < 1
    assert peak_mb < 100


# What a 1 MB file's aliases repeat of its 1 MB text: 3,000 news items (a build took 90 s, 6.2 GB
# and wrote 5.6 GB), a list of 2,000 (a check took 4.7 s).
TEXT_BOMBS = {
    "news texts, build": (long_text_bomb(3_000), ("build", "--no-pdf")),
    "a list, check": ("news: [&s " + "x" * 1_000_000 + ", " + ", ".join(["*s"] * 2_000) + "]\n", ("check",)),
}


@pytest.mark.parametrize("text, command", TEXT_BOMBS.values(), ids=TEXT_BOMBS.keys())
def test_an_alias_bomb_of_long_text_is_refused_in_under_a_second_and_100_mb(
        tmp_path: Path, text: str, command: tuple[str, ...]) -> None:
    status, seconds, peak_mb, stderr = check_in_a_process(tmp_path, {"data/news.yml": text}, command)
    assert status == 1
    assert "aliases repeat more than 10,000,000 characters in this file" in stderr and "Traceback" not in stderr
    assert seconds < 1
    assert peak_mb < 100
    assert not (tmp_path / "_site").exists()


NESTED_PAST_ANY_LIMIT = {
    "a list 10,000 deep": ("news: " + "[" * 10_000 + "]" * 10_000 + "\n", "1:107"),
    "a list 1,000,000 deep": ("news: " + "[" * 1_000_000 + "]" * 1_000_000 + "\n", "1:107"),
    "flow mappings as keys 5,000 deep": (deep_flow_keys(5_000), "1:107"),
    "explicit keys 1,500 deep": (deep_explicit_keys(1_500), "2:203"),
}


@pytest.mark.parametrize("text, where", NESTED_PAST_ANY_LIMIT.values(), ids=NESTED_PAST_ANY_LIMIT.keys())
def test_nesting_past_any_limit_is_refused_without_a_traceback(tmp_path: Path, text: str, where: str) -> None:
    status, seconds, peak_mb, stderr = check_in_a_process(tmp_path, {"data/news.yml": text})
    assert status == 1
    assert stderr.startswith(f"data/news.yml:{where}: news: nested more than 100 levels deep\n")
    assert "Traceback" not in stderr
    assert seconds < 5 and peak_mb < 100

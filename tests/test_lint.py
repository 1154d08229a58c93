"""The bibliography linter (`cv-site check`, `--strict`, `strict: true`): each finding with its
exact text, a warning by default and an error under strict."""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest

from cv_site.cli import main
from tests.test_bad_inputs import GOOD_BIB, GOOD_CV, Case, write_site

SECOND = """
@article{lovelace1843sketch,
  title = {Sketch of the Analytical Engine},
  author = {Lovelace, Ada},
  journal = {Bibliothèque universelle de Genève},
  year = {1842},
  url = {https://example.org/sketch},
}
"""
NO_LINK = GOOD_BIB.replace("  url = {https://example.org/notes},\n", "")
READ_HINT = "\n    hint: add the DOI (doi = {10...}), the arXiv id (arxiv = {2103.12345}), a pdf or a url"
THIS_YEAR = datetime.date.today().year

LINT_CASES = [
    Case("a DOI that is not one",
         {"data/publications.bib": GOOD_BIB.replace("  year", "  doi = {10.1000},\n  year")},
         "data/publications.bib:5:1: warning: lovelace1843notes: doi is not a DOI (got '10.1000')\n"
         "    hint: write the DOI alone, as 10.<number>/<suffix>, e.g. doi = {10.1145/3368089.3409741}"),
    Case("a DOI given as the url",
         {"data/publications.bib": GOOD_BIB.replace("https://example.org/notes", "https://doi.org/10.1000/182")},
         "data/publications.bib:6:1: warning: lovelace1843notes: url is the address of a DOI "
         "(got 'https://doi.org/10.1000/182')\n"
         "    hint: write doi = {10.1000/182} instead: the DOI link and the citation's DOI are made from it"),
    Case("an arXiv id that is not one",
         {"data/publications.bib": GOOD_BIB.replace("  year", "  arxiv = {2103.1},\n  year")},
         "data/publications.bib:5:1: warning: lovelace1843notes: not an arXiv id (got '2103.1')\n"
         "    hint: write the id alone, e.g. 2103.12345 or cs/0112017"),
    Case("the same paper twice, by DOI",
         {"data/publications.bib": GOOD_BIB.replace("  year", "  doi = {10.1000/182},\n  year")
          + SECOND.replace("  year", "  doi = {10.1000/182},\n  year")},
         "data/publications.bib:11:1: warning: lovelace1843sketch: listed twice: same DOI as lovelace1843notes "
         "(data/publications.bib:1)\n"
         "    hint: remove one of them, or merge their fields"),
    Case("the same paper twice, by title and year",
         {"data/publications.bib": GOOD_BIB + SECOND.replace("Sketch of the Analytical Engine",
                                                             "Notes on the analytical engine").replace("1842", "1843")},
         "data/publications.bib:10:1: warning: lovelace1843sketch: listed twice: same title and year as "
         "lovelace1843notes (data/publications.bib:1)\n"
         "    hint: remove one of them, or merge their fields"),
    Case("an arXiv preprint with its published version",
         {"data/publications.bib": GOOD_BIB + "\n@article{lovelace1842preprint,\n"
          "  title = {Notes on the Analytical Engine},\n  author = {Lovelace, Ada},\n"
          "  journal = {arXiv preprint arXiv:1842.01234},\n  year = {1842},\n}\n"},
         "data/publications.bib:10:1: warning: lovelace1842preprint: listed twice: an arXiv preprint of "
         "lovelace1843notes (data/publications.bib:1)\n"
         "    hint: remove the preprint, and give the published one its arXiv id: eprint = {...}, "
         "archiveprefix = {arXiv}"),
    Case("a paper with no way to read it",
         {"data/publications.bib": NO_LINK},
         "data/publications.bib:2:1: warning: lovelace1843notes: no way to read it: no pdf, doi, arxiv or url"
         + READ_HINT),
    Case("a paper with no venue",
         {"data/publications.bib": GOOD_BIB.replace("@article", "@misc").replace("  journal = {Scientific Memoirs},\n", "")},
         "data/publications.bib:2:1: warning: lovelace1843notes: no venue: a @misc says where it appeared\n"
         "    hint: add the journal, booktitle, school, institution or publisher"),
    Case("a year in the future",
         {"data/publications.bib": GOOD_BIB.replace("{1843}", f"{{{THIS_YEAR + 1}}}")},
         f"data/publications.bib:5:1: warning: lovelace1843notes: the year is in the future ({THIS_YEAR} now) "
         f"(got {THIS_YEAR + 1})\n"
         "    hint: correct the year, or say note = {to appear} if it is accepted"),
    Case("a selected paper that no section lists",
         {"data/publications.bib": GOOD_BIB.replace("  year", "  selected = {true},\n  year") + SECOND,
          "data/cv.yml": GOOD_CV.replace("include: all", "include: [lovelace1843sketch]")},
         "data/publications.bib:5:1: warning: lovelace1843notes: selected (shown on the home page), but not in the "
         "CV: no publications section lists it\n"
         "    hint: add its key to a section's include, or remove selected"),
    Case("a local PDF that is not there",
         {"data/publications.bib": GOOD_BIB.replace("  year", "  pdf = {notes.pdf},\n  year")},
         "data/publications.bib:5:1: warning: lovelace1843notes: its pdf file is not in static/ "
         "(got 'assets/pdf/notes.pdf')\n"
         "    hint: put the file at static/assets/pdf/notes.pdf, or correct the field"),
    Case("an image without alt text",
         {"data/cv.yml": GOOD_CV.replace("  position: Analyst\n",
                                         "  position: Analyst\n  bio: |\n    Hello.\n    ![](engine.png)\n")},
         "data/cv.yml:6:5: warning: an image without alt text\n"
         "    hint: say what it shows between the brackets: ![A plot of ...](...)"),
]


@pytest.mark.parametrize("case", LINT_CASES, ids=[c.name for c in LINT_CASES])
def test_check_warns_and_strict_makes_it_an_error(case: Case, in_site: Path, capsys):
    write_site(in_site, case.files)
    assert main(["check"]) == 0
    captured = capsys.readouterr()
    assert captured.err == case.expected + "\n"
    assert ", 1 warnings (" in captured.out
    assert main(["check", "--strict"]) == 1
    assert capsys.readouterr().err == case.expected.replace("warning: ", "") + "\n1 error found; nothing was written.\n"


def test_a_clean_site_has_no_findings(in_site: Path, capsys):
    write_site(in_site, {})
    assert main(["check", "--strict"]) == 0
    assert capsys.readouterr().err == ""


def test_strict_in_site_yml_stops_check_and_build_and_leaves_the_last_site(in_site: Path, capsys):
    write_site(in_site, {})
    assert main(["build", "--no-pdf"]) == 0
    before = (in_site / "_site" / "index.html").read_bytes()
    write_site(in_site, {"data/publications.bib": NO_LINK, "data/site.yml": "strict: true\n"})
    capsys.readouterr()
    expected = ("data/publications.bib:2:1: lovelace1843notes: no way to read it: no pdf, doi, arxiv or url"
                + READ_HINT + "\n1 error found; nothing was written.\n")
    assert main(["check"]) == 1
    assert capsys.readouterr().err == expected
    assert main(["build", "--no-pdf"]) == 1
    assert capsys.readouterr().err == expected
    assert (in_site / "_site" / "index.html").read_bytes() == before


def test_strict_makes_loading_s_warnings_errors_too(in_site: Path, capsys):
    write_site(in_site, {"data/publications.bib": GOOD_BIB.replace("  year = {1843},\n", "")})
    assert main(["check", "--strict"]) == 1
    assert capsys.readouterr().err == (
        "data/publications.bib:1:1: lovelace1843notes: no year; the entry is listed without a date\n"
        "    hint: add year = {2024}\n"
        "1 error found; nothing was written.\n")


def test_without_strict_build_does_not_lint(in_site: Path, capsys):
    write_site(in_site, {"data/publications.bib": NO_LINK})
    assert main(["build", "--no-pdf"]) == 0
    assert capsys.readouterr().err == ""


def test_the_example_s_findings_are_real(capsys):
    """The example CV (data/): two papers the CV gives no link for; nothing is invented for them."""
    assert main(["check", "--source", str(Path(__file__).parent.parent)]) == 0
    err = capsys.readouterr().err
    assert err == ("data/publications.bib:124:1: warning: zhang2019dsdm: no way to read it: no pdf, doi, arxiv or url"
                   + READ_HINT + "\n"
                   "data/publications.bib:132:1: warning: guo_noise_schedule: no way to read it: no pdf, doi, arxiv "
                   "or url" + READ_HINT + "\n")

"""`cv-site import-bib`: library exports (tests/data/exports/, in each tool's own shape) merged into
the site's BibTeX: duplicates found across them, preprints and published versions, --dry-run,
--update, keys kept, the site's entries untouched."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from cv_site.cli import main
from cv_site.importers.csl_bib import csl_file_to_bibtex
from cv_site.load.site import load_site

EXPORTS = Path(__file__).parent / "data" / "exports"
ALL = ["exports/scholar.bib", "exports/dblp.bib", "exports/orcid.bib", "exports/zotero.bib", "exports/zotero.json"]
CV = "person:\n  name: Mei Lin\nsections:\n  - title: Publications\n    kind: publications\n    include: all\n"

DRY_RUN = """\
data/publications.bib: 5 added, 0 updated, 4 skipped, 3 merged
  added   lin2023robust: Robust depth estimation from a single event camera (2023) [exports/scholar.bib:9]
  added   DBLP:journals/pami/LinB24: Event Cameras in the Wild: A Survey (2024) [exports/dblp.bib:34]
  added   Lin_2019: Learning to Count Cells in Microscopy Images (2019) [exports/orcid.bib:3]
  added   linTeachingNotesComputer2020: Teaching Notes on Computer Vision (2020) [exports/zotero.bib:12]
  added   lin2025light: Low-Light Stereo Matching with Learned Priors & Noise Models (2025) [exports/zotero.json item 1]
  merged  DBLP:journals/corr/abs-2303-05555 [exports/dblp.bib:18]: same arXiv id as lin2023robust (one entry with the fields of both)
  merged  Lin_2024 [exports/orcid.bib:1]: same DOI as DBLP:journals/pami/LinB24 (one entry with the fields of both)
  merged  linTeachingNotesComputer2020 [exports/zotero.json item 2]: same title and year as linTeachingNotesComputer2020 (one entry with the fields of both)
  skipped lin2021sparse [exports/scholar.bib:1]: same title and year as lin2021sparse, which stays as it is; --update adds its pages
  skipped lin2022graph [exports/scholar.bib:16]: the published version of lin2022graph, which stays as it is; --update makes it this published version (its key and arXiv id kept)
  skipped DBLP:conf/cvpr/LinOB21 [exports/dblp.bib:1]: same DOI as lin2021sparse, which stays as it is; --update adds its pages, publisher, url
  skipped linSparseAttentionLong2021 [exports/zotero.bib:1]: same DOI as lin2021sparse, which stays as it is; --update adds its month, pages
dry run: nothing written
"""


@pytest.fixture
def site(tmp_path: Path, monkeypatch) -> Path:
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "cv.yml").write_text(CV)
    shutil.copy(EXPORTS / "site.bib", tmp_path / "data" / "publications.bib")
    shutil.copytree(EXPORTS, tmp_path / "exports")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def bib(site: Path) -> str:
    return (site / "data" / "publications.bib").read_text()


def entry(text: str, key: str) -> str:
    start = text.index("{" + key + ",")
    return text[text.rindex("@", 0, start):text.index("\n}", start) + 2]


def test_dry_run_says_what_it_would_do_and_writes_nothing(site: Path, capsys):
    before = (site / "data" / "publications.bib").read_bytes()
    assert main(["import-bib", *ALL, "--dry-run"]) == 0
    assert capsys.readouterr().out == DRY_RUN
    assert (site / "data" / "publications.bib").read_bytes() == before


def test_the_import_adds_the_new_papers_and_keeps_every_byte_of_the_site_s_entries(site: Path, capsys):
    before = bib(site)
    assert main(["import-bib", *ALL]) == 0
    assert capsys.readouterr().out == DRY_RUN.replace("dry run: nothing written\n", "")
    after = bib(site)
    assert after.startswith(before.rstrip() + "\n\n@article{lin2023robust,\n")
    keys = [paper.key for paper in load_site(site).publications]
    assert sorted(keys) == sorted(["lin2021sparse", "lin2022graph", "lin2023robust", "DBLP:journals/pami/LinB24",
                                   "Lin_2019", "linTeachingNotesComputer2020", "lin2025light"])
    # Scholar's preprint gained DBLP's arXiv fields, not CoRR's volume or arXiv DOI.
    assert entry(after, "lin2023robust") == (
        "@article{lin2023robust,\n"
        "  title = {Robust depth estimation from a single event camera},\n"
        "  author = {Lin, Mei and Berg, Anna},\n"
        "  journal = {arXiv preprint arXiv:2303.05555},\n"
        "  year = {2023},\n"
        "  url = {https://doi.org/10.48550/arXiv.2303.05555},\n"
        "  eprinttype = {arXiv},\n"
        "  eprint = {2303.05555},\n"
        "}")
    # DBLP's journal paper with what ORCID's export of it adds; the multi-line names on one line.
    pami = entry(after, "DBLP:journals/pami/LinB24")
    assert "  author = {Mei Lin and Anna Berg},\n" in pami
    assert "  issn = {1939-3539},\n  publisher = {Institute of Electrical and Electronics Engineers (IEEE)},\n" in pami
    assert "month = mar,\n" in pami and "Lin_2024" not in after
    # Zotero's file paths (its owner's disk) are left out; CSL JSON's & and page range read back.
    assert "/home/mei" not in after
    assert "  title = {Low-Light Stereo Matching with Learned Priors \\& Noise Models},\n" in after
    assert "  pages = {310--318},\n" in after
    assert main(["check"]) == 0


def test_a_second_import_of_the_same_exports_adds_nothing(site: Path, capsys):
    main(["import-bib", *ALL])
    merged = bib(site)
    capsys.readouterr()
    assert main(["import-bib", *ALL]) == 0
    assert capsys.readouterr().out.startswith("data/publications.bib: 0 added, 0 updated, 12 skipped\n")
    assert bib(site) == merged


def test_update_fills_in_fields_and_makes_a_preprint_its_published_version(site: Path, capsys):
    before = bib(site)
    assert main(["import-bib", "exports/scholar.bib", "exports/dblp.bib", "--update"]) == 0
    out = capsys.readouterr().out
    assert ("  updated lin2022graph: booktitle, pages, organization, eprint, archiveprefix added from "
            "exports/scholar.bib:16 (the published version of it); its abbr = {arXiv} was the preprint's: "
            "change it\n") in out
    after = bib(site)
    assert after.startswith("% Mei Lin's papers, kept by hand.\n\n@inproceedings{lin2021sparse,\n")
    # The user's own fields and alignment stay; the new ones follow in the same layout.
    assert entry(after, "lin2021sparse") == entry(before, "lin2021sparse").replace(
        "  code      = {https://github.com/example/sparse},\n",
        "  code      = {https://github.com/example/sparse},\n"
        "  pages     = {1201--1210},\n"
        "  publisher = {Computer Vision Foundation / {IEEE}},\n"
        "  url       = {https://doi.org/10.5555/cvpr.2021.101},\n")
    graph = entry(after, "lin2022graph")
    assert graph.startswith("@inproceedings{lin2022graph,\n")
    assert "journal" not in graph and "booktitle = {European Conference on Computer Vision}" in graph
    paper = {p.key: p for p in load_site(site).publications}["lin2022graph"]
    assert (paper.venue, paper.year, paper.arxiv_id, paper.status) == (
        "European Conference on Computer Vision", 2022, "2201.04321", "published")


def test_a_key_the_site_uses_for_another_paper_gets_a_letter(site: Path, capsys):
    (site / "exports" / "other.bib").write_text(
        "@article{lin2021sparse,\n  title = {Dense Attention},\n  author = {Lin, Mei},\n"
        "  journal = {Vision Letters},\n  year = {2021},\n}\n")
    assert main(["import-bib", "exports/other.bib"]) == 0
    assert capsys.readouterr().out == (
        "data/publications.bib: 1 added, 0 updated, 0 skipped\n"
        "  added   lin2021sparseb (its key was lin2021sparse): Dense Attention (2021) [exports/other.bib:1]\n")
    assert "@article{lin2021sparseb,\n" in bib(site)


def test_a_published_paper_already_listed_keeps_its_venue_and_gains_the_preprint_s_arxiv_id(site: Path, capsys):
    (site / "data" / "publications.bib").write_text(
        "@inproceedings{lin2021sparse,\n  title = {Sparse Attention for Long Documents},\n  author = {Lin, Mei},\n"
        "  booktitle = {CVPR},\n  year = {2021},\n}\n")
    (site / "exports" / "arxiv.bib").write_text(
        "@article{lin2020sparse,\n  title = {Sparse attention for long documents},\n  author = {Lin, Mei},\n"
        "  journal = {arXiv preprint arXiv:2011.01234},\n  year = {2020},\n}\n")
    assert main(["import-bib", "exports/arxiv.bib", "--update"]) == 0
    assert capsys.readouterr().out.splitlines()[1] == (
        "  updated lin2021sparse: eprint, archiveprefix added from exports/arxiv.bib:1 "
        "(an arXiv preprint of it)")
    assert "  booktitle = {CVPR},\n  year = {2021},\n  eprint = {2011.01234},\n  archiveprefix = {arXiv},\n" in bib(site)


def test_a_new_site_gets_data_publications_bib(tmp_path: Path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["import-bib", str(EXPORTS / "orcid.bib")]) == 0
    assert (tmp_path / "data" / "publications.bib").read_text().startswith("@article{Lin_2024,\n")


def test_into_names_the_file_and_several_bibs_need_it(site: Path, capsys):
    (site / "data" / "talks.bib").write_text("")
    (site / "data" / "publications.bib").rename(site / "data" / "papers.bib")
    assert main(["import-bib", "exports/orcid.bib"]) == 1
    assert capsys.readouterr().err == (
        "data: has several .bib files: papers.bib, talks.bib\n"
        "    hint: say which with --into FILE\n"
        "1 error found; nothing was written.\n")
    assert main(["import-bib", "exports/orcid.bib", "--into", "data/papers.bib"]) == 0
    assert "@article{Lin_2024," in (site / "data" / "papers.bib").read_text()


@pytest.mark.parametrize(("name", "text", "expected"), [
    ("missing.bib", None, "missing.bib: no such file\n    hint: give the path of a .bib or CSL JSON (.json) export"),
    ("broken.json", '[{"title": "A"},\n', "broken.json:2:1: not valid JSON: Expecting value\n"
                                          "    hint: export the library again as CSL JSON"),
    ("object.json", '{"title": "A"}', 'object.json:1: expected CSL JSON: a list of items ([{"type": ..., '
                                      '"title": ...}, ...])\n    hint: export the library again as CSL JSON'),
    ("bad.bib", "@article{x,\n  title = {A},\n  url = {javascript:alert(1)},\n}\n",
     "bad.bib:3:1: x: unsafe link in field 'url': only http(s), mailto and relative links are allowed "
     "(got 'javascript:alert(1)')"),
])
def test_a_bad_export_is_a_located_error_and_nothing_is_written(site: Path, capsys, name, text, expected):
    if text is not None:
        (site / name).write_text(text)
    before = bib(site)
    assert main(["import-bib", "exports/orcid.bib", name]) == 1
    assert capsys.readouterr().err.startswith(expected + "\n")
    assert bib(site) == before


def test_csl_json_items_become_bibtex_entries(tmp_path: Path):
    items = [{"type": "article-journal", "title": "100% of $5 & more_", "citation-key": "smith2020",
              "author": [{"family": "Smith", "given": "Jo", "non-dropping-particle": "van"}, {"literal": "CERN"}],
              "container-title": "Journal", "issued": {"raw": "2020-07"}, "URL": "https://example.org/{x}"},
             {"type": "thesis", "title": "Ünïcode thesis", "author": [{"family": "Müller", "given": "Ana"}],
              "issued": {"date-parts": [[2019]]}}]
    path = tmp_path / "library.json"
    path.write_text(json.dumps(items))
    assert csl_file_to_bibtex(path) == (
        "@article{smith2020,\n"
        "  title   = {100\\% of \\$5 \\& more\\_},\n"
        "  author  = {van Smith, Jo and {CERN}},\n"
        "  journal = {Journal},\n"
        "  year    = {2020},\n"
        "  month   = {7},\n"
        "  url     = {https://example.org/%7Bx%7D},\n"
        "}\n"
        "\n"
        "@phdthesis{muller2019unicode,\n"
        "  title  = {Ünïcode thesis},\n"
        "  author = {Müller, Ana},\n"
        "  year   = {2019},\n"
        "}\n")


def test_update_keeps_the_entry_s_own_text_and_only_adds_lines(site: Path, capsys):
    own = ("@Article(lin2021sparse,\n  Title = {Sparse Attention for Long Documents},\n  author = {Lin, Mei},\n"
           "  booktitle = {CVPR},\n  year = 2021,\n  abstract = {First paragraph.\n\n   Second paragraph.}\n)\n")
    (site / "data" / "publications.bib").write_text(own)
    assert main(["import-bib", "exports/scholar.bib", "--update", "--dry-run"]) == 0
    assert bib(site) == own  # --dry-run writes nothing, --update or not
    capsys.readouterr()
    assert main(["import-bib", "exports/scholar.bib", "--update"]) == 0
    assert capsys.readouterr().out.startswith("data/publications.bib: 2 added, 1 updated, 0 skipped\n")
    assert bib(site).startswith(own[:-3] + ",\n  pages = {1201--1210},\n)\n")


def test_a_target_s_bom_and_crlf_are_kept_and_a_windows_1252_one_is_refused(site: Path, capsys):
    target = site / "data" / "publications.bib"
    original = "\ufeff" + (EXPORTS / "site.bib").read_text().replace("\n", "\r\n")
    target.write_bytes(original.encode())
    assert main(["import-bib", "exports/orcid.bib"]) == 0
    written = target.read_bytes().decode()
    assert written.startswith(original) and "\n" not in written.replace("\r\n", "")
    target.write_bytes("@misc{m,\n  title = {Müller},\n  year = {2020},\n}\n".encode("cp1252"))
    before = target.read_bytes()
    assert main(["import-bib", "exports/orcid.bib"]) == 1
    assert capsys.readouterr().err.endswith(
        "data/publications.bib: not UTF-8: import-bib writes UTF-8, which would change every entry's bytes\n"
        "    hint: convert it first: iconv -f windows-1252 -t utf-8 data/publications.bib > "
        "data/publications.bib.utf8 && mv data/publications.bib.utf8 data/publications.bib\n"
        "1 error found; nothing was written.\n")
    assert target.read_bytes() == before


def test_into_is_inside_the_source_and_an_export_s_macros_are_written_out(tmp_path: Path, monkeypatch, capsys):
    (tmp_path / "site" / "data").mkdir(parents=True)
    (tmp_path / "scholar.bib").write_text(
        '@string{pami = "IEEE Transactions on Pattern Analysis"}\n'
        "@article{lin2024x,\n  title = {X},\n  author = {Lin, Mei},\n  journal = pami # { 46},\n"
        "  month = mar,\n  year = 2024,\n}\n")
    monkeypatch.chdir(tmp_path)
    assert main(["import-bib", "scholar.bib", "--source", "site", "--into", "data/papers.bib"]) == 0
    assert (tmp_path / "site" / "data" / "papers.bib").read_text() == (
        "@article{lin2024x,\n  title = {X},\n  author = {Lin, Mei},\n"
        "  journal = {IEEE Transactions on Pattern Analysis 46},\n  month = mar,\n  year = 2024,\n}\n")
    assert not (tmp_path / "data").exists()


def test_a_key_differing_only_in_case_is_taken(site: Path, capsys):
    (site / "exports" / "upper.bib").write_text(
        "@article{LIN2021SPARSE,\n  title = {Dense Attention},\n  author = {Lin, Mei},\n"
        "  journal = {Vision Letters},\n  year = {2021},\n}\n")
    assert main(["import-bib", "exports/upper.bib"]) == 0
    assert "@article{LIN2021SPARSEb,\n" in bib(site)


def test_into_a_folder_is_a_located_error(site: Path, capsys):
    assert main(["import-bib", "exports/orcid.bib", "--into", "data"]) == 1
    assert capsys.readouterr().err == ("data: not a file\n    hint: give a .bib file with --into FILE\n"
                                       "1 error found; nothing was written.\n")


@pytest.mark.parametrize(("items", "expected"), [
    ([{"title": "A", "author": {"family": "X"}, "issued": {"date-parts": [[None]]}}], "@misc{a,\n  title = {A},\n}\n"),
    ([{"title": "A", "author": [{"family": 7}]}], "@misc{7a,\n  title  = {A},\n  author = {7},\n}\n"),
])
def test_odd_csl_json_is_read_without_a_traceback(tmp_path: Path, items, expected):
    path = tmp_path / "odd.json"
    path.write_text(json.dumps(items))
    assert csl_file_to_bibtex(path) == expected

"""References in CSL styles (cv_site/citations): exact APA and IEEE text for each kind of paper, the
owner in bold and the marks in every style, the built-in styles on the example's papers, the
messages for a style that cannot be used, the locale, and the cache by content, in memory and on
disk for the next process."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from cv_site.citations import BUILT_IN_STYLES, CitationError, CitationStyle, load_style
from cv_site.citations import cache, save_caches
from cv_site.citations import style as style_module
from cv_site.citations.style import CSL_FOLDER, formatted
from cv_site.load.bibtex import load_bibtex
from cv_site.load.site import load_site
from cv_site.model import SourceRef
from cv_site.schema import Person
from cv_site.text.richtext import BOLD, END_BOLD, MARKERS

ROOT = Path(__file__).resolve().parent.parent
OWNER = Person(name="Qiushan Guo")
BIB = r"""
@article{journal,
  author = {Lovelace, Ada and Guo, Qiushan*$^\dagger$ and van der Berg, Jan and Smith, Jr., John},
  title = {On the \emph{Analytical} Engine for $\ell_1$ and $x + y$},
  journal = {Journal of Computing}, volume = {12}, number = {3}, pages = {45--67},
  year = {2021}, month = mar, doi = {10.1000/jc.2021.3},
}
@inproceedings{conference,
  author = {Guo, Qiushan and Turing, Alan},
  title = {A Conference Paper},
  booktitle = {Proceedings of the Conference on Things},
  pages = {100--110}, year = {2020}, publisher = {ACM}, address = {New York, NY},
}
@misc{preprint,
  author = {Hopper, Grace and Guo, Qiushan},
  title = {A Preprint},
  eprint = {2401.00001}, archiveprefix = {arXiv}, year = {2024},
}
@phdthesis{thesis,
  author = {Guo, Qiushan},
  title = {Learning Things},
  school = {The University of Hong Kong}, year = {2024},
}
@incollection{chapter,
  author = {Noether, Emmy and Guo, Qiushan},
  title = {A Chapter},
  booktitle = {A Book of Chapters},
  editor = {Knuth, Donald E. and Lamport, Leslie},
  publisher = {Springer}, address = {Berlin}, pages = {1--20}, year = {2019},
}
@article{cjk,
  author = {山田太郎 and Guo, Qiushan and Plato},
  title = {CJK Names}, journal = {J}, year = {2020},
}
"""


def shown(text: str) -> str:
    """Rich text with its markers as tags, to compare with what a reader sees."""
    for marker, tag in zip(MARKERS, ("<i>", "</i>", "<b>", "</b>", "$", "$")):
        text = text.replace(marker, tag)
    return text


def publications(bib: str = BIB, owner: Person = OWNER) -> dict:
    papers, problems = load_bibtex(bib, "test.bib", owner)
    assert problems == []
    return {paper.key: paper for paper in papers}


@pytest.fixture(scope="module")
def papers() -> dict:
    return publications()


@pytest.fixture(scope="module")
def apa() -> CitationStyle:
    return load_style("apa", ROOT)


@pytest.fixture(scope="module")
def ieee() -> CitationStyle:
    return load_style("ieee", ROOT)


APA = {
    "journal": "Lovelace, A., <b>Guo, Q.</b>*†, van der Berg, J., & Smith, J., Jr. (2021). On the <i>Analytical</i> "
    "Engine for $\\ell_1$ and $x + y$. <i>Journal of Computing</i>, <i>12</i>(3), 45–67. "
    "https://doi.org/10.1000/jc.2021.3",
    "conference": "<b>Guo, Q.</b>, & Turing, A. (2020). A Conference Paper. "
    "<i>Proceedings of the Conference on Things</i>, 100–110.",
    "preprint": "Hopper, G., & <b>Guo, Q.</b> (2024). <i>A Preprint</i>. arXiv. https://arxiv.org/abs/2401.00001",
    # "(Publication)" is citeproc-py's: it keeps a group whose other branch names a variable.
    "thesis": "<b>Guo, Q.</b> (2024). <i>Learning Things</i> (Publication) [Doctoral dissertation]. "
    "The University of Hong Kong.",
    "chapter": "Noether, E., & <b>Guo, Q.</b> (2019). A Chapter. In D. E. Knuth & L. Lamport (eds.), "
    "<i>A Book of Chapters</i> (pp. 1–20). Springer.",
    "cjk": "山田太郎, <b>Guo, Q.</b>, & Plato. (2020). CJK Names. <i>J</i>.",
}
IEEE = {
    "journal": "A. Lovelace, <b>Q. Guo</b>*†, J. van der Berg, and J. Smith Jr., “On the <i>Analytical</i> Engine "
    "for $\\ell_1$ and $x + y$,” <i>Journal of Computing</i>, vol. 12, no. 3, pp. 45–67, Mar. 2021, "
    "doi: 10.1000/jc.2021.3.",
    "conference": "<b>Q. Guo</b> and A. Turing, “A Conference Paper,” in <i>Proceedings of the Conference on "
    "Things</i>, New York, NY: ACM, 2020, pp. 100–110.",
    "preprint": "G. Hopper and <b>Q. Guo</b>, “A Preprint,” 2024, <i>arXiv</i>. [Online]. "
    "Available: https://arxiv.org/abs/2401.00001",
    "thesis": "<b>Q. Guo</b>, “Learning Things,” Doctoral dissertation, The University of Hong Kong, 2024.",
    "chapter": "E. Noether and <b>Q. Guo</b>, “A Chapter,” in <i>A Book of Chapters</i>, D. E. Knuth and "
    "L. Lamport, Eds., Berlin: Springer, 2019, pp. 1–20.",
    "cjk": "山田太郎, <b>Q. Guo</b>, and Plato, “CJK Names,” <i>J</i>, 2020.",
}


@pytest.mark.parametrize("key", APA)
def test_apa_references(papers, apa, key) -> None:
    assert shown(apa.format(papers[key])) == APA[key]


@pytest.mark.parametrize("key", IEEE)
def test_ieee_references(papers, ieee, key) -> None:
    assert shown(ieee.format(papers[key])) == IEEE[key]


def test_the_title_keeps_its_italic_and_math_whatever_the_case_a_style_gives_it(papers) -> None:
    chicago = load_style("chicago-author-date", ROOT)  # title case: "x + y" would become "x + Y"
    text = shown(chicago.format(papers["journal"]))
    assert "“On the <i>Analytical</i> Engine for $\\ell_1$ and $x + y$.”" in text
    assert "{" not in text and "}" not in text


OWNER_FORMS = {  # how each style writes the owner in the list of authors
    "apa": "Guo, Q.", "ieee": "Q. Guo", "chicago-author-date": "Qiushan Guo", "harvard": "Guo, Q.",
    "vancouver": "Guo Q", "acm": "Guo, Q.", "nature": "Guo, Q.",
}  # fmt: skip


@pytest.mark.parametrize("name", BUILT_IN_STYLES)
def test_the_owner_is_bold_and_the_marks_follow_the_name_first_or_not(papers, name) -> None:
    style = load_style(name, ROOT)
    marked = shown(style.format(papers["journal"]))  # the owner second, with * and †
    assert f"<b>{OWNER_FORMS[name]}</b>*†" in marked
    assert marked.count("</b>*†") == 1 and "*" not in marked.replace("</b>*†", "")  # Nature bolds the volume
    first = shown(style.format(papers["conference"]))
    first_form = "Guo, Qiushan" if name == "chicago-author-date" else OWNER_FORMS[name]  # inverted when first
    assert first.startswith(f"<b>{first_form}</b>")


def test_each_marked_coauthor_keeps_its_own_marks(apa, ieee) -> None:
    papers = publications("@article{a, author = {Xue, Zeyue* and Song, Guanglu*$^\\dagger$ and Guo, Qiushan},"
                          " title = {T}, journal = {J}, year = {2023}}")  # fmt: skip
    assert shown(apa.format(papers["a"])).startswith("Xue, Z.*, Song, G.*†, & <b>Guo, Q.</b> (2023).")
    assert shown(ieee.format(papers["a"])).startswith("Z. Xue*, G. Song*†, and <b>Q. Guo</b>, “T,”")


@pytest.mark.parametrize(
    ("owner", "authors", "apa_form", "ieee_form"),
    [
        ("Jian-Wei Zhang", "Li, A. and Zhang, Jian-Wei", "Zhang, J.-W.", "J.-W. Zhang"),
        ("Vincent van Gogh", "Li, A. and van Gogh, Vincent", "van Gogh, V.", "V. van Gogh"),
        ("John Smith", "Li, A. and Smith, Jr., John", "Smith, J., Jr.", "J. Smith Jr."),
        ("Plato", "Li, A. and Plato", "Plato", "Plato"),
        ("山田太郎", "Li, A. and 山田太郎", "山田太郎", "山田太郎"),
    ],
)
def test_the_whole_name_is_bold_for_every_kind_of_name(apa, ieee, owner, authors, apa_form, ieee_form) -> None:
    paper = publications(f"@article{{a, author = {{{authors}}}, title = {{T}}, journal = {{J}}, year = {{2020}}}}",
                         Person(name=owner))["a"]  # fmt: skip
    assert f"<b>{apa_form}</b>" in shown(apa.format(paper))
    assert f"<b>{ieee_form}</b>" in shown(ieee.format(paper))


@pytest.fixture(scope="module")
def example():
    return load_site(ROOT)


@pytest.mark.parametrize("name", BUILT_IN_STYLES)
def test_every_built_in_style_formats_the_example_with_the_owner_in_bold(example, name) -> None:
    style = load_style(name, ROOT, example.settings.language)
    assert len(example.publications) == 12
    for paper in example.publications:
        text = style.format(paper)
        assert text.count(BOLD) >= 1 and text.count(BOLD) == text.count(END_BOLD), (paper.key, text)
        assert "Guo" in text[text.index(BOLD) : text.index(END_BOLD)], (paper.key, text)
        assert all(ord(char) < 0xF0000 for char in text), (paper.key, text)  # no sentinel left
        assert "<" not in text and "&amp;" not in text, (paper.key, text)  # never HTML


def test_a_style_lists_every_author_when_its_et_al_would_hide_the_owner(example, ieee) -> None:
    papers = example.publications_by_key
    assert "<b>Q. Guo</b> <i>et al.</i>" in shown(ieee.format(papers["guo2024regiongpt"]))  # 8 authors, owner first
    text = shown(ieee.format(papers["su2020companion"]))  # 8 authors, owner fourth
    assert text.startswith("Y. Su*, Y. Wu*, Z. Li, <b>Q. Guo</b>, K. Chen, J. Yan, D. Liang, and X. Hu, ")


# --- choosing a style, and the messages when it cannot be used ----------------------------------

KNOWN = "apa, ieee, chicago-author-date, harvard, vancouver, acm, nature"
USE = f"; use a CSL style file (.csl) or one of {KNOWN}"
OR_A_FILE = "or the path of a .csl file in the site folder"


def test_a_name_or_a_csl_file_of_the_site_selects_a_style(tmp_path: Path, papers) -> None:
    assert load_style(" APA ", tmp_path).title == "APA Style 7th edition"
    (tmp_path / "styles").mkdir()
    shutil.copy(CSL_FOLDER / "ieee.csl", tmp_path / "styles" / "mine.csl")
    mine = load_style("styles/mine.csl", tmp_path)
    assert mine.name == "styles/mine.csl" and mine == load_style("ieee", ROOT)  # the same bytes
    assert shown(mine.format(papers["thesis"])) == IEEE["thesis"]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("apaa", f"unknown citation style 'apaa' (did you mean 'apa'?): use one of {KNOWN}, {OR_A_FILE}"),
        ("mla", f"unknown citation style 'mla': use one of {KNOWN}, {OR_A_FILE}"),
    ],
)
def test_an_unknown_style_name(tmp_path: Path, value: str, message: str) -> None:
    with pytest.raises(ValueError) as caught:
        load_style(value, tmp_path)
    assert str(caught.value) == message


CSL = '<style xmlns="http://purl.org/net/xbiblio/csl" version="1.0">{}</style>'
BAD_FILES = {
    "not-xml.csl": ("<style", "is not valid XML (line 1, column 7: Couldn't find end of Start Tag style line 1)"),
    "html.csl": ("<html><body/></html>", "is not a CSL style (its root element is <html>)"),
    "doctype.csl": (
        '<?xml version="1.0"?><!DOCTYPE style [<!ENTITY x SYSTEM "file:///etc/passwd">]>' + CSL.format("&x;"),
        "declares a DOCTYPE, which a CSL style never has",
    ),
    "dependent.csl": (
        CSL.format('<info><link href="http://www.zotero.org/styles/apa" rel="independent-parent"/></info>'),
        "is a dependent style: use the style it points to (http://www.zotero.org/styles/apa)",
    ),
    "citations-only.csl": (
        CSL.format('<citation><layout><text variable="title"/></layout></citation>'),
        "has no bibliography layout",
    ),
    "broken.csl": (
        CSL.format('<bibliography><layout><text macro="nowhere"/></layout></bibliography>'),
        "cannot be used (IndexError: list index out of range)",
    ),
}


@pytest.mark.parametrize("file", BAD_FILES)
def test_a_csl_file_that_cannot_be_used(tmp_path: Path, file: str) -> None:
    text, problem = BAD_FILES[file]
    (tmp_path / file).write_text(text, encoding="utf-8")
    with pytest.raises(ValueError) as caught:
        load_style(file, tmp_path)
    assert str(caught.value) == f"citation style file '{file}' {problem}{USE}"


def test_a_site_style_that_fails_on_one_paper_names_the_style_and_the_paper(tmp_path: Path, papers) -> None:
    layout = '<if type="thesis"><text macro="nowhere"/></if><else><text variable="title"/></else>'
    (tmp_path / "theses.csl").write_text(CSL.format(f"<bibliography><layout><choose>{layout}</choose></layout>"
                                                    "</bibliography>"), encoding="utf-8")  # fmt: skip
    style = load_style("theses.csl", tmp_path)  # tried on a journal article: it loads
    assert shown(style.format(papers["journal"])) == "On the <i>Analytical</i> Engine for $\\ell_1$ and $x + y$"
    with pytest.raises(CitationError) as caught:
        style.format(papers["thesis"])
    assert str(caught.value) == (
        "citation style 'theses.csl' could not format 'thesis': IndexError: list index out of range"
    )


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("styles/missing.csl", "does not exist"),
        ("../outside.csl", "is outside the site folder"),
        ("folder.csl", "is not a file"),
        ("styles/apa.xml", "is not a .csl file"),
    ],
)
def test_a_csl_path_that_is_not_a_file_of_the_site(tmp_path: Path, value: str, problem: str) -> None:
    site = tmp_path / "site"
    (site / "folder.csl").mkdir(parents=True)
    shutil.copy(CSL_FOLDER / "apa.csl", tmp_path / "outside.csl")
    with pytest.raises(ValueError) as caught:
        load_style(value, site)
    assert str(caught.value) == f"citation style file '{value}' {problem}{USE}"


@pytest.mark.parametrize(
    ("name", "language", "locale"),
    [("apa", "en", "en-US"), ("nature", "en", "en-GB"), ("apa", "en-GB", "en-GB"), ("apa", "de", "de-DE"),
     ("apa", "zh-TW", "zh-TW"), ("apa", "xx", "en-US")],
)  # fmt: skip
def test_the_locale_follows_the_site_language(name: str, language: str, locale: str) -> None:
    assert load_style(name, ROOT, language).locale == locale


def test_the_locale_gives_the_style_its_words(papers) -> None:
    german = load_style("ieee", ROOT, "de")  # German quotes, "und", "Hrsg.", "S."; no stop moved into „...“
    assert shown(german.format(papers["chapter"])) == (
        "E. Noether und <b>Q. Guo</b>, „A Chapter“, in <i>A Book of Chapters</i>, D. E. Knuth und L. Lamport, "
        "Hrsg., Berlin: Springer, 2019, S. 1–20."
    )


# --- the cache --------------------------------------------------------------------------------------


def new_process() -> None:
    """What a new process starts without: the references in memory (the files on disk stay)."""
    formatted.cache_clear()
    cache.forget()


@pytest.fixture
def disk(tmp_path: Path, monkeypatch) -> Path:
    """An empty cache folder of the test's own, and no reference in memory, before and after."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    new_process()
    yield tmp_path / "cache" / "cv-site" / "citations"
    new_process()


def test_an_equal_paper_in_an_equal_style_is_formatted_once(monkeypatch, disk) -> None:
    calls = []
    render = CitationStyle.render
    monkeypatch.setattr(CitationStyle, "render", lambda self, paper: calls.append(paper.key) or render(self, paper))
    first = publications()["journal"]
    text = load_style("apa", ROOT).format(first)
    again = publications()["journal"]  # read again: an equal paper, another object
    assert again is not first and load_style("apa", ROOT).format(again) == text
    assert calls == ["journal"]
    edited = publications(BIB.replace("On the", "Of the"))["journal"]
    assert load_style("apa", ROOT).format(edited) != text and calls == ["journal", "journal"]
    load_style("ieee", ROOT).format(again)  # another style: formatted anew
    assert calls == ["journal", "journal", "journal"]


def test_loading_a_style_again_reads_its_xml_once(monkeypatch) -> None:
    load_style("vancouver", ROOT)
    monkeypatch.setattr(style_module, "_Engine", None)  # a new engine would fail
    assert load_style("vancouver", ROOT).title.startswith("NLM/Vancouver")


@pytest.fixture
def renders(monkeypatch) -> list[str]:
    """The titles citeproc-py is asked to format (a style's probe when it loads too)."""
    calls: list[str] = []
    render = style_module._Engine.render
    monkeypatch.setattr(style_module._Engine, "render", lambda self, item, all_names: calls.append(item["title"])
                        or render(self, item, all_names))  # fmt: skip
    return calls


def test_the_next_process_formats_only_what_it_has_not_formatted_before(disk: Path, papers, renders) -> None:
    apa = load_style("apa", ROOT)
    texts = {key: apa.format(paper) for key, paper in papers.items()}
    save_caches()
    (file,) = disk.iterdir()  # one file for the style
    new_process()
    again, renders[:] = publications(), []  # read again, as the next build does
    assert {key: load_style("apa", ROOT).format(paper) for key, paper in again.items()} == texts
    assert renders == []  # citeproc-py never called
    written = file.stat().st_ino  # a save replaces the file: a new inode
    save_caches()
    assert file.stat().st_ino == written  # nothing new: not written again
    edited = publications(BIB.replace("Learning Things", "Learning Other Things"))["thesis"]
    assert apa.format(edited) != texts["thesis"] and renders == ["Learning Other Things"]
    save_caches()
    assert file.stat().st_ino != written
    new_process()
    assert apa.format(edited) != apa.format(papers["thesis"]) == texts["thesis"] and len(renders) == 1


def test_the_key_is_what_the_paper_says_the_owner_and_marks_too_not_where_it_was_written() -> None:
    bib = "@article{a, author = {Li, A. and Guo, Qiushan}, title = {T}, journal = {J}, year = {2020}}"
    owned = publications(bib)["a"]
    others = [publications(bib, Person(name="A. Li"))["a"], publications(bib.replace("Qiushan}", "Qiushan*}"))["a"],
              replace(owned, year=2021)]  # fmt: skip
    keys = {cache.publication_key(paper) for paper in [owned, *others]}
    assert len(keys) == 4 and None not in keys
    assert cache.publication_key(replace(owned, source=SourceRef("elsewhere.bib", 9))) == cache.publication_key(owned)


KEY_SCRIPT = """import sys
from cv_site.citations.cache import publication_key
from cv_site.load.bibtex import load_bibtex
from cv_site.schema import Person
print(" ".join(publication_key(p) for p in load_bibtex(sys.stdin.read(), "test.bib", Person(name="Qiushan Guo"))[0]))
"""


def test_the_key_is_the_same_in_another_process(papers) -> None:
    keys = {  # Python's hash() of a string changes with PYTHONHASHSEED; the key must not
        subprocess.run([sys.executable, "-c", KEY_SCRIPT], input=BIB, capture_output=True, text=True, check=True,
                       cwd=ROOT, env={**os.environ, "PYTHONHASHSEED": seed}).stdout
        for seed in ("1", "2")
    }  # fmt: skip
    assert keys == {" ".join(cache.publication_key(paper) for paper in papers.values()) + "\n"}


def test_styles_and_locales_do_not_share_references(disk: Path, papers, renders) -> None:
    styles = [load_style("apa", ROOT), load_style("apa", ROOT, "de"), load_style("ieee", ROOT)]
    texts = [style.format(papers["chapter"]) for style in styles]
    save_caches()
    assert len(set(texts)) == 3 and len(list(disk.iterdir())) == 3
    new_process()
    renders.clear()
    assert [style.format(papers["chapter"]) for style in styles] == texts and renders == []


CORRUPT = [lambda h: b"{not json", lambda h: b"\xff\xfe", lambda h: b"[" * 100000, lambda h: b'{"format": 1}',
           lambda h: json.dumps({**h, "citeproc": "0.0.1"}).encode(),  # another citeproc-py's references
           lambda h: json.dumps({**h, "entries": {**h["entries"], "k": 1}}).encode()]  # fmt: skip


@pytest.mark.parametrize("corrupt", CORRUPT)
def test_a_corrupt_or_foreign_file_is_ignored_and_written_again(disk: Path, papers, renders, corrupt) -> None:
    apa = load_style("apa", ROOT)
    apa.format(papers["thesis"])
    save_caches()
    (file,) = disk.iterdir()
    header = json.loads(file.read_bytes())
    file.write_bytes(corrupt(header))
    new_process()
    renders.clear()
    assert shown(apa.format(papers["thesis"])) == APA["thesis"] and renders == ["Learning Things"]
    save_caches()
    assert json.loads(file.read_bytes()) == header


@pytest.mark.parametrize("blocked", ["the folder is a file", "the file is a folder"])
def test_a_cache_that_cannot_be_written_is_skipped_silently(tmp_path: Path, monkeypatch, papers, blocked) -> None:
    (tmp_path / "file").write_text("not a folder")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / ("file" if blocked == "the folder is a file" else "cache")))
    new_process()
    apa = load_style("apa", ROOT)
    assert shown(apa.format(papers["thesis"])) == APA["thesis"]
    stored = cache.style_cache(apa.digest, apa.locale)
    if blocked == "the file is a folder":
        stored.path.mkdir(parents=True)
    save_caches()  # no error, no temporary file left
    assert stored.new and sorted(p.name for p in tmp_path.rglob("*")) == sorted(
        ["file"] + (["cache", "cv-site", "citations", stored.path.name] if blocked != "the folder is a file" else []))
    new_process()


def test_a_full_file_keeps_the_references_used_last(disk: Path, papers, monkeypatch) -> None:
    monkeypatch.setattr(cache, "MAX_ENTRIES", 3)
    apa = load_style("apa", ROOT)
    for key in ("journal", "conference", "preprint"):
        apa.format(papers[key])
    save_caches()
    (file,) = disk.iterdir()
    assert len(json.loads(file.read_bytes())["entries"]) == 3
    new_process()
    apa.format(papers["thesis"])  # new
    apa.format(papers["journal"])  # from the file
    save_caches()
    kept = json.loads(file.read_bytes())["entries"]
    assert sorted(kept) == sorted(cache.publication_key(papers[key]) for key in ("thesis", "journal"))

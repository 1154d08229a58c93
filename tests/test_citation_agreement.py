"""A citation style (site.yml: citation_style) gives every paper of the example the same reference
in the HTML CV and in the PDF CV, with the owner's name in bold in both."""

from __future__ import annotations

import html
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from conftest import ROOT
from cv_site.build import BuildOptions, build

OWNER = {"apa": "Guo, Q.", "ieee": "Q. Guo"}


def built_in_style(tmp: Path, style: str) -> Path:
    shutil.copytree(ROOT / "data", tmp / "data")
    with open(tmp / "data" / "site.yml", "a", encoding="utf-8") as settings:
        settings.write(f"\ncitation_style: {style}\n")
    build(BuildOptions(tmp, tmp / "out"))
    return tmp / "out"


def comparable(text: str) -> str:
    """pdftotext joins a word hyphenated at a line's end without its hyphen, and a line break in a
    URL becomes a space: compare the text without spaces and hyphens, quotes straight."""
    for curly, straight in (("“", '"'), ("”", '"'), ("‘", "'"), ("’", "'")):
        text = text.replace(curly, straight)
    return re.sub(r"[\s\-‐]", "", text)


@pytest.mark.parametrize("style", ["apa", "ieee"])
def test_every_paper_has_the_same_reference_in_the_html_and_the_pdf(tmp_path: Path, style: str) -> None:
    out = built_in_style(tmp_path, style)
    page = (out / "cv" / "index.html").read_text(encoding="utf-8")
    references = re.findall(r'<p class="reference" dir="auto">(.*?)</p>', page, re.S)
    assert len(references) == 12  # every paper of the example
    pdf_text = subprocess.run(["pdftotext", str(out / "cv.pdf"), "-"], capture_output=True, text=True,
                              check=True).stdout
    for reference in references:
        words = html.unescape(re.sub(r"<[^>]+>", "", re.sub(r'<span class="tag[^>]*>.*?</span>', "", reference)))
        assert comparable(words) in comparable(pdf_text), words

    owner_in_html = sum(f"<strong>{OWNER[style]}</strong>" in reference for reference in references)
    assert owner_in_html == 12  # he is an author of every paper
    pdf_bold = subprocess.run(["pdftohtml", "-xml", "-i", "-stdout", str(out / "cv.pdf")], capture_output=True,
                              text=True, check=True).stdout
    assert pdf_bold.count(f"<b>{OWNER[style]}</b>") == owner_in_html


def test_the_paper_page_cites_in_the_style_too(tmp_path: Path) -> None:
    out = built_in_style(tmp_path, "ieee")
    paper = (out / "publications" / "guo2024regiongpt" / "index.html").read_text(encoding="utf-8")
    cite = re.search(r'<p class="citation" id="citation">(.*?)</p>', paper, re.S).group(1)
    listed = re.search(r'id="guo2024regiongpt".*?<p class="reference" dir="auto">(.*?)</p>',
                       (out / "publications" / "index.html").read_text(encoding="utf-8"), re.S).group(1)
    assert cite.startswith("<strong>Q. Guo</strong>") and cite == listed

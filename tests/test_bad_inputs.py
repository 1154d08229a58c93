"""The catalogue of broken inputs: each case is a small site with one thing wrong and the exact
report `cv-site check` / `cv-site build` must print. Exit status 1, nothing written.

Two neighbours hold the rest of the catalogue, each message with its exact text too: the output
folders a build refuses (`--output`) in test_output_folder.py, and the requests `cv-site serve`
refuses in test_serve_security.py."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

import jinja2
import pytest

from cv_site.build import BuildOptions, Builder
from cv_site.cli import main
from cv_site.errors import UserError
from cv_site.template_errors import is_site_template, template_errors
from cv_site.theme import THEME_DIR, THEME_TEMPLATES

GOOD_CV = """\
person:
  name: Ada Lovelace
  position: Analyst
sections:
  - title: Education
    kind: education
    entries:
      - institution: University of London
        date: 1835 - 1840
  - title: Publications
    kind: publications
    include: all
"""

GOOD_BIB = """\
@article{lovelace1843notes,
  title = {Notes on the Analytical Engine},
  author = {Lovelace, Ada},
  journal = {Scientific Memoirs},
  year = {1843},
  url = {https://example.org/notes},
}
"""


DATE_HINT = (
    "\n    hint: write a year (2020), year.month (2020.9), an ISO date (2020-09-01), "
    "or a range (2017 - 2020, 2023.6 - Now)"
)


def alias_bomb(indent: str) -> str:
    """The "billion laughs": nine levels of nine aliases, 9**9 = 387 million values if expanded."""
    lines = [indent + "- &a [" + ", ".join(["lol"] * 9) + "]"]
    for alias, anchor in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{indent}- &{anchor} [" + ", ".join([f"*{alias}"] * 9) + "]")
    return "\n".join(lines) + "\n"


def deep_block_mapping(levels: int) -> str:
    return "".join(" " * level + "a:\n" for level in range(1, levels + 1)) + " " * (levels + 1) + "end\n"


def long_text_bomb(aliases: int) -> str:
    """A news.yml of 1 MB that repeats its one 1 MB text in `aliases` news items (`aliases` MB)."""
    return "news:\n  - date: 2024\n    text: &t " + "x" * 1_000_000 + "\n" + "  - {date: 2024, text: *t}\n" * aliases


def deep_flow_keys(levels: int) -> str:
    """`news: {{{x: 1}: 1}: 1}`: flow mappings as keys, nested `levels` deep."""
    return "news: " + "{" * levels + "x: 1" + "}: 1" * levels + "\n"


def deep_explicit_keys(levels: int) -> str:
    """`news: ? ? ? x`: explicit (complex) keys, nested `levels` deep."""
    return "news:\n  " + "? " * levels + "x\n"


ALIAS_HINT = (
    "\n    hint: an alias (*name) repeats all that its anchor (&name) holds, and aliases inside an anchor "
    "multiply: write the values out, or repeat less"
)
DEEP_HINT = "\n    hint: a CV needs a handful of levels: look for brackets that are never closed, or nest less"


@dataclass
class Case:
    name: str
    files: dict[str, str | bytes]  # path under the site -> content; replaces the good file
    expected: str  # the exact report on stderr (without the closing count line)
    status: int = 1
    command: tuple[str, ...] = ("check",)


TALKS_CV = GOOD_CV + """\
  - title: Talks
    kind: talks
    entries:
      - title: Notes on the Engine
        kind: invited
        date: 1843
        links:
          slides: https://example.org/notes.pdf
  - title: Teaching
    kind: teaching
    entries:
      - course: Mathematics
        role: Tutor
        date: 1844
"""


PROJECTS_CV = GOOD_CV + """\
  - title: Projects
    kind: projects
    entries:
      - title: The engine's tables
        image: images/tables.png
        image_alt: The tables
        links:
          paper: lovelace1843notes
"""


CASES = [
    Case(
        "post front matter with an unknown key",
        {"data/posts/2024-01-02-hello.md": "---\ntitle: Hello\nlayout: post\n---\nBody\n"},
        "data/posts/2024-01-02-hello.md:3:1: layout: unknown key\n"
        "    hint: known keys here: title, date, description, tags, draft",
    ),
    Case(
        "post without a title",
        {"data/posts/2024-01-02-hello.md": "---\ndescription: Hi\n---\nBody\n"},
        "data/posts/2024-01-02-hello.md:2:1: title: required, but missing\n    hint: add `title:` here",
    ),
    Case(
        "post without front matter",
        {"data/posts/2024-01-02-hello.md": "Body\n"},
        "data/posts/2024-01-02-hello.md:1:1: a post opens with front matter between --- lines\n"
        "    hint: start the file with ---, a line `title: ...`, and --- again",
    ),
    Case(
        "post file name without its date",
        {"data/posts/hello.md": "---\ntitle: Hello\n---\n"},
        "data/posts/hello.md: a post's file name is YYYY-MM-DD-slug.md\n"
        "    hint: rename it, e.g. 2024-05-02-my-first-post.md",
    ),
    Case(
        "project image without alt text",
        {"data/cv.yml": PROJECTS_CV.replace("        image_alt: The tables\n", ""), "static/images/tables.png": b"x"},
        "data/cv.yml:17:16: sections[2].entries[0].image: an image needs `image_alt`: what it shows, for those "
        "who cannot see it (got 'images/tables.png')\n    hint: add `image_alt:` with a few words",
    ),
    Case(
        "project image not in static",
        {"data/cv.yml": PROJECTS_CV.replace("images/tables.png", "../../etc/passwd")},
        "data/cv.yml:17:16: sections[2].entries[0].image: the image is not in static/ (got '../../etc/passwd')\n"
        "    hint: put the image in static/ (e.g. static/images/project.png) and give its path inside static/",
    ),
    Case(
        "project paper that is not in the BibTeX",
        {"data/cv.yml": PROJECTS_CV.replace("paper: lovelace1843notes", "paper: lovelace1843note"),
         "static/images/tables.png": b"x"},
        "data/cv.yml:20:18: sections[2].entries[0].links.paper: no BibTeX entry has this key (got 'lovelace1843note')\n"
        "    hint: did you mean 'lovelace1843notes'?",
    ),
    Case(
        "a page for an unknown collection",
        {"data/site.yml": "pages: [publications, blog]\n"},
        "data/site.yml:1:23: pages[1]: expected 'publications', 'talks', 'projects', 'teaching' or 'posts' (got 'blog')",
    ),
    Case(
        "a page for a collection with no section",
        {"data/site.yml": "pages: [publications, talks]\n"},
        "data/site.yml:1:23: pages[1]: data/cv.yml has no section of kind talks (got 'talks')\n"
        "    hint: add a section with `kind: talks`, or take talks out of pages",
    ),
    Case(
        "talk without a title",
        {"data/cv.yml": TALKS_CV.replace("      - title: Notes on the Engine\n        kind: invited",
                                         "      - kind: invited")},
        "data/cv.yml:16:9: sections[2].entries[0].title: required, but missing\n    hint: add `title:` here",
    ),
    Case(
        "talk of an unknown kind",
        {"data/cv.yml": TALKS_CV.replace("kind: invited", "kind: invitd")},
        "data/cv.yml:17:15: sections[2].entries[0].kind: expected 'invited', 'contributed', 'keynote', 'poster', "
        "'seminar' or 'panel' (got 'invitd')",
    ),
    Case(
        "talk link that runs script",
        {"data/cv.yml": TALKS_CV.replace("https://example.org/notes.pdf", '"javascript:alert(1)"')},
        "data/cv.yml:20:19: sections[2].entries[0].links.slides: only http(s), mailto and relative links are "
        "allowed (got 'javascript:alert(1)')",
    ),
    Case(
        "talk link of an unknown kind",
        {"data/cv.yml": TALKS_CV.replace("          slides:", "          sildes:")},
        "data/cv.yml:20:11: sections[2].entries[0].links.sildes: unknown key\n    hint: did you mean 'slides'?",
    ),
    Case(
        "talks in an unknown order",
        {"data/cv.yml": TALKS_CV.replace("    kind: talks\n", "    kind: talks\n    order: by_date\n")},
        "data/cv.yml:15:12: sections[2].order: expected 'newest_first' or 'as_written' (got 'by_date')",
    ),
    Case(
        "teaching without a course",
        {"data/cv.yml": TALKS_CV.replace("      - course: Mathematics\n        role:", "      - role:")},
        "data/cv.yml:24:9: sections[3].entries[0].course: required, but missing\n    hint: add `course:` here",
    ),
    Case(
        "yaml syntax error",
        {"data/cv.yml": "person:\n  name: Ada\n  position: [Analyst\n"},
        "data/cv.yml:4:1: YAML syntax error: while parsing a flow sequence, expected ',' or ']', but got '<stream end>'\n"
        "    hint: check the indentation and quote values that contain ': ' or start with a special character",
    ),
    Case(
        "tab indentation",
        {"data/cv.yml": "person:\n\tname: Ada\n"},
        "data/cv.yml:2:1: YAML syntax error: while scanning for the next token, found character '\\t' that cannot start any token\n"
        "    hint: check the indentation and quote values that contain ': ' or start with a special character",
    ),
    Case(
        "unknown key with a suggestion",
        {"data/cv.yml": GOOD_CV.replace("  position:", "  postion:")},
        "data/cv.yml:3:3: person.postion: unknown key\n    hint: did you mean 'position'?",
    ),
    Case(
        "unknown key without a close match",
        {"data/cv.yml": GOOD_CV.replace("  position: Analyst", "  shoe_size: 38")},
        "data/cv.yml:3:3: person.shoe_size: unknown key\n"
        "    hint: known keys here: name, aliases, position, affiliation, affiliation_url, email, photo, "
        "photo_alt, bio, links",
    ),
    Case(
        "wrong type: sections is not a list",
        {"data/cv.yml": "person:\n  name: Ada\nsections: Education\n"},
        "data/cv.yml:3:11: sections: expected a list (lines starting with '- ') (got 'Education')",
    ),
    Case(
        "wrong type: a name that is a list",
        {"data/cv.yml": GOOD_CV.replace("name: Ada Lovelace", "name: [Ada, Lovelace]")},
        "data/cv.yml:2:9: person.name: expected text (got a list)",
    ),
    Case(
        "bad month in a date",
        {"data/cv.yml": GOOD_CV.replace("1835 - 1840", '"1835.13"')},
        "data/cv.yml:9:15: sections[0].entries[0].date: month 13 is not between 1 and 12 (got '1835.13')" + DATE_HINT,
    ),
    Case(
        "date range that ends before it starts",
        {"data/cv.yml": GOOD_CV.replace("1835 - 1840", "1840 - 1835")},
        "data/cv.yml:9:15: sections[0].entries[0].date: the range ends (1835) before it starts (1840) (got '1840 - 1835')" + DATE_HINT,
    ),
    Case(
        "not a date",
        {"data/cv.yml": GOOD_CV.replace("1835 - 1840", "last spring")},
        "data/cv.yml:9:15: sections[0].entries[0].date: not a date (got 'last spring')" + DATE_HINT,
    ),
    Case(
        "missing required field",
        {"data/cv.yml": GOOD_CV.replace("  name: Ada Lovelace\n", "")},
        "data/cv.yml:2:3: person.name: required, but missing\n    hint: add `name:` here",
    ),
    Case(
        "unknown section kind",
        {"data/cv.yml": GOOD_CV.replace("kind: education", "kind: educaton")},
        "data/cv.yml:6:11: sections[0].kind: unknown kind (got 'educaton')\n    hint: did you mean 'education'?",
    ),
    Case(
        "section without a kind",
        {"data/cv.yml": GOOD_CV.replace("    kind: education\n", "")},
        "data/cv.yml:5:5: sections[0]: every section needs a `kind:`\n"
        "    hint: add `kind:` with one of education, experience, awards, list, nested_list, map, text, publications, talks, teaching, projects",
    ),
    Case(
        "duplicate YAML key",
        {"data/cv.yml": GOOD_CV.replace("  position: Analyst\n", "  position: Analyst\n  position: Poet\n")},
        "data/cv.yml:4:3: person.position: duplicate key (first given on line 3)\n    hint: remove one of the two",
    ),
    Case(
        "two sections with the same id",
        {"data/cv.yml": GOOD_CV.replace("title: Publications", "title: Education")},
        "data/cv.yml:10:12: sections[1].title: its id 'education' is taken by sections[0] (got 'Education')\n"
        "    hint: give one of them an `id:` of its own",
    ),
    Case(
        "javascript: link",
        {"data/cv.yml": GOOD_CV.replace("  position: Analyst\n", "  affiliation_url: javascript:alert(1)\n")},
        "data/cv.yml:3:20: person.affiliation_url: only http(s), mailto and relative links are allowed "
        "(got 'javascript:alert(1)')",
    ),
    Case(
        "unknown profile link kind",
        {"data/cv.yml": GOOD_CV.replace("  position: Analyst\n", "  links:\n    scholr: abc\n")},
        "data/cv.yml:4:5: person.links.scholr: unknown key\n    hint: did you mean 'scholar'?",
    ),
    Case(
        "publications section names a missing BibTeX key",
        {"data/cv.yml": GOOD_CV.replace("include: all", "include: [lovelace1843note]")},
        "data/cv.yml:12:15: sections[1].include[0]: no BibTeX entry has this key (got 'lovelace1843note')\n"
        "    hint: did you mean 'lovelace1843notes'?",
    ),
    Case(
        "cv.yml missing",
        {"data/cv.yml": None},
        "data/cv.yml: file not found: every site needs data/cv.yml\n"
        "    hint: run cv-site in the folder that holds data/, or pass --source DIR",
    ),
    Case(
        "cv.yml is not UTF-8",
        {"data/cv.yml": GOOD_CV.replace("Ada Lovelace", "Ada L\xf6velace").encode("latin-1")},
        "data/cv.yml:2:14: not UTF-8: byte 0xf6 at offset 21 cannot be decoded\n"
        "    hint: save the file as UTF-8 (most editors: 'Save with encoding')",
    ),
    Case(
        "settings: colour and number",
        {"data/site.yml": "accent_color: blue\nnews_on_home: -1\n"},
        "data/site.yml:1:15: accent_color: expected a colour as #rrggbb (got 'blue')\n"
        "data/site.yml:2:15: news_on_home: expected a whole number of at least 0 (got -1)",
    ),
    Case(
        "settings: unknown pdf section id",
        {"data/site.yml": "pdf:\n  sections: [education, talks]\n"},
        "data/site.yml:2:25: pdf.sections[1]: no section in data/cv.yml has this id (got 'talks')\n"
        "    hint: known ids: education, publications",
    ),
    Case(
        "settings: a paper size that does not exist",
        {"data/site.yml": "pdf:\n  paper: a3\n"},
        "data/site.yml:2:10: pdf.paper: expected 'a4' or 'us-letter' (got 'a3')",
    ),
    Case(
        "variants: an unknown section id, a misspelt tag, a filter a section cannot take",
        {"data/site.yml": "cvs:\n  - id: short\n    title: Short CV\n    sections:\n      - educaton\n"
                          "      - {id: education, tags: [teachng], selected: true}\n",
         "data/cv.yml": GOOD_CV.replace("date: 1835 - 1840", "date: 1835 - 1840\n        tags: [teaching]")},
        "data/site.yml:5:9: cvs[0].sections[0].id: no section in data/cv.yml has this id (got 'educaton')\n"
        "    hint: did you mean 'education'?\n"
        "data/site.yml:6:32: cvs[0].sections[1].tags[0]: no entry of section education has this tag (got 'teachng')\n"
        "    hint: did you mean 'teaching'?\n"
        'data/site.yml:6:52: cvs[0].sections[1].selected: only papers can be selected; section education is of kind education (got True)\n'
        '    hint: choose its entries with tags, since or limit',
    ),
    Case(
        "variants: an unknown theme, a taken id and file",
        {"data/site.yml": "pdf:\n  theme: modrn\ncvs:\n  - {id: short, title: A, theme: clasic}\n"
                          "  - {id: short, title: B, file: cv-short.pdf}\n"},
        "data/site.yml:2:10: pdf.theme: no PDF theme has this name (got 'modrn')\n"
        "    hint: did you mean 'modern'?\n"
        "data/site.yml:4:34: cvs[0].theme: no PDF theme has this name (got 'clasic')\n"
        "    hint: did you mean 'classic'?\n"
        "data/site.yml:5:10: cvs[1].id: another CV has this id (got 'short')\n"
        '    hint: give each CV an id of its own\n'
        "data/site.yml:5:33: cvs[1].file: another CV is written to this file (got 'cv-short.pdf')\n"
        '    hint: give each CV a file of its own',
    ),
    Case(
        "variants: the full CV's id, a file name that is not one",
        {"data/site.yml": "cvs:\n  - {id: full, title: C, file: CV.PDF}\n  - {id: Short CV, title: D, file: cv.pdf}\n"},
        "data/site.yml:2:10: cvs[0].id: 'full' names the full CV (cv.pdf) (got 'full')\n"
        '    hint: for example: short\n'
        "data/site.yml:2:32: cvs[0].file: expected a file name of lower-case letters, digits, ., - or _ ending in .pdf, not cv.pdf (the full CV's) (got 'CV.PDF')\n"
        '    hint: for example: cv-short.pdf\n'
        "data/site.yml:3:10: cvs[1].id: expected lower-case letters, digits, - or _ (it names a file) (got 'Short CV')\n"
        '    hint: for example: short\n'
        "data/site.yml:3:36: cvs[1].file: expected a file name of lower-case letters, digits, ., - or _ ending in .pdf, not cv.pdf (the full CV's) (got 'cv.pdf')\n"
        '    hint: for example: cv-short.pdf',
    ),
    Case(
        "variants: a CV's file that the site's static/ already has",
        {"data/site.yml": "cvs:\n  - {id: short, title: Short CV}\n", "static/cv-short.pdf": "the owner's own PDF\n"},
        "data/site.yml:2:10: cvs[0].id: static/cv-short.pdf is a file of the site's with this CV's name (got 'short')\n"
        "    hint: give the CV another `file:`",
    ),
    Case(
        "citation styles: an unknown name, a file that is not a CSL style",
        {"data/site.yml": "citation_style: apaa\ncvs:\n  - {id: short, title: Short, citation_style: styles/mine.csl}\n",
         "styles/mine.csl": "<html><body>not a style</body></html>\n"},
        "data/site.yml:1:17: citation_style: unknown citation style 'apaa' (did you mean 'apa'?): use one of apa, ieee, chicago-author-date, harvard, vancouver, acm, nature, or the path of a .csl file in the site folder\n"
        "data/site.yml:3:47: cvs[0].citation_style: citation style file 'styles/mine.csl' is not a CSL style (its root element is <html>); use a CSL style file (.csl) or one of apa, ieee, chicago-author-date, harvard, vancouver, acm, nature",
    ),
    Case(
        "news: bad date",
        {"data/news.yml": "news:\n  - date: 2024-02-30\n    text: Paper accepted.\n"},
        "data/news.yml:2:11: news[0].date: day 30 does not exist in 2024-02 (got '2024-02-30')" + DATE_HINT,
    ),
    Case(
        "BibTeX syntax error",
        {"data/publications.bib": GOOD_BIB + "\n@article{broken,\n  title = {Unclosed,\n  year = 1843\n"},
        "data/publications.bib:9:1: broken: BibTeX syntax error in @article entry: it is not closed before "
        "the end of the file\n"
        "    hint: check the braces, quotes and commas: each field is `name = {value},` and every { needs its }",
    ),
    Case(
        "duplicate BibTeX key",
        {"data/publications.bib": GOOD_BIB + "\n" + GOOD_BIB},
        "data/publications.bib:9:1: lovelace1843notes: duplicate BibTeX key 'lovelace1843notes' (first defined on line 1)\n"
        "    hint: give each entry its own key",
    ),
    Case(
        "duplicate BibTeX key across two files",
        {"data/more.bib": GOOD_BIB},
        "data/publications.bib:1:1: lovelace1843notes: duplicate BibTeX key (first defined in data/more.bib:1)\n"
        "    hint: rename one of the two entries",
    ),
    Case(
        "duplicate BibTeX field",
        {"data/publications.bib": GOOD_BIB.replace("  year = {1843},\n", "  year = {1843},\n  year = {1844},\n")},
        "data/publications.bib:6:1: lovelace1843notes: duplicate field 'year' (first given on line 5)\n"
        "    hint: remove one of them; BibTeX uses the first",
    ),
    Case(
        "missing comma between BibTeX fields",
        {"data/publications.bib": GOOD_BIB.replace("Engine},", "Engine}")},
        "data/publications.bib:1:1: warning: lovelace1843notes: no author or editor\n"
        "    hint: add author = {Last, First and Last, First}\n"
        "data/publications.bib:2:1: lovelace1843notes: cannot read the value of field 'title' "
        "(got '{Notes on the Analytical Engine}\\n  author = {Lovelace, ...)\n"
        "    hint: a comma may be missing after the value; values are {text}, \"text\", a number or a @string name",
    ),
    Case(
        "javascript: link in BibTeX",
        {"data/publications.bib": GOOD_BIB.replace("  year", "  pdf = {javascript:alert(1)},\n  year")},
        "data/publications.bib:5:1: lovelace1843notes: unsafe link in field 'pdf': only http(s), mailto and "
        "relative links are allowed (got 'javascript:alert(1)')",
    ),
    Case(
        "BibTeX file is neither UTF-8 nor Windows-1252",  # MS-DOS's code page 437: ü is 0x81
        {"data/publications.bib": GOOD_BIB.replace("Ada", "Ad\xfc").encode("cp437")},
        "data/publications.bib:3:25: not UTF-8: byte 0x81 at offset 96 cannot be decoded\n"
        "    hint: save the file as UTF-8 (most editors: 'Save with encoding')",
    ),
    Case(
        "a link that is not a URL, in BibTeX and in the settings",
        {"data/publications.bib": GOOD_BIB.replace("  year", "  code = {//[x},\n  year"),
         "data/site.yml": 'url: "https://[ipv6"\n'},
        "data/publications.bib:5:1: lovelace1843notes: unsafe link in field 'code': only http(s), mailto and "
        "relative links are allowed (got '//[x')\n"
        "data/site.yml:1:6: url: expected an absolute http(s) URL such as https://name.github.io/ (got 'https://[ipv6')",
    ),
    Case(
        "news: text missing",
        {"data/news.yml": "news:\n  - date: 2024.2\n"},
        "data/news.yml:2:5: news[0].text: required, but missing\n    hint: add `text:` here",
    ),
    Case(
        "alias bomb in news.yml",
        {"data/news.yml": "news:\n" + alias_bomb("  ")},
        "data/news.yml:7:9: news[5][0]: aliases repeat more than 100,000 values in this file" + ALIAS_HINT,
    ),
    Case(
        "alias bomb in cv.yml",
        {"data/cv.yml": GOOD_CV.replace("  position: Analyst\n", "  aliases:\n" + alias_bomb("    "))},
        "data/cv.yml:9:11: person.aliases[5][0]: aliases repeat more than 100,000 values in this file" + ALIAS_HINT,
    ),
    Case(
        "alias bomb in site.yml",
        {"data/site.yml": "pdf:\n  keywords:\n" + alias_bomb("    ")},
        "data/site.yml:8:11: pdf.keywords[5][0]: aliases repeat more than 100,000 values in this file" + ALIAS_HINT,
    ),
    Case(
        "alias bomb of merge keys",
        {"data/cv.yml": GOOD_CV + "extra:\n  a: &a {" + ", ".join(f"k{i}: lol" for i in range(9)) + "}\n" + "".join(
            f"  {anchor}: &{anchor} {{<<: [" + ", ".join([f"*{alias}"] * 9) + "], "
            + ", ".join(f"{anchor}{i}: *{alias}" for i in range(9)) + "}\n"
            for alias, anchor in zip("abcdefgh", "bcdefghi"))},
        "data/cv.yml:17:96: extra.d.d5: aliases repeat more than 100,000 values in this file" + ALIAS_HINT,
    ),
    Case(
        "alias bomb of a long text",
        {"data/news.yml": long_text_bomb(3_000)},
        "data/news.yml:14:24: news[11].text: aliases repeat more than 10,000,000 characters in this file"
        + ALIAS_HINT,
    ),
    Case(
        "nesting: a list 10,000 levels deep",
        {"data/news.yml": "news: " + "[" * 10_000 + "]" * 10_000 + "\n"},
        "data/news.yml:1:107: news: nested more than 100 levels deep" + DEEP_HINT,
    ),
    Case(
        "nesting: a flow mapping 3,000 levels deep",
        {"data/cv.yml": "person: " + "{a: " * 3_000 + "end" + "}" * 3_000 + "\n"},
        "data/cv.yml:1:406: person: nested more than 100 levels deep" + DEEP_HINT,
    ),
    Case(
        "nesting: a block mapping 1,500 levels deep",
        {"data/news.yml": "news:\n" + deep_block_mapping(1_500)},
        "data/news.yml:101:101: news: nested more than 100 levels deep" + DEEP_HINT,
    ),
    Case(
        "nesting: a block list 10,000 levels deep",
        {"data/news.yml": "news:\n" + "- " * 10_000 + "end\n"},
        "data/news.yml:2:201: news: nested more than 100 levels deep" + DEEP_HINT,
    ),
    Case(
        "nesting: deeper than 100 levels but within libyaml's 1,000",
        {"data/site.yml": "pdf: {sections: " + "[" * 500 + "]" * 500 + "}\n"},
        "data/site.yml:1:116: pdf: nested more than 100 levels deep" + DEEP_HINT,
    ),
    Case(
        "nesting: flow mappings as keys 5,000 levels deep",
        {"data/news.yml": deep_flow_keys(5_000)},
        "data/news.yml:1:107: news: nested more than 100 levels deep" + DEEP_HINT,
    ),
    Case(
        "nesting: explicit keys 1,500 levels deep",
        {"data/news.yml": deep_explicit_keys(1_500)},
        "data/news.yml:2:203: news: nested more than 100 levels deep" + DEEP_HINT,
    ),
]


TEMPLATE_HINT = "\n    hint: fix the template (a site's own templates/ shadow the built-in theme's)"


def page(body: str, template: str = "index.html.j2") -> str:
    """A site's own template that extends the theme's, with `body` as its content from line 3."""
    return f'{{% extends "theme/{template}" %}}\n{{% block content %}}\n{body}\n{{% endblock %}}\n'


BUILD = ("build", "--no-pdf")
TEMPLATE_CASES = [
    Case(
        "template: division by zero",
        {"templates/index.html.j2": page("<p>{{ 1/0 }}</p>")},
        "templates/index.html.j2:3: template error: ZeroDivisionError: division by zero" + TEMPLATE_HINT,
        command=BUILD,
    ),
    Case(
        "template: an undefined filter",
        {"templates/index.html.j2": page("<p>{{ person.name | shout }}</p>")},
        "templates/index.html.j2:3: template error: No filter named 'shout'." + TEMPLATE_HINT,
        command=BUILD,
    ),
    Case(
        "template: a call of an undefined macro",
        {"templates/cv.html.j2": page("{{ timeline(sections) }}", "cv.html.j2")},
        "templates/cv.html.j2:3: template error: 'timeline' is undefined" + TEMPLATE_HINT,
        command=BUILD,
    ),
    Case(
        "template: a missing include",
        {"templates/index.html.j2": page('{% include "sidebar.html.j2" %}')},
        "templates/index.html.j2:3: template error: template not found: 'sidebar.html.j2'\n"
        "    hint: a template is looked up in the site's templates/ folder, then in the built-in theme",
        command=BUILD,
    ),
    Case(
        "template: a runtime error in a macro imported from the site's templates",
        {"templates/mine.html.j2": "{% macro since(year) %}\n{{ year + ' onwards' }}\n{% endmacro %}\n",
         "templates/index.html.j2": '{% import "mine.html.j2" as mine %}\n' + page("{{ mine.since(1843) }}")},
        "templates/mine.html.j2:2: template error: TypeError: unsupported operand type(s) for +: 'int' and 'str'"
        + TEMPLATE_HINT,
        command=BUILD,
    ),
    Case(
        "template: a syntax error",
        {"templates/404.html.j2": "<p>\n{% if %}\n"},
        "templates/404.html.j2:2: template error: Expected an expression, got 'end of statement block'" + TEMPLATE_HINT,
        command=BUILD,
    ),
    Case(
        "template: an error in a paper's page",
        {"templates/paper.html.j2": page("{{ paper.year // 0 }}", "paper.html.j2")},
        "templates/paper.html.j2:3: template error: ZeroDivisionError: integer division or modulo by zero"
        + TEMPLATE_HINT,
        command=BUILD,
    ),
    Case(
        "template: a runtime error in the PDF's template",
        {"templates/cv.typ.j2": "#let a = 1\n\n{{ 1/0 }}\n"},
        "templates/cv.typ.j2:3: template error: ZeroDivisionError: division by zero" + TEMPLATE_HINT,
        command=("build",),
    ),
]


def test_bibtex_warnings_do_not_stop_the_build(in_site: Path, capsys):
    write_site(in_site, {"data/publications.bib": GOOD_BIB.replace("  year = {1843},\n", "")})
    assert main(["check"]) == 0
    captured = capsys.readouterr()
    assert captured.err == (
        "data/publications.bib:1:1: warning: lovelace1843notes: no year; the entry is listed without a date\n"
        "    hint: add year = {2024}\n"
    )
    assert captured.out.startswith("ok: 2 sections, 1 entries, 1 publications, 0 news, 1 warnings")


# What BibTeX itself only warns about: a warning with its exact text, exit status 0, and the build goes on.
WARNING_CASES = [
    Case(
        "BibTeX field given twice, one the site does not show",
        {"data/publications.bib": GOOD_BIB.replace("  year", "  bibsource = {a.bib},\n  bibsource = {b.bib},\n  year")},
        "data/publications.bib:6:1: warning: lovelace1843notes: duplicate field 'bibsource' (first given on line 5); "
        "the first value is kept\n"
        "    hint: remove one of them; BibTeX uses the first",
        status=0,
    ),
    Case(
        "BibTeX field the site shows given twice with the same value",
        {"data/publications.bib": GOOD_BIB.replace("  year = {1843},\n", "  year = {1843},\n  year = 1843,\n")},
        "data/publications.bib:6:1: warning: lovelace1843notes: duplicate field 'year' (first given on line 5); "
        "the first value is kept\n"
        "    hint: remove one of them; BibTeX uses the first",
        status=0,
    ),
    Case(
        "ftp:// link in BibTeX",
        {"data/publications.bib": GOOD_BIB.replace("  year", "  pdf = {ftp://ftp.example.org/notes.ps},\n  year")},
        "data/publications.bib:5:1: warning: lovelace1843notes: field 'pdf' is an ftp:// address: browsers no longer "
        "open it; the link is left out (got 'ftp://ftp.example.org/notes.ps')\n"
        "    hint: give the file's http(s) address, or remove the field",
        status=0,
    ),
    Case(
        "BibTeX file in Windows-1252",
        {"data/publications.bib": GOOD_BIB.replace("Ada", "Ad\xe0").encode("cp1252")},
        "data/publications.bib:3:25: warning: not UTF-8 but Windows-1252 (Latin-1): read as Windows-1252 "
        "(byte 0xe0 is 'à')\n"
        "    hint: convert it to UTF-8: iconv -f windows-1252 -t utf-8 data/publications.bib > "
        "data/publications.bib.utf8 && mv data/publications.bib.utf8 data/publications.bib, "
        "or save it as UTF-8 in your editor",
        status=0,
    ),
]


@pytest.mark.parametrize("command", [("check",), ("build", "--no-pdf")])
@pytest.mark.parametrize("case", WARNING_CASES, ids=[c.name for c in WARNING_CASES])
def test_a_bibtex_warning_is_printed_exactly_and_the_build_goes_on(case: Case, command: tuple[str, ...],
                                                                   in_site: Path, capsys):
    write_site(in_site, case.files)
    assert main(list(command)) == case.status
    assert capsys.readouterr().err == case.expected + "\n"
    assert (in_site / "_site" / "index.html").exists() == (command[0] == "build")


def write_site(root: Path, files: dict[str, str | bytes | None]) -> Path:
    defaults: dict[str, str | bytes | None] = {"data/cv.yml": GOOD_CV, "data/publications.bib": GOOD_BIB}
    for relative, content in {**defaults, **files}.items():
        if content is None:
            continue
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_check_reports_exactly(case: Case, in_site: Path, capsys):
    write_site(in_site, case.files)
    status = main(["check"])
    captured = capsys.readouterr()
    report, _, count_line = captured.err.rstrip("\n").rpartition("\n")
    assert report == case.expected
    assert count_line.endswith("found; nothing was written.")
    assert status == case.status
    assert captured.out == ""


@pytest.mark.parametrize("case", CASES[:3], ids=[c.name for c in CASES[:3]])
def test_build_writes_nothing_on_bad_data(case: Case, in_site: Path, capsys):
    write_site(in_site, case.files)
    assert main(["build", "--no-pdf"]) == 1
    assert not (in_site / "_site").exists()


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(path.relative_to(folder)): path.read_bytes() for path in sorted(folder.rglob("*")) if path.is_file()}


@pytest.mark.parametrize("case", TEMPLATE_CASES, ids=[c.name for c in TEMPLATE_CASES])
def test_a_template_error_is_reported_exactly(case: Case, in_site: Path, capsys):
    write_site(in_site, case.files)
    status = main(list(case.command))
    captured = capsys.readouterr()
    report, _, count_line = captured.err.rstrip("\n").rpartition("\n")
    assert report == case.expected
    assert count_line == "1 error found; nothing was written."
    assert (status, captured.out) == (1, "")
    assert "Traceback" not in captured.err
    assert not (in_site / "_site").exists()


@pytest.mark.parametrize("case", TEMPLATE_CASES, ids=[c.name for c in TEMPLATE_CASES])
def test_a_template_error_leaves_the_last_good_site(case: Case, in_site: Path, capsys):
    write_site(in_site, {})
    assert main(list(case.command)) == 0
    before = snapshot(in_site / "_site")
    write_site(in_site, case.files)
    # A process of its own, as a user runs it (this one keeps the PDF's templates of the first build)
    result = subprocess.run([sys.executable, "-m", "cv_site", *case.command], cwd=in_site, capture_output=True,
                            text=True)
    assert (result.returncode, result.stderr) == (1, case.expected + "\n1 error found; nothing was written.\n")
    assert snapshot(in_site / "_site") == before


def test_a_template_error_in_a_parallel_build_is_reported_exactly(in_site: Path, capsys):
    papers = "".join(GOOD_BIB.replace("lovelace1843notes", f"paper{number}") for number in range(120))
    write_site(in_site, {"data/publications.bib": papers, "templates/paper.html.j2": TEMPLATE_CASES[0].files[
        "templates/index.html.j2"].replace("index.html.j2", "paper.html.j2")})
    assert main(["build", "--no-pdf", "--jobs", "2"]) == 1
    assert capsys.readouterr().err == (
        "templates/paper.html.j2:3: template error: ZeroDivisionError: division by zero" + TEMPLATE_HINT
        + "\n1 error found; nothing was written.\n")
    assert not (in_site / "_site").exists()


@pytest.mark.parametrize("case", [TEMPLATE_CASES[0], TEMPLATE_CASES[-1]], ids=["site", "pdf"])
def test_serve_s_builder_raises_a_template_error_as_a_user_error(case: Case, in_site: Path):
    """What `cv-site serve` shows over the page; once the template is fixed, the next build works."""
    write_site(in_site, case.files)
    builder = Builder(BuildOptions(in_site, in_site / "_site", pdf="--no-pdf" not in case.command))
    with pytest.raises(UserError) as raised:
        builder.build()
    assert raised.value.report() == case.expected + "\n1 error found; nothing was written."
    for template in case.files:
        (in_site / template).unlink()
    builder.build()
    assert (in_site / "_site" / "index.html").exists()


@pytest.mark.parametrize("linked", ["file", "folder"])
def test_a_site_template_that_links_elsewhere_is_the_site_s(linked: str, in_site: Path, tmp_path_factory, capsys):
    """An override in templates/ (or templates/ itself) may link to files kept elsewhere: an error
    in it is the user's, named by its place in templates/, in build and in serve's overlay."""
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    (elsewhere / "paper.html.j2").write_text(page("{{ 1/0 }}", "paper.html.j2"))
    write_site(in_site, {})
    if linked == "file":
        (in_site / "templates").mkdir()
        (in_site / "templates" / "paper.html.j2").symlink_to(elsewhere / "paper.html.j2")
    else:
        (in_site / "templates").symlink_to(elsewhere)
    expected = ("templates/paper.html.j2:3: template error: ZeroDivisionError: division by zero" + TEMPLATE_HINT
                + "\n1 error found; nothing was written.")
    assert main(["build", "--no-pdf"]) == 1
    assert capsys.readouterr().err == expected + "\n"
    with pytest.raises(UserError) as raised:  # what serve shows over the page
        Builder(BuildOptions(in_site, in_site / "_site", pdf=False)).build()
    assert raised.value.report() == expected


def test_an_error_in_a_theme_template_called_from_the_site_s_own_names_both(in_site: Path, capsys):
    write_site(in_site, {"templates/index.html.j2": page("{{ m.links(1843) }}")})
    assert main(["build", "--no-pdf"]) == 1
    report = capsys.readouterr().err
    assert report.startswith("templates/index.html.j2:3: template error: TypeError: 'int' object is not iterable\n"
                             "    hint: raised in theme/macros.html.j2:")


def test_an_exception_in_the_theme_alone_is_a_bug_and_keeps_its_traceback(tmp_path: Path):
    theme = tmp_path / "theme"
    theme.mkdir()
    (theme / "page.html.j2").write_text("<p>\n{{ 1/0 }}\n")
    (theme / "undefined.html.j2").write_text("<p>\n{{ nothing }}\n")
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(theme), undefined=jinja2.StrictUndefined)
    with pytest.raises(ZeroDivisionError):
        with template_errors(tmp_path / "site"):
            env.get_template("page.html.j2").render()
    with pytest.raises(UserError):  # Jinja's own errors are the user's, wherever they are raised, as before
        with template_errors(tmp_path / "site"):
            env.get_template("undefined.html.j2").render()
    assert not is_site_template(str(THEME_TEMPLATES / "index.html.j2"), THEME_DIR)  # the example site is the theme


def test_every_problem_is_reported_at_once(in_site: Path, capsys):
    broken = GOOD_CV.replace("position:", "postion:").replace("1835 - 1840", "never")
    write_site(in_site, {"data/cv.yml": broken, "data/site.yml": "accent_color: red\n"})
    assert main(["check"]) == 1
    err = capsys.readouterr().err
    assert "person.postion: unknown key" in err
    assert "sections[0].entries[0].date: not a date" in err
    assert "accent_color: expected a colour" in err
    assert err.rstrip().endswith("3 errors found; nothing was written.")


def test_no_traceback_in_a_real_process(tmp_path):
    write_site(tmp_path, {"data/cv.yml": GOOD_CV.replace("kind: education", "kind: educaton")})
    result = subprocess.run([sys.executable, "-m", "cv_site", "check"], cwd=tmp_path,
                            capture_output=True, text=True)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert "sections[0].kind: unknown kind (got 'educaton')" in result.stderr

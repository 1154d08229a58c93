"""The example data in data/ is Qiushan Guo's CV, faithfully (see the seed's FACTS.md).

These tests load the YAML with yaml.safe_load, check it with the model's records, and check the
facts: counts, order and exact wording, so an edit that loses or invents something fails here.
"""

from __future__ import annotations

import re
from pathlib import Path

import bibtexparser
import pytest
import yaml

from cv_site.views.site import date_label
from cv_site.schema import CvFile, NewsFile, Settings

DATA = Path(__file__).resolve().parent.parent / "data"


def load(name: str):
    return yaml.safe_load((DATA / name).read_text(encoding="utf-8"))


def shown(date) -> str:
    """A date as the example site shows it: its site.yml gives the one word for open ranges."""
    return date_label(date, load("site.yml")["ongoing_label"]).text


@pytest.fixture(scope="module")
def cv() -> CvFile:
    return CvFile.from_data(load("cv.yml"))


@pytest.fixture(scope="module")
def settings() -> Settings:
    return Settings.from_data(load("site.yml"))


@pytest.fixture(scope="module")
def bib():
    library = bibtexparser.parse_string((DATA / "publications.bib").read_text(encoding="utf-8"))
    assert library.failed_blocks == []
    return library


def section(cv: CvFile, slug: str):
    (found,) = [s for s in cv.sections if s.slug == slug]
    return found


def field(entry, name: str):
    f = entry.fields_dict.get(name)
    return None if f is None else f.value


def plain(text: str) -> str:
    return text.replace("{", "").replace("}", "")


# --- site.yml and news.yml ---------------------------------------------------------------------


def test_settings(settings: Settings):
    assert settings.url == "https://guoqiushan.github.io/"
    assert settings.language == "en"
    assert settings.pdf.paper == "a4"
    assert "Qiushan Guo" in settings.description
    assert "The University of Hong Kong" in settings.description


def test_news_is_empty_with_a_commented_example():
    news = NewsFile.from_data(load("news.yml"))
    assert news.news == []
    text = (DATA / "news.yml").read_text(encoding="utf-8")
    # The example is only in comments.
    assert [line for line in text.splitlines() if line and not line.startswith("#")] == ["news: []"]
    assert "# news:" in text


# --- person --------------------------------------------------------------------------------------


def test_person(cv: CvFile):
    p = cv.person
    assert p.name == "Qiushan Guo"
    assert p.email == "qsguo@cs.hku.hk"
    assert p.position == "PhD student in Computer Science"
    assert p.affiliation == "The University of Hong Kong"
    links = p.links.given()
    assert links == {
        "homepage": "https://guoqiushan.github.io/",
        "scholar": "nDLaim4AAAAJ",
        "github": "GuoQiushan",
        "x": "QiushanGuo_HKU",
    }
    assert "orcid" not in links  # no ORCID is known
    hrefs = [link.href for link in p.profile_links]
    assert hrefs[0] == "mailto:qsguo@cs.hku.hk"
    assert "https://scholar.google.com/citations?user=nDLaim4AAAAJ" in hrefs
    for fact in ("Prof. Yizhou Yu", "Prof. Ping Luo", "HKU MMLab", "Prof. Yuan Dong",
                 "Information and Communication Engineering"):
        assert fact in p.bio


def test_section_order_and_kinds(cv: CvFile):
    assert [(s.slug, s.title, s.kind) for s in cv.sections] == [
        ("education", "Education", "education"),
        ("awards", "Honors and Awards", "awards"),
        ("publications", "Publications", "publications"),
        ("service", "Professional Service", "nested_list"),
        ("teaching", "Teaching Experience", "teaching"),
        ("research", "Research Experience", "experience"),
    ]


# --- education and awards -------------------------------------------------------------------------


def test_education(cv: CvFile):
    entries = section(cv, "education").entries
    assert len(entries) == 3
    rows = [(e.institution, e.location, shown(e.date), e.degree, e.details) for e in entries]
    assert rows == [
        ("The University Of Hong Kong", "Hong Kong, China", "2020.9 – Now",
         "PhD student in Computer Science", "supervised by Prof. Yizhou Yu and Prof. Ping Luo"),
        ("Beijing University Of Posts And Telecommunications", "Beijing, China", "2017 – 2020",
         "Master student", "supervised by Prof. Yuan Dong"),
        ("Beijing University Of Posts And Telecommunications", "Beijing, China", "2013 – 2017",
         "B.S. in Information and Communication Engineering", None),
    ]
    phd = entries[0].date
    assert phd.ongoing and phd.start.year == 2020 and phd.start.month == 9


def test_awards_in_order(cv: CvFile):
    entries = section(cv, "awards").entries
    assert [(a.title, a.note, a.date.start.year) for a in entries] == [
        ("National scholarship", "Top 1%", 2018),
        ("First-class scholarship", "Top 10%", 2019),
        ("First-class scholarship", "Top 10%", 2018),
        ("First-class scholarship", "Top 10%", 2017),
        ("Second class prize the NXP Cup National University Students Intelligent Car Race",
         "Top 1%, 3 out of 238 teams from all over the country.", 2016),
        ("Second class prize of Mathematical Contest In Modeling", None, 2016),
        ("Third class prize of The Chinese Mathematics Competitions", None, 2015),
        ("First class prize of The Chinese Physics Competitions", None, 2014),
        ("First place in Signboard Detection Competition held by Baidu", None, 2018),
    ]
    assert all(not a.date.is_range for a in entries)


# --- publications --------------------------------------------------------------------------------


def test_publications_section(cv: CvFile):
    pubs = section(cv, "publications")
    assert pubs.include == "all"
    assert pubs.intro == (
        "I have published 10 papers on the top AI conferences. 6 of them as the first author. "
        "Besides, 2 papers are under review as the first author."
    )


KEYS = [
    "guo2024regiongpt", "xue2023raphael", "guo2023egc", "ma2022rethinking", "guo2022scale",
    "su2020companion", "guo2020online", "guo2019dynamic", "guo2018msfd", "zhang2019dsdm",
    "guo_noise_schedule", "guo_multilevel_contrastive",
]


def test_bibtex_entries(bib):
    assert [e.key for e in bib.entries] == KEYS
    types = {e.key: e.entry_type.lower() for e in bib.entries}
    assert [k for k, t in types.items() if t == "unpublished"] == ["guo_noise_schedule", "guo_multilevel_contrastive"]
    assert all(t == "inproceedings" for k, t in types.items() if k not in KEYS[10:])
    years = [field(e, "year") for e in bib.entries]
    assert years == ["2024", "2023", "2023", "2022", "2022", "2020", "2020", "2019", "2018", "2019", None, None]
    assert all(field(e, "abstract") is None and field(e, "month") is None for e in bib.entries)


def test_bibtex_titles_and_venues(bib):
    by_key = {e.key: e for e in bib.entries}
    assert [plain(field(e, "title")) for e in bib.entries] == [
        "RegionGPT: Towards Region Understanding Vision Language Model",
        "RAPHAEL: Text-to-Image Generation via Large Mixture of Diffusion Paths",
        "EGC: Image Generation and Classification via a Diffusion Energy-Based Model",
        "Rethinking Resolution in the Context of Efficient Video Recognition",
        "Scale-Equivalent Distillation for Semi-Supervised Object Detection",
        "Companion Guided Soft Margin for Face Recognition",
        "Online Knowledge Distillation via Collaborative Learning",
        "Dynamic Recursive Neural Network",
        "MSFD:Multi-Scale Receptive Field Face Detector",
        "DSDM:Diff-Scale and Dynamic-Margin Softmax loss for face recognition",
        "Rethinking the Noise Schedule of Diffusion-Based Generative Models",
        "Multi-Level Contrastive Learning for Dense Prediction Task",
    ]
    assert [field(e, "abbr") for e in bib.entries] == [
        "CVPR", "NIPS", "ICCV", "NIPS", "CVPR", "ECML PKDD", "CVPR", "CVPR", "ICPR", "ICCC", None, None,
    ]
    for key in ("guo2024regiongpt", "guo2022scale", "guo2020online", "guo2019dynamic"):
        assert "Computer Vision and Pattern Recognition" in field(by_key[key], "booktitle")
    assert "International Conference on Computer Vision" in field(by_key["guo2023egc"], "booktitle")
    assert field(by_key["xue2023raphael"], "volume") == "36"
    assert field(by_key["ma2022rethinking"], "volume") == "35"
    assert field(by_key["su2020companion"], "volume") == "12459"
    assert field(by_key["guo2024regiongpt"], "pages") == "13796--13806"
    assert field(by_key["guo2020online"], "pages") == "11020--11029"
    assert field(by_key["guo2019dynamic"], "pages") == "5147--5156"


def test_bibtex_unpublished(bib):
    by_key = {e.key: e for e in bib.entries}
    report = by_key["guo_noise_schedule"]
    assert field(report, "note") == "Tech Report"
    assert field(report, "year") is None
    submitted = by_key["guo_multilevel_contrastive"]
    assert field(submitted, "note") == "Submitted to ECCV 2024"
    assert field(submitted, "pubstate") == "submitted"
    assert field(submitted, "year") is None
    assert field(submitted, "eprint") == "2304.02010"


def test_bibtex_authors(bib):
    def authors(entry):
        return [a.strip() for a in re.split(r"\s+and\s+", field(entry, "author"))]

    by_key = {e.key: e for e in bib.entries}
    assert authors(by_key["guo2024regiongpt"]) == [
        "Guo, Qiushan", "De Mello, Shalini", "Yin, Hongxu", "Byeon, Wonmin", "Cheung, Ka Chun",
        "Yu, Yizhou", "Luo, Ping", "Liu, Sifei",
    ]
    assert authors(by_key["xue2023raphael"])[:3] == ["Xue, Zeyue*", "Song, Guanglu*", "Guo, Qiushan"]
    assert authors(by_key["su2020companion"]) == [
        "Su, Yingcheng*", "Wu, Yichao*", "Li, Zhenmao", "Guo, Qiushan", "Chen, Ken", "Yan, Junjie",
        "Liang, Ding", "Hu, Xiaolin",
    ]
    starred = {e.key for e in bib.entries if "*" in field(e, "author")}
    assert starred == {"xue2023raphael", "su2020companion"}
    assert all("Guo, Qiushan" in authors(e) for e in bib.entries)
    first_authored = [e.key for e in bib.entries if authors(e)[0] == "Guo, Qiushan"]
    assert first_authored == [
        "guo2024regiongpt", "guo2023egc", "guo2022scale", "guo2020online", "guo2019dynamic",
        "guo2018msfd", "guo_noise_schedule", "guo_multilevel_contrastive",
    ]


def test_bibtex_links_and_flags(bib):
    assert {e.key for e in bib.entries if field(e, "selected") == "true"} == {
        "guo2024regiongpt", "guo2023egc", "guo2022scale", "guo2020online", "guo2019dynamic",
    }
    assert {e.key: field(e, "award") for e in bib.entries if field(e, "award")} == {"guo2020online": "Oral"}
    assert {e.key: field(e, "annotation") for e in bib.entries if field(e, "annotation")} == {
        "xue2023raphael": "Base model of SenseMirage"
    }
    assert {e.key: field(e, "eprint") for e in bib.entries if field(e, "eprint")} == {
        "guo2024regiongpt": "2403.02330", "xue2023raphael": "2305.18295", "guo2023egc": "2304.02012",
        "ma2022rethinking": "2209.12797", "guo2022scale": "2203.12244", "guo2018msfd": "1903.04147",
        "guo_multilevel_contrastive": "2304.02010",
    }
    assert all(field(e, "archiveprefix") == "arXiv" for e in bib.entries if field(e, "eprint"))
    assert {e.key: field(e, "doi") for e in bib.entries if field(e, "doi")} == {
        "guo2023egc": "10.1109/ICCV51070.2023.02098",
        "guo2022scale": "10.1109/CVPR52688.2022.01412",
        "su2020companion": "10.1007/978-3-030-67664-3_30",
        "guo2020online": "10.1109/CVPR42600.2020.01103",
        "guo2019dynamic": "10.1109/CVPR.2019.00529",
    }
    assert {e.key: field(e, "html") for e in bib.entries if field(e, "html")} == {
        "guo2024regiongpt": "https://guoqiushan.github.io/regiongpt.github.io/",
        "xue2023raphael": "https://raphael-painter.github.io/",
        "guo2023egc": "https://guoqiushan.github.io/egc.github.io/",
    }
    assert {e.key: field(e, "code") for e in bib.entries if field(e, "code")} == {
        "guo2023egc": "https://github.com/GuoQiushan/EGC",
        "ma2022rethinking": "https://github.com/CVMI-Lab/ResKD",
        "guo_multilevel_contrastive": "https://github.com/GuoQiushan/MCL",
    }
    assert not any(field(e, "url") or field(e, "arxiv") for e in bib.entries)
    assert not any("ECCV" in (field(e, "abbr") or "") for e in bib.entries)


# --- service and teaching -----------------------------------------------------------------------


def test_service(cv: CvFile):
    groups = section(cv, "service").entries
    assert [(g.title, len(g.items)) for g in groups] == [("Reviewer for Conference", 7), ("Reviewer for Journal", 1)]
    assert [(i.text, shown(i.date)) for g in groups for i in g.items] == [
        ("IEEE International Conference on Computer Vision (ICCV)", "2021 – 2023"),
        ("Computer Vision and Pattern Recognition (CVPR)", "2022 – 2024"),
        ("European Conference on Computer Vision (ECCV)", "2022"),
        ("Conference on Neural Information Processing Systems (NeurIPS)", "2022 – 2023"),
        ("International Conference on Machine Learning (ICML)", "2023"),
        ("International Conference on Learning Representations (ICLR)", "2024"),
        ("IEEE/CVF Winter Conference on Applications of Computer Vision (WACV)", "2024"),
        ("IEEE Transactions on Neural Networks and Learning Systems", "2020 – Now"),
    ]


def test_teaching(cv: CvFile):
    entries = section(cv, "teaching").entries
    # The CV's line "Teach Assistant of HKU COMP 3270 (Artificial Intelligence)", in its parts.
    assert [(e.role, e.institution, e.code, e.course, shown(e.date)) for e in entries] == [
        ("Teach Assistant", "HKU", "COMP 3270", "Artificial Intelligence", "2022.9 – 2022.12"),
        ("Teach Assistant", "HKU", "COMP 3270", "Artificial Intelligence", "2023.9 – 2023.12"),
    ]


# --- research experience ---------------------------------------------------------------------------


def test_research_experience(cv: CvFile):
    entries = section(cv, "research").entries
    shape = [
        (e.organization, e.location, shown(e.date), len(e.summary),
         [(p.role, p.title, len(p.highlights)) for p in e.projects])
        for e in entries
    ]
    assert shape == [
        ("Nvidia Research", None, "2023.6 – Now", 0,
         [("Intern", "Diffusion Model and multi-modal LLM.", 0)]),
        ("ByteDance", "Beijing, China", "2022.5 – 2023.1", 0, [
            ("Intern", "EGC: Image Generation and Classification via a Diffusion Energy-Based Model.", 2),
            ("Intern", "Multi-Level Contrastive Learning for Dense Prediction Task.", 3),
        ]),
        ("SenseTime Group Limited", "Beijing, China", "2018.9 – 2019.11", 1, [
            ("Intern", "Dynamic Recursive Neural Network.", 3),
            ("Intern", "Knowledge Distillation via Collaborative Learning.", 3),
            ("Intern", "Network Architecture Search.", 3),
            ("Intern", "Face Recognition.", 3),
        ]),
        ("Pattern Recognition&Intelligent System Laboratory", None, "2016.9 – 2018.9", 3, [
            ("Student", "Face Detector and Object Detector", 5),
        ]),
    ]


def test_research_wording(cv: CvFile):
    entries = section(cv, "research").entries
    text = "\n".join(
        line for e in entries for line in [*e.summary, *(h for p in e.projects for h in p.highlights)]
    )
    # The author's own spelling is kept.
    for word in ("Gumble-softmax", "MegeFace", "arcFace", "generalisation", "an unified architecture"):
        assert word in text
    # Extraction damage is repaired, and LaTeX math is written as Unicode.
    assert "distractor is 10⁶." in text
    assert "640 × 640 resolution" in text
    assert "$" not in text and "FGC" not in text and "Rased" not in text
    assert entries[2].summary == [
        "SenseTime is an AI unicorn valued over 3 billion USD. It's the fifth China's National Open "
        "Innovation Platform for Next-Generation Artificial Intelligence."
    ]
    assert entries[3].summary == [
        "Part of the national engineering laboratory for information content security technology.",
        'One of the key laboratories in the national "211" project.',
        'The laboratory supported by "111" innovation base project of ministry of education.',
    ]
    assert entries[1].projects[0].highlights[0] == (
        "Propose an unified architecture for image recognition and generation, namely EGC, which can "
        "achieve superior performance in both tasks using a single neural network."
    )
    assert entries[3].projects[0].highlights[-1] == (
        "Reimplements PyramidBox, a state-of-the-art face detector in ECCV 2018, with pytorch, the "
        "results on WIDER FACE val set is 95.3%, 94.3% and 89.0%."
    )


def test_dates_with_dots_are_quoted_strings():
    """YAML would read an unquoted 2020.9 as the float 2020.9; every such date must be a string."""

    dates: list[object] = []

    def walk(node) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "date":
                    dates.append(value)
                walk(value)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(load("cv.yml"))
    assert len(dates) == 26  # 3 education + 9 awards + 8 service + 2 teaching + 4 research
    assert all(isinstance(d, (str, int)) and not isinstance(d, bool) for d in dates), dates

"""Talks, teaching and projects entries: what both outputs are given (views/entries.py) and what
the records accept (schema.py)."""

from __future__ import annotations

from cv_site.schema import CvFile
import pytest
from pydantic import ValidationError

from cv_site.views.entries import project_view, talk_views
from cv_site.views.site import date_label


def talks_section(entries: list[dict], **section: object):
    cv = CvFile.from_data({"person": {"name": "Ada"},
                           "sections": [{"title": "Talks", "kind": "talks", "entries": entries, **section}]})
    return cv.sections[0]


TALKS = [
    {"title": "Middle", "date": "2021.3"},
    {"title": "No date"},
    {"title": "Newest", "date": "2024-05-02"},
    {"title": "Also 2021.3", "date": "2021.3"},
    {"title": "Oldest", "date": 2019},
]


def test_talks_are_newest_first_undated_last_and_ties_as_written():
    assert [t.title for t in talk_views(talks_section(TALKS))] == ["Newest", "Middle", "Also 2021.3", "Oldest",
                                                                    "No date"]


def test_talks_keep_the_file_s_order_when_asked():
    section = talks_section(TALKS, order="as_written")
    assert [t.title for t in talk_views(section)] == [t["title"] for t in TALKS]


def test_a_talk_s_kind_event_and_place_read_as_one_line_and_links_follow_the_table():
    [talk] = talk_views(talks_section([{
        "title": "T", "kind": "keynote", "event": "Conf", "location": "Paris",
        "links": {"event": "https://conf.example.org/", "video": "https://v.example.org/1",
                  "slides": "https://example.org/s.pdf"},
    }]))
    assert talk.about == "Keynote · Conf · Paris"
    assert [(link.label, link.href) for link in talk.links] == [
        ("Slides", "https://example.org/s.pdf"), ("Video", "https://v.example.org/1"),
        ("Event", "https://conf.example.org/")]
    [bare] = talk_views(talks_section([{"title": "Bare"}]))
    assert (bare.about, bare.links, bare.date, bare.abstract) == ("", (), None, "")


def test_a_course_shows_its_dates_or_else_its_term():
    cv = CvFile.from_data({"person": {"name": "Ada"}, "sections": [{"title": "Teaching", "kind": "teaching", "entries": [
        {"course": "A", "date": "2020 - 2021", "term": "ignored when there are dates"},
        {"course": "B", "term": "Michaelmas 1844"},
        {"course": "C"},
    ]}]})
    labels = [date_label(course.when, "present") for course in cv.sections[0].entries]
    assert [label.text if label else None for label in labels] == ["2020 – 2021", "Michaelmas 1844", None]
    assert labels[1].parts == (("Michaelmas 1844", ""),)  # words: no machine-readable date


def project(**fields: object):
    cv = CvFile.from_data({"person": {"name": "Ada"},
                           "sections": [{"title": "Projects", "kind": "projects", "entries": [fields]}]})
    return cv.sections[0].entries[0]


def test_a_project_s_links_follow_the_table_and_its_paper_is_the_paper_s_view():
    entry = project(title="Engine", links={"paper": "notes", "blog": "https://b.example.org/",
                                           "code": "https://c.example.org/"})
    papers = {"notes": "the view of notes"}
    view = project_view(entry, papers)  # type: ignore[arg-type]
    assert [link.label for link in view.links] == ["Code", "Blog"]
    assert (view.paper, view.paper_label) == ("the view of notes", "Paper")
    assert project_view(project(title="Bare"), {}).paper is None


def test_a_project_image_needs_its_alt_text():
    with pytest.raises(ValidationError, match="an image needs `image_alt`"):
        project(title="Engine", image="images/engine.png")
    assert project(title="Engine", image="/images/e.png", image_alt="Gears").image == "/images/e.png"
    assert project_view(project(title="Engine", image="/images/e.png", image_alt="Gears"), {}).image == "images/e.png"

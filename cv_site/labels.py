"""The words both outputs use for the same things, in one place, so that the site and the PDF can
never name them differently: the status of unpublished work, the heading over it, month names and
the mark after editors' names, what kind of talk a talk was."""

from __future__ import annotations

MONTH_NAMES = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December"]

# The kinds of venue, as the publications page's filter names them.
VENUE_KIND_LABELS = {"journal": "Journal", "conference": "Conference", "book": "Book", "thesis": "Thesis",
                     "report": "Report", "other": "Other"}

# What a paper that is not published yet is, by its status (bibtex.py decides the status).
STATUS_LABELS = {"submitted": "Under review", "preprint": "Preprint", "unpublished": "Unpublished"}
IN_PROGRESS_HEADING = "Preprints and work under review"


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, status.capitalize())


def editors_mark(count: int) -> str:
    """What follows a list of `count` editors' names."""
    return " (ed.)" if count == 1 else " (eds.)"


# What a talk was, by its `kind` in data/cv.yml (a talks section).
TALK_KIND_LABELS = {
    "invited": "Invited talk",
    "contributed": "Contributed talk",
    "keynote": "Keynote",
    "poster": "Poster",
    "seminar": "Seminar",
    "panel": "Panel",
}

# The collections that may have a page of their own (site.yml `pages`), and the page's name.
COLLECTION_PAGES = {"publications": "Publications", "talks": "Talks", "projects": "Projects", "teaching": "Teaching",
                    "posts": "Posts"}

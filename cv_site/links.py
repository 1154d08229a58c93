"""The one table of link kinds: profile links (email, Scholar, GitHub...) and paper links (PDF,
arXiv, DOI, code...). Templates render every link through one macro that reads this table.

`url` turns what the author wrote (an id, a handle or a full URL) into the address; a value that is
already an absolute URL is used as it is.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import urlsplit

_ABSOLUTE = re.compile(r"^(https?://|mailto:)", re.IGNORECASE)
# How an arXiv id may be written with its address or scheme in front ("arXiv:2403.02330").
ARXIV_PREFIX = re.compile(r"^(?:https?://arxiv\.org/(?:abs|pdf)/|arxiv:\s*)", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class LinkKind:
    """A kind of link: its data key, label, icon and URL pattern."""

    name: str  # the key used in the data
    label: str  # the visible / accessible text
    icon: str  # key of its SVG in the ICONS table of templates/macros.html.j2
    pattern: str = "{}"  # how an id becomes a URL

    def url(self, value: str) -> str:
        value = value.strip()
        if _ABSOLUTE.match(value):
            return value
        return self.pattern.format(value)


_KINDS = [
    # profile links
    LinkKind("email", "Email", "email", "mailto:{}"),
    LinkKind("homepage", "Homepage", "globe"),
    LinkKind("scholar", "Google Scholar", "scholar", "https://scholar.google.com/citations?user={}"),
    LinkKind("github", "GitHub", "github", "https://github.com/{}"),
    LinkKind("gitlab", "GitLab", "code", "https://gitlab.com/{}"),
    LinkKind("orcid", "ORCID", "orcid", "https://orcid.org/{}"),
    LinkKind("x", "X (Twitter)", "x", "https://x.com/{}"),
    LinkKind("bluesky", "Bluesky", "bluesky", "https://bsky.app/profile/{}"),
    LinkKind("mastodon", "Mastodon", "mastodon"),
    LinkKind("linkedin", "LinkedIn", "linkedin", "https://www.linkedin.com/in/{}"),
    LinkKind("dblp", "DBLP", "dblp", "https://dblp.org/pid/{}.html"),
    LinkKind("semantic_scholar", "Semantic Scholar", "book", "https://www.semanticscholar.org/author/{}"),
    LinkKind("researchgate", "ResearchGate", "book", "https://www.researchgate.net/profile/{}"),
    LinkKind("cv", "CV", "file"),
    # paper links (al-folio's field names)
    LinkKind("pdf", "PDF", "file"),
    LinkKind("arxiv", "arXiv", "arxiv", "https://arxiv.org/abs/{}"),
    LinkKind("doi", "DOI", "doi", "https://doi.org/{}"),
    LinkKind("html", "Project", "globe"),
    LinkKind("website", "Website", "globe"),
    LinkKind("code", "Code", "code"),
    LinkKind("supp", "Supplement", "file"),
    LinkKind("slides", "Slides", "slides"),
    LinkKind("poster", "Poster", "image"),
    LinkKind("video", "Video", "video"),
    LinkKind("blog", "Blog", "book"),
    LinkKind("url", "Link", "link"),
    # talk links (also slides, video, poster, pdf, code above)
    LinkKind("event", "Event", "globe"),
    # a project's paper: a BibTeX key, which the views turn into the paper's own page
    LinkKind("paper", "Paper", "file"),
]

LINK_KINDS: dict[str, LinkKind] = {kind.name: kind for kind in _KINDS}

PROFILE_LINK_KINDS = [
    "email", "homepage", "scholar", "github", "gitlab", "orcid", "x", "bluesky", "mastodon",
    "linkedin", "dblp", "semantic_scholar", "researchgate", "cv",
]
# In the order the buttons appear under a paper.
PAPER_LINK_KINDS = ["pdf", "arxiv", "doi", "html", "website", "code", "supp", "slides", "poster", "video", "blog"]
# In the order the buttons appear under a talk.
TALK_LINK_KINDS = ["slides", "video", "poster", "pdf", "code", "event"]
# In the order the buttons appear under a project ("paper" is a BibTeX key, not a URL).
PROJECT_LINK_KINDS = ["code", "website", "pdf", "slides", "video", "poster", "blog", "paper"]


@dataclass(frozen=True, slots=True)
class Link:
    """A link of some kind, with its address."""

    kind: LinkKind
    href: str

    @property
    def label(self) -> str:
        return self.kind.label


def make_link(kind: str, value: str) -> Link:
    link_kind = LINK_KINDS[kind]
    return Link(link_kind, link_kind.url(value))


SAFE_SCHEMES = frozenset({"http", "https", "mailto"})
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")
_C0_CONTROL_OR_SPACE = "".join(map(chr, range(0x21)))
_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")


def readable_url(written: str) -> str:
    """The URL a browser reads from an attribute holding `written`: character references decoded
    (`&#106;`, `&#x6A`, `&colon;`, `&Tab;`...: html.unescape follows HTML5), then, as the WHATWG URL
    parser does, C0 controls and spaces cut from both ends and tabs and newlines removed anywhere."""
    return html.unescape(written).strip(_C0_CONTROL_OR_SPACE).translate(_TAB_OR_NEWLINE)


UNSAFE_LINK = "only http(s), mailto and relative links are allowed"  # what a refused link is told


def is_safe_url(url: str, *, relative: bool = True) -> bool:
    """True for http(s), mailto and relative URLs; False for javascript:, data: and the like, however
    written (`&#106;avascript:`, `java&Tab;script:`, ` JavaScript:`), and for what is not a URL at
    all (`//[x`). The one rule for every link the site and the PDF print; `relative=False` refuses
    relative URLs too (a PDF has no address to be relative to)."""
    readable = readable_url(url)
    scheme = _SCHEME.match(readable)
    if scheme is None and not relative:
        return False
    if scheme and scheme.group(1).lower() not in SAFE_SCHEMES:
        return False
    try:
        urlsplit(readable)
    except ValueError:
        return False
    return True

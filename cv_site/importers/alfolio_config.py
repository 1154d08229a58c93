"""al-folio's _config.yml and _data/socials.yml -> our person (in data/cv.yml) and data/site.yml."""

from __future__ import annotations

import re
from collections import Counter
from typing import Any

from cv_site.importers.alfolio_text import to_plain_text
from cv_site.text.dates import ONGOING_WORDS

# al-folio's profile-link keys (in _data/socials.yml or _config.yml) -> ours; the first of two
# keys for one link (x_username, twitter_username) wins.
_SOCIALS = {
    "scholar_userid": "scholar",
    "github_username": "github",
    "gitlab_username": "gitlab",
    "orcid_id": "orcid",
    "x_username": "x",
    "twitter_username": "x",
    "bluesky_url": "bluesky",
    "mastodon_username": "mastodon",
    "linkedin_username": "linkedin",
    "dblp_url": "dblp",
    "semanticscholar_id": "semantic_scholar",
    "research_gate_profile": "researchgate",
    "researchgate_profile": "researchgate",
}


def person(config: dict[str, Any], socials: dict[str, Any], sections: list[dict[str, Any]],
           notes: list[str]) -> dict[str, Any]:
    """Name, aliases, email and profile links; socials.yml wins over _config.yml."""
    name = _name(config, sections, notes)
    result: dict[str, Any] = {"name": name}
    if aliases := _aliases(config.get("scholar") or {}, name):
        result["aliases"] = aliases
    values = {**config, **socials}
    if values.get("email"):
        result["email"] = str(values["email"]).strip()
    links: dict[str, str] = {}
    for key, ours in _SOCIALS.items():
        if values.get(key):
            links.setdefault(ours, str(values[key]).strip())
    if links:
        result["links"] = links
    return result


def site_settings(config: dict[str, Any], sections: list[dict[str, Any]]) -> dict[str, Any]:
    """url (+ baseurl), description and language from _config.yml; the CV's word for open ranges."""
    site: dict[str, Any] = {}
    url = str(config.get("url") or "").strip().rstrip("/")
    if re.match(r"^https?://[^/\s]+", url):
        base = str(config.get("baseurl") or "").strip().strip("/")
        site["url"] = f"{url}/{base}/" if base else f"{url}/"
    if description := to_plain_text(config.get("description")):
        site["description"] = description
    if language := str(config.get("lang") or "").strip():
        site["language"] = language
    if word := _ongoing_word(sections):
        site["ongoing_label"] = word
    return site


def _name(config: dict[str, Any], sections: list[dict[str, Any]], notes: list[str]) -> str:
    """first_name middle_name last_name; else the value of a "Name" or "Full Name" line of a map
    section (the last one); else a placeholder, noted."""
    name = " ".join(" ".join(str(config.get(key) or "") for key in ("first_name", "middle_name", "last_name")).split())
    if name:
        return name
    names = [
        to_plain_text(entry["value"])
        for section in sections if section["kind"] == "map"
        for entry in section["entries"] if entry["name"].lower() in ("name", "full name")
    ]
    if names and names[-1]:
        return names[-1]
    notes.append("_config.yml: no first_name/last_name; person.name is 'Your Name': change it in data/cv.yml")
    return "Your Name"


def _aliases(scholar: dict[str, Any], name: str) -> list[str]:
    """jekyll-scholar's `last_name: [..]` and `first_name: [..]` -> 'Last, First' spellings."""
    lasts = [str(last).strip() for last in _one_or_many(scholar.get("last_name")) if last]
    firsts = [str(first).strip() for first in _one_or_many(scholar.get("first_name")) if first]
    return [f"{last}, {first}" for last in lasts for first in firsts if f"{first} {last}" != name]


def _one_or_many(value: Any) -> list[Any]:
    if not value:
        return []
    return value if isinstance(value, list) else [value]


def _ongoing_word(sections: list[dict[str, Any]]) -> str | None:
    """The word the CV ends its open date ranges with ("2020 - Now"), the most used one: cv-site
    shows one word for every open range (site.yml's ongoing_label), so it is the CV's own."""
    ends = [
        entry["date"].rsplit("-", 1)[1].strip()
        for section in sections for entry in section.get("entries", ())
        if isinstance(entry.get("date"), str) and "-" in entry["date"]
    ]
    words = [end for end in ends if end.lower() in ONGOING_WORDS]
    return Counter(words).most_common(1)[0][0] if words else None

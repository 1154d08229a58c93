"""`cv-site import-alfolio PATH`: bring an al-folio site's data into a cv-site data/ folder.

What is read (each file is optional except that at least one of the first two must exist):
  _bibliography/papers.bib  copied unchanged to data/publications.bib (al-folio's fields are ours)
  _data/cv.yml              al-folio's CV: a list of sections with `title`, `type`, `contents`
  _config.yml               the name (first_name, middle_name, last_name), url + baseurl,
                            description, and `scholar:` name spellings (-> person.aliases)
  _data/socials.yml         profile links (al-folio's newer layout; older ones keep them in _config.yml)
  _news/*.md                dated announcements -> data/news.yml
  assets/pdf/               the files that `pdf = {paper.pdf}` links name -> static/assets/pdf/

al-folio section types become kinds: map -> map, nested_list -> nested_list, list -> list, and
time_table -> education, experience or awards, decided by the section's title first (Education,
Experience, Awards...) and then by its entries (an `institution` means education; `items` under a
year, with no title, are awards). Nothing is dropped: text that has no field of its own (an
unreadable date, sub-bullets) is kept in the entry's text, and every such case is reported.
"""

from __future__ import annotations

import html
import re
import shutil
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from cv_site.text.dates import ONGOING_WORDS, DateError, parse_range
from cv_site.errors import Problem, UserError
from cv_site.model import CvFile, NewsFile, Settings

OUTPUT_FILES = ("data/cv.yml", "data/site.yml", "data/news.yml", "data/publications.bib")

_EDUCATION = re.compile(r"educat|degree|academic (background|history)|studies|schooling", re.I)
_AWARDS = re.compile(r"award|hono(u)?r|prize|grant|fellowship|scholarship|distinction", re.I)
_EXPERIENCE = re.compile(r"experience|employment|position|appointment|work|career|intern|job", re.I)

# al-folio's profile-link keys (in _data/socials.yml or _config.yml) -> ours.
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


@dataclass
class Imported:
    cv: dict[str, Any]
    site: dict[str, Any]
    news: list[dict[str, Any]]
    bibtex: str | None  # papers.bib, byte for byte (as text), or None when there is none
    notes: list[str] = field(default_factory=list)  # what could not be mapped one-to-one
    pdf_folder: Path | None = None  # al-folio's assets/pdf/, which bare `pdf = {x.pdf}` fields point into

    @property
    def entry_count(self) -> int:
        return sum(len(section.get("entries", ())) for section in self.cv["sections"])


def import_alfolio(source: Path) -> Imported:
    """Read an al-folio checkout into our data model (as plain dicts, validated before returning)."""
    source = Path(source)
    cv_path = source / "_data" / "cv.yml"
    bib_path = source / "_bibliography" / "papers.bib"
    if not source.is_dir():
        raise _error(source, "not a folder", "give the folder of an al-folio site (the one with _config.yml)")
    if not cv_path.is_file() and not bib_path.is_file():
        raise _error(
            source, "found neither _data/cv.yml nor _bibliography/papers.bib",
            "give the folder of an al-folio site (the one with _config.yml)",
        )
    notes: list[str] = []
    config = _read_yaml(source / "_config.yml") or {}
    socials = _read_yaml(source / "_data" / "socials.yml") or {}
    alfolio_cv = _read_yaml(cv_path) if cv_path.is_file() else []
    if alfolio_cv is None:
        alfolio_cv = []
    if not isinstance(alfolio_cv, list):
        raise _error(cv_path, "expected a list of sections (- title: ..., type: ..., contents: ...)")

    sections = [_section(raw, index, notes) for index, raw in enumerate(alfolio_cv)]
    sections = [s for s in sections if s is not None]
    if bib_path.is_file():
        sections.append({"title": "Publications", "kind": "publications", "include": "all"})

    person = _person(config, socials, sections, notes)
    cv = {"person": person, "sections": _unique_ids(sections)}
    site = _settings(config)
    if word := _ongoing_word(sections):
        site["ongoing_label"] = word
    news = _news(source / "_news", notes)
    bibtex = bib_path.read_bytes().decode("utf-8") if bib_path.is_file() else None
    pdf_folder = source / "assets" / "pdf"
    imported = Imported(cv, site, news, bibtex, notes, pdf_folder if pdf_folder.is_dir() else None)
    _validate(imported)
    return imported


def write_imported(imported: Imported, output: Path, force: bool = False) -> list[Path]:
    """Write data/cv.yml, site.yml, news.yml (and publications.bib) under `output`."""
    targets = [output / name for name in OUTPUT_FILES]
    existing = [t for t in targets if t.exists()]
    if existing and not force:
        raise _error(
            existing[0], "already exists",
            "import into a new folder (--output DIR), or add --force to replace "
            + ", ".join(str(t.relative_to(output)) for t in existing),
        )
    (output / "data").mkdir(parents=True, exist_ok=True)
    written = []
    header = "# Imported from al-folio by `cv-site import-alfolio`. The keys of each kind are listed in\n"
    header += "# cv-site's README (Data reference); check your edits with `cv-site check`.\n\n"
    texts = {
        "data/cv.yml": header + _dump(imported.cv),
        "data/site.yml": "# Site settings (imported from al-folio's _config.yml).\n" + _dump(imported.site or {}),
        "data/news.yml": "# News (imported from al-folio's _news/), newest first.\n" + _dump({"news": imported.news}),
    }
    for name, text in texts.items():
        (output / name).write_text(text, encoding="utf-8")
        written.append(output / name)
    bib = output / "data" / "publications.bib"
    if imported.bibtex is not None:
        bib.write_text(imported.bibtex, encoding="utf-8", newline="")
        written.append(bib)
    elif bib.exists():  # --force over a scaffold: its placeholder papers are not the user's
        bib.unlink()
    if imported.pdf_folder is not None:
        target = output / "static" / "assets" / "pdf"
        for path in sorted(imported.pdf_folder.rglob("*")):
            destination = target / path.relative_to(imported.pdf_folder)
            if path.is_file() and (force or not destination.exists()):
                destination.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, destination)
                written.append(destination)
    return written


# --- sections --------------------------------------------------------------------------------------


def _section(raw: Any, index: int, notes: list[str]) -> dict[str, Any] | None:
    where = f"_data/cv.yml: section {index + 1}"
    if not isinstance(raw, dict):
        notes.append(f"{where}: not a mapping; skipped")
        return None
    title = _plain(raw.get("title")) or f"Section {index + 1}"
    kind = str(raw.get("type", "")).strip()
    contents = raw.get("contents") or []
    if not isinstance(contents, list):
        contents = [contents]
    where = f"_data/cv.yml: {title!r}"
    if kind == "map":
        entries = [
            {"name": _plain(item.get("name")) or "—", "value": _markdown(item.get("value"))}
            for item in contents if isinstance(item, dict)
        ]
        return {"title": title, "kind": "map", "entries": entries}
    if kind == "list":
        return {"title": title, "kind": "list", "entries": [{"text": _markdown(item)} for item in contents]}
    if kind == "nested_list":
        groups = []
        for item in contents:
            if isinstance(item, dict):
                items = item.get("items") or []
                items = items if isinstance(items, list) else [items]
                groups.append({"title": _plain(item.get("title")) or "—", "items": [{"text": _markdown(i)} for i in items]})
            else:
                groups.append({"title": _plain(item) or "—", "items": []})
        return {"title": title, "kind": "nested_list", "entries": groups}
    if kind == "time_table":
        items = [item for item in contents if isinstance(item, dict)]
        chosen = _time_table_kind(title, items)
        convert = {"education": _education, "experience": _experience, "awards": _awards}[chosen]
        entries: list[dict[str, Any]] = []
        for item in items:
            entries.extend(convert(item, where, notes))
        return {"title": title, "kind": chosen, "entries": entries}
    notes.append(f"{where}: unknown al-folio section type {kind!r}; imported as a list")
    return {"title": title, "kind": "list", "entries": [{"text": _markdown(item)} for item in contents]}


def _time_table_kind(title: str, items: list[dict[str, Any]]) -> str:
    if _EDUCATION.search(title):
        return "education"
    if _AWARDS.search(title):
        return "awards"
    if _EXPERIENCE.search(title):
        return "experience"
    if items and all("items" in item and "title" not in item for item in items):
        return "awards"
    if any("institution" in item for item in items):
        return "education"
    return "experience"


def _education(item: dict[str, Any], where: str, notes: list[str]) -> list[dict[str, Any]]:
    date, leftover = _date(item, where, notes)
    title, institution = _plain(item.get("title")), _plain(item.get("institution"))
    entry: dict[str, Any] = {"institution": institution or title or "—"}
    if item.get("location"):
        entry["location"] = _plain(item["location"])
    if date:
        entry["date"] = date
    if institution and title:
        entry["degree"] = title
    lines = _lines(item.get("description")) + _lines(item.get("items"))
    if leftover:
        entry["details"] = leftover
    if len(lines) == 1 and "details" not in entry:
        entry["details"] = lines.pop()
    if lines:
        entry["highlights"] = lines
    return [entry]


def _experience(item: dict[str, Any], where: str, notes: list[str]) -> list[dict[str, Any]]:
    date, leftover = _date(item, where, notes)
    title, institution = _plain(item.get("title")), _plain(item.get("institution"))
    entry: dict[str, Any] = {"organization": institution or title or "—"}
    if item.get("location"):
        entry["location"] = _plain(item["location"])
    if date:
        entry["date"] = date
    if institution and title:
        entry["role"] = title
    description = item.get("description")
    summary = [leftover] if leftover else []
    if isinstance(description, str):
        summary.append(_markdown(description))
        description = None
    if summary:
        entry["summary"] = summary
    highlights = _lines(description) + _lines(item.get("items"))
    if highlights:
        entry["highlights"] = highlights
    return [entry]


def _awards(item: dict[str, Any], where: str, notes: list[str]) -> list[dict[str, Any]]:
    """One award per line of `items` (al-folio's "year: items" shape), else one for the entry."""
    date, leftover = _date(item, where, notes)
    note_lines = ([leftover] if leftover else []) + ([_plain(item["institution"])] if item.get("institution") else [])
    note_lines += _lines(item.get("description"))
    titles = _lines(item.get("items"))
    if item.get("title"):
        titles.insert(0, _markdown(item["title"]))
    entries = []
    for title in titles or ["—"]:
        entry: dict[str, Any] = {"title": title}
        if note_lines:
            entry["note"] = "; ".join(note_lines)
        if date:
            entry["date"] = date
        entries.append(entry)
    return entries


def _date(item: dict[str, Any], where: str, notes: list[str]) -> tuple[str | int | None, str | None]:
    """The entry's year/date as we write it, or (None, the text) when it is not a date we read."""
    value = item.get("year", item.get("date"))
    if value is None or value == "":
        return None, None
    if not isinstance(value, (int, str)):
        value = str(value)
    try:
        parse_range(value)
    except DateError:
        notes.append(f"{where}: {value!r} is not a date cv-site reads; kept as text in the entry")
        return None, _plain(value)
    return value, None


def _lines(value: Any) -> list[str]:
    """al-folio description/items: a string, a list of strings, or sub-lists {title, contents}."""
    if value is None or value == "":
        return []
    if not isinstance(value, list):
        value = [value]
    lines = []
    for item in value:
        if isinstance(item, dict):
            sub = item.get("contents", item.get("items")) or []
            sub = sub if isinstance(sub, list) else [sub]
            head = _markdown(item.get("title", ""))
            body = _join([_markdown(s) for s in sub])
            lines.append(f"{head}: {body}" if head and body else head or body)
        elif item is not None and str(item).strip():
            lines.append(_markdown(item))
    return lines


def _join(parts: list[str]) -> str:
    """Sub-bullets as one line: 'A. B.' when they end a sentence, else 'a; b'."""
    out = ""
    for part in filter(None, parts):
        out += part if not out else (" " if out[-1] in ".!?" else "; ") + part
    return out


# --- person, settings, news ---------------------------------------------------------------------------


def _person(config: dict, socials: dict, sections: list[dict], notes: list[str]) -> dict[str, Any]:
    name = " ".join(
        str(config.get(key) or "").strip() for key in ("first_name", "middle_name", "last_name")
    ).split()
    name = " ".join(name)
    if not name:
        for section in sections:
            for entry in section.get("entries", []) if section["kind"] == "map" else []:
                if entry["name"].lower() in ("name", "full name"):
                    name = _plain(entry["value"])
    if not name:
        name = "Your Name"
        notes.append("_config.yml: no first_name/last_name; person.name is 'Your Name': change it in data/cv.yml")
    person: dict[str, Any] = {"name": name}
    aliases = _aliases(config.get("scholar") or {}, name)
    if aliases:
        person["aliases"] = aliases
    values = {**{k: v for k, v in config.items() if k in _SOCIALS or k == "email"}, **socials}
    if values.get("email"):
        person["email"] = str(values["email"]).strip()
    links = {}
    for key, ours in _SOCIALS.items():
        if values.get(key) and ours not in links:
            links[ours] = str(values[key]).strip()
    if links:
        person["links"] = links
    return person


def _aliases(scholar: dict, name: str) -> list[str]:
    """jekyll-scholar's `last_name: [..]` and `first_name: [..]` -> 'Last, First' spellings."""
    last = scholar.get("last_name") or []
    first = scholar.get("first_name") or []
    last = last if isinstance(last, list) else [last]
    first = first if isinstance(first, list) else [first]
    pairs = [(str(l).strip(), str(f).strip()) for l in last for f in first if l and f]
    return [f"{l}, {f}" for l, f in pairs if f"{f} {l}" != name]


def _ongoing_word(value: object) -> str | None:
    """The word the CV ends its open date ranges with ("2020 - Now"), the most used one: cv-site
    shows one word for every open range (site.yml's ongoing_label), so it is the CV's own."""
    words: list[str] = []

    def collect(item: object) -> None:
        if isinstance(item, dict):
            for key, inner in item.items():
                if key == "date" and isinstance(inner, str) and "-" in inner:
                    end = inner.rsplit("-", 1)[1].strip()
                    if end.lower() in ONGOING_WORDS:
                        words.append(end)
                else:
                    collect(inner)
        elif isinstance(item, list):
            for inner in item:
                collect(inner)

    collect(value)
    return Counter(words).most_common(1)[0][0] if words else None


def _settings(config: dict) -> dict[str, Any]:
    site: dict[str, Any] = {}
    url = str(config.get("url") or "").strip().rstrip("/")
    if re.match(r"^https?://[^/\s]+", url):
        base = str(config.get("baseurl") or "").strip().strip("/")
        site["url"] = f"{url}/{base}/" if base else f"{url}/"
    description = _plain(config.get("description"))
    if description:
        site["description"] = description
    if str(config.get("lang") or "").strip():
        site["language"] = str(config["lang"]).strip()
    return site


def _news(folder: Path, notes: list[str]) -> list[dict[str, Any]]:
    news = []
    for path in sorted(folder.glob("*.md")) if folder.is_dir() else []:
        text = path.read_text(encoding="utf-8")
        match = re.match(r"^---\s*\n(.*?)\n---\s*\n?(.*)$", text, re.S)
        front, body = (_safe_yaml(match.group(1)), match.group(2)) if match else ({}, text)
        date = re.match(r"^\d{4}-\d{2}-\d{2}", str((front or {}).get("date", "")))
        if not date:
            notes.append(f"_news/{path.name}: no date in the front matter; skipped")
            continue
        inline = (front or {}).get("inline", True)
        body = _markdown(re.sub(r"\{%.*?%\}|\{\{.*?\}\}", "", body))
        text = body if inline or not front.get("title") else _markdown(front["title"])
        news.append({"date": date.group(0), "text": text or _markdown(front.get("title", ""))})
    news.sort(key=lambda item: item["date"], reverse=True)
    return news


# --- text ----------------------------------------------------------------------------------------------

_LINK = re.compile(r"""<a\s[^>]*?href\s*=\s*["']([^"']*)["'][^>]*>(.*?)</a\s*>""", re.I | re.S)


def _markdown(value: Any) -> str:
    """al-folio's text is HTML-in-Markdown: links, <b>, <i>, <em>, <u>, <br> become Markdown."""
    if value is None:
        return ""
    text = str(value).strip()
    text = _LINK.sub(lambda m: f"[{_markdown(m.group(2))}]({m.group(1).strip()})", text)
    text = re.sub(r"</?(b|strong)\s*>", "**", text, flags=re.I)
    text = re.sub(r"</?(i|em)\s*>", "*", text, flags=re.I)
    text = re.sub(r"<br\s*/?>", " ", text, flags=re.I)
    text = re.sub(r"</?[a-zA-Z][^<>]*>", "", text)  # <u>, <span ...>: keep the words
    return " ".join(html.unescape(text).split())


def _plain(value: Any) -> str:
    if value is None:
        return ""
    text = _LINK.sub(lambda m: m.group(2), str(value))
    text = re.sub(r"</?[a-zA-Z][^<>]*>", "", text)
    return " ".join(html.unescape(text).split())


def _unique_ids(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    from cv_site.model import slugify

    seen: dict[str, int] = {}
    for section in sections:
        slug = slugify(section["title"])
        if slug in seen:
            seen[slug] += 1
            section["id"] = f"{slug}-{seen[slug]}"
        else:
            seen[slug] = 1
    return sections


# --- files -------------------------------------------------------------------------------------------


def _read_yaml(path: Path) -> Any:
    if not path.is_file():
        return None
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        raise UserError([Problem(str(path), line, None, "", f"not valid YAML: {getattr(error, 'problem', error)}")])


def _safe_yaml(text: str) -> dict:
    try:
        value = yaml.safe_load(text)
    except yaml.YAMLError:
        return {}
    return value if isinstance(value, dict) else {}


def _dump(value: Any) -> str:
    return yaml.safe_dump(value, sort_keys=False, allow_unicode=True, width=100)


def _validate(imported: Imported) -> None:
    """A bug in the mapping must not leave the user with a data/ that does not load."""
    CvFile.from_data(imported.cv)
    Settings.from_data(imported.site)
    NewsFile.from_data({"news": imported.news})


def _error(path: Path, message: str, hint: str = "") -> UserError:
    return UserError([Problem(str(path), None, None, "", message, None, hint)])

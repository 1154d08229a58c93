"""al-folio's _projects/*.md -> a projects section of data/cv.yml, and its _posts/*.md -> our
data/posts/: the front matter keys that have a home here are kept, the rest are named in the notes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from cv_site.importers.alfolio_read import NewsPost
from cv_site.importers.alfolio_text import to_markdown

_DATE = re.compile(r"^(\d{4}-\d{2}-\d{2})")
_POST_NAME = re.compile(r"^\d{4}-\d{2}-\d{2}-[A-Za-z0-9][A-Za-z0-9_-]*\.md$")
_LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}", re.S)
# Front matter keys al-folio uses for its own layout, which mean nothing here.
_LAYOUT_KEYS = {"layout", "giscus_comments", "disqus_comments", "related_posts", "related_publications",
                "featured", "toc", "thumbnail", "redirect", "importance", "pretty_table", "tabs", "mermaid",
                "chart", "map", "images", "code_diff", "typograms", "pseudocode", "tikzjax", "distill"}


def projects_section(projects: list[NewsPost], folder: Path, notes: list[str]) -> tuple[dict[str, Any] | None, list[str]]:
    """The projects as one section (by al-folio's `importance`, then file name), and the images
    (paths inside al-folio's folder) to copy into static/."""
    if not projects:
        return None, []
    entries, images = [], []
    ordered = sorted(projects, key=lambda project: (project.front_matter.get("importance", 99), project.file_name))
    for project in ordered:
        front = project.front_matter
        if not front.get("title"):
            notes.append(f"_projects/{project.file_name}: no title; skipped")
            continue
        entry: dict[str, Any] = {"title": to_markdown(str(front["title"]))}
        if front.get("description"):
            entry["summary"] = to_markdown(str(front["description"]))
        image = str(front.get("img") or "").lstrip("/")
        if image and (folder / image).is_file():
            entry["image"], entry["image_alt"] = image, str(front["title"])
            images.append(image)
        elif image:
            notes.append(f"_projects/{project.file_name}: its image {image!r} is not in the al-folio folder; left out")
        if front.get("category"):
            entry["tags"] = [str(front["category"])]
        entries.append(entry)
    notes.append(f"_projects/: {len(entries)} projects became a projects section, each with its title, "
                 f"description and image; their pages' text is not imported (cv-site shows a project as an entry)")
    return ({"title": "Projects", "kind": "projects", "entries": entries} if entries else None), images


def posts_files(posts: list[NewsPost], notes: list[str]) -> dict[str, str]:
    """data/posts/ files by name: the front matter cv-site reads, the body as it is."""
    files: dict[str, str] = {}
    dropped: set[str] = set()
    liquid = []
    for post in posts:
        front = post.front_matter
        if not _POST_NAME.match(post.file_name) or not front.get("title"):
            notes.append(f"_posts/{post.file_name}: not YYYY-MM-DD-slug.md with a title; skipped")
            continue
        ours: dict[str, Any] = {"title": str(front["title"])}
        date = _DATE.match(str(front.get("date", "")))
        if date and date.group(1) != post.file_name[:10]:
            ours["date"] = date.group(1)
        if front.get("description"):
            ours["description"] = str(front["description"])
        tags = front.get("tags") or []
        tags = tags.split() if isinstance(tags, str) else [str(tag) for tag in tags]
        if tags:
            ours["tags"] = tags
        if front.get("published") is False:
            ours["draft"] = True
        dropped |= set(front) - {"title", "date", "description", "tags", "published"} - _LAYOUT_KEYS
        if _LIQUID.search(post.body):
            liquid.append(post.file_name)
        header = yaml.safe_dump(ours, sort_keys=False, allow_unicode=True, width=100)
        files[post.file_name] = f"---\n{header}---\n{post.body}"
    if dropped:
        notes.append("_posts/: front matter keys with no place here were left out: " + ", ".join(sorted(dropped)))
    if liquid:
        notes.append("_posts/: Jekyll's {% %} and {{ }} tags are shown as written in: " + ", ".join(liquid))
    return files

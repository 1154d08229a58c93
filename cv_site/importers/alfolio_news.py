"""al-folio's _news/*.md posts -> the items of our data/news.yml, newest first."""

from __future__ import annotations

import re
from typing import Any

from cv_site.importers.alfolio_read import NewsPost
from cv_site.importers.alfolio_text import to_markdown

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}")
_LIQUID = re.compile(r"\{%.*?%\}|\{\{.*?\}\}")  # Jekyll's tags and variables mean nothing here


def news_items(posts: list[NewsPost], notes: list[str]) -> list[dict[str, Any]]:
    """A post's body, or its title when it is not `inline` (al-folio links such posts to a page of
    their own); a post without a date is skipped and noted."""
    items = []
    for post in posts:
        front = post.front_matter
        date = _DATE.match(str(front.get("date", "")))
        if not date:
            notes.append(f"_news/{post.file_name}: no date in the front matter; skipped")
            continue
        title = to_markdown(front.get("title", ""))
        body = to_markdown(_LIQUID.sub("", post.body))
        text = title if not front.get("inline", True) and front.get("title") else body or title
        items.append({"date": date.group(0), "text": text})
    items.sort(key=lambda item: item["date"], reverse=True)
    return items

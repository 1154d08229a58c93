"""Posts: Markdown files in data/posts/, each named YYYY-MM-DD-slug.md and opening with YAML front
matter between `---` lines (title required; the date comes from the name unless given; description,
tags, draft). Their problems are located in the file like every other: the front matter is read
with the file's own line numbers."""

from __future__ import annotations

import re
from pathlib import Path

from cv_site.errors import Problem, display_path
from cv_site.load.textfile import decode_text
from cv_site.load.yamlfile import parse_yaml, validate
from cv_site.model import Post
from cv_site.schema import PostFront
from cv_site.text.dates import parse_date

NAME = re.compile(r"^(\d{4}-\d{2}-\d{2})-([A-Za-z0-9][A-Za-z0-9_-]*)\.md$")
FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$\n?", re.S | re.M)


# What a file gave, by its path: its bytes, the post (or None) and the problems (serve's cache).
PostCache = dict[Path, tuple[bytes, "Post | None", list[Problem]]]


def load_posts(folder: Path, problems: list[Problem], *, drafts: bool, cache: PostCache | None = None) -> list[Post]:
    """The posts of `folder` (data/posts/), newest first; drafts only when `drafts`. `cache`
    (serve): a file whose bytes did not change is not read again; it is updated in place."""
    posts: list[Post] = []
    paths = sorted(folder.glob("*.md")) if folder.is_dir() else []
    if cache is not None:
        for gone in set(cache) - set(paths):
            del cache[gone]
    for path in paths:
        raw = path.read_bytes()
        if cache is not None and path in cache and cache[path][0] == raw:
            _, post, found = cache[path]
        else:
            found = []
            post = _load_post(path, raw, found)
            if cache is not None:
                cache[path] = (raw, post, found)
        problems += found
        if post is not None and (drafts or not post.draft):
            posts.append(post)
    _check_slugs(posts, problems)
    return sorted(posts, key=lambda post: (post.date.as_date(), post.slug), reverse=True)


def _load_post(path: Path, raw: bytes, problems: list[Problem]) -> Post | None:
    file = display_path(path)
    name = NAME.match(path.name)
    if name is None:
        problems.append(Problem(file, None, None, "", "a post's file name is YYYY-MM-DD-slug.md",
                                hint="rename it, e.g. 2024-05-02-my-first-post.md"))
        return None
    text = decode_text(path, raw, problems)
    if text is None:
        return None
    front = FRONT_MATTER.match(text)
    if front is None:
        problems.append(Problem(file, 1, 1, "", "a post opens with front matter between --- lines",
                                hint="start the file with ---, a line `title: ...`, and --- again"))
        return None
    document, found = parse_yaml("\n" + front.group(1), file)  # "\n": the opening --- is line 1
    problems += found
    if found:
        return None
    if document is None:
        problems.append(Problem(file, 2, 1, "title", "required, but missing", hint="add `title:` here"))
        return None
    meta, found = validate(PostFront, document)
    problems += found
    if meta is None:
        return None
    try:
        date = meta.date or parse_date(name.group(1))
    except ValueError as error:
        problems.append(Problem(file, None, None, "", f"the date in the file's name: {error}",
                                hint="name it YYYY-MM-DD-slug.md with a real date, or give `date:`"))
        return None
    return Post(slug=name.group(2), title=meta.title, date=date, description=meta.description or "",
                tags=tuple(meta.tags), draft=meta.draft, body=text[front.end():], source=file)


def _check_slugs(posts: list[Post], problems: list[Problem]) -> None:
    """Two posts with one slug would share a page."""
    first: dict[str, Post] = {}
    for post in posts:
        if post.slug in first:
            problems.append(Problem(post.source, None, None, "", f"another post has the slug {post.slug!r}: "
                                    f"{first[post.slug].source}", hint="rename one of the two files"))
        first.setdefault(post.slug, post)

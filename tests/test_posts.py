"""Posts (data/posts/YYYY-MM-DD-slug.md): how they load, and the pages, feed entries and sitemap
lines they become."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

from cv_site.build import Builder, BuildOptions, build
from cv_site.errors import Problem
from cv_site.load.posts import load_posts

ROOT = Path(__file__).resolve().parent.parent

POSTS = {
    "2024-05-02-first.md": "---\ntitle: First\ndescription: The first one.\ntags: [notes, engines]\n---\n"
                           "Some **bold** text.\n\n```python\nprint('x < y')\n```\n\nMath: $e^{i\\pi}$\n",
    "2024-06-01-later.md": "---\ntitle: Later\ndate: 2024-06-03\n---\nLater text.\n",
    "2024-07-01-draft.md": "---\ntitle: Not yet\ndraft: true\n---\nDraft text.\n",
}


def write_posts(folder: Path) -> Path:
    (folder / "posts").mkdir(parents=True, exist_ok=True)
    for name, text in POSTS.items():
        (folder / "posts" / name).write_text(text, encoding="utf-8")
    return folder / "posts"


def test_posts_load_newest_first_with_the_date_from_the_name_unless_given(tmp_path: Path) -> None:
    problems: list[Problem] = []
    posts = load_posts(write_posts(tmp_path), problems, drafts=False)
    assert problems == []
    assert [(post.slug, post.date.iso, post.draft) for post in posts] == [("later", "2024-06-03", False),
                                                                          ("first", "2024-05-02", False)]
    first = posts[1]
    assert (first.title, first.description, first.tags) == ("First", "The first one.", ("notes", "engines"))
    assert first.body.startswith("Some **bold** text.")
    with_drafts = load_posts(tmp_path / "posts", problems, drafts=True)
    assert [post.slug for post in with_drafts] == ["draft", "later", "first"]
    assert load_posts(tmp_path / "no-such-folder", problems, drafts=True) == [] and problems == []


def example_with_posts(folder: Path) -> Path:
    shutil.copytree(ROOT / "data", folder / "data")
    write_posts(folder / "data")
    return folder


def test_a_build_makes_the_posts_pages_feed_entries_and_sitemap_lines(tmp_path: Path) -> None:
    source = example_with_posts(tmp_path)
    result = build(BuildOptions(source, tmp_path / "_site", pdf=False, base_url="https://example.org/site/"))
    files = {path: result.files[path].decode() for path in result.files if path.endswith((".html", ".xml"))}
    assert "posts/draft/index.html" not in files  # drafts stay out of a build
    index = files["posts/index.html"]
    assert index.index(">Later</a>") < index.index(">First</a>")
    nav = re.search(r'<nav aria-label="Site"[^>]*>(.*?)</nav>', files["index.html"], re.S).group(1)
    assert re.findall(r'<a href="/site/([^"]*)"', nav) == ["", "publications/", "posts/", "cv/"]
    page = files["posts/first/index.html"]
    assert "<strong>bold</strong>" in page
    assert "<pre><code>print('x &lt; y')\n</code></pre>" in page
    assert "$e^{i\\pi}$" in page  # math is shown as written: nothing is loaded from another host
    data = json.loads(re.search(r'<script type="application/ld\+json">\n(.*?)\n</script>', page, re.S).group(1))
    assert data == {"@context": "https://schema.org", "@type": "BlogPosting", "headline": "First",
                    "datePublished": "2024-05-02", "author": {"@type": "Person", "name": "Qiushan Guo"},
                    "description": "The first one.", "keywords": ["notes", "engines"],
                    "url": "https://example.org/site/posts/first/",
                    "mainEntityOfPage": "https://example.org/site/posts/first/"}
    assert '<meta property="og:type" content="article">' in page
    feed = files["feed.xml"]
    assert "<id>https://example.org/site/posts/later/</id>" in feed
    assert "<id>https://example.org/site/posts/first/</id>" in feed
    assert "<updated>2024-06-03T00:00:00Z</updated>" in feed
    for path in ("posts/", "posts/first/", "posts/later/"):
        assert f"<loc>https://example.org/site/{path}</loc>" in files["sitemap.xml"]


def test_serve_and_build_drafts_show_the_drafts(tmp_path: Path) -> None:
    source = example_with_posts(tmp_path)
    built = build(BuildOptions(source, tmp_path / "with", pdf=False, drafts=True))
    assert "Draft" in built.files["posts/draft/index.html"].decode()
    served = Builder(BuildOptions(source, tmp_path / "served", pdf=False, drafts=True)).build()
    assert "posts/draft/index.html" in served.files


def test_serve_reads_again_only_the_posts_whose_bytes_changed(tmp_path: Path) -> None:
    folder = write_posts(tmp_path)
    cache: dict = {}
    first = load_posts(folder, [], drafts=True, cache=cache)
    (folder / "2024-06-01-later.md").write_text(POSTS["2024-06-01-later.md"].replace("Later text", "Edited"))
    (folder / "2024-07-01-draft.md").unlink()
    second = load_posts(folder, [], drafts=True, cache=cache)
    assert [post.slug for post in second] == ["later", "first"]
    assert second[1] is first[2]  # the unchanged post is the same object: its page is taken from the cache
    assert second[0].body == "Edited.\n" and set(cache) == {folder / "2024-05-02-first.md", folder / "2024-06-01-later.md"}

"""The pages of the collections beside the publications: talks, projects and teaching (a page each
when site.yml `pages` names them), and posts (an index, newest first, and a page for each: kept,
by the post and the layout, for serve's next build, like a paper's page)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterator

from cv_site.labels import COLLECTION_PAGES
from cv_site.site.seo import collection_json, post_json

if TYPE_CHECKING:
    from cv_site.model import Post
    from cv_site.site.pages import SiteRender
    from cv_site.views.site import SiteView

# The collections whose page lists the CV's sections of their kind.
CV_COLLECTIONS = ("talks", "projects", "teaching")


def collection_pages(render: SiteRender) -> int:
    """The pages, to the render's output; returns how many."""
    site, view = render.site, render.view
    count = 0
    for name in view.pages():
        if name in CV_COLLECTIONS:
            label = COLLECTION_PAGES[name]
            render.page(f"{name}/index.html", f"{name}/", "collection.html.j2", title=f"{label} – {site.title}",
                        description=f"{label} of {site.person.name}.", heading=label, kind=name,
                        json=collection_json(view.collection(name), site.person.name, render.md.plain, render.href,
                                             lambda path: render.abs_url(path) or render.url(path)))
            count += 1
    if site.posts:
        render.page("posts/index.html", "posts/", "posts.html.j2", title=f"Posts – {site.title}",
                    description=f"Posts by {site.person.name}, newest first.")
        for post in site.posts:
            path = f"posts/{post.slug}/"
            render.emit(f"{path}index.html", render.renderer.cache.fragment(
                ("post", post, path), lambda: _post_page(render, post, path), reused_in_build=False))
        count += 1 + len(site.posts)
    return count


def _post_page(render: SiteRender, post: Post, path: str) -> bytes:
    description = post.description or render.md.plain(post.body)[:200]
    return render.page_bytes(path, "post.html.j2", title=f"{post.title} – {render.site.title}",
                             description=description, og_type="article", post=post,
                             json=post_json(post, render.site.person.name, description, render.abs_url(path)))


def collection_paths(view: SiteView) -> Iterator[str]:
    """Their pages' paths, in the sitemap's order."""
    for name in view.pages():
        if name in CV_COLLECTIONS:
            yield f"{name}/"
    if view.model.posts:
        yield "posts/"
        for post in view.model.posts:
            yield f"posts/{post.slug}/"

"""The site's pages: the papers' own, taken from the cache or rendered, in several processes for
a big site, and the others (the lists), rendered by this process meanwhile.

A big site spends most of its build on one page and one .bib per paper, which Python renders on
one core. From PARALLEL_FROM papers to render, they are shared among forked processes (a
`concurrent.futures` pool): each inherits the loaded view and compiled templates, renders its
pieces and writes them through its own part of the writer, and sends back what it wrote (and, for
`serve`'s cache, the bytes). While they work, this process renders the lists, then the pieces no
worker has begun. Fork is only used where it is safe: on Linux, in a process with one thread.
(multiprocessing is imported only then: 9 ms a start.)
"""

from __future__ import annotations

import os
import sys
import threading
from typing import TYPE_CHECKING, Any, Callable, Protocol

from cv_site.template_errors import template_errors

if TYPE_CHECKING:
    from cv_site.site.pages import SiteRender
    from cv_site.views.papers import PaperView

PARALLEL_FROM = 100  # papers to render; below this, starting processes costs more than it saves
PIECE_SIZE = 64  # papers a process takes at a time: few enough that none waits long for another at the end


class PartedOutput(Protocol):
    """A writer that worker processes can share (write.Writer)."""

    def part(self) -> Any: ...

    def merge(self, journal: Any) -> None: ...


def available_jobs() -> int:
    """How many processes may render: the cores this process may run on, or 1 where fork is not
    a safe way to get them (Windows has none; macOS's system libraries dislike it)."""
    if not sys.platform.startswith("linux"):
        return 1
    return len(os.sched_getaffinity(0))


def render_pages(render: SiteRender, jobs: int, other_pages: Callable[[], int]) -> int:
    """Every paper's page and .bib to the render's output, and `other_pages()` (which renders the
    rest and returns how many); returns how many files were rendered."""
    cache = render.renderer.cache
    todo: list[PaperView] = []
    for paper in render.view.papers.values():
        files = cache.paper_files(_key(render, paper))
        if files is None:
            todo.append(paper)
        else:
            for path, data in files:
                render.emit(path, data)
    if _can_share(render, jobs, len(todo)):
        return 2 * len(todo) + _in_processes(render, todo, jobs, other_pages)
    _render_here(render, todo)
    return 2 * len(todo) + other_pages()


def _key(render: SiteRender, paper: PaperView) -> tuple:
    return paper, render.slugs[paper.key]


def _can_share(render: SiteRender, jobs: int, papers: int) -> bool:
    return (jobs > 1 and papers >= PARALLEL_FROM and hasattr(render.out, "part")
            and sys.platform.startswith("linux") and threading.active_count() == 1)


# What the forked processes work on: set just before they start, read by `_render_piece`.
_shared: tuple[SiteRender, PartedOutput, list[list[PaperView]]] | None = None


def _in_processes(render: SiteRender, papers: list[PaperView], jobs: int, other_pages: Callable[[], int]) -> int:
    """`jobs - 1` forked workers take the pieces from the front while this process renders the
    other pages; then this process renders, from the back, the pieces no worker has begun."""
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    global _shared
    writer: PartedOutput = render.out  # type: ignore[assignment]
    pieces = [papers[start:start + PIECE_SIZE] for start in range(0, len(papers), PIECE_SIZE)]
    _ = render.common  # made before the fork, so the workers share it
    _shared = (render, writer, pieces)
    try:
        with ProcessPoolExecutor(jobs - 1, mp_context=multiprocessing.get_context("fork")) as pool:
            futures = [pool.submit(_render_piece, index) for index in range(len(pieces))]  # forks now
            try:
                rendered = other_pages()
                for piece, future in reversed(list(zip(pieces, futures))):
                    if not future.cancel():  # workers take pieces in order: all before it are taken
                        break
                    _render_here(render, piece)
                for piece, future in zip(pieces, futures):
                    if not future.cancelled():
                        _take_results(render, writer, piece, *future.result())
            except BaseException:
                for future in futures:
                    future.cancel()
                raise
    finally:
        _shared = None
    return rendered


def _render_here(render: SiteRender, papers: list[PaperView]) -> None:
    for paper in papers:
        files = render.paper_files(paper)
        render.renderer.cache.add_paper_files(_key(render, paper), files)
        for path, data in files:
            render.emit(path, data)


def _take_results(render: SiteRender, writer: PartedOutput, papers: list[PaperView], journal: Any,
                  files: list) -> None:
    writer.merge(journal)
    render.produced.update(path for paper_files in files for path, _ in paper_files)
    for paper, paper_files in zip(papers, files):
        render.renderer.cache.add_paper_files(_key(render, paper), paper_files)


def _render_piece(index: int) -> tuple[Any, list]:
    """In a forked process: one piece's files, written through a part of the writer."""
    assert _shared is not None
    render, writer, pieces = _shared
    part = writer.part()
    files = []
    for paper in pieces[index]:
        with template_errors(render.renderer.source):  # here: the traceback does not cross processes
            paper_files = render.paper_files(paper)
        for path, data in paper_files:
            part.add(path, data)
        keep = render.renderer.cache.keep
        files.append(paper_files if keep else tuple((path, b"") for path, _ in paper_files))
    return part.journal, files

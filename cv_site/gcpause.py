"""`gc_paused()`: the cycle collector off for a stage that allocates many objects and frees few.

Loading 5,000 BibTeX entries or rendering 5,000 pages allocates about a million container objects
that stay alive (or die by reference counting); the cycle collector would scan them again and again
and find next to nothing. Pausing it saves ~10% of the load and ~20% of a typical render, and in
serve mode it keeps a full collection (100-200 ms over a 5,000-paper model) out of the time from a
save to the pages on disk; the few cycles left are collected once it is back on. Used around a
whole build (build.Builder), around a BibTeX load (bibtex.load_bibtex, also used alone) and
around every one-shot command (cli.main), whose imports alone would trigger ~80 collections.
"""

from __future__ import annotations

import gc
from contextlib import contextmanager
from typing import Iterator


@contextmanager
def gc_paused() -> Iterator[None]:
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()

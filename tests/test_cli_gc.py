"""The cycle collector: paused while a one-shot command runs (its imports and its build), on while
`serve` runs, even when `python -m cv_site` turned it off for the imports."""

import gc
from types import SimpleNamespace

import pytest

from cv_site import cli


@pytest.fixture
def collector_on():
    gc.enable()
    yield
    gc.enable()


def test_a_one_shot_command_runs_with_the_collector_paused(monkeypatch, collector_on):
    seen = []

    def load_site(source):
        seen.append(gc.isenabled())
        return SimpleNamespace(warnings=[], sections=[], publications=[], news=[])

    monkeypatch.setattr("cv_site.load.load_site", load_site)
    assert cli.main(["check"]) == 0
    assert seen == [False]
    assert gc.isenabled()


def test_serve_runs_with_the_collector_on_even_when_it_was_off(monkeypatch, collector_on):
    seen = []
    monkeypatch.setattr("cv_site.serve.serve", lambda *args: seen.append(gc.isenabled()) or 0)
    gc.disable()  # as __main__ does
    assert cli.main(["serve"]) == 0
    assert seen == [True]

"""jobs.SharedWork: every piece done exactly once across the forked copies, their results and
errors brought back, and copies that stop early when the caller's own work fails."""

from __future__ import annotations

import os
import time

import pytest

from cv_site.errors import Problem, UserError
from cv_site.jobs import SharedWork, WorkerError

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="needs fork")


class Recorder:
    """Notes the pieces it does; in a forked copy, raises `error` on its first piece if given."""

    def __init__(self, error: BaseException | None = None, seconds: float = 0.0):
        self.parent = os.getpid()
        self.done: list[int] = []
        self.error, self.seconds = error, seconds

    def do(self, piece: int) -> None:
        if self.error is not None and os.getpid() != self.parent:
            raise self.error
        time.sleep(self.seconds)
        self.done.append(piece)

    def start(self) -> None:
        self.done = []

    def finish(self) -> tuple[int, list[int]]:
        return os.getpid(), self.done

    def shared(self, pieces: int, jobs: int) -> SharedWork:
        return SharedWork(pieces, self.do, start=self.start, finish=self.finish, jobs=jobs)


def test_every_piece_is_done_once_by_some_process() -> None:
    recorder = Recorder()
    with recorder.shared(500, jobs=3) as work:
        work.help()
    pids = {pid for pid, _ in work.results}
    assert len(work.results) == 2 and len(pids) == 2 and os.getpid() not in pids
    everything = recorder.done + [piece for _, pieces in work.results for piece in pieces]
    assert sorted(everything) == list(range(500))


def test_a_user_error_in_a_copy_is_raised_here_with_its_problems() -> None:
    problem = Problem("templates/paper.html.j2", 3, None, "", "template error: boom")
    recorder = Recorder(error=UserError([problem]))
    with pytest.raises(UserError) as raised:
        with recorder.shared(10, jobs=2):
            pass  # the caller does none of the pieces: the copy meets the error
    assert raised.value.problems == [problem]
    assert recorder.done == []


def test_a_bug_in_a_copy_comes_back_with_its_traceback_and_its_result() -> None:
    work = Recorder(error=ZeroDivisionError("division by zero")).shared(10, jobs=2)
    with pytest.raises(WorkerError, match="ZeroDivisionError: division by zero"):
        with work:
            pass
    assert len(work.results) == 1  # what it did still comes back (a build undoes what it wrote)


def test_when_the_caller_fails_the_copies_stop_and_report() -> None:
    work = Recorder(seconds=0.002).shared(5000, jobs=2)
    started = time.perf_counter()
    with pytest.raises(KeyError):
        with work:
            time.sleep(0.05)
            raise KeyError("the caller's own work failed")
    assert len(work.results) == 1
    assert 0 < len(work.results[0][1]) < 1000  # it stopped instead of doing the other pieces
    assert time.perf_counter() - started < 5

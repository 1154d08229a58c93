"""Share numbered pieces of work among this process and forked copies of it (Linux).

A big site spends most of its build rendering and writing one page per paper, which Python does
on one core. `SharedWork` forks copies of the process (the loaded model and compiled templates
come along for free), and every process, this one included, takes the next piece number from a
pipe until none is left: a fast process simply does more pieces. A forked copy sends back what
`finish()` returns, or the error it met, and ends with os._exit (it never returns into the
caller's code). Used only by one-shot builds: serve mode has threads, which do not survive a fork.
"""

from __future__ import annotations

import os
import struct
import sys
from typing import Callable

from cv_site.errors import UserError

_PIECE = struct.Struct("<I")
_PIPE_ROOM = 60_000  # bytes of piece numbers the queue holds without blocking (pipes hold 64 KiB)
MAX_PIECES = _PIPE_ROOM // _PIECE.size


def available_jobs() -> int:
    """How many processes a parallel build may use: the cores this process may run on, or 1 where
    fork is not a safe way to get them (Windows has none; macOS's system libraries dislike it)."""
    if not sys.platform.startswith("linux"):
        return 1
    return len(os.sched_getaffinity(0))


class WorkerError(RuntimeError):
    """A forked copy failed in a way that is a bug, not the data's fault (its traceback follows)."""


class SharedWork:
    """`with SharedWork(pieces, do, start=..., finish=..., jobs=n) as work:` forks n - 1 copies,
    which begin at once; the caller may do other work, then calls `work.help()` to do pieces too.
    On leaving the block every copy has ended and `work.results` holds what their `finish()`
    returned (also when the block raised: the caller may need them to undo what they did). The
    first error of a copy is raised when the block itself raised nothing."""

    def __init__(self, pieces: int, do: Callable[[int], None], *, start: Callable[[], None],
                 finish: Callable[[], object], jobs: int):
        if not 0 < pieces <= MAX_PIECES:
            raise ValueError(f"between 1 and {MAX_PIECES} pieces, not {pieces}")
        self.pieces, self.do, self.start, self.finish = pieces, do, start, finish
        self.jobs = max(1, min(jobs, pieces))
        self.results: list[object] = []
        self._workers: list[tuple[int, int]] = []  # (pid, read end of its result pipe)
        self._queue = -1

    def __enter__(self) -> SharedWork:
        queue_read, queue_write = os.pipe()
        os.write(queue_write, b"".join(_PIECE.pack(n) for n in range(self.pieces)))
        os.close(queue_write)
        self._queue = queue_read
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            for _ in range(self.jobs - 1):
                self._fork()
        except BaseException:
            self.__exit__(*sys.exc_info())
            raise
        return self

    def _fork(self) -> None:
        result_read, result_write = os.pipe()
        pid = os.fork()
        if pid == 0:  # the copy: work, report, end here whatever happens
            status = 1
            try:
                import pickle

                os.close(result_read)
                for _, other in self._workers:
                    os.close(other)
                with os.fdopen(result_write, "wb") as out:
                    pickle.dump(self._work_in_copy(), out, protocol=pickle.HIGHEST_PROTOCOL)
                status = 0
            finally:
                os._exit(status)
        os.close(result_write)
        self._workers.append((pid, result_read))

    def _work_in_copy(self) -> tuple[str, object, object]:
        error: tuple[str, object] = ("ok", None)
        try:
            self.start()
            self.help()
        except UserError as problem:
            error = ("user", problem.problems)
        except BaseException:  # noqa: BLE001 - reported to the parent, which raises it
            import traceback

            error = ("bug", traceback.format_exc())
        return (*error, self.finish())

    def help(self) -> None:
        """Do pieces in this process until the queue is empty."""
        while True:
            data = os.read(self._queue, _PIECE.size)  # a read this small from a pipe is atomic
            if not data:
                return
            self.do(_PIECE.unpack(data)[0])

    def __exit__(self, kind, value, trace) -> None:
        if kind is not None:  # take what is left, so the copies stop after their current piece
            while os.read(self._queue, 65536):
                pass
        import pickle  # here, not at the top: most sites are too small to fork (2 ms of imports)

        first_error: BaseException | None = None
        for pid, result_read in self._workers:
            with os.fdopen(result_read, "rb") as results:
                data = results.read()
            _, status = os.waitpid(pid, 0)
            if not data:
                first_error = first_error or WorkerError(f"a build worker ended with status {status}")
                continue
            outcome, detail, result = pickle.loads(data)
            self.results.append(result)
            if outcome == "user":
                first_error = first_error or UserError(detail)
            elif outcome == "bug":
                first_error = first_error or WorkerError(f"a build worker failed:\n{detail}")
        self._workers.clear()
        os.close(self._queue)
        if first_error is not None and kind is None:
            raise first_error

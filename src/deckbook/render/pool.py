"""Worker pools for renderers: processes that share a build's cores, or none at all (`jobs=1`).

A renderer that can split its work (the handbook: one task per chapter) takes the pool the build
made and submits its tasks there, so the deck and both handbooks share one set of processes instead
of each starting their own (which would put five busy processes on two cores).
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Callable, Iterator


class Inline(Executor):
    """An executor that runs each task at once, in the calling thread (no processes)."""

    size = 1

    def submit(self, fn: Callable, /, *args, **kwargs) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as exc:  # handed to whoever asks for the result, as a process pool does
            future.set_exception(exc)
        return future


class Processes(ProcessPoolExecutor):
    """A pool of `size` forked worker processes (they inherit the loaded course, theme and modules)."""

    def __init__(self, size: int):
        super().__init__(size, mp_context=multiprocessing.get_context("fork"))
        self.size = size
        # Fork every worker now, from the calling thread: with the fork method the pool starts all its
        # processes on the first task, and forking while other threads run can copy a held lock.
        self.submit(int).result()


def size(pool: Executor) -> int:
    """Return how many tasks `pool` runs at once."""
    return getattr(pool, "size", os.cpu_count() or 1)


@contextlib.contextmanager
def workers(jobs: int | None = None) -> Iterator[Executor]:
    """Yield a pool of `jobs` worker processes (default: one per core), or an inline one for one job."""
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1:
        yield Inline()
        return
    with Processes(jobs) as pool:
        yield pool

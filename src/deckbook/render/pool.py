"""Worker pools for renderers: processes that share a build's cores, or none at all (`jobs=1`).

A renderer that can split its work (the handbook: one task per chapter) takes the pool the build
made and submits its tasks there, so the deck and both handbooks share one set of processes instead
of each starting their own (which would put five busy processes on two cores).
"""

from __future__ import annotations

import contextlib
import ctypes
import multiprocessing
import os
import signal
from concurrent.futures import Executor, Future, ProcessPoolExecutor
from typing import Callable, Iterator

from .. import interrupt


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
        super().__init__(size, mp_context=multiprocessing.get_context("fork"), initializer=_worker_started,
                         initargs=(os.getpid(),))
        self.size = size
        # Fork every worker now, from the calling thread: with the fork method the pool starts all its
        # processes on the first task, and forking while other threads run can copy a held lock.
        self.submit(int).result()

    def stop(self) -> None:
        """Kill every worker now (an interrupted or failed build): what they were doing is thrown away."""
        for process in list((self._processes or {}).values()):  # ProcessPoolExecutor has no public way
            with contextlib.suppress(OSError, ValueError):
                process.kill()
        self.shutdown(wait=True, cancel_futures=True)


def _worker_started(parent: int) -> None:
    """Set up a worker: Ctrl-C is the parent's to handle, and the worker dies with its parent.

    Ctrl-C in a terminal reaches every process of the group: workers ignore it (no tracebacks of theirs)
    and the parent stops them. A parent killed outright (`kill -9`, the OOM killer) cannot: the kernel then
    kills the workers (PR_SET_PDEATHSIG), so none goes on working, holding memory, after it.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    with contextlib.suppress(OSError, AttributeError):  # not Linux: the parent's stop() is all there is
        libc = ctypes.CDLL(None, use_errno=True)
        libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the parent died before prctl: no signal will come
        os._exit(1)


_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>


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
    pool = Processes(jobs)
    try:
        yield pool
    except BaseException:
        with interrupt.held():  # a second Ctrl-C does not interrupt the stopping
            pool.stop()  # an error or an interrupt: waiting for the workers to finish would only delay it
        raise
    pool.shutdown(wait=True)


def stop(pool: Executor) -> None:
    """Stop `pool`'s workers at once, if it has any."""
    if isinstance(pool, Processes):
        pool.stop()

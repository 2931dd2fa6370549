"""Worker pools for renderers: processes that share a build's cores, or none at all (`jobs=1`).

A renderer that can split its work (the handbook: one task per chapter) takes the pool the build
made and submits its tasks there, so the deck and both handbooks share one set of processes instead
of each starting their own (which would put five busy processes on two cores).

Workers are short-lived: after `TASKS_PER_WORKER` tasks a worker exits and a new one takes its place.
Laying out a document leaves memory behind in the process that did it, native memory (Python's own
allocations stay flat), ≈55 KB a page (docs/performance.md): a worker that lived through a whole long
book would hold all of it. Workers are forked from a server process (`forkserver`) that imported the
renderers' modules once, not from the build: a new worker costs a fork, and no fork happens while the
build's threads run.
"""

from __future__ import annotations

import collections
import contextlib
import multiprocessing
import os
import signal
import threading
from concurrent.futures import CancelledError, Executor, Future, ProcessPoolExecutor
from multiprocessing import forkserver
from typing import Callable, Iterable, Iterator

from .. import epoch, interrupt

TASKS_PER_WORKER = 16
"""Tasks a worker runs before the pool replaces it (a handbook chapter is one task, ≈12 pages)."""


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


class Processes(Executor):
    """A pool of `size` worker processes, each replaced by a new one after `per_worker` tasks.

    Each worker is a one-process executor of its own (a lane) that runs one task at a time; tasks wait
    here until a lane is free. A lane that has run its share is shut down while idle, so its worker
    exits at once and never sits beside its successor. A task runs with the SOURCE_DATE_EPOCH the build
    had when it was submitted (workers do not share the build's environment).
    """

    def __init__(self, size: int, preload: Iterable[str] = (), per_worker: int = TASKS_PER_WORKER):
        self.size = size
        _start_server(list(preload))
        self._context = multiprocessing.get_context("forkserver")
        self._per_worker = per_worker
        self._lock = threading.Lock()
        self._waiting: collections.deque[tuple[Future, _Task, tuple, dict]] = collections.deque()
        self._idle = [_Lane() for _ in range(size)]
        self._lanes = list(self._idle)
        self._retired: list[dict] = []  # the worker processes of replaced lanes, until they exit
        self._closed = False

    def submit(self, fn: Callable, /, *args, **kwargs) -> Future:
        future: Future = Future()
        with self._lock:
            if self._closed:
                raise RuntimeError("cannot submit to a pool that was shut down")
            self._waiting.append((future, _Task(fn, epoch.get()), args, kwargs))
            self._dispatch()
        return future

    def _dispatch(self) -> None:
        """Hand waiting tasks to idle lanes (lock held)."""
        while self._waiting and self._idle:
            future, task, args, kwargs = self._waiting.popleft()
            if not future.set_running_or_notify_cancel():
                continue
            lane = self._idle.pop()
            try:
                inner = self._worker(lane).submit(task, *args, **kwargs)
            except BaseException as exc:  # a broken worker: the task fails as it would have
                self._idle.append(lane)
                future.set_exception(exc)
                continue
            inner.add_done_callback(lambda done, future=future, lane=lane: self._finished(future, lane, done))

    def _worker(self, lane: _Lane) -> ProcessPoolExecutor:
        """Return `lane`'s executor, a new one when the old one has run its share of tasks (lock held)."""
        if lane.executor is not None and lane.given >= self._per_worker:
            self._retired = [p for p in self._retired if any(w.exitcode is None for w in p.values())]
            self._retired.append(lane.executor._processes)  # ProcessPoolExecutor has no public way
            lane.executor.shutdown(wait=False)  # idle: its worker exits now
            lane.executor = None
        if lane.executor is None:
            lane.executor = ProcessPoolExecutor(1, mp_context=self._context, initializer=_worker_started)
            lane.given = 0
        lane.given += 1
        return lane.executor

    def _finished(self, future: Future, lane: _Lane, done: Future) -> None:
        with self._lock:
            self._idle.append(lane)
            self._dispatch()
        if done.cancelled():  # a stopped pool cancels what its workers had not started
            future.set_exception(CancelledError())
            return
        error = done.exception()
        if error is not None:
            future.set_exception(error)
        else:
            future.set_result(done.result())

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        with self._lock:
            self._closed = True
            if cancel_futures:
                while self._waiting:
                    future = self._waiting.popleft()[0]
                    if future.cancel():
                        future.set_running_or_notify_cancel()  # else `wait()` would not see it end
        if wait:  # tasks still waiting here are handed out as running ones finish
            while True:
                with self._lock:
                    pending = [f for f, *_ in self._waiting]
                if not pending:
                    break
                for future in pending:
                    with contextlib.suppress(BaseException):
                        future.exception()
        for lane in self._lanes:
            if lane.executor is not None:
                lane.executor.shutdown(wait=wait, cancel_futures=cancel_futures)
        if wait:
            for processes in self._retired:
                for process in list(processes.values()):
                    process.join()

    def stop(self) -> None:
        """Kill every worker now (an interrupted or failed build): what they were doing is thrown away."""
        with self._lock:
            sets = [*self._retired, *(lane.executor._processes or {} for lane in self._lanes if lane.executor)]
        for processes in sets:
            for process in list(processes.values()):  # ProcessPoolExecutor has no public way
                with contextlib.suppress(OSError, ValueError):
                    process.kill()
        self.shutdown(wait=True, cancel_futures=True)


def _start_server(preload: list[str]) -> None:
    """Start the fork server (once per process: a later call finds it running) with `preload` imported.

    The server must ignore Ctrl-C and SIGTERM from its first instruction: a signal meant for the build would
    otherwise interrupt its imports, with a traceback. An ignored signal stays ignored across `exec`, so
    the build ignores them while it starts the server, with both blocked meanwhile: one that arrives
    then stays pending and reaches the build's handler once it is back. (From the main thread, before the
    build's threads start; workers restore SIGTERM in `_worker_started`.)
    """
    forkserver.set_forkserver_preload(preload)
    if threading.current_thread() is not threading.main_thread():
        forkserver.ensure_running()
        return
    signals = {signal.SIGINT, signal.SIGTERM}
    blocked = signal.pthread_sigmask(signal.SIG_BLOCK, signals)
    handlers = {signum: signal.signal(signum, signal.SIG_IGN) for signum in signals}
    try:
        forkserver.ensure_running()
    finally:
        for signum, handler in handlers.items():
            signal.signal(signum, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, blocked)


class _Lane:
    """One worker of a pool: its executor (None until a task needs it) and the tasks it was given."""

    def __init__(self) -> None:
        self.executor: ProcessPoolExecutor | None = None
        self.given = 0


class _Task:
    """A task as a worker runs it: with the SOURCE_DATE_EPOCH of the build that submitted it."""

    def __init__(self, fn: Callable, source_date: str | None):
        self.fn, self.source_date = fn, source_date

    def __call__(self, *args, **kwargs):
        if self.source_date is None:
            os.environ.pop(epoch.VARIABLE, None)
            return self.fn(*args, **kwargs)
        with epoch.pinned(self.source_date):
            return self.fn(*args, **kwargs)


def _worker_started() -> None:
    """Set up a worker: Ctrl-C is the build's to handle, and the worker dies with the build.

    Ctrl-C in a terminal reaches every process of the group: workers ignore it (no tracebacks of theirs)
    and the build stops them. A build killed outright (`kill -9`, the OOM killer) cannot: a thread of the
    worker waits for the build's end of a pipe to close and then ends the worker, so none goes on working,
    holding memory, after the build (the fork server, which the workers keep open, then exits too).
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    build = multiprocessing.parent_process()  # the build (not the fork server): watched through a pipe
    if build is not None:
        threading.Thread(target=_end_with, args=(build,), name="deckbook-build-watch", daemon=True).start()


def _end_with(build) -> None:
    build.join()  # returns once the build's end of the pipe is closed: it has exited, or was killed
    os._exit(1)


def size(pool: Executor) -> int:
    """Return how many tasks `pool` runs at once."""
    return getattr(pool, "size", os.cpu_count() or 1)


@contextlib.contextmanager
def workers(jobs: int | None = None, preload: Iterable[str] = ()) -> Iterator[Executor]:
    """Yield a pool of `jobs` worker processes (default: one per core), or an inline one for one job.

    `preload` names the modules the workers' tasks need (the renderers'): imported once, by the server
    the workers are forked from.
    """
    jobs = jobs or os.cpu_count() or 1
    if jobs <= 1:
        yield Inline()
        return
    pool = Processes(jobs, preload)
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

"""The build's worker pool: workers are replaced every few tasks, never more run than asked for.

A worker keeps native memory from every document it lays out (docs/performance.md): the pool replaces
its workers every `per_generation` tasks, so the memory of a long book's build does not grow with it.
"""

from __future__ import annotations

import os
import time
from concurrent.futures import BrokenExecutor, CancelledError, wait

import pytest

from deckbook import epoch
from deckbook.render import pool


def pid_after(seconds: float) -> int:
    time.sleep(seconds)
    return os.getpid()


def source_date() -> str | None:
    return os.environ.get(epoch.VARIABLE)


def running_together(spans: list[tuple[float, float]]) -> int:
    """Return how many of the (start, end) spans overlap at most at one moment."""
    events = sorted([(start, 1) for start, _ in spans] + [(end, -1) for _, end in spans])
    most = now = 0
    for _, step in events:
        now += step
        most = max(most, now)
    return most


def span(seconds: float) -> tuple[float, float]:
    start = time.time()
    time.sleep(seconds)
    return start, time.time()


def test_workers_are_replaced_every_few_tasks():
    with pool.workers(2) as workers:
        workers._per_worker = 2  # type: ignore[attr-defined]
        pids = [f.result() for f in [workers.submit(pid_after, 0.05) for _ in range(12)]]
    assert len(set(pids)) >= 6  # three sets of two workers
    assert os.getpid() not in pids


def test_no_more_tasks_run_at_once_than_the_pool_has_workers_while_sets_change():
    with pool.workers(2) as workers:
        workers._per_worker = 2  # type: ignore[attr-defined]
        spans = [f.result() for f in [workers.submit(span, 0.2) for _ in range(9)]]
    assert running_together(spans) == 2


def test_a_task_sees_the_source_date_of_the_build_that_submitted_it(monkeypatch):
    with pool.workers(2) as workers:
        with epoch.pinned("86400"):
            assert workers.submit(source_date).result() == "86400"
        monkeypatch.delenv(epoch.VARIABLE, raising=False)
        assert workers.submit(source_date).result() is None


def test_a_stopped_pool_ends_every_task_it_was_given():
    with pool.workers(2) as workers:
        futures = [workers.submit(pid_after, 30) for _ in range(5)]
        time.sleep(0.5)
        workers.stop()  # type: ignore[attr-defined]
        done, pending = wait(futures, timeout=30)
    assert not pending
    for future in done:
        with pytest.raises((BrokenExecutor, CancelledError)):
            future.result()

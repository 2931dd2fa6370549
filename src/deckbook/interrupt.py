"""SIGINT and SIGTERM: a build stops where it is, and says truthfully whether its outputs were replaced.

The command line installs `handler` for both signals; it raises `Interrupted`, which unwinds the build (worker
processes are stopped, temporaries removed) up to the command line's one error boundary. While the outputs are
being put in place (`deferred`), a signal is held back until they all are, so it never leaves half of them new.
"""

from __future__ import annotations

import contextlib
import signal
import threading
from typing import Iterator

SIGNALS = (signal.SIGINT, signal.SIGTERM)
_held: list[int] | None = None  # signals received while outputs were being put in place
_written = False  # outputs were put in place since the handler was installed


class Interrupted(BaseException):
    """The build received SIGINT or SIGTERM; `written` says whether the new outputs were already all in place.

    A BaseException like KeyboardInterrupt, so no `except Exception` on the way swallows it.
    """

    def __init__(self, signum: int, written: bool = False):
        super().__init__(signum, written)
        self.signum = signum
        self.written = written

    @property
    def name(self) -> str:
        return signal.Signals(self.signum).name


def handler(signum: int, frame: object) -> None:
    """Raise Interrupted, or hold the signal back while outputs are being put in place."""
    if _held is not None:
        _held.append(signum)
        return
    raise Interrupted(signum, _written)


@contextlib.contextmanager
def installed() -> Iterator[None]:
    """Handle SIGINT and SIGTERM with `handler` while the block runs (from the main thread only)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    global _written
    _written = False
    before = {signum: signal.signal(signum, handler) for signum in SIGNALS}
    try:
        yield
    finally:
        for signum, previous in before.items():
            signal.signal(signum, previous)


@contextlib.contextmanager
def held() -> Iterator[list[int]]:
    """Hold SIGINT and SIGTERM back while the block runs: yield the list of those that came meanwhile.

    A thread that only waits for others holds them, and checks the list at points where stopping is safe:
    an exception raised asynchronously while other threads run can leave a lock (logging's, an import's) held.
    """
    global _held
    outer, _held = _held, []
    try:
        yield _held
    finally:
        got, _held = _held, outer
        if outer is not None:
            outer += got


def check(signals: list[int]) -> None:
    """Raise Interrupted if one of `signals` (from `held`) came."""
    if signals:
        raise Interrupted(signals[0], _written)


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back while the block (putting outputs in place) runs; raise after it if one came.

    Once the block has run, an interrupt says that the new outputs were written.
    """
    global _written
    with held() as signals:
        yield
        _written = True
    check(signals)

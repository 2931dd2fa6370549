"""`invoke watch`: rebuild a course whenever one of its files or its theme changes; one status line each."""

from __future__ import annotations

import sys
import time
from pathlib import Path

from watchfiles import watch as watch_changes

from .build import build, find_course
from .errors import DeckbookError
from .options import Options
from .theme import SHIPPED_THEMES


def watch(course_ref: str, options: Options = Options(), stop_after: int | None = None) -> None:
    """Build now, then after every saved change under the course or the themes (`stop_after` rebuilds, for tests)."""
    root = find_course(course_ref)
    folders = [root, *(p for p in (Path("themes").resolve(), SHIPPED_THEMES) if p.is_dir())]
    _once(course_ref, options)
    count = 0
    for _changes in watch_changes(*folders, watch_filter=_relevant, debounce=300, rust_timeout=0):
        _once(course_ref, options)
        count += 1
        if stop_after is not None and count >= stop_after:
            return


def _relevant(change, path: str) -> bool:
    parts = Path(path).parts
    return not any(p in ("target", "build", ".git", "__pycache__") or p.startswith(".") for p in parts)


def _once(course_ref: str, options: Options) -> None:
    started = time.perf_counter()
    stamp = time.strftime("%H:%M:%S")
    try:
        result = build(course_ref, options=options)
    except DeckbookError as exc:
        for d in exc.diagnostics:
            print(d, file=sys.stderr)
        print(f"{stamp} ✗ {len(exc.diagnostics)} problem(s); previous outputs kept", flush=True)
        return
    took = time.perf_counter() - started
    rendered = ", ".join(result.rendered) or "nothing changed"
    warn = f", {len(result.warnings)} warning(s)" if result.warnings else ""
    print(f"{stamp} ✓ {result.slug}: {rendered} in {took:.2f} s{warn}", flush=True)

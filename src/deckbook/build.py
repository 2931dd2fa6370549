"""The pipeline: load → theme → check → render each output (in parallel, atomically) → record.

One straight line of named steps; the cache decides what needs rendering at all.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import os
import shutil
import sys
import time
from concurrent.futures import FIRST_COMPLETED, Executor, ThreadPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Callable, Iterator

from . import cache, epoch, interrupt
from .errors import Diagnostic, Diagnostics, EnvironmentProblem, Location, RenderError
from .load import find_course
from .options import Options
from .paths import confined
from .outputs import OUTPUTS
from .render.pool import Inline, stop, workers

if TYPE_CHECKING:  # loading a course is imported when one is loaded: a no-op build needs none of it
    from . import model as m
    from .theme import Theme


Progress = Callable[[str, float], None]


@dataclass(frozen=True)
class Result:
    """What a build produced: the files, which of them were rendered (not cached), and warnings."""

    slug: str
    version: str
    files: dict[str, Path]  # output name → file
    rendered: tuple[str, ...]
    warnings: tuple[Diagnostic, ...]


def load(course_ref: str | Path, version: str | None = None, strict: bool = False) -> tuple[m.Course, Theme, Diagnostics]:
    """Return the course, its theme and the warnings met on the way (errors raise)."""
    from .load.course import load_course
    from .theme import load_theme

    diags = Diagnostics()
    course = load_course(find_course(course_ref), version, diags, strict)
    theme = load_theme(course.meta.theme, _theme_key(course.root / "course.yaml"))
    return course, theme, diags


def build(course_ref: str | Path, out_dir: Path | None = None, outputs: tuple[str, ...] | None = None,
          options: Options = Options(), version: str | None = None, jobs: int | None = None,
          progress: Progress | None = None) -> Result:
    """Build `outputs` of one course into `out_dir` (default build/<slug>/); unchanged outputs are kept."""
    started = time.perf_counter()
    outputs = outputs or tuple(OUTPUTS)
    root = find_course(course_ref)
    out_dir = out_dir or Path("build") / root.name
    manifest = cache.Manifest(out_dir)
    cached = _cached_files(root, manifest, outputs, options, version)
    if cached is not None:
        _tell(progress, "up to date", _since(started))
        return Result(root.name, manifest.data["version"], cached, (), ())
    course, theme, diags = load(root, version, options.strict)
    _tell(progress, "load", _since(started))
    check(course, theme, diags, options.strict, outputs)
    inputs = [*course.sources, *theme.files]
    key = cache.inputs_key(root, [*inputs, *_globbed(root, theme.folders)])
    keys = {name: cache.output_key(key, name, OUTPUTS[name].options(options), version) for name in outputs}
    unwanted = [name for name in outputs if not OUTPUTS[name].wanted(course)]  # no exercises: no solutions
    targets = {name: output_path(course, out_dir, name) for name in outputs if name not in unwanted}
    todo = [name for name in targets if not manifest.fresh(name, keys[name], targets[name])]
    out_dir.mkdir(parents=True, exist_ok=True)
    with _lock(out_dir):
        render_all(todo, course, theme, targets, options, jobs, progress)
        for name in todo:
            manifest.record([*inputs, *theme.folders], name, keys[name], targets[name])
        for name in unwanted:  # an earlier build's file of it (the exercises have gone) would be stale
            stale = manifest.skip(name, keys[name])
            if stale is not None:
                stale.unlink(missing_ok=True)
        manifest.data["version"] = course.meta.version
        manifest.save()
    _tell(progress, "total", _since(started))
    return Result(course.slug, course.meta.version, targets, tuple(todo), tuple(diags.warnings))


def output_path(course: m.Course, out_dir: Path, name: str) -> Path:
    """Return where output `name` of `course` is written."""
    return out_dir / f"{course.slug}-{course.meta.version}{OUTPUTS[name].suffix}"


def render_all(names: list[str], course: m.Course, theme: Theme, targets: dict[str, Path], options: Options,
               jobs: int | None = None, progress: Progress | None = None) -> None:
    """Render each output in `names` beside its target, then put them all in place at once.

    Nothing is replaced before every output has rendered: a failure or an interrupt anywhere leaves every
    previous output as it was. All outputs share one pool of worker processes (default: one per core).
    """
    temporaries = {name: targets[name].with_name(f".{targets[name].name}.{os.getpid()}.tmp") for name in names}
    try:
        with epoch.course_date(course.meta.date), workers(jobs, (OUTPUTS[n].module for n in names)) as pool:
            if isinstance(pool, Inline) or len(names) <= 1:
                for name in names:
                    _tell(progress, name, render(name, course, theme, temporaries[name], options, pool))
            else:
                _render_together(names, course, theme, temporaries, options, pool, progress)
        with interrupt.deferred():  # a signal now waits until every output is in place
            for name in names:
                os.replace(temporaries[name], targets[name])
    except BrokenProcessPool:  # a worker was killed (out of memory) or aborted (qpdf on a full disk)
        raise EnvironmentProblem(_worker_died(next(iter(targets.values())).parent)) from None
    finally:
        for tmp in temporaries.values():
            tmp.unlink(missing_ok=True)


def _render_together(names: list[str], course: m.Course, theme: Theme, outs: dict[str, Path], options: Options,
                     pool: Executor, progress: Progress | None) -> None:
    """Render the outputs side by side, a thread waiting for each; each renderer submits its work to the pool
    (the deck as one task, the handbook chapter by chapter), so both editions and the deck keep every core busy."""
    _few_malloc_arenas()
    threads = ThreadPoolExecutor(len(names))
    try:
        with interrupt.held() as signals:  # this thread only waits: it stops when told, at a safe point
            futures = {threads.submit(render, name, course, theme, outs[name], options, pool): name for name in names}
            pending = set(futures)
            while pending:
                done, pending = wait(pending, timeout=0.1, return_when=FIRST_COMPLETED)
                interrupt.check(signals)
                for future in done:
                    _tell(progress, futures[future], future.result())
    except BaseException:
        with interrupt.held():  # a second Ctrl-C does not interrupt the stopping
            stop(pool)  # the threads wait for the workers: stopping those first ends the threads at once
            threads.shutdown(wait=True, cancel_futures=True)
        raise
    threads.shutdown(wait=True)


def _few_malloc_arenas() -> None:
    """Let the build's threads share two malloc arenas instead of one each (glibc's M_ARENA_MAX).

    Each thread that allocates beside another gets an arena of its own, and what an arena frees stays in
    it: the threads writing three editions' HTML left the 50× build's process 19 MiB larger (249 against
    230 MiB, docs/performance.md). Not glibc (musl, macOS): nothing to do.
    """
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None).mallopt(_M_ARENA_MAX, 2)


_M_ARENA_MAX = -8  # <malloc.h>


def _worker_died(out_dir: Path) -> str:
    """Return what to tell when a worker process died without a word: the likely causes, the free disk."""
    free = shutil.disk_usage(out_dir).free
    disk = (f"the disk holding {out_dir} is full" if free < 16 * 1024 * 1024
            else f"{free // (1024 * 1024)} MiB free in {out_dir}")
    return f"a worker process died abruptly (killed, out of memory, or out of disk space: {disk})"


def render(name: str, course: m.Course, theme: Theme, out: Path, options: Options, pool: Executor) -> float:
    """Render output `name` to file `out`; return the seconds it took."""
    started = time.perf_counter()
    output = OUTPUTS[name]
    output.renderer().render(course, theme, out, output.options(options), pool)
    return time.perf_counter() - started


def check(course: m.Course, theme: Theme, diags: Diagnostics, strict: bool = False,
          outputs: tuple[str, ...] | None = None) -> Diagnostics:
    """Add characters no font of the theme has, the schedule's warnings, then what each output's renderer
    reports without rendering (the deck: shrinks, splits, wraps); raise on errors."""
    from .render.common import fontchain
    from .render.common.teaching import report

    fontchain.check(course, theme, diags)  # both outputs draw every character with the one chain
    diags.extend(report(course))  # minutes that do not add up, days that overrun
    renderers = {OUTPUTS[name].module: OUTPUTS[name] for name in outputs or OUTPUTS if OUTPUTS[name].checks}
    for output in renderers.values():  # one report per renderer module, however many outputs it makes
        diags.extend(output.renderer().report(course, theme))
    diags.raise_if_errors(RenderError, strict)
    return diags


def _cached_files(root: Path, manifest: cache.Manifest, outputs: tuple[str, ...], options: Options,
                  version: str | None) -> dict[str, Path] | None:
    """Return the outputs when the last build's inputs are unchanged (checked without parsing anything)."""
    entries = manifest.data.get("outputs", {})
    if not manifest.inputs or any(name not in entries for name in outputs):
        return None
    files = [p for p in manifest.inputs if not p.is_dir()]
    folders = [p for p in manifest.inputs if p.is_dir()]
    key = cache.inputs_key(root, [*files, *_globbed(root, tuple(folders))])
    keys = {name: cache.output_key(key, name, OUTPUTS[name].options(options), version) for name in outputs}
    targets = {name: manifest.path.parent.parent / entries[name]["file"] for name in outputs if entries[name]["file"]}
    fresh = all(manifest.fresh(name, keys[name], targets[name]) if name in targets else manifest.skipped(name, keys[name])
                for name in outputs)
    return targets if fresh else None


def _globbed(root: Path, theme_folders: tuple[Path, ...]) -> list[Path]:
    """Return files whose mere appearance changes a build: chapters, course.yaml, theme files."""
    found = [root / "course.yaml", *root.glob("*.md")]
    for folder in theme_folders:  # a file linking out of the theme is not part of it: never opened, not hashed
        found += [p for p in folder.rglob("*") if p.is_file() and confined(p, [folder])]
    return found




def _theme_key(course_file: Path) -> Location:
    """Return where course.yaml names its theme (unknown themes are reported there)."""
    from . import yamlsrc

    return yamlsrc.find([course_file], ("theme",), value=True) or Location(course_file)


def _remove_stale_temporaries(out_dir: Path) -> None:
    """Delete temporary files left by a build that was killed (we hold the lock: none is in use)."""
    for tmp in [*out_dir.glob(".*.tmp"), *(out_dir / ".cache").rglob(".*.tmp")]:
        tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def _lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on `out_dir`, so two builds at once wait rather than tear files.

    A POSIX record lock (`lockf`) belongs to this process alone: worker processes do not inherit it, and the
    system releases it when this process dies, however it dies. The file holds the holder's process id, so a
    build that waits says for whom, and one that finds the id of a process that is gone says it takes over.
    """
    path = out_dir / ".lock"
    with open(path, "a+") as handle:
        try:
            fcntl.lockf(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            print(f"deckbook: waiting for the build {_holder(handle) or 'of another process'} into {out_dir} "
                  f"to finish ({path})", file=sys.stderr, flush=True)
            fcntl.lockf(handle, fcntl.LOCK_EX)
        holder = _holder(handle)
        if holder and holder != f"process {os.getpid()}":
            print(f"deckbook: took over {path} from {holder}, which is gone (killed?); its leftovers are removed",
                  file=sys.stderr, flush=True)
        handle.truncate(0)
        handle.write(str(os.getpid()))
        handle.flush()
        try:
            _remove_stale_temporaries(out_dir)
            yield
        finally:
            _remove_stale_temporaries(out_dir)
            handle.truncate(0)
            handle.flush()
            fcntl.lockf(handle, fcntl.LOCK_UN)


def _holder(handle) -> str:
    """Return who the lock file says holds it ('process N'), or ''."""
    handle.seek(0)
    text = handle.read().strip()
    return f"process {text}" if text.isdigit() else ""


def _tell(progress: Progress | None, step: str, seconds: float) -> None:
    if progress is not None:
        progress(step, seconds)


def _since(started: float) -> float:
    return time.perf_counter() - started

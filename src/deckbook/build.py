"""The pipeline: load → theme → render each output → write atomically. One straight line of named steps."""

from __future__ import annotations

import contextlib
import fcntl
import importlib
import os
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Iterator

from . import model as m
from .errors import Diagnostic, Diagnostics, Location, RenderError
from .load import find_course, load_course
from .options import Options
from .theme import Theme, load_theme


@dataclass(frozen=True)
class Output:
    """One artefact: the renderer module that makes it, its file-name suffix, its edition."""

    module: str
    suffix: str
    edition: str = "student"


#: The registry of outputs. A new format is one renderer module and one line here.
OUTPUTS: dict[str, Output] = {
    "deck": Output("deckbook.render.deck", ".pptx"),
    "handbook": Output("deckbook.render.handbook", ".pdf"),
    "handbook-trainer": Output("deckbook.render.handbook", "-trainer.pdf", "trainer"),
}
GROUPS = {"all": tuple(OUTPUTS), "deck": ("deck",), "handbook": ("handbook", "handbook-trainer")}


@dataclass(frozen=True)
class Result:
    """What a build produced, and the warnings it met."""

    course: m.Course
    files: tuple[Path, ...]
    warnings: tuple[Diagnostic, ...]


def load(course_ref: str | Path, version: str | None = None, strict: bool = False) -> tuple[m.Course, Theme, Diagnostics]:
    """Return the course, its theme and the warnings met on the way (errors raise)."""
    diags = Diagnostics()
    course = load_course(find_course(course_ref), version, diags, strict)
    theme = load_theme(course.meta.theme, Location(course.root / "course.yaml"))
    return course, theme, diags


def output_path(course: m.Course, out_dir: Path, name: str) -> Path:
    """Return where output `name` of `course` is written."""
    return out_dir / f"{course.slug}-{course.meta.version}{OUTPUTS[name].suffix}"


def build(course_ref: str | Path, out_dir: Path | None = None, outputs: tuple[str, ...] = GROUPS["all"],
          options: Options = Options(), version: str | None = None) -> Result:
    """Build `outputs` of one course into `out_dir` (default build/<slug>/) and return what was written."""
    course, theme, diags = load(course_ref, version, options.strict)
    out_dir = out_dir or Path("build") / course.slug
    if "deck" in outputs:
        check(course, theme, diags, options.strict)
    out_dir.mkdir(parents=True, exist_ok=True)
    files = []
    with _lock(out_dir):
        for name in outputs:
            files.append(render(name, course, theme, output_path(course, out_dir, name), options))
    return Result(course, tuple(files), tuple(diags.warnings))


def render(name: str, course: m.Course, theme: Theme, target: Path, options: Options) -> Path:
    """Render output `name` to `target` atomically: a temporary file beside it, then a rename."""
    output = OUTPUTS[name]
    renderer = importlib.import_module(output.module)
    tmp = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        renderer.render(course, theme, tmp, replace(options, edition=output.edition))
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return target


def check(course: m.Course, theme: Theme, diags: Diagnostics, strict: bool = False) -> Diagnostics:
    """Add the deck's overflow report (shrinks, splits, wraps) to `diags`; raise on errors."""
    from .render import deck

    diags.extend(deck.report(course, theme))
    diags.raise_if_errors(RenderError, strict)
    return diags


@contextlib.contextmanager
def _lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on `out_dir`, so two builds at once wait rather than tear files."""
    with open(out_dir / ".lock", "w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)

"""Loading a course: `find_course` finds its folder, `load_course` reads it into a `model.Course`.

`load_course` lives in `load.course` with the Markdown parser, pydantic and YAML it needs; it is
imported on first use, so that a build with nothing to do (it only finds the course and hashes its
files) does not pay for them.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import ContentError, Diagnostic, Location

if TYPE_CHECKING:
    from .course import load_course

__all__ = ["COURSE_FILE", "find_course", "load_course"]

COURSE_FILE = "course.yaml"


def find_course(ref: str | Path, content_dir: Path = Path("content")) -> Path:
    """Return the course folder for a slug under content/ or a path to a course folder."""
    path = Path(ref)
    for candidate in (path, content_dir / path):
        if (candidate / COURSE_FILE).is_file():
            return candidate.resolve()
    raise ContentError([_no_course(path, content_dir)])


def _no_course(path: Path, content_dir: Path) -> Diagnostic:
    known = sorted(p.name for p in content_dir.glob("*") if (p / COURSE_FILE).is_file()) if content_dir.is_dir() else []
    hint = f"courses under {content_dir}/: {', '.join(known)}" if known else "a course folder holds a course.yaml"
    return Diagnostic(Location(path), f"no {COURSE_FILE} found for course '{path}'", hint)


def __getattr__(name: str):
    if name == "load_course":
        from .course import load_course

        return load_course
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")

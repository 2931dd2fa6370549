"""Names that become paths, and files opened only inside the folder that names them.

A course and a theme come from other people: every file they name is opened only when its real path (symbolic
links followed) lies inside their folder, and every name that becomes part of an output path (course slug,
version) is checked to be a plain name first.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Iterable

#: A version as it appears in a file name: PEP 440 or SemVer-like text, no separators or spaces.
VERSION = re.compile(r"^[0-9A-Za-z][0-9A-Za-z.+_-]{0,63}$")
VERSION_HINT = "a version such as 1.0, 2.1.0-rc.1 or 2026.03: letters, digits, '.', '-', '+', '_' (at most 64)"
_SLUG_BAD = re.compile(r"[\x00-\x1f\x7f/\\]")


def version_problem(version: str) -> str:
    """Return why `version` cannot be a course version ('' when it can)."""
    if not VERSION.match(version) or ".." in version:
        shown = version if len(version) <= 40 else version[:37] + "..."
        return f"'{shown.encode('unicode_escape').decode('ascii')}' is not a version"
    return ""


def slug_problem(name: str) -> str:
    """Return why folder name `name` cannot name the outputs ('' when it can)."""
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        return "the course folder's name is not valid UTF-8"
    if not name or name in (".", "..") or name.startswith(".") or _SLUG_BAD.search(name):
        return f"the course folder's name {name!r} cannot name output files"
    return ""


def confined(path: Path, roots: Iterable[Path]) -> Path | None:
    """Return the real path of `path` when it lies inside one of `roots` (their real paths), else None."""
    try:
        real = path.resolve()
        return real if any(real.is_relative_to(Path(root).resolve()) for root in roots) else None
    except (OSError, RuntimeError, ValueError):  # a symbolic-link loop, a NUL, too long a name
        return None

"""`deckbook import`: an existing mdBook, Marp deck or pandoc slide show → a course folder, plus a report.

Each source kind is one module with `convert(source) -> Conversion`; `course.write` is the one place that
writes. Sources are only read.
"""

from __future__ import annotations

import importlib
from pathlib import Path

from .course import REPORT_FILE, Conversion, refuse_non_empty, write

KINDS = {
    "mdbook": "an mdBook folder (book.toml, src/SUMMARY.md)",
    "marp": "a Marp deck (one Markdown file)",
    "pandoc": "a pandoc slide show (one Markdown file)",
}
"""Source kind → what SOURCE is; each kind is the module of that name in this package."""

__all__ = ["KINDS", "REPORT_FILE", "Conversion", "import_course"]


def import_course(kind: str, source: Path, out: Path, force: bool = False, **options) -> Conversion:
    """Convert `source` of `kind` and write the course into `out`; return the conversion (with its report).

    `options` go to the kind's `convert` (pandoc: `slide_level`). Raise ContentError when the source cannot be
    read or `out` is not empty (unless `force`).
    """
    refuse_non_empty(source, out, force)
    conversion = importlib.import_module(f".{kind}", __package__).convert(source, **options)
    write(conversion, out)
    return conversion

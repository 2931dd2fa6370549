"""The deck renderer: a course and a theme become an editable, 16:9, syntax-highlighted .pptx.

python-pptx is imported in this package only, and only when a deck is written or read: the layout
(`layout.DeckStream`) is pure, so `report()` — the overflow report of `invoke check` — costs only font
measurement. The default template lives in the default theme (see `template.DEFAULT_TEMPLATE`).
"""

from __future__ import annotations

from concurrent.futures import Executor
from dataclasses import fields, is_dataclass, replace
from pathlib import Path

from ...errors import Diagnostic, RenderError
from ...model import Course, Only
from ...options import Options
from ...theme import Theme
from .layout import DeckStream

__all__ = ["render", "report", "describe"]


def render(course: Course, theme: Theme, out: Path, options: Options, pool: Executor | None = None) -> Path:
    """Write the deck of `course` to `out` and return `out`; with `options.strict`, overflow is an error.

    The deck is one task: in `pool` when given (the build's worker processes), else here. A worker is sent
    the course without what only the handbook shows (`for_slides`).
    """
    if pool is not None:
        return pool.submit(render, for_slides(course), theme, out, options).result()
    from . import package, writer  # python-pptx: only when a deck is really written

    stream = DeckStream(course, theme)
    skeleton = [(slide.layout, slide.anchors) for slide in stream]  # a first pass: what each slide will be
    plan = stream.plan()
    errors = [d for d in plan.diagnostics if d.severity == "error"]
    if errors or (options.strict and plan.diagnostics):
        raise RenderError([Diagnostic(d.location, d.message, d.hint, "error") for d in plan.diagnostics])
    prs = package.open_template(theme, plan.width, plan.height)
    writer.draw_deck(prs, plan, writer.Pen(theme, course.meta.language), stream, skeleton)
    package.set_core_properties(prs, course)
    return package.save(prs, out, course)


def for_slides(node):
    """Return `node` (the course, or any part of it) without the blocks only the handbook shows (`::: handbook`).

    The deck never reads them, and they can be most of a course (two thirds of the shipped one): a worker
    drawing the deck is sent the rest. What is unchanged is shared, not copied.
    """
    if isinstance(node, tuple):
        kept = tuple(for_slides(item) for item in node if not (isinstance(item, Only) and item.target == "handbook"))
        return node if len(kept) == len(node) and all(a is b for a, b in zip(kept, node)) else kept
    if is_dataclass(node) and not isinstance(node, type):
        changed = {f.name: new for f in fields(node) if (new := for_slides(old := getattr(node, f.name))) is not old}
        return replace(node, **changed) if changed else node
    return node


def report(course: Course, theme: Theme) -> list[Diagnostic]:
    """Return every shrink, split and wrap the deck needs, as warnings with the block's file:line.

    Slide layouts the template lacks (a slide's `layout=`, the theme's `deck.layouts`) are errors.
    """
    stream = DeckStream(course, theme)
    for _ in stream:  # one chapter's slides at a time: only the findings are kept
        pass
    return list(stream.plan().diagnostics)


def describe(path: Path) -> str:
    """Return a text description of the .pptx at `path` (titles, shapes, texts, run colours)."""
    from .description import describe as _describe

    return _describe(path)

"""Fenced divs (pandoc's `:::`): speaker notes, one output only, callouts, columns, exercises with solutions.

Every `:::` name reaches this module (see `mdrules.div_plugin`), so an unknown or misplaced block is an
error with a hint, never silently dropped.
"""

from __future__ import annotations

import difflib
from typing import TYPE_CHECKING

from markdown_it.tree import SyntaxTreeNode

from .. import model as m
from ..errors import Location
from . import attributes
from .items import Item, NotesItem

if TYPE_CHECKING:
    from .markdown import ChapterParser

CALLOUTS = ("tip", "note", "warning")
DIVS = ("notes", "handbook", "slides", "columns", "column", "exercise", "solution", *CALLOUTS)


def div(p: ChapterParser, node: SyntaxTreeNode) -> list[Item]:
    """Return what a `:::` block holds, as the block its name says."""
    loc = p.loc(node)
    name, title = _div_name(node)
    if not _is_closed(node):
        p.diags.error(loc, f"'{node.markup} {name}' is never closed",
                      f"end it with a line of {node.markup}")
    if name not in DIVS:
        close_names = difflib.get_close_matches(name, DIVS, n=1)
        p.diags.error(loc, f"unknown block '::: {name}'",
                      f"did you mean '{close_names[0]}'?" if close_names else f"known blocks: {', '.join(DIVS)}")
        return []
    if name == "notes":
        return [NotesItem(p.nested(node.children, "::: notes", headings=True), loc)]
    if name in ("handbook", "slides"):
        blocks = p.nested(node.children, f"::: {name}", headings=name == "handbook")
        return [m.Only(name, blocks, loc)]  # type: ignore[arg-type]
    if name in CALLOUTS:
        return [m.Callout(name, title.strip(), p.nested(node.children, f"::: {name}"), loc)]  # type: ignore[arg-type]
    if name == "exercise":
        return _exercise(p, node, title, loc)
    if name == "solution":
        p.diags.error(loc, "'::: solution' outside '::: exercise'",
                      "put the solution inside the exercise it solves, before the exercise's closing :::")
        return []
    if name == "column":
        p.diags.error(loc, "'::: column' outside ':::: columns'",
                      "wrap the columns in ':::: columns' … '::::'")
        return []
    columns = []
    for child in node.children:
        child_name = _div_name(child)[0] if child.type == "div" else ""
        if child.type == "div" and child_name not in DIVS:
            p.children([child])  # reports the unknown block, with "did you mean"
            continue
        if child_name != "column":
            p.diags.error(p.loc(child), "only '::: column' blocks may stand inside ':::: columns'",
                          "put this content inside a '::: column'")
            continue
        if not _is_closed(child):
            p.diags.error(p.loc(child), f"'{child.markup} column' is never closed",
                          f"end it with a line of {child.markup}")
        blocks = p.nested(child.children, "::: column")
        for block in blocks:
            if isinstance(block, m.Columns):
                p.diags.error(block.loc, "columns inside a column", "one level of columns fits a slide")
        columns.append(tuple(b for b in blocks if not isinstance(b, m.Columns)))
    if len(columns) < 2:
        p.diags.error(loc, f"':::: columns' holds {len(columns)} column(s)", "give it two or more '::: column' blocks")
    return [m.Columns(tuple(columns), loc)]


def _exercise(p: ChapterParser, node: SyntaxTreeNode, title: str, loc: Location) -> list[Item]:
    """Return a `::: exercise [title] {minutes=25}` with the one `::: solution` it holds."""
    title, attrs = attributes.braced(title, ("minutes",), loc, p.diags, "exercise", "an exercise takes {minutes=25}")
    title = title.strip()
    minutes = attributes.minutes(attrs["minutes"], loc, p.diags) if "minutes" in attrs else None
    task, solutions = [], []
    for child in node.children:
        if child.type == "div" and _div_name(child)[0] == "solution":
            if not _is_closed(child):
                p.diags.error(p.loc(child), f"'{child.markup} solution' is never closed",
                              f"end it with a line of {child.markup}")
            solutions.append((child, p.nested(child.children, "::: solution")))
        else:
            task.append(child)
    if not solutions:
        p.diags.error(loc, f"exercise{f' {title!r}' if title else ''} has no solution",
                      "add a '::: solution' block inside it: the trainer and the solutions handout need it")
    for extra, _ in solutions[1:]:
        p.diags.error(p.loc(extra), "a second '::: solution' in one exercise",
                      "merge the solutions into one block")
    blocks = p.nested(task, "::: exercise")
    if not blocks:
        p.diags.error(loc, "the exercise states no task", "write the task inside '::: exercise', above the solution")
    solution = solutions[0][1] if solutions else ()
    if solutions and not solution:
        p.diags.error(p.loc(solutions[0][0]), "the solution is empty", "write the solution inside it")
    return [m.Exercise(title, minutes, blocks, solution, loc)]


def _is_closed(node: SyntaxTreeNode) -> bool:
    closing = node.nester_tokens.closing
    return bool(closing.markup)


def stray_close(p: ChapterParser, node: SyntaxTreeNode) -> list[Item]:
    """Report a `:::` line that closes no block."""
    p.diags.error(p.loc(node), f"'{node.markup}' closes no open block",
                  "remove it, or open a block above it, e.g. '::: notes'")
    return []


def _div_name(node: SyntaxTreeNode) -> tuple[str, str]:
    """Return the name of a `:::` block (lower case, pandoc's `{.name}` accepted) and the title after it."""
    name, _, title = node.info.strip().partition(" ")
    return name.strip("{}. ").lower(), title.strip()

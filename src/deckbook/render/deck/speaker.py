"""Speaker notes for the notes pane: the blocks of a slide's notes as lines of formatted runs.

Pure (no python-pptx), like the layout that calls it: one rule per block type (`_NOTES`), so a new
block type is either given a rule here or fails loudly.
"""

from __future__ import annotations

from typing import Callable

from ... import model
from ...model import plain
from ..common import alt
from ..common.labels import Labels
from ..common.numbers import change
from ..common.teaching import exercise_title
from .frames import NotesLine, Run
from .pieces import Context, runs
from .pieces.text import TASK


def notes_lines(blocks: tuple[model.Block, ...], ctx: Context) -> tuple[NotesLine, ...]:
    """Return speaker notes as lines of formatted runs (bold, italic, code, links, as on a slide).

    Bullets are written "• " or "3. ", code one monospace line per line, drawings as text.
    """
    lines = [line for block in blocks for line in _notes(block, 0, ctx)]
    while lines and not "".join(r.text for r in lines[-1]).strip():
        lines.pop()
    return tuple(lines)


def _notes(block: model.Block, level: int, ctx: Context) -> list[NotesLine]:
    rule = _NOTES.get(type(block))
    if rule is None:
        raise TypeError(f"the deck renderer has no notes rule for block type {type(block).__name__}")
    return rule(block, level, ctx)


def _text(*texts: str) -> list[NotesLine]:
    return [(Run(text),) for text in texts]


def _notes_list(block: model.BulletList, level: int, ctx: Context) -> list[NotesLine]:
    out = []
    for n, item in enumerate(block.items):
        bullet = f"{block.start + n}." if block.ordered else "•" if item.checked is None else TASK[item.checked]
        mark = bullet + " "
        for i, child in enumerate(item.blocks):
            if isinstance(child, model.Paragraph):
                out.append((Run("  " * level + (mark if i == 0 else "  ")), *runs(child.children, ctx)))
            else:
                out += _notes(child, level + 1, ctx)
    return out


def _notes_all(blocks, level: int, ctx: Context) -> list[NotesLine]:
    return [line for b in blocks for line in _notes(b, level, ctx)]


def _notes_callout(block: model.Callout, level: int, ctx: Context) -> list[NotesLine]:
    lines = _notes_all(block.blocks, level, ctx) or [()]
    head = Run(f"{block.title or getattr(ctx.words, block.kind)}: ", bold=True)
    return [(head, *lines[0]), *lines[1:]]


def _notes_tree(node, level: int, words: Labels) -> list[str]:
    if isinstance(node, model.Answer):
        return ["  " * level + "→ " + node.text]
    return ["  " * level + node.text + "?" * (not node.text.endswith("?")),
            "  " * level + words.yes.capitalize() + ":", *_notes_tree(node.yes, level + 1, words),
            "  " * level + words.no.capitalize() + ":", *_notes_tree(node.no, level + 1, words)]


_NOTES: dict[type, Callable[[model.Block, int, Context], list[NotesLine]]] = {
    model.Heading: lambda b, lv, ctx: [runs(b.children, ctx, Run("", bold=True))],
    model.Paragraph: lambda b, lv, ctx: [runs(b.children, ctx)],
    model.BulletList: _notes_list,
    model.Table: lambda b, lv, ctx: _text(*(" | ".join(plain(c) for c in row) for row in (b.header, *b.rows))),
    model.Image: lambda b, lv, ctx: _text(f"[image: {alt.image(b)}]"),
    model.CodeBlock: lambda b, lv, ctx: [(Run(line, mono=True),) for line in b.code.split("\n")],
    model.BlockQuote: lambda b, lv, ctx: _notes_all(b.blocks, lv, ctx),
    model.Callout: _notes_callout,
    model.Only: lambda b, lv, ctx: _notes_all(b.blocks, lv, ctx) if b.target == "slides" else [],
    model.Columns: lambda b, lv, ctx: [line for col in b.columns for line in _notes_all(col, lv, ctx)],
    model.DecisionTree: lambda b, lv, ctx: _text(*_notes_tree(b.root, lv, ctx.words)),
    model.MathBlock: lambda b, lv, ctx: _text(b.tex),
    model.DefinitionList: lambda b, lv, ctx: [
        line for i in b.items
        for line in [(Run("  " * lv), *runs(i.term, ctx, Run("", bold=True))),
                     *(d_line for d in i.definitions for d_line in _notes_all(d, lv + 1, ctx))]],
    model.Exercise: lambda b, lv, ctx: [(Run(exercise_title(b, ctx.words.exercise), bold=True),),
                                        *_notes_all(b.blocks, lv, ctx)],
    model.Metrics: lambda b, lv, ctx: _text(*(f"{r.name}: {r.before:g} → {r.after:g} {b.unit} "
                                              f"({change(b, r, ctx.words).text})" for r in b.rows)),
}

"""Boxes, columns and stacking: pieces one below the other, and blocks turned into pieces."""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Callable

from .... import model
from ....errors import Location
from ...common.colours import tints
from ...common.teaching import exercise_title
from ..frames import Box, Frame, RectFrame, Run
from .base import Context, Piece, Sizes, round_size, runs
from .code import CodePiece
from .figures import ImagePiece, MathPiece, MetricsPiece, TreePiece
from .table import TablePiece
from .text import ParaSpec, TextPiece, bullet_paras

BAR_WIDTH = 5.0  # the coloured bar on the left of a callout or a quotation


# --- boxes and columns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BoxPiece:
    """A callout or a quotation: a tinted box with a coloured bar and its own pieces inside."""

    kind: str  # "tip", "note", "warning", "quote", "exercise"
    title: str
    inner: tuple[Piece, ...]
    loc: Location

    def _pad(self, sizes: Sizes) -> float:
        return 0.6 * sizes.body

    def _inner_w(self, width: float, sizes: Sizes) -> float:
        return width - BAR_WIDTH - 2 * self._pad(sizes)

    def _title(self, ctx: Context) -> TextPiece | None:
        if self.kind == "quote":
            return None
        text = self.title or getattr(ctx.words, self.kind)
        return TextPiece((ParaSpec((Run(text),), heading=True),), self.loc)

    def _head_h(self, ctx: Context, width: float, sizes: Sizes) -> float:
        title = self._title(ctx)
        return title.height(ctx, width, _small(ctx, sizes)) + 0.25 * sizes.body if title else 0.0

    def _frame_h(self, ctx: Context, width: float, sizes: Sizes) -> float:
        return 2 * self._pad(sizes) + self._head_h(ctx, self._inner_w(width, sizes), sizes)

    def height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        inner_w = self._inner_w(width, sizes)
        return self._frame_h(ctx, width, sizes) + stack_height(ctx, self.inner, inner_w, sizes, minimum=False)

    def min_height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        inner_w = self._inner_w(width, sizes)
        return self._frame_h(ctx, width, sizes) + stack_height(ctx, self.inner, inner_w, sizes, minimum=True)

    def split(self, ctx: Context, width: float, sizes: Sizes, avail: float) -> tuple[Piece, Piece] | None:
        head, tail = take(ctx, self.inner, self._inner_w(width, sizes), sizes,
                          avail - self._frame_h(ctx, width, sizes))
        if not head or not tail:
            return None
        return replace(self, inner=tuple(head)), replace(self, inner=tuple(tail))

    def place(self, ctx: Context, box: Box, sizes: Sizes) -> list[Frame]:
        colour = {"quote": ctx.colors.muted, "exercise": ctx.colors.accent}.get(self.kind) or getattr(ctx.colors, self.kind)
        pad, bar = self._pad(sizes), BAR_WIDTH
        name = self.kind.capitalize()
        frames: list[Frame] = [RectFrame(box, tints(ctx.colors).callout(self.kind), name=name),
                               RectFrame(Box(box.x, box.y, bar, box.h), colour, name=f"{name} bar")]
        inner = Box(box.x + bar + pad, box.y + pad, self._inner_w(box.w, sizes), box.h - 2 * pad)
        title = self._title(ctx)
        if title is not None:
            small = _small(ctx, sizes)
            h = title.height(ctx, inner.w, small)
            frames += [replace(f, paras=tuple(replace(p, color=colour) for p in f.paras))
                       for f in title.place(ctx, Box(inner.x, inner.y, inner.w, h), small)]
            skip = self._head_h(ctx, inner.w, sizes)
            inner = Box(inner.x, inner.y + skip, inner.w, inner.h - skip)
        frames += place_stack(ctx, self.inner, inner, sizes)
        return frames


def _small(ctx: Context, sizes: Sizes) -> Sizes:
    """Return sizes for a box title: a little smaller than body text."""
    return replace(sizes, body=max(ctx.deck.min_body_size, round_size(sizes.body * 0.8)))


def tint(colour: str, amount: float) -> str:
    """Return `colour` mixed with white (`amount` 0 keeps it, 1 gives white)."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02X}" for c in rgb)


@dataclass(frozen=True)
class ColumnsPiece:
    """Side-by-side columns; each is laid out in its own width, and they split together."""

    columns: tuple[tuple[Piece, ...], ...]
    loc: Location

    def _width(self, width: float) -> tuple[float, float]:
        gap = 0.03 * width
        n = len(self.columns)
        return (width - gap * (n - 1)) / n, gap

    def height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        w, _ = self._width(width)
        return max(stack_height(ctx, col, w, sizes, minimum=False) for col in self.columns)

    def min_height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        w, _ = self._width(width)
        return max(stack_height(ctx, col, w, sizes, minimum=True) for col in self.columns)

    def split(self, ctx: Context, width: float, sizes: Sizes, avail: float) -> tuple[Piece, Piece] | None:
        w, _ = self._width(width)
        parts = [take(ctx, col, w, sizes, avail) for col in self.columns]
        if not any(head for head, _ in parts) or not any(tail for _, tail in parts):
            return None
        return (replace(self, columns=tuple(tuple(h) for h, _ in parts)),
                replace(self, columns=tuple(tuple(t) for _, t in parts)))

    def place(self, ctx: Context, box: Box, sizes: Sizes) -> list[Frame]:
        w, gap = self._width(box.w)
        frames: list[Frame] = []
        for i, col in enumerate(self.columns):
            frames += place_stack(ctx, col, Box(box.x + i * (w + gap), box.y, w, box.h), sizes)
        return frames


# --- stacking ------------------------------------------------------------------------------------


def gap(sizes: Sizes) -> float:
    """Return the space between two blocks."""
    return 0.6 * sizes.body


def stack_height(ctx: Context, pieces, width: float, sizes: Sizes, minimum: bool) -> float:
    """Return the height of `pieces` one below the other (flexible ones at their minimum if `minimum`)."""
    heights = [(p.min_height if minimum else p.height)(ctx, width, sizes) for p in pieces]
    return sum(heights) + gap(sizes) * max(len(heights) - 1, 0)


def take(ctx: Context, pieces, width: float, sizes: Sizes, avail: float) -> tuple[list[Piece], list[Piece]]:
    """Return (what fits in `avail` points, the rest), splitting the piece that crosses the limit."""
    head: list[Piece] = []
    used = 0.0
    for i, piece in enumerate(pieces):
        space = gap(sizes) if head else 0.0
        h = piece.min_height(ctx, width, sizes)
        if used + space + h <= avail + 1e-6:
            head.append(piece)
            used += space + h
            continue
        parts = piece.split(ctx, width, sizes, avail - used - space)
        if parts is not None:
            return [*head, parts[0]], [parts[1], *pieces[i + 1:]]
        return _keep_with_next(head, list(pieces[i:]))
    return head, []


def _keep_with_next(head: list[Piece], tail: list[Piece]) -> tuple[list[Piece], list[Piece]]:
    """Move a trailing sub-heading over to the next slide, with the content it introduces."""
    if len(head) > 1 and getattr(head[-1], "keep_with_next", False):
        return head[:-1], [head[-1], *tail]
    return head, tail


def place_stack(ctx: Context, pieces, box: Box, sizes: Sizes) -> list[Frame]:
    """Return the frames of `pieces` stacked from the top of `box`; flexible pieces share the room left."""
    mins = [p.min_height(ctx, box.w, sizes) for p in pieces]
    wants = [p.height(ctx, box.w, sizes) for p in pieces]
    spare = box.h - sum(mins) - gap(sizes) * max(len(pieces) - 1, 0)
    stretch = sum(w - m for w, m in zip(wants, mins))
    share = min(1.0, spare / stretch) if stretch > 0 and spare > 0 else 0.0
    frames: list[Frame] = []
    y = box.y
    for piece, low, want in zip(pieces, mins, wants):
        if getattr(piece, "at_foot", False):  # footnotes sit at the foot of the slide
            y = max(y, box.bottom - low)
        h = min(low + (want - low) * share, box.bottom - y)
        frames += piece.place(ctx, Box(box.x, y, box.w, h), sizes)
        y += h + gap(sizes)
    return frames


# --- blocks to pieces ----------------------------------------------------------------------------


def pieces(blocks: tuple[model.Block, ...], ctx: Context, style: Run = Run("")) -> list[Piece]:
    """Return the deck pieces of `blocks`; raise TypeError for a block type the deck does not know."""
    out: list[Piece] = []
    for block in blocks:
        convert = BLOCKS.get(type(block))
        if convert is None:
            raise TypeError(f"the deck renderer has no rule for block type {type(block).__name__}")
        out.extend(convert(block, ctx, style))
    return out


def _list_pieces(block: model.BulletList, ctx: Context, style: Run) -> list[Piece]:
    return _text_runs(bullet_paras(block, ctx, 0, style), block.loc, ctx, style)


def _definition_pieces(block: model.DefinitionList, ctx: Context, style: Run) -> list[Piece]:
    """Return each term as a bold line, its definitions indented below it (other blocks as themselves)."""
    items: list[ParaSpec | model.Block] = []
    for item in block.items:
        items.append(ParaSpec(runs(item.term, ctx, replace(style, bold=True))))
        for definition in item.definitions:
            items += [ParaSpec(runs(child.children, ctx, style), level=0) if isinstance(child, model.Paragraph)
                      else child for child in definition]
    return _text_runs(items, block.loc, ctx, style)


def _text_runs(items: list[ParaSpec | model.Block], loc: Location, ctx: Context, style: Run) -> list[Piece]:
    """Return paragraphs in a row as one text piece, and the blocks between them as their own pieces."""
    out: list[Piece] = []
    text: list[ParaSpec] = []
    for item in items:
        if isinstance(item, ParaSpec):
            text.append(item)
            continue
        if text:
            out.append(TextPiece(tuple(text), loc))
            text = []
        out.extend(pieces((item,), ctx, style))
    if text:
        out.append(TextPiece(tuple(text), loc))
    return out


def _table_piece(block: model.Table, ctx: Context, style: Run) -> list[Piece]:
    cells = (tuple(runs(c, ctx, style) for c in block.header),
             *(tuple(runs(c, ctx, style) for c in row) for row in block.rows))
    return [TablePiece(cells, block.align, block.loc, 0, len(block.rows))]


def _box_piece(kind: str, title: str, blocks, loc: Location, ctx: Context, style: Run) -> list[Piece]:
    return [BoxPiece(kind, title, tuple(pieces(blocks, ctx, style)), loc)]


BLOCKS: dict[type, Callable[[model.Block, Context, Run], list[Piece]]] = {
    model.Heading: lambda b, ctx, s: [TextPiece((ParaSpec(runs(b.children, ctx, s), heading=True),), b.loc,
                                                keep_with_next=True)],
    model.Paragraph: lambda b, ctx, s: [TextPiece((ParaSpec(runs(b.children, ctx, s)),), b.loc)],
    model.BulletList: _list_pieces,
    model.Table: _table_piece,
    model.Image: lambda b, ctx, s: [ImagePiece(b)],
    model.CodeBlock: lambda b, ctx, s: [CodePiece(b, 0, len(b.lines))],
    model.BlockQuote: lambda b, ctx, s: _box_piece("quote", "", b.blocks, b.loc, ctx,
                                                   replace(s, italic=True)),
    model.Callout: lambda b, ctx, s: _box_piece(b.kind, b.title, b.blocks, b.loc, ctx, s),
    model.Only: lambda b, ctx, s: pieces(b.blocks, ctx, s) if b.target == "slides" else [],
    model.Columns: lambda b, ctx, s: [ColumnsPiece(tuple(tuple(pieces(c, ctx, s)) for c in b.columns), b.loc)],
    model.DecisionTree: lambda b, ctx, s: [TreePiece(b)],
    model.Metrics: lambda b, ctx, s: [MetricsPiece(b)],
    model.DefinitionList: _definition_pieces,
    model.MathBlock: lambda b, ctx, s: [MathPiece(b)],
    # The task only: the solution gets hidden slides of its own (layout.plan_deck).
    model.Exercise: lambda b, ctx, s: _box_piece("exercise", exercise_title(b, ctx.words.exercise), b.blocks, b.loc, ctx, s),
}

"""Paragraphs, headings and list items as pieces that split between paragraphs."""

from __future__ import annotations

from dataclasses import dataclass, replace

from .... import model
from ....errors import Location
from ..frames import Box, Frame, Para, Run, TextFrame
from .base import Context, Piece, Sizes, round_size, runs


# --- text ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParaSpec:
    """A paragraph before sizes are known: `level` −1 is unindented; `bullet` "•", "3." or ""."""

    runs: tuple[Run, ...]
    level: int = -1
    bullet: str = ""
    heading: bool = False
    small: bool = False  # a footnote: smaller, muted


@dataclass(frozen=True)
class TextPiece:
    """Paragraphs, headings and list items: splits between paragraphs."""

    paras: tuple[ParaSpec, ...]
    loc: Location
    keep_with_next: bool = False
    at_foot: bool = False  # footnotes: placed at the bottom of the slide's content area

    def _paras(self, ctx: Context, sizes: Sizes) -> list[Para]:
        return [_para(ctx, spec, sizes, i == 0) for i, spec in enumerate(self.paras)]

    def _heights(self, ctx: Context, width: float, sizes: Sizes) -> list[float]:
        out = []
        for spec, para in zip(self.paras, self._paras(ctx, sizes)):
            lines = ctx.lines(para.runs, para.size, width - para.margin, spec.heading)
            out.append(para.space_before + lines * para.pitch)
        return out

    def height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        return sum(self._heights(ctx, width, sizes))

    def min_height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        return self.height(ctx, width, sizes)

    def split(self, ctx: Context, width: float, sizes: Sizes, avail: float) -> tuple[Piece, Piece] | None:
        used, count = 0.0, 0
        for h in self._heights(ctx, width, sizes):
            if used + h > avail:
                break
            used, count = used + h, count + 1
        if count == 0 or count == len(self.paras):
            return None
        return replace(self, paras=self.paras[:count]), replace(self, paras=self.paras[count:])

    def place(self, ctx: Context, box: Box, sizes: Sizes) -> list[Frame]:
        return [TextFrame(box, tuple(self._paras(ctx, sizes)))]


def _para(ctx: Context, spec: ParaSpec, sizes: Sizes, first: bool) -> Para:
    size = round_size(sizes.body * 1.15) if spec.heading else round_size(sizes.body * FOOTNOTE) if spec.small \
        else sizes.body
    hang = 1.1 * size
    margin = hang * (spec.level + 1) if spec.level >= 0 else 0.0
    gap = 0.0 if first else (0.6 if spec.heading else 0.25 if spec.level >= 0 or spec.small else 0.45) * size
    runs_ = tuple(replace(r, bold=True) for r in spec.runs) if spec.heading else spec.runs
    color = ctx.colors.primary if spec.heading else ctx.colors.muted if spec.small else ctx.colors.text
    return Para(runs_, size, ctx.pitch(size), margin, spec.bullet, gap, "l", color)


TASK = {False: "\u2610", True: "\u2611"}  # ☐ ☑: a task list item's box, open or done

FOOTNOTE = 0.7
"""The size of a slide's footnotes, relative to its body text."""


def footnotes_piece(ctx: Context, loc: Location) -> TextPiece | None:
    """Return the footnotes referenced by the pieces made since the last call, numbered, or None."""
    notes, ctx.footnotes = ctx.footnotes, {}
    if not notes:
        return None
    return TextPiece(tuple(ParaSpec((Run(f"{n}\u2002"), *runs(note, ctx)), small=True)
                           for n, note in sorted(notes.items())), loc, at_foot=True)


def bullet_paras(block: model.BulletList, ctx: Context, level: int, style: Run) -> list[ParaSpec | model.Block]:
    """Return a list flattened to paragraphs (with levels and bullets) and the non-text blocks it holds."""
    out: list[ParaSpec | model.Block] = []
    for n, item in enumerate(block.items):
        bullet = f"{block.start + n}." if block.ordered else "•" if item.checked is None else TASK[item.checked]
        for i, child in enumerate(item.blocks):
            if isinstance(child, model.Paragraph):
                out.append(ParaSpec(runs(child.children, ctx, style), level, bullet if i == 0 else ""))
            elif isinstance(child, model.BulletList):
                out.extend(bullet_paras(child, ctx, level + 1, style))
            else:
                out.append(child)
    return out



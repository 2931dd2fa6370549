"""Pictures, decision trees and metrics (chart and numbers) as pieces."""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from PIL import Image as PILImage

from .... import model
from ....errors import Location
from ...common import alt, mathtex, tree as diagram
from .. import svgpicture
from ..frames import (Box, ChartFrame, Frame, ImageFrame, MathFrame, Para, Run, TextFrame,
                      TreeFrame)
from ..measure import WRAP_SAFETY
from ...common.numbers import change, number
from .base import SIZE_STEP, Context, Piece, Sizes, round_size
from .table import TablePiece
from .text import ParaSpec, TextPiece

PX_PER_INCH = 96.0
#: The gap between a metrics chart's clusters of bars, as a share of one bar's width.
BAR_GAP = 0.8
#: The share of a metrics block's width its table of numbers takes at most, and at most to keep its rows
#: unwrapped; the chart has the rest.
METRICS_TABLE_SHARE, METRICS_TABLE_MOST = 0.42, 0.5
MAX_CHART_DECIMALS = 3  # the decimals a chart's value labels show at most
DISPLAY_MATH_SCALE = 1.1  # display math, relative to the body text


# --- images --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImagePiece:
    """A picture: flexible, it takes the room left on the slide (down to a fraction of it)."""

    block: model.Image

    @property
    def loc(self) -> Location:
        return self.block.loc

    @property
    def is_svg(self) -> bool:
        return self.block.path.suffix.lower() == ".svg"

    def _natural(self) -> tuple[float, float]:
        """Return the image's size in points (at its own resolution, 96 dpi when it does not say)."""
        if self.is_svg:
            return svgpicture.natural_size(self.block.path)
        with PILImage.open(self.block.path) as img:
            dpi = img.info.get("dpi", (PX_PER_INCH, PX_PER_INCH))[0] or PX_PER_INCH
            return img.width * 72 / dpi, img.height * 72 / dpi

    def _fit(self, width: float, height: float) -> tuple[float, float]:
        w, h = self._natural()
        scale = min(width / w, height / h, 2.0)
        if self.block.width:  # the author's <img width>, in CSS pixels: at most that wide
            scale = min(scale, self.block.width * 72 / PX_PER_INCH / w)
        return w * scale, h * scale

    def height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        return self._fit(width, ctx.area_height)[1]

    def min_height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        return min(self.height(ctx, width, sizes), 0.4 * ctx.area_height)

    def split(self, ctx: Context, width: float, sizes: Sizes, avail: float) -> tuple[Piece, Piece] | None:
        return None

    def place(self, ctx: Context, box: Box, sizes: Sizes) -> list[Frame]:
        w, h = self._fit(box.w, box.h)
        fitted = Box(box.x + (box.w - w) / 2, box.y, w, h)
        return [ImageFrame(fitted, self.block.path, alt.image(self.block), self.loc)]


@dataclass(frozen=True)
class MathPiece:
    """Display math: the typeset formula as a picture, centred, at the body size (smaller if too wide)."""

    block: model.MathBlock

    @property
    def loc(self) -> Location:
        return self.block.loc

    def _fit(self, ctx: Context, width: float, sizes: Sizes) -> tuple[mathtex.Drawing, float]:
        drawing = mathtex.drawing(self.block.tex, sizes.body * DISPLAY_MATH_SCALE, ctx.colors.text, display=True)
        return drawing, min(1.0, width / drawing.width)

    def height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        drawing, scale = self._fit(ctx, width, sizes)
        return drawing.height * scale

    def min_height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        return self.height(ctx, width, sizes)

    def split(self, ctx: Context, width: float, sizes: Sizes, avail: float) -> tuple[Piece, Piece] | None:
        return None

    def place(self, ctx: Context, box: Box, sizes: Sizes) -> list[Frame]:
        drawing, scale = self._fit(ctx, box.w, sizes)
        w, h = drawing.width * scale, drawing.height * scale
        return [MathFrame(Box(box.x + (box.w - w) / 2, box.y, w, h), drawing.svg, self.block.tex, self.loc)]


# --- decision trees and metrics ------------------------------------------------------------------


@dataclass(frozen=True)
class TreePiece:
    """A decision tree: flexible, it shrinks its text to fit the room it gets."""

    block: model.DecisionTree

    @property
    def loc(self) -> Location:
        return self.block.loc

    def _title(self) -> TextPiece:
        paras = (ParaSpec((Run(self.block.title),), heading=True),) if self.block.title else ()
        return TextPiece(paras, self.loc)

    def _title_h(self, ctx: Context, width: float, sizes: Sizes) -> float:
        return self._title().height(ctx, width, sizes) + 0.3 * sizes.body if self.block.title else 0.0

    def _needed(self, ctx: Context, width: float, size: float) -> float:
        return diagram.needed_height(self.block.root, width, size, _tree_min(ctx), ctx.deck.line_spacing,
                                     _node_lines(ctx), _widest_word(ctx))

    def height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        return self._title_h(ctx, width, sizes) + self._needed(ctx, width, sizes.body)

    def min_height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        low = self._title_h(ctx, width, sizes) + self._needed(ctx, width, _tree_min(ctx))
        return min(low, ctx.area_height)

    def split(self, ctx: Context, width: float, sizes: Sizes, avail: float) -> tuple[Piece, Piece] | None:
        return None

    def place(self, ctx: Context, box: Box, sizes: Sizes) -> list[Frame]:
        title_h = self._title_h(ctx, box.w, sizes)
        frames: list[Frame] = []
        if self.block.title:
            frames += self._title().place(ctx, box, sizes)
        tree = diagram.layout_tree(self.block.root, box.w, box.h - title_h, sizes.body, _tree_min(ctx),
                                   ctx.deck.line_spacing, _node_lines(ctx), _widest_word(ctx))
        if tree.size < sizes.body:
            ctx.warn(self.loc, f"decision tree text shrunk from {sizes.body:g} pt to {tree.size:g} pt to fit",
                     "shorten the node texts or split the tree")
        if not tree.fits:
            ctx.warn(self.loc, f"decision tree too large for one slide even at {tree.size:g} pt: "
                     "node texts may overflow their boxes", "split the tree into two")
        left = box.x + (box.w - tree.width) / 2
        frames.append(TreeFrame(Box(left, box.y + title_h, tree.width, tree.height), tree, self.block.root))
        return frames


def _tree_min(ctx: Context) -> float:
    return ctx.deck.min_table_size


def _node_lines(ctx: Context) -> diagram.LineCounter:
    return lambda text, size, width, bold: ctx.lines((Run(text, bold=bold),), size, width)


def _widest_word(ctx: Context) -> diagram.WordWidth:
    """Return the width a node needs for its longest word (wrapping keeps a safety margin, so does this)."""
    def widest(text: str, size: float, bold: bool) -> float:
        face = "bold" if bold else "regular"
        return max((ctx.body.width(word, face, size) for word in text.split()), default=0.0) / WRAP_SAFETY

    return widest


@dataclass(frozen=True)
class MetricsPiece:
    """Measured values before and after: a chart, the numbers with the computed improvement, the caption."""

    block: model.Metrics

    @property
    def loc(self) -> Location:
        return self.block.loc

    def height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        return ctx.area_height

    def min_height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        return min(ctx.area_height, 200.0 + 60 * bool(self.block.title))

    def split(self, ctx: Context, width: float, sizes: Sizes, avail: float) -> tuple[Piece, Piece] | None:
        return None

    def place(self, ctx: Context, box: Box, sizes: Sizes) -> list[Frame]:
        block = self.block
        frames: list[Frame] = []
        top = box.y
        if block.title:
            title = TextPiece((ParaSpec((Run(block.title),), heading=True),), self.loc)
            h = title.height(ctx, box.w, sizes)
            frames += title.place(ctx, Box(box.x, top, box.w, h), sizes)
            top += h + 0.3 * sizes.body
        caption_h = 0.0
        if block.caption:
            size = ctx.deck.min_body_size
            para = Para((Run(block.caption, italic=True),), size, ctx.pitch(size), color=ctx.colors.muted)
            caption_h = ctx.lines(para.runs, size, box.w) * para.pitch
            frames.append(TextFrame(Box(box.x, box.bottom - caption_h, box.w, caption_h), (para,)))
        table = self._table(ctx)
        body_h = box.bottom - caption_h - top - (0.3 * sizes.body if caption_h else 0)
        # Like any table, the numbers may grow up to the body size when the slide was not shrunk.
        start = max(sizes.table, round_size(sizes.body)) if sizes.table >= ctx.deck.table_size else sizes.table
        size, table_w = self._table_fit(ctx, table, box.w, body_h, start)
        tsizes = replace(sizes, table=size)
        table_h = min(table.height(ctx, table_w, tsizes), body_h)
        frames += table.place(ctx, Box(box.right - table_w, top, table_w, table_h), tsizes)
        gap = 0.04 * box.w
        chart = Box(box.x, top, box.w - table_w - gap, body_h)
        chart_size = min(size, sizes.table)
        frames.insert(0, ChartFrame(chart, block, chart_size, self._label_size(ctx, chart.w, chart_size)))
        return frames

    def _label_size(self, ctx: Context, width: float, size: float) -> float:
        """Return the size of the values over the bars: a little smaller than the chart's text, and smaller
        still (down to the minimum table size) until the widest fits over its bar, since the renderers let
        neighbouring labels overlap."""
        block = self.block
        values = [v for row in block.rows for v in (row.before, row.after)]
        unit = f" {block.unit}" if block.unit else ""
        axis = ctx.body.width(f"{max(values):,.0f}{unit}", "regular", size) + size  # the value axis's labels
        bar = (width - axis) / len(block.rows) / (2 + BAR_GAP)
        widest = max(ctx.body.width(chart_number(block, v), "regular", 1.0) for v in values)
        preferred = round_size(0.85 * size)
        return max(min(preferred, round_size(bar / widest)), min(preferred, ctx.deck.min_table_size))

    def _table_fit(self, ctx: Context, table: TablePiece, box_w: float, height: float,
                   size: float) -> tuple[float, float]:
        """Return (size, width) for the table of numbers; the chart gets the rest of `box_w`.

        The table is as wide as its natural width up to `METRICS_TABLE_SHARE` of the box. It takes the
        largest size at which no row name or number wraps (headers may, between words): above the theme's
        table size within that share, at or below it up to `METRICS_TABLE_MOST` of the box; else the
        largest size down to the minimum at which no word breaks.
        """
        share, most = box_w * METRICS_TABLE_SHARE, box_w * METRICS_TABLE_MOST
        low, nominal = ctx.deck.min_table_size, min(size, ctx.deck.table_size)
        steps = [size - i * SIZE_STEP for i in range(int((size - low) / SIZE_STEP + 1e-9) + 1)]
        for whole in (True, False):
            for s in steps:
                if whole and s < nominal:
                    break
                spans = table.spans(ctx, s)
                width = max(sum(spans.body if whole else spans.unbroken), min(sum(spans.natural), share))
                fits = table.height(ctx, width, Sizes(s, s, s)) <= height  # only its table size matters
                if fits and width <= (share if s > nominal else most):
                    return s, width
        return low, most

    def _table(self, ctx: Context) -> TablePiece:
        block = self.block
        unit = f" ({block.unit})" if block.unit else ""
        words = ctx.words
        header = (Run(words.metric), Run(block.before_label + unit), Run(block.after_label + unit), Run(words.change))
        rows = [tuple((Run(number(v)),) for v in (row.before, row.after)) for row in block.rows]
        cells = [tuple((r,) for r in header)]
        for row, (before, after) in zip(block.rows, rows):
            moved = change(block, row, words)
            text = Run(moved.text, bold=True, color=ctx.colors.yes if moved.better else ctx.colors.no)
            cells.append(((Run(row.name),), before, after, (text,)))
        return TablePiece(tuple(cells), ("left", "right", "right", "right"), block.loc, 0, len(block.rows))


def chart_decimals(block: model.Metrics) -> int | None:
    """Return the decimals every value label of `block`'s chart shows, or None to show each value as it is.

    Values under 1 000 are shown as they are (2.74 and 36.9, not 2.74 and 36.90); when some value
    needs thousands grouped, every label has the precision of the most precise value (at most 3).
    """
    values = [float(v) for row in block.rows for v in (row.before, row.after)]
    if max(map(abs, values), default=0) < 1000:
        return None
    places = [-Decimal(repr(v)).normalize().as_tuple().exponent for v in values]
    return min(max([0, *places]), MAX_CHART_DECIMALS)


def chart_number(block: model.Metrics, value: float) -> str:
    """Return `value` as the chart's value label shows it (see `chart_decimals`)."""
    decimals = chart_decimals(block)
    return f"{value:g}" if decimals is None else f"{value:,.{decimals}f}"

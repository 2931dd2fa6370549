"""Tables as pieces: columns measured from their content, split between rows (header repeated)."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from ....errors import Location
from ..frames import Box, Cell, Frame, Run, TableFrame
from ..measure import Faces, Piece as TextPart, widths_needed
from .base import SIZE_STEP, Context, Piece, Sizes, run_face


# --- tables --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TablePiece:
    """Body rows `start` to `end` of a table; the header row repeats on every part."""

    cells: tuple[tuple[tuple[Run, ...], ...], ...]  # header first, then every body row
    align: tuple[str, ...]
    loc: Location
    start: int
    end: int

    def _margins(self, size: float) -> tuple[float, float]:
        return _cell_margins(size)

    def spans(self, ctx: Context, size: float) -> Spans:
        """Return what each column needs at `size` (every row's, so the parts of a split table agree)."""
        return _spans(ctx.body, self.cells, size)

    def size(self, ctx: Context, width: float, sizes: Sizes) -> float:
        """Return the size for the whole table: the slide's table size, smaller if a word would not fit its
        column (words are never broken while a smaller size can avoid it)."""
        size = sizes.table
        while size > ctx.deck.min_table_size and sum(self.spans(ctx, size).unbroken) > width:
            size -= SIZE_STEP
        return max(size, ctx.deck.min_table_size)

    def _widths(self, ctx: Context, width: float, size: float) -> list[float]:
        """Return column widths: natural widths, spread when they fit, else shared without breaking words."""
        return share(self.spans(ctx, size), width)

    def _row_heights(self, ctx: Context, width: float, size: float) -> list[float]:
        mx, my = self._margins(size)
        widths = self._widths(ctx, width, size)
        out = []
        for r, row in enumerate(self.cells):
            lines = max(_cell_lines(ctx, cell, size, w - 2 * mx, r == 0) for cell, w in zip(row, widths))
            out.append(lines * ctx.pitch(size) + 2 * my)
        return out

    def _visible(self) -> list[int]:
        return [0, *range(self.start + 1, self.end + 1)]

    def height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        heights = self._row_heights(ctx, width, self.size(ctx, width, sizes))
        return sum(heights[r] for r in self._visible())

    def min_height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        return self.height(ctx, width, sizes)

    def split(self, ctx: Context, width: float, sizes: Sizes, avail: float) -> tuple[Piece, Piece] | None:
        heights = self._row_heights(ctx, width, self.size(ctx, width, sizes))
        used, cut = heights[0], self.start
        while cut < self.end and used + heights[cut + 1] <= avail:
            used, cut = used + heights[cut + 1], cut + 1
        if cut == self.start or cut == self.end:
            return None
        return replace(self, end=cut), replace(self, start=cut)

    def place(self, ctx: Context, box: Box, sizes: Sizes) -> list[Frame]:
        size = self.size(ctx, box.w, sizes)
        mx, my = self._margins(size)
        heights = self._row_heights(ctx, box.w, size)
        rows = []
        for r in self._visible():
            align = self.align
            rows.append(tuple(Cell(runs_, _ALIGN.get(align[c] if c < len(align) else "", "l"))
                              for c, runs_ in enumerate(self.cells[r])))
        visible = tuple(heights[r] for r in self._visible())
        self._report(ctx, box.w, sizes, size)
        return [TableFrame(Box(box.x, box.y, box.w, sum(visible)), size, ctx.pitch(size), mx, my,
                           tuple(self._widths(ctx, box.w, size)), visible, tuple(rows))]

    def _report(self, ctx: Context, width: float, sizes: Sizes, size: float) -> None:
        nominal = min(sizes.table, ctx.deck.table_size)  # a table grown past the theme's size was not shrunk
        if size < nominal:
            ctx.warn(self.loc, f"table shrunk from {nominal:g} pt to {size:g} pt so that no word breaks "
                     "across lines", "shorten the longest words or use fewer columns")
        if sum(self.spans(ctx, size).unbroken) > width + 1e-6:
            ctx.warn(self.loc, f"table too wide even at {size:g} pt: words break across lines",
                     "use fewer columns or shorter words")


_ALIGN = {"left": "l", "center": "ctr", "right": "r"}


def _cell_margins(size: float) -> tuple[float, float]:
    """Return a table cell's (left and right, top and bottom) margins at `size`."""
    return 0.5 * size, 0.3 * size


@dataclass(frozen=True)
class Spans:
    """The widths (points, cell margins included) each column of a table needs at one size."""

    unbroken: tuple[float, ...]
    """No word of the column breaks across lines."""
    natural: tuple[float, ...]
    """No cell of the column wraps."""
    body: tuple[float, ...]
    """No body cell wraps; the header cell may, at word boundaries."""


@lru_cache(maxsize=4096)  # the layout asks at every size it tries, for every width
def _spans(faces: Faces, cells: tuple[tuple[tuple[Run, ...], ...], ...], size: float) -> Spans:
    pad = 2 * _cell_margins(size)[0] + 1  # the cell margins, and a point for the renderers' cell borders
    unbroken, natural, body = [], [], []
    for c in range(len(cells[0])):
        needs = [widths_needed([TextPart(r.text, _cellrun_face(r, row == 0)) for r in cells[row][c]], faces, size)
                 for row in range(len(cells))]
        unbroken.append(max(word for word, _ in needs) + pad)
        natural.append(max(line for _, line in needs) + pad)
        body.append(max([needs[0][0], *(line for _, line in needs[1:])]) + pad)
    return Spans(tuple(unbroken), tuple(natural), tuple(body))


def _cellrun_face(run: Run, header: bool) -> str:
    return "bold" if header and not run.mono else run_face(run)


def _cell_lines(ctx: Context, cell: tuple[Run, ...], size: float, width: float, header: bool) -> int:
    if header:
        cell = tuple(replace(r, bold=True) for r in cell)
    return ctx.lines(cell, size, width) if cell else 1


def share(spans: Spans, width: float) -> list[float]:
    """Return column widths summing to `width`.

    When the natural widths fit, the room left is spread in proportion to them. Else every column gets
    the same width, but a narrow column no more than its natural width and none less than its floor: the
    width that keeps its body rows unwrapped where all of those fit, else the width of its longest word,
    so words break only when nothing else can fit.
    """
    natural = spans.natural
    total = sum(natural)
    if total <= width:
        return [n + (width - total) * n / total for n in natural]
    floor = [min(b, n) for b, n in zip(spans.body, natural)]
    if sum(floor) > width:
        floor = [min(u, n) for u, n in zip(spans.unbroken, natural)]
    if sum(floor) >= width:  # words must break: share in proportion to the longest ones
        return [f * width / sum(floor) for f in floor]
    low, high = 0.0, max(natural)  # the common width: columns between their floor and natural width
    for _ in range(50):
        level = (low + high) / 2
        if sum(min(max(level, f), n) for f, n in zip(floor, natural)) > width:
            high = level
        else:
            low = level
    widths = [min(max(low, f), n) for f, n in zip(floor, natural)]
    flexible = [i for i, (w, f) in enumerate(zip(widths, floor)) if w > f] or list(range(len(widths)))
    extra = (width - sum(widths)) / len(flexible)  # what the search left over, a fraction of a point
    return [w + extra * (i in flexible) for i, w in enumerate(widths)]



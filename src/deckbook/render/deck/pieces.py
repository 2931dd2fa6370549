"""Blocks as measurable pieces: each knows its height, how to split itself, and the frames it becomes.

A piece is what the paginator moves around: one per block (a bullet list's text is one piece, a code
block another), or a fragment of a block after a split. Sizes are in points; nothing here touches
python-pptx, so the overflow report costs only font measurement.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from decimal import Decimal
from functools import cached_property, lru_cache
from typing import Callable, Protocol

from PIL import Image as PILImage

from ... import highlight, model
from ...errors import Diagnostic, Location
from ...theme import Theme
from . import diagram
from .frames import (Box, Cell, ChartFrame, CodeFrame, CodeRun, Frame, ImageFrame, Para, RectFrame, Run,
                     TableFrame, TextFrame, TreeFrame)
from .measure import WRAP_SAFETY, Faces, FontMetrics, Piece as TextPart, metrics, widths_needed, wrap

SIZE_STEP = 0.5
MARKERS = ("↪", "↳", "→", "»")  # the first one the mono font has marks a wrapped code line
PX_PER_INCH = 96.0
BAR_WIDTH = 5.0  # the coloured bar on the left of a callout or a quotation
#: The gap between a metrics chart's clusters of bars, as a share of one bar's width.
BAR_GAP = 0.8
#: The share of a metrics block's width its table of numbers takes at most, and at most to keep its rows
#: unwrapped; the chart has the rest.
METRICS_TABLE_SHARE, METRICS_TABLE_MOST = 0.42, 0.5
MAX_CHART_DECIMALS = 3  # the decimals a chart's value labels show at most


@dataclass(frozen=True)
class Sizes:
    """The text sizes in force on one slide (points)."""

    body: float
    code: float
    table: float


@dataclass
class Context:
    """What every piece needs: the theme, its fonts' metrics, the code palette, and the findings so far."""

    theme: Theme
    area_height: float
    diagnostics: dict[tuple, Diagnostic] = field(default_factory=dict)
    #: Code lines cut into rows, by (block, line index, columns): fitting asks for them again and again.
    code_rows: dict[tuple, list] = field(default_factory=dict)

    @cached_property
    def body(self) -> Faces:
        return _faces(self.theme.spec.fonts.body, self.theme.spec.fonts.mono)

    @cached_property
    def heading(self) -> Faces:
        return _faces(self.theme.spec.fonts.heading, self.theme.spec.fonts.mono)

    @cached_property
    def mono(self) -> FontMetrics:
        return metrics(self.theme.spec.fonts.mono.regular)

    @cached_property
    def advance(self) -> float:
        """Return the advance of one monospace column, in em."""
        return self.mono.width("0", 1.0)

    @cached_property
    def marker(self) -> str:
        return next((m for m in MARKERS if self.mono.has(m)), ">")

    @cached_property
    def palette(self) -> highlight.Palette:
        return highlight.palette(self.theme.spec.pygments_style)

    @property
    def colors(self):
        return self.theme.spec.colors

    @property
    def deck(self):
        return self.theme.spec.deck

    def pitch(self, size: float) -> float:
        return size * self.deck.line_spacing

    def warn(self, loc: Location, message: str, hint: str = "") -> None:
        """Record a warning once (layout tries several sizes, so the same finding recurs)."""
        self.diagnostics.setdefault((loc, message), Diagnostic(loc, message, hint, "warning"))

    def error(self, loc: Location, message: str, hint: str = "") -> None:
        """Record an error once: the deck cannot be written as asked."""
        self.diagnostics.setdefault((loc, message), Diagnostic(loc, message, hint, "error"))

    def lines(self, runs: tuple[Run, ...], size: float, width: float, heading: bool = False) -> int:
        """Return how many lines `runs` wrap into at `size` in `width` points."""
        return _lines(self.heading if heading else self.body, runs, size, round(width, 2))

    def plain_lines(self, text: str, size: float, width: float) -> int:
        return self.lines((Run(text),), size, width)


def _faces(font, mono) -> Faces:
    return Faces(font.regular, font.bold, font.italic, font.bold_italic, mono.regular)


@lru_cache(maxsize=1 << 16)  # the layout measures the same paragraphs at each size it tries
def _lines(faces: Faces, runs: tuple[Run, ...], size: float, width: float) -> int:
    return wrap([TextPart(r.text, _face(r)) for r in runs], faces, size, width)


def _face(run: Run) -> str:
    if run.mono:
        return "mono"
    return {(False, False): "regular", (True, False): "bold", (False, True): "italic",
            (True, True): "bold_italic"}[(run.bold, run.italic)]


def round_size(size: float) -> float:
    """Return `size` rounded down to the size step (sizes stay readable numbers like 13.5)."""
    return math.floor(size / SIZE_STEP + 1e-9) * SIZE_STEP


class Piece(Protocol):
    """A block, or the part of one that fits a slide."""

    loc: Location

    def height(self, ctx: Context, width: float, sizes: Sizes) -> float: ...

    def min_height(self, ctx: Context, width: float, sizes: Sizes) -> float: ...

    def split(self, ctx: Context, width: float, sizes: Sizes, avail: float) -> tuple[Piece, Piece] | None: ...

    def place(self, ctx: Context, box: Box, sizes: Sizes) -> list[Frame]: ...


# --- inlines -------------------------------------------------------------------------------------


def runs(inlines: model.Inlines, ctx: Context, style: Run = Run("")) -> tuple[Run, ...]:
    """Return `inlines` as formatted runs (bold, italic, mono code, links), merged where alike."""
    out: list[Run] = []
    for node in inlines:
        out.extend(_INLINE[type(node)](node, ctx, style))
    return tuple(_merge(out))


def _link_runs(node: model.Link, ctx: Context, style: Run) -> tuple[Run, ...]:
    if node.target.startswith("#"):  # a cross-reference to a heading: no slide to jump to
        return runs(node.children, ctx, style)
    return runs(node.children, ctx, replace(style, link=node.target, color=ctx.colors.note))


_INLINE: dict[type, Callable[..., tuple[Run, ...]]] = {
    model.Text: lambda n, ctx, s: (replace(s, text=n.text),),
    model.Code: lambda n, ctx, s: (replace(s, text=n.text, mono=True),),
    model.Strong: lambda n, ctx, s: runs(n.children, ctx, replace(s, bold=True)),
    model.Emph: lambda n, ctx, s: runs(n.children, ctx, replace(s, italic=not s.italic)),
    model.Strike: lambda n, ctx, s: runs(n.children, ctx, replace(s, strike=True)),
    model.Link: _link_runs,
    model.LineBreak: lambda n, ctx, s: (replace(s, text="\n"),),
}


def _merge(items: list[Run]) -> list[Run]:
    out: list[Run] = []
    for run in items:
        if out and run.text != "\n" and out[-1].text != "\n" and replace(out[-1], text="") == replace(run, text=""):
            out[-1] = replace(run, text=out[-1].text + run.text)
        elif run.text:
            out.append(run)
    return out


# --- text ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ParaSpec:
    """A paragraph before sizes are known: `level` −1 is unindented; `bullet` "•", "3." or ""."""

    runs: tuple[Run, ...]
    level: int = -1
    bullet: str = ""
    heading: bool = False


@dataclass(frozen=True)
class TextPiece:
    """Paragraphs, headings and list items: splits between paragraphs."""

    paras: tuple[ParaSpec, ...]
    loc: Location
    keep_with_next: bool = False

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
    size = round_size(sizes.body * 1.15) if spec.heading else sizes.body
    hang = 1.1 * size
    margin = hang * (spec.level + 1) if spec.level >= 0 else 0.0
    gap = 0.0 if first else (0.6 if spec.heading else 0.25 if spec.level >= 0 else 0.45) * size
    runs_ = tuple(replace(r, bold=True) for r in spec.runs) if spec.heading else spec.runs
    color = ctx.colors.primary if spec.heading else ctx.colors.text
    return Para(runs_, size, ctx.pitch(size), margin, spec.bullet, gap, "l", color)


def _bullet_paras(block: model.BulletList, ctx: Context, level: int, style: Run) -> list[ParaSpec | model.Block]:
    """Return a list flattened to paragraphs (with levels and bullets) and the non-text blocks it holds."""
    out: list[ParaSpec | model.Block] = []
    for n, item in enumerate(block.items):
        bullet = f"{block.start + n}." if block.ordered else "•"
        for i, child in enumerate(item.blocks):
            if isinstance(child, model.Paragraph):
                out.append(ParaSpec(runs(child.children, ctx, style), level, bullet if i == 0 else ""))
            elif isinstance(child, model.BulletList):
                out.extend(_bullet_paras(child, ctx, level + 1, style))
            else:
                out.append(child)
    return out


# --- code ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CodePiece:
    """Source lines `start` to `end` (0-based, exclusive) of a code block."""

    block: model.CodeBlock
    start: int
    end: int

    @property
    def loc(self) -> Location:
        return self.block.loc

    def size(self, ctx: Context, width: float, sizes: Sizes) -> float:
        """Return the size for the whole block: the slide's code size, smaller if a line is too wide."""
        longest = max(_line_lengths(self.block)) + _number_width(self.block)
        size = sizes.code
        while size > ctx.deck.min_code_size and _columns(ctx, width, size) < longest:
            size -= SIZE_STEP
        return max(size, ctx.deck.min_code_size)

    def _title_h(self, ctx: Context, size: float) -> float:
        return ctx.pitch(_title_size(size)) + 0.3 * size if self.block.title else 0.0

    def _rows(self, ctx: Context, width: float, size: float) -> list[list[tuple[CodeRun, ...]]]:
        return [_code_rows(ctx, self.block, i, _columns(ctx, width, size)) for i in range(self.start, self.end)]

    def height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        size = self.size(ctx, width, sizes)
        rows = sum(len(r) for r in self._rows(ctx, width, size))
        return self._title_h(ctx, size) + 2 * _pad_y(size) + rows * ctx.pitch(size)

    def min_height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        return self.height(ctx, width, sizes)

    def split(self, ctx: Context, width: float, sizes: Sizes, avail: float) -> tuple[Piece, Piece] | None:
        """Return the lines that fit and the rest, cut near this slide's share of an even split (so the last
        slide never holds a line or two), at a blank line there when there is one."""
        size = self.size(ctx, width, sizes)
        rows = [len(r) for r in self._rows(ctx, width, size)]
        total, capacity = sum(rows), self._capacity(ctx, size, avail)
        used: dict[int, int] = {}  # rows up to each line end that fits
        for offset, count in enumerate(rows):
            if used.get(self.start + offset, 0) + count > capacity:
                break
            used[self.start + offset + 1] = used.get(self.start + offset, 0) + count
        ends = [e for e in used if e < self.end]
        if not ends or ends[-1] - self.start < min(3, self.end - self.start - 1):
            return None
        full = max(self._capacity(ctx, size, ctx.area_height), 1)  # rows on a slide of their own
        slides = 1 + math.ceil(max(total - capacity, 0) / full)
        share = math.ceil(total / slides)
        target = next((e for e in ends if used[e] >= share), ends[-1])
        low = max(0.8 * share, total - (slides - 1) * full)  # cut lower and the rest needs another slide
        cut = _best_break(self.block.lines, [e for e in ends if used[e] >= low] or ends[-1:], target)
        rest = cut
        while rest < self.end - 1 and not self.block.lines[rest].strip():
            rest += 1  # a continuation slide does not open with a blank line
        return replace(self, end=cut), replace(self, start=rest)

    def _capacity(self, ctx: Context, size: float, height: float) -> int:
        """Return how many rows of code fit in `height` points, with the title and the padding."""
        return int((height - self._title_h(ctx, size) - 2 * _pad_y(size)) / ctx.pitch(size) + 1e-6)

    def place(self, ctx: Context, box: Box, sizes: Sizes) -> list[Frame]:
        size = self.size(ctx, box.w, sizes)
        frames: list[Frame] = []
        title_h = self._title_h(ctx, size)
        if self.block.title:
            title = Run(self.block.title, mono=True, color=ctx.colors.muted)
            tsize = _title_size(size)
            frames.append(TextFrame(Box(box.x, box.y, box.w, ctx.pitch(tsize)),
                                    (Para((title,), tsize, ctx.pitch(tsize)),)))
        rows, highlighted = [], []
        for offset, line_rows in enumerate(self._rows(ctx, box.w, size)):
            if self.start + offset + 1 in self.block.hl_lines:
                highlighted.extend(range(len(rows), len(rows) + len(line_rows)))
            rows.extend(line_rows)
        body = Box(box.x, box.y + title_h, box.w, 2 * _pad_y(size) + len(rows) * ctx.pitch(size))
        frames.append(CodeFrame(body, size, ctx.pitch(size), _pad_x(size), _pad_y(size), tuple(rows),
                                tuple(highlighted)))
        self._report(ctx, box.w, sizes, size)
        return frames

    def _report(self, ctx: Context, width: float, sizes: Sizes, size: float) -> None:
        if size < sizes.code:
            ctx.warn(self.loc, f"code shrunk from {sizes.code:g} pt to {size:g} pt to fit its width",
                     "shorten the longest lines")
        cols = _columns(ctx, width, size) - _number_width(self.block)
        wide = [i + 1 for i, length in enumerate(_line_lengths(self.block)) if length > cols]  # the whole block:
        if wide:  # one finding, however the block was split
            which = f"line {wide[0]}" if len(wide) == 1 else f"lines {_ranges(wide)}"
            ctx.warn(self.loc, f"code lines wider than {cols} columns at {size:g} pt wrapped with "
                     f"'{ctx.marker}' ({which} of the block)", "shorten those lines")


def _title_size(size: float) -> float:
    return round_size(size * 0.85)


def _pad_x(size: float) -> float:
    return 0.75 * size


def _pad_y(size: float) -> float:
    return 0.45 * size


def _number_width(block: model.CodeBlock) -> int:
    """Return the columns taken by line numbers (digits and a space), 0 without numbers."""
    if block.linenums is None:
        return 0
    return len(str(block.linenums + len(block.lines) - 1)) + 1


def _columns(ctx: Context, width: float, size: float) -> int:
    """Return how many monospace columns fit in a code box `width` points wide at `size`."""
    return int((width - 2 * _pad_x(size)) / (ctx.advance * size) + 1e-6)


def _tokens(block: model.CodeBlock) -> list[list[highlight.Span]]:
    return _tokenize(block.code, block.language)


def _line_lengths(block: model.CodeBlock) -> list[int]:
    """Return the columns each line takes as shown (tabs expanded by the lexer)."""
    return [sum(len(span.text) for span in line) for line in _tokens(block)]


@lru_cache(maxsize=256)  # a split code block is laid out piece by piece; lex it once
def _tokenize(code: str, language: str) -> list[list[highlight.Span]]:
    return highlight.tokenize(code, language)


def _code_rows(ctx: Context, block: model.CodeBlock, index: int, columns: int) -> list[tuple[CodeRun, ...]]:
    """Return source line `index` as visual rows (cut once per width, then remembered in `ctx`)."""
    key = (block, index, columns)
    rows = ctx.code_rows.get(key)
    if rows is None:
        rows = ctx.code_rows[key] = _cut_code_line(ctx, block, index, columns)
    return rows


def _cut_code_line(ctx: Context, block: model.CodeBlock, index: int, columns: int) -> list[tuple[CodeRun, ...]]:
    """Return source line `index` as visual rows: one run per token; too-wide lines continue after a marker."""
    numbers = _number_width(block)
    width = max(columns - numbers, 4)
    spans = _tokens(block)[index] if index < len(_tokens(block)) else []
    muted = ctx.colors.muted
    rows: list[list[CodeRun]] = [[]]
    if numbers:
        rows[0].append(CodeRun(f"{block.linenums + index:>{numbers - 1}} ", muted))
    room = width
    for span in spans:
        style = ctx.palette.style(span.cls)
        text = span.text
        while text:
            if room == 0:
                rows.append([CodeRun(" " * numbers + ctx.marker + " ", muted)])
                room = width - 2
            chunk, text = text[:room], text[room:]
            rows[-1].append(CodeRun(chunk, style.color or ctx.palette.text, style.bold, style.italic))
            room -= len(chunk)
    return [tuple(r) for r in rows]


def _best_break(lines: list[str], ends: list[int], target: int) -> int:
    """Return the end (exclusive) to cut at among `ends`, the one nearest `target` of the best kind: after a
    blank line; before a top-level line no comment or attribute introduces; before any top-level line;
    else `target` itself."""
    def blank(end: int) -> bool:
        return not lines[end - 1].strip()

    def item(end: int) -> bool:
        return end < len(lines) and lines[end][:1] not in ("", " ", "\t", "}", ")", "]")

    def clean_item(end: int) -> bool:
        return item(end) and not lines[end - 1].lstrip().startswith(_INTRODUCERS)

    by_distance = sorted(ends, key=lambda e: (abs(e - target), -e))
    for good in (blank, clean_item, item):
        found = next((end for end in by_distance if good(end)), None)
        if found is not None:
            return found
    return target


#: Lines that belong to the line after them: comments, doc comments, attributes, decorators.
_INTRODUCERS = ("//", "#", "/*", "*", "--", "@", ";")


def _ranges(numbers: list[int]) -> str:
    """Return 1, 2, 3, 7 as "1-3, 7"."""
    out: list[str] = []
    for n in numbers:
        if out and out[-1].split("-")[-1] == str(n - 1):
            out[-1] = f"{out[-1].split('-')[0]}-{n}"
        else:
            out.append(str(n))
    return ", ".join(out)


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
        return _share(self.spans(ctx, size), width)

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
        needs = [widths_needed([TextPart(r.text, _cell_face(r, row == 0)) for r in cells[row][c]], faces, size)
                 for row in range(len(cells))]
        unbroken.append(max(word for word, _ in needs) + pad)
        natural.append(max(line for _, line in needs) + pad)
        body.append(max([needs[0][0], *(line for _, line in needs[1:])]) + pad)
    return Spans(tuple(unbroken), tuple(natural), tuple(body))


def _cell_face(run: Run, header: bool) -> str:
    return "bold" if header and not run.mono else _face(run)


def _cell_lines(ctx: Context, cell: tuple[Run, ...], size: float, width: float, header: bool) -> int:
    if header:
        cell = tuple(replace(r, bold=True) for r in cell)
    return ctx.lines(cell, size, width) if cell else 1


def _share(spans: Spans, width: float) -> list[float]:
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
            return 360.0, 200.0
        with PILImage.open(self.block.path) as img:
            dpi = img.info.get("dpi", (PX_PER_INCH, PX_PER_INCH))[0] or PX_PER_INCH
            return img.width * 72 / dpi, img.height * 72 / dpi

    def _fit(self, width: float, height: float) -> tuple[float, float]:
        w, h = self._natural()
        scale = min(width / w, height / h, 2.0)
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
        if not self.is_svg:
            return [ImageFrame(fitted, self.block.path, self.block.alt)]
        ctx.warn(self.loc, f"SVG image {self.block.path.name} shown as a placeholder box in the deck",
                 "python-pptx cannot embed SVG; add a PNG version for the slides")
        label = Run(f"[SVG: {self.block.alt or self.block.path.name}]", italic=True, color=ctx.colors.muted)
        size = sizes.body
        return [RectFrame(fitted, ctx.colors.code_background, ctx.colors.code_border, name="SVG placeholder"),
                TextFrame(fitted, (Para((label,), size, ctx.pitch(size), align="ctr"),), anchor="ctr")]


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
        frames.append(TreeFrame(Box(left, box.y + title_h, tree.width, tree.height), tree))
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
        header = (Run(""), Run(block.before_label + unit), Run(block.after_label + unit), Run("change"))
        rows = [tuple((Run(_number(v)),) for v in (row.before, row.after)) for row in block.rows]
        cells = [tuple((r,) for r in header)]
        for row, (before, after) in zip(block.rows, rows):
            better = block.improvement(row) >= 0
            change = Run(improvement(block, row), bold=True, color=ctx.colors.yes if better else ctx.colors.no)
            cells.append(((Run(row.name),), before, after, (change,)))
        return TablePiece(tuple(cells), ("left", "right", "right", "right"), block.loc, 0, len(block.rows))


_TIME_UNITS = {"ns", "µs", "us", "ms", "s", "sec", "seconds", "min", "h"}


def improvement(block: model.Metrics, row: model.MetricRow) -> str:
    """Return the change of `row` for people: "−42 %", or "3.2× faster" when the factor is 2 or more.

    A value that should fall but grew twofold or more reads "2.5× slower" (or "worse"), not "+150 %".
    Both are rounded to what a measurement can claim: a factor to three significant digits but at most
    one decimal ("3.2×", "13.5×", "1,060×"), a percentage to a whole number (one decimal below 1 %).
    """
    factor = block.factor(row)
    timed = block.lower_is_better and block.unit.strip() in _TIME_UNITS
    if factor is not None and factor >= 2:
        return f"{_significant(factor)}× {'faster' if timed else 'better'}"
    if block.lower_is_better and factor is not None and 0 < factor <= 0.5:
        return f"{_significant(1 / factor)}× {'slower' if timed else 'worse'}"
    change = (row.after - row.before) / abs(row.before) * 100 if row.before else 0.0
    shown = f"{abs(change):.1f}" if abs(change) < 0.95 else f"{abs(change):,.0f}"
    sign = "±" if float(shown.replace(",", "")) == 0 else "−" if change < 0 else "+"
    return f"{sign}{shown.removesuffix('.0')}\u00a0%"


def _significant(value: float) -> str:
    """Return a factor of 2 or more to three significant digits but at most one decimal, thousands grouped."""
    if round(value, 1) < 100:
        return f"{value:.1f}"
    return f"{round(value, 2 - math.floor(math.log10(value))):,.0f}"


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


def _number(value: float) -> str:
    return f"{value:,.0f}" if abs(value) >= 100 else f"{value:.3g}"


# --- boxes and columns ---------------------------------------------------------------------------


@dataclass(frozen=True)
class BoxPiece:
    """A callout or a quotation: a tinted box with a coloured bar and its own pieces inside."""

    kind: str  # "tip", "note", "warning", "quote"
    title: str
    inner: tuple[Piece, ...]
    loc: Location

    def _pad(self, sizes: Sizes) -> float:
        return 0.6 * sizes.body

    def _inner_w(self, width: float, sizes: Sizes) -> float:
        return width - BAR_WIDTH - 2 * self._pad(sizes)

    def _title(self) -> TextPiece | None:
        if self.kind == "quote":
            return None
        text = self.title or self.kind.capitalize()
        return TextPiece((ParaSpec((Run(text),), heading=True),), self.loc)

    def _head_h(self, ctx: Context, width: float, sizes: Sizes) -> float:
        title = self._title()
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
        colour = ctx.colors.muted if self.kind == "quote" else getattr(ctx.colors, self.kind)
        pad, bar = self._pad(sizes), BAR_WIDTH
        name = self.kind.capitalize()
        frames: list[Frame] = [RectFrame(box, tint(colour, 0.9), name=name),
                               RectFrame(Box(box.x, box.y, bar, box.h), colour, name=f"{name} bar")]
        inner = Box(box.x + bar + pad, box.y + pad, self._inner_w(box.w, sizes), box.h - 2 * pad)
        title = self._title()
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
        h = min(low + (want - low) * share, box.bottom - y)
        frames += piece.place(ctx, Box(box.x, y, box.w, h), sizes)
        y += h + gap(sizes)
    return frames


# --- blocks to pieces ----------------------------------------------------------------------------


def pieces(blocks: tuple[model.Block, ...], ctx: Context, style: Run = Run("")) -> list[Piece]:
    """Return the deck pieces of `blocks`; raise TypeError for a block type the deck does not know."""
    out: list[Piece] = []
    for block in blocks:
        convert = _BLOCKS.get(type(block))
        if convert is None:
            raise TypeError(f"the deck renderer has no rule for block type {type(block).__name__}")
        out.extend(convert(block, ctx, style))
    return out


def _list_pieces(block: model.BulletList, ctx: Context, style: Run) -> list[Piece]:
    out: list[Piece] = []
    text: list[ParaSpec] = []
    for item in _bullet_paras(block, ctx, 0, style):
        if isinstance(item, ParaSpec):
            text.append(item)
            continue
        if text:
            out.append(TextPiece(tuple(text), block.loc))
            text = []
        out.extend(pieces((item,), ctx, style))
    if text:
        out.append(TextPiece(tuple(text), block.loc))
    return out


def _table_piece(block: model.Table, ctx: Context, style: Run) -> list[Piece]:
    cells = (tuple(runs(c, ctx, style) for c in block.header),
             *(tuple(runs(c, ctx, style) for c in row) for row in block.rows))
    return [TablePiece(cells, block.align, block.loc, 0, len(block.rows))]


def _box_piece(kind: str, title: str, blocks, loc: Location, ctx: Context, style: Run) -> list[Piece]:
    return [BoxPiece(kind, title, tuple(pieces(blocks, ctx, style)), loc)]


_BLOCKS: dict[type, Callable[[model.Block, Context, Run], list[Piece]]] = {
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
}

"""Code blocks as pieces: sized to fit, long lines wrapped at a good break, split between lines."""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from functools import lru_cache

from .... import highlight, model
from ....errors import Location
from ...common import codewrap
from ..frames import Box, CodeFrame, CodeRun, Frame, Para, Run, TextFrame
from .base import SIZE_STEP, Context, Piece, Sizes, round_size


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
        longest = _longest(self.block.code, self.block.language) + _number_width(self.block)
        size = sizes.code
        while size > ctx.deck.min_code_size and _columns(ctx, width, size) < longest:
            size -= SIZE_STEP
        return max(size, ctx.deck.min_code_size)

    def _title_h(self, ctx: Context, size: float) -> float:
        return ctx.pitch(_title_size(size)) + 0.3 * size if self.block.title or self.block.compile_fail else 0.0

    def _rows(self, ctx: Context, width: float, size: float) -> list[list[tuple[CodeRun, ...]]]:
        return [_code_rows(ctx, self.block, i, _columns(ctx, width, size)) for i in range(self.start, self.end)]

    def height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        size = self.size(ctx, width, sizes)
        before = _rows_before(ctx, self.block, _columns(ctx, width, size))
        rows = before[self.end] - before[self.start]
        return self._title_h(ctx, size) + 2 * _pad_y(size) + rows * ctx.pitch(size)

    def min_height(self, ctx: Context, width: float, sizes: Sizes) -> float:
        return self.height(ctx, width, sizes)

    def split(self, ctx: Context, width: float, sizes: Sizes, avail: float) -> tuple[Piece, Piece] | None:
        """Return the lines that fit and the rest, cut near this slide's share of an even split (so the last
        slide never holds a line or two), at a blank line there when there is one."""
        size = self.size(ctx, width, sizes)
        before = _rows_before(ctx, self.block, _columns(ctx, width, size))
        total, capacity = before[self.end] - before[self.start], self._capacity(ctx, size, avail)
        used: dict[int, int] = {}  # rows up to each line end that fits (only those: a split costs what fits)
        for end in range(self.start + 1, self.end + 1):
            if before[end] - before[self.start] > capacity:
                break
            used[end] = before[end] - before[self.start]
        ends = [e for e in used if e < self.end]
        if not ends or ends[-1] - self.start < min(3, self.end - self.start - 1):
            return None
        full = max(self._capacity(ctx, size, ctx.area_height), 1)  # rows on a slide of their own
        slides = 1 + math.ceil(max(total - capacity, 0) / full)
        share = math.ceil(total / slides)
        target = next((e for e in ends if used[e] >= share), ends[-1])
        low = max(0.8 * share, total - (slides - 1) * full)  # cut lower and the rest needs another slide
        lines = _lines(self.block.code)
        cut = _best_break(lines, [e for e in ends if used[e] >= low] or ends[-1:], target)
        rest = cut
        while rest < self.end - 1 and not lines[rest].strip():
            rest += 1  # a continuation slide does not open with a blank line
        return replace(self, end=cut), replace(self, start=rest)

    def _capacity(self, ctx: Context, size: float, height: float) -> int:
        """Return how many rows of code fit in `height` points, with the title and the padding."""
        return int((height - self._title_h(ctx, size) - 2 * _pad_y(size)) / ctx.pitch(size) + 1e-6)

    def place(self, ctx: Context, box: Box, sizes: Sizes) -> list[Frame]:
        size = self.size(ctx, box.w, sizes)
        frames: list[Frame] = []
        title_h = self._title_h(ctx, size)
        if title_h:
            title = (Run(self.block.title, mono=True, color=ctx.colors.muted),) if self.block.title else ()
            if self.block.compile_fail:  # rustdoc's compile_fail: code that is wrong on purpose says so
                title += (Run(("   " if title else "") + ctx.words.does_not_compile, bold=True,
                              color=ctx.colors.warning),)
            tsize = _title_size(size)
            frames.append(TextFrame(Box(box.x, box.y, box.w, ctx.pitch(tsize)),
                                    (Para(title, tsize, ctx.pitch(tsize)),)))
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
    return len(str(block.linenums + len(_lines(block.code)) - 1)) + 1


def _columns(ctx: Context, width: float, size: float) -> int:
    """Return how many monospace columns fit in a code box `width` points wide at `size`."""
    return int((width - 2 * _pad_x(size)) / (ctx.advance * size) + 1e-6)


def _tokens(block: model.CodeBlock) -> list[list[highlight.Span]]:
    return _tokenize(block.code, block.language)


def _line_lengths(block: model.CodeBlock) -> tuple[int, ...]:
    """Return the columns each line takes as shown (tabs expanded by the lexer, wide characters count 2)."""
    return _lengths(block.code, block.language)


@lru_cache(maxsize=256)  # `CodeBlock.lines` splits the code at every call: a split block asks at every piece
def _lines(code: str) -> tuple[str, ...]:
    return tuple(code.split("\n"))


@lru_cache(maxsize=256)
def _longest(code: str, language: str) -> int:
    return max(_lengths(code, language), default=0)


@lru_cache(maxsize=256)  # every piece of a split block asks again: measure the block once
def _lengths(code: str, language: str) -> tuple[int, ...]:
    return tuple(sum(map(codewrap.columns, "".join(span.text for span in line))) for line in _tokenize(code, language))


@lru_cache(maxsize=256)  # a split code block is laid out piece by piece; lex it once
def _tokenize(code: str, language: str) -> list[list[highlight.Span]]:
    return highlight.tokenize(code, language)


def _code_rows(ctx: Context, block: model.CodeBlock, index: int, columns: int) -> list[tuple[CodeRun, ...]]:
    """Return source line `index` as visual rows (cut once per width, then remembered in `ctx`)."""
    key = (id(block), index, columns)  # hashing the block would hash all its lines: once per line, quadratic
    rows = ctx.code_rows.get(key)
    if rows is None:
        rows = ctx.code_rows[key] = _cut_code_line(ctx, block, index, columns)
    return rows


def _rows_before(ctx: Context, block: model.CodeBlock, columns: int) -> list[int]:
    """Return, for each line index i (and the end), how many visual rows the lines before i take at `columns`.

    Every piece of a split block asks for its height and where to split: with these sums each answer costs
    the lines that fit on one slide, not the lines left, so a long block is laid out in linear time.
    """
    key = (id(block), "before", columns)
    before = ctx.code_rows.get(key)
    if before is None:
        before = [0]
        for index in range(len(_lines(block.code))):
            before.append(before[-1] + len(_code_rows(ctx, block, index, columns)))
        ctx.code_rows[key] = before
    return before


def _cut_code_line(ctx: Context, block: model.CodeBlock, index: int, columns: int) -> list[tuple[CodeRun, ...]]:
    """Return source line `index` as visual rows: one run per token; too-wide lines continue after a marker."""
    numbers = _number_width(block)
    width = max(columns - numbers, 4)
    spans = _tokens(block)[index] if index < len(_tokens(block)) else []
    muted = ctx.colors.muted
    line = "".join(span.text for span in spans)
    cut = codewrap.wrap(line, width)
    rows: list[list[CodeRun]] = []
    for n, (start, end) in enumerate(cut.slices):
        if n == 0:
            rows.append([CodeRun(f"{block.linenums + index:>{numbers - 1}} ", muted)] if numbers else [])
        else:
            rows.append([CodeRun(" " * (numbers + cut.indent) + ctx.marker + " ", muted)])
        offset = 0
        for span in spans:  # the tokens' parts that fall in [start, end)
            left, right = max(start, offset), min(end, offset + len(span.text))
            if left < right:
                style = ctx.palette.style(span.cls)
                rows[-1].append(CodeRun(span.text[left - offset:right - offset], style.color or ctx.palette.text,
                                        style.bold, style.italic))
            offset += len(span.text)
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



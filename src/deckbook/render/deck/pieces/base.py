"""What every piece shares: the sizes in force, the measuring context, the Piece protocol, runs."""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from functools import cached_property, lru_cache
from pathlib import Path
from typing import Callable, Protocol

from .... import highlight, model
from ....errors import Diagnostic, Location
from ....theme import Theme
from ...common.labels import Labels
from ...common.colours import tints
from ...common import fontchain, mathtex
from ..frames import Box, Frame, Run
from ...common.fontmetrics import FontMetrics, metrics
from ..measure import Faces, Piece as TextPart, wrap



SIZE_STEP = 0.5
MARKERS = ("↪", "↳", "→", "»")  # the first one the mono font has marks a wrapped code line


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
    words: Labels = field(default_factory=Labels)  # the course language's labels
    diagnostics: dict[tuple, Diagnostic] = field(default_factory=dict)
    #: Code lines cut into rows, by (block, line index, columns): fitting asks for them again and again.
    code_rows: dict[tuple, list] = field(default_factory=dict)
    #: The footnotes referenced by the blocks turned into pieces since the layout last emptied it.
    footnotes: dict[int, model.Inlines] = field(default_factory=dict)

    @cached_property
    def body(self) -> Faces:
        return _faces(self.theme.spec.fonts.body, self.theme.spec.fonts.mono, self.fallbacks)

    @cached_property
    def heading(self) -> Faces:
        return _faces(self.theme.spec.fonts.heading, self.theme.spec.fonts.mono, self.fallbacks)

    @cached_property
    def fallbacks(self) -> tuple[Path, ...]:
        """The installed fonts of the theme's fallback chain: text they draw is measured with them."""
        return tuple(f.file for f in fontchain.chain(self.theme).fallback if f.file is not None)

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


def _faces(font, mono, fallbacks: tuple[Path, ...]) -> Faces:
    return Faces(font.regular, font.bold, font.italic, font.bold_italic, mono.regular, fallbacks)


@lru_cache(maxsize=1 << 16)  # the layout measures the same paragraphs at each size it tries
def _lines(faces: Faces, runs: tuple[Run, ...], size: float, width: float) -> int:
    return wrap([TextPart(r.text, run_face(r)) for r in runs], faces, size, width)


def run_face(run: Run) -> str:
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
    # A cross-reference (`#anchor`) jumps to the heading's slide when the deck shows it (see the writer).
    return runs(node.children, ctx, replace(style, link=node.target, color=ctx.colors.note))


def _footnote_runs(node: model.FootnoteRef, ctx: Context, style: Run) -> tuple[Run, ...]:
    ctx.footnotes.setdefault(node.number, node.note)
    return (replace(style, text=str(node.number), script=SUPERSCRIPT, link=""),)


SUPERSCRIPT, SUBSCRIPT = 30, -25  # percent of the size the text moves up or down

_INLINE: dict[type, Callable[..., tuple[Run, ...]]] = {
    model.Text: lambda n, ctx, s: (replace(s, text=n.text),),
    model.Code: lambda n, ctx, s: (replace(s, text=n.text, mono=True),),
    model.Strong: lambda n, ctx, s: runs(n.children, ctx, replace(s, bold=True)),
    model.Emph: lambda n, ctx, s: runs(n.children, ctx, replace(s, italic=not s.italic)),
    model.Strike: lambda n, ctx, s: runs(n.children, ctx, replace(s, strike=True)),
    model.Link: _link_runs,
    model.LineBreak: lambda n, ctx, s: (replace(s, text="\n"),),
    model.Kbd: lambda n, ctx, s: runs(n.children, ctx, replace(s, mono=True, highlight=tints(ctx.colors).code_head)),
    model.Sub: lambda n, ctx, s: runs(n.children, ctx, replace(s, script=SUBSCRIPT)),
    model.Sup: lambda n, ctx, s: runs(n.children, ctx, replace(s, script=SUPERSCRIPT)),
    model.Mark: lambda n, ctx, s: runs(n.children, ctx, replace(s, highlight=ctx.colors.highlight)),
    model.Underline: lambda n, ctx, s: runs(n.children, ctx, replace(s, underline=True)),
    model.Abbr: lambda n, ctx, s: runs(n.children, ctx, s),  # a slide has no tooltip for the expansion
    model.FootnoteRef: _footnote_runs,
    # Inline math as text: variables in italic, scripts raised or lowered (native, editable runs).
    model.Math: lambda n, ctx, s: tuple(replace(s, text=p.text, italic=s.italic or p.italic, script=p.baseline)
                                        for p in mathtex.linear(n.tex)),
}


def _merge(items: list[Run]) -> list[Run]:
    out: list[Run] = []
    for run in items:
        if out and run.text != "\n" and out[-1].text != "\n" and replace(out[-1], text="") == replace(run, text=""):
            out[-1] = replace(run, text=out[-1].text + run.text)
        elif run.text:
            out.append(run)
    return out



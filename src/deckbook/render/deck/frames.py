"""The laid-out deck: slides made of positioned frames, in points, with colours resolved — no python-pptx.

The layout produces these; the writer only draws them, one drawing function per frame type.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Union

from ...errors import Diagnostic, Location
from ...model import Answer, Metrics, Question
from ..common.tree import TreeLayout


@dataclass(frozen=True)
class Box:
    """A rectangle on the slide, in points from the top-left corner."""

    x: float
    y: float
    w: float
    h: float

    @property
    def right(self) -> float:
        return self.x + self.w

    @property
    def bottom(self) -> float:
        return self.y + self.h


@dataclass(frozen=True)
class Run:
    """Text in one format; a text of "\\n" is a line break."""

    text: str
    bold: bool = False
    italic: bool = False
    mono: bool = False
    strike: bool = False
    link: str = ""
    color: str | None = None
    underline: bool = False
    script: int = 0  # percent of the size the text is raised (superscript) or lowered (subscript, negative)
    highlight: str | None = None  # a background colour behind the text (<mark>, <kbd>)


#: A line of speaker notes: runs keep their bold, italic, code and links in the notes pane.
NotesLine = tuple[Run, ...]


@dataclass(frozen=True)
class Para:
    """A paragraph: `margin` is its left indent, `bullet` "•", a number like "3." or ""."""

    runs: tuple[Run, ...]
    size: float
    pitch: float
    margin: float = 0.0
    bullet: str = ""
    space_before: float = 0.0
    align: Literal["l", "ctr", "r"] = "l"
    color: str | None = None


@dataclass(frozen=True)
class TextFrame:
    """Wrapped text in a box (the box is the text area: no insets)."""

    box: Box
    paras: tuple[Para, ...]
    anchor: Literal["t", "ctr", "b"] = "t"


@dataclass(frozen=True)
class CodeRun:
    """One token (or a line number, or the wrap marker) of code."""

    text: str
    color: str
    bold: bool = False
    italic: bool = False


@dataclass(frozen=True)
class CodeFrame:
    """A code box: one row per visual line (wrapped lines take several), rows in `highlighted` shaded."""

    box: Box
    size: float
    pitch: float
    pad_x: float
    pad_y: float
    rows: tuple[tuple[CodeRun, ...], ...]
    highlighted: tuple[int, ...]


@dataclass(frozen=True)
class Cell:
    """One table cell."""

    runs: tuple[Run, ...]
    align: Literal["l", "ctr", "r"]


@dataclass(frozen=True)
class TableFrame:
    """A native table; the first row is the header."""

    box: Box
    size: float
    pitch: float
    margin_x: float
    margin_y: float
    widths: tuple[float, ...]
    heights: tuple[float, ...]
    rows: tuple[tuple[Cell, ...], ...]


@dataclass(frozen=True)
class ImageFrame:
    """A picture scaled into `box` (aspect ratio already kept)."""

    box: Box
    path: Path
    alt: str
    """What the picture shows, for screen readers (`render.common.alt.image`)."""
    loc: Location | None = None  # where the course shows it (an SVG that cannot be rendered is an error there)


@dataclass(frozen=True)
class MathFrame:
    """Display math: the typeset formula as SVG, placed as a picture (with a PNG fallback) in `box`."""

    box: Box
    svg: str
    tex: str  # the alternative text
    loc: Location


@dataclass(frozen=True)
class RectFrame:
    """A plain rectangle: a callout's background, a highlight band, a quote's bar, a placeholder.

    It carries no meaning of its own (the text beside it does): the deck marks it decorative.
    """

    box: Box
    fill: str | None
    line: str | None = None
    rounded: bool = False
    name: str = ""


@dataclass(frozen=True)
class TreeFrame:
    """A decision tree laid out in `box`."""

    box: Box
    tree: TreeLayout
    root: Question | Answer
    """The tree as the author wrote it (its alternative text is made from it)."""


@dataclass(frozen=True)
class ChartFrame:
    """A clustered bar chart of `metrics` (before/after per row)."""

    box: Box
    metrics: Metrics
    size: float
    label_size: float
    """The values over the bars: small enough for the widest to fit its bar."""


Frame = Union[TextFrame, CodeFrame, TableFrame, ImageFrame, RectFrame, TreeFrame, ChartFrame]


@dataclass(frozen=True)
class SlidePlan:
    """One slide: the title goes into the layout's title placeholder (so the outline view works)."""

    kind: Literal["title", "section", "content"]
    title: str
    title_box: Box | None
    title_size: float
    frames: tuple[Frame, ...]
    notes: tuple[NotesLine, ...]
    layout: str
    """The name of the template layout the slide is made from."""
    background: str | None = None
    """A colour painted over the layout's background (deckbook's own look: the cover and section slides)."""
    title_color: str | None = None
    """None keeps the colour the template gives its title placeholder."""
    title_anchor: Literal["t", "ctr", "b"] | None = "t"
    """None keeps the template's vertical alignment."""
    footer: Literal["", "own", "template"] = ""
    """"template": the layout's date, footer and slide-number placeholders, filled; "own": text boxes."""
    footer_color: str | None = None
    """The colour of "own" footers."""
    hidden: bool = False
    """Skipped in the slide show until the trainer unhides it (an exercise's solution)."""
    anchors: tuple[str, ...] = ()
    """The anchors of the headings this slide shows: where a cross-reference (`#anchor`) jumps to."""
    title_hidden: bool = False
    """The slide shows no title: `title` is there for screen readers and the outline only."""


@dataclass(frozen=True)
class DeckPlan:
    """The whole deck, laid out, with the overflow report."""

    width: float
    height: float
    footer: str
    date: str
    footer_box: Box
    number_box: Box
    footer_size: float
    slides: tuple[SlidePlan, ...]
    diagnostics: tuple[Diagnostic, ...]

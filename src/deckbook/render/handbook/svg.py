"""Vector drawings for the handbook, built as SVG text: decision trees and before/after bar charts.

Pure string building: no I/O, no WeasyPrint. One SVG user unit is one point, so sizes read like the CSS.
Every drawing carries `role="img"`, an `aria-label` and a `<title>` (WeasyPrint turns the title into the
tagged PDF's alternate text).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from markupsafe import escape

from ...model import DecisionTree, Metrics
from ...theme import Colours
from ..common.colours import tints
from ..common.tree import PAD, layout_tree

SVG_NS = "http://www.w3.org/2000/svg"


@dataclass(frozen=True)
class Style:
    """What a drawing takes from the theme: colours, the label font and how to measure it (points)."""

    colors: Colours
    font_family: str  # a family declared by the handbook's @font-face rules
    font_size: float
    measure: Callable[[str, float], float]  # width of text at a size
    width: float  # the widest the drawing may be


def wrap(text: str, width: float, size: float, measure: Callable[[str, float], float]) -> list[str]:
    """Return `text` greedily wrapped into lines no wider than `width` (long words are cut)."""
    lines: list[str] = []
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if measure(candidate, size) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while measure(word, size) > width and len(word) > 1:
            cut = _cut(word, width, size, measure)
            lines.append(word[:cut])
            word = word[cut:]
        line = word
    if line or not lines:
        lines.append(line)
    return lines


def _cut(word: str, width: float, size: float, measure: Callable[[str, float], float]) -> int:
    """Return where to cut a word wider than `width`: after punctuation (`::`, `/`, `_`…) if any fits."""
    fits = len(word) - 1
    while fits > 1 and measure(word[:fits], size) > width:
        fits -= 1
    for k in range(fits, 0, -1):
        if word[k - 1] in ":/._-" and word[k] not in ":/._-":
            return k
    return fits


def _svg(width: float, height: float, label: str, body: list[str], css_class: str, max_width: float) -> str:
    """Return the drawing at natural size (1 unit = 1 pt), shrunk as a whole when wider than `max_width`."""
    scale = min(1.0, max_width / width) if width else 1.0
    return (
        f'<svg xmlns="{SVG_NS}" class="{css_class}" role="img" aria-label="{escape(label)}" '
        f'width="{width * scale:.2f}pt" height="{height * scale:.2f}pt" '
        f'viewBox="0 0 {width:.2f} {height:.2f}"><title>{escape(label)}</title>'
        + "".join(body) + "</svg>"
    )


def _text_lines(lines: list[str], cx: float, top: float, height: float, line: float, size: float,
                fill: str, weight: str, family: str) -> str:
    """Return the lines centred horizontally on `cx` and vertically in the band [top, top+height]."""
    start = top + (height - len(lines) * line) / 2
    spans = []
    for i, text in enumerate(lines):
        # Baseline: the line's centre plus half the cap height (≈ 0.72 em for sans fonts).
        y = start + i * line + line / 2 + 0.36 * size
        spans.append(f'<tspan x="{cx:.2f}" y="{y:.2f}">{escape(text)}</tspan>')
    return (f'<text font-family="{family}" font-size="{size}" font-weight="{weight}" fill="{fill}" '
            f'text-anchor="middle">{"".join(spans)}</text>')


# --- decision tree -----------------------------------------------------------------------------------

_LINE_SPACING = 1.25  # node text lines, as a multiple of the size
_UNBOUNDED = 1e6  # a page's drawing is as tall as the tree needs (the deck's must fit its slide)


def decision_tree(tree: DecisionTree, style: Style, label: str, yes: str = "yes", no: str = "no") -> str:
    """Return `tree` drawn top-down as the deck draws it (`common.tree`): questions filled, answers outlined."""
    size, measure = style.font_size, style.measure

    def lines(text: str, at: float, width: float, bold: bool) -> int:
        return len(wrap(text, width, at, measure))

    def widest(text: str, at: float, bold: bool) -> float:
        return max((measure(word, at) for word in text.split()), default=0.0)

    laid = layout_tree(tree.root, style.width, _UNBOUNDED, size, size, _LINE_SPACING, lines, widest)
    c = style.colors
    answer_fill = tints(c).answer
    edges: dict[int, list] = {}
    for edge in laid.edges:
        edges.setdefault(edge.parent, []).append(edge)
    body: list[str] = []
    for index, node in enumerate(laid.nodes):
        if node.question:
            body.append(f'<rect x="{node.x:.2f}" y="{node.y:.2f}" width="{node.w:.2f}" height="{node.h:.2f}" '
                        f'rx="3" fill="{c.primary}"/>')
        else:
            body.append(f'<rect x="{node.x:.2f}" y="{node.y:.2f}" width="{node.w:.2f}" height="{node.h:.2f}" '
                        f'rx="8" fill="{answer_fill}" stroke="{c.primary}" stroke-width="0.8"/>')
        text = wrap(node.text, node.w - 2 * PAD, size, measure)
        body.append(_text_lines(text, node.x + node.w / 2, node.y, node.h, laid.pitch, size,
                                c.background if node.question else c.text,
                                "bold" if node.question else "normal", style.font_family))
        for edge in edges.get(index, ()):  # a question's branches right after it: the text reads in order
            child = laid.nodes[edge.child]
            word, colour = (yes, c.yes) if edge.yes else (no, c.no)
            body.append(_edge(node.x + node.w / 2, node.y + node.h, child.x + child.w / 2, child.y, word,
                              colour, size, style.font_family))
    return _svg(laid.width, laid.height, label, body, "tree", style.width)


def _edge(x1: float, y1: float, x2: float, y2: float, word: str, colour: str, size: float, family: str) -> str:
    """Return an elbow connector from a parent's bottom to a child's top, labelled on its horizontal leg."""
    mid = (y1 + y2) / 2
    tip = 5.0
    return (
        f'<path d="M{x1:.2f},{y1:.2f} V{mid:.2f} H{x2:.2f} V{y2 - tip:.2f}" fill="none" stroke="{colour}" '
        f'stroke-width="1.2"/>'
        f'<path d="M{x2 - 3.5:.2f},{y2 - tip:.2f} L{x2 + 3.5:.2f},{y2 - tip:.2f} L{x2:.2f},{y2:.2f} Z" '
        f'fill="{colour}"/>'
        f'<text x="{(x1 + x2) / 2:.2f}" y="{mid - 3:.2f}" font-family="{family}" font-size="{size * 0.9:.2f}" '
        f'font-weight="bold" fill="{colour}" text-anchor="middle">{escape(word)}</text>'
    )


# --- bar chart ---------------------------------------------------------------------------------------

_BAR, _BAR_GAP, _ROW_GAP = 9.0, 2.0, 9.0


def bar_chart(metrics: Metrics, style: Style, fmt: Callable[[float], str], label: str) -> str:
    """Return a horizontal bar chart: per row, a bar for before and one for after, values at the ends.

    Each row is scaled on its own: a row is one before/after comparison, and rows of very different
    magnitude would otherwise shrink to slivers. The values are printed on every bar, so no scale hides.
    """
    c = style.colors
    size = style.font_size
    measure = style.measure
    before_fill = tints(c).before
    name_w = min(max(measure(r.name, size) for r in metrics.rows) + 8, style.width * 0.3)
    value_w = max(measure(fmt(v), size) for r in metrics.rows for v in (r.before, r.after)) + 6
    bar_w = style.width - name_w - value_w
    body: list[str] = []
    # Legend.
    x = name_w
    for text, fill in ((metrics.before_label, before_fill), (metrics.after_label, c.primary)):
        body.append(f'<rect x="{x:.2f}" y="1" width="8" height="8" fill="{fill}"/>')
        body.append(f'<text x="{x + 11:.2f}" y="8.2" font-family="{style.font_family}" font-size="{size}" '
                    f'fill="{c.text}">{escape(text)}</text>')
        x += 11 + measure(text, size) + 14
    y = 18.0
    row_h = 2 * _BAR + _BAR_GAP
    for row in metrics.rows:
        top = max(row.before, row.after, 0.0)
        scale = bar_w / top if top else 0.0
        names = wrap(row.name, name_w - 8, size, measure)
        body.append(_left_lines(names, 0, y, row_h, size * 1.2, size, c.text, style.font_family))
        for i, (value, fill) in enumerate(((row.before, before_fill), (row.after, c.primary))):
            by = y + i * (_BAR + _BAR_GAP)
            w = max(value, 0.0) * scale
            body.append(f'<rect x="{name_w:.2f}" y="{by:.2f}" width="{w:.2f}" height="{_BAR}" fill="{fill}"/>')
            body.append(f'<text x="{name_w + w + 3:.2f}" y="{by + _BAR / 2 + 0.36 * size:.2f}" '
                        f'font-family="{style.font_family}" font-size="{size}" fill="{c.text}">'
                        f'{escape(fmt(value))}</text>')
        y += row_h + _ROW_GAP
    return _svg(style.width, y - _ROW_GAP + 2, label, body, "chart", style.width)


def _left_lines(lines: list[str], x: float, top: float, height: float, line: float, size: float,
                fill: str, family: str) -> str:
    start = top + (height - len(lines) * line) / 2
    spans = "".join(f'<tspan x="{x:.2f}" y="{start + i * line + line / 2 + 0.36 * size:.2f}">{escape(t)}</tspan>'
                    for i, t in enumerate(lines))
    return f'<text font-family="{family}" font-size="{size}" fill="{fill}">{spans}</text>'

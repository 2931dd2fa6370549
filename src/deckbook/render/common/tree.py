"""Decision trees laid out top-down — pure geometry in points, the same for slides and pages.

x positions come from the leaves (each leaf gets a slot wide enough for its longest word, the room left is
shared evenly; a question sits above the middle of its branches), rows from depth. The text size is the
largest one between the theme's sizes at which every node's text fits its box without breaking a word;
below the minimum the tree is drawn at the minimum and reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ...model import Answer, Question

#: (text, size, width, bold) → number of wrapped lines.
LineCounter = Callable[[str, float, float, bool], int]
#: (text, size, bold) → width of its longest word, in points.
WordWidth = Callable[[str, float, bool], float]

MAX_NODE_W = 220.0
PAD = 5.0
SIZE_STEP = 0.5


@dataclass(frozen=True)
class TreeNode:
    """A question (inner node) or an answer (leaf), positioned relative to the tree's top-left corner."""

    text: str
    question: bool
    x: float
    y: float
    w: float
    h: float


@dataclass(frozen=True)
class TreeEdge:
    """A connector from a question to one of its branches."""

    parent: int
    child: int
    yes: bool


@dataclass(frozen=True)
class TreeLayout:
    """A laid-out tree; `fits` is False when the text would not fit even at the minimum size."""

    nodes: tuple[TreeNode, ...]
    edges: tuple[TreeEdge, ...]
    size: float
    pitch: float
    label_size: float
    width: float
    height: float
    fits: bool


@dataclass(frozen=True)
class _Slot:
    text: str
    question: bool
    depth: int
    first: int  # first leaf slot under the node
    last: int  # last leaf slot under the node
    parent: int
    yes: bool


def _slots(root: Question | Answer) -> list[_Slot]:
    """Return the nodes in pre-order with their depth and leaf-slot span."""
    out: list[_Slot] = []
    leaf = 0

    def visit(node: Question | Answer, depth: int, parent: int, yes: bool) -> tuple[int, int]:
        nonlocal leaf
        index = len(out)
        out.append(_Slot(node.text, isinstance(node, Question), depth, leaf, leaf, parent, yes))
        if isinstance(node, Answer):
            leaf += 1
            return out[index].first, out[index].last
        first, _ = visit(node.yes, depth + 1, index, True)
        _, last = visit(node.no, depth + 1, index, False)
        out[index] = _Slot(node.text, True, depth, first, last, parent, yes)
        return first, last

    visit(root, 0, -1, True)
    return out


@dataclass(frozen=True)
class _Measure:
    """How node texts are measured: wrapped lines, and (when known) the longest word."""

    lines: LineCounter
    widest: WordWidth | None
    spacing: float

    def node_lines(self, slot: _Slot, size: float, width: float) -> int:
        return self.lines(slot.text, size, width, slot.question)

    def breaks_a_word(self, slot: _Slot, size: float, width: float) -> bool:
        return self.widest is not None and self.widest(slot.text, size, slot.question) > width


def _leaf_edges(slots: list[_Slot], width: float, size: float, measure: _Measure) -> tuple[list[float], float]:
    """Return the x where each leaf slot starts (and where the last ends), and the gap between nodes."""
    leaves = [s for s in slots if not s.question]
    gap = min(16.0, width / len(leaves) * 0.12)
    if measure.widest is None:
        widths = [width / len(leaves)] * len(leaves)
    else:
        needs = [min(MAX_NODE_W, measure.widest(s.text, size, False) + 2 * PAD) + gap for s in leaves]
        spare = width - sum(needs)
        widths = ([n + spare / len(leaves) for n in needs] if spare >= 0 else
                  [width * n / sum(needs) for n in needs])
    edges = [0.0]
    for w in widths:
        edges.append(edges[-1] + w)
    return edges, gap


def _node_box(slot: _Slot, edges: list[float], gap: float) -> tuple[float, float]:
    """Return (centre, width) of a node: over the middle of its leaves, as wide as they are less the gap."""
    left, right = edges[slot.first], edges[slot.last + 1]
    return (left + right) / 2, min(MAX_NODE_W, right - left - gap)


def _label_size(size: float, min_size: float) -> float:
    return max(min_size * 0.8, size * 0.75)


def _row_gap(size: float, min_size: float, spacing: float) -> float:
    return 2.4 * _label_size(size, min_size) * spacing


def _node_height(slots: list[_Slot], width: float, size: float, measure: _Measure) -> float:
    """Return the height every node needs at `size` (rows are uniform)."""
    edges, gap = _leaf_edges(slots, width, size, measure)
    most = max(measure.node_lines(s, size, _node_box(s, edges, gap)[1] - 2 * PAD) for s in slots)
    return most * size * measure.spacing + 2 * PAD


def _breaks_words(slots: list[_Slot], width: float, size: float, measure: _Measure) -> bool:
    """Return whether some node's longest word is wider than its box at `size`."""
    edges, gap = _leaf_edges(slots, width, size, measure)
    return any(measure.breaks_a_word(s, size, _node_box(s, edges, gap)[1] - 2 * PAD) for s in slots)


def needed_height(root: Question | Answer, width: float, size: float, min_size: float, spacing: float,
                  lines: LineCounter, widest: WordWidth | None = None) -> float:
    """Return the height the tree takes at text `size` in `width` points."""
    slots = _slots(root)
    depth = max(s.depth for s in slots) + 1
    node_h = _node_height(slots, width, size, _Measure(lines, widest, spacing))
    return depth * node_h + (depth - 1) * _row_gap(size, min_size, spacing)


def layout_tree(root: Question | Answer, width: float, height: float, max_size: float, min_size: float,
                spacing: float, lines: LineCounter, widest: WordWidth | None = None) -> TreeLayout:
    """Return the tree laid out in `width` × `height`, at the largest text size that fits."""
    slots = _slots(root)
    measure = _Measure(lines, widest, spacing)

    def fits(size: float) -> bool:
        return (needed_height(root, width, size, min_size, spacing, lines, widest) <= height
                and not _breaks_words(slots, width, size, measure))

    size = max_size
    while size > min_size and not fits(size):
        size -= SIZE_STEP
    size = max(size, min_size)
    edges, gap = _leaf_edges(slots, width, size, measure)
    depth = max(s.depth for s in slots) + 1
    row_gap = _row_gap(size, min_size, spacing)
    node_h = _node_height(slots, width, size, measure)
    if depth * node_h + (depth - 1) * row_gap > height:  # squeeze rows in; the text is reported as too large
        node_h = max(4.0, (height - (depth - 1) * row_gap) / depth)
        if node_h * depth + (depth - 1) * row_gap > height:
            row_gap = max(0.0, (height - node_h * depth) / max(depth - 1, 1))
    nodes, connections = [], []
    for index, s in enumerate(slots):
        centre, w = _node_box(s, edges, gap)
        nodes.append(TreeNode(s.text, s.question, centre - w / 2, s.depth * (node_h + row_gap), w, node_h))
        if s.parent >= 0:
            connections.append(TreeEdge(s.parent, index, s.yes))
    used = depth * node_h + (depth - 1) * row_gap
    return TreeLayout(tuple(nodes), tuple(connections), size, size * spacing, _label_size(size, min_size),
                      width, used, fits(size))

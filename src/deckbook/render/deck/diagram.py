"""Decision trees laid out top-down — pure geometry in points; the writer draws the result as shapes.

x positions come from leaf counts (each leaf gets one slot, a question sits above the middle of its
branches), rows from depth. The text size is the largest one between the theme's sizes at which every
node's text fits its box; below the minimum the tree is drawn at the minimum and reported.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from ...model import Answer, Question

#: (text, size, width) → number of wrapped lines.
LineCounter = Callable[[str, float, float], int]

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


def _geometry(slots: list[_Slot], width: float) -> tuple[float, float]:
    """Return (slot width, horizontal gap) for the number of leaves."""
    leaves = max(s.last for s in slots) + 1
    slot_w = width / leaves
    return slot_w, min(16.0, slot_w * 0.12)


def _node_width(slot: _Slot, slot_w: float, gap: float) -> float:
    return min(MAX_NODE_W, (slot.last - slot.first + 1) * slot_w - gap)


def _label_size(size: float, min_size: float) -> float:
    return max(min_size * 0.8, size * 0.75)


def _row_gap(size: float, min_size: float, spacing: float) -> float:
    return 2.4 * _label_size(size, min_size) * spacing


def _node_height(slots: list[_Slot], width: float, size: float, spacing: float, lines: LineCounter) -> float:
    """Return the height every node needs at `size` (rows are uniform)."""
    slot_w, gap = _geometry(slots, width)
    most = max(lines(s.text, size, _node_width(s, slot_w, gap) - 2 * PAD) for s in slots)
    return most * size * spacing + 2 * PAD


def needed_height(root: Question | Answer, width: float, size: float, min_size: float, spacing: float,
                  lines: LineCounter) -> float:
    """Return the height the tree takes at text `size` in `width` points."""
    slots = _slots(root)
    depth = max(s.depth for s in slots) + 1
    node_h = _node_height(slots, width, size, spacing, lines)
    return depth * node_h + (depth - 1) * _row_gap(size, min_size, spacing)


def layout_tree(root: Question | Answer, width: float, height: float, max_size: float, min_size: float,
                spacing: float, lines: LineCounter) -> TreeLayout:
    """Return the tree laid out in `width` × `height`, at the largest text size that fits."""
    size = max_size
    while size > min_size and needed_height(root, width, size, min_size, spacing, lines) > height:
        size -= SIZE_STEP
    size = max(size, min_size)
    fits = needed_height(root, width, size, min_size, spacing, lines) <= height
    slots = _slots(root)
    slot_w, gap = _geometry(slots, width)
    depth = max(s.depth for s in slots) + 1
    row_gap = _row_gap(size, min_size, spacing)
    node_h = _node_height(slots, width, size, spacing, lines)
    if not fits:  # squeeze rows into the height; the text is reported as too large
        node_h = max(4.0, (height - (depth - 1) * row_gap) / depth)
        if node_h * depth + (depth - 1) * row_gap > height:
            row_gap = max(0.0, (height - node_h * depth) / max(depth - 1, 1))
    nodes, edges = [], []
    for index, s in enumerate(slots):
        w = _node_width(s, slot_w, gap)
        centre = (s.first + s.last + 1) / 2 * slot_w
        nodes.append(TreeNode(s.text, s.question, centre - w / 2, s.depth * (node_h + row_gap), w, node_h))
        if s.parent >= 0:
            edges.append(TreeEdge(s.parent, index, s.yes))
    used = depth * node_h + (depth - 1) * row_gap
    return TreeLayout(tuple(nodes), tuple(edges), size, size * spacing, _label_size(size, min_size),
                      width, used, fits)

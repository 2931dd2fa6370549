"""The deck's pure layout: font measurement, word wrap, decision-tree geometry, slide planning."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckbook import model as m
from deckbook.errors import Location
from deckbook.render.deck import diagram, layout, measure, pieces
from deckbook.render.deck.frames import Box
from deckbook.theme import Theme, load_theme

from test_deck import bullets, code, course, metrics, para, slide, table, tree


@pytest.fixture(scope="module")
def theme() -> Theme:
    return load_theme("default", Location(Path("course.yaml")))


@pytest.fixture(scope="module")
def faces(theme) -> measure.Faces:
    body, mono = theme.spec.fonts.body, theme.spec.fonts.mono
    return measure.Faces(body.regular, body.bold, body.italic, body.bold_italic, mono.regular)


def test_monospace_width_is_advance_times_columns(theme):
    mono = measure.metrics(theme.spec.fonts.mono.regular)
    assert mono.width("x" * 10, 10) == pytest.approx(10 * 10 * mono.width("0", 1))
    assert mono.width("fn main", 12) == mono.width("abcdefg", 12)


def test_bold_text_is_wider_than_regular(faces):
    assert faces.width("Ownership", "bold", 20) > faces.width("Ownership", "regular", 20)


def test_wrap_counts_lines_greedily(faces):
    word = measure.Piece("word ", "regular")
    one = faces.width("word", "regular", 20)
    assert measure.wrap([word] * 3, faces, 20, one * 3 + 100) == 1
    assert measure.wrap([word] * 6, faces, 20, one * 2.5) == 3  # two words a line
    assert measure.wrap([measure.Piece("a\nb", "regular")], faces, 20, 1000) == 2
    assert measure.wrap([measure.Piece("x" * 200, "regular")], faces, 20, 100) > 10  # broken, never cut


def _lines(width_per_char: float):
    return lambda text, size, width, bold=False: max(1, -(-len(text) * width_per_char * size // width))


def test_tree_layout_places_25_nodes_without_overlap_inside_the_box():
    laid = diagram.layout_tree(tree(12), 880, 400, 20, 10, 1.2, _lines(0.55))
    assert len(laid.nodes) == 25 and len(laid.edges) == 24
    assert laid.width <= 880 and laid.height <= 400
    for node in laid.nodes:
        assert 0 <= node.x and node.x + node.w <= 880 and 0 <= node.y and node.y + node.h <= 400
    rows: dict[float, list[diagram.TreeNode]] = {}
    for node in laid.nodes:
        rows.setdefault(node.y, []).append(node)
    for row in rows.values():
        row.sort(key=lambda n: n.x)
        assert all(a.x + a.w <= b.x for a, b in zip(row, row[1:]))
    for edge in laid.edges:  # children sit below their question, yes on the left
        parent, child = laid.nodes[edge.parent], laid.nodes[edge.child]
        assert child.y > parent.y
    root_children = [laid.nodes[e.child] for e in laid.edges if e.parent == 0]
    assert root_children[0].x < root_children[1].x


def test_tree_text_shrinks_and_reports_when_it_cannot_fit():
    roomy = diagram.layout_tree(tree(2), 880, 400, 20, 10, 1.2, _lines(0.55))
    cramped = diagram.layout_tree(tree(12), 300, 120, 20, 10, 1.2, _lines(0.55))
    assert roomy.size == 20 and roomy.fits
    assert cramped.size == 10 and not cramped.fits
    assert all(n.y + n.h <= 120 + 1e-6 for n in cramped.nodes)


def _all_boxes(plan) -> list[Box]:
    boxes = [plan.footer_box, plan.number_box]
    for s in plan.slides:
        boxes += [f.box for f in s.frames] + ([s.title_box] if s.title_box else [])
    return boxes


def test_planned_boxes_stay_inside_the_slide(theme):
    c = course(
        slide("Text", para("Short."), bullets(*(f"item {i}" for i in range(45)))),
        slide("Table", table(40)),
        slide("Code", code("\n".join("x" * (i * 3) for i in range(120)), linenums=1)),
        slide("Chart", para("Above the chart."), metrics()),
        slide("Tree", para("Above."), m.DecisionTree(tree(20), "A big one", Location(Path("t.md")))),
    )
    plan = layout.plan_deck(c, theme)
    for box in _all_boxes(plan):
        assert box.x >= 0 and box.y >= 0
        assert box.right <= plan.width + 1e-6 and box.bottom <= plan.height + 1e-6


def test_content_never_runs_into_the_footer(theme):
    plan = layout.plan_deck(course(slide("Text", bullets(*(f"item {i}" for i in range(45))))), theme)
    for s in plan.slides[1:]:
        assert all(f.box.bottom <= plan.footer_box.y for f in s.frames)


def test_shrinking_goes_no_lower_than_the_theme_minimums(theme):
    plan = layout.plan_deck(course(slide("Many", bullets(*(f"item {i}" for i in range(100))))), theme)
    sizes = {p.size for s in plan.slides[1:] for f in s.frames if hasattr(f, "paras") for p in f.paras}
    assert sizes == {theme.spec.deck.min_body_size}
    assert len(plan.slides) > 3


def test_unsplittable_content_moves_to_the_next_slide_and_headings_keep_with_next(theme):
    heading = m.Heading(3, (m.Text("Results"),), "results", Location(Path("x.md"), 5))
    plan = layout.plan_deck(course(slide("Mixed", bullets(*(f"item {i}" for i in range(19))), heading,
                                         metrics())), theme)
    texts = [[p.runs[0].text for f in s.frames if hasattr(f, "paras") for p in f.paras if p.runs]
             for s in plan.slides[1:]]
    assert "Results" not in texts[0] and "Results" in texts[1]


def _widest(width_per_char: float):
    return lambda text, size, bold=False: max(len(word) for word in text.split()) * width_per_char * size


def test_tree_leaves_get_room_for_their_longest_word():
    root = m.Question("Pick?", m.Question("Small?", m.Answer("a"), m.Answer("Supercalifragilistic")),
                      m.Question("Big?", m.Answer("b"), m.Answer("c")))
    laid = diagram.layout_tree(root, 400, 300, 20, 10, 1.2, _lines(0.55), _widest(0.55))
    leaves = {n.text: n for n in laid.nodes if not n.question}
    assert leaves["Supercalifragilistic"].w > 2 * leaves["a"].w
    for node in laid.nodes:
        assert _widest(0.55)(node.text, laid.size) <= node.w - 2 * diagram.PAD
    assert laid.fits and all(0 <= n.x and n.x + n.w <= 400 for n in laid.nodes)


def test_tree_text_shrinks_until_no_word_is_broken():
    root = m.Question("Q?", m.Answer("Extraordinarily"), m.Answer("Incomprehensibly"))
    unbroken = diagram.layout_tree(root, 200, 400, 20, 8, 1.2, _lines(0.55), _widest(0.55))
    assert unbroken.size < 20 and unbroken.fits
    assert diagram.layout_tree(root, 200, 400, 20, 8, 1.2, _lines(0.55)).size == 20  # without word widths


def test_long_code_splits_evenly_without_a_nearly_empty_last_slide(theme):
    ctx, geo = pieces.Context(theme, 0), layout.geometry(theme)
    _, _, area, _ = layout._areas(ctx, "Listing", geo, layout.choose_layout(ctx, geo, "content"), None)
    per_slide = pieces.CodePiece(code("x"), 0, 1)._capacity(ctx, theme.spec.deck.min_code_size, area.h)
    lines = "\n".join(f"let v{i} = {i};" for i in range(2 * per_slide + 1))  # filling slides leaves one line
    plan = layout.plan_deck(course(slide("Listing", code(lines))), theme)
    rows = [len(f.rows) for s in plan.slides[1:] for f in s.frames if type(f).__name__ == "CodeFrame"]
    assert sum(rows) == 2 * per_slide + 1 and len(rows) == 3
    assert min(rows) >= 0.8 * max(rows)

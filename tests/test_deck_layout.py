"""The deck's pure layout: font measurement, word wrap, decision-tree geometry, slide planning."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckbook import model as m
from deckbook.errors import Location
from deckbook.render.common import fontmetrics
from deckbook.render.common import tree as diagram
from deckbook.render.deck import layout, measure, pieces
from deckbook.render.deck.frames import Box
from deckbook.theme import Theme, load_theme

from test_deck import bullets, code, course, loc, metrics, para, slide, table, tree


@pytest.fixture(scope="module")
def theme() -> Theme:
    return load_theme("default", Location(Path("course.yaml")))


@pytest.fixture(scope="module")
def faces(theme) -> measure.Faces:
    body, mono = theme.spec.fonts.body, theme.spec.fonts.mono
    return measure.Faces(body.regular, body.bold, body.italic, body.bold_italic, mono.regular)


def test_monospace_width_is_advance_times_columns(theme):
    mono = fontmetrics.metrics(theme.spec.fonts.mono.regular)
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


def test_a_split_slide_needs_no_more_slides_than_the_minimums_and_takes_the_largest_sizes_that_do(theme):
    many = bullets(*(f"item {i}" for i in range(100)))
    plan = layout.plan_deck(course(slide("Many", many)), theme)
    sizes = {p.size for s in plan.slides[1:] for f in s.frames if hasattr(f, "paras") for p in f.paras}
    (size,) = sizes
    ctx, geo = pieces.Context(theme, 0), layout.geometry(theme)
    _, _, area, _ = layout._areas(ctx, "Many", geo, layout.choose_layout(ctx, geo, "content"), None)
    steps = layout._size_steps(ctx, tables=False)
    at_minimum, _ = layout._paginate(ctx, pieces.pieces((many,), ctx), area, steps[-1])
    assert len(plan.slides) - 1 == len(at_minimum) > 3
    assert theme.spec.deck.min_body_size <= size < theme.spec.deck.body_size
    larger = next(s for s in reversed(steps) if s.body > size)
    assert len(layout._paginate(ctx, pieces.pieces((many,), ctx), area, larger)[0]) > len(at_minimum)


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


# --- kerning, and what a line holds --------------------------------------------------------------


def test_kerning_pairs_come_from_gpos_and_only_ever_widen(theme):
    inter = fontmetrics.metrics(theme.spec.fonts.body.regular)
    glyph = lambda char: inter.glyphs[ord(char)]  # noqa: E731
    assert inter.kerning(glyph("T"), glyph("o")) < 0 < inter.kerning(glyph("L"), glyph("A"))
    advances = lambda text: sum(inter.advances[ord(c)] for c in text)  # noqa: E731
    assert inter.width("To", 1) == pytest.approx(advances("To"))  # tightened by LibreOffice, not by PowerPoint
    assert inter.width("LA", 1) == pytest.approx(advances("LA") + inter.kerning(glyph("L"), glyph("A")))


def test_a_line_measured_at_97_percent_of_the_width_stays_one_line(faces):
    text = [measure.Piece("Extractors turn the request into typed arguments; the value becomes the response",
                          "regular")]
    width = faces.width(text[0].text, "regular", 20)
    assert measure.wrap(text, faces, 20, width / 0.97) == 1
    assert measure.wrap(text, faces, 20, width / 0.995) == 2  # the margin the renderers' rounding needs


def test_widths_needed_keep_words_whole_and_lines_unwrapped(faces):
    text = [measure.Piece("16 connections ", "bold"), measure.Piece("(req/s)", "mono")]
    unbroken, natural = measure.widths_needed(text, faces, 14)
    assert unbroken < natural
    assert measure.wrap(text, faces, 14, natural) == 1 and measure.wrap(text, faces, 14, natural - 2) == 2
    assert measure.wrap([measure.Piece("connections", "bold")], faces, 14, unbroken) == 1
    assert measure.wrap(text, faces, 14, unbroken) == 3  # broken between words only


# --- tables --------------------------------------------------------------------------------------


def _tables(plan) -> list:
    return [f for s in plan.slides[1:] for f in s.frames if type(f).__name__ == "TableFrame"]


def _assert_no_word_broken(ctx, frame):
    for r, row in enumerate(frame.rows):
        for cell, width in zip(row, frame.widths):
            face = lambda run: "mono" if run.mono else "bold" if r == 0 or run.bold else "regular"  # noqa: E731
            for run in cell.runs:
                for word in run.text.split():
                    assert ctx.body.width(word, face(run), frame.size) <= (width - 2 * frame.margin_x) * \
                        measure.WRAP_SAFETY, (word, frame.size, width)


def _cell_lines(ctx, frame, r: int, c: int) -> int:
    runs = tuple(pieces.Run(x.text, x.bold or r == 0, x.italic, x.mono) for x in frame.rows[r][c].runs)
    return ctx.lines(runs, frame.size, frame.widths[c] - 2 * frame.margin_x)


def test_no_word_is_broken_in_a_metrics_table_and_its_rows_stay_on_one_line(theme):
    rows = (m.MetricRow("GET /health", 8670, 83300), m.MetricRow("GET /todos/{id}", 8780, 79500),
            m.MetricRow("POST /todos", 8180, 66300))
    block = m.Metrics("REST API throughput", "req/s", False, rows, "1 connection", "16 connections",
                      "Measured on two cores.", loc(7))
    plan = layout.plan_deck(course(slide("Results: throughput", block)), theme)
    ctx, (frame,) = pieces.Context(theme, 0), _tables(plan)
    _assert_no_word_broken(ctx, frame)
    assert all(_cell_lines(ctx, frame, r, c) == 1 for r in range(1, 4) for c in range(4))
    assert [r[3].runs[0].text for r in frame.rows[1:]] == ["9.6× better", "9.1× better", "8.1× better"]
    chart = next(f for f in plan.slides[1].frames if type(f).__name__ == "ChartFrame")
    assert chart.box.w >= frame.box.w  # the chart keeps the larger share


def test_a_short_table_on_an_empty_slide_gets_at_least_the_body_size(theme):
    plan = layout.plan_deck(course(slide("Crates", table(4, "what the crate is for"))), theme)
    (frame,) = _tables(plan)
    assert frame.size >= theme.spec.deck.body_size
    assert sum(frame.widths) == pytest.approx(frame.box.w) and not plan.diagnostics


def test_a_table_grows_only_as_far_as_the_slide_still_holds_it(theme):
    deck = theme.spec.deck
    plan = layout.plan_deck(course(slide("Crates", table(13, "a longer description of the crate"))), theme)
    (frame,) = _tables(plan)
    assert deck.table_size < frame.size < deck.body_size and len(plan.slides) == 2
    assert frame.box.bottom <= plan.footer_box.y
    assert not plan.diagnostics  # growing less is not shrinking


def test_a_table_shrinks_before_it_breaks_a_word_and_says_so(theme):
    words = ("Internationalisation", "Interoperability", "Configurability", "Observability",
             "Maintainability", "Responsiveness", "Accountability", "Extensibility", "Predictability")
    header = tuple((m.Text(w),) for w in words)
    wide = m.Table(header, (tuple((m.Text(w.lower()),) for w in words),), ("",) * len(words), loc(9))
    plan = layout.plan_deck(course(slide("Qualities", wide)), theme)
    ctx, (frame,) = pieces.Context(theme, 0), _tables(plan)
    assert frame.size < theme.spec.deck.table_size
    _assert_no_word_broken(ctx, frame)
    assert any("so that no word breaks" in d.message and d.location.line == 9 for d in plan.diagnostics)


def test_columns_share_the_width_without_breaking_words():
    spans = pieces.Spans(unbroken=(60.0, 90.0, 40.0), natural=(80.0, 400.0, 300.0), body=(80.0, 400.0, 300.0))
    widths = pieces.share(spans, 400)
    assert sum(widths) == pytest.approx(400)
    assert widths[0] == pytest.approx(80)  # a narrow column keeps its natural width
    assert widths[1] == pytest.approx(widths[2]) == pytest.approx(160)  # wide ones share the rest
    spans = pieces.Spans(unbroken=(60.0, 250.0, 40.0), natural=(80.0, 400.0, 300.0), body=(80.0, 400.0, 300.0))
    widths = pieces.share(spans, 400)
    assert widths == pytest.approx([75, 250, 75])  # the long word keeps its width, the others share the rest
    roomy = pieces.share(spans, 1560)
    assert roomy == pytest.approx([160, 800, 600])  # room to spare spreads in proportion
    headed = pieces.Spans(unbroken=(40.0, 40.0, 40.0), natural=(200.0, 200.0, 200.0), body=(150.0, 60.0, 60.0))
    assert pieces.share(headed, 300) == pytest.approx([150, 75, 75])  # headers wrap before body rows do


def test_chart_values_shrink_to_fit_over_their_bars(theme):
    rows = tuple(m.MetricRow(f"case {i}", 812345 + i, 912345 + i) for i in range(6))
    crowded = m.Metrics("Throughput", "req/s", False, rows, "before", "after", "", loc(3))
    roomy = m.Metrics("Throughput", "req/s", False, rows[:2], "before", "after", "", loc(3))
    charts = [next(f for f in layout.plan_deck(course(slide("Chart", block)), theme).slides[1].frames
                   if type(f).__name__ == "ChartFrame") for block in (crowded, roomy)]
    assert pieces.chart_number(crowded, 812345) == "812,345"
    precise = m.Metrics("Latency", "ms", True, (m.MetricRow("p50", 1234.5, 2.25), m.MetricRow("p99", 3, 1e-9)),
                        "before", "after", "", loc(3))
    assert [pieces.chart_number(precise, v) for v in (1234.5, 2.25, 3)] == ["1,234.500", "2.250", "3.000"]
    small = m.Metrics("Latency", "ms", True, (m.MetricRow("p50", 36.9, 2.74), m.MetricRow("p99", 38.8, 7)),
                      "before", "after", "", loc(3))
    assert [pieces.chart_number(small, v) for v in (36.9, 2.74, 7)] == ["36.9", "2.74", "7"]
    assert charts[0].label_size < charts[1].label_size == pieces.round_size(0.85 * charts[1].size)
    assert charts[0].label_size >= theme.spec.deck.min_table_size

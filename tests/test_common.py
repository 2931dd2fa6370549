"""The layer both renderers share: what a slide and a page say and show the same way."""

from pathlib import Path

import pytest

from deckbook import model as m
from deckbook.errors import Location
from deckbook.options import Options
from deckbook.render.common import colours, numbers
from deckbook.render.common.labels import labels
from deckbook.theme import load_theme

L = Location(Path("t.md"), 1, 1)


@pytest.fixture(scope="module")
def theme():
    return load_theme("default", L)


def test_mix_blends_colours():
    assert colours.mix("#000000", "#FFFFFF", 0.5) == "#808080"
    assert colours.tint("#204080", 0) == "#204080"
    assert colours.tint("#204080", 1) == "#FFFFFF"


@pytest.mark.parametrize("kind", ["tip", "note", "warning"])
def test_a_callout_has_one_background_on_the_slide_and_on_the_page(theme, kind):
    from deckbook.render.handbook import css
    from deckbook.render.deck import pieces
    from deckbook.render.deck.frames import Box, RectFrame

    expected = colours.tints(theme.spec.colors).callout(kind)
    assert f"--c-{kind}-bg:{expected}" in css.tokens_css(theme, Options())
    ctx = pieces.Context(theme, 400.0)
    callout = m.Callout(kind, "", (m.Paragraph((m.Text("x"),), L),), L)
    [piece] = pieces.pieces((callout,), ctx)
    frames = piece.place(ctx, Box(0, 0, 400, 100), pieces.Sizes(18, 14, 14))
    assert [f.fill for f in frames if isinstance(f, RectFrame)][0] == expected


@pytest.mark.parametrize("before, after, lower, unit, expected", [
    (12, 7, True, "ms", "−42\u00a0%"),
    (95, 30, True, "ms", "3.2× faster"),
    (100, 30, True, "MB", "3.3× better"),
    (100, 150, False, "req/s", "+50\u00a0%"),
    (100, 120, True, "ms", "+20\u00a0%"),
    (8670, 83300, False, "req/s", "9.6× better"),
    (194, 2610, False, "req/s", "13.5× better"),
    (822, 875000, False, "req/s", "1,060× better"),  # three significant digits, not "1064.5×"
    (90.5, 779000, False, "req/s", "8,610× better"),
    (36.9, 36.9, False, "ops/s", "±0\u00a0%"),
    (1000, 1004, False, "ops/s", "+0.4\u00a0%"),  # rounded to nothing, it would read as no change
    (1000, 999.9, False, "ops/s", "±0\u00a0%"),
    (10, 150, True, "ms", "15.0× slower"),  # not "+1,400 %"
    (36.9, 2.74, False, "ops/s", "−93\u00a0%"),
])
def test_a_change_is_worded_for_people(before, after, lower, unit, expected):
    block = m.Metrics("", unit, lower, (), "Before", "After", "", L)
    assert numbers.change(block, m.MetricRow("x", before, after), labels("en")).text == expected


def test_a_decrease_reads_as_a_decrease_and_says_whether_it_is_good():
    latency = m.Metrics("", "ms", True, (), "Before", "After", "", L)
    throughput = m.Metrics("", "req/s", False, (), "Before", "After", "", L)
    faster = numbers.change(latency, m.MetricRow("p99", 12, 7), labels("en"))
    fewer = numbers.change(throughput, m.MetricRow("rps", 12, 7), labels("en"))
    assert faster.text == fewer.text == "\u221242\u00a0%"
    assert (faster.better, fewer.better) == (True, False)


def test_the_slide_and_the_page_print_the_same_metrics_row_and_labels(make_course):
    from deckbook.build import load
    from deckbook.render import handbook
    from deckbook.render.deck.frames import TableFrame
    from deckbook.render.deck.layout import plan_deck

    root = make_course({"01-a.md": """\
        # Eins

        ## Messung

        ```metrics
        unit: ms
        lower_is_better: true
        rows:
          - {name: p99, before: 40, after: 10}
          - {name: p50, before: 10, after: 12.5}
          - {name: max, before: 8400, after: 91.3}
        ```
        """}, course_yaml="title: T\nversion: '1.0'\ndate: 2026-01-01\nlanguage: de\n")
    course, theme, _ = load(root)
    plan = plan_deck(course, theme)
    [table] = [f for s in plan.slides for f in s.frames if isinstance(f, TableFrame)]
    slide = [["".join(r.text for r in cell.runs) for cell in row] for row in table.rows]
    page = handbook.html(course, theme, Options())
    assert [row[3] for row in slide[1:]] == ["4.0× schneller", "+25\u00a0%", "92.0× schneller"]
    for row in slide[1:]:
        assert f">{row[3]}</td>" in page  # the change, word for word
    assert slide[0][0] == "Messgröße" and slide[0][3] == "Änderung"
    assert ">Messgröße</th>" in page and ">Änderung</th>" in page


def test_number_formatting():
    assert [numbers.number(v) for v in (1250.0, 3.5, 0.0421, 12.0, 1.25)] == ["1,250", "3.5", "0.0421", "12", "1.25"]

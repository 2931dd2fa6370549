"""The stress course (tests/fixtures/stress): everything too long, too wide or too big for one slide.

Built with the real loader, laid out with the default and the corporate theme: every text fits its box by
the layout's own font measurement, nothing leaves the slide or enters the footer zone, continuation slides
say "(cont.)", and the overflow report names every shrink, split and wrap at its file:line.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation

from deckbook.errors import Location
from deckbook.load import load_course
from deckbook.options import Options
from deckbook.render import deck
from deckbook.render.common import tree as diagram
from deckbook.render.deck import layout, measure, pieces, template
from deckbook.render.deck.frames import CodeFrame, TableFrame, TextFrame, TreeFrame
from deckbook.theme import load_theme

from test_deck import assert_inside, titles

STRESS = Path(__file__).parent / "fixtures" / "stress"
CHAPTER = STRESS / "01-stress.md"
EPS = 1e-6


def lines_of(start: str) -> list[int]:
    """Return the lines of the stress chapter that start with `start`."""
    lines = CHAPTER.read_text(encoding="utf-8").split("\n")
    return [n for n, text in enumerate(lines, start=1) if text.startswith(start)]


def line_of(start: str) -> int:
    return lines_of(start)[0]


@pytest.fixture(scope="module")
def stress():
    return load_course(STRESS)


@pytest.fixture(scope="module", params=["default", "corporate"])
def theme(request):
    return load_theme(request.param, Location(STRESS / "course.yaml"))


@pytest.fixture(scope="module")
def plan(stress, theme):
    return layout.plan_deck(stress, theme)


def test_the_fixture_is_as_stressful_as_it_says(stress):
    blocks = [b for ch in stress.chapters for s in ch.slides for b in s.blocks]
    listing = next(b for b in blocks if type(b).__name__ == "CodeBlock" and b.source is not None)
    assert len(listing.lines) == 150 and listing.source.name == "orders.rs"
    assert any(type(b).__name__ == "CodeBlock" and max(map(len, b.lines)) == 200 for b in blocks)
    assert any(type(b).__name__ == "Table" and len(b.rows) == 12 for b in blocks)
    assert any(type(b).__name__ == "BulletList" and len(b.items) == 30 for b in blocks)
    tree = next(b for b in blocks if type(b).__name__ == "DecisionTree")
    assert _count(tree.root) == 25


def _count(node) -> int:
    return 1 + (_count(node.yes) + _count(node.no) if hasattr(node, "yes") else 0)


def test_every_text_fits_its_box_by_the_font_measurement(plan, theme):
    ctx = pieces.Context(theme, 0)
    for number, s in enumerate(plan.slides, start=1):
        if s.title:
            lines = ctx.lines((pieces.Run(s.title, bold=True),), s.title_size, s.title_box.w, heading=True)
            assert lines * ctx.pitch(s.title_size) <= s.title_box.h + EPS, (number, s.title)
        for frame in s.frames:
            where = (number, s.title, type(frame).__name__)
            if isinstance(frame, TextFrame):
                used = sum(p.space_before + ctx.lines(p.runs, p.size, frame.box.w - p.margin) * p.pitch
                           for p in frame.paras)
                assert used <= frame.box.h + EPS, where
            elif isinstance(frame, CodeFrame):
                assert 2 * frame.pad_y + len(frame.rows) * frame.pitch <= frame.box.h + EPS, where
                columns = (frame.box.w - 2 * frame.pad_x) / (ctx.advance * frame.size)
                assert max(sum(len(r.text) for r in row) for row in frame.rows) <= columns + EPS, where
            elif isinstance(frame, TableFrame):
                assert sum(frame.heights) <= frame.box.h + EPS and sum(frame.widths) <= frame.box.w + EPS, where
                for r, (row, height) in enumerate(zip(frame.rows, frame.heights)):
                    for cell, width in zip(row, frame.widths):
                        runs = tuple(pieces.Run(x.text, x.bold or r == 0, x.italic, x.mono) for x in cell.runs)
                        lines = ctx.lines(runs, frame.size, width - 2 * frame.margin_x) if runs else 1
                        assert lines * frame.pitch + 2 * frame.margin_y <= height + EPS, where
            elif isinstance(frame, TreeFrame):
                tree = frame.tree
                assert tree.fits and tree.height <= frame.box.h + EPS, where
                for node in tree.nodes:
                    inner = node.w - 2 * diagram.PAD
                    lines = ctx.lines((pieces.Run(node.text, bold=node.question),), tree.size, inner)
                    assert lines * tree.pitch + 2 * diagram.PAD <= node.h + EPS, (where, node.text)
                    widest = max(ctx.body.width(w, "bold" if node.question else "regular", tree.size)
                                 for w in node.text.split())
                    assert widest <= inner * measure.WRAP_SAFETY, (where, node.text)  # no word broken


def test_no_frame_leaves_the_slide_or_enters_the_footer_zone(plan, theme):
    tpl = template.read(template.template_path(theme))
    for number, s in enumerate(plan.slides[1:], start=2):
        footer_top = plan.footer_box.y  # deckbook's own footer, else the top of the layout's footer placeholders
        if s.footer == "template":
            footer_top = min(b.y for role in template.FOOTER_ROLES for b in tpl.find(s.layout).boxes(role))
        for frame in s.frames:
            box = frame.box
            assert box.x >= 0 and box.y >= 0 and box.right <= plan.width + EPS, (number, frame)
            assert box.bottom <= footer_top + EPS, (number, s.title, type(frame).__name__)


def test_continuation_slides_say_cont(plan):
    names = [s.title for s in plan.slides]
    for title, splits in (("A long listing", True), ("A very wide line", False), ("Crates we use", False),
                          ("Which database?", False), ("Checklist before release", True),
                          ("Blocking versus async", True)):
        first = names.index(title)
        following = [n for n in names[first + 1:] if n.startswith(title)]
        expected = [title + " (cont.)"] + [f"{title} (cont. {n})" for n in range(2, len(following) + 1)]
        assert following == expected[:len(following)], title
        assert bool(following) == splits, title
    assert "A long listing (cont. 3)" in names


def test_report_names_every_shrink_split_and_wrap_at_its_line(stress, theme):
    found = {(d.location.path.name, d.location.line, _kind(d.message)) for d in deck.report(stress, theme)}
    listing, wide, tree = line_of("```rust include="), line_of("```rust linenums"), line_of("```decision-tree")
    checklist, columns = line_of("- All tests pass"), line_of(":::: columns")
    left, right = [n for n in lines_of("```rust") if n > columns]
    assert found == {
        ("01-stress.md", listing, "split"),
        ("01-stress.md", wide, "shrunk"), ("01-stress.md", wide, "wrapped"),
        ("01-stress.md", tree, "tree shrunk"),
        ("01-stress.md", checklist, "split"),
        ("01-stress.md", columns, "split"), ("01-stress.md", left, "wrapped"), ("01-stress.md", right, "wrapped"),
        ("01-stress.md", left, "shrunk"), ("01-stress.md", right, "shrunk"),  # split at 13 pt, shrunk to 10 pt
    }


def _kind(message: str) -> str:
    if "decision tree" in message:
        return "tree shrunk" if "shrunk" in message else "tree too large"
    for word in ("split", "wrapped", "shrunk"):
        if word in message:
            return word
    return message


def test_the_rendered_deck_keeps_every_shape_on_the_slide(tmp_path, stress, theme):
    out = deck.render(stress, theme, tmp_path / "stress.pptx", Options())
    prs = Presentation(str(out))
    assert_inside(prs)
    assert titles(prs) == [s.title for s in layout.plan_deck(stress, theme).slides]

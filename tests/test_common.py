"""The layer both renderers share: what a slide and a page say and show the same way."""

from pathlib import Path

import pytest

from deckbook import model as m
from deckbook.errors import Location
from deckbook.options import Options
from deckbook.render.common import colours
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
    from deckbook.render import handbook
    from deckbook.render.deck import pieces
    from deckbook.render.deck.frames import Box, RectFrame

    expected = colours.tints(theme.spec.colors).callout(kind)
    assert f"--c-{kind}-bg:{expected}" in handbook.tokens_css(theme, Options())
    ctx = pieces.Context(theme, 400.0)
    callout = m.Callout(kind, "", (m.Paragraph((m.Text("x"),), L),), L)
    [piece] = pieces.pieces((callout,), ctx)
    frames = piece.place(ctx, Box(0, 0, 400, 100), pieces.Sizes(18, 14, 14))
    assert [f.fill for f in frames if isinstance(f, RectFrame)][0] == expected

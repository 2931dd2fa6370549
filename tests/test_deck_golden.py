"""Golden descriptions of the mini and stress decks: what a trainer would see, pinned as text.

`describe()` lists every slide's layout, title, shapes, texts, bullets, run colours and notes; a change to
any of them shows up as a diff of tests/golden/deck/<name>.txt (`pytest --update-golden` rewrites it).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from deckbook.errors import Location
from deckbook.load import load_course
from deckbook.options import Options
from deckbook.render import deck
from deckbook.theme import load_theme

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.mark.parametrize("name", ["mini", "stress"])
def test_deck_description_matches_the_golden(tmp_path, golden, name):
    course = load_course(FIXTURES / name)
    theme = load_theme(course.meta.theme, Location(course.root / "course.yaml"))
    out = deck.render(course, theme, tmp_path / f"{name}.pptx", Options())
    golden(f"deck/{name}.txt", deck.describe(out))

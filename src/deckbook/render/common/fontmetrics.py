"""Advance widths from the theme's font files, so the handbook can pre-wrap code and diagram labels."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont


@dataclass(frozen=True)
class Advances:
    """The advance widths of one font file, in em (1.0 = the font size)."""

    widths: dict[int, float]
    fallback: float

    def width(self, text: str, size: float) -> float:
        """Return the width of `text` at `size` points (kerning ignored: it only over-estimates)."""
        get, fallback = self.widths.get, self.fallback
        return sum(get(ord(c), fallback) for c in text) * size

    @property
    def mono(self) -> float:
        """Return the advance of '0' (the CSS `ch` unit; every glyph of a monospace font)."""
        return self.widths.get(ord("0"), 0.6)


@lru_cache(maxsize=None)
def advances(path: Path) -> Advances:
    """Return the advances of the font file at `path` (read once per process)."""
    with TTFont(path, lazy=True) as font:  # closed here: only two tables are needed
        em = font["head"].unitsPerEm
        hmtx = font["hmtx"]
        widths = {code: hmtx[glyph][0] / em for code, glyph in font.getBestCmap().items()}
    # A character the font lacks comes from a fallback font: assume it is wide.
    return Advances(widths, max(widths.get(ord("M"), 0.6), widths.get(ord("W"), 0.6)))


def columns(char: str) -> int:
    """Return how many monospace columns `char` takes (East Asian wide: 2, combining marks: 0)."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1

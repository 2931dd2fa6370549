"""Text widths from the theme's real font files (fontTools), the same for slides and pages.

Widths come from each glyph's advance in `hmtx` plus the font's pair kerning (the `kern` feature of its
`GPOS`), counted only where it widens a pair: LibreOffice applies the font's kerning and PowerPoint may
not (it reads only legacy `kern` tables), so the width measured is at least what either draws.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont


class Kerning:
    """The pair adjustments of a font's `kern` feature (`GPOS` lookup type 2), by glyph name, in em.

    Kept as the font stores them (explicit pairs, and class-to-class matrices) rather than expanded — a
    class matrix covers millions of glyph pairs — and each left glyph's row is read from the font the first
    time it is asked for: a deck uses a few dozen characters of the thousands a font has. A shaper tries
    the subtables in order; the first that covers the left glyph (and, for explicit pairs, lists the right
    one) decides.
    """

    def __init__(self, subtables: list, em: int, legacy: dict[tuple[str, str], float] | None = None) -> None:
        self._subtables = [(sub, {g: i for i, g in enumerate(sub.Coverage.glyphs)}) for sub in subtables]
        self._em = em
        self._legacy = legacy or {}  # a legacy `kern` table's pairs (font units), for fonts without GPOS kerning
        self._rows: dict[tuple[int, str], dict[str, float] | tuple[dict, list[float]]] = {}

    def __bool__(self) -> bool:
        return bool(self._subtables or self._legacy)

    def __call__(self, left: str, right: str) -> float:
        if not self._subtables:
            return self._legacy.get((left, right), 0) / self._em
        for n, (sub, index) in enumerate(self._subtables):
            if left not in index:
                continue
            row = self._row(n, sub, index[left], left)
            if sub.Format == 1:
                if right in row:
                    return row[right]
            else:
                classes, values = row
                return values[classes.get(right, 0)]
        return 0.0

    def _row(self, n: int, sub, i: int, left: str):
        """Return what subtable `n` holds for `left` (its `i`th covered glyph), read once."""
        key = (n, left)
        row = self._rows.get(key)
        if row is None:
            with _LAZY:
                return self._read_row(n, sub, i, left, key)
        return row

    def _read_row(self, n: int, sub, i: int, left: str, key: tuple):
        row = self._rows.get(key)
        if row is None:
            em = self._em
            if sub.Format == 1:
                row = {r.SecondGlyph: _x_advance(r.Value1) / em for r in sub.PairSet[i].PairValueRecord}
            else:
                records = sub.Class1Record[sub.ClassDef1.classDefs.get(left, 0)].Class2Record
                row = (sub.ClassDef2.classDefs, [_x_advance(r.Value1) / em for r in records])
            self._rows[key] = row
        return row


#: fontTools reads a lazily loaded subtable on first access, and two threads doing so at once (the two handbook
#: editions lay out in threads of one process) saw a half-read one (AttributeError: PairValueRecord).
_LAZY = threading.Lock()


@dataclass(frozen=True, eq=False)
class FontMetrics:
    """The advance widths and the kerning of one font file, in em (1.0 = the font size)."""

    advances: dict[int, float]
    fallback: float
    glyphs: dict[int, str] = field(default_factory=dict)
    """The glyph of each character the font maps (kerning is by glyph)."""
    kerning: Kerning | None = None
    _widths: dict[str, float] = field(default_factory=dict, repr=False)
    """Widths in em by text: words recur at every size the layout tries."""
    fallbacks: tuple[Path, ...] = ()
    """The fonts that draw what this one lacks (the theme's fallback chain), in order: a character they
    have is measured with their advance, read only when such a character is measured."""

    def width(self, text: str, size: float) -> float:
        """Return the width of `text` at `size` points: advances, plus the pairs that kerning widens."""
        em = self._widths.get(text)
        if em is None:
            adv = self.advances
            em = sum(adv[ord(c)] if ord(c) in adv else self._missing(ord(c)) for c in text)
            if self.kerning and len(text) > 1:
                glyphs = [self.glyphs.get(ord(c), "") for c in text]
                em += sum(max(self.kerning(a, b), 0.0) for a, b in zip(glyphs, glyphs[1:]))
            self._widths[text] = em
        return em * size

    def has(self, char: str) -> bool:
        return ord(char) in self.advances

    def _missing(self, code: int) -> float:
        """Return the advance of a character this font lacks: the first fallback font's that has it."""
        for path in self.fallbacks:
            if code in cmap(path):
                return _advances(path)[code]
        return self.fallback

    @property
    def mono(self) -> float:
        """Return the advance of '0' in em (the CSS `ch` unit; every glyph of a monospace font)."""
        return self.advances.get(ord("0"), 0.6)


@lru_cache(maxsize=None)
def cmap(path: Path) -> dict[int, str]:
    """Return the character map of the font file at `path` (code point → glyph name; a collection's first
    font), read once per process: the metrics and the fallback chain (`fontchain`) share it (decoding a
    large font's cmap costs a fifth of a second)."""
    with TTFont(path, lazy=True, fontNumber=0) as font:
        return font.getBestCmap()


@lru_cache(maxsize=None)
def _advances(path: Path) -> dict[int, float]:
    """Return the advance (em) of every character of a fallback font (a collection: its first font)."""
    with TTFont(path, lazy=True, fontNumber=0) as font:
        em, hmtx = font["head"].unitsPerEm, font["hmtx"]
        return {code: hmtx[glyph][0] / em for code, glyph in cmap(path).items()}


@lru_cache(maxsize=None)
def metrics(path: Path, fallbacks: tuple[Path, ...] = ()) -> FontMetrics:
    """Return the metrics of the font file at `path`, measuring what it lacks with `fallbacks` (read once
    per process)."""
    with TTFont(path, lazy=True) as font:
        em = font["head"].unitsPerEm
        hmtx = font["hmtx"]
        glyphs = cmap(path)
        advances = {code: hmtx[glyph][0] / em for code, glyph in glyphs.items()}
        kerning = _kerning(font, em)
    # A character the font lacks is drawn from another font by the renderer: assume it is wide.
    fallback = max(advances.get(ord("M"), 0.6), advances.get(ord("W"), 0.6))
    return FontMetrics(advances, fallback, dict(glyphs), kerning, fallbacks=fallbacks)


def _kerning(font: TTFont, em: int) -> Kerning | None:
    """Return the font's pair kerning: its `GPOS` `kern` feature, else its legacy `kern` table."""
    subtables = [sub for sub in _pair_subtables(font) if sub.Format in (1, 2)]
    if subtables:
        return Kerning(subtables, em)
    legacy: dict[tuple[str, str], float] = {}
    if "kern" in font:
        for table in font["kern"].kernTables:
            for pair, value in getattr(table, "kernTable", {}).items():
                legacy.setdefault(pair, value)
    return Kerning([], em, legacy) if legacy else None


def _pair_subtables(font: TTFont) -> list:
    """Return the pair-adjustment subtables of the `kern` feature of the font's `GPOS`, in lookup order."""
    table = font["GPOS"].table if "GPOS" in font else None
    if table is None or table.FeatureList is None or table.LookupList is None:
        return []
    indices = sorted({i for record in table.FeatureList.FeatureRecord if record.FeatureTag == "kern"
                      for i in record.Feature.LookupListIndex})
    out = []
    for i in indices:
        lookup = table.LookupList.Lookup[i]
        for sub in lookup.SubTable:
            if lookup.LookupType == 9:  # an extension lookup wraps the real one
                sub = sub.ExtSubTable
            if getattr(sub, "LookupType", lookup.LookupType) == 2:
                out.append(sub)
    return out


def _x_advance(value) -> float:
    return float(getattr(value, "XAdvance", 0) or 0)

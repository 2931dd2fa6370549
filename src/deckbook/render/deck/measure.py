"""Text measurement with the theme's real font files (fontTools), so what fits is decided at build time.

Widths come from each glyph's advance in `hmtx` (kerning is ignored, which only over-estimates), lines
from a greedy word wrap like PowerPoint's and LibreOffice's. Everything here is in points.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from fontTools.ttLib import TTFont

#: Wrap proportional text into this share of the real width: renderers differ a little in kerning and
#: hinting, and a line that wraps earlier than measured would make the box overflow.
WRAP_SAFETY = 0.96


@dataclass(frozen=True)
class FontMetrics:
    """The advance widths of one font file, in em (1.0 = the font size)."""

    advances: dict[int, float]
    fallback: float

    def width(self, text: str, size: float) -> float:
        """Return the width of `text` at `size` points."""
        adv = self.advances
        return sum(adv.get(ord(c), self.fallback) for c in text) * size

    def has(self, char: str) -> bool:
        return ord(char) in self.advances


@lru_cache(maxsize=None)
def metrics(path: Path) -> FontMetrics:
    """Return the metrics of the font file at `path` (read once per process)."""
    with TTFont(path, lazy=True) as font:
        em = font["head"].unitsPerEm
        hmtx = font["hmtx"]
        advances = {code: hmtx[glyph][0] / em for code, glyph in font.getBestCmap().items()}
    # A character the font lacks is drawn from another font by the renderer: assume it is wide.
    fallback = max(advances.get(ord("M"), 0.6), advances.get(ord("W"), 0.6))
    return FontMetrics(advances, fallback)


@dataclass(frozen=True)
class Piece:
    """A stretch of text in one face: `face` is a key of `Faces` ("regular", "bold", "mono"…)."""

    text: str
    face: str


@dataclass(frozen=True)
class Faces:
    """The font files of one text style, by face name (a field name is what `Piece.face` holds)."""

    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path
    mono: Path

    def width(self, text: str, face: str, size: float) -> float:
        return metrics(getattr(self, face)).width(text, size)


def wrap(pieces: list[Piece] | tuple[Piece, ...], faces: Faces, size: float, width: float) -> int:
    """Return how many lines `pieces` take when wrapped greedily at word boundaries into `width` points.

    A "\\n" in a piece forces a line break; a word longer than a line is broken between characters.
    """
    limit = width * WRAP_SAFETY
    lines, line_w, pending_space = 1, 0.0, 0.0
    for word in _words(pieces):
        if word is None:  # hard break
            lines, line_w, pending_space = lines + 1, 0.0, 0.0
            continue
        parts, space = word
        word_w = sum(faces.width(p.text, p.face, size) for p in parts)
        if line_w and line_w + pending_space + word_w > limit:
            lines, line_w = lines + 1, 0.0
        elif line_w:
            line_w += pending_space
        if word_w > limit:  # break inside the word, character by character
            for p in parts:
                for char in p.text:
                    w = faces.width(char, p.face, size)
                    if line_w and line_w + w > limit:
                        lines, line_w = lines + 1, 0.0
                    line_w += w
        else:
            line_w += word_w
        pending_space = sum(faces.width(s.text, s.face, size) for s in space)
    return lines


def _words(pieces):
    """Yield (word pieces, following space pieces) for each word, or None at a hard line break."""
    parts: list[Piece] = []
    space: list[Piece] = []
    for piece in pieces:
        for chunk in _chunks(piece.text):
            if chunk == "\n":
                if parts:
                    yield parts, space
                yield None
                parts, space = [], []
            elif chunk.isspace():
                space.append(Piece(chunk, piece.face))
            else:
                if space:  # a space ends the word before this chunk
                    if parts:
                        yield parts, space
                    parts, space = [], []
                parts.append(Piece(chunk, piece.face))
    if parts:
        yield parts, space


def _chunks(text: str) -> list[str]:
    """Return `text` cut into runs of spaces, runs of non-spaces and single newlines."""
    out: list[str] = []
    for char in text:
        if char != "\n" and out and out[-1] != "\n" and out[-1][-1].isspace() == char.isspace():
            out[-1] += char
        else:
            out.append(char)
    return out

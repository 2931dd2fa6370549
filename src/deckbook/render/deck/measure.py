"""Text wrapping as the slide's renderers do it, measured with the theme's fonts (`common.fontmetrics`).

Lines come from a greedy word wrap like PowerPoint's and LibreOffice's. Everything here is in points.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..common.fontmetrics import metrics

#: Wrap text into this share of the real width. The measured width is already an upper bound, so this
#: covers only the renderers' rounding of glyph positions. Calibrated against LibreOffice 7.4's renders
#: of every paragraph and table cell of the shipped course at 8–36 pt: its lines came out at most 0.75 %
#: wider than measured (at 8 pt; 0.35 % from 14 pt up), so none wrapped at 99 % (`test_deck_libreoffice`
#: keeps checking it).
WRAP_SAFETY = 0.99
#: Widths are compared after rounding (`Context.lines` rounds to 0.01 pt): keep clear of the edge.
_EPSILON = 0.02


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
    fallbacks: tuple[Path, ...] = ()  # the theme's fallback chain, for what the faces lack

    def width(self, text: str, face: str, size: float) -> float:
        return metrics(getattr(self, face), self.fallbacks).width(text, size)


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


def widths_needed(pieces: list[Piece] | tuple[Piece, ...], faces: Faces, size: float) -> tuple[float, float]:
    """Return (no break, no wrap): the narrowest box widths, in points, in which `wrap` breaks no word of
    `pieces`, and in which it wraps none of their lines (only their "\\n" breaks them)."""
    widest = longest = line_w = pending_space = 0.0
    for word in _words(pieces):
        if word is None:
            line_w = pending_space = 0.0
            continue
        parts, space = word
        word_w = sum(faces.width(p.text, p.face, size) for p in parts)
        line_w += (pending_space if line_w else 0.0) + word_w
        widest, longest = max(widest, word_w), max(longest, line_w)
        pending_space = sum(faces.width(s.text, s.face, size) for s in space)
    return widest / WRAP_SAFETY + _EPSILON, longest / WRAP_SAFETY + _EPSILON


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

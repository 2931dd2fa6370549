"""Where a code line too wide for its box is broken into rows: one rule for slides and pages.

A line that fits stays whole. A longer one is cut into rows of at most `width` monospace columns: each
row ends after a space if there is one in its second half, else after punctuation (`,;([{` or before a
`.`), else where the columns run out. Continuation rows are indented like the line itself (at most half
the width) and start with a wrap mark, so a reader sees they continue the line above.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass

MARK_COLUMNS = 2  # the wrap mark and the space after it
MIN_ROOM = 8  # the fewest columns a continuation row keeps for code, however deep the indent


def columns(char: str) -> int:
    """Return how many monospace columns `char` takes (East Asian wide: 2, combining marks: 0)."""
    if unicodedata.combining(char):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


@dataclass(frozen=True)
class Rows:
    """A code line cut into rows: `(start, end)` character slices, and the continuation rows' indent."""

    slices: tuple[tuple[int, int], ...]
    indent: int  # spaces before the wrap mark on every row after the first


def wrap(line: str, width: int) -> Rows:
    """Return `line` (tabs already expanded) cut into rows of at most `width` columns."""
    widths = [columns(ch) for ch in line]
    if sum(widths) <= width:
        return Rows(((0, len(line)),), 0)
    indent = min(len(line) - len(line.lstrip(" ")), width // 2)
    slices: list[tuple[int, int]] = []
    pos, room = 0, width
    while pos < len(line):
        end, used = pos, 0
        while end < len(line) and used + widths[end] <= room:
            used += widths[end]
            end += 1
        if end < len(line):
            end = _break_at(line, pos, end)
        slices.append((pos, end))
        pos, room = end, max(width - indent - MARK_COLUMNS, MIN_ROOM)
    return Rows(tuple(slices), indent)


def _break_at(line: str, start: int, end: int) -> int:
    """Return where to end a row that must stop by `end`: after a space, else at punctuation, else `end`.

    Only the second half of the row is searched, so rows stay reasonably full.
    """
    half = start + (end - start) // 2
    for good in (lambda k: line[k - 1] == " ", lambda k: line[k - 1] in ",;([{" or line[k] == "."):
        for k in range(end, half, -1):
            if good(k):
                return k
    return max(end, start + 1)

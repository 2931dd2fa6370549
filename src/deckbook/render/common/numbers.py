"""Numbers as both outputs print them: measured values, and the change of a metrics row in words.

A metrics row reads the same on a slide and on a page: "−54 %" for a time that fell by half or less,
"2.2× faster" once it fell to half or less, "+12 %" for a throughput that grew. The sign is the direction
the value moved; whether that is good is the row's colour (`Change.better`), never a flipped sign.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ...model import MetricRow, Metrics
from .labels import Labels

TIME_UNITS = frozenset({"ns", "µs", "us", "ms", "s", "sec", "seconds", "min", "h"})
MINUS = "\u2212"  # a real minus sign
NBSP = "\u00a0"


def number(value: float) -> str:
    """Return a measured value the way people write it: 1,250 · 3.5 · 0.042 (no trailing zeros)."""
    if value == int(value) and abs(value) < 1e15:
        return f"{int(value):,}"
    if abs(value) >= 1:
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return f"{value:.3g}"


def quantity(value: float, unit: str) -> str:
    """Return `value` with its unit: "129 µs", "2.74" (no unit)."""
    return f"{number(value)}{NBSP}{unit}".strip(NBSP) if unit else number(value)


@dataclass(frozen=True)
class Change:
    """The change of one metrics row, for people."""

    text: str  # "−54 %", "+12 %", "2.2× faster", "3.1× worse", "±0 %"
    better: bool  # it moved the way the metric should (no change counts as not worse)
    direction: int  # +1 up, −1 down, 0 unchanged


def change(block: Metrics, row: MetricRow, words: Labels) -> Change:
    """Return the change of `row`: a percentage, or a factor ("3.2× faster") when it is twofold or more.

    A factor is used where a percentage would be unbounded or hard to read: an improvement of 2× or more
    ("3.2× faster", "9.6× better") and a value that should fall but grew twofold or more ("15× slower", not
    "+1,400 %"). Factors are rounded to three significant digits but at most one decimal ("3.2×", "13.5×",
    "1,060×"), percentages to a whole number (one decimal below 1 %): what a measurement can claim.
    """
    delta = row.after - row.before
    direction = (delta > 0) - (delta < 0)
    better = (direction <= 0) if block.lower_is_better else (direction >= 0)
    timed = block.lower_is_better and block.unit.strip() in TIME_UNITS
    factor = block.factor(row)
    if factor is not None and factor >= 2:
        return Change(f"{_significant(factor)}× {words.faster if timed else words.better}", better, direction)
    if block.lower_is_better and factor is not None and 0 < factor <= 0.5:
        return Change(f"{_significant(1 / factor)}× {words.slower if timed else words.worse}", better, direction)
    percent = delta / abs(row.before) * 100 if row.before else 0.0
    shown = f"{abs(percent):.1f}" if abs(percent) < 0.95 else f"{abs(percent):,.0f}"
    sign = "±" if float(shown.replace(",", "")) == 0 else MINUS if percent < 0 else "+"
    return Change(f"{sign}{shown.removesuffix('.0')}{NBSP}%", better, direction)


def _significant(value: float) -> str:
    """Return a factor of 2 or more to three significant digits but at most one decimal, thousands grouped."""
    if round(value, 1) < 100:
        return f"{value:.1f}"
    return f"{round(value, 2 - math.floor(math.log10(value))):,.0f}"

"""Colours both outputs derive from the theme's palette: one mixing rule, one set of tints."""

from __future__ import annotations

from dataclasses import dataclass

from ...theme import Colours

WHITE = "#FFFFFF"


def mix(colour: str, other: str, share: float) -> str:
    """Return `colour` blended with `other`, `share` (0…1) being how much of `other` goes in."""
    a = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    b = [int(other[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(x + (y - x) * share):02X}" for x, y in zip(a, b))


def tint(colour: str, amount: float) -> str:
    """Return `colour` mixed with white (`amount` 0 keeps it, 1 gives white)."""
    return mix(colour, WHITE, amount)


@dataclass(frozen=True)
class Tints:
    """The light colours derived from a palette, the same on a slide and on a page."""

    tip: str  # callout backgrounds
    note: str
    warning: str
    quote: str
    exercise: str
    notes: str  # speaker notes (the trainer handbook's notes box)
    answer: str  # a decision tree's answer boxes
    before: str  # a metrics chart's "before" bars
    code_head: str  # the title bar of a code block
    rule: str  # thin rules
    on_dark: str  # subtitle and details on a dark title slide
    footer_on_dark: str  # footers on a dark slide

    def callout(self, kind: str) -> str:
        """Return the background of a callout of `kind` (tip, note, warning), a quotation or an exercise."""
        return getattr(self, kind)


def tints(colors: Colours) -> Tints:
    """Return the tints of `colors`."""
    return Tints(
        tip=tint(colors.tip, 0.92),
        note=tint(colors.note, 0.92),
        warning=tint(colors.warning, 0.9),
        quote=tint(colors.muted, 0.9),
        exercise=tint(colors.accent, 0.9),
        notes=tint(colors.accent, 0.94),
        answer=tint(colors.primary, 0.88),
        before=tint(colors.muted, 0.55),
        code_head=mix(colors.code_border, colors.code_background, 0.45),
        rule=tint(colors.muted, 0.6),
        on_dark=tint(colors.primary, 0.8),
        footer_on_dark=tint(colors.primary, 0.6),
    )

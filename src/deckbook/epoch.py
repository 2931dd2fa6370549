"""SOURCE_DATE_EPOCH (reproducible-builds.org): the one place deckbook reads or sets it.

Set by the user, it dates an undated course and every output. Unset, a build pins it to the course date
while it renders, because fontTools stamps it into the font subsets the PDF embeds.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
from typing import Iterator

VARIABLE = "SOURCE_DATE_EPOCH"
LAST_DATE = dt.date(2107, 12, 31)
"""The last day a ZIP file (a .pptx) can date its entries."""


def get() -> str | None:
    """Return the variable as set, or None."""
    return os.environ.get(VARIABLE)


def today() -> dt.date:
    """Return the date the variable names (UTC), else today: the date of an undated course."""
    value = check()
    if value is not None:
        return dt.datetime.fromtimestamp(value, dt.timezone.utc).date()
    return dt.date.today()


def check() -> int | None:
    """Return the variable as a number when set; raise EnvironmentProblem when it is not a time a course can have."""
    from .errors import EnvironmentProblem

    text = get()
    if not text:
        return None
    if not (text.isascii() and text.isdigit() and int(text) <= int(of(LAST_DATE))):
        shown = text if len(text) <= 30 else text[:27] + "..."
        raise EnvironmentProblem(f"{VARIABLE}={shown!r} is not a time in seconds since 1970 up to "
                                 f"{LAST_DATE.year} (unset it, or set it as `date +%s` prints it)")
    return int(text)


def of(date: dt.date) -> str:
    """Return the epoch of midnight UTC at the start of `date`."""
    return str(int(dt.datetime.combine(date, dt.time(), dt.timezone.utc).timestamp()))


@contextlib.contextmanager
def pinned(value: str) -> Iterator[None]:
    """Set the variable to `value` for the duration, then restore what it was."""
    before = get()
    os.environ[VARIABLE] = value
    try:
        yield
    finally:
        if before is None:
            os.environ.pop(VARIABLE, None)
        else:
            os.environ[VARIABLE] = before


def course_date(date: dt.date) -> contextlib.AbstractContextManager[None]:
    """Pin the variable to `date` for the duration, unless the user set it."""
    value = get()
    return pinned(value) if value is not None else pinned(of(date))

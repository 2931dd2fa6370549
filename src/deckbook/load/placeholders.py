"""Template placeholders (`[value]`, `[Describe …]`, `[pros]` …) left in a course: each one is an error."""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Diagnostics, Location

# The bracketed placeholders of the examples template (../shared/seed) and `deckbook new`: exact words,
# and the words a longer placeholder sentence starts with.
_EXACT = {
    "value", "pros", "cons", "use case", "action", "approach", "scenario", "metrics", "percentage",
    "insights", "name", "description", "consequences", "solution", "condition", "other condition",
    "todo", "tbd",
}
_LEADS = (
    "describe", "implementation approach", "production code", "different use case", "alternative",
    "advanced", "complex implementation", "integration", "reason for choice", "corrected implementation",
    "description of", "insert", "your ",
)
_BRACKETS = re.compile(r"(?<![!\\\w\]])\[([^\[\]\n]{1,120})\](?![(\[:])")
# An inline code span (CommonMark: a run of backticks closed by a run of the same length): code may index
# with brackets (`map[name]`), so spans are blanked before scanning, keeping every column in place.
_CODE_SPAN = re.compile(r"(?<!`)(`+)(?!`).+?(?<!`)\1(?!`)")


def is_placeholder(text: str) -> bool:
    """Return whether bracketed `text` is a template placeholder rather than real content."""
    words = text.strip().lower().rstrip(".…").strip()
    return words in _EXACT or words.startswith(_LEADS)


def scan(line: str, path: Path, lineno: int, diags: Diagnostics) -> None:
    """Report every placeholder on one source line."""
    prose = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
    for match in _BRACKETS.finditer(prose):
        if is_placeholder(match.group(1)):
            diags.error(Location(path, lineno, match.start() + 1),
                        f"template placeholder left in the course: {match.group(0)}",
                        "replace it with real content")


def escaped(line: str) -> str:
    """Return `line` with placeholder-like bracketed text escaped (`\\[your notes\\]`): imported text that
    only looks like a template placeholder keeps its brackets on the page and is not reported."""
    prose = _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)
    for match in reversed(list(_BRACKETS.finditer(prose))):
        if is_placeholder(match.group(1)):
            line = f"{line[:match.start()]}\\[{match.group(1)}\\]{line[match.end():]}"
    return line

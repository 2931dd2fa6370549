"""The exception hierarchy and the diagnostics every user-facing problem is reported as."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True, order=True)
class Location:
    """A place in a source file: 1-based line and column."""

    path: Path
    line: int = 1
    col: int = 1

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}:{self.col}"


def display_path(path: Path) -> str:
    """Return `path` relative to the current folder when it lies below it, as users typed it."""
    try:
        shown = str(path.relative_to(Path.cwd()))
    except ValueError:
        shown = str(path)
    # A name that is not UTF-8 (read from disk as surrogates) is shown with U+FFFD, not a crash on printing.
    return shown.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


@dataclass(frozen=True)
class Diagnostic:
    """One problem found in content or theme."""

    location: Location
    message: str
    hint: str = ""
    severity: Severity = "error"

    def __str__(self) -> str:
        hint = f" ({self.hint})" if self.hint else ""
        return f"{self.location}: {self.severity}: {self.message}{hint}"


@dataclass
class Diagnostics:
    """A collector: every step adds what it finds, and the build aborts once at the end."""

    items: list[Diagnostic] = field(default_factory=list)

    def error(self, location: Location, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(location, message, hint, "error"))

    def warning(self, location: Location, message: str, hint: str = "") -> None:
        self.items.append(Diagnostic(location, message, hint, "warning"))

    def extend(self, items: Iterable[Diagnostic]) -> None:
        self.items.extend(items)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.items if d.severity == "warning"]

    def raise_if_errors(self, exc: type[DeckbookError], strict: bool = False) -> None:
        """Raise `exc` carrying every diagnostic when any is an error (or any at all when strict)."""
        if self.errors or (strict and self.items):
            raise exc(sorted(self.items, key=_order))


def _order(d: Diagnostic) -> tuple:
    return (str(d.location.path), d.location.line, d.location.col)


class DeckbookError(Exception):
    """Base of every error deckbook reports to users; carries diagnostics, never a traceback."""

    def __init__(self, diagnostics: list[Diagnostic] | str):
        if isinstance(diagnostics, str):
            diagnostics = [Diagnostic(Location(Path(".")), diagnostics)]
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))

    def __reduce__(self):  # keep the diagnostics when the error crosses a process boundary
        return (type(self), (self.diagnostics,))


class ContentError(DeckbookError):
    """A problem in a course: course.yaml, chapters, includes, images."""


class ThemeError(DeckbookError):
    """A problem in a theme: theme.yaml, fonts, templates."""


class RenderError(DeckbookError):
    """A problem found while rendering an output (e.g. a blocked resource, a layout that cannot fit)."""


class EnvironmentProblem(DeckbookError):
    """A problem with the machine rather than the content (an environment variable): one line, no location."""

    def __init__(self, message: str):
        super().__init__([Diagnostic(Location(Path(".")), message)])
        self.message = message

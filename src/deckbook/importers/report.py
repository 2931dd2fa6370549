"""What an import could not carry over, one line each: `file:line: what was not carried over`."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ..errors import display_path


@dataclass(frozen=True, order=True)
class Note:
    """One thing of the source that the imported course does not have (or has differently)."""

    path: Path
    line: int
    message: str

    def __str__(self) -> str:
        return f"{display_path(self.path)}:{self.line}: {self.message}"


@dataclass
class Report:
    """The notes of one import, in source order when printed."""

    notes: list[Note] = field(default_factory=list)

    def add(self, path: Path, line: int, message: str) -> None:
        self.notes.append(Note(path, line, message))

    def lines(self) -> list[str]:
        """Return the notes as text lines, sorted by file and line, each once."""
        return [str(n) for n in sorted(set(self.notes))]

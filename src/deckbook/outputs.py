"""The outputs deckbook writes: one renderer interface and the registry that drives everything else.

`OUTPUTS` is the one list. From it come the `deckbook` subcommands (one per group, plus `build`), the
invoke tasks of the same names, the checks `check` runs, and each output's cache key. A new output is
one renderer module and one line here (Pandoc writers, docutils `get_writer_class`).
"""

from __future__ import annotations

import importlib
from concurrent.futures import Executor
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .options import Options

if TYPE_CHECKING:
    from .errors import Diagnostic
    from .model import Course
    from .theme import Theme


class Renderer(Protocol):
    """What an output's module offers: `render`; a module whose output declares `checks` offers `report` too."""

    def render(self, course: Course, theme: Theme, out: Path, options: Options,
               pool: Executor | None = None) -> Path:
        """Write the output to `out` and return `out`. Work may go to `pool` (the build's worker processes,
        shared by every output); without one, the renderer works in the calling process or its own pool."""

    def report(self, course: Course, theme: Theme) -> list[Diagnostic]:
        """Return what rendering would warn about (overflow, missing layouts …), without rendering."""

    def notes(self) -> list[str]:
        """Optional: return what this machine lacks that the renderer would use, each with its install command."""


@dataclass(frozen=True)
class Output:
    """One artefact: the renderer module that makes it, its file-name suffix, its group, the options it reads."""

    module: str
    """The renderer: an importable module that follows `Renderer` (imported only when needed)."""
    suffix: str
    """Appended to `<course>-<version>`: `.pptx`, `-trainer.pdf`."""
    group: str
    """The subcommand and task that build this output together with the rest of its group."""
    help: str
    reads: tuple[str, ...] = ()
    """The `Options` fields the renderer reads. It is handed only these (the rest at their defaults), and
    its cache key holds only these: a changed `--paper` leaves an output that does not read it cached."""
    edition: str = "student"
    checks: bool = False
    """The module has `report()`, which `deckbook check` and every build of this output run first."""
    needs: str = ""
    """A `Course` attribute that must be non-empty for the output to be written at all (the solutions
    handout needs `exercises`); "" for an output every course has."""

    def renderer(self) -> Renderer:
        """Return the renderer module."""
        return importlib.import_module(self.module)  # type: ignore[return-value]

    def wanted(self, course: Course) -> bool:
        """Return whether `course` gets this output (see `needs`)."""
        return not self.needs or bool(getattr(course, self.needs))

    def options(self, given: Options) -> Options:
        """Return the options this output sees: the ones it reads, its edition, every other one at its default."""
        return Options(edition=self.edition, **{name: getattr(given, name) for name in self.reads})


_HANDBOOK_READS = ("paper", "print_mode", "pdf_variant", "strict")

#: The registry of outputs, in build order. A new format is one renderer module and one line here.
OUTPUTS: dict[str, Output] = {
    "deck": Output("deckbook.render.deck", ".pptx", "deck", "the slide deck (.pptx)", ("strict",), checks=True),
    "handbook": Output("deckbook.render.handbook", ".pdf", "handbook", "the student handbook (.pdf)",
                       _HANDBOOK_READS),
    "handbook-trainer": Output("deckbook.render.handbook", "-trainer.pdf", "handbook",
                               "the trainer handbook (-trainer.pdf)", _HANDBOOK_READS, "trainer"),
    "handbook-solutions": Output("deckbook.render.handbook", "-solutions.pdf", "handbook",
                                 "the exercises' solutions to hand out (-solutions.pdf, when the course has exercises)",
                                 _HANDBOOK_READS, "solutions", needs="exercises"),
}


def groups() -> dict[str, tuple[str, ...]]:
    """Return every group's outputs, in registry order, and `build`: all of them."""
    found: dict[str, tuple[str, ...]] = {}
    for name, output in OUTPUTS.items():
        found[output.group] = (*found.get(output.group, ()), name)
    return {"build": tuple(OUTPUTS), **found}


def group_help(group: str) -> str:
    """Return what a group builds, for `--help` and `invoke --list`."""
    return ", ".join(OUTPUTS[name].help for name in groups()[group])


def reads(group: str) -> tuple[str, ...]:
    """Return the options any output of `group` reads, in the order `Options` declares them."""
    wanted = {name for output in groups()[group] for name in OUTPUTS[output].reads}
    return tuple(f.name for f in fields(Options) if f.name in wanted)


def notes(names: tuple[str, ...]) -> list[str]:
    """Return the notes of the renderers of outputs `names` (those that have `notes`), each note once."""
    found: dict[str, None] = {}
    for module in dict.fromkeys(OUTPUTS[name].module for name in names):
        found.update(dict.fromkeys(getattr(importlib.import_module(module), "notes", list)()))
    return list(found)

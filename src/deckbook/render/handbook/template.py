"""The handbook's Jinja2 template: the theme's template path, its sandboxed environment, its errors.

A theme is data shared between trainers, not code: its template runs in Jinja2's immutable sandbox, sees
only the values the handbook passes it, and may not reach a file outside its theme.
"""

from __future__ import annotations

import traceback
from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment

from ...errors import Diagnostic, Location, RenderError
from ...paths import confined
from ...theme import SHIPPED_THEMES, Theme

TEMPLATE = "handbook.html.j2"
DEFAULT_TEMPLATES = SHIPPED_THEMES / "default" / "templates"


def template_dirs(theme: Theme) -> list[Path]:
    """Return the template search path: the theme's own, its parents', then the shipped default's."""
    dirs = list(theme.template_dirs)
    return dirs + ([DEFAULT_TEMPLATES] if DEFAULT_TEMPLATES not in dirs else [])


@lru_cache(maxsize=16)
def _environment(dirs: tuple[Path, ...]) -> jinja2.Environment:
    """Return the Jinja2 environment of one theme (its template path): sandboxed, strict, autoescaping.

    A theme is data shared between trainers, not code: templates run in Jinja2's immutable sandbox (no
    `lipsum.__globals__`, no attribute beginning with `_`, no mutation) and see only what the handbook
    passes them (`document.prepare`), not even Jinja2's default globals.
    """
    env = ImmutableSandboxedEnvironment(
        loader=_ConfinedLoader([str(d) for d in dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.clear()
    return env


def render_template(dirs: tuple[Path, ...], **values) -> str:
    """Return the theme's handbook template rendered with `values`; a template's mistake is a RenderError."""
    try:
        return _environment(dirs).get_template(TEMPLATE).render(**values)
    except jinja2.TemplateError as exc:
        raise RenderError([Diagnostic(_template_location(exc, dirs), f"handbook template: {exc.message or exc}",
                                      "a template may only show the values deckbook passes (meta, words, toc, ...)")
                           ]) from None


def _template_location(exc: jinja2.TemplateError, dirs: tuple[Path, ...]) -> Location:
    """Return where in the theme's templates `exc` happened (a syntax error knows; a runtime one has a frame)."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if filename is None:
        frames = traceback.extract_tb(exc.__traceback__)
        found = [f for f in frames if f.filename.endswith(".j2")]
        if found:
            filename, line = found[-1].filename, found[-1].lineno
    return Location(Path(filename), line or 1) if filename else Location(dirs[0] / TEMPLATE)


class _ConfinedLoader(jinja2.FileSystemLoader):
    """A template loader that refuses a template whose real path (symbolic links followed) leaves its theme."""

    def get_source(self, environment: jinja2.Environment, template: str):
        source, filename, uptodate = super().get_source(environment, template)
        assert filename is not None
        if confined(Path(filename), [Path(d).parent for d in self.searchpath]) is None:
            raise RenderError([Diagnostic(Location(Path(filename)), f"template '{template}' links outside its theme",
                                          "a theme's files must live inside its folder; copy the file in")])
        return source, filename, uptodate

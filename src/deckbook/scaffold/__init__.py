"""`deckbook new`: a course scaffolded from the examples template, placeholders and all."""

from __future__ import annotations

import shutil
from importlib import resources
from pathlib import Path

from ..errors import ContentError, Diagnostic, Location


def scaffold(path: Path, title: str | None = None) -> Path:
    """Create a course at `path` from the examples template and return it; refuse to overwrite."""
    if path.exists() and any(path.iterdir()):
        raise ContentError([Diagnostic(Location(path), f"'{path}' exists and is not empty",
                                       "choose a new folder name")])
    template = resources.files(__package__) / "template"
    with resources.as_file(template) as source:
        shutil.copytree(source, path, dirs_exist_ok=True)
    course_file = path / "course.yaml"
    name = title or path.name.replace("-", " ").replace("_", " ").title()
    course_file.write_text(course_file.read_text(encoding="utf-8").replace("{{title}}", name), encoding="utf-8")
    return path

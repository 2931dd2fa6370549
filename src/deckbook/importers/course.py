"""The course an importer produces, and the one place that writes it to disk."""

from __future__ import annotations

import re
import shutil
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml

from ..errors import ContentError, Diagnostic, Location
from ..load import COURSE_FILE
from .report import Report

REPORT_FILE = "import-report.txt"


@dataclass
class Conversion:
    """A converted course, still in memory: course.yaml keys, chapter files, files to copy, the report."""

    meta: dict[str, object]
    """course.yaml's keys in the order they are written (`chapters:` is added from `chapters`)."""
    chapters: list[tuple[str, str]] = field(default_factory=list)
    """(file name, Markdown) in course order."""
    copies: dict[str, Path] = field(default_factory=dict)
    """Course-relative path → the source file copied there (images, included code)."""
    report: Report = field(default_factory=Report)
    units: int = 0
    """Pages (mdBook) or slides (Marp, pandoc) read from the source."""


class Assets:
    """Files a source refers to, confined to one folder of the source and copied to the same relative path."""

    def __init__(self, root: Path, conversion: Conversion):
        self.root = root.resolve()
        self.conversion = conversion

    def use(self, ref: str, base: PurePosixPath, where: Path, line: int, what: str) -> str | None:
        """Return the course path for `ref` (written in a file in folder `base` of the source), or None.

        None means it is not carried over (a URL, outside the source folder, missing); the report says why.
        """
        ref = re.split(r"[?#]", ref, maxsplit=1)[0]  # `x.svg?page=1`: a viewer's query, not the file
        rel = self.relative(ref, base)
        if rel is None:
            self.conversion.report.add(where, line, f"{what} '{ref}' lies outside {self.root.name}/: not copied")
            return None
        source = (self.root / rel).resolve()
        if not source.is_relative_to(self.root):
            self.conversion.report.add(where, line, f"{what} '{ref}' links out of {self.root.name}/: not copied")
            return None
        if not source.is_file():
            self.conversion.report.add(where, line, f"{what} '{ref}' not found")
            return None
        self.conversion.copies[rel] = source
        return rel

    def relative(self, ref: str, base: PurePosixPath) -> str | None:
        """Return `ref` resolved against `base` as a path inside the root, or None when it leaves the root."""
        if PurePosixPath(ref).is_absolute() or re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I):
            return None
        parts: list[str] = []
        for part in (base / ref).parts:
            if part == "..":
                if not parts:
                    return None
                parts.pop()
            elif part not in (".", ""):
                parts.append(part)
        return "/".join(parts) if parts else None


def slug(text: str, fallback: str = "chapter") -> str:
    """Return a file-name slug: ASCII letters, digits and dashes."""
    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode().lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-")[:48].strip("-") or fallback


def chapter_names(titles: list[str]) -> list[str]:
    """Return numbered chapter file names, `01-intro.md` …, in order."""
    width = max(2, len(str(len(titles))))
    return [f"{i:0{width}d}-{slug(t)}.md" for i, t in enumerate(titles, 1)]


def refuse_non_empty(source: Path, out: Path, force: bool) -> None:
    """Raise unless `out` is missing, empty, or `force` allows writing into it; never write into `source`."""
    if not source.exists():
        raise ContentError([Diagnostic(Location(source), f"'{source}' not found", "name the mdBook folder or the Markdown file")])
    folder = source.resolve() if source.is_dir() else source.resolve().parent
    if out.resolve().is_relative_to(folder) and source.is_dir():
        raise ContentError([Diagnostic(Location(out), f"'{out}' lies inside the source '{source}'",
                                       "sources are only read: choose a folder outside it")])
    if out.exists() and not out.is_dir():
        raise ContentError([Diagnostic(Location(out), f"'{out}' exists and is not a folder", "choose a new folder name")])
    if out.is_dir() and any(out.iterdir()) and not force:
        raise ContentError([Diagnostic(Location(out), f"'{out}' exists and is not empty",
                                       "choose a new folder, or pass --force to write into it")])


def write(conversion: Conversion, out: Path) -> list[Path]:
    """Write the course folder (course.yaml, chapters, copied files, the report); return the files written."""
    generated = {COURSE_FILE, REPORT_FILE, *(name for name, _ in conversion.chapters)}
    clash = sorted(generated & set(conversion.copies))
    if clash:
        raise ContentError([Diagnostic(Location(conversion.copies[clash[0]]),
                                       f"'{clash[0]}' would overwrite a file the import writes",
                                       "rename it in the source")])
    out.mkdir(parents=True, exist_ok=True)
    meta = {**conversion.meta, "chapters": [name for name, _ in conversion.chapters]}
    written = [_write_text(out / COURSE_FILE, yaml.safe_dump(meta, sort_keys=False, allow_unicode=True, width=100))]
    written += [_write_text(out / name, text) for name, text in conversion.chapters]
    for rel, source in sorted(conversion.copies.items()):
        target = out / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        written.append(target)
    lines = conversion.report.lines()
    written.append(_write_text(out / REPORT_FILE, "".join(f"{line}\n" for line in lines)
                               or "Everything was carried over.\n"))
    return written


def _write_text(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path

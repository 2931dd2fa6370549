"""The build cache: an output is re-rendered only when something it is made from has changed.

The key of an output covers every file the course read (chapters, includes, images, course.yaml), every
chapter file now present, every file of the theme, the options, the environment that reaches the output
(SOURCE_DATE_EPOCH) and the versions of deckbook and the libraries that render. The manifest lives in
build/<course>/.cache/ and records, per output, the key and the sha256 of the file written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
from dataclasses import asdict
from functools import lru_cache
from importlib import metadata
from pathlib import Path

from . import __version__, epoch
from .options import Options

MANIFEST = ".cache/manifest.json"
_LIBRARIES = ("python-pptx", "weasyprint", "pikepdf", "pygments", "markdown-it-py", "jinja2", "fonttools", "pydyf",
              "lxml")


@lru_cache(maxsize=None)
def library_versions() -> dict[str, str]:
    """Return the versions of deckbook and of every library whose output ends up in the files."""
    versions = {"deckbook": __version__}
    for name in _LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def file_digest(path: Path) -> str:
    """Return the sha256 of a file's bytes ('' when it is gone)."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return ""


def inputs_key(root: Path, files: list[Path]) -> str:
    """Return one digest over `files` (by path relative to `root` when inside it) and their contents."""
    h = hashlib.sha256()
    for path in sorted(set(files)):
        try:
            name = path.relative_to(root).as_posix()
        except ValueError:
            name = path.as_posix()
        h.update(f"{name}\0{file_digest(path)}\0".encode())
    return h.hexdigest()


def output_key(inputs: str, name: str, options: Options, version: str | None) -> str:
    """Return the cache key of output `name` built from `inputs` with `options`."""
    payload = {
        "inputs": inputs, "output": name, "options": asdict(options), "version": version,
        # Without SOURCE_DATE_EPOCH an undated course is dated today: a new day is a new key.
        "date": epoch.get() or dt.date.today().isoformat(),
        "libraries": library_versions(),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


class Manifest:
    """What the last build of one course into one folder read and wrote."""

    def __init__(self, out_dir: Path):
        self.path = out_dir / MANIFEST
        try:
            self.data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            self.data = {}

    @property
    def inputs(self) -> list[Path]:
        return [Path(p) for p in self.data.get("inputs", [])]

    def fresh(self, name: str, key: str, target: Path) -> bool:
        """Return whether output `name` was built with `key` and `target` still holds what was written."""
        entry = self.data.get("outputs", {}).get(name)
        return bool(entry) and entry["key"] == key and entry["file"] == target.name \
            and entry["sha256"] == file_digest(target)

    def skipped(self, name: str, key: str) -> bool:
        """Return whether output `name` was left out (not needed) by a build with `key`."""
        entry = self.data.get("outputs", {}).get(name)
        return bool(entry) and entry["key"] == key and not entry["file"]

    def skip(self, name: str, key: str) -> Path | None:
        """Record output `name` as not needed with `key`; return the file an earlier build wrote for it."""
        entry = self.data.setdefault("outputs", {}).get(name) or {}
        self.data["outputs"][name] = {"key": key, "file": "", "sha256": ""}
        return self.path.parent.parent / entry["file"] if entry.get("file") else None

    def record(self, inputs: list[Path], name: str, key: str, target: Path) -> None:
        self.data["inputs"] = sorted({str(p) for p in inputs})
        self.data.setdefault("outputs", {})[name] = {"key": key, "file": target.name, "sha256": file_digest(target)}

    def save(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.data, indent=1, sort_keys=True), encoding="utf-8")
        os.replace(tmp, self.path)

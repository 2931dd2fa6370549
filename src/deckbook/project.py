"""Project-level verbs behind `tasks.py`: the same commands as the CLI, over every course in content/."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from . import cli

CONTENT = Path("content")
BUILD = Path("build")


def courses(course: str | None = None) -> list[str]:
    """Return the course given, or every course folder under content/ (those with a course.yaml)."""
    if course:
        return [course]
    return sorted(str(p.parent) for p in CONTENT.glob("*/course.yaml"))


def run(verb: str, course: str | None = None, *flags: str) -> int:
    """Run `deckbook VERB` on one course or all of them; return the worst exit code."""
    codes = [cli.main([verb, path, *[f for f in flags if f]]) for path in courses(course)]
    return max(codes, default=0)


def flags(version: str | None = None, paper: str | None = None, print_mode: bool = False,
          pdf_variant: str | None = None, strict: bool = False, quiet: bool = False) -> list[str]:
    """Return CLI flags for the options a task received."""
    out = []
    if version:
        out += ["--version", version]
    if paper:
        out += ["--paper", paper]
    if pdf_variant:
        out += ["--pdf-variant", pdf_variant]
    out += ["--print"] * print_mode + ["--strict"] * strict + ["--quiet"] * quiet
    return out


def new(name: str, title: str | None = None) -> int:
    """Scaffold content/<name>/ from the examples template."""
    return cli.main(["new", str(CONTENT / name), *(["--title", title] if title else [])])


def clean() -> None:
    """Remove build/ and nothing else."""
    shutil.rmtree(BUILD, ignore_errors=True)


def test(args: str = "") -> int:
    """Run the test suite (the README's test command)."""
    return subprocess.call([sys.executable, "-m", "pytest", *args.split()])


def cargo_test(course: str | None = None) -> int:
    """Run `cargo test` in every course's Cargo workspace (code/Cargo.toml); return the worst exit code."""
    codes = []
    for path in courses(course):
        workspace = Path(path) / "code"
        if (workspace / "Cargo.toml").is_file():
            print(f"cargo test --workspace in {workspace}", flush=True)
            codes.append(subprocess.call(["cargo", "test", "--workspace", "--locked", "--quiet"], cwd=workspace))
    return max(codes, default=0)


def watch(course: str | None = None) -> None:
    """Watch one course (the given one, or the first under content/) and rebuild on every save."""
    from .watch import watch as run_watch

    targets = courses(course)
    try:
        run_watch(targets[0])
    except KeyboardInterrupt:
        pass


def release(version: str | None = None) -> list[Path]:
    """Clean build of every course into build/release/<version>/; print and return the folders."""
    from .release import release as run_release

    folders = run_release(courses(), version)
    for folder in folders:
        print(f"release: {folder} (check with: cd {folder} && sha256sum -c SHA256SUMS)")
    return folders


def measure(course: str | None = None) -> int:
    """Run each course's `measure` crate, which rewrites the data files under the course's data/."""
    codes = []
    for path in courses(course):
        workspace = Path(path) / "code"
        if (workspace / "measure" / "Cargo.toml").is_file():
            command = ["cargo", "run", "--release", "--locked", "-p", "measure", "--", "--out", "../data"]
            print(f"{' '.join(command)}   (in {workspace})", flush=True)
            codes.append(subprocess.call(command, cwd=workspace))
    return max(codes, default=0)

"""Project-level verbs behind `tasks.py`: the same commands as the CLI, over every course in content/."""

from __future__ import annotations

import inspect
import shutil
import subprocess
import sys
from pathlib import Path

from invoke import Exit, Task

from . import cli
from .options import FLAGS
from .outputs import group_help, groups, reads

CONTENT = Path("content")
BUILD = Path("build")


def courses(course: str | None = None) -> list[str]:
    """Return the course given, or every course folder under content/ (those with a course.yaml)."""
    if course:  # a slug names a folder under content/: cargo and `measure` need the folder itself
        return [str(CONTENT / course) if not Path(course).is_dir() and (CONTENT / course).is_dir() else course]
    return sorted(str(p.parent) for p in CONTENT.glob("*/course.yaml"))


def run(verb: str, course: str | None = None, *flags: str) -> int:
    """Run `deckbook VERB` on one course or all of them; return the worst exit code."""
    codes = [cli.main([verb, path, *[f for f in flags if f]]) for path in courses(course)]
    return max(codes, default=0)


def flags(version: str | None = None, strict: bool = False, quiet: bool = False, **options) -> list[str]:
    """Return CLI flags for the options a task received (`options` by task parameter: paper, print, pdf_variant)."""
    out = ["--version", version] if version else []
    for flag in FLAGS.values():
        value = options.get(flag.parameter)
        if value:
            out += [flag.flag, value] if flag.choices else [flag.flag]
    return out + ["--strict"] * strict + ["--quiet"] * quiet


def output_tasks() -> list[Task]:
    """Return one invoke task per group of outputs, `build` first."""
    return [output_task(group) for group in groups()]


def output_task(group: str) -> Task:
    """Return the invoke task that builds a group of outputs (`build`, `deck`, `handbook` …) of every course.

    Its flags are the options its outputs read (outputs.OUTPUTS), so a new output gets its task for free.
    """
    chosen = [FLAGS[name] for name in reads(group) if name in FLAGS]

    def body(c, course=None, version=None, strict=False, quiet=False, **options):
        code = run(group, course, *flags(version, strict, quiet, **options))
        if code:
            raise Exit(code=code)

    keyword = inspect.Parameter.KEYWORD_ONLY
    body.__signature__ = inspect.Signature([  # type: ignore[attr-defined] # what invoke reads the flags from
        inspect.Parameter("c", inspect.Parameter.POSITIONAL_OR_KEYWORD),
        inspect.Parameter("course", keyword, default=None), inspect.Parameter("version", keyword, default=None),
        *(inspect.Parameter(flag.parameter, keyword, default=None if flag.choices else False) for flag in chosen),
        inspect.Parameter("strict", keyword, default=False), inspect.Parameter("quiet", keyword, default=False)])
    body.__doc__ = f"Build {group_help(group)} of every course (or one)."
    return Task(body, name=group, help={
        "course": "a slug under content/ or a path (default: every course)", "version": "override the version",
        "strict": "warnings are errors", "quiet": "errors only",
        **{flag.parameter: flag.help + (f" ({'/'.join(flag.choices)})" if 1 < len(flag.choices) < 4 else "")
           for flag in chosen}})


def new(name: str, title: str | None = None) -> int:
    """Scaffold content/<name>/ from the examples template."""
    return cli.main(["new", str(CONTENT / name), *(["--title", title] if title else [])])


def import_course(kind: str, source: str, name: str, force: bool = False, slide_level: int | None = None) -> int:
    """Convert an existing course (mdbook, marp, pandoc) into content/<name>/."""
    return cli.main(["import", kind, source, "--out", str(CONTENT / name), *(["--force"] if force else []),
                     *(["--slide-level", str(slide_level)] if slide_level else [])])


def clean() -> None:
    """Remove build/ and nothing else."""
    shutil.rmtree(BUILD, ignore_errors=True)


def test(args: str = "") -> int:
    """Run the test suite (the README's test command)."""
    return subprocess.call([sys.executable, "-m", "pytest", *args.split()])


def cargo_test(course: str | None = None) -> int:
    """Run `cargo test` in every course's Cargo workspace (code/Cargo.toml); return the worst exit code.

    A lab is a crate with a `solution` feature: the whole workspace is tested with every lab's solution,
    then each lab's starter must compile and fail its tests (a starter that passes is an error).
    """
    codes = []
    for path in courses(course):
        workspace = Path(path) / "code"
        if not (workspace / "Cargo.toml").is_file():
            continue
        if shutil.which("cargo") is None:
            print(f"{workspace / 'Cargo.toml'}: error: cargo is not installed (the course's code needs a Rust "
                  f"toolchain: see its rust-version in Cargo.toml; rustup installs one)", file=sys.stderr)
            codes.append(1)
            continue
        labs = lab_crates(workspace)
        solved = ["--features", ",".join(f"{lab}/solution" for lab in labs)] if labs else []
        print(f"cargo test --workspace in {workspace}" + (f" (labs solved: {', '.join(labs)})" if labs else ""),
              flush=True)
        codes.append(subprocess.call(["cargo", "test", "--workspace", "--locked", "--quiet", *solved], cwd=workspace))
        codes += [check_starter(workspace, lab) for lab in labs]
        codes.append(compile_fail(Path(path), workspace))
    return max(codes, default=0)


def lab_crates(workspace: Path) -> list[str]:
    """Return the names of the workspace's lab crates: the members with a `solution` feature."""
    import json

    metadata = subprocess.run(["cargo", "metadata", "--no-deps", "--format-version", "1", "--locked"],
                              cwd=workspace, capture_output=True, text=True)
    if metadata.returncode:
        return []  # the `cargo test` that follows reports the broken workspace
    return sorted(p["name"] for p in json.loads(metadata.stdout)["packages"] if "solution" in p["features"])


def check_starter(workspace: Path, lab: str) -> int:
    """Return 0 when lab's starter compiles and fails its tests, else 1 with an error naming the lab."""
    cargo = ["cargo", "test", "--locked", "--quiet", "-p", lab]
    where = workspace / "Cargo.toml"
    if subprocess.call([*cargo, "--no-run"], cwd=workspace):
        print(f"{where}: error: the starter of lab {lab} does not compile (it must, so attendees can start from it)",
              flush=True)
        return 1
    if subprocess.call(cargo, cwd=workspace, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL) == 0:
        print(f"{where}: error: the starter of lab {lab} passes its tests (they must fail until the lab is solved)",
              flush=True)
        return 1
    print(f"lab {lab}: the starter compiles and fails its tests, as it should", flush=True)
    return 0


def compile_fail(course: Path, workspace: Path) -> int:
    """Check that the course's `compile_fail` code blocks fail to compile against `workspace`; print those that do not."""
    from . import rustcheck
    from .build import load

    if not (course / "course.yaml").is_file():  # a bare workspace (no course around it) has no code blocks
        return 0
    loaded, _, _ = load(course)
    count = len(rustcheck.fragments(loaded))
    if not count:
        return 0
    print(f"compile_fail: {count} code block(s) compiled against {workspace}", flush=True)
    problems = rustcheck.check(loaded, workspace)
    for problem in problems:
        print(problem, file=sys.stderr)
    return 1 if problems else 0


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

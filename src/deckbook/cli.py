"""The `deckbook` command: the one place where errors become messages and exit codes."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import traceback
from pathlib import Path

from . import __version__, interrupt
from .errors import DeckbookError, EnvironmentProblem
from .options import FLAGS, Options


_TOLD: set[str] = set()  # notes about this machine already printed

DEBUG_ENV = "DECKBOOK_DEBUG"
"""Set to 1 to see the traceback of an internal error (content and theme errors never have one)."""


def main(argv: list[str] | None = None) -> int:
    """Run the command line; return the exit code.

    0 ok, 1 content/theme errors (or a file that cannot be written), 2 usage, 70 internal error (a bug),
    130 interrupted (SIGINT), 143 terminated (SIGTERM), 141 output pipe closed early (as for any Unix tool
    killed by SIGPIPE).
    """
    args = _parser().parse_args(argv)
    try:
        with interrupt.installed():
            code = args.func(args)
        sys.stdout.flush()  # so a closed pipe is noticed here, not in the interpreter's shutdown
        return code
    except interrupt.Interrupted as exc:
        state = "the new outputs were all written before it" if exc.written else "previous outputs are unchanged"
        print(f"deckbook: interrupted ({exc.name}); {state}", file=sys.stderr)
        return 128 + exc.signum
    except EnvironmentProblem as exc:
        print(f"deckbook: {exc.message}; nothing was written", file=sys.stderr)
        return 1
    except DeckbookError as exc:
        _report(exc.diagnostics, args.quiet)
        errors = sum(d.severity == "error" for d in exc.diagnostics)
        if errors:
            print(f"deckbook: {errors} error(s); nothing was written", file=sys.stderr)
        else:
            print(f"deckbook: {len(exc.diagnostics)} warning(s) treated as errors (--strict); nothing was written",
                  file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("deckbook: interrupted; previous outputs are unchanged", file=sys.stderr)
        return 130
    except BrokenPipeError:
        # `deckbook dump PATH | head -1`: the reader has gone. Point stdout at /dev/null so the final
        # flush at exit does not print "Exception ignored … BrokenPipeError" (Python docs, "SIGPIPE").
        with contextlib.suppress(OSError, ValueError):  # stdout may have no file descriptor (tests)
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 141
    except OSError as exc:  # the system refused: a full disk, an output folder without permission
        print(f"deckbook: {exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}", file=sys.stderr)
        return 1
    except Exception as exc:  # noqa: BLE001 - the one boundary: a bug gets a short note, not a wall of text
        if os.environ.get(DEBUG_ENV):
            traceback.print_exc()
        print(f"deckbook: internal error: {type(exc).__name__}: {exc}\n"
              f"  this is a bug in deckbook; please report it with the command you ran"
              f"{'' if os.environ.get(DEBUG_ENV) else f' and the traceback ({DEBUG_ENV}=1 shows it)'}",
              file=sys.stderr)
        return 70


def _parser() -> argparse.ArgumentParser:
    from .outputs import group_help, groups, reads

    parser = argparse.ArgumentParser(prog="deckbook", description=__doc__)
    parser.add_argument("--version", action="version", version=f"deckbook {__version__}")
    sub = parser.add_subparsers(required=True, metavar="COMMAND")
    for group in groups():  # `build`, then one subcommand per group of outputs (outputs.OUTPUTS)
        cmd = sub.add_parser(group, help=group_help(group))
        _common(cmd)
        cmd.add_argument("--out", type=Path, help="output folder (default: build/<course>/)")
        for name in reads(group):
            if name in FLAGS:
                flag = FLAGS[name]
                cmd.add_argument(flag.flag, dest=name, help=flag.help, **(
                    {"choices": flag.choices} if flag.choices else {"action": "store_true"}))
        cmd.add_argument("--jobs", type=int, help="worker processes (default: one per core)")
        cmd.set_defaults(func=_build, group=group)
    cmd = sub.add_parser("check", help="validate content without rendering; list overflow decisions")
    _common(cmd)
    cmd.set_defaults(func=_check)
    cmd = sub.add_parser("dump", help="print the document tree as indented text")
    _common(cmd)
    cmd.set_defaults(func=_dump)
    cmd = sub.add_parser("new", help="scaffold a course from the examples template")
    cmd.add_argument("path", type=Path, help="folder to create")
    cmd.add_argument("--title", help="the course title (default: from the folder name)")
    cmd.add_argument("--quiet", action="store_true")
    cmd.set_defaults(func=_new)
    from .importers import KINDS

    cmd = sub.add_parser("import", help="convert an mdBook, Marp deck or pandoc slide show into a course")
    cmd.add_argument("kind", choices=tuple(KINDS), help="; ".join(f"{k}: {v}" for k, v in KINDS.items()))
    cmd.add_argument("source", type=Path, help="the mdBook folder or the Markdown file (only read)")
    cmd.add_argument("--out", type=Path, required=True, help="the course folder to write (new or empty)")
    cmd.add_argument("--force", action="store_true", help="write into a folder that is not empty")
    cmd.add_argument("--slide-level", type=int, choices=range(1, 7), metavar="N",
                     help="pandoc only: the --slide-level the slide show was made with")
    cmd.add_argument("--quiet", action="store_true", help="do not list what was not carried over")
    cmd.set_defaults(func=_import)
    return parser


def _common(cmd: argparse.ArgumentParser) -> None:
    cmd.add_argument("path", help="a course folder, or a course slug under ./content/")
    cmd.add_argument("--version", dest="course_version", help="override course.yaml's version")
    cmd.add_argument("--strict", action="store_true", help="treat warnings (overflow, unknown languages) as errors")
    cmd.add_argument("--quiet", action="store_true", help="print errors only")


def _build(args: argparse.Namespace) -> int:
    from .build import build
    from .outputs import groups, notes

    options = Options(strict=args.strict, **{name: getattr(args, name) for name in FLAGS if name in args})
    progress = None if args.quiet else _progress
    result = build(args.path, args.out, groups()[args.group], options, args.course_version, args.jobs, progress)
    _report(result.warnings, args.quiet)
    for note in [] if args.quiet else notes(result.rendered):
        if note not in _TOLD:  # once per process: `invoke build` builds every course in one
            _TOLD.add(note)
            print(f"deckbook: note: {note}", file=sys.stderr)
    if not args.quiet:
        for name, path in result.files.items():
            print(f"{'wrote' if name in result.rendered else 'kept '} {path}", file=sys.stderr)
    return 0


def _progress(step: str, seconds: float) -> None:
    print(f"  {step:<18} {seconds:6.2f} s", file=sys.stderr, flush=True)


def _check(args: argparse.Namespace) -> int:
    from .build import check, load

    course, theme, diags = load(args.path, args.course_version, args.strict)
    check(course, theme, diags, args.strict)
    _report(diags.items, args.quiet)
    if not args.quiet:
        from .render.common.teaching import summary

        for line in summary(course):
            print(line)
        slides = sum(len(c.slides) for c in course.chapters)
        print(f"{course.slug}: {len(course.chapters)} chapters, {slides} slides, "
              f"{len(diags.warnings)} warning(s), no errors")
        if course.slide_level_from is not None:  # inferred, not set in course.yaml: say from what
            print(f"slide level {course.slide_level} (inferred: {course.slide_level_from} is the first heading of "
                  f"level {course.slide_level}, the highest level directly followed by content; "
                  f"set slide_level: in course.yaml to choose)")
    return 0


def _dump(args: argparse.Namespace) -> int:
    from .build import load
    from .model import dump

    course, _, diags = load(args.path, args.course_version, args.strict)
    _report(diags.items, args.quiet)
    sys.stdout.write(dump(course, course.root))
    return 0


def _new(args: argparse.Namespace) -> int:
    from .scaffold import scaffold

    created = scaffold(args.path, args.title)
    if not args.quiet:
        print(f"created {created}: fill in every [placeholder]; `deckbook check {created}` lists them")
    return 0


def _import(args: argparse.Namespace) -> int:
    from .importers import REPORT_FILE, import_course

    if args.slide_level and args.kind != "pandoc":
        print("deckbook import: --slide-level is for pandoc slide shows (mdBook and Marp decide their slides)",
              file=sys.stderr)
        return 2
    options = {"slide_level": args.slide_level} if args.slide_level else {}
    conversion = import_course(args.kind, args.source, args.out, args.force, **options)
    notes = conversion.report.lines()
    if not args.quiet:
        for line in notes:
            print(line, file=sys.stderr)
        unit = "pages" if args.kind == "mdbook" else "slides"
        print(f"imported {conversion.units} {unit} into {args.out}: {len(conversion.chapters)} chapter(s), "
              f"{len(conversion.copies)} file(s) copied; {len(notes)} thing(s) not carried over"
              f"{f' (listed in {args.out / REPORT_FILE})' if notes else ''}\n"
              f"next: deckbook build {args.out}", file=sys.stderr)
    return 0


def _report(diagnostics, quiet: bool = False) -> None:
    for d in diagnostics:
        if quiet and d.severity != "error":
            continue
        print(str(d), file=sys.stderr)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())

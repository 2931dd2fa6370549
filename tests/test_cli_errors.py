"""The command line as the one error boundary: messages and exit codes, never a traceback for content."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from deckbook import cli

BROKEN = {
    "01.md": "# A\n\ntext [value]\n\n::: nots\nx\n:::\n",
    "02.md": '# B\n\n```rust include="../secret.rs"\n```\n',
}


@pytest.fixture
def course(tmp_path, monkeypatch):
    """Return a builder writing a course into tmp_path/course; the current folder is tmp_path."""
    monkeypatch.chdir(tmp_path)

    def build(files: dict[str, str], course_yaml: str = "title: T\nversion: '1.0'\n") -> Path:
        root = tmp_path / "course"
        root.mkdir(exist_ok=True)
        (root / "course.yaml").write_text(course_yaml, encoding="utf-8")
        for name, text in files.items():
            (root / name).write_text(text, encoding="utf-8")
        return root

    return build


def test_check_lists_every_error_and_exits_1(course, capsys):
    course(BROKEN)
    assert cli.main(["check", "course"]) == 1
    out, err = capsys.readouterr()
    assert err.splitlines() == [
        "course/01.md:3:6: error: template placeholder left in the course: [value] (replace it with real content)",
        "course/01.md:5:1: error: unknown block '::: nots' (did you mean 'notes'?)",
        "course/02.md:3:9: error: include '../secret.rs' leaves the course folder "
        "(files a course uses must live inside it; symbolic links are followed)",
        "deckbook: 3 error(s); nothing was written",
    ]
    assert out == ""


def test_check_as_a_process_has_no_traceback(course):
    root = course(BROKEN)
    run = subprocess.run([sys.executable, "-m", "deckbook.cli", "check", str(root)], cwd=root.parent,
                         capture_output=True, text=True, timeout=120)
    assert run.returncode == 1
    assert "course/01.md:5:1: error: unknown block '::: nots' (did you mean 'notes'?)\n" in run.stderr
    assert "Traceback" not in run.stderr and run.stdout == ""


def test_theme_errors_have_no_traceback_either(course, capsys):
    course({"01.md": "# A\n\ntext\n"}, "title: T\ntheme: nope\n")
    assert cli.main(["check", "course"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("course/course.yaml:2:8: error: unknown theme 'nope' (themes are looked up in ./themes/")
    assert "Traceback" not in err


def test_strict_turns_a_warning_into_exit_1(course, capsys):
    course({"01.md": "# A\n\n```klingon\nqapla'\n```\n"})
    warning = ("course/01.md:3:4: warning: unknown code language 'klingon' "
               "(shown as plain text; use a Pygments lexer name such as rust, toml, bash, json)")
    assert cli.main(["dump", "course"]) == 0
    assert capsys.readouterr().err.splitlines() == [warning]
    for command in ("dump", "check"):
        assert cli.main([command, "course", "--strict"]) == 1
        assert capsys.readouterr().err.splitlines() == [
            warning, "deckbook: 1 warning(s) treated as errors (--strict); nothing was written"]


def test_closed_output_pipe_is_quiet(course):
    """`deckbook dump PATH | head -1`: the reader leaves early; no BrokenPipeError traceback."""
    root = course({"01.md": "# A\n\ntext\n"})
    read, write = os.pipe()
    child = subprocess.Popen([sys.executable, "-m", "deckbook.cli", "dump", str(root)],
                             stdout=write, stderr=subprocess.PIPE)
    os.close(write)
    os.close(read)  # before the child has loaded anything, so its first write fails
    _, err = child.communicate(timeout=120)
    assert (child.returncode, err.decode()) == (141, "")


def test_internal_error_is_short_unless_debugging(course, capsys, monkeypatch):
    course({"01.md": "# A\n\ntext\n"})

    def broken(*args, **kwargs):
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr("deckbook.build.load", broken)
    monkeypatch.delenv(cli.DEBUG_ENV, raising=False)
    assert cli.main(["dump", "course"]) == 70
    err = capsys.readouterr().err
    assert err.splitlines() == [
        "deckbook: internal error: ZeroDivisionError: a bug",
        "  this is a bug in deckbook; please report it with the command you ran "
        f"and the traceback ({cli.DEBUG_ENV}=1 shows it)",
    ]
    monkeypatch.setenv(cli.DEBUG_ENV, "1")
    assert cli.main(["dump", "course"]) == 70
    err = capsys.readouterr().err
    assert err.startswith("Traceback (most recent call last):") and "ZeroDivisionError: a bug" in err

"""`invoke check --code` on a workspace with labs: solutions pass, each starter compiles and fails its tests."""

import subprocess
from pathlib import Path

from deckbook import project

LIB = """#[cfg(not(feature = "solution"))]
#[path = "starter.rs"]
mod lab;
#[cfg(feature = "solution")]
#[path = "solution.rs"]
mod lab;
pub use lab::*;
"""
TEST = "#[test]\nfn answers_two() {\n    assert_eq!(toy_lab::answer(), 2);\n}\n"


def workspace(root: Path, starter: str) -> Path:
    """A course whose code/ is a workspace with one lab crate (no dependencies); return the course."""
    code = root / "course" / "code"
    (code / "toy-lab" / "src").mkdir(parents=True)
    (code / "toy-lab" / "tests").mkdir()
    (code / "Cargo.toml").write_text('[workspace]\nresolver = "3"\nmembers = ["toy-lab"]\n')
    (code / "toy-lab" / "Cargo.toml").write_text(
        '[package]\nname = "toy-lab"\nversion = "0.1.0"\nedition = "2024"\n\n[features]\nsolution = []\n')
    (code / "toy-lab" / "src" / "lib.rs").write_text(LIB)
    (code / "toy-lab" / "src" / "starter.rs").write_text(f"pub fn answer() -> u32 {{\n    {starter}\n}}\n")
    (code / "toy-lab" / "src" / "solution.rs").write_text("pub fn answer() -> u32 {\n    2\n}\n")
    (code / "toy-lab" / "tests" / "lab.rs").write_text(TEST)
    subprocess.run(["cargo", "generate-lockfile", "--offline"], cwd=code, check=True, capture_output=True)
    return code.parent


def test_a_lab_whose_starter_fails_and_solution_passes_is_accepted(tmp_path, capsys):
    course = workspace(tmp_path, "1 // TODO")
    assert project.lab_crates(course / "code") == ["toy-lab"]
    assert project.cargo_test(str(course)) == 0
    assert "toy-lab: the starter compiles and fails its tests" in capsys.readouterr().out


def test_a_starter_that_already_passes_is_an_error(tmp_path, capsys):
    course = workspace(tmp_path, "2")
    assert project.cargo_test(str(course)) == 1
    assert "error: the starter of lab toy-lab passes its tests" in capsys.readouterr().out


def test_a_starter_that_does_not_compile_is_an_error(tmp_path, capsys):
    course = workspace(tmp_path, "todo")
    assert project.cargo_test(str(course)) == 1
    assert "error: the starter of lab toy-lab does not compile" in capsys.readouterr().out


def test_a_course_given_by_its_slug_is_found_under_content(tmp_path, monkeypatch, capsys):
    # `invoke check --code --course SLUG` once looked for SLUG/code/Cargo.toml and, finding none, ran nothing.
    workspace(tmp_path / "content", "1 // TODO")
    monkeypatch.chdir(tmp_path)
    assert project.courses("course") == [str(Path("content") / "course")]
    assert project.cargo_test("course") == 0
    assert "toy-lab: the starter compiles and fails its tests" in capsys.readouterr().out

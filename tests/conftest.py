"""Shared fixtures: tiny course builders, golden-file comparison (`--update-golden` rewrites them)."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
SHIPPED = Path(__file__).parent.parent / "content" / "rust-backend"
GOLDEN = Path(__file__).parent / "golden"


def need(program: str, package: str) -> str:
    """Return the path of `program`; fail, never skip, when it is missing: `invoke test` runs the whole suite."""
    path = shutil.which(program)
    if path is None:
        pytest.fail(f"{program} is not installed (Debian package {package}): run `invoke setup`", pytrace=False)
    return path


def pytest_terminal_summary(terminalreporter, exitstatus, config) -> None:
    skipped = len(terminalreporter.stats.get("skipped", []))
    if skipped:
        terminalreporter.write_line(f"{skipped} test(s) skipped: the whole suite must run (`invoke setup` installs "
                                    f"what the tests need); this run fails", red=True)


@pytest.hookimpl(trylast=True)
def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Fail a run that skipped a test: a green run means every test ran."""
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    if reporter is not None and reporter.stats.get("skipped") and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--update-golden", action="store_true", help="rewrite golden files from current output")


@pytest.fixture
def golden(request: pytest.FixtureRequest):
    """Compare text with tests/golden/<name>; with --update-golden, write it instead."""

    def compare(name: str, text: str) -> None:
        path = GOLDEN / name
        if request.config.getoption("--update-golden") or not path.exists():
            if not request.config.getoption("--update-golden"):
                pytest.fail(f"golden file {path} is missing: run pytest --update-golden and review it")
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
            return
        assert text == path.read_text(encoding="utf-8"), f"output differs from {path} (review, then --update-golden)"

    return compare


def write_tree(root: Path, files: dict[str, str | bytes]) -> Path:
    """Write `files` (relative path → text, dedented, or bytes) under `root`; return root."""
    for rel, content in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(textwrap.dedent(content), encoding="utf-8")
    return root


@pytest.fixture
def make_course(tmp_path: Path):
    """Return a builder: make_course({"01-a.md": "...", "code/x.rs": "..."}, course_yaml=...) → folder."""

    def build(files: dict[str, str | bytes], course_yaml: str = "title: T\nversion: '1.0'\ndate: 2026-01-01\n",
              name: str = "course") -> Path:
        root = tmp_path / name
        root.mkdir(parents=True, exist_ok=True)
        (root / "course.yaml").write_text(textwrap.dedent(course_yaml), encoding="utf-8")
        return write_tree(root, files)

    return build


@pytest.fixture(scope="session")
def mini() -> Path:
    return FIXTURES / "mini"


@pytest.fixture(scope="session")
def shipped_build(tmp_path_factory) -> dict[str, Path]:
    """Return the outputs of the shipped course (deck, student, trainer and solutions handbooks), built once
    per session: rendering its handbooks takes most of a minute, so tests that read them share one build."""
    from deckbook.build import build

    return build(SHIPPED, tmp_path_factory.mktemp("shipped")).files


@pytest.fixture
def outputs_registry():
    """Yield deckbook's registry of outputs, to add to or replace; its entries and order come back afterwards."""
    from deckbook.outputs import OUTPUTS

    saved = dict(OUTPUTS)
    try:
        yield OUTPUTS
    finally:
        OUTPUTS.clear()
        OUTPUTS.update(saved)

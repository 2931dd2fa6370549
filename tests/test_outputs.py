"""Outputs as plug-ins: one registry line and one module give an output its CLI, task, check and cache."""

from __future__ import annotations

import inspect
import runpy
import sys
import types
from pathlib import Path

import pytest
from invoke import Program

from deckbook import build as b
from deckbook import cli
from deckbook.errors import Diagnostic, Location
from deckbook.options import Options
from deckbook.outputs import OUTPUTS, Output, groups

TASKS = Path(__file__).parent.parent / "tasks.py"
SEEN: list[Options] = []


def toy_render(course, theme, out, options, pool=None):
    """Write the course's chapter titles, the paper asked for and the edition: a renderer in five lines."""
    SEEN.append(options)
    titles = " / ".join(chapter.title for chapter in course.chapters)
    out.write_text(f"{titles}\npaper={options.paper} edition={options.edition}\n", encoding="utf-8")
    return out


def toy_report(course, theme):
    return [Diagnostic(Location(course.root / "course.yaml", 1, 1), "toy: every course gets this note",
                       severity="warning")]


@pytest.fixture
def toy(monkeypatch, outputs_registry, make_course):
    """Register the toy output (module `toy_renderer`, group `toy`) and return a course to build."""
    module = types.ModuleType("toy_renderer")
    module.render, module.report = toy_render, toy_report
    monkeypatch.setitem(sys.modules, "toy_renderer", module)
    outputs_registry["toy"] = Output("toy_renderer", ".toy.txt", "toy", "the toy text", ("paper",), "trainer",
                                     checks=True)
    SEEN.clear()
    return make_course({"01-intro.md": "# Intro\n\n## First\n\ntext\n", "02-more.md": "# More\n\n## Then\n\nmore\n"})


def test_toy_output_gets_a_subcommand(toy, tmp_path, capsys):
    assert groups()["toy"] == ("toy",) and "toy" in groups()["build"]
    assert cli.main(["toy", str(toy), "--out", str(tmp_path / "out"), "--paper", "letter"]) == 0
    text = (tmp_path / "out" / "course-1.0.toy.txt").read_text(encoding="utf-8")
    assert text == "Intro / More\npaper=letter edition=trainer\n"
    assert "wrote" in capsys.readouterr().err
    assert not list((tmp_path / "out").glob("*.pptx"))  # the group builds the toy only
    with pytest.raises(SystemExit):  # it reads no other option: the subcommand offers no other
        cli.main(["toy", str(toy), "--print"])


def test_toy_output_gets_a_task(toy, tmp_path, monkeypatch):
    namespace = runpy.run_path(str(TASKS))["ns"]  # tasks.py as invoke loads it, with the toy registered
    assert "toy" in namespace.task_names
    flags = {arg.name for arg in namespace["toy"].get_arguments()}
    assert flags == {"course", "version", "paper", "strict", "quiet"}
    monkeypatch.chdir(tmp_path)
    Program(namespace=namespace).run(["invoke", "toy", "--course", str(toy), "--paper", "a4"], exit=False)
    assert (tmp_path / "build" / "course" / "course-1.0.toy.txt").read_text(encoding="utf-8").endswith("paper=a4 edition=trainer\n")


def test_toy_output_is_checked(toy, capsys):
    assert cli.main(["check", str(toy)]) == 0
    assert "course.yaml:1:1: warning: toy: every course gets this note" in capsys.readouterr().err
    assert cli.main(["check", str(toy), "--strict"]) == 1


def test_toy_output_is_cached_by_the_options_it_reads(toy, tmp_path):
    out = tmp_path / "out"
    assert b.build(toy, out, ("toy",), jobs=1).rendered == ("toy",)
    assert b.build(toy, out, ("toy",), jobs=1).rendered == ()
    assert b.build(toy, out, ("toy",), Options(print_mode=True, pdf_variant="pdf/a-3b"), jobs=1).rendered == ()
    assert b.build(toy, out, ("toy",), Options(paper="letter"), jobs=1).rendered == ("toy",)
    # the renderer saw only what it reads, and its own edition
    assert SEEN == [Options(edition="trainer"), Options(edition="trainer", paper="letter")]


def test_changing_the_paper_leaves_the_deck_cached(make_course, tmp_path):
    root = make_course({"01.md": "# A\n\n## Slide\n\ntext\n"})
    out = tmp_path / "out"
    deck_only = groups()["deck"]
    first = b.build(root, out, deck_only, jobs=1)
    assert first.rendered == ("deck",)
    before = first.files["deck"].stat().st_mtime_ns
    assert b.build(root, out, deck_only, Options(paper="letter", print_mode=True), jobs=1).rendered == ()
    assert first.files["deck"].stat().st_mtime_ns == before
    assert b.build(root, out, deck_only, Options(strict=True), jobs=1).rendered == ("deck",)  # strict it reads


def test_every_registered_renderer_follows_the_interface():
    for name, output in OUTPUTS.items():
        renderer = output.renderer()
        assert callable(renderer.render), name
        assert list(inspect.signature(renderer.render).parameters)[:5] == \
            ["course", "theme", "out", "options", "pool"], name
        assert not output.checks or callable(renderer.report), name
        assert set(output.reads) <= set(Options.__dataclass_fields__) - {"edition"}, name

"""The shipped course as a one-day training: built once, then read back as a trainer and an attendee get it.

The deck is read with python-pptx (agenda, objectives, exercise and hidden solution slides, the slide
budget), the three PDFs with pdfplumber (the student edition holds no solution), and `deckbook check`'s
report (the day fits its schedule). The Rust side — every lab's starter compiles and fails its tests, every
solution passes, the `compile_fail` listing fails — is `invoke check --code`'s job (cargo; CI runs it).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from deckbook import model as m
from deckbook.load import load_course

SHIPPED = Path(__file__).parent.parent / "content" / "rust-backend"
MAX_VISIBLE_SLIDES = 70  # a one-day deck, agenda, objectives, exercises and recap included


@pytest.fixture(scope="module")
def course() -> m.Course:
    return load_course(SHIPPED)


@pytest.fixture(scope="module")
def built(shipped_build) -> dict[str, Path]:
    return shipped_build


@pytest.fixture(scope="module")
def deck(built):
    from pptx import Presentation

    return Presentation(built["deck"])


def title(slide) -> str:
    return slide.shapes.title.text if slide.shapes.title is not None else ""


def hidden(slide) -> bool:
    return slide._element.get("show") == "0"


def text_of(slide) -> str:
    parts = [shape.text_frame.text for shape in slide.shapes if shape.has_text_frame]
    parts += [cell.text for shape in slide.shapes if shape.has_table for row in shape.table.rows for cell in row.cells]
    return "\n".join(parts)


def pdf_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def squeezed(text: str) -> str:
    """Return `text` without white space: PDF text extraction does not keep code's spacing."""
    return re.sub(r"\s+", "", text)


def code_blocks(blocks) -> list[m.CodeBlock]:
    found: list[m.CodeBlock] = []
    for block in blocks:
        if isinstance(block, m.CodeBlock):
            found.append(block)
        elif isinstance(block, (m.Only, m.Callout, m.BlockQuote)):
            found += code_blocks(block.blocks)
        elif isinstance(block, m.Columns):
            for column in block.columns:
                found += code_blocks(column)
        elif isinstance(block, m.Exercise):
            found += code_blocks(block.blocks)  # the task only: solutions are collected on their own
    return found


def solution_lines(course: m.Course) -> list[str]:
    """Return lines of the solutions' code that no other listing of the course shows (squeezed)."""
    elsewhere = {squeezed(line) for chapter in course.chapters for slide in chapter.slides
                 for block in code_blocks((*slide.blocks, *slide.notes)) for line in block.code.split("\n")}
    lines = []
    for exercise in course.exercises:
        for block in code_blocks(exercise.solution):
            lines += [squeezed(line) for line in block.code.split("\n")
                      if 20 <= len(line.strip()) <= 60 and squeezed(line) not in elsewhere]
    return lines


# --- the plan of the day ------------------------------------------------------------------------------

def test_every_lab_crate_is_an_exercise_with_its_starter_tests_and_solution(course):
    labs = sorted(p.name for p in (SHIPPED / "code" / "labs").iterdir() if (p / "Cargo.toml").is_file())
    assert len(course.exercises) == len(labs) == 5
    for exercise, lab in zip(course.exercises, labs):
        task = {b.source.relative_to(SHIPPED).as_posix() for b in code_blocks(exercise.blocks) if b.source}
        solved = {b.source.relative_to(SHIPPED).as_posix() for b in code_blocks(exercise.solution) if b.source}
        assert task == {f"code/labs/{lab}/src/starter.rs", f"code/labs/{lab}/tests/lab.rs"}, exercise.title
        assert solved == {f"code/labs/{lab}/src/solution.rs"}, exercise.title
        assert f"cargo test -p {lab}" in m.plain(exercise.blocks[0].items[-1].blocks[0].children)
        assert 20 <= exercise.minutes <= 40, exercise.title


def test_check_reports_a_six_hour_day_within_the_schedule(capsys):
    from deckbook import cli

    assert cli.main(["check", str(SHIPPED)]) == 0
    out, err = capsys.readouterr()
    assert "(no minutes)" not in out  # every chapter is timed
    total = int(re.search(r"^  total +(\d+) min$", out, re.M).group(1))
    assert 330 <= total <= 390  # about six hours of teaching
    (day,) = re.findall(r"^  Day \d+: .*$", out, re.M)
    assert day.endswith("fits") and f"{total} min teaching" in day
    assert "past its end" not in err and "has no solution" not in err and "no minutes" not in err


def test_the_broken_guard_across_await_listing_is_checked_to_fail(course):
    from deckbook import rustcheck

    (fragment,) = rustcheck.fragments(course)
    assert fragment.loc.path.name == "05-anti-patterns.md"
    assert "use anti_patterns::lock_across_await::{AppState, lock};" in fragment.program  # the whole file compiles
    assert "state.publish(*hits).await;" in fragment.program


# --- the deck -----------------------------------------------------------------------------------------

def test_the_deck_fits_a_day_with_agenda_objectives_exercises_and_hidden_solutions(deck, course):
    slides = list(deck.slides)
    visible = [s for s in slides if not hidden(s)]
    assert len(visible) <= MAX_VISIBLE_SLIDES
    titles = [title(s) for s in slides]

    agenda = slides[titles.index("Agenda")]
    table = next(shape.table for shape in agenda.shapes if shape.has_table)
    rows = [[cell.text for cell in row.cells] for row in table.rows]
    assert rows[1][0].startswith("09:00") and [r[1] for r in rows].count("Break") == 2 and "Lunch" in [r[1] for r in rows]
    assert [r[1] for r in rows if r[1] not in ("Topic", "Break", "Lunch")] == [c.title for c in course.chapters]

    for chapter in course.chapters:  # the objectives slide follows the chapter's section slide
        section = titles.index(chapter.title)
        assert titles[section + 1].startswith("Objectives")
        assert m.plain(chapter.objectives[0]) in text_of(slides[section + 1])
        assert 3 <= len(chapter.objectives) <= 4

    labs = [i for i, s in enumerate(slides) if "Exercise: " in text_of(s)]
    assert len(labs) == len(course.exercises)
    for i, exercise in zip(labs, course.exercises):
        assert not hidden(slides[i]) and f"Exercise: {exercise.title} ({exercise.minutes} min)" in text_of(slides[i])
        assert hidden(slides[i + 1]) and titles[i + 1] == f"Solution: {exercise.title}"
    assert all(titles[i].startswith("Solution: ") for i, s in enumerate(slides) if hidden(s))
    assert len(slides) - len(visible) == len(course.exercises)  # one hidden slide per solution: each fits on one


def test_the_solution_slides_fit_without_shrinking(course):
    from deckbook.errors import Location
    from deckbook.render.deck.layout import plan_deck
    from deckbook.theme import load_theme

    plan = plan_deck(course, load_theme(course.meta.theme, Location(SHIPPED / "course.yaml")))
    assert not [str(d) for d in plan.diagnostics if "Solution" in str(d)]


# --- the handbooks ------------------------------------------------------------------------------------

def test_only_the_trainer_and_the_solutions_handout_show_the_solutions(built, course):
    lines = solution_lines(course)
    assert len(lines) >= 20
    student = squeezed(pdf_text(built["handbook"]))
    trainer = squeezed(pdf_text(built["handbook-trainer"]))
    solutions = squeezed(pdf_text(built["handbook-solutions"]))
    assert [line for line in lines if line in student] == []
    assert [line for line in lines if line not in trainer] == []
    assert [line for line in lines if line not in solutions] == []
    for exercise in course.exercises:
        heading = squeezed(f"Exercise: {exercise.title} ({exercise.minutes} min)")
        assert heading in student and heading in solutions
    assert squeezed("Before the day: set-up") in student and squeezed("cargo build --workspace --tests") in student
    assert "Schedule" in pdf_text(built["handbook"])

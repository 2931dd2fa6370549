"""Teaching a day: minutes, the schedule, objectives and labs — loaded, validated, timed and reported."""

from __future__ import annotations

import datetime as dt
import textwrap

import pytest

from deckbook import model as m
from deckbook.load import load_course
from deckbook.render.common import teaching

from test_load import errors_of

SCHEDULE = """\
    title: Lab course
    version: "1.0"
    date: 2026-01-01
    schedule:
      days:
        - start: "09:00"
          end: "11:00"
          chapters: [01-intro.md, 02-state.md]
          breaks:
            - after: 01-intro.md
              minutes: 15
          lunch:
            after: 02-state.md
            minutes: 60
"""

INTRO = """\
    ---
    objectives:
      - Write a `Router` with two routes
      - Explain *why* state is shared
    ---
    # Intro {minutes=40}

    ## First slide {minutes=10}

    Hello.

    ## Lab {minutes=30}

    ::: exercise Build a router {minutes=25}
    Write a router with `GET /health`.

    ::: solution
    ```rust
    fn main() {}
    ```
    :::
    :::
"""

STATE = """\
    ---
    minutes: 50
    ---
    # State

    ## Shared state {minutes=20}

    Text.

    ## Locks {minutes=20}

    More text.
"""


def lab_course(make_course, **files):
    return make_course({"01-intro.md": INTRO, "02-state.md": STATE, **files}, SCHEDULE)


def test_minutes_objectives_and_exercise_are_loaded(make_course):
    course = load_course(lab_course(make_course))
    intro, state = course.chapters
    assert [s.minutes for s in intro.slides] == [40, 10, 30]
    assert state.minutes == 50 and intro.minutes is None
    assert [m.plain(o) for o in intro.objectives] == ["Write a Router with two routes", "Explain why state is shared"]
    assert intro.objectives[0][1] == m.Code("Router")
    (exercise,) = course.exercises
    assert (exercise.title, exercise.minutes) == ("Build a router", 25)
    assert m.plain(exercise.blocks[0].children) == "Write a router with GET /health."
    assert isinstance(exercise.solution[0], m.CodeBlock) and exercise.solution[0].code == "fn main() {}"
    (day,) = course.schedule.days
    assert (day.start, day.end, day.chapters) == (dt.time(9), dt.time(11), ("01-intro", "02-state"))
    assert [(b.after, b.kind, b.minutes) for b in day.breaks] == [("01-intro", "break", 15), ("02-state", "lunch", 60)]


def test_minutes_add_up_and_the_agenda_has_clock_times(make_course):
    course = load_course(lab_course(make_course))
    times = teaching.timing(course)
    intro, state = course.chapters
    # The section's own 40 min stand for its slides (10 + 30); the chapter takes its section's minutes.
    assert times.of(intro).minutes == 40 and times.of(intro).slides == (40, 10, 30)
    assert times.of(state).minutes == 50 and times.of(state).slides == (40, 20, 20)
    (plan,) = teaching.agenda(course, times)
    assert [(r.kind, teaching.span(r.start, r.end)) for r in plan.rows] == [
        ("chapter", "09:00–09:40"), ("break", "09:40–09:55"), ("chapter", "09:55–10:45"), ("lunch", "10:45–11:45")]
    assert (plan.teaching, plan.breaks, plan.overrun) == (90, 75, 45)
    warnings = [str(d) for d in teaching.report(course)]
    assert len(warnings) == 1 and "Day 1 runs until 11:45, 45 min past its end at 11:00" in warnings[0]
    assert ":6:7: warning:" in warnings[0]  # the day's entry in course.yaml


def test_parts_longer_than_their_heading_are_reported(make_course):
    root = make_course({"01-a.md": "# A {minutes=10}\n\n## B {minutes=8}\n\nx\n\n## C {minutes=7}\n\ny\n"})
    (warning,) = teaching.timing(load_course(root)).diagnostics
    assert str(warning).endswith("01-a.md:1:1: warning: 'A' is given 10 min, but its parts add up to 15 min "
                                 "(raise its minutes, or shorten its parts)")


def test_exercise_without_solution_and_stray_solution_are_errors(make_course):
    root = make_course({"01-a.md": """\
        # A

        ## Lab

        ::: exercise Alone
        Only a task.
        :::

        ::: solution
        Lost.
        :::
    """})
    assert errors_of(root) == [
        "01-a.md:5:1: error: exercise 'Alone' has no solution",
        "01-a.md:9:1: error: '::: solution' outside '::: exercise'",
    ]


@pytest.mark.parametrize("schedule, expected", [
    ("""\
      start: "9am"
      days:
        - chapters: [01-intro.md, 02-stat.md]
          lunch: {after: 03-none.md, minutes: 0}
    """, [
        "course.yaml:3:3: error: 'schedule.start': a clock time \"HH:MM\" (24-hour), e.g. \"09:00\" (got '9am')",
        "course.yaml:6:34: error: 'schedule.days.0.lunch.minutes': Input should be greater than 0 (got 0)",
    ]),
    ("""\
      days:
        - chapters: [01-intro.md, 02-stat.md]
          lunch: {after: 03-none.md, minutes: 60}
    """, [
        "course.yaml:3:3: error: chapter '02-state.md' is on no day of the schedule",
        "course.yaml:4:31: error: '02-stat.md' is not a chapter of the course",
        "course.yaml:5:15: error: '03-none.md' is not a chapter of the course",
    ]),
])
def test_schedule_errors_point_at_their_keys(make_course, schedule, expected):
    course_yaml = "title: T\nschedule:\n" + textwrap.indent(textwrap.dedent(schedule), "  ")
    root = make_course({"01-intro.md": INTRO, "02-state.md": STATE}, course_yaml)
    assert errors_of(root) == expected


def test_bad_minutes_are_errors(make_course):
    root = make_course({"01-a.md": "# A {minutes=ten}\n\n## B\n\nx\n\n::: exercise {minutes=0}\nDo.\n\n"
                                   "::: solution\nDone.\n:::\n:::\n"})
    assert errors_of(root) == [
        "01-a.md:1:1: error: minutes='ten' is not a number of minutes",
        "01-a.md:7:1: error: minutes='0' is not a number of minutes",
    ]


# --- the outputs ---------------------------------------------------------------------------------------

def pdf_text(path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_a_lab_day_builds_deck_handbooks_and_solutions(make_course, tmp_path):
    from pptx import Presentation

    from deckbook.build import build

    root = lab_course(make_course)
    result = build(root, tmp_path / "out", jobs=1)
    assert sorted(result.files) == ["deck", "handbook", "handbook-solutions", "handbook-trainer"]
    assert result.files["handbook-solutions"].name == "course-1.0-solutions.pdf"

    deck = Presentation(result.files["deck"])
    slides = [(s.shapes.title.text if s.shapes.title is not None else "", s._element.get("show")) for s in deck.slides]
    assert slides == [("Lab course", None), ("Agenda", None), ("Intro", None), ("Objectives", None),
                      ("First slide", None), ("Lab", None), ("Solution: Build a router", "0"),
                      ("State", None), ("Shared state", None), ("Locks", None), ("Recap", None)]
    texts = ["\n".join(sh.text_frame.text for sh in s.shapes if sh.has_text_frame) for s in deck.slides]
    assert "09:00–09:40\nIntro" not in texts[1]  # a table, not text boxes:
    agenda = next(sh.table for sh in deck.slides[1].shapes if sh.has_table)
    assert [[c.text for c in row.cells] for row in agenda.rows] == [
        ["Time", "Topic", "Duration"], ["09:00–09:40", "Intro", "40 min"], ["09:40–09:55", "Break", "15 min"],
        ["09:55–10:45", "State", "50 min"], ["10:45–11:45", "Lunch", "1 h"]]
    assert "Write a Router with two routes" in texts[3] and "Explain why state is shared" in texts[3]
    assert "Exercise: Build a router (25 min)" in texts[5] and "fn main" not in texts[5]
    assert "fn main() {}" in texts[6]
    assert "Write a Router with two routes" in texts[10]
    notes = [s.notes_slide.notes_text_frame.text if s.has_notes_slide else "" for s in deck.slides]
    assert notes[2].startswith("≈ 40 min") and notes[5].startswith("≈ 30 min") and notes[7].startswith("≈ 40 min")

    student, trainer = pdf_text(result.files["handbook"]), pdf_text(result.files["handbook-trainer"])
    solutions = pdf_text(result.files["handbook-solutions"])
    for text in (student, trainer):
        assert "Schedule" in text and "09:55–10:45" in text and "Objectives" in text
        assert "Exercise: Build a router (25 min)" in text
        assert "3 Recap ..." in text and "3\nRecap\nIntro\n• Write a Router with two routes\n" in text  # the last chapter
    assert "fn main" not in student and "Solution" not in student and "≈" not in student
    assert "fn main() {}" in trainer and "≈ 40 min" in trainer
    assert "fn main() {}" in solutions and "Build a router" in solutions and "SOLUTIONS" in solutions  # the cover, in capitals
    assert "First slide" not in solutions and "Schedule" not in solutions  # the labs only


def test_no_exercises_no_solutions_and_the_next_build_is_a_no_op(make_course, tmp_path):
    from deckbook.build import build

    root = make_course({"01-a.md": "# A\n\n## B\n\ntext\n"})
    out = tmp_path / "out"
    first = build(root, out, ("handbook", "handbook-solutions"), jobs=1)
    assert list(first.files) == ["handbook"] and not list(out.glob("*-solutions.pdf"))
    assert build(root, out, ("handbook", "handbook-solutions"), jobs=1).rendered == ()


def test_check_prints_minutes_and_fails_an_exercise_without_solution(make_course, capsys):
    from deckbook import cli

    root = lab_course(make_course)
    assert cli.main(["check", str(root)]) == 0
    out, err = capsys.readouterr()
    assert "minutes per chapter:\n  01-intro    40 min  Intro\n  02-state    50 min  State\n  total       90 min" in out
    assert "Day 1: 09:00–11:45, 90 min teaching + 75 min breaks; planned end 11:00: 45 min over" in out
    assert "course.yaml:6:7: warning: Day 1 runs until 11:45, 45 min past its end at 11:00" in err
    (root / "01-intro.md").write_text(INTRO.replace("    ::: solution\n", "    ::: note\n").replace("    ", ""))
    assert cli.main(["check", str(root)]) == 1
    err = capsys.readouterr().err
    assert "01-intro.md:14:1: error: exercise 'Build a router' has no solution" in err


def test_each_day_opens_with_its_agenda_and_handbook_only_chapters_need_no_day(make_course):
    from deckbook.errors import Location
    from deckbook.render.deck.layout import plan_deck
    from deckbook.theme import load_theme

    root = make_course({"01-intro.md": INTRO, "02-state.md": STATE, "03-notes.md": "---\nhandbook_only: true\n---\n"
                        "# Reading\n\n## More\n\ntext\n"}, """\
        title: Two days
        schedule:
          start: "09:30"
          days:
            - chapters: [01-intro.md]
            - title: Friday
              start: "10:00"
              chapters: [02-state.md]
    """)
    course = load_course(root)
    plans = teaching.agenda(course)
    assert [(teaching.day_title(p), teaching.clock(p.day.start), teaching.clock(p.finish)) for p in plans] == [
        ("Day 1", "09:30", "10:10"), ("Friday", "10:00", "10:50")]
    titles = [s.title for s in plan_deck(course, load_theme("default", Location(root))).slides]
    assert titles[:3] == ["Two days", "Agenda · Day 1", "Intro"]
    assert titles[titles.index("Solution: Build a router") + 1:] == [
        "Agenda · Friday", "State", "Shared state", "Locks", "Recap"]


def test_the_solutions_go_when_the_exercises_go(make_course, tmp_path, outputs_registry, monkeypatch):
    import sys
    import types

    from deckbook.build import build
    from deckbook.outputs import Output

    def render(course, theme, out, options, pool=None):
        out.write_text(f"{options.edition} {len(course.exercises)}", encoding="utf-8")
        return out

    monkeypatch.setitem(sys.modules, "fake_labs", types.SimpleNamespace(render=render))
    outputs_registry.clear()
    outputs_registry["notes"] = Output("fake_labs", ".txt", "notes", "fake notes")
    outputs_registry["labs"] = Output("fake_labs", "-labs.txt", "notes", "fake labs", edition="solutions",
                                      needs="exercises")
    root, out = lab_course(make_course), tmp_path / "out"
    assert sorted(build(root, out, jobs=1).rendered) == ["labs", "notes"]
    assert (out / "course-1.0-labs.txt").read_text() == "solutions 1"
    (root / "01-intro.md").write_text("# Intro\n\n## Only talk\n\ntext\n", encoding="utf-8")
    assert build(root, out, jobs=1).rendered == ("notes",)
    assert not (out / "course-1.0-labs.txt").exists()  # not left behind, stale
    again = build(root, out, jobs=1)
    assert again.rendered == () and list(again.files) == ["notes"]


def test_a_long_recap_takes_more_slides_without_a_warning(make_course):
    from deckbook.errors import Location
    from deckbook.render.deck.layout import plan_deck
    from deckbook.theme import load_theme

    objectives = "".join(f"  - Explain the {n}th idea of this chapter in a sentence or two, with an example\n"
                         for n in range(1, 7))
    chapters = {f"0{i}-c{i}.md": f"---\nobjectives:\n{objectives}---\n# Chapter {i}\n\n## Only slide\n\nText.\n"
                for i in range(1, 6)}
    root = make_course(chapters, "title: Many objectives\n")
    plan = plan_deck(load_course(root), load_theme("default", Location(root)))
    recap = [s for s in plan.slides if s.title.startswith("Recap")]
    assert len(recap) >= 2  # 30 objectives: the recap goes on over several slides
    assert not plan.diagnostics  # each chapter's objectives slide fits: nothing for the author to do


def test_the_deck_recap_leaves_out_handbook_only_chapters(make_course):
    reading = "---\nhandbook_only: true\nobjectives:\n  - Read the appendix\n---\n# Reading\n\n## More\n\ntext\n"
    course = load_course(make_course({"01-intro.md": INTRO, "02-state.md": STATE, "03-notes.md": reading},
                                     "title: Recap\n"))

    def titles(blocks):
        return [m.plain(b.children) for b in blocks if isinstance(b, m.Paragraph)]

    assert titles(teaching.recap_blocks(course)) == ["Intro", "Reading"]
    assert titles(teaching.recap_blocks(course, deck=True)) == ["Intro"]

"""Teaching a day: minutes, the schedule, objectives and labs — loaded, validated, timed and reported."""

from __future__ import annotations

import datetime as dt

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


def test_schedule_errors_point_at_their_keys(make_course):
    root = make_course({"01-intro.md": INTRO, "02-state.md": STATE}, """\
        title: T
        schedule:
          start: "9am"
          days:
            - chapters: [01-intro.md, 02-stat.md]
              lunch: {after: 03-none.md, minutes: 0}
    """)
    assert errors_of(root) == [
        "course.yaml:3:3: error: 'schedule.start': a clock time \"HH:MM\" (24-hour), e.g. \"09:00\" (got '9am')",
        "course.yaml:6:34: error: 'schedule.days.0.lunch.minutes': Input should be greater than 0 (got 0)",
    ]
    root = make_course({"01-intro.md": INTRO, "02-state.md": STATE}, """\
        title: T
        schedule:
          days:
            - chapters: [01-intro.md, 02-stat.md]
              lunch: {after: 03-none.md, minutes: 60}
    """, name="second")
    assert errors_of(root) == [
        "course.yaml:3:3: error: chapter '02-state.md' is on no day of the schedule",
        "course.yaml:4:31: error: '02-stat.md' is not a chapter of the course",
        "course.yaml:5:15: error: '03-none.md' is not a chapter of the course",
    ]


def test_bad_minutes_are_errors(make_course):
    root = make_course({"01-a.md": "# A {minutes=ten}\n\n## B\n\nx\n\n::: exercise {minutes=0}\nDo.\n\n"
                                   "::: solution\nDone.\n:::\n:::\n"})
    assert errors_of(root) == [
        "01-a.md:1:1: error: minutes='ten' is not a number of minutes",
        "01-a.md:7:1: error: minutes='0' is not a number of minutes",
    ]

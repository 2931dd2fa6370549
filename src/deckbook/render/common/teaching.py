"""Teaching a day, computed once for every output: minutes per part, the schedule's clock times, lab titles.

The deck's agenda slides, the handbook's schedule page and `deckbook check` all read `timing()` and
`agenda()`, so a slide, a page and the terminal never disagree on a minute. Pure: no renderer library.

Minutes add up as a trainer counts them: a heading's `minutes` (or a chapter's front matter) is the time of
everything under it, labs included; where none is given, its parts' minutes add up.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cached_property
from typing import Literal

from ... import model as m
from ...errors import Diagnostic, Location
from .labels import Labels


@dataclass(frozen=True)
class ChapterTime:
    """The minutes of one chapter, and of each of its slides (aligned with `chapter.slides`; None: untimed)."""

    chapter: m.Chapter
    minutes: int
    slides: tuple[int | None, ...]


@dataclass(frozen=True)
class Timing:
    """The minutes of every chapter, and what does not add up."""

    chapters: tuple[ChapterTime, ...]
    diagnostics: tuple[Diagnostic, ...]

    def of(self, chapter: m.Chapter) -> ChapterTime:
        """Return the minutes of `chapter`."""
        return self._by_chapter[id(chapter)]

    @cached_property
    def _by_chapter(self) -> dict[int, ChapterTime]:
        return {id(t.chapter): t for t in self.chapters}


def timing(course: m.Course) -> Timing:
    """Return the minutes of every chapter and slide of `course`."""
    found: list[Diagnostic] = []
    return Timing(tuple(_chapter(c, found) for c in course.chapters), tuple(found))


def _chapter(chapter: m.Chapter, found: list[Diagnostic]) -> ChapterTime:
    times: list[int | None] = [None] * len(chapter.slides)
    total, _ = _parts(chapter.slides, 0, 0, times, found)
    if chapter.minutes is not None:
        _exceeds(chapter.minutes, total, f"chapter '{chapter.title}'", chapter.loc, found)
        total = chapter.minutes
    return ChapterTime(chapter, total or 0, tuple(times))


def _parts(slides: tuple[m.Slide, ...], i: int, above: int, times: list[int | None],
           found: list[Diagnostic]) -> tuple[int | None, int]:
    """Return the minutes of the slides from `i` on that sit below a section of level `above`, and where
    they end. A section holds the slides after it up to the next section of its level or above."""
    total: int | None = None
    while i < len(slides) and not (slides[i].kind == "section" and 0 < slides[i].level <= above):
        slide = slides[i]
        if slide.kind == "section":
            inner, end = _parts(slides, i + 1, slide.level, times, found)
            inner = _add(inner, _labs(slide))
        else:
            inner, end = _labs(slide), i + 1
        if slide.minutes is not None:
            _exceeds(slide.minutes, inner, f"'{m.plain(slide.title) or 'untitled slide'}'", slide.loc, found)
            inner = slide.minutes
        times[i] = inner
        total = _add(total, inner)
        i = end
    return total, i


def _labs(slide: m.Slide) -> int | None:
    """Return the minutes of the exercises on `slide` (None when none of them says)."""
    total = None
    for block in slide.blocks:
        if isinstance(block, m.Exercise) and block.minutes is not None:
            total = _add(total, block.minutes)
    return total


def _add(a: int | None, b: int | None) -> int | None:
    return b if a is None else a if b is None else a + b


def _exceeds(given: int, parts: int | None, what: str, loc: Location, found: list[Diagnostic]) -> None:
    if parts is not None and parts > given:
        found.append(Diagnostic(loc, f"{what} is given {given} min, but its parts add up to {parts} min",
                                "raise its minutes, or shorten its parts", "warning"))


# --- the schedule ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    """One line of a day's agenda: a chapter or a break, with its clock times."""

    kind: Literal["chapter", "break", "lunch"]
    title: str  # the chapter's title, or the break's own ("" for the label of its kind)
    start: dt.time
    end: dt.time
    minutes: int
    chapter: m.Chapter | None = None


@dataclass(frozen=True)
class DayPlan:
    """One day with clock times: teaching and breaks in order; `overrun` is minutes past the planned end."""

    number: int  # from 1
    day: m.Day
    rows: tuple[Row, ...]

    @property
    def finish(self) -> dt.time:
        return self.rows[-1].end if self.rows else self.day.start

    @property
    def teaching(self) -> int:
        return sum(r.minutes for r in self.rows if r.kind == "chapter")

    @property
    def breaks(self) -> int:
        return sum(r.minutes for r in self.rows if r.kind != "chapter")

    @property
    def overrun(self) -> int:
        return max(0, _minutes(self.finish) - _minutes(self.day.end)) if self.rows else 0

    @property
    def chapters(self) -> tuple[m.Chapter, ...]:
        return tuple(r.chapter for r in self.rows if r.chapter is not None)


def agenda(course: m.Course, times: Timing | None = None) -> tuple[DayPlan, ...]:
    """Return every day of the course's schedule with clock times (none without a schedule)."""
    if course.schedule is None:
        return ()
    times = times or timing(course)
    by_slug = {c.slug: c for c in course.chapters}
    days = []
    for number, day in enumerate(course.schedule.days, start=1):
        rows: list[Row] = []
        clock = _minutes(day.start)
        for slug in day.chapters:
            chapter = by_slug[slug]
            minutes = times.of(chapter).minutes
            rows.append(Row("chapter", chapter.title, _time(clock), _time(clock + minutes), minutes, chapter))
            clock += minutes
            for pause in (b for b in day.breaks if b.after == slug):
                rows.append(Row(pause.kind, pause.title, _time(clock), _time(clock + pause.minutes), pause.minutes))
                clock += pause.minutes
        days.append(DayPlan(number, day, tuple(rows)))
    return tuple(days)


def report(course: m.Course) -> list[Diagnostic]:
    """Return the schedule's warnings: minutes that do not add up, untimed chapters, days that overrun."""
    times = timing(course)
    found = list(times.diagnostics)
    for plan in agenda(course, times):
        for chapter in plan.chapters:
            if not times.of(chapter).minutes:
                found.append(Diagnostic(chapter.loc, f"chapter '{chapter.title}' has no minutes, but is scheduled",
                                        "give it minutes: in its front matter, or {minutes=N} on its headings",
                                        "warning"))
        if plan.overrun:
            found.append(Diagnostic(plan.day.loc, f"{day_title(plan)} runs until {clock(plan.finish)}, "
                                    f"{plan.overrun} min past its end at {clock(plan.day.end)}",
                                    "cut minutes, move a chapter to another day, or end the day later", "warning"))
    return found


def _minutes(t: dt.time) -> int:
    return t.hour * 60 + t.minute


def _time(minutes: int) -> dt.time:
    """Return the clock time `minutes` after midnight (a day running past midnight wraps)."""
    return dt.time((minutes // 60) % 24, minutes % 60)


# --- wording -----------------------------------------------------------------------------------------


def clock(t: dt.time) -> str:
    """Return a clock time as people write it on a schedule: 09:00."""
    return f"{t.hour:02d}:{t.minute:02d}"


def span(start: dt.time, end: dt.time) -> str:
    """Return a time span: 09:00–10:30."""
    return f"{clock(start)}\u2013{clock(end)}"


def duration(minutes: int) -> str:
    """Return a duration: 45 min, 1 h, 1 h 30 min."""
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{rest} min"
    return f"{hours} h" + (f" {rest} min" if rest else "")


def about(minutes: int) -> str:
    """Return an estimated duration, as trainer notes give it: ≈ 25 min."""
    return f"\u2248 {duration(minutes)}"


def day_title(plan: DayPlan, day_word: str = "Day") -> str:
    """Return the title of a day: its own, else "Day 2"."""
    return plan.day.title or f"{day_word} {plan.number}"


def exercise_title(exercise: m.Exercise, exercise_word: str) -> str:
    """Return the heading of a lab: "Exercise: Build a router (25 min)"."""
    text = f"{exercise_word}: {exercise.title}" if exercise.title else exercise_word
    return f"{text} ({duration(exercise.minutes)})" if exercise.minutes else text



# --- what both outputs show, as model blocks ---------------------------------------------------------


def agenda_title(plan: DayPlan, words: Labels, days: int) -> str:
    """Return the title of a day's agenda: "Agenda", or "Agenda · Day 2" when the course has several days."""
    return words.agenda if days == 1 and not plan.day.title else f"{words.agenda} \u00b7 {day_title(plan, words.day)}"


def agenda_table(plan: DayPlan, words: Labels) -> m.Table:
    """Return a day's agenda as a table: clock times, what is taught (or the break), and for how long."""
    rows = []
    for row in plan.rows:
        what = row.title or (words.lunch if row.kind == "lunch" else words.break_)
        rows.append(((m.Text(span(row.start, row.end)),), (m.Text(what),), (m.Text(duration(row.minutes)),)))
    header = ((m.Text(words.time),), (m.Text(words.topic),), (m.Text(words.duration),))
    return m.Table(header, tuple(rows), ("left", "left", "right"), plan.day.loc)


def objectives_list(chapter: m.Chapter) -> m.BulletList:
    """Return a chapter's objectives as a bullet list."""
    items = tuple(m.ListItem((m.Paragraph(o, chapter.loc),)) for o in chapter.objectives)
    return m.BulletList(items, False, 1, chapter.loc)


def recap_blocks(course: m.Course, deck: bool = False) -> tuple[m.Block, ...]:
    """Return the course recap: each chapter's title in bold, then its objectives again (for the `deck`,
    only the chapters it shows: a handbook-only chapter is not taught from slides)."""
    blocks: list[m.Block] = []
    for chapter in course.chapters:
        if chapter.objectives and not (deck and chapter.handbook_only):
            blocks += [m.Paragraph((m.Strong((m.Text(chapter.title),)),), chapter.loc), objectives_list(chapter)]
    return tuple(blocks)


def summary(course: m.Course) -> list[str]:
    """Return `deckbook check`'s account of the time: minutes per chapter, then per day with clock times."""
    times = timing(course)
    if not any(t.minutes for t in times.chapters) and course.schedule is None:
        return []
    width = max(len(t.chapter.slug) for t in times.chapters)
    lines = ["minutes per chapter:"]
    for t in times.chapters:
        shown = f"{t.minutes:>4} min" if t.minutes else "     (no minutes)"
        lines.append(f"  {t.chapter.slug:<{width}}  {shown}  {t.chapter.title}")
    lines.append(f"  {'total':<{width}}  {sum(t.minutes for t in times.chapters):>4} min")
    days = agenda(course, times)
    if days:
        lines.append("minutes per day:")
    for plan in days:
        verdict = f"{plan.overrun} min over" if plan.overrun else "fits"
        lines.append(f"  {day_title(plan)}: {span(plan.day.start, plan.finish)}, {plan.teaching} min teaching "
                     f"+ {plan.breaks} min breaks; planned end {clock(plan.day.end)}: {verdict}")
    return lines

"""Load a course folder: course.yaml and chapters → a validated `model.Course`, or every problem at once."""

from __future__ import annotations

import datetime as dt
import difflib
import re
from dataclasses import replace
from pathlib import Path
from typing import Annotated, Any
from urllib.parse import unquote

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, StrictInt, field_validator

from .. import epoch, model as m, yamlsrc
from ..errors import ContentError, Diagnostics, Location
from ..paths import VERSION_HINT, confined, slug_problem, version_problem
from . import COURSE_FILE, links, placeholders, text
from .attributes import MAX_MINUTES
from .items import HeadingItem, ParsedChapter
from .markdown import ChapterParser
from .structure import Anchors, build_slides, slide_level

MAX_CHAPTER_BYTES = 4 * 1024 * 1024
MAX_COURSE_FILE_BYTES = 1024 * 1024
MAX_TITLE = 255
"""Characters of a title or subtitle (a .pptx core property holds at most 255)."""
MAX_HEADINGS = 5000
"""Headings in one chapter: each is a slide to lay out; past this, a chapter is data, not a lesson."""
_HEADING = re.compile(r"^ {0,3}#{1,6}(?:[ \t]|$)")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")
"""A language tag as course.yaml accepts it (BCP 47's shape: en, en-GB, de); importers carry over only these."""


def _clock(value: Any) -> dt.time:
    """Return a clock time written as "HH:MM" (24-hour)."""
    match = re.fullmatch(r"(\d{1,2}):(\d{2})", value) if isinstance(value, str) else None
    if match is None or int(match.group(1)) > 23 or int(match.group(2)) > 59:
        raise ValueError('a clock time "HH:MM" (24-hour), e.g. "09:00"')
    return dt.time(int(match.group(1)), int(match.group(2)))


Clock = Annotated[dt.time, BeforeValidator(_clock)]
Minutes = Annotated[StrictInt, Field(gt=0, le=MAX_MINUTES)]


class BreakSpec(BaseModel):
    """A break or lunch in course.yaml's schedule."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    after: str = Field(min_length=1)
    """The chapter file it follows, e.g. 02-auth.md."""
    minutes: Minutes
    title: str = ""
    """What the agenda calls it; default "Break" or "Lunch" in the course's language."""


class DaySpec(BaseModel):
    """One day of course.yaml's schedule."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str = ""
    """Default: "Day N"."""
    start: Clock | None = None
    end: Clock | None = None
    chapters: list[str] | None = None
    """The chapter files taught that day, in course order; default for a one-day course: all of them."""
    breaks: list[BreakSpec] = []
    lunch: BreakSpec | None = None


class ScheduleSpec(BaseModel):
    """course.yaml's `schedule:`: the days, and the start and end every day has unless it says otherwise."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    start: Clock = dt.time(9, 0)
    end: Clock = dt.time(17, 0)
    days: list[DaySpec] = Field(min_length=1)


class CourseSpec(BaseModel):
    """The schema of course.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    subtitle: str = Field("", max_length=MAX_TITLE)
    version: str = "0.1.0"
    """A string: quote it (`version: "1.0"`), or YAML reads 1.10 as the number 1.1."""
    authors: list[str] = []
    organisation: str = ""
    language: str = "en"
    """BCP 47, e.g. en, en-GB, de."""
    theme: str = "default"
    chapters: list[str] | None = None
    """Chapter files in order; default: every *.md in file-name order."""
    slide_level: int | None = Field(None, ge=1, le=6)
    date: dt.date | None = None
    schedule: ScheduleSpec | None = None

    @field_validator("authors", mode="before")
    @classmethod
    def _one_author(cls, value):
        return [value] if isinstance(value, str) else value

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value):
        if isinstance(value, (int, float)):
            raise ValueError(f'write the version as a quoted string, e.g. version: "{value}"')
        return value

    @field_validator("version")
    @classmethod
    def _version_name(cls, value: str) -> str:
        problem = version_problem(value)  # it becomes part of the output files' names
        if problem:
            raise ValueError(f"{problem}; {VERSION_HINT}")
        return value

    @field_validator("date")
    @classmethod
    def _zip_date(cls, value: dt.date | None) -> dt.date | None:
        if value is not None and value > epoch.LAST_DATE:
            raise ValueError(f"a date up to {epoch.LAST_DATE.year} (a .pptx is a ZIP file: ZIP dates end there)")
        return value

    @field_validator("language")
    @classmethod
    def _bcp47(cls, value: str) -> str:
        if not BCP47.match(value):
            raise ValueError("a BCP 47 language tag such as en, en-GB or de")
        return value


def load_course(root: Path, version: str | None = None, diags: Diagnostics | None = None,
                strict: bool = False) -> m.Course:
    """Return the course in folder `root`; raise ContentError listing every problem found.

    Warnings are collected into `diags` (when given) and become errors when `strict`.
    """
    diags = diags if diags is not None else Diagnostics()
    epoch.check()  # fontTools reads it even when the course has a date: check it first
    root = root.resolve()
    course_file = root / COURSE_FILE
    sources: set[Path] = {course_file}
    spec, data = _course_spec(course_file, diags)
    _check_names(root, version, course_file, diags)
    files = _chapter_files(root, spec, data, course_file, diags)
    parsed: list[ParsedChapter] = []
    for path in files:
        content = _read_chapter(path, diags)
        if content is not None:
            sources.add(path)
            parsed.append(ChapterParser(root, path, content, diags, sources).parse())
    if spec is not None and spec.slide_level is not None:
        _check_slide_level(spec.slide_level, parsed, yamlsrc.locate(data, ("slide_level",), course_file), diags)
    level, decided_by = slide_level(parsed)
    if spec is not None and spec.slide_level is not None:
        level, decided_by = spec.slide_level, None
    anchors = Anchors()
    chapters = tuple(_chapter(p, level, anchors, diags) for p in parsed)
    chapters = links.resolve(chapters, parsed, root, diags)
    _check_links(parsed, anchors, diags)
    schedule = _schedule(spec.schedule, data, chapters, course_file, diags) if spec and spec.schedule else None
    diags.raise_if_errors(ContentError, strict)
    assert spec is not None  # a missing spec was reported as an error above
    meta = m.CourseMeta(
        title=spec.title, subtitle=spec.subtitle, version=version or spec.version,
        authors=tuple(spec.authors), organisation=spec.organisation, language=spec.language,
        theme=spec.theme, date=spec.date or epoch.today(),
    )
    return m.Course(root.name, root, meta, chapters, level, tuple(sorted(sources)), slide_level_from=decided_by,
                    schedule=schedule)


def _check_names(root: Path, version: str | None, course_file: Path, diags: Diagnostics) -> None:
    """Report a course folder name or a `--version` that cannot be part of an output file's name."""
    problem = slug_problem(root.name)
    if problem:
        diags.error(Location(course_file), problem, "rename the folder: letters, digits, '-', '_', '.'")
    problem = version_problem(version) if version is not None else ""
    if problem:
        diags.error(Location(course_file), f"--version: {problem}", VERSION_HINT)


def _course_spec(path: Path, diags: Diagnostics) -> tuple[CourseSpec | None, Any]:
    """Return course.yaml validated, and its raw data (for the lines of later errors)."""
    if confined(path, [path.parent]) is None:
        diags.error(Location(path), "course.yaml links outside the course folder",
                    "a course's files must live inside its folder; copy the file in")
        return None, None
    content = text.read(path, diags, MAX_COURSE_FILE_BYTES, "course file")
    if content is None:
        return None, None
    for number, line in enumerate(content.split("\n"), 1):
        placeholders.scan(line, path, number, diags)
    errors_before = len(diags.errors)
    data = yamlsrc.parse(content, path, diags)
    if data is None:
        if len(diags.errors) == errors_before:
            diags.error(Location(path), "course.yaml is empty", "it needs at least a title:")
        return None, None
    if not isinstance(data, dict):
        diags.error(Location(path), "course.yaml must be a mapping of keys to values", "e.g. title: My course")
        return None, None
    return yamlsrc.validate(CourseSpec, data, path, diags, what="course"), data


def _chapter_files(root: Path, spec: CourseSpec | None, data: Any, course_file: Path,
                   diags: Diagnostics) -> list[Path]:
    """Return the chapter files in order: those listed in course.yaml, else every *.md by name."""
    if spec is None or spec.chapters is None:
        # Dot files are editors' lock and backup files (Emacs' .#01-intro.md), not chapters.
        found = sorted(p for p in root.glob("*.md") if p.name.lower() != "readme.md" and not p.name.startswith("."))
        if not found:
            diags.error(Location(course_file), "the course has no chapters",
                        "add Markdown files such as 01-intro.md beside course.yaml")
        return [p for p in found if _chapter_ok(root, p, p.name, Location(p), diags)]
    if not spec.chapters:
        diags.error(yamlsrc.locate(data, ("chapters",), course_file), "chapters: is an empty list",
                    "list the chapter files, or remove the key")
    files: list[Path] = []
    seen: dict[Path, int] = {}
    for i, name in enumerate(spec.chapters):
        loc = yamlsrc.locate(data, ("chapters", i), course_file)
        if not name.strip():
            diags.error(loc, "empty chapter name", "write a file name, e.g. 01-intro.md")
            continue
        path = root / name
        if not _chapter_ok(root, path, name, loc, diags):
            continue
        path = path.resolve()
        if path in seen:
            diags.error(loc, f"chapter '{name}' is listed twice", f"it is already entry {seen[path] + 1} of chapters:")
        else:
            seen[path] = i
            files.append(path)
    return files


def _chapter_ok(root: Path, path: Path, name: str, loc: Location, diags: Diagnostics) -> bool:
    """Return whether chapter `path` is a file inside the course (symbolic links followed); report why not."""
    try:
        real = path.resolve()
        inside = not Path(name).is_absolute() and real.is_relative_to(root)
        kind = "folder" if real.is_dir() else "file" if real.is_file() else ""
    except (OSError, RuntimeError):  # a name too long for the system, a symbolic-link loop
        inside, kind = True, ""
    if not inside:
        diags.error(loc, f"chapter '{name}' lies outside the course folder",
                    "list files inside the course; symbolic links are followed")
    elif kind == "folder":
        diags.error(loc, f"chapter '{name}' is a folder, not a Markdown file", "list the .md files inside it")
    elif kind != "file":
        known = sorted(p.name for p in root.glob("*.md") if not p.name.startswith("."))
        diags.error(loc, f"chapter file '{name}' not found", f"chapter files here: {', '.join(known) or 'none'}")
    return inside and kind == "file"


def _read_chapter(path: Path, diags: Diagnostics) -> str | None:
    content = text.read(path, diags, MAX_CHAPTER_BYTES, "chapter",
                        "split it into several chapters, or include code from files", separators=False)
    if content is not None and content.count("#") > MAX_HEADINGS:
        line = _heading_past_limit(content)
        if line:
            diags.error(Location(path, line), f"more than {MAX_HEADINGS} headings in one chapter",
                        "split it into several chapters")
            return None
    return content


def _heading_past_limit(content: str) -> int:
    """Return the line of heading number MAX_HEADINGS + 1 (ATX headings outside fenced code), else 0.

    Counted before parsing: laying out 100 000 slides would take many minutes before any error.
    """
    count, fence = 0, ""
    for number, line in enumerate(content.split("\n"), 1):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
        elif opened:
            fence = opened.group(1)
        elif _HEADING.match(line):
            count += 1
            if count > MAX_HEADINGS:
                return number
    return 0


def _check_slide_level(level: int, parsed: list[ParsedChapter], loc: Location, diags: Diagnostics) -> None:
    """Report a `slide_level:` that no heading has: every heading would become a section divider."""
    levels = {item.level for p in parsed for item in p.items if isinstance(item, HeadingItem)}
    if levels and level not in levels:
        deepest = max(levels)
        diags.error(loc, f"slide_level: {level}, but no heading in the course has level {level}",
                    f"headings go down to level {deepest}; use slide_level: {deepest} or remove the key")


def _chapter(parsed: ParsedChapter, level: int, anchors: Anchors, diags: Diagnostics) -> m.Chapter:
    slides = build_slides(parsed, level, anchors, diags)
    if parsed.front.notes and slides:
        first = slides[0]
        extra = m.Paragraph((m.Text(parsed.front.notes.strip()),), first.loc)
        slides = (replace(first, notes=(extra, *first.notes)), *slides[1:])  # every other field kept
    titled = next((s for s in slides if s.title), None)
    title = parsed.front.title or (m.plain(titled.title) if titled else parsed.path.stem)
    loc = Location(parsed.path)
    if not slides:
        diags.error(loc, "the chapter is empty", "write at least a heading and some content")
    return m.Chapter(parsed.path.stem, title, parsed.path, slides, parsed.front.handbook_only,
                     parsed.front.slides_only, loc, parsed.front.minutes, parsed.objectives)


def _schedule(spec: ScheduleSpec, data: Any, chapters: tuple[m.Chapter, ...], course_file: Path,
              diags: Diagnostics) -> m.Schedule:
    """Return the schedule with chapter names resolved to chapters; report names that are not, and gaps.

    Days follow the course's chapter order, so each day's agenda slide can open that day in the deck.
    Chapters the deck does not show (`handbook_only`) need not be scheduled.
    """
    by_name = {c.source.name: c.slug for c in chapters} | {c.slug: c.slug for c in chapters}
    order = [c.slug for c in chapters]
    where = lambda *keys: yamlsrc.locate(data, ("schedule", *keys), course_file)  # noqa: E731
    days, seen = [], {}
    for n, day in enumerate(spec.days):
        if day.chapters is None and len(spec.days) > 1:
            diags.error(where("days", n), f"day {n + 1} lists no chapters",
                        "with several days, give each one chapters: [01-intro.md, ...]")
        names = day.chapters if day.chapters is not None else [c.source.name for c in chapters if not c.handbook_only]
        slugs = []
        for i, name in enumerate(names):
            slug = _chapter_ref(name, by_name, where("days", n, "chapters", i), diags)
            if slug is None:
                continue
            if slug in seen:
                diags.error(where("days", n, "chapters", i), f"chapter '{name}' is scheduled twice",
                            f"it is already on day {seen[slug] + 1}")
                continue
            seen[slug] = n
            slugs.append(slug)
        breaks = []
        for key, kind, items in (("breaks", "break", day.breaks), ("lunch", "lunch", [day.lunch] if day.lunch else [])):
            for i, item in enumerate(items):
                keys = ("days", n, key, i) if kind == "break" else ("days", n, key)
                slug = _chapter_ref(item.after, by_name, where(*keys, "after"), diags)
                if slug is not None and slug not in slugs:
                    diags.error(where(*keys, "after"), f"{kind} after '{item.after}', which is not taught on day {n + 1}",
                                f"day {n + 1} has: {', '.join(slugs) or 'no chapters'}")
                elif slug is not None:
                    breaks.append(m.Break(slug, item.minutes, kind, item.title, where(*keys)))  # type: ignore[arg-type]
        start, end = day.start or spec.start, day.end or spec.end
        if end <= start:
            diags.error(where("days", n), f"day {n + 1} ends ({end:%H:%M}) before it starts ({start:%H:%M})",
                        "give end: a later time than start:")
        days.append(m.Day(day.title, start, end, tuple(slugs), tuple(breaks), where("days", n)))
    scheduled = [slug for d in days for slug in d.chapters]
    if scheduled != [slug for slug in order if slug in seen]:
        diags.error(where("days"), "the schedule does not follow the course's chapter order",
                    f"schedule the chapters in the order the course has them: {', '.join(order)}")
    for chapter in chapters:
        if chapter.slug not in seen and not chapter.handbook_only:
            diags.error(where("days"), f"chapter '{chapter.source.name}' is on no day of the schedule",
                        "add it to a day's chapters:, or mark it handbook_only: true")
    return m.Schedule(tuple(days))


def _chapter_ref(name: str, by_name: dict[str, str], loc: Location, diags: Diagnostics) -> str | None:
    """Return the slug of the chapter file `name` (or slug) names; report a name that is no chapter."""
    if name in by_name:
        return by_name[name]
    close = difflib.get_close_matches(name, sorted(by_name), n=1)
    diags.error(loc, f"'{name}' is not a chapter of the course",
                f"did you mean '{close[0]}'?" if close else f"chapters: {', '.join(sorted(by_name))}")
    return None


def _check_links(parsed: list[ParsedChapter], anchors: Anchors, diags: Diagnostics) -> None:
    known = set()
    for base, count in anchors.seen.items():
        known.add(base)
        known.update(f"{base}-{i}" for i in range(1, count))
    for chapter in parsed:
        for target, loc in chapter.links:
            if target.startswith("#") and unquote(target[1:]) not in known:
                close = difflib.get_close_matches(unquote(target[1:]), sorted(known), n=1)
                diags.error(loc, f"broken cross-reference '{target}'",
                            f"did you mean '#{close[0]}'?" if close else "link to a heading's anchor, e.g. #error-handling")
            elif links.problem(target):
                diags.error(loc, links.problem(target), links.HINT)

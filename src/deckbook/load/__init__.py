"""Load a course folder: course.yaml and chapters → a validated `model.Course`, or every problem at once."""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from .. import model as m, yamlsrc
from ..errors import ContentError, Diagnostics, Location
from . import placeholders
from .markdown import ChapterParser, ParsedChapter
from .structure import Anchors, build_slides, slide_level

COURSE_FILE = "course.yaml"
MAX_CHAPTER_BYTES = 4 * 1024 * 1024
_BCP47 = re.compile(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$")


class CourseSpec(BaseModel):
    """The schema of course.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str = Field(min_length=1)
    subtitle: str = ""
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

    @field_validator("language")
    @classmethod
    def _bcp47(cls, value: str) -> str:
        if not _BCP47.match(value):
            raise ValueError("a BCP 47 language tag such as en, en-GB or de")
        return value


def find_course(ref: str | Path, content_dir: Path = Path("content")) -> Path:
    """Return the course folder for a slug under content/ or a path to a course folder."""
    path = Path(ref)
    for candidate in (path, content_dir / path):
        if (candidate / COURSE_FILE).is_file():
            return candidate.resolve()
    raise ContentError([_no_course(path, content_dir)])


def _no_course(path: Path, content_dir: Path):
    from ..errors import Diagnostic

    known = sorted(p.name for p in content_dir.glob("*") if (p / COURSE_FILE).is_file()) if content_dir.is_dir() else []
    hint = f"courses under {content_dir}/: {', '.join(known)}" if known else "a course folder holds a course.yaml"
    return Diagnostic(Location(path), f"no {COURSE_FILE} found for course '{path}'", hint)


def load_course(root: Path, version: str | None = None, diags: Diagnostics | None = None,
                strict: bool = False) -> m.Course:
    """Return the course in folder `root`; raise ContentError listing every problem found.

    Warnings are collected into `diags` (when given) and become errors when `strict`.
    """
    diags = diags if diags is not None else Diagnostics()
    root = root.resolve()
    course_file = root / COURSE_FILE
    sources: set[Path] = {course_file}
    spec = _course_spec(course_file, diags)
    files = _chapter_files(root, spec, course_file, diags)
    parsed: list[ParsedChapter] = []
    for path in files:
        text = _read_chapter(path, diags)
        if text is not None:
            sources.add(path)
            parsed.append(ChapterParser(root, path, text, diags, sources).parse())
    level = (spec.slide_level if spec else None) or slide_level(parsed)
    anchors = Anchors()
    chapters = tuple(_chapter(p, level, anchors, diags) for p in parsed)
    _check_links(parsed, anchors, diags)
    diags.raise_if_errors(ContentError, strict)
    assert spec is not None  # a missing spec was reported as an error above
    meta = m.CourseMeta(
        title=spec.title, subtitle=spec.subtitle, version=version or spec.version,
        authors=tuple(spec.authors), organisation=spec.organisation, language=spec.language,
        theme=spec.theme, date=spec.date or _default_date(),
    )
    return m.Course(root.name, root, meta, chapters, level, tuple(sorted(sources)))


def _course_spec(path: Path, diags: Diagnostics) -> CourseSpec | None:
    text = _read_text(path, diags)
    if text is None:
        return None
    for number, line in enumerate(text.split("\n"), 1):
        placeholders.scan(line, path, number, diags)
    data = yamlsrc.parse(text, path, diags)
    if data is None and not diags.errors:
        diags.error(Location(path), "course.yaml is empty", "it needs at least a title:")
        return None
    if data is not None and not isinstance(data, dict):
        diags.error(Location(path), "course.yaml must be a mapping of keys to values", "e.g. title: My course")
        return None
    return yamlsrc.validate(CourseSpec, data, path, diags, what="course") if data is not None else None


def _chapter_files(root: Path, spec: CourseSpec | None, course_file: Path, diags: Diagnostics) -> list[Path]:
    if spec is None or spec.chapters is None:
        files = sorted(p for p in root.glob("*.md") if p.name.lower() != "readme.md")
        if not files:
            diags.error(Location(course_file), "the course has no chapters",
                        "add Markdown files (e.g. 01-intro.md) beside course.yaml")
        return files
    files = []
    seen: dict[Path, int] = {}
    for i, name in enumerate(spec.chapters):
        loc = Location(course_file, _chapter_line(course_file, name))
        path = (root / name).resolve()
        if not path.is_relative_to(root.resolve()):
            diags.error(loc, f"chapter '{name}' lies outside the course folder", "list files inside the course")
        elif not path.is_file():
            close = sorted(p.name for p in root.glob("*.md"))
            diags.error(loc, f"chapter file '{name}' not found", f"chapter files here: {', '.join(close) or 'none'}")
        elif path in seen:
            diags.error(loc, f"chapter '{name}' is listed twice", f"it is already entry {seen[path] + 1} of chapters:")
        else:
            seen[path] = i
            files.append(path)
    if not spec.chapters:
        diags.error(Location(course_file), "chapters: is an empty list", "list the chapter files, or remove the key")
    return files


def _chapter_line(course_file: Path, name: str) -> int:
    for number, line in enumerate(course_file.read_text(encoding="utf-8", errors="replace").split("\n"), 1):
        if name in line and line.lstrip().startswith("-"):
            return number
    return 1


def _read_text(path: Path, diags: Diagnostics) -> str | None:
    """Return a source file's text after checking encoding and line ends (every problem reported)."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        diags.error(Location(path), f"cannot read file: {exc.strerror}")
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        diags.warning(Location(path), "file starts with a UTF-8 byte-order mark", "it is ignored; save without BOM")
        raw = raw[3:]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        col = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        diags.error(Location(path, line, col), f"invalid UTF-8 (byte 0x{raw[exc.start]:02x})", "save the file as UTF-8")
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text


def _read_chapter(path: Path, diags: Diagnostics) -> str | None:
    try:
        if path.stat().st_size > MAX_CHAPTER_BYTES:
            diags.error(Location(path), f"chapter is larger than {MAX_CHAPTER_BYTES // (1024 * 1024)} MiB",
                        "split it into several chapters, or include code from files")
            return None
    except OSError as exc:
        diags.error(Location(path), f"cannot read file: {exc.strerror}")
        return None
    return _read_text(path, diags)


def _chapter(parsed: ParsedChapter, level: int, anchors: Anchors, diags: Diagnostics) -> m.Chapter:
    slides = build_slides(parsed, level, anchors, diags)
    if parsed.front.notes and slides:
        first = slides[0]
        extra = m.Paragraph((m.Text(parsed.front.notes.strip()),), first.loc)
        slides = (m.Slide(first.kind, first.level, first.title, first.anchor, first.blocks,
                          (extra, *first.notes), first.loc), *slides[1:])
    titled = next((s for s in slides if s.title), None)
    title = parsed.front.title or (m.plain(titled.title) if titled else parsed.path.stem)
    loc = Location(parsed.path)
    if not slides:
        diags.error(loc, "the chapter is empty", "write at least a heading and some content")
    if parsed.front.handbook_only and parsed.front.slides_only:
        diags.error(Location(parsed.path, 2), "a chapter cannot be both handbook_only and slides_only")
    return m.Chapter(parsed.path.stem, title, parsed.path, slides, parsed.front.handbook_only,
                     parsed.front.slides_only, loc)


def _check_links(parsed: list[ParsedChapter], anchors: Anchors, diags: Diagnostics) -> None:
    known = set()
    for base, count in anchors.seen.items():
        known.add(base)
        known.update(f"{base}-{i}" for i in range(1, count))
    for chapter in parsed:
        for target, loc in chapter.links:
            if target.startswith("#") and target[1:] not in known:
                close = difflib.get_close_matches(target[1:], sorted(known), n=1)
                diags.error(loc, f"broken cross-reference '{target}'",
                            f"did you mean '#{close[0]}'?" if close else "link to a heading's anchor, e.g. #error-handling")
            elif re.match(r"^(file|data|javascript):", target, re.I):
                diags.error(loc, f"link '{target}' is not allowed", "link to a heading (#anchor) or a web address")


def _default_date() -> dt.date:
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.isdigit():
        return dt.datetime.fromtimestamp(int(epoch), dt.timezone.utc).date()
    return dt.date.today()

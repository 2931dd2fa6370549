"""The document tree: Course → Chapter → Slide → Block → Inline, frozen, with no I/O and no formatting.

Both renderers walk this tree; neither reads Markdown. Formatting (sizes, colours, fonts) lives in the
theme, never here. `dump()` prints the tree as indented text, like `pandoc -t native`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Literal, Union

from .errors import Location

# --- inlines -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Text:
    """Plain text."""

    text: str


@dataclass(frozen=True, slots=True)
class Code:
    """Inline code."""

    text: str


@dataclass(frozen=True, slots=True)
class Strong:
    """Bold text."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Emph:
    """Italic text."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Strike:
    """Struck-through text."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Link:
    """A hyperlink; `target` is a URL, or `#anchor` for a cross-reference to a heading."""

    children: tuple[Inline, ...]
    target: str


@dataclass(frozen=True, slots=True)
class LineBreak:
    """A hard line break."""


@dataclass(frozen=True, slots=True)
class Math:
    """Inline math (`$…$`), as the author wrote it in TeX (checked by the loader)."""

    tex: str


@dataclass(frozen=True, slots=True)
class Kbd:
    """A key or key combination to press (`<kbd>Ctrl</kbd>`)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Sub:
    """Subscript (`H<sub>2</sub>O`)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Sup:
    """Superscript (`x<sup>2</sup>`)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Mark:
    """Highlighted text (`<mark>`)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Underline:
    """Underlined text (`<u>`)."""

    children: tuple[Inline, ...]


@dataclass(frozen=True, slots=True)
class Abbr:
    """An abbreviation with its expansion (`<abbr title="…">`)."""

    children: tuple[Inline, ...]
    title: str


@dataclass(frozen=True, slots=True)
class FootnoteRef:
    """A footnote: its number in the chapter where it is referenced, and its text."""

    number: int
    note: tuple[Inline, ...]


Inline = Union[Text, Code, Strong, Emph, Strike, Link, LineBreak, Kbd, Sub, Sup, Mark, Underline, Abbr, FootnoteRef,
               Math]
Inlines = tuple[Inline, ...]
INLINE_TYPES: tuple[type, ...] = (Text, Code, Strong, Emph, Strike, Link, LineBreak, Kbd, Sub, Sup, Mark, Underline,
                                  Abbr, FootnoteRef, Math)
"""Every inline type; each renderer must handle all of them (tests enforce it)."""


def plain(inlines: Inlines) -> str:
    """Return the text of `inlines` with all markup dropped."""
    out: list[str] = []
    for node in inlines:
        if isinstance(node, (Text, Code)):
            out.append(node.text)
        elif isinstance(node, Math):
            out.append(node.tex)
        elif isinstance(node, LineBreak):
            out.append(" ")
        elif isinstance(node, FootnoteRef):
            continue  # the note is not part of the text it annotates
        else:
            out.append(plain(node.children))
    return "".join(out)


# --- blocks --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Heading:
    """A heading below the slide level (a sub-heading on a slide, a numbered heading in the handbook)."""

    level: int
    children: Inlines
    anchor: str
    loc: Location


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph of inline content."""

    children: Inlines
    loc: Location


@dataclass(frozen=True, slots=True)
class ListItem:
    """One item of a list; may hold nested blocks (paragraphs, nested lists, code).

    `checked` is True or False for a task list item (`- [x]`, `- [ ]`), None for an ordinary one.
    """

    blocks: tuple[Block, ...]
    checked: bool | None = None


@dataclass(frozen=True, slots=True)
class BulletList:
    """A bullet list, or a numbered one when `ordered` (then starting at `start`)."""

    items: tuple[ListItem, ...]
    ordered: bool
    start: int
    loc: Location


@dataclass(frozen=True, slots=True)
class Table:
    """A GFM table; `align` per column is "left", "center", "right" or "" (default)."""

    header: tuple[Inlines, ...]
    rows: tuple[tuple[Inlines, ...], ...]
    align: tuple[str, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class Image:
    """An image file inside the course (already resolved and checked by the loader)."""

    path: Path
    alt: str
    title: str
    loc: Location
    width: int | None = None  # the width the author asked for (`<img width="300">`), in CSS pixels


#: Code block attributes of mdBook and rustdoc info strings (```` ```rust,editable,compile_fail ````).
CODE_ATTRIBUTES = ("compile_fail", "should_panic", "ignore", "no_run", "editable")


@dataclass(frozen=True, slots=True)
class CodeBlock:
    """Source code; `linenums` is the first line number, or None for no numbers.

    `attributes` holds the mdBook/rustdoc attributes of the info string (see CODE_ATTRIBUTES) and the
    error codes a `compile_fail` block must fail with (`E0382`); a `compile_fail` block is shown as code
    that does not compile. `program` is the code as a compiler
    sees it when rustdoc's hidden lines (`# use …;`) are not shown, else "" (then it is `code`).
    """

    code: str
    language: str  # a Pygments lexer name, or "" for plain text
    title: str
    hl_lines: frozenset[int]  # 1-based positions within `code`
    linenums: int | None
    source: Path | None  # the included file, when the code came from `include=`
    loc: Location
    attributes: frozenset[str] = frozenset()
    program: str = ""

    @property
    def lines(self) -> list[str]:
        return self.code.split("\n")

    @property
    def compile_fail(self) -> bool:
        return "compile_fail" in self.attributes

    @property
    def compiled(self) -> str:
        """Return the code a compiler is given: hidden lines included."""
        return self.program or self.code


@dataclass(frozen=True, slots=True)
class MathBlock:
    """Display math (`$$…$$`), in TeX (checked by the loader): a line of its own in both outputs."""

    tex: str
    loc: Location


@dataclass(frozen=True, slots=True)
class BlockQuote:
    """A quotation."""

    blocks: tuple[Block, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class Callout:
    """A `::: tip`, `::: note` or `::: warning` box."""

    kind: Literal["tip", "note", "warning"]
    title: str  # optional title after the kind (`::: tip Remember`), else ""
    blocks: tuple[Block, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class Only:
    """Content for one output only: `::: handbook` or `::: slides`."""

    target: Literal["handbook", "slides"]
    blocks: tuple[Block, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class Columns:
    """`:::: columns` with its `::: column` blocks: side by side on a slide, stacked in the handbook."""

    columns: tuple[tuple[Block, ...], ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class Answer:
    """A leaf of a decision tree."""

    text: str


@dataclass(frozen=True, slots=True)
class Question:
    """An inner node of a decision tree, with a branch for yes and one for no."""

    text: str
    yes: Question | Answer
    no: Question | Answer


@dataclass(frozen=True, slots=True)
class DecisionTree:
    """A ```` ```decision-tree ```` block: drawn as shapes (deck) and as a vector drawing (handbook)."""

    root: Question | Answer
    title: str
    loc: Location


@dataclass(frozen=True, slots=True)
class MetricRow:
    """One measured quantity before and after a change."""

    name: str
    before: float
    after: float


@dataclass(frozen=True, slots=True)
class Metrics:
    """A ```` ```metrics ```` block: measured values before → after; the improvement is computed."""

    title: str
    unit: str
    lower_is_better: bool
    rows: tuple[MetricRow, ...]
    before_label: str
    after_label: str
    caption: str  # where the numbers come from: machine, date, command
    loc: Location

    def improvement(self, row: MetricRow) -> float:
        """Return the relative improvement of `row` in percent (positive is better)."""
        if row.before == 0:
            return 0.0
        change = (row.after - row.before) / abs(row.before) * 100.0
        return -change if self.lower_is_better else change

    def factor(self, row: MetricRow) -> float | None:
        """Return how many times better `after` is than `before` (None when undefined)."""
        good, bad = (row.before, row.after) if self.lower_is_better else (row.after, row.before)
        return good / bad if bad else None


@dataclass(frozen=True, slots=True)
class Definition:
    """One term of a definition list and its definitions (each a sequence of blocks)."""

    term: Inlines
    definitions: tuple[tuple[Block, ...], ...]


@dataclass(frozen=True, slots=True)
class DefinitionList:
    """Terms and their definitions (`Term` then `: Definition`, pandoc and PHP Markdown Extra)."""

    items: tuple[Definition, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class Exercise:
    """A `::: exercise` lab: the task everyone sees, and the `::: solution` inside it.

    The solution is for the trainer (hidden slides, trainer handbook) and for the solutions handout;
    the student handbook never shows it. `minutes` is the time the lab takes, or None when not given.
    """

    title: str
    minutes: int | None
    blocks: tuple[Block, ...]
    solution: tuple[Block, ...]
    loc: Location


Block = Union[
    Heading, Paragraph, BulletList, Table, Image, CodeBlock, BlockQuote,
    Callout, Only, Columns, DecisionTree, Metrics, DefinitionList, MathBlock, Exercise,
]

#: Every block type; each renderer must handle all of them (tests enforce it).
BLOCK_TYPES: tuple[type, ...] = (
    Heading, Paragraph, BulletList, Table, Image, CodeBlock, BlockQuote,
    Callout, Only, Columns, DecisionTree, Metrics, DefinitionList, MathBlock, Exercise,
)

# --- structure -----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Slide:
    """A unit of the deck and a (sub)section of the handbook.

    `kind` is "section" for a heading above the slide level (a section divider in the deck), "content"
    for a heading at the slide level or a `---` break (then `title` may be empty and `level` is 0).
    `notes` collects the slide's `::: notes` blocks; `layout` names a slide layout of the deck's template
    chosen by the author (`## Title {layout="Two Content"}`), or is "" for the theme's choice.
    `minutes` is the teaching time the author gave the heading (`{minutes=10}`): for a section, the
    whole section; None when not given (then its parts' minutes add up).
    """

    kind: Literal["section", "content"]
    level: int
    title: Inlines
    anchor: str
    blocks: tuple[Block, ...]
    notes: tuple[Block, ...]
    loc: Location
    layout: str = ""
    minutes: int | None = None


@dataclass(frozen=True, slots=True)
class Chapter:
    """One Markdown file of the course.

    `minutes` is the teaching time of the whole chapter from its front matter (None: its slides' minutes
    add up); `objectives` are what attendees can do after it, one sentence each.
    """

    slug: str
    title: str
    source: Path
    slides: tuple[Slide, ...]
    handbook_only: bool
    slides_only: bool
    loc: Location
    minutes: int | None = None
    objectives: tuple[Inlines, ...] = ()


@dataclass(frozen=True, slots=True)
class Break:
    """A break in a day's schedule, after a chapter: a coffee break, or lunch."""

    after: str  # the slug of the chapter it follows
    minutes: int
    kind: Literal["break", "lunch"]
    title: str  # "" for the label of its kind
    loc: Location


@dataclass(frozen=True, slots=True)
class Day:
    """One teaching day: when it starts and should end, its chapters in order, and its breaks."""

    title: str  # "" for "Day N"
    start: dt.time
    end: dt.time
    chapters: tuple[str, ...]  # chapter slugs
    breaks: tuple[Break, ...]
    loc: Location


@dataclass(frozen=True, slots=True)
class Schedule:
    """course.yaml's `schedule:` — the days the course is taught in."""

    days: tuple[Day, ...]


@dataclass(frozen=True, slots=True)
class CourseMeta:
    """The validated contents of course.yaml."""

    title: str
    subtitle: str
    version: str
    authors: tuple[str, ...]
    organisation: str
    language: str
    theme: str
    date: dt.date


@dataclass(frozen=True, slots=True)
class Course:
    """A whole course: metadata, chapters in order, and the slide level in force."""

    slug: str
    root: Path
    meta: CourseMeta
    chapters: tuple[Chapter, ...]
    slide_level: int
    sources: tuple[Path, ...] = field(default=())  # every file read, for caches and watch
    #: The heading that decided an inferred slide level (the first at that level directly followed by
    #: content); None when course.yaml sets `slide_level` or no heading is followed by content.
    slide_level_from: Location | None = None
    schedule: Schedule | None = None

    @property
    def exercises(self) -> list[Exercise]:
        """Return every exercise of the course, in order."""
        return [b for c in self.chapters for s in c.slides for b in s.blocks if isinstance(b, Exercise)]


# --- dump ----------------------------------------------------------------------------------------


def dump(node: object, root: Path | None = None) -> str:
    """Return `node` as indented text: one line per node, fields in declaration order.

    Paths are shown relative to `root`, locations as `line:col`, so the text is stable across machines.
    """
    lines: list[str] = []
    _dump(node, 0, lines, root)
    return "\n".join(lines) + "\n"


def _dump(node: object, depth: int, out: list[str], root: Path | None, label: str = "") -> None:
    pad = "  " * depth + (f"{label}: " if label else "")
    if isinstance(node, tuple) and not node:
        return
    if isinstance(node, tuple) and _is_inlines(node):
        out.append(pad + _inline_text(node))
        return
    if isinstance(node, tuple):
        if label:
            out.append(pad.rstrip())
        for child in node:
            if isinstance(child, tuple) and child and not _is_inlines(child):
                out.append("  " * (depth + 1) + "-")  # a row of a table, a column of columns
                _dump(child, depth + 2, out, root)
            else:
                _dump(child, depth + (1 if label else 0), out, root)
        return
    if not hasattr(node, "__dataclass_fields__"):
        out.append(pad + _scalar(node, root))
        return
    scalars, children = [], []
    for f in fields(node):  # type: ignore[arg-type]
        value = getattr(node, f.name)
        if f.name in ("sources", "slide_level_from") or (f.name in _QUIET and value == f.default):
            continue
        if isinstance(value, Location):
            scalars.append(f"@{value.line}:{value.col}")
        elif isinstance(value, tuple) and value and not all(isinstance(v, str) for v in value):
            children.append((f.name, value))
        elif hasattr(value, "__dataclass_fields__") and not isinstance(value, Path):
            children.append((f.name, value))
        else:
            scalars.append(f"{f.name}={_scalar(value, root)}")
    out.append(pad + type(node).__name__ + (" " + " ".join(scalars) if scalars else ""))
    for name, value in children:
        _dump(value, depth + 1, out, root, name)


#: Optional fields the dump shows only when they hold something (most blocks never set them).
_QUIET = frozenset({"attributes", "program", "width", "checked", "slide_level_from", "minutes", "objectives",
                    "schedule"})


def _is_inlines(value: tuple) -> bool:
    return all(isinstance(n, INLINE_TYPES) for n in value)


def _scalar(value: object, root: Path | None) -> str:
    if isinstance(value, Path):
        if root is not None:
            try:
                return value.relative_to(root).as_posix()
            except ValueError:
                pass
        return value.as_posix()
    if isinstance(value, (dt.date, dt.time)):
        return value.isoformat()
    if isinstance(value, frozenset):
        return "{" + ",".join(str(v) for v in sorted(value)) + "}"
    return repr(value)


def _inline_text(inlines: Inlines) -> str:
    parts = []
    for n in inlines:
        if isinstance(n, Text):
            parts.append(repr(n.text))
        elif isinstance(n, Code):
            parts.append(f"Code {n.text!r}")
        elif isinstance(n, Math):
            parts.append(f"Math {n.tex!r}")
        elif isinstance(n, LineBreak):
            parts.append("LineBreak")
        elif isinstance(n, Link):
            parts.append(f"Link[{_inline_text(n.children)}]({n.target})")
        elif isinstance(n, Abbr):
            parts.append(f"Abbr[{_inline_text(n.children)}]({n.title!r})")
        elif isinstance(n, FootnoteRef):
            parts.append(f"FootnoteRef {n.number}[{_inline_text(n.note)}]")
        else:
            parts.append(f"{type(n).__name__}[{_inline_text(n.children)}]")
    return " ".join(parts)

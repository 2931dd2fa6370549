"""Model → HTML for the handbook: the outline (numbers, contents, anchors), one writer per block type.

Two passes over the same sequence of slides: `_Outline` numbers every heading (so a cross-reference can
name a heading that comes later), then `_Writer` turns blocks into HTML through `_BLOCKS`, a table keyed
by block type; a block type missing from the table is an error, never skipped. The HTML carries classes
only; `handbook.css` in the theme says what they look like.
"""

from __future__ import annotations

import base64
import math
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import Callable, Mapping
from urllib.parse import quote

from html import unescape

from markupsafe import Markup, escape

from ... import highlight
from ...errors import Diagnostics, Location, RenderError
from ...model import (
    BlockQuote, BulletList, Callout, Chapter, Code, CodeBlock, Columns, Course, DecisionTree, DefinitionList, Emph,
    Exercise, FootnoteRef, Heading, Image, Inline, Inlines, Kbd, LineBreak, Link, ListItem, Mark, Math, MathBlock,
    Metrics, Only, Paragraph, Slide, Strike, Strong, Sub, Sup, Table, Text, Underline, Abbr, plain,
)
from . import svg
from ..common import alt, codewrap, fontchain, mathtex
from ..common.labels import Labels
from ..common.numbers import change, quantity
from ..common import teaching
from ..common.teaching import exercise_title

RECAP_ANCHOR = "course-recap"  # the handbook's last chapter: every chapter's objectives again
WRAP_MARK = "\u21aa"  # ↪ starts the continuation of a code line that was too long for the page


# --- layout facts ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Insets:
    """Horizontal space (points) each container takes from its content; the CSS receives the same values.

    The writer needs them to know how many code columns fit inside a list, callout or notes box.
    """

    code_pad: float = 6.0  # code box padding, each side
    code_border: float = 0.75  # code box border, each side
    list_indent: float = 16.0
    callout_bar: float = 3.0  # left rule of a callout
    callout_pad: float = 8.0  # callout padding, each side
    quote_bar: float = 2.0
    quote_pad: float = 10.0
    notes_border: float = 0.75
    notes_pad: float = 8.0
    cell_pad: float = 5.0  # table cell padding, each side

    @property
    def callout(self) -> float:
        return self.callout_bar + 2 * self.callout_pad

    @property
    def quote(self) -> float:
        return self.quote_bar + self.quote_pad

    @property
    def notes(self) -> float:
        return 2 * (self.notes_border + self.notes_pad)


@dataclass(frozen=True)
class Layout:
    """What the writer must know about the page (points): to pre-wrap code and to size drawings."""

    text_width: float
    code_size: float
    code_advance: float  # em, of the monospace font
    toc_depth: int  # headings down to this depth are numbered, in the contents and in the bookmarks
    keep_lines: int  # code blocks of at most this many rows never break across pages
    table_size: float
    pygments_style: str
    drawing: svg.Style  # its `measure` (the widest body face) also measures table words
    insets: Insets = Insets()
    body_size: float = 10.0  # math is typeset at this size

    def code_columns(self, inset: float) -> int:
        """Return how many monospace columns fit in a code box inside containers taking `inset`."""
        inner = self.text_width - inset - 2 * (self.insets.code_pad + self.insets.code_border)
        return max(16, math.floor(inner / (self.code_size * self.code_advance) - 1e-6))


# --- the outline -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A place a cross-reference can point at: a heading (numbered or not) or an untitled slide."""

    anchor: str
    number: str  # "1.2.3", or "" when unnumbered
    depth: int


@dataclass(frozen=True)
class TocEntry:
    """One line of the contents (and one PDF bookmark)."""

    anchor: str
    number: str
    title: Markup
    depth: int
    href: str = ""  # where the line links to: "#anchor" in one document, else see `resolve_xrefs`
    page: str = ""  # the page number as text, when known before layout ("": the CSS counts it)


@dataclass(frozen=True)
class ChapterFacts:
    """What one chapter's HTML defines and needs: for laying chapters out as documents of their own."""

    ids: frozenset[str]  # the anchors (element ids) it holds
    refs: frozenset[str]  # the anchors its cross-references point at
    files: frozenset[Path]  # the course files it shows (images)


@dataclass(frozen=True)
class Body:
    """The handbook's content as HTML, for the template to place."""

    toc: tuple[TocEntry, ...]
    chapters: tuple[Markup, ...]
    files: dict[Path, Location] = field(default_factory=dict)  # every file the HTML refers to
    facts: tuple[ChapterFacts, ...] = ()  # one per chapter
    schedule: Markup = Markup("")  # the schedule page's content ("" without a schedule)


def handbook_slides(course: Course) -> list[Slide]:
    """Return the slides the handbook shows, with a chapter heading for files that start below level 1.

    A chapter of the handbook starts at every level-1 slide; a Markdown file whose first slide is deeper
    gets a level-1 heading made from its title, so every file opens a numbered chapter.
    """
    slides: list[Slide] = []
    for chapter in course.chapters:
        if chapter.slides_only:
            continue
        if not chapter.slides or chapter.slides[0].level != 1:
            slides.append(Slide("section", 1, (Text(chapter.title or chapter.slug),),
                                f"chapter-{chapter.slug}", (), (), chapter.loc))
        slides.extend(chapter.slides)
    return slides


def solution_slides(course: Course) -> list[Slide]:
    """Return the slides of the solutions handout: per chapter with labs, its title and its exercises."""
    slides = []
    for chapter in course.chapters:
        labs = tuple(b for s in chapter.slides for b in s.blocks if isinstance(b, Exercise))
        if labs:
            anchor = next((s.anchor for s in chapter.slides if s.anchor), chapter.slug)
            slides.append(Slide("section", 1, (Text(chapter.title),), anchor, labs, (), chapter.loc))
    return slides


class _Outline:
    """Heading numbers and anchors, computed before any HTML so references can point forward."""

    def __init__(self, toc_depth: int, trainer: bool, diags: Diagnostics, solutions: bool = False):
        self.toc_depth = toc_depth
        self.trainer = trainer
        self.solutions = solutions
        self.diags = diags
        self.counters: list[int] = []
        self.numbered: list[tuple[object, Target]] = []
        self.targets: dict[int, Target] = {}  # id(Slide or Heading) → target
        self.anchors: dict[str, Target] = {}

    def scan(self, slides: list[Slide]) -> None:
        for slide in slides:
            if slide.level > 0 and slide.title:
                self._heading(slide, slide.level, slide.anchor, slide.loc, structural=True)
            elif slide.anchor:
                self._add(slide, Target(slide.anchor, "", 0), slide.loc)
            self._blocks(slide.blocks, structural=True)
            if self.trainer:
                self._blocks(slide.notes, structural=False)

    def _blocks(self, blocks, structural: bool) -> None:
        for block in blocks:
            if isinstance(block, Heading):
                self._heading(block, block.level, block.anchor, block.loc, structural)
            elif isinstance(block, Only):
                if block.target == "handbook":
                    self._blocks(block.blocks, structural)
            elif isinstance(block, Columns):
                for column in block.columns:
                    self._blocks(column, structural)
            elif isinstance(block, (Callout, BlockQuote)):
                self._blocks(block.blocks, structural=False)
            elif isinstance(block, Exercise):
                self._blocks(block.blocks, structural=False)
                if self.solutions:
                    self._blocks(block.solution, structural=False)
            elif isinstance(block, BulletList):
                for item in block.items:
                    self._blocks(item.blocks, structural=False)

    def _heading(self, node: object, level: int, anchor: str, loc: Location, structural: bool) -> None:
        """Number a heading: its depth is its level, but never more than one below the previous one."""
        depth = min(level, len(self.counters) + 1) if structural else max(level, 2)
        number = ""
        if structural and depth <= self.toc_depth:
            del self.counters[depth:]
            if len(self.counters) < depth:
                self.counters.append(1)
            else:
                self.counters[-1] += 1
            number = ".".join(map(str, self.counters))
        target = Target(anchor, number, depth)
        self._add(node, target, loc)
        if number:
            self.numbered.append((node, target))

    def _add(self, node: object, target: Target, loc: Location) -> None:
        self.targets[id(node)] = target
        if not target.anchor:
            return
        if target.anchor in self.anchors:
            self.diags.error(loc, f"anchor '#{target.anchor}' is used twice",
                             "give one of the headings an explicit, unique id")
        self.anchors[target.anchor] = target


# --- the writer --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Env:
    """Where a block sits: how much width its containers take, and whether its headings are numbered."""

    inset: float = 0.0
    structural: bool = False
    lead: bool = False  # a paragraph introducing the figure, code or table after it: kept with it


class _Writer:
    """The HTML writer: turns slides, blocks and inlines into markup, collecting problems on the way."""

    def __init__(self, course: Course, layout: Layout, words: Labels, outline: _Outline, trainer: bool,
                 diags: Diagnostics, solutions: bool = False, minutes: Mapping[int, int] | None = None):
        self.root = course.root
        self.layout = layout
        self.words = words
        self.outline = outline
        self.trainer = trainer  # speaker notes and teaching times are shown
        self.solutions = solutions  # exercises show their solutions
        self.handout = solutions and not trainer  # the solutions handout: links may point at the handbook
        self.minutes = minutes or {}  # id(Slide) → its teaching time (trainer edition)
        self.diags = diags
        self.files: dict[Path, Location] = {}
        # What the chapter being written defines and needs (see `facts`).
        self.ids: set[str] = set()
        self.refs: set[str] = set()
        self.used: set[Path] = set()
        self.loc = Location(course.root)
        # The footnotes referenced in the slide being written, listed at its end; ids count slides.
        self.footnotes: dict[int, Inlines] = {}
        self.slides = 0

    def facts(self) -> ChapterFacts:
        """Return what was written since the last call (one chapter's anchors, references, files), and reset."""
        facts = ChapterFacts(frozenset(self.ids), frozenset(self.refs), frozenset(self.used))
        self.ids, self.refs, self.used = set(), set(), set()
        return facts

    # -- structure --

    def slide(self, slide: Slide) -> str:
        target = self.outline.targets.get(id(slide))
        parts = []
        if slide.level > 0 and slide.title:
            assert target is not None
            parts.append(self.heading(target, slide.title))
            if self.trainer and self.minutes.get(id(slide)):
                parts.append(f'<p class="minutes">{escape(teaching.about(self.minutes[id(slide)]))}</p>')
        elif slide.anchor:
            self.ids.add(slide.anchor)
            parts.append(f'<div class="anchor" id="{escape(slide.anchor)}"></div>')
        parts.append(self.blocks(slide.blocks, _Env(structural=True)))
        if self.trainer and slide.notes:
            inner = _Env(inset=self.layout.insets.notes)
            parts.append(f'<div class="notes"><p class="nt">{escape(self.words.trainer_notes)}</p>'
                         f'{self.blocks(slide.notes, inner)}</div>')
        parts.append(self.footnote_list())
        self.slides += 1
        return "\n".join(p for p in parts if p)

    # -- footnotes: numbered where they are referenced, listed at the end of the slide's section --

    def _note_id(self, number: int) -> str:
        return f"fn{self.slides}-{number}"

    def footnote(self, node: FootnoteRef, links: bool) -> str:
        first = node.number not in self.footnotes
        self.footnotes.setdefault(node.number, node.note)
        if not links:  # in a heading: no link inside a link target
            return f'<span class="fnref">{node.number}</span>'
        note = self._note_id(node.number)
        back = f' id="ref-{note}"' if first else ""
        if first:
            self.ids.add(f"ref-{note}")
        return f'<a class="fnref" href="#{note}"{back}>{node.number}</a>'

    def footnote_list(self) -> str:
        """Return the list of the slide's footnotes, each linking back to where it is referenced."""
        notes, self.footnotes = self.footnotes, {}
        items = []
        for number, note in sorted(notes.items()):
            note_id = self._note_id(number)
            self.ids.add(note_id)
            items.append(f'<li id="{note_id}" value="{number}">{self.inlines(note)} '
                         f'<a class="back" href="#ref-{note_id}">\u21a9</a></li>')
        return f'<ol class="footnotes">{"".join(items)}</ol>' if items else ""

    def heading(self, target: Target, title: Inlines) -> str:
        tag = f"h{min(max(target.depth, 1), 6)}"
        number = f'<span class="num">{target.number}</span> ' if target.number else ""
        cls = "" if target.number else ' class="un"'
        anchor = f' id="{escape(target.anchor)}"' if target.anchor else ""
        if target.anchor:
            self.ids.add(target.anchor)
        return f"<{tag}{anchor}{cls}>{number}{self.inlines(title, links=False)}</{tag}>"

    def blocks(self, blocks, env: _Env) -> str:
        out = []
        for i, block in enumerate(blocks):
            writer = _BLOCKS.get(type(block))
            if writer is None:
                raise TypeError(f"the handbook has no HTML writer for block type {type(block).__name__}")
            self.loc = getattr(block, "loc", self.loc)
            lead = isinstance(block, Paragraph) and isinstance(blocks[i + 1] if i + 1 < len(blocks) else None, _SHOWN)
            out.append(writer(self, block, replace(env, lead=True) if lead else env))
        return "\n".join(out)  # one block a line: readable goldens; whitespace between blocks is inert

    # -- inlines --

    def inlines(self, nodes: Inlines, links: bool = True) -> str:
        out = []
        for i, node in enumerate(nodes):
            writer = _INLINES.get(type(node))
            if writer is None:
                raise TypeError(f"the handbook has no HTML writer for inline type {type(node).__name__}")
            html = writer(self, node, links)
            following = nodes[i + 1] if i + 1 < len(nodes) else None
            if isinstance(node, Text) and html.endswith(" ") and not isinstance(following, (Text, LineBreak, type(None))):
                html = html[:-1] + SPACE_BEFORE_ELEMENT
            out.append(html)
        return "".join(out)

    def link(self, node: Link, links: bool) -> str:
        if not links:
            return self.inlines(node.children, links=False)
        inner, formats = _link_content(node.children)
        style = f' class="{" ".join(formats)}"' if formats else ""
        if node.target.startswith("#"):
            target = self.outline.anchors.get(node.target[1:])
            if target is None and self.handout:  # a heading of the handbook, not of the handout
                return inner
            if target is None:
                self.diags.error(self.loc, f"link to '{node.target}': no heading with this anchor in the handbook",
                                 "anchors of slides-only content and of speaker notes are not in the handbook")
                return inner
            words = self.words
            see = f"{words.see} {target.number}, {words.page}" if target.number else f"{words.see} {words.page}"
            self.refs.add(target.anchor)
            return f'<a class="{" ".join(("xref", *formats))}" href="#{escape(target.anchor)}" ' \
                   f'data-see="{escape(see)}">{inner}</a>'
        href = escape(node.target)
        shown = node.target.removeprefix("mailto:")
        if plain(node.children).strip() in (node.target, shown):
            return f'<a href="{href}"{style}>{inner}</a>'
        # On paper a link cannot be followed: the CSS prints the address after the text.
        return f'<a class="{" ".join(("url", *formats))}" href="{href}" data-url="{escape(shown)}">{inner}</a>'

    # -- files --

    def url(self, path: Path) -> str:
        """Return the URL of a course file, relative to the course (the base URL of the document)."""
        self.files[path.resolve()] = self.loc
        self.used.add(path.resolve())
        try:
            return quote(path.resolve().relative_to(self.root.resolve()).as_posix())
        except ValueError:
            return path.resolve().as_uri()  # outside the course: the fetcher refuses it, with this location


# --- block writers -----------------------------------------------------------------------------------


def _heading_block(w: _Writer, block: Heading, env: _Env) -> str:
    target = w.outline.targets.get(id(block)) or Target(block.anchor, "", max(block.level, 2))
    return w.heading(target, block.children)


def _paragraph(w: _Writer, block: Paragraph, env: _Env) -> str:
    # A paragraph that starts in Arabic or Hebrew reads right to left, aligned right (Pango orders the
    # characters of each line by itself; the base direction decides the alignment and the order of runs).
    rtl = ' dir="rtl"' if fontchain.right_to_left(plain(block.children)) else ""
    lead = ' class="lead"' if env.lead else ""
    return f"<p{lead}{rtl}>{w.inlines(block.children)}</p>"


def _list(w: _Writer, block: BulletList, env: _Env) -> str:
    inner = replace(env, inset=env.inset + w.layout.insets.list_indent, structural=False)
    tag = "ol" if block.ordered else "ul"
    start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
    items = "".join(f"<li>{_item(w, item, inner)}</li>" if item.checked is None else
                    f'<li class="task"><span class="box">{"✓" if item.checked else ""}</span>{_item(w, item, inner)}</li>'
                    for item in block.items)
    return f"<{tag}{start}>{items}</{tag}>"


def _item(w: _Writer, item: ListItem, env: _Env) -> str:
    """Return a list item; its first paragraph is written without <p>, as a tight list reads."""
    blocks = item.blocks
    if blocks and isinstance(blocks[0], Paragraph):
        return w.inlines(blocks[0].children) + w.blocks(blocks[1:], env)
    return w.blocks(blocks, env)


def _definitions(w: _Writer, block: DefinitionList, env: _Env) -> str:
    inner = replace(env, inset=env.inset + w.layout.insets.list_indent, structural=False)
    items = "".join(f"<dt>{w.inlines(item.term)}</dt>"
                    + "".join(f"<dd>{w.blocks(d, inner)}</dd>" for d in item.definitions)
                    for item in block.items)
    return f"<dl>{items}</dl>"


_ALIGN = {"left": "al", "center": "ac", "right": "ar", "": ""}


def _table(w: _Writer, block: Table, env: _Env) -> str:
    """Return a table whose columns size to their content, with no cell ever wider than the page.

    Words are neither cut nor hyphenated, so each column is at least as wide as its longest word; a cell
    holding a word longer than an even share of the width (a long identifier in a ten-column table) is
    the exception: that cell alone may break it (class `cut`), so the table always fits.
    """
    ncols = max([len(block.header), *(len(r) for r in block.rows)])
    layout = w.layout
    share = (layout.text_width - env.inset) / ncols - 2 * layout.insets.cell_pad

    def cell(tag: str, i: int, content: Inlines) -> str:
        words = plain(content).split()
        longest = max((layout.drawing.measure(word, layout.table_size) for word in words), default=0.0)
        classes = " ".join(c for c in (_ALIGN.get(block.align[i] if i < len(block.align) else "", ""),
                                       "cut" if longest > share else "") if c)
        attr = f' class="{classes}"' if classes else ""
        return f"<{tag}{attr}>{w.inlines(content)}</{tag}>"

    head = "".join(cell("th", i, c) for i, c in enumerate(block.header))
    rows = "\n".join("<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>" for row in block.rows)
    return f'<table class="t"><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>'


DISPLAY_MATH_SCALE = 1.15  # display math, relative to the body text


def _math(w: _Writer, tex: str, display: bool) -> str:
    """Return math as a vector picture (its glyphs drawn as paths) whose alternative text is the TeX.

    Inline math sits on the text's baseline (`vertical-align` by its depth) and scales with nothing: it is
    typeset at the body size.
    """
    scale = DISPLAY_MATH_SCALE if display else 1.0
    drawing = mathtex.drawing(tex, round(w.layout.body_size * scale, 2), w.layout.drawing.colors.text, display)
    src = "data:image/svg+xml;base64," + base64.b64encode(drawing.svg.encode()).decode()
    style = f"width:{drawing.width}pt;height:{drawing.height}pt" + ("" if display else f";vertical-align:-{drawing.depth}pt")
    return f'<img class="{"math-display" if display else "math"}" src="{src}" alt="{escape(alt.math(tex))}" style="{style}">'


def _math_block(w: _Writer, block: MathBlock, env: _Env) -> str:
    return f'<p class="math-display">{_math(w, block.tex, display=True)}</p>'


def _image(w: _Writer, block: Image, env: _Env) -> str:
    text = alt.image(block)
    caption = f"<figcaption>{escape(block.title)}</figcaption>" if block.title else ""
    width = f' style="width: {block.width}px"' if block.width else ""  # CSS pixels, as the author wrote
    return f'<figure class="img"><img src="{escape(w.url(block.path))}" alt="{escape(text)}"{width}>{caption}</figure>'


def _code(w: _Writer, block: CodeBlock, env: _Env) -> str:
    """Return code as a <pre> whose rows are pre-wrapped to the page, under its title.

    Each source line is one row or, when too long for the page, several: the continuation rows keep the
    line's indentation and start with a ↪ marker. Line numbers are text in a muted span (cheaper to lay
    out than generated content). A block longer than `keep_lines` rows may break across pages: it sits
    in a one-cell table whose header (the title) WeasyPrint repeats on every page; the header carries
    "(cont.)", which is dropped from the first page after layout (see `handbook._drop_first_cont`).
    """
    return _code_markup(block, w.layout, env.inset, w.words)


@lru_cache(maxsize=8192)  # the two editions show the same code: highlighted and wrapped once
def _code_markup(block: CodeBlock, layout: Layout, inset: float, words: Labels) -> str:
    styled = code_classes(layout.pygments_style)
    lines = highlight.tokenize(block.code, block.language)
    numbered = block.linenums is not None
    first = block.linenums if block.linenums is not None else 1
    digits = len(str(first + len(lines) - 1)) if numbered else 0
    width = layout.code_columns(inset) - (digits + 1 if numbered else 0)
    rows = []
    for i, spans in enumerate(lines, start=1):
        for j, row in enumerate(_wrap_code(spans, width, styled)):
            if numbered:
                gutter = f"{first + i - 1:>{digits}} " if j == 0 else " " * (digits + 1)
                row = f'<span class="gut">{gutter}</span>{row}' if j == 0 else gutter + row
            rows.append(f'<span class="hl">{row}</span>' if i in block.hl_lines else row)
    pre = "<pre>" + "\n".join(rows) + "</pre>"
    # Code that does not compile on purpose (rustdoc's compile_fail) says so in its title bar.
    fails = escape(words.does_not_compile) if block.compile_fail else ""
    if len(rows) > layout.keep_lines:
        title = block.title or block.language or words.code
        mark = f'<span class="nc after">{fails}</span>' if fails else ""
        return (f'<table class="code long"><thead><tr><th><span class="t">{escape(title)}</span>{mark}'
                f'<span class="cont"> {escape(words.cont)}</span></th></tr></thead>'
                f"<tbody><tr><td>{pre}</td></tr></tbody></table>")
    mark = f'<span class="nc{" after" if block.title else ""}">{fails}</span>' if fails else ""
    title = f'<p class="ct">{escape(block.title)}{mark}</p>' if block.title or mark else ""
    return f'<div class="code keep">{title}{pre}</div>'


@lru_cache(maxsize=None)
def code_classes(style: str) -> dict[str, str]:
    """Return, for each token class style `style` gives a look, the class that carries that look.

    Classes that look alike share one class (in 'friendly', `kd` and `kn` look like `k`), so neighbouring
    tokens of one look become one <span>; classes with no look are absent: their text needs no span.
    Both the HTML writer and the stylesheet (`code_css`) use this map, so every emitted class is styled.
    """
    palette = highlight.palette(style)
    looks: dict[tuple, str] = {}
    out: dict[str, str] = {}
    # The most general class names a look: the shortest (Pygments' `s` before `na`), then the first in
    # Pygments' order, which lists a type before its subtypes (`nf` before `fm`).
    order = {cls: i for i, cls in enumerate(palette.classes)}
    for cls, ts in sorted(palette.classes.items(), key=lambda item: (len(item[0]), order[item[0]])):
        if cls and (ts.color or ts.bold or ts.italic):
            out[cls] = looks.setdefault((ts.color, ts.bold, ts.italic), cls)
    return out


def code_css(style: str, scope: str = ".code") -> str:
    """Return the CSS of the classes `code_classes` emits (one rule per look)."""
    palette = highlight.palette(style)
    rules = []
    for cls in sorted(set(code_classes(style).values())):
        ts = palette.classes[cls]
        decl = [f"color:{ts.color}"] if ts.color else []
        decl += ["font-weight:bold"] if ts.bold else []
        decl += ["font-style:italic"] if ts.italic else []
        rules.append(f"{scope} .{cls}{{{';'.join(decl)}}}")
    return "\n".join(rules) + "\n"


def _wrap_code(spans: list[highlight.Span], width: int, styled: dict[str, str] | None = None) -> list[str]:
    """Return one source line as the HTML of its rows, none wider than `width` monospace columns.

    Fewer boxes are faster for WeasyPrint to lay out and draw, so: tokens of classes `styled` maps to
    one look share one class, tokens of classes it lacks are plain text, and spaces (nothing of a colour
    or weight shows on them) join the run before them (or, leading a row, the run after them).
    """
    chars = [(ch, span.cls if styled is None else styled.get(span.cls, ""))
             for span in spans for ch in span.text.replace("\t", "    ")]
    _absorb_spaces(chars)
    rows = codewrap.wrap("".join(ch for ch, _ in chars), width)
    html = [_spans_html(chars[start:end]) for start, end in rows.slices]
    lead = " " * rows.indent + f'<span class="wm">{WRAP_MARK}</span>'
    return html[:1] + [lead + row for row in html[1:]]


def _absorb_spaces(chars: list[tuple[str, str]]) -> None:
    """Give each space the class of the character before it (leading spaces: the one after them)."""
    cls = next((c for ch, c in chars if ch != " "), "")
    for i, (ch, c) in enumerate(chars):
        if ch == " ":
            chars[i] = (ch, cls)
        else:
            cls = c


def _spans_html(chars: list[tuple[str, str]]) -> str:
    out, run, cls = [], [], None
    for ch, c in chars + [("", "\0")]:
        if c != cls and run:
            text = escape("".join(run))
            out.append(f'<span class="{cls}">{text}</span>' if cls else str(text))
            run = []
        cls = c
        run.append(ch)
    return "".join(out)


def _quote(w: _Writer, block: BlockQuote, env: _Env) -> str:
    inner = replace(env, inset=env.inset + w.layout.insets.quote, structural=False)
    return f"<blockquote>{w.blocks(block.blocks, inner)}</blockquote>"


def _callout(w: _Writer, block: Callout, env: _Env) -> str:
    inner = replace(env, inset=env.inset + w.layout.insets.callout, structural=False)
    kind = getattr(w.words, block.kind)
    title = f"{kind}: {block.title}" if block.title else kind
    return (f'<div class="callout {block.kind}"><p class="ct">{escape(title)}</p>'
            f"{w.blocks(block.blocks, inner)}</div>")


def _exercise(w: _Writer, block: Exercise, env: _Env) -> str:
    """Return a lab: the task in a box; in the trainer edition and the handout its solution in a box after it."""
    inner = replace(env, inset=env.inset + w.layout.insets.callout, structural=False)
    html = (f'<div class="callout exercise"><p class="ct">{escape(exercise_title(block, w.words.exercise))}</p>'
            f"{w.blocks(block.blocks, inner)}</div>")
    if w.solutions:
        html += (f'<div class="callout solution"><p class="ct">{escape(w.words.solution)}</p>'
                 f"{w.blocks(block.solution, inner)}</div>")
    return html


def _only(w: _Writer, block: Only, env: _Env) -> str:
    return w.blocks(block.blocks, env) if block.target == "handbook" else ""


def _columns(w: _Writer, block: Columns, env: _Env) -> str:
    cols = "".join(f'<div class="column">{w.blocks(col, env)}</div>' for col in block.columns)
    return f'<div class="columns">{cols}</div>'


def _drawing(w: _Writer, env: _Env) -> svg.Style:
    return replace(w.layout.drawing, width=w.layout.text_width - env.inset)


def _decision_tree(w: _Writer, block: DecisionTree, env: _Env) -> str:
    words = w.words
    text = alt.decision_tree(block.root, words)
    drawing = svg.decision_tree(block, _drawing(w, env), text, words.yes, words.no)
    caption = f"<figcaption>{escape(block.title)}</figcaption>" if block.title else ""
    return f'<figure class="tree">{caption}{drawing}</figure>'


def _metrics(w: _Writer, block: Metrics, env: _Env) -> str:
    words = w.words

    def value(v: float) -> str:
        return quantity(v, block.unit)

    rows = []
    for row in block.rows:
        moved = change(block, row, words)
        trend = "flat" if moved.direction == 0 else "better" if moved.better else "worse"
        rows.append(f'<tr><td>{escape(row.name)}</td><td class="ar">{escape(value(row.before))}</td>'
                    f'<td class="ar">{escape(value(row.after))}</td>'
                    f'<td class="ar {trend}">{escape(moved.text)}</td></tr>')
    tbody = "\n".join(rows)
    table = (f'<table class="t m"><thead><tr><th>{escape(words.metric)}</th>'
             f'<th class="ar">{escape(block.before_label)}</th><th class="ar">{escape(block.after_label)}</th>'
             f'<th class="ar">{escape(words.change)}</th></tr></thead><tbody>\n{tbody}\n</tbody></table>')
    text = alt.chart(block, words)
    chart = svg.bar_chart(block, _drawing(w, env), value, text) if block.rows else ""
    caption = f"<figcaption>{escape(block.title)}</figcaption>" if block.title else ""
    source = f'<p class="src">{escape(block.caption)}</p>' if block.caption else ""
    return f'<figure class="metrics">{caption}{table}{chart}{source}</figure>'


_SHOWN = (CodeBlock, Table, Image, DecisionTree, Metrics)  # what a lead-in paragraph is kept with

_BLOCKS: dict[type, Callable[[_Writer, object, _Env], str]] = {
    Heading: _heading_block,
    Paragraph: _paragraph,
    BulletList: _list,
    Table: _table,
    Image: _image,
    CodeBlock: _code,
    BlockQuote: _quote,
    Callout: _callout,
    Only: _only,
    Columns: _columns,
    DecisionTree: _decision_tree,
    Metrics: _metrics,
    DefinitionList: _definitions,
    MathBlock: _math_block,
    Exercise: _exercise,
}

#: The space between text and an inline element (`… a <em>cache</em>`), in a span of its own. WeasyPrint 70
#: lays out text that ends in a space as one box; when that box fits its line only without its trailing
#: space, `split_first_line` decides it does not fit at all and keeps only its first word on the line
#: ("… If every request" / "that" / "misses queried …"). A text box that does not end in a space fits.
#: (weasyprint/text/line_break.py, step 3 of `split_first_line`; no upstream issue found for it: the
#: reproduction is `test_text_before_an_inline_element_keeps_its_line`.)
SPACE_BEFORE_ELEMENT = "<span> </span>"

#: The class a link takes for the one format of its whole text (see `_link_content`).
_LINK_FORMATS: dict[type, str] = {Code: "mono", Strong: "strong", Emph: "em", Strike: "s"}


def _link_content(nodes: Inlines) -> tuple[str, tuple[str, ...]]:
    """Return a link's content as text only, and the classes (`_LINK_FORMATS`) that format it.

    WeasyPrint gives every element nested in a link its own link annotation, tagged under that
    element's Span or NonStruct instead of the Link, which PDF/UA forbids (ISO 14289-1 7.18.5;
    Kozea/WeasyPrint#2482, "support nested tags in anchors"). So a link holds text only: a format
    covering all of it becomes a class of the link; formats covering part of it are dropped.
    """
    if len(nodes) == 1 and type(nodes[0]) in _LINK_FORMATS:
        node = nodes[0]
        if isinstance(node, Code):
            return str(escape(node.text)), ("mono",)
        text, formats = _link_content(node.children)  # type: ignore[attr-defined]
        return text, (_LINK_FORMATS[type(node)], *formats)
    return str(escape(plain(nodes))), ()


_INLINES: dict[type, Callable[[_Writer, Inline, bool], str]] = {
    Text: lambda w, n, links: str(escape(n.text)),
    Code: lambda w, n, links: f"<code>{escape(n.text)}</code>",
    Strong: lambda w, n, links: f"<strong>{w.inlines(n.children, links)}</strong>",
    Emph: lambda w, n, links: f"<em>{w.inlines(n.children, links)}</em>",
    Strike: lambda w, n, links: f"<s>{w.inlines(n.children, links)}</s>",
    Link: lambda w, n, links: w.link(n, links),
    LineBreak: lambda w, n, links: "<br>",
    Kbd: lambda w, n, links: f"<kbd>{w.inlines(n.children, links)}</kbd>",
    Sub: lambda w, n, links: f"<sub>{w.inlines(n.children, links)}</sub>",
    Sup: lambda w, n, links: f"<sup>{w.inlines(n.children, links)}</sup>",
    Mark: lambda w, n, links: f"<mark>{w.inlines(n.children, links)}</mark>",
    Underline: lambda w, n, links: f"<u>{w.inlines(n.children, links)}</u>",
    Abbr: lambda w, n, links: f'<abbr title="{escape(n.title)}">{w.inlines(n.children, links)}</abbr>',
    FootnoteRef: lambda w, n, links: w.footnote(n, links),
    Math: lambda w, n, links: _math(w, n.tex, display=False),
}

#: The block types this writer handles (tests compare it with `model.BLOCK_TYPES`).
BLOCK_WRITERS = tuple(_BLOCKS)


# --- the whole body ----------------------------------------------------------------------------------


def body(course: Course, layout: Layout, words: Labels, edition: str) -> Body:
    """Return the contents and the chapters of `course` as HTML; raise RenderError listing every problem.

    `edition` is "student", "trainer" (speaker notes, teaching times and solutions) or "solutions" (the
    handout: only the chapters with exercises, each exercise with its solution).
    """
    diags = Diagnostics()
    trainer, handout = edition == "trainer", edition == "solutions"
    slides = solution_slides(course) if handout else handbook_slides(course)
    recap = teaching.recap_blocks(course)
    if recap and not handout:  # the objectives again, as the deck's last slide has them
        slides.append(Slide("section", 1, (Text(words.recap),), RECAP_ANCHOR, recap, (), course.chapters[-1].loc))
    outline = _Outline(layout.toc_depth, trainer, diags, solutions=trainer or handout)
    outline.scan(slides)
    times = teaching.timing(course)
    minutes = {id(s): n for t in times.chapters for s, n in zip(t.chapter.slides, t.slides) if n}
    writer = _Writer(course, layout, words, outline, trainer, diags, trainer or handout, minutes)
    # Objectives open a chapter: after its level-1 heading, else before its first slide.
    objectives = {} if handout else {id(c.slides[0]): c for c in course.chapters if c.objectives and c.slides}
    chapters: list[list[str]] = []
    facts: list[ChapterFacts] = []
    for slide in slides:
        if slide.level == 1 or not chapters:  # every level-1 slide opens a chapter
            if chapters:
                facts.append(writer.facts())
            chapters.append([])
        chapter = objectives.get(id(slide))
        box = _objectives(writer, chapter) if chapter else ""
        html = writer.slide(slide)
        chapters[-1].append((html + box if slide.level == 1 else box + html) + "\n")
    if chapters:
        facts.append(writer.facts())
    toc = tuple(
        TocEntry(t.anchor, t.number, Markup(writer.inlines(
            node.title if isinstance(node, Slide) else node.children, links=False)), t.depth,  # type: ignore[attr-defined]
            f"#{t.anchor}")
        for node, t in outline.numbered)
    schedule = "" if handout else _schedule(writer, course, times)
    diags.raise_if_errors(RenderError)
    return Body(toc, tuple(Markup("".join(c)) for c in chapters), writer.files, tuple(facts), Markup(schedule))


def _objectives(w: _Writer, chapter: Chapter) -> str:
    """Return the box of a chapter's objectives, for its start."""
    items = "".join(f"<li>{w.inlines(o)}</li>" for o in chapter.objectives)
    return f'<div class="callout objectives"><p class="ct">{escape(w.words.objectives)}</p><ul>{items}</ul></div>'


def _schedule(w: _Writer, course: Course, times: teaching.Timing) -> str:
    """Return the schedule page: per day its clock times, the same table the deck's agenda slides show."""
    days = teaching.agenda(course, times)
    if not days:
        return ""
    parts = [f"<h1>{escape(w.words.schedule)}</h1>"]
    for plan in days:
        if len(days) > 1 or plan.day.title:
            parts.append(f'<h2 class="un">{escape(teaching.day_title(plan, w.words.day))}</h2>')
        parts.append(_table(w, teaching.agenda_table(plan, w.words), _Env()))
    return "\n".join(parts)


_XREF = re.compile(r'<a class="xref" href="#([^"]+)"')  # what `_Writer.link` writes for a cross-reference


def resolve_xrefs(markup: str, pages: Mapping[str, int], prefix: str) -> str:
    """Return `markup` whose cross-references to the anchors in `pages` print that page number.

    For a chapter laid out as a document of its own: a reference to another chapter cannot be counted
    by the CSS (`target-counter`), so it carries the number (`data-page`, which the CSS prints instead)
    and links to `prefix` + anchor, an address the stitch turns back into a link to the anchor.
    """
    def link(match: re.Match) -> str:
        anchor = unescape(match.group(1))
        if anchor not in pages:
            return match.group(0)
        return f'<a class="xref" href="{escape(prefix + anchor)}" data-page="{pages[anchor]}"'

    return _XREF.sub(link, markup)

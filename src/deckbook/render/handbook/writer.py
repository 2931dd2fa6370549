"""Model → HTML for the handbook: the writer (structure, headings, footnotes, inlines, links) and the body.

Two passes over the same sequence of slides: `Outline` numbers every heading (so a cross-reference can
name a heading that comes later), then `Writer` turns slides into HTML, blocks through `blocks.BLOCKS` and
inlines through `_INLINES`, tables keyed by type; a type missing from a table is an error, never skipped.
`body()` adds what frames the chapters: each chapter's objectives, the schedule page, the contents. The
HTML carries classes only; `handbook.css` in the theme says what they look like.
"""

from __future__ import annotations

import math
import re
import zlib
from dataclasses import dataclass, field, replace
from html import unescape
from pathlib import Path
from typing import Callable, Mapping, Sequence
from urllib.parse import quote

from markupsafe import Markup, escape

from ...errors import Diagnostics, Location, RenderError
from ...model import (
    Abbr, Chapter, Code, Course, Emph, FootnoteRef, Inline, Inlines, Kbd, LineBreak, Link, Mark, Math, Paragraph,
    Slide, Strike, Strong, Sub, Sup, Text, Underline, plain,
)
from . import svg
from ..common import teaching
from ..common.labels import Labels
from .blocks import BLOCKS, SHOWN, Env, math_image, table_html
from .outline import Outline, Target, TocEntry, handbook_slides, solution_slides

RECAP_ANCHOR = "course-recap"  # the handbook's last chapter: every chapter's objectives again


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



@dataclass(frozen=True)
class ChapterFacts:
    """What one chapter's HTML defines and needs: for laying chapters out as documents of their own."""

    ids: frozenset[str]  # the anchors (element ids) it holds
    refs: frozenset[str]  # the anchors its cross-references point at
    files: frozenset[Path]  # the course files it shows (images)


class Packed(Sequence[Markup]):
    """The chapters' HTML, each kept compressed until it is read (when its part is laid out).

    A long book's HTML is tens of MiB per edition (Python keeps text with one non-Latin-1 character at two
    bytes per character), held by the build while every part is laid out; compressed, a tenth of that.
    """

    def __init__(self) -> None:
        self._packed: list[bytes] = []

    def append(self, html: str) -> None:
        self._packed.append(zlib.compress(html.encode("utf-8"), 1))

    def __len__(self) -> int:
        return len(self._packed)

    def __getitem__(self, index):  # type: ignore[override]
        if isinstance(index, slice):
            return [self[i] for i in range(*index.indices(len(self)))]
        return Markup(zlib.decompress(self._packed[index]).decode("utf-8"))


@dataclass(frozen=True)
class Body:
    """The handbook's content as HTML, for the template to place."""

    toc: tuple[TocEntry, ...]
    chapters: Sequence[Markup]
    files: dict[Path, Location] = field(default_factory=dict)  # every file the HTML refers to
    facts: tuple[ChapterFacts, ...] = ()  # one per chapter
    schedule: Markup = Markup("")  # the schedule page's content ("" without a schedule)



class Writer:
    """The HTML writer: turns slides, blocks and inlines into markup, collecting problems on the way."""

    def __init__(self, course: Course, layout: Layout, words: Labels, outline: Outline, trainer: bool,
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
        parts.append(self.blocks(slide.blocks, Env(structural=True)))
        if self.trainer and slide.notes:
            inner = Env(inset=self.layout.insets.notes)
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

    def blocks(self, blocks, env: Env) -> str:
        out = []
        for i, block in enumerate(blocks):
            writer = BLOCKS.get(type(block))
            if writer is None:
                raise TypeError(f"the handbook has no HTML writer for block type {type(block).__name__}")
            self.loc = getattr(block, "loc", self.loc)
            lead = isinstance(block, Paragraph) and isinstance(blocks[i + 1] if i + 1 < len(blocks) else None, SHOWN)
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


_INLINES: dict[type, Callable[[Writer, Inline, bool], str]] = {
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
    Math: lambda w, n, links: math_image(w, n.tex, display=False),
}




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
    outline = Outline(layout.toc_depth, trainer, diags, solutions=trainer or handout)
    outline.scan(slides)
    times = teaching.timing(course)
    minutes = {id(s): n for t in times.chapters for s, n in zip(t.chapter.slides, t.slides) if n}
    writer = Writer(course, layout, words, outline, trainer, diags, trainer or handout, minutes)
    # Objectives open a chapter: after its level-1 heading, else before its first slide.
    objectives = {} if handout else {id(c.slides[0]): c for c in course.chapters if c.objectives and c.slides}
    chapters = Packed()
    facts: list[ChapterFacts] = []
    written: list[str] | None = None  # the chapter being written
    for slide in slides:
        if slide.level == 1 or written is None:  # every level-1 slide opens a chapter
            if written is not None:
                chapters.append("".join(written))
                facts.append(writer.facts())
            written = []
        chapter = objectives.get(id(slide))
        box = _objectives(writer, chapter) if chapter else ""
        html = writer.slide(slide)
        written.append((html + box if slide.level == 1 else box + html) + "\n")
    if written is not None:
        chapters.append("".join(written))
        facts.append(writer.facts())
    toc = tuple(
        TocEntry(t.anchor, t.number, Markup(writer.inlines(
            node.title if isinstance(node, Slide) else node.children, links=False)), t.depth,  # type: ignore[attr-defined]
            f"#{t.anchor}")
        for node, t in outline.numbered)
    schedule = "" if handout else _schedule(writer, course, times)
    diags.raise_if_errors(RenderError)
    return Body(toc, chapters, writer.files, tuple(facts), Markup(schedule))


def _objectives(w: Writer, chapter: Chapter) -> str:
    """Return the box of a chapter's objectives, for its start."""
    items = "".join(f"<li>{w.inlines(o)}</li>" for o in chapter.objectives)
    return f'<div class="callout objectives"><p class="ct">{escape(w.words.objectives)}</p><ul>{items}</ul></div>'


def _schedule(w: Writer, course: Course, times: teaching.Timing) -> str:
    """Return the schedule page: per day its clock times, the same table the deck's agenda slides show."""
    days = teaching.agenda(course, times)
    if not days:
        return ""
    parts = [f"<h1>{escape(w.words.schedule)}</h1>"]
    for plan in days:
        if len(days) > 1 or plan.day.title:
            parts.append(f'<h2 class="un">{escape(teaching.day_title(plan, w.words.day))}</h2>')
        parts.append(table_html(w, teaching.agenda_table(plan, w.words), Env()))
    return "\n".join(parts)


_XREF = re.compile(r'<a class="xref" href="#([^"]+)"')  # what `Writer.link` writes for a cross-reference


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

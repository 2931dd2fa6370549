"""The handbook's outline: which slides it shows, and every heading's number and anchor, before any HTML.

`Outline.scan` numbers the headings of the whole sequence of slides first, so a cross-reference can name
a heading that comes later; the writer then reads the numbers and anchors from it.
"""

from __future__ import annotations

from dataclasses import dataclass

from markupsafe import Markup

from ...errors import Diagnostics, Location
from ...model import BlockQuote, BulletList, Callout, Columns, Course, Exercise, Heading, Only, Slide, Text


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


class Outline:
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


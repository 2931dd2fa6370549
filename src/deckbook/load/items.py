"""What a chapter file is read into: its front matter, then headings, slide breaks, notes and blocks, in order.

`markdown.ChapterParser` makes a `ParsedChapter`; `structure` turns the items of every chapter into slides.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt

from .. import model as m
from ..errors import Location
from .attributes import MAX_MINUTES


@dataclass(frozen=True)
class HeadingItem:
    """A heading, with the attributes written after it (`{#id layout="…" minutes=10}`)."""

    level: int
    title: m.Inlines
    loc: Location
    anchor: str = ""  # `{#id}`: an anchor chosen by the author
    layout: str = ""  # `{layout="Two Content"}`: the deck template's layout for this slide
    minutes: int | None = None  # `{minutes=10}`: the teaching time of the slide or section
    rule: Location | None = None  # the `---` under a setext heading (see `markdown._rules_before_headings`)


@dataclass(frozen=True)
class BreakItem:
    """A slide break: a line of `---`."""

    loc: Location


@dataclass(frozen=True)
class NotesItem:
    """Speaker notes: a `::: notes` block or mdBook's `<details>`."""

    blocks: tuple[m.Block, ...]
    loc: Location


Item = HeadingItem | BreakItem | NotesItem | m.Block


class FrontMatter(BaseModel):
    """A chapter's YAML front matter."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str | None = None
    notes: str | None = None
    handbook_only: StrictBool = False
    slides_only: StrictBool = False
    minutes: StrictInt | None = Field(None, gt=0, le=MAX_MINUTES)
    """The teaching time of the whole chapter; default: its sections' and slides' minutes added up."""
    objectives: list[str] = []
    """What attendees can do after the chapter, one sentence each (inline Markdown)."""


@dataclass
class ParsedChapter:
    """One chapter file as read: its front matter, its items, the links it makes and its objectives."""

    path: Path
    front: FrontMatter
    items: list[Item]
    links: list[tuple[str, Location]] = field(default_factory=list)
    objectives: tuple[m.Inlines, ...] = ()

"""Headings and breaks → slides, by pandoc's slide-level rule, decided over the whole course; their anchors."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import replace

from .. import model as m
from ..errors import Diagnostics, Location
from .items import BreakItem, HeadingItem, NotesItem, ParsedChapter


def slide_level(chapters: list[ParsedChapter]) -> tuple[int, Location | None]:
    """Return the highest heading level directly followed by content (pandoc's rule), 1 if none, and the
    first heading of that level followed by content (what decided it)."""
    found: dict[int, Location] = {}
    for chapter in chapters:
        items = chapter.items
        for item, following in zip(items, items[1:]):
            if isinstance(item, HeadingItem) and not isinstance(following, (HeadingItem, BreakItem)):
                found.setdefault(item.level, item.loc)
    if not found:
        return 1, None
    level = min(found)
    return level, found[level]


class Anchors:
    """Unique heading anchors across the course (GitHub style, `-1`, `-2` … for repeats)."""

    def __init__(self) -> None:
        self.seen: dict[str, int] = {}

    def make(self, title: m.Inlines, chosen: str = "") -> str:
        base = chosen or slugify(m.plain(title))
        count = self.seen.get(base, 0)
        self.seen[base] = count + 1
        return base if count == 0 else f"{base}-{count}"


def build_slides(chapter: ParsedChapter, level: int, anchors: Anchors, diags: Diagnostics) -> tuple[m.Slide, ...]:
    """Return the chapter's slides: section slides above `level`, content slides at it or after `---`."""
    slides: list[m.Slide] = []
    current: dict | None = None

    def open_slide(kind: str, lvl: int, title: m.Inlines, loc: Location, heading: HeadingItem | None = None) -> None:
        nonlocal current
        close_slide()
        anchor = anchors.make(title, heading.anchor if heading else "") if title else ""
        current = {"kind": kind, "level": lvl, "title": title, "anchor": anchor, "blocks": [], "notes": [],
                   "loc": loc, "layout": heading.layout if heading else "",
                   "minutes": heading.minutes if heading else None}

    def close_slide() -> None:
        if current is not None:
            slides.append(m.Slide(current["kind"], current["level"], current["title"], current["anchor"],
                                  tuple(current["blocks"]), tuple(current["notes"]), current["loc"],
                                  current["layout"], current["minutes"]))

    items = chapter.items
    for i, item in enumerate(items):
        if isinstance(item, HeadingItem):
            if item.level < level:
                open_slide("section", item.level, item.title, item.loc, item)
            elif item.level == level:
                open_slide("content", item.level, item.title, item.loc, item)
            else:
                if current is None:
                    open_slide("content", 0, (), item.loc)
                for attr, given in (("layout", item.layout), ("minutes", item.minutes)):
                    if given:
                        diags.warning(item.loc, f"{attr}= on a level-{item.level} heading is ignored",
                                      f"{attr} belongs to slides and sections: headings of level {level} or above")
                current["blocks"].append(m.Heading(item.level, item.title, anchors.make(item.title, item.anchor),
                                                   item.loc))
            continue
        if isinstance(item, BreakItem):
            following = items[i + 1] if i + 1 < len(items) else None
            # A rule just before a slide's own heading (or another rule, or the end) starts no slide of its
            # own: pandoc makes one slide of `---` then `## Title`, and Marp writes both.
            if not (following is None or isinstance(following, BreakItem)
                    or isinstance(following, HeadingItem) and following.level <= level):
                open_slide("content", 0, (), item.loc)
            continue
        if current is None:
            open_slide("content", 0, (), getattr(item, "loc", Location(chapter.path)))
        if isinstance(item, NotesItem):
            current["notes"].extend(_anchored(item.blocks, anchors))
        else:
            current["blocks"].extend(_anchored((item,), anchors))
    close_slide()
    # A section heading followed by content: the deck shows the content (and its notes) on a slide after the
    # divider, under the section's title. Say so.
    for slide in slides:
        if slide.kind == "section" and slide.blocks:
            diags.warning(slide.loc, "content directly under a section heading",
                          f"the deck shows it, with its notes, on a slide of its own after the section slide, titled "
                          f"'{m.plain(slide.title)}'; add a level-{level} heading above it to give it its own title")
    return tuple(slides)


def _anchored(blocks: tuple[m.Block, ...], anchors: Anchors) -> tuple[m.Block, ...]:
    """Return `blocks` whose headings (in speaker notes and `::: handbook`) have their unique anchors."""
    out: list[m.Block] = []
    for block in blocks:
        if isinstance(block, m.Heading):
            block = replace(block, anchor=anchors.make(block.children, block.anchor))
        elif isinstance(block, m.Only):
            block = replace(block, blocks=_anchored(block.blocks, anchors))
        out.append(block)
    return tuple(out)


def slugify(text: str) -> str:
    """Return a GitHub-style anchor for heading text: lower case, punctuation dropped, spaces → '-'."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return re.sub(r" ", "-", text) or "section"

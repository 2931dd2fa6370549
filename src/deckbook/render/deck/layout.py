"""Slide planning: the course walked into slides of positioned frames, shrunk and then split to fit.

Pure (no python-pptx): `plan_deck()` is what both `render()` and the overflow `report()` run. Per slide the
policy is: the theme's sizes; else shrink body, code and table text together down to the theme minimums;
else split onto "(cont.)" slides at the minimums. Every shrink, split and wrap is a warning.
"""

from __future__ import annotations

from dataclasses import dataclass

from ... import model
from ...model import Course, plain
from ...theme import Theme
from .frames import Box, DeckPlan, Para, RectFrame, Run, SlidePlan, TextFrame
from .pieces import (BoxPiece, CodePiece, ColumnsPiece, Context, Piece, Sizes, TablePiece, improvement, pieces,
                     place_stack, round_size, stack_height, take, tint)

SHRINK_STEPS = 12
CONTINUED = " (cont.)"


@dataclass(frozen=True)
class Geometry:
    """Where things go on every slide, in points."""

    width: float
    height: float
    margin: float
    footer_pitch: float

    @property
    def inner_w(self) -> float:
        return self.width - 2 * self.margin

    @property
    def footer_y(self) -> float:
        return self.height - 0.5 * self.margin - self.footer_pitch

    @property
    def content_bottom(self) -> float:
        return self.footer_y - 0.3 * self.margin

    def footer_box(self) -> Box:
        return Box(self.margin, self.footer_y, self.inner_w * 0.7, self.footer_pitch)

    def number_box(self) -> Box:
        w = self.inner_w * 0.1
        return Box(self.width - self.margin - w, self.footer_y, w, self.footer_pitch)


def geometry(theme: Theme) -> Geometry:
    deck = theme.spec.deck
    return Geometry(theme.slide_width_in * 72, theme.slide_height_in * 72, deck.margin * 72,
                    deck.footer_size * deck.line_spacing)


def plan_deck(course: Course, theme: Theme) -> DeckPlan:
    """Return the deck laid out: a cover, then every chapter's slides; warnings say what did not fit."""
    geo = geometry(theme)
    ctx = Context(theme, area_height=geo.content_bottom)
    slides = [_cover(course, geo, ctx)]
    for chapter in course.chapters:
        if chapter.handbook_only:
            continue
        for slide in chapter.slides:
            slides += _plan_slide(slide, geo, ctx)
    footer = f"{course.meta.title} · {course.meta.version}"
    return DeckPlan(geo.width, geo.height, footer, geo.footer_box(), geo.number_box(),
                    theme.spec.deck.footer_size, tuple(slides), tuple(ctx.warnings.values()))


# --- titles --------------------------------------------------------------------------------------


def _fit_title(ctx: Context, text: str, box: Box, size: float) -> tuple[float, float]:
    """Return (size, height of its lines) for a title in `box`: shrunk until it fits the box's height."""
    low = ctx.deck.min_body_size
    while size > low and ctx.lines((Run(text, bold=True),), size, box.w, heading=True) * ctx.pitch(size) > box.h:
        size = round_size(size - 1)
    size = max(size, low)
    return size, ctx.lines((Run(text, bold=True),), size, box.w, heading=True) * ctx.pitch(size)


def _cover(course: Course, geo: Geometry, ctx: Context) -> SlidePlan:
    """Return the title slide: title, subtitle, then version, date, authors and organisation."""
    meta, deck = course.meta, ctx.deck
    m = geo.margin
    zone = Box(m, geo.height * 0.22, geo.inner_w, 2 * ctx.pitch(deck.cover_title_size))
    size, h = _fit_title(ctx, meta.title, zone, deck.cover_title_size)
    title_box = Box(zone.x, zone.y, zone.w, h)
    light = tint(ctx.colors.primary, 0.8)
    frames = [RectFrame(Box(m, title_box.bottom + 0.3 * m, 1.6 * m, 4), ctx.colors.accent, name="Rule")]
    sub_size = round_size(deck.body_size * 1.2)
    if meta.subtitle:
        para = Para((Run(meta.subtitle),), sub_size, ctx.pitch(sub_size), color=light)
        sub_h = ctx.lines(para.runs, sub_size, geo.inner_w) * para.pitch
        frames.append(TextFrame(Box(m, title_box.bottom + 0.3 * m + 4 + 0.4 * m, geo.inner_w, sub_h), (para,)))
    lines = [", ".join(meta.authors), meta.organisation, f"Version {meta.version} · {meta.date.isoformat()}"]
    size_meta = deck.min_body_size
    paras = tuple(Para((Run(text),), size_meta, ctx.pitch(size_meta), color=light) for text in lines if text)
    meta_h = len(paras) * ctx.pitch(size_meta)
    frames.append(TextFrame(Box(m, geo.height - m - meta_h, geo.inner_w, meta_h), paras))
    return SlidePlan("title", meta.title, title_box, size, tuple(frames), "")


def _section(slide: model.Slide, geo: Geometry, ctx: Context) -> SlidePlan:
    """Return a section divider: its title large on the primary colour."""
    title = plain(slide.title)
    zone = Box(geo.margin, geo.height * 0.36, geo.inner_w, 2 * ctx.pitch(ctx.deck.section_size))
    size, h = _fit_title(ctx, title, zone, ctx.deck.section_size)
    box = Box(zone.x, zone.y, zone.w, h)
    rule = RectFrame(Box(geo.margin, box.bottom + 0.3 * geo.margin, 1.6 * geo.margin, 4), ctx.colors.accent,
                     name="Rule")
    return SlidePlan("section", title, box, size, (rule,), notes_text(slide.notes))


# --- content slides ------------------------------------------------------------------------------


def _plan_slide(slide: model.Slide, geo: Geometry, ctx: Context) -> list[SlidePlan]:
    plans = []
    if slide.kind == "section":
        plans.append(_section(slide, geo, ctx))
        if not slide.blocks:
            return plans
    title = plain(slide.title)
    items = pieces(slide.blocks, ctx)
    pages, sizes = _fit(ctx, items, title, slide, geo)
    notes = "" if plans else notes_text(slide.notes)
    for n, page in enumerate(pages):
        page_title = title + CONTINUED if n and title else title
        plans.append(_content(ctx, page_title, page, sizes, geo, slide, notes if n == 0 else ""))
    return plans


def _areas(ctx: Context, title: str, geo: Geometry, loc) -> tuple[Box | None, float, Box, list]:
    """Return (title box, title size, content area, decoration frames) of a content slide."""
    m = geo.margin
    if not title:
        return None, 0.0, Box(m, m, geo.inner_w, geo.content_bottom - m), []
    size = ctx.deck.title_size
    zone = Box(m, 0.6 * m, geo.inner_w, ctx.pitch(size))
    fitted, h = _fit_title(ctx, title, zone, size)
    if fitted < size:
        ctx.warn(loc, f"slide title shrunk from {size:g} pt to {fitted:g} pt to fit", "shorten the title")
    box = Box(zone.x, zone.y, zone.w, max(h, zone.h))
    rule = RectFrame(Box(m, box.bottom + 0.15 * m, 1.6 * m, 3), ctx.colors.accent, name="Rule")
    top = rule.box.bottom + 0.4 * m
    return box, fitted, Box(m, top, geo.inner_w, geo.content_bottom - top), [rule]


def _fit(ctx: Context, items: list[Piece], title: str, slide: model.Slide,
         geo: Geometry) -> tuple[list[list[Piece]], Sizes]:
    """Return the pages of `items` and the sizes they use: shrink until they fit, else split."""
    _, _, area, _ = _areas(ctx, title, geo, slide.loc)
    ctx.area_height = area.h
    steps = _size_steps(ctx)
    for sizes in steps:
        if stack_height(ctx, items, area.w, sizes, minimum=True) <= area.h:
            if sizes != steps[0]:
                _warn_shrink(ctx, items, area.w, steps[0], sizes, title)
            return [items], sizes
    sizes = steps[-1]
    pages = _paginate(ctx, items, area, sizes)
    for page in pages[1:]:
        ctx.warn(page[0].loc, f"slide '{title or 'untitled'}' does not fit even at the minimum sizes: "
                 f"split onto {len(pages)} slides", "shorten it or split it into several slides")
    return pages, sizes


def _size_steps(ctx: Context) -> list[Sizes]:
    """Return the sizes to try, from the theme's down to its minimums."""
    d = ctx.deck
    out: list[Sizes] = []
    for i in range(SHRINK_STEPS + 1):
        t = i / SHRINK_STEPS
        sizes = Sizes(*(max(low, round_size(high + (low - high) * t)) for high, low in
                        ((d.body_size, d.min_body_size), (d.code_size, d.min_code_size),
                         (d.table_size, d.min_table_size))))
        if not out or sizes != out[-1]:
            out.append(sizes)
    return out


def _warn_shrink(ctx: Context, items: list[Piece], width: float, base: Sizes, sizes: Sizes, title: str) -> None:
    """Warn at the tallest block, naming the sizes of the kinds of text the slide has."""
    tallest = max(items, key=lambda p: p.height(ctx, width, base))
    kinds = _kinds(items)
    used = [f"text {sizes.body:g} pt"]
    used += [f"code {sizes.code:g} pt"] * (CodePiece in kinds) + [f"tables {sizes.table:g} pt"] * (TablePiece in kinds)
    ctx.warn(tallest.loc, f"slide '{title or 'untitled'}' shrunk to fit: {', '.join(used)}",
             "shorten the slide or split it")


def _kinds(items) -> set[type]:
    """Return the piece types in `items`, looking inside boxes and columns."""
    found: set[type] = set()
    for piece in items:
        found.add(type(piece))
        if isinstance(piece, BoxPiece):
            found |= _kinds(piece.inner)
        elif isinstance(piece, ColumnsPiece):
            for column in piece.columns:
                found |= _kinds(column)
    return found


def _paginate(ctx: Context, items: list[Piece], area: Box, sizes: Sizes) -> list[list[Piece]]:
    """Return `items` cut into slides; a piece too tall for an empty slide gets one to itself."""
    pages: list[list[Piece]] = []
    rest = items
    while rest:
        head, tail = take(ctx, rest, area.w, sizes, area.h)
        if not head:
            head, tail = [rest[0]], rest[1:]
            ctx.warn(rest[0].loc, "block too tall for a slide even at the minimum sizes: its text overflows",
                     "shorten it")
        pages.append(head)
        rest = tail
    return pages


def _content(ctx: Context, title: str, page: list[Piece], sizes: Sizes, geo: Geometry,
             slide: model.Slide, notes: str) -> SlidePlan:
    box, size, area, decoration = _areas(ctx, title, geo, slide.loc)
    ctx.area_height = area.h
    frames = decoration + place_stack(ctx, page, area, sizes)
    return SlidePlan("content", title, box, size, tuple(frames), notes)


# --- notes ---------------------------------------------------------------------------------------


def notes_text(blocks: tuple[model.Block, ...]) -> str:
    """Return speaker notes as plain text: bullets as "• ", code as its text."""
    return "\n".join(_notes(block, 0) for block in blocks).strip("\n")


def _notes(block: model.Block, level: int) -> str:
    rule = _NOTES.get(type(block))
    if rule is None:
        raise TypeError(f"the deck renderer has no notes rule for block type {type(block).__name__}")
    return rule(block, level)


def _notes_list(block: model.BulletList, level: int) -> str:
    out = []
    for n, item in enumerate(block.items):
        mark = f"{block.start + n}. " if block.ordered else "• "
        for i, child in enumerate(item.blocks):
            if isinstance(child, model.Paragraph):
                out.append("  " * level + (mark if i == 0 else "  ") + plain(child.children))
            else:
                out.append(_notes(child, level + 1))
    return "\n".join(out)


def _notes_all(blocks, level: int) -> str:
    return "\n".join(_notes(b, level) for b in blocks)


def _notes_tree(node, level: int) -> str:
    if isinstance(node, model.Answer):
        return "  " * level + "→ " + node.text
    return "\n".join(["  " * level + node.text + "?" * (not node.text.endswith("?")),
                      "  " * level + "Yes:", _notes_tree(node.yes, level + 1),
                      "  " * level + "No:", _notes_tree(node.no, level + 1)])


_NOTES = {
    model.Heading: lambda b, lv: plain(b.children),
    model.Paragraph: lambda b, lv: plain(b.children),
    model.BulletList: _notes_list,
    model.Table: lambda b, lv: "\n".join(" | ".join(plain(c) for c in row) for row in (b.header, *b.rows)),
    model.Image: lambda b, lv: f"[image: {b.alt or b.path.name}]",
    model.CodeBlock: lambda b, lv: b.code,
    model.BlockQuote: lambda b, lv: _notes_all(b.blocks, lv),
    model.Callout: lambda b, lv: f"{b.title or b.kind.capitalize()}: " + _notes_all(b.blocks, lv),
    model.Only: lambda b, lv: _notes_all(b.blocks, lv) if b.target == "slides" else "",
    model.Columns: lambda b, lv: "\n".join(_notes_all(col, lv) for col in b.columns),
    model.DecisionTree: lambda b, lv: _notes_tree(b.root, lv),
    model.Metrics: lambda b, lv: "\n".join(f"{r.name}: {r.before:g} → {r.after:g} {b.unit} ({improvement(b, r)})"
                                           for r in b.rows),
}

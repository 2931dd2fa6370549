"""Slide planning: the course walked into slides of positioned frames, shrunk and then split to fit.

Pure (no python-pptx): `DeckStream` is what both `render()` and the overflow `report()` run, one chapter
at a time (`plan_deck()` holds the whole deck, for tests and small uses). Per slide the
policy is: the theme's sizes (tables larger, up to the body size, where there is room); else shrink body,
code and table text together down to the theme minimums; else split onto as many "(cont.)" slides as the
minimums need, at the largest sizes that need no more. Every shrink, split and wrap is a warning.

Where things go depends on the template. The shipped one is a blank canvas: deckbook draws its own look
(margins from the theme, coloured cover and section slides, an accent rule under titles, its own footer).
A theme's `pptx_template` is followed instead: titles go where the layout's title placeholder is, content
where its body placeholders are (else below the title), and the layout's footer, date and slide-number
placeholders are filled — so nothing is drawn over the template's decorations or its footer zone.
"""

from __future__ import annotations

import difflib
from collections import Counter
from typing import Iterator
from dataclasses import dataclass, replace

from ... import model, yamlsrc
from ...errors import Diagnostic, Location
from ...model import Course, plain
from ...theme import THEME_FILE, Theme
from . import template
from .frames import Box, DeckPlan, NotesLine, Para, RectFrame, Run, SlidePlan, TextFrame
from .pieces import (SIZE_STEP, BoxPiece, CodePiece, ColumnsPiece, Context, Piece, Sizes, TablePiece,
                     footnotes_piece, pieces, place_stack, round_size, stack_height, take)
from .speaker import notes_lines
from ..common.colours import tints
from ..common.labels import Labels, labels
from ..common import teaching
from .template import Layout, Template

SHRINK_STEPS = 12
#: OOXML layout types, best first: the fallback when a template lacks a layout of the default name (e.g. a
#: translated template).
_TYPES = {"title": ("title",), "section": ("secHead",), "content": ("titleOnly", "obj", "tx"), "blank": ("blank",)}


@dataclass(frozen=True)
class Geometry:
    """Where things go on every slide, in points, and the template whose layouts the slides use."""

    width: float
    height: float
    margin: float
    footer_pitch: float
    template: Template
    follow: bool
    """The theme names its own template: its placeholders place titles, content and footers."""

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
    """Return the geometry of `theme`'s deck: a followed template keeps its own slide size."""
    deck = theme.spec.deck
    tpl = template.read(template.template_path(theme))
    follow = theme.spec.pptx_template is not None
    width, height = (tpl.width, tpl.height) if follow else (round(theme.slide_width_in * 72),
                                                              round(theme.slide_height_in * 72))
    return Geometry(width, height, deck.margin * 72, deck.footer_size * deck.line_spacing, tpl, follow)


def plan_deck(course: Course, theme: Theme) -> DeckPlan:
    """Return the deck laid out: a cover, then every chapter's slides; diagnostics say what did not fit.

    Every slide is held at once: `DeckStream` plans them one chapter at a time.
    """
    stream = DeckStream(course, theme)
    return stream.plan(tuple(stream))


class DeckStream:
    """The deck's slides, planned one chapter at a time each time they are iterated (the plan is pure,
    so every pass gives the same slides); `plan()` is the deck around them, with the last pass's diagnostics.

    A long course's slides do not all live at once: the overflow report keeps only its findings, and
    the writer makes one pass for the slides' layouts and anchors, then one to draw them.
    """

    def __init__(self, course: Course, theme: Theme) -> None:
        self.course, self.theme = course, theme
        self.geo = geometry(theme)
        self._diagnostics: tuple[Diagnostic, ...] = ()

    def __iter__(self) -> Iterator[SlidePlan]:
        course, geo = self.course, self.geo
        ctx = Context(self.theme, area_height=geo.content_bottom, words=labels(course.meta.language))
        _check_size(ctx, geo)
        seen: Counter[str] = Counter()  # a title still repeated (a hidden "(cont.)" meeting a real one) is numbered
        for plan in self._slides(ctx):
            seen[plan.title] += 1
            yield plan if seen[plan.title] == 1 else replace(plan, title=f"{plan.title} ({seen[plan.title]})")
        self._diagnostics = tuple(ctx.diagnostics.values())

    def _slides(self, ctx: Context) -> Iterator[SlidePlan]:
        course, geo = self.course, self.geo
        yield _cover(course, geo, ctx)
        times = teaching.timing(course)
        days = teaching.agenda(course, times)
        openers = {plan.chapters[0].slug: plan for plan in days if plan.chapters}
        titles = deck_titles(course, ctx.words)
        for timed in times.chapters:
            chapter = timed.chapter
            if chapter.handbook_only:
                continue
            if chapter.slug in openers:
                plan = openers[chapter.slug]
                yield from _plan_slide(_extra_slide(teaching.agenda_title(plan, ctx.words, len(days)),
                                                    (teaching.agenda_table(plan, ctx.words),), plan.day.loc), geo, ctx)
            after = next((i for i, s in enumerate(chapter.slides) if s.kind == "section"), -1)  # objectives after it
            if after < 0 and chapter.objectives:
                yield from _objectives(chapter, geo, ctx)
            for index, slide in enumerate(chapter.slides):
                planned = _plan_slide(_timed(slide, timed.slides[index]), geo, ctx, *titles[id(slide)])
                if planned:  # a cross-reference to the slide or a heading on it jumps to its first slide
                    planned[0] = replace(planned[0], anchors=_anchors(slide))
                yield from planned
                if index == after and chapter.objectives:
                    yield from _objectives(chapter, geo, ctx)
                for block in slide.blocks:
                    if isinstance(block, model.Exercise):
                        yield from _solution(block, geo, ctx)
            ctx.code_rows.clear()  # fitting's cache: code is not fitted again in a later chapter
        recap = teaching.recap_blocks(course, deck=True)
        if recap:
            found = dict(ctx.diagnostics)
            planned = _plan_slide(_extra_slide(ctx.words.recap, recap, course.chapters[0].loc), geo, ctx)
            # The recap is deckbook's text, every objective again: that it takes more than one slide is
            # no finding about the author's (each chapter's objectives slide is checked where it is).
            ctx.diagnostics = {key: d for key, d in ctx.diagnostics.items() if key in found or d.severity == "error"}
            yield from planned

    def plan(self, slides: tuple[SlidePlan, ...] = ()) -> DeckPlan:
        """Return the deck around `slides`, with the diagnostics of the last pass over the slides."""
        geo, course = self.geo, self.course
        footer = f"{course.meta.title} · {course.meta.version}"
        return DeckPlan(geo.width, geo.height, footer, course.meta.date.isoformat(), geo.footer_box(),
                        geo.number_box(), self.theme.spec.deck.footer_size, slides, self._diagnostics)


def _extra_slide(title: str, blocks: tuple[model.Block, ...], loc: Location) -> model.Slide:
    """Return a slide deckbook adds to the author's: an agenda, objectives, a solution, the recap."""
    return model.Slide("content", 0, (model.Text(title),), "", blocks, (), loc)


def _objectives(chapter: model.Chapter, geo: Geometry, ctx: Context) -> list[SlidePlan]:
    return _plan_slide(_extra_slide(ctx.words.objectives, (teaching.objectives_list(chapter),), chapter.loc), geo, ctx)


def _solution(exercise: model.Exercise, geo: Geometry, ctx: Context) -> list[SlidePlan]:
    """Return the slides of an exercise's solution, hidden: the trainer shows them after the lab."""
    title = f"{ctx.words.solution}: {exercise.title}" if exercise.title else ctx.words.solution
    return [replace(plan, hidden=True) for plan in _plan_slide(_extra_slide(title, exercise.solution, exercise.loc),
                                                               geo, ctx)]


def _timed(slide: model.Slide, minutes: int | None) -> model.Slide:
    """Return `slide` whose notes start with its teaching time ("≈ 25 min"), when it has one."""
    if not minutes:
        return slide
    return replace(slide, notes=(model.Paragraph((model.Text(teaching.about(minutes)),), slide.loc), *slide.notes))


def deck_titles(course: Course, words: Labels) -> dict[int, tuple[str, bool]]:
    """Return each slide's title on the deck, by `id` of the model slide, and whether it is hidden.

    Every slide gets a title, and no two the same (PowerPoint's accessibility rules: a screen reader
    finds slides by title). An untitled slide gets a hidden one: the title before it, continued. A title
    that several chapters use ("Takeaways") names its chapter; one repeated within a chapter is numbered.
    """
    wanted: list[tuple[int, str, bool, str]] = []  # (slide id, title, hidden, chapter)
    for chapter in course.chapters:
        if chapter.handbook_only:
            continue
        last = chapter.title
        for slide in chapter.slides:
            title = plain(slide.title)
            if title:
                last = title
            wanted.append((id(slide), title or last + continued(words, 1), not title, chapter.title))
    counts = Counter(title for _, title, _, _ in wanted)
    named = [(key, f"{title} \u2014 {chapter}" if counts[title] > 1 and title != chapter else title, hidden)
             for key, title, hidden, chapter in wanted]
    seen: Counter[str] = Counter()
    out = {}
    for key, title, hidden in named:
        seen[title] += 1
        out[key] = (title if seen[title] == 1 else f"{title} ({seen[title]})", hidden)
    return out


def _check_size(ctx: Context, geo: Geometry) -> None:
    theme = ctx.theme
    wanted = theme.slide_width_in / theme.slide_height_in
    if geo.follow and abs(geo.width / geo.height - wanted) > 0.01:
        ctx.warn(theme_location(theme, ("slide_size",)),
                 f"the slide template {geo.template.path.name} is {geo.width:g}×{geo.height:g} pt, not "
                 f"{theme.spec.slide_size}: the deck keeps the template's size", "make them agree")


# --- layouts -------------------------------------------------------------------------------------


def choose_layout(ctx: Context, geo: Geometry, kind: str, slide: model.Slide | None = None) -> Layout:
    """Return the template layout for a slide of `kind` ("title", "section", "content", "blank").

    The author's `layout=` wins; else the theme's `deck.layouts`. A default name the template lacks falls
    back to a layout of the same OOXML type (for content slides, any layout with a title but the cover's);
    a name the author or the theme wrote that the template lacks is an error listing the template's layouts.
    """
    tpl = geo.template
    if slide is not None and slide.layout:
        found = tpl.find(slide.layout)
        if found is not None:
            return found
        ctx.error(slide.loc, f"unknown slide layout '{slide.layout}'", _names_hint(slide.layout, tpl))
    layouts = ctx.deck.layouts
    name = getattr(layouts, kind)
    found = tpl.find(name)
    if found is not None:
        return found
    if kind in layouts.model_fields_set:
        ctx.error(theme_location(ctx.theme, ("deck", "layouts", kind)),
                  f"'deck.layouts.{kind}': the slide template has no layout '{name}'", _names_hint(name, tpl))
    typed = [lay for wanted in _TYPES[kind] for lay in tpl.layouts if lay.type == wanted]
    titled = [lay for lay in tpl.layouts if lay.box("title") is not None and lay.type != "title"]
    return (typed or (titled if kind != "blank" else []) or tpl.layouts[-1:])[0]


def _names_hint(name: str, tpl: Template) -> str:
    close = difflib.get_close_matches(name, tpl.names, n=1, cutoff=0.5)  # few names: be generous
    listed = ", ".join(f"'{n}'" for n in tpl.names)
    return (f"did you mean '{close[0]}'? " if close else "") + f"the layouts of {tpl.path.name}: {listed}"


def theme_location(theme: Theme, keys: tuple[str, ...]) -> Location:
    """Return where `keys` is set: the first file of the theme's `extends:` chain that sets it."""
    found = yamlsrc.find([folder / THEME_FILE for folder in theme.folders], keys)
    return found or Location(theme.root / THEME_FILE)


def _dark(geo: Geometry, layout: Layout, kind: str) -> bool:
    """Return whether text drawn on the slide sits on a dark background (and so should be light)."""
    return layout.dark if geo.follow else kind in ("title", "section")


def _footer(geo: Geometry, ctx: Context, layout: Layout, kind: str) -> dict:
    """Return the footer fields of a SlidePlan: the layout's placeholders when followed, else text boxes."""
    if kind == "title":
        return {"footer": ""}
    if geo.follow and layout.has_footers:
        return {"footer": "template"}
    colour = tints(ctx.colors).footer_on_dark if _dark(geo, layout, kind) else ctx.colors.muted
    return {"footer": "own", "footer_color": colour}


def _title_look(geo: Geometry, ctx: Context, layout: Layout, kind: str, loc: Location | None) -> dict:
    """Return the title fields of a SlidePlan: a followed template's placeholder keeps its own colour."""
    if geo.follow and layout.box("title") is not None:
        return {"title_color": None, "title_anchor": None}
    if loc is not None and layout.box("title") is None:
        ctx.warn(loc, f"layout '{layout.name}' has no title placeholder: the title is drawn as a text box",
                 "choose a layout with a title")
    colour = ctx.colors.background if _dark(geo, layout, kind) else ctx.colors.primary
    return {"title_color": colour, "title_anchor": "b" if kind == "title" else "t"}


def _title_zone(geo: Geometry, layout: Layout) -> Box:
    """Return where a followed template puts titles: the layout's placeholder, else the master's."""
    zone = layout.box("title") or geo.template.master.box("title")
    return zone or Box(geo.margin, 0.6 * geo.margin, geo.inner_w, 2 * geo.margin)


def _footer_top(geo: Geometry, layout: Layout) -> float:
    """Return the top of the footer zone: content ends above it."""
    if geo.follow and layout.has_footers:
        return min(b.y for role in template.FOOTER_ROLES for b in layout.boxes(role))
    return geo.footer_y


def _template_area(geo: Geometry, layout: Layout, title: Box | None) -> Box:
    """Return a followed template's content area: its body placeholders, else below the title.

    A layout with neither (a blank one) gets the master's body area, where the template's designer keeps
    content; the area always ends above the footer zone and below the title.
    """
    m = geo.margin
    bodies = layout.boxes("body")
    if bodies:
        area = _union(bodies)
    elif title is not None:
        area = Box(title.x, title.bottom + 0.4 * m, title.w, geo.height)
    else:
        area = geo.template.master.box("body") or Box(m, m, geo.inner_w, geo.height)
    top = area.y
    if title is not None and title.x < area.right and area.x < title.right:
        top = max(top, title.bottom + 0.25 * m)
    bottom = min(area.bottom, _footer_top(geo, layout) - 0.3 * m)
    left, right = max(area.x, 0.0), min(area.right, geo.width)
    return Box(left, top, right - left, max(bottom - top, 0.0))


def _union(boxes: list[Box]) -> Box | None:
    if not boxes:
        return None
    x, y = min(b.x for b in boxes), min(b.y for b in boxes)
    return Box(x, y, max(b.right for b in boxes) - x, max(b.bottom for b in boxes) - y)


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
    layout = choose_layout(ctx, geo, "title")
    dark = _dark(geo, layout, "title")
    light = tints(ctx.colors).on_dark
    sub_colour, meta_colour = (light, light) if dark else (ctx.colors.primary, ctx.colors.muted)
    sub_size, meta_size = round_size(deck.body_size * 1.2), deck.min_body_size
    subtitle = Para((Run(meta.subtitle),), sub_size, ctx.pitch(sub_size), color=sub_colour)
    lines = [", ".join(meta.authors), meta.organisation, f"Version {meta.version} · {meta.date.isoformat()}"]
    details = [Para((Run(text),), meta_size, ctx.pitch(meta_size), color=meta_colour) for text in lines if text]
    look = {"layout": layout.name, **_title_look(geo, ctx, layout, "title", None), **_footer(geo, ctx, layout, "title")}
    if geo.follow:
        return _template_cover(meta.title, subtitle if meta.subtitle else None, details, geo, ctx, layout, look)
    m = geo.margin
    zone = Box(m, geo.height * 0.22, geo.inner_w, 2 * ctx.pitch(deck.cover_title_size))
    size, h = _fit_title(ctx, meta.title, zone, deck.cover_title_size)
    title_box = Box(zone.x, zone.y, zone.w, h)
    frames = [RectFrame(Box(m, title_box.bottom + 0.3 * m, 1.6 * m, 4), ctx.colors.accent, name="Rule")]
    if meta.subtitle:
        sub_h = ctx.lines(subtitle.runs, sub_size, geo.inner_w) * subtitle.pitch
        frames.append(TextFrame(Box(m, title_box.bottom + 0.3 * m + 4 + 0.4 * m, geo.inner_w, sub_h), (subtitle,)))
    meta_h = len(details) * ctx.pitch(meta_size)
    frames.append(TextFrame(Box(m, geo.height - m - meta_h, geo.inner_w, meta_h), tuple(details)))
    return SlidePlan("title", meta.title, title_box, size, tuple(frames), "", background=ctx.colors.primary, **look)


def _template_cover(title: str, subtitle: Para | None, details: list[Para], geo: Geometry, ctx: Context,
                    layout: Layout, look: dict) -> SlidePlan:
    """Return the title slide of a followed template: the subtitle and details go in its subtitle area."""
    zone = _title_zone(geo, layout)
    size, h = _fit_title(ctx, title, zone, ctx.deck.cover_title_size)
    title_box = Box(zone.x, zone.y, zone.w, max(zone.h, h))
    area = layout.box("subtitle") or _template_area(geo, layout, title_box)
    top = max(area.y, title_box.bottom) if area.x < title_box.right and title_box.x < area.right else area.y
    paras = [subtitle] if subtitle else []
    if details:
        gap = ctx.pitch(details[0].size) if paras else 0.0
        paras += [replace(details[0], space_before=gap), *details[1:]]
    needed = sum(p.space_before + ctx.lines(p.runs, p.size, area.w) * p.pitch for p in paras)
    box = Box(area.x, top, area.w, max(area.bottom - top, needed))
    return SlidePlan("title", title, title_box, size, (TextFrame(box, tuple(paras)),) if paras else (), "", **look)


def _section(slide: model.Slide, geo: Geometry, ctx: Context, title: str) -> SlidePlan:
    """Return a section divider: its title large, on the primary colour (own look) or the template's layout."""
    layout = choose_layout(ctx, geo, "section", slide)
    look = {"layout": layout.name, **_title_look(geo, ctx, layout, "section", slide.loc),
            **_footer(geo, ctx, layout, "section")}
    if geo.follow:
        zone = _title_zone(geo, layout)
        size, h = _fit_title(ctx, title, zone, ctx.deck.section_size)
        box = Box(zone.x, zone.y, zone.w, max(zone.h, h))
        return SlidePlan("section", title, box, size, (), notes_lines(slide.notes, ctx), **look)
    zone = Box(geo.margin, geo.height * 0.36, geo.inner_w, 2 * ctx.pitch(ctx.deck.section_size))
    size, h = _fit_title(ctx, title, zone, ctx.deck.section_size)
    box = Box(zone.x, zone.y, zone.w, h)
    rule = RectFrame(Box(geo.margin, box.bottom + 0.3 * geo.margin, 1.6 * geo.margin, 4), ctx.colors.accent,
                     name="Rule")
    return SlidePlan("section", title, box, size, (rule,), notes_lines(slide.notes, ctx), background=ctx.colors.primary,
                     **look)


# --- content slides ------------------------------------------------------------------------------


def _anchors(slide: model.Slide) -> tuple[str, ...]:
    """Return the anchors of `slide` and of the sub-headings it shows."""
    def headings(blocks) -> list[str]:
        found = []
        for block in blocks:
            if isinstance(block, model.Heading) and block.anchor:
                found.append(block.anchor)
            elif isinstance(block, model.Only) and block.target == "slides":
                found += headings(block.blocks)
        return found

    return tuple(a for a in (slide.anchor, *headings(slide.blocks)) if a)


def _plan_slide(slide: model.Slide, geo: Geometry, ctx: Context, title: str | None = None,
                hidden: bool = False) -> list[SlidePlan]:
    """Return the slides of one heading: a section divider, and its content on as many slides as needed.

    `title` is the slide's title on the deck (`deck_titles`); `hidden`: the slide shows none.
    The author's `layout=` applies to every slide the heading makes, except a section heading's: there it
    chooses the divider's layout, and any content under the heading uses the theme's. The slides after
    the first are titled "(cont.)", then "(cont. 2)" …, so no two slides share a title.
    """
    title = plain(slide.title) if title is None else title  # an added slide (agenda, solution) as it is
    plans = []
    if slide.kind == "section":
        # The divider keeps the notes only when the section has no content: notes follow what they are about.
        plans.append(_section(replace(slide, notes=()) if slide.blocks else slide, geo, ctx, title))
        if not slide.blocks:
            return plans
    shown = "" if hidden else title
    layout = choose_layout(ctx, geo, "content" if shown else "blank", None if plans else slide)
    ctx.footnotes = {}
    items = pieces(slide.blocks, ctx)
    notes_piece = footnotes_piece(ctx, slide.loc)  # the footnotes go under the content they annotate
    if notes_piece is not None:
        items.append(notes_piece)
    pages, sizes = _fit(ctx, items, shown, slide, geo, layout)
    notes = notes_lines(slide.notes, ctx)
    first = len(plans)  # after a section divider, the content's first slide counts on from it
    for n, page in enumerate(pages, start=first):
        page_title = title + continued(ctx.words, n)
        plan = _content(ctx, "" if hidden else page_title, page, sizes, geo, layout, slide,
                        notes if n == first else ())
        plans.append(replace(plan, title=page_title, title_hidden=True, title_size=ctx.deck.title_size)
                     if hidden else plan)
    return plans


def continued(words: Labels, n: int) -> str:
    """Return what the title of the `n`-th slide after a heading's first ends with (nothing on the first)."""
    mark = words.cont  # "(cont.)": the n-th becomes "(cont. n)"
    return "" if n == 0 else f" {mark}" if n == 1 else f" {mark[:-1]} {n}{mark[-1]}" if mark.endswith(")") \
        else f" {mark} {n}"


def _areas(ctx: Context, title: str, geo: Geometry, layout: Layout, loc) -> tuple[Box | None, float, Box, list]:
    """Return (title box, title size, content area, decoration frames) of a content slide."""
    size = ctx.deck.title_size
    if geo.follow:
        box, fitted = None, 0.0
        if title:
            zone = _title_zone(geo, layout)
            fitted, h = _fit_title(ctx, title, zone, size)
            box = Box(zone.x, zone.y, zone.w, max(zone.h, h))
        area = _template_area(geo, layout, box)
    else:
        box, fitted, area = _own_areas(ctx, title, geo)
    if title and fitted < size:
        ctx.warn(loc, f"slide title shrunk from {size:g} pt to {fitted:g} pt to fit", "shorten the title")
    if box is None or geo.follow:
        return box, fitted, area, []
    rule = RectFrame(Box(geo.margin, box.bottom + 0.15 * geo.margin, 1.6 * geo.margin, 3), ctx.colors.accent,
                     name="Rule")
    return box, fitted, area, [rule]


def _own_areas(ctx: Context, title: str, geo: Geometry) -> tuple[Box | None, float, Box]:
    """Return (title box, title size, content area) in deckbook's own look: a rule between title and content."""
    m = geo.margin
    if not title:
        return None, 0.0, Box(m, m, geo.inner_w, geo.content_bottom - m)
    zone = Box(m, 0.6 * m, geo.inner_w, ctx.pitch(ctx.deck.title_size))
    fitted, h = _fit_title(ctx, title, zone, ctx.deck.title_size)
    box = Box(zone.x, zone.y, zone.w, max(h, zone.h))
    top = box.bottom + 0.15 * m + 3 + 0.4 * m  # the rule and the space under it
    return box, fitted, Box(m, top, geo.inner_w, geo.content_bottom - top)


def _fit(ctx: Context, items: list[Piece], title: str, slide: model.Slide, geo: Geometry,
         layout: Layout) -> tuple[list[list[Piece]], Sizes]:
    """Return the pages of `items` and the sizes they use: grow tables into free room, else shrink until
    everything fits, else split."""
    _, _, area, _ = _areas(ctx, title, geo, layout, slide.loc)
    ctx.area_height = area.h
    steps = _size_steps(ctx, tables=TablePiece in _kinds(items))
    nominal = _size_steps(ctx, tables=False)[0]
    for sizes in steps:
        if stack_height(ctx, items, area.w, sizes, minimum=True) <= area.h:
            if _shrunk(sizes, nominal):
                _warn_shrink(ctx, items, area.w, nominal, sizes, title)
            return [items], sizes
    pages, forced = _paginate(ctx, items, area, steps[-1])
    sizes = steps[-1]
    if not forced:  # as few slides as the minimum sizes need, but with the largest text that needs no more
        for sizes in steps:
            larger, forced = _paginate(ctx, items, area, sizes)
            if not forced and len(larger) <= len(pages):
                pages = larger
                break
    for piece in forced:
        ctx.warn(piece.loc, "block too tall for a slide even at the minimum sizes: its text overflows",
                 "shorten it")
    for page in pages[1:]:
        ctx.warn(page[0].loc, f"slide '{title or 'untitled'}' does not fit even at the minimum sizes: "
                 f"split onto {len(pages)} slides", "shorten it or split it into several slides")
    return pages, sizes


def _size_steps(ctx: Context, tables: bool) -> list[Sizes]:
    """Return the sizes to try, largest first: the theme's, then smaller ones down to its minimums.

    With `tables`, tables start larger, at the body size (a short table on an empty slide should not be
    small print), and come down to the theme's table size before anything else shrinks.
    """
    d = ctx.deck
    out: list[Sizes] = []
    for i in range(SHRINK_STEPS + 1):
        t = i / SHRINK_STEPS
        sizes = Sizes(*(max(low, round_size(high + (low - high) * t)) for high, low in
                        ((d.body_size, d.min_body_size), (d.code_size, d.min_code_size),
                         (d.table_size, d.min_table_size))))
        if not out or sizes != out[-1]:
            out.append(sizes)
    nominal = out[0]
    grown = [replace(nominal, table=round_size(d.body_size) - i * SIZE_STEP)
             for i in range(round((round_size(d.body_size) - nominal.table) / SIZE_STEP))]
    return grown + out if tables else out


def _shrunk(sizes: Sizes, nominal: Sizes) -> bool:
    return sizes.body < nominal.body or sizes.code < nominal.code or sizes.table < nominal.table


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


def _paginate(ctx: Context, items: list[Piece], area: Box, sizes: Sizes) -> tuple[list[list[Piece]], list[Piece]]:
    """Return `items` cut into slides, and the pieces too tall for an empty slide (each gets one to itself)."""
    pages: list[list[Piece]] = []
    forced: list[Piece] = []
    rest = items
    while rest:
        head, tail = take(ctx, rest, area.w, sizes, area.h)
        if not head:
            head, tail = [rest[0]], rest[1:]
            forced.append(rest[0])
        pages.append(head)
        rest = tail
    return pages, forced


def _content(ctx: Context, title: str, page: list[Piece], sizes: Sizes, geo: Geometry, layout: Layout,
             slide: model.Slide, notes: tuple[NotesLine, ...]) -> SlidePlan:
    box, size, area, decoration = _areas(ctx, title, geo, layout, slide.loc)
    ctx.area_height = area.h
    frames = decoration + place_stack(ctx, page, area, sizes)
    kind = "content" if title else "blank"
    return SlidePlan("content", title, box, size, tuple(frames), notes, layout.name,
                     **_title_look(geo, ctx, layout, kind, slide.loc if title else None),
                     **_footer(geo, ctx, layout, kind))

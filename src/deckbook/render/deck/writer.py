"""Drawing a laid-out deck with python-pptx: one function per frame type, units converted here (Pt).

A run is split where the theme's font fallback chain changes font (`fontchain.Chain.segments`): the
part that only a fallback font has names that family for every script slot (`a:latin`, `a:ea`, `a:cs`,
`a:sym`), and a paragraph whose text starts in Arabic or Hebrew is right to left (`rtl`, aligned right).

Shapes, tables, pictures and charts are made with python-pptx; their text, fills and placement are
written as DrawingML by `xml`, because python-pptx's proxies for those were most of the render time.
"""

from __future__ import annotations

import io
from copy import deepcopy
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Callable, Iterable, Sequence

from lxml import etree
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_CONNECTOR, MSO_SHAPE, PP_PLACEHOLDER
from pptx.opc.constants import CONTENT_TYPE as CT, RELATIONSHIP_TYPE as RT
from pptx.opc.package import Part
from pptx.opc.packuri import PackURI
from pptx.oxml.ns import qn
from pptx.parts.slide import NotesSlidePart, SlidePart
from pptx.presentation import Presentation as PresentationObject
from pptx.slide import Slide
from pptx.util import Pt

from ...errors import Location
from ...theme import Theme
from ..common import alt, fontchain
from . import chart, package, svgpicture, xml
from .frames import (Box, ChartFrame, CodeFrame, DeckPlan, Frame, ImageFrame, MathFrame, NotesLine, Para,
                     RectFrame, Run, SlidePlan, TableFrame, TextFrame, TreeFrame)
from ..common.colours import tints
from ..common.labels import Labels, labels

#: Field ids are GUIDs; a fixed one keeps saves reproducible.
SLIDENUM_GUID = "{B6F15528-21DE-4FAA-801E-634DDDAF4B2B}"
_TITLES = (PP_PLACEHOLDER.TITLE, PP_PLACEHOLDER.CENTER_TITLE)
NOTES_SIZE = 12.0  # points: the body size of the notes master python-pptx and PowerPoint start from
#: The footer placeholders a layout may have, and the names their copies on a slide get.
_FOOTERS = {PP_PLACEHOLDER.DATE: "Date", PP_PLACEHOLDER.FOOTER: "Footer", PP_PLACEHOLDER.SLIDE_NUMBER: "Slide Number"}


@dataclass(frozen=True)
class Pen:
    """What drawing needs besides the frame: the theme's fonts and colours, and the language."""

    theme: Theme
    language: str
    #: The slide each heading anchor is shown on, for cross-references (`#anchor`) to jump to.
    targets: dict = field(default_factory=dict)

    @property
    def words(self) -> Labels:
        return labels(self.language)

    @property
    def colors(self):
        return self.theme.spec.colors

    @property
    def fonts(self):
        return self.theme.spec.fonts

    @cached_property
    def svg_parts(self) -> dict[bytes, Part]:
        """The SVG parts already in the package, by content: a picture shown twice is stored once."""
        return {}

    @cached_property
    def svg_fonts(self) -> tuple[Path, ...]:
        """The font files an SVG's text may use: the theme's faces, then its installed fallback fonts."""
        fonts = self.theme.spec.fonts
        faces = [getattr(getattr(fonts, role), face) for role in ("body", "heading", "mono")
                 for face in ("regular", "bold", "italic", "bold_italic")]
        return tuple(dict.fromkeys([*faces, *(f.file for f in self.chain.fallback if f.file is not None)]))

    @cached_property
    def chain(self) -> fontchain.Chain:
        """The theme's font fallback chain: a run's characters the theme's faces lack name a fallback font."""
        return fontchain.chain(self.theme)


def draw_deck(prs: PresentationObject, plan: DeckPlan, pen: Pen, slides: Iterable[SlidePlan] | None = None,
              skeleton: Sequence[tuple[str, tuple[str, ...]]] | None = None) -> None:
    """Add every slide to `prs` (`slides`, default `plan.slides`), each from the template layout it names.

    Every slide exists before any is drawn, so a cross-reference can jump forward: `skeleton` gives each
    slide's layout and anchors first (default: read from `slides`, which are then iterated twice; a
    `layout.DeckStream` plans them afresh on each pass).
    """
    slides = plan.slides if slides is None else slides
    if skeleton is None:
        skeleton = [(slide_plan.layout, slide_plan.anchors) for slide_plan in slides]
    layouts = _layouts(prs)
    adder = _Slides(prs)
    notes = _Notes()
    # Only the slides' parts are kept: a `Slide` holds its tree, which `package.finish` lets go once drawn.
    made = [adder.add(layouts[layout]).part for layout, _ in skeleton]
    pen = replace(pen, targets={a: part for part, (_, anchors) in zip(made, skeleton) for a in reversed(anchors)})
    for number, (part, slide_plan) in enumerate(zip(made, slides, strict=True), start=1):
        slide = part.slide
        if slide_plan.hidden:
            slide._element.set("show", "0")  # PresentationML's hidden slide; python-pptx has no API for it
        _draw_slide(slide, slide_plan, pen)
        if slide_plan.footer == "own":
            _footer(slide, plan, number, slide_plan.footer_color, pen)
        elif slide_plan.footer == "template":
            _template_footer(slide, plan, number, pen)
        if slide_plan.notes:
            notes.add(slide, slide_plan.notes, pen)
        package.finish(slide)


class _Slides:
    """Appends slides as python-pptx's `Slides.add_slide` does, in constant time per slide.

    python-pptx looks for an existing relationship to each new slide among all of the presentation's
    (`_Relationships.get_or_add`) and reads every slide id for the highest: drawing a deck was quadratic
    in its slides (4 750 slides: 112 s, of which two thirds in those walks; scanny/python-pptx#644).
    A new part has no relationship yet, and ids only grow while a deck is drawn, so neither walk is needed.
    """

    def __init__(self, prs: PresentationObject) -> None:
        self._part = prs.part
        self._ids = prs.slides._sldIdLst  # python-pptx: CT_SlideIdList
        self._count = len(self._ids)
        self._next_id = max([255, *(int(i) for i in self._ids.xpath("./p:sldId/@id"))]) + 1

    def add(self, layout) -> Slide:
        self._count += 1
        slide_part = SlidePart.new(PackURI(f"/ppt/slides/slide{self._count}.xml"), self._part.package, layout.part)
        rid = self._part.rels._add_relationship(RT.SLIDE, slide_part)
        slide = slide_part.slide
        slide.shapes.clone_layout_placeholders(layout)
        self._ids._add_sldId(id=self._next_id, rId=rid)
        self._next_id += 1
        return slide


class _Notes:
    """Speaker notes: the first notes slide is python-pptx's, the others are copies of it made before its text.

    python-pptx makes every notes slide by cloning the notes master's placeholders, about 1.4 ms a slide
    (0.12 s for the shipped course's 87 under cProfile); the clones come out the same on every notes slide.
    The notes master is looked up once: each lookup walks all of the presentation's relationships.
    """

    def __init__(self) -> None:
        self._blank = None  # the first notes slide's element, without text
        self._master = None

    def add(self, slide: Slide, lines: tuple[NotesLine, ...], pen: Pen) -> None:
        """Give `slide` a notes slide holding `lines`, one paragraph each, formatted as on a slide."""
        if self._blank is None:
            self._blank = deepcopy(slide.notes_slide.element)
            self._master = slide.part.package.presentation_part.notes_master_part
        else:  # what python-pptx's SlidePart._add_notes_slide_part does, in the same order
            package, slide_part = slide.part.package, slide.part
            notes_part = NotesSlidePart(package.next_partname("/ppt/notesSlides/notesSlide%d.xml"),
                                        CT.PML_NOTES_SLIDE, package, deepcopy(self._blank))
            notes_part.relate_to(self._master, RT.NOTES_MASTER)
            notes_part.relate_to(slide_part, RT.SLIDE)
            slide_part.relate_to(notes_part, RT.NOTES_SLIDE)
        notes_slide = slide.notes_slide
        tx_body = notes_slide.notes_text_frame._txBody
        for p in tx_body.findall(xml.P)[1:]:
            tx_body.remove(p)
        for i, line in enumerate(lines):
            p = tx_body.find(xml.P) if i == 0 else etree.SubElement(tx_body, xml.P)
            _fill_para(p, Para(line, NOTES_SIZE, NOTES_SIZE * 1.2), pen, notes_slide.part)


def _layouts(prs: PresentationObject) -> dict:
    """Return the layouts of every master by name; the first of a name wins, as in `template.Template.find`."""
    found: dict = {}
    for master in prs.slide_masters:
        for layout in master.slide_layouts:
            found.setdefault(layout.name, layout)
    return found


def _draw_slide(slide: Slide, plan: SlidePlan, pen: Pen) -> None:
    if plan.background:
        fill = slide.background.fill
        fill.solid()
        fill.fore_color.rgb = _rgb(plan.background)
    for placeholder in list(slide.placeholders):
        if placeholder.placeholder_format.type not in _TITLES or not plan.title:  # keep only the title
            placeholder.element.getparent().remove(placeholder.element)
    # Count shape ids on from here instead of searching the whole slide for the highest at every new shape.
    # The ids are the same: every shape from now on is added through this one `slide.shapes`.
    slide.shapes.turbo_add_enabled = True
    if plan.title:
        _title(slide, plan, pen)
    for frame in plan.frames:
        _DRAW[type(frame)](slide, frame, pen)


def _title(slide: Slide, plan: SlidePlan, pen: Pen) -> None:
    """Write the slide's title into its title placeholder (first in reading order), or a hidden one."""
    shape = slide.shapes.title
    if shape is None:  # the layout has none (the plan reported it, or the title is hidden): a text box
        shape = slide.shapes.add_textbox(0, 0, 0, 0)
        shape.name = "Title"
        nv_pr = shape._element.find(f"{qn('p:nvSpPr')}/{qn('p:nvPr')}")
        etree.SubElement(nv_pr, qn("p:ph"), type="title")  # what screen readers and the outline look for
        tree = shape._element.getparent()
        tree.remove(shape._element)
        tree.insert(2, shape._element)  # after the group's own properties: read first
    if plan.title_box is not None:
        _place(shape, plan.title_box)
    if plan.title_hidden:
        _c_nv_pr(shape).set("hidden", "1")
    tx_body = shape._element.txBody
    xml.body(tx_body, wrap=True, anchor=plan.title_anchor)
    pitch = plan.title_size * pen.theme.spec.deck.line_spacing
    para = Para((Run(plan.title, bold=True),), plan.title_size, pitch, color=plan.title_color)
    p = tx_body.find(xml.P)
    _fill_para(p, para, pen, slide.part, pen.fonts.heading.family)
    for rpr in p.iterfind(f"{xml.R}/{xml.RPR}"):
        rpr.set("cap", "none")  # some layouts (Section Header) set all caps


def _footer(slide: Slide, plan: DeckPlan, number: int, colour: str | None, pen: Pen) -> None:
    """Draw deckbook's own footer: the course and version on the left, the slide number on the right."""
    pitch = plan.footer_size * pen.theme.spec.deck.line_spacing
    footer = _text_box(slide, plan.footer_box, wrap=False)
    _fill_para(_first_para(footer), Para((Run(plan.footer),), plan.footer_size, pitch, color=colour), pen,
               slide.part)
    footer.name = "Footer"
    box = _text_box(slide, plan.number_box, wrap=False)
    box.name = "Slide Number"
    p = _first_para(box)
    _fill_para(p, Para((), plan.footer_size, pitch, align="r", color=colour), pen, slide.part)
    xml.slide_number(p, SLIDENUM_GUID, number, pen.language, plan.footer_size, colour, pen.fonts.body.family)


def _template_footer(slide: Slide, plan: DeckPlan, number: int, pen: Pen) -> None:
    """Fill the layout's date, footer and slide-number placeholders, in the template's own style.

    python-pptx does not copy them onto a new slide (#64, #201): each is cloned from the layout without
    its position or formatting, so it inherits both, and given the course's text. LibreOffice ignores the
    inherited size and font of a footer placeholder (7.4), so those two are written on the text itself.
    """
    texts = {"Date": plan.date, "Footer": plan.footer}
    for placeholder in slide.slide_layout.placeholders:
        name = _FOOTERS.get(placeholder.placeholder_format.type)
        if name is None:
            continue
        size = _declared_size(placeholder) or plan.footer_size
        sp = deepcopy(placeholder.element)
        sp.nvSpPr.cNvPr.set("id", str(slide.shapes._next_shape_id))
        sp.nvSpPr.cNvPr.set("name", name)
        sp.replace(sp.spPr, etree.Element(qn("p:spPr")))
        body = sp.find(qn("p:txBody"))
        template_para = body.find(qn("a:p"))
        for child in list(body):
            body.remove(child)
        etree.SubElement(body, qn("a:bodyPr"))
        etree.SubElement(body, qn("a:lstStyle"))
        p = etree.SubElement(body, qn("a:p"))
        ppr = template_para.find(qn("a:pPr")) if template_para is not None else None
        if ppr is not None:  # a paragraph's alignment is not inherited from the layout's sample text
            p.append(deepcopy(ppr))
        if name == "Slide Number":
            xml.slide_number(p, SLIDENUM_GUID, number, pen.language, size, family=pen.fonts.body.family)
        else:
            run = etree.SubElement(p, qn("a:r"))
            rpr = etree.SubElement(run, qn("a:rPr"), lang=pen.language, sz=str(round(size * 100)))
            etree.SubElement(rpr, qn("a:latin"), typeface=pen.fonts.body.family)
            etree.SubElement(run, qn("a:t")).text = texts[name]
        slide.shapes._spTree.insert_element_before(sp, "p:extLst")


def _declared_size(placeholder) -> float | None:
    """Return the text size (points) a layout placeholder, or the master's it inherits from, declares."""
    path = f"{qn('p:txBody')}/{qn('a:lstStyle')}/{qn('a:lvl1pPr')}/{qn('a:defRPr')}"
    for source in (placeholder, placeholder._base_placeholder):
        found = source.element.find(path) if source is not None else None
        if found is not None and found.get("sz"):
            return int(found.get("sz")) / 100
    return None


# --- text ----------------------------------------------------------------------------------------


def _place(shape, box: Box) -> None:
    xml.place(shape._element.spPr, box.x, box.y, box.w, box.h)


def _text_box(slide: Slide, box: Box, wrap: bool = True, anchor: str = "t"):
    shape = slide.shapes.add_textbox(Pt(box.x), Pt(box.y), Pt(box.w), Pt(box.h))
    xml.body(shape._element.txBody, wrap, anchor)
    return shape


def _first_para(shape):
    """Return the `a:p` element a new shape's text starts with."""
    return shape._element.txBody.find(xml.P)


def _draw_text(slide: Slide, frame: TextFrame, pen: Pen) -> None:
    shape = _text_box(slide, frame.box, anchor=frame.anchor)
    _fill_paras(shape._element.txBody, frame.paras, pen, slide.part)


def _fill_paras(tx_body, paras: tuple[Para, ...], pen: Pen, part: SlidePart, family: str | None = None) -> None:
    """Fill text body `tx_body` (holding one empty paragraph) with `paras`, one `a:p` each."""
    numbering: dict[int, tuple[int, int]] = {}
    for i, para in enumerate(paras):
        p = tx_body.find(xml.P) if i == 0 else etree.SubElement(tx_body, xml.P)
        ppr = _fill_para(p, para, pen, part, family)
        _bullet(ppr, para, numbering, pen)


def _fill_para(p, para: Para, pen: Pen, part: SlidePart, family: str | None = None):
    """Write `para` into the empty paragraph element `p` of a shape on slide `part`; return its `a:pPr`.

    Hyperlinks become relationships of `part`, in the order of the runs (as python-pptx numbers them).
    """
    ppr = xml.paragraph(p, para.align, para.pitch, para.space_before)  # exact pitch: what the layout measured
    lang = pen.language
    for run in para.runs:
        if run.text == "\n":
            xml.line_break(p)
            continue
        face = pen.fonts.mono.family if run.mono else family or pen.fonts.body.family
        link, action = _link(run.link, part, pen)
        marks = xml.Marks(run.underline, run.script, run.highlight)
        for text, fallback in pen.chain.segments(run.text):
            xml.run(p, text, para.size, run.bold, run.italic, lang, fallback.family if fallback else face,
                    run.color or para.color, run.strike, link, marks, every_script=fallback is not None,
                    action=action)
    if fontchain.right_to_left("".join(run.text for run in para.runs)):
        ppr.set("rtl", "1")
        ppr.set("algn", {"l": "r", "r": "l"}.get(para.align, para.align))
    xml.end(p, para.size, lang)
    return ppr


def _link(target: str, part: SlidePart, pen: Pen) -> tuple[str | None, str | None]:
    """Return the relationship id and action of a hyperlink to `target` from slide `part` (None, None: none).

    A cross-reference (`#anchor`) jumps to the slide showing that heading (PowerPoint's `hlinksldjump`);
    one to a heading the deck does not show (handbook-only content) is plain text.
    """
    if not target:
        return None, None
    if not target.startswith("#"):
        return part.relate_to(target, RT.HYPERLINK, is_external=True), None
    slide = pen.targets.get(target[1:])
    if slide is None:
        return None, None
    return part.relate_to(slide, RT.SLIDE), "ppaction://hlinksldjump"


def _bullet(ppr, para: Para, numbering: dict[int, tuple[int, int]], pen: Pen) -> None:
    """Give a paragraph its indent and bullet: "•", or automatic numbers continuing from the list's start."""
    if not para.margin:
        return
    hang = 1.1 * para.size
    if not para.bullet:
        xml.bullet(ppr, para.margin, hang, pen.colors.primary)
        return
    if not para.bullet[0].isdigit():  # "•", or a task's box
        xml.bullet(ppr, para.margin, hang, pen.colors.primary, char=para.bullet)
        return
    level = round(para.margin / hang)
    number = int(para.bullet.rstrip("."))
    previous = numbering.get(level)
    if previous is None or previous[1] != number - 1:
        previous = (number, number)
    numbering[level] = (previous[0], number)  # (start of this run of numbers, last number)
    for deeper in [lv for lv in numbering if lv > level]:
        del numbering[deeper]
    xml.bullet(ppr, para.margin, hang, pen.colors.primary, start=previous[0])


# --- shapes --------------------------------------------------------------------------------------


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#"))


def _plain_shape(shape) -> None:
    """Drop the theme style python-pptx gives autoshapes (its shadow and theme text colour)."""
    style = shape._element.find(qn("p:style"))
    if style is not None:
        shape._element.remove(style)


def _rect(slide: Slide, box: Box, fill: str | None, line: str | None, rounded: bool = False, width: float = 0.75):
    kind = MSO_SHAPE.ROUNDED_RECTANGLE if rounded else MSO_SHAPE.RECTANGLE
    shape = slide.shapes.add_shape(kind, Pt(box.x), Pt(box.y), Pt(box.w), Pt(box.h))
    _plain_shape(shape)
    xml.fill_and_line(shape._element.spPr, fill, line, width)
    return shape


def _draw_rect(slide: Slide, frame: RectFrame, pen: Pen) -> None:
    shape = _rect(slide, frame.box, frame.fill, frame.line, frame.rounded)
    if frame.name:
        shape.name = frame.name
    xml.decorative(_c_nv_pr(shape))


def _c_nv_pr(shape):
    """Return a shape's `p:cNvPr` (its id, name, alternative text and extensions), whatever its kind."""
    return shape._element.find(f"./*/{qn('p:cNvPr')}")


def _draw_code(slide: Slide, frame: CodeFrame, pen: Pen) -> None:
    """Draw a code box: background, highlighted-line bands, then the text with one run per token."""
    colors = pen.colors
    background = _rect(slide, frame.box, colors.code_background, colors.code_border)
    background.name = "Code background"
    xml.decorative(_c_nv_pr(background))
    for first, count in _bands(frame.highlighted):
        y = frame.box.y + frame.pad_y + first * frame.pitch
        band = _rect(slide, Box(frame.box.x + 1, y, frame.box.w - 2, count * frame.pitch), colors.highlight, None)
        band.name = "Highlighted lines"
        xml.decorative(_c_nv_pr(band))
    shape = slide.shapes.add_textbox(Pt(frame.box.x), Pt(frame.box.y), Pt(frame.box.w), Pt(frame.box.h))
    shape.name = "Code"
    tx_body = shape._element.txBody
    xml.body(tx_body, wrap=False, anchor="t", inset_x=frame.pad_x, inset_y=frame.pad_y)
    for i, row in enumerate(frame.rows):
        p = tx_body.find(xml.P) if i == 0 else etree.SubElement(tx_body, xml.P)
        runs = tuple(Run(r.text, r.bold, r.italic, mono=True, color=r.color) for r in row)
        _fill_para(p, Para(runs, frame.size, frame.pitch), pen, slide.part)


def _bands(rows: tuple[int, ...]) -> list[tuple[int, int]]:
    """Return consecutive row numbers as (first, count) bands."""
    bands: list[tuple[int, int]] = []
    for row in rows:
        if bands and bands[-1][0] + bands[-1][1] == row:
            bands[-1] = (bands[-1][0], bands[-1][1] + 1)
        else:
            bands.append((row, 1))
    return bands


def _draw_table(slide: Slide, frame: TableFrame, pen: Pen) -> None:
    colors = pen.colors
    box = frame.box
    shape = slide.shapes.add_table(len(frame.rows), len(frame.widths), Pt(box.x), Pt(box.y), Pt(box.w), Pt(box.h))
    table = shape.table
    table.first_row = True
    table.horz_banding = False
    for c, w in enumerate(frame.widths):
        table.columns[c].width = Pt(w)
    for r, h in enumerate(frame.heights):
        table.rows[r].height = Pt(h)
    for r, row in enumerate(frame.rows):
        for c, cell_frame in enumerate(row):
            tc = table.cell(r, c)._tc
            header = r == 0
            fill = colors.primary if header else colors.table_stripe if r % 2 == 0 else colors.background
            xml.cell(tc, fill, frame.margin_x, frame.margin_y, anchor="ctr")
            runs = tuple(replace(x, bold=x.bold or header) for x in cell_frame.runs)
            colour = colors.table_header_text if header else colors.text
            _fill_para(tc.txBody.find(xml.P), Para(runs, frame.size, frame.pitch, align=cell_frame.align,
                                                   color=colour), pen, slide.part)
    header = ["".join(run.text for run in cell.runs) for cell in frame.rows[0]]
    xml.describe(_c_nv_pr(shape), alt.table(header, len(frame.rows) - 1, pen.words))


def _draw_image(slide: Slide, frame: ImageFrame, pen: Pen) -> None:
    box = frame.box
    if frame.path.suffix.lower() != ".svg":
        picture = slide.shapes.add_picture(str(frame.path), Pt(box.x), Pt(box.y), Pt(box.w), Pt(box.h))
    else:
        picture = _svg_picture(slide, box, frame.path.read_bytes(), frame.loc or Location(frame.path),
                               f"SVG image '{frame.path.name}'", pen)
    xml.describe(_c_nv_pr(picture), frame.alt)  # alt text has no python-pptx API


def _draw_math(slide: Slide, frame: MathFrame, pen: Pen) -> None:
    picture = _svg_picture(slide, frame.box, frame.svg.encode(), frame.loc, "the formula", pen)
    picture.name = "Equation"
    xml.describe(_c_nv_pr(picture), alt.math(frame.tex))


def _svg_picture(slide: Slide, box: Box, svg: bytes, loc: Location, what: str, pen: Pen):
    """Add an SVG as PowerPoint stores one: a PNG picture whose blip carries the SVG (`asvg:svgBlip`)."""
    fallback = svgpicture.png(svg, box.w, box.h, loc, what, pen.svg_fonts)
    picture = slide.shapes.add_picture(io.BytesIO(fallback), Pt(box.x), Pt(box.y), Pt(box.w), Pt(box.h))
    package = slide.part.package
    part = pen.svg_parts.get(svg)
    if part is None:
        part = Part(package.next_image_partname("svg"), "image/svg+xml", package, svg)
        pen.svg_parts[svg] = part
    xml.svg_blip(picture._element.blipFill.find(qn("a:blip")), slide.part.relate_to(part, RT.IMAGE))
    return picture


def _draw_tree(slide: Slide, frame: TreeFrame, pen: Pen) -> None:
    """Draw a decision tree as editable shapes joined by connectors with arrowheads, in one group.

    The group carries the tree's alternative text (the handbook's for the same tree); the connectors
    are decorative, the boxes and labels speak for themselves.
    """
    colors, tree = pen.colors, frame.tree
    shapes = []
    parts = []
    for node in tree.nodes:
        box = Box(frame.box.x + node.x, frame.box.y + node.y, node.w, node.h)
        fill, line, text = ((colors.primary, None, colors.background) if node.question else
                            (tints(colors).answer, colors.primary, colors.primary))
        shape = _rect(slide, box, fill, line, rounded=node.question, width=1.25)
        shape.name = "Question" if node.question else "Answer"
        xml.body(shape._element.txBody, wrap=True, anchor="ctr", inset_x=4, inset_y=4)
        para = Para((Run(node.text, bold=node.question),), tree.size, tree.pitch, align="ctr", color=text)
        _fill_para(_first_para(shape), para, pen, slide.part)
        shapes.append(shape)
    for edge in tree.edges:
        parts.append(_connector(slide, shapes[edge.parent], shapes[edge.child], colors.muted))
        child = tree.nodes[edge.child]
        parts.append(_edge_label(slide, frame.box, child, tree, edge.yes, pen))
    group = slide.shapes.add_group_shape(shapes + parts)
    group.name = "Decision tree"
    xml.describe(_c_nv_pr(group), alt.decision_tree(frame.root, pen.words))
    slide.shapes.turbo_add_enabled = True  # the group took an id the cached count did not: count again


def _connector(slide: Slide, start, end, colour: str):
    """Join `start`'s bottom to `end`'s top with an elbow connector ending in an arrowhead."""
    connector = slide.shapes.add_connector(MSO_CONNECTOR.ELBOW, 0, 0, 0, 0)
    _plain_shape(connector)
    connector.begin_connect(start, 2)  # connection sites of a rectangle: 0 top, 1 left, 2 bottom, 3 right
    connector.end_connect(end, 0)
    connector.line.color.rgb = _rgb(colour)
    connector.line.width = Pt(1.25)
    line = connector.line._get_or_add_ln()
    etree.SubElement(line, qn("a:tailEnd"), type="triangle", w="med", len="med")
    xml.decorative(_c_nv_pr(connector))
    return connector


def _edge_label(slide: Slide, box: Box, child, tree, yes: bool, pen: Pen):
    size = tree.label_size
    pitch = size * pen.theme.spec.deck.line_spacing
    width = 4 * size
    centre = box.x + child.x + child.w / 2
    x = centre - width - 3 if yes else centre + 3
    label = _text_box(slide, Box(x, box.y + child.y - pitch - 1, width, pitch), wrap=False)
    label.name = "Yes" if yes else "No"
    colour = pen.colors.yes if yes else pen.colors.no
    word = (pen.words.yes if yes else pen.words.no).capitalize()
    para = Para((Run(word, bold=True),), size, pitch, align="r" if yes else "l", color=colour)
    _fill_para(_first_para(label), para, pen, slide.part)
    return label


def _draw_chart(slide: Slide, frame: ChartFrame, pen: Pen) -> None:
    shape = chart.draw(slide, frame, pen.theme)
    xml.describe(_c_nv_pr(shape), alt.chart(frame.metrics, pen.words))


_DRAW: dict[type, Callable[[Slide, Frame, Pen], None]] = {
    TextFrame: _draw_text,
    CodeFrame: _draw_code,
    TableFrame: _draw_table,
    ImageFrame: _draw_image,
    RectFrame: _draw_rect,
    TreeFrame: _draw_tree,
    ChartFrame: _draw_chart,
    MathFrame: _draw_math,
}

"""The deck's own DrawingML (`xml`) against python-pptx's API: the same XML, byte for byte.

The writer builds text, fills and cell formats with lxml instead of python-pptx's proxies, for speed;
these tests pin that both write the same elements, so a python-pptx upgrade that changes its output shows
up here rather than as a silent difference in the decks.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from lxml import etree
from pptx import Presentation
from pptx.dml.color import RGBColor
from pptx.enum.shapes import MSO_SHAPE
from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import OpcPackage
from pptx.util import Pt

from deckbook.errors import Location
from deckbook.render.deck import package, xml
from deckbook.theme import load_theme

BLACK, BLUE = "#1F2328", "#0969DA"


@pytest.fixture
def slide():
    prs = Presentation()
    return prs.slides.add_slide(prs.slide_layouts[6])


def same(a, b) -> None:
    assert etree.tostring(a) == etree.tostring(b)


# (text, size, bold, italic, colour, strike, link)
RUNS = [
    ("plain", 20, False, False, BLACK, False, ""),
    ("bold italic", 13.5, True, True, BLUE, False, ""),
    ("no colour", 16.2, False, False, None, False, ""),
    ("struck", 18, False, True, BLACK, True, ""),
    ("a link", 20, True, False, BLUE, False, "https://example.org/?a=1&b=2"),
    ("the same link again", 20, False, False, BLUE, False, "https://example.org/?a=1&b=2"),
    ("<escaped> & \x07 bell \t tab", 11, False, False, BLACK, False, ""),
]


def test_a_paragraph_of_runs_is_what_python_pptx_writes(slide):
    ours = slide.shapes.add_textbox(0, 0, Pt(100), Pt(100))
    theirs = slide.shapes.add_textbox(0, 0, Pt(100), Pt(100))
    p = ours._element.txBody.find(xml.P)
    xml.paragraph(p, "ctr", 19.2, 6)
    paragraph = theirs.text_frame.paragraphs[0]
    paragraph.alignment = PP_ALIGN.CENTER
    paragraph.line_spacing, paragraph.space_before, paragraph.space_after = Pt(19.2), Pt(6), Pt(0)
    for text, size, bold, italic, colour, strike, link in RUNS:
        link_id = slide.part.relate_to(link, RT.HYPERLINK, is_external=True) if link else None
        xml.run(p, text, size, bold, italic, "de", "Inter", colour, strike, link_id)
        r = paragraph.add_run()
        r.text = text
        r.font.size, r.font.bold, r.font.italic, r.font.name = Pt(size), bold, italic, "Inter"
        if colour:
            r.font.color.rgb = RGBColor.from_string(colour[1:])
        r._r.get_or_add_rPr().set("lang", "de")
        if strike:
            r._r.get_or_add_rPr().set("strike", "sngStrike")
        if link:
            r.hyperlink.address = link
            r.font.underline = True
    xml.line_break(p)
    paragraph.add_line_break()
    same(p, paragraph._p)


@pytest.mark.parametrize("wrap, anchor, inset_x, inset_y", [
    (True, "t", 0, 0), (False, "ctr", 12, 7.2), (True, None, 7.2, 3.6), (False, "b", 4, 4)])
def test_a_text_body_is_what_python_pptx_writes(slide, wrap, anchor, inset_x, inset_y):
    ours = slide.shapes.add_textbox(0, 0, Pt(100), Pt(100))
    theirs = slide.shapes.add_textbox(0, 0, Pt(100), Pt(100))
    xml.body(ours._element.txBody, wrap, anchor, inset_x, inset_y)
    frame = theirs.text_frame
    frame.word_wrap, frame.auto_size = wrap, MSO_AUTO_SIZE.NONE
    frame.margin_left = frame.margin_right = Pt(inset_x)
    frame.margin_top = frame.margin_bottom = Pt(inset_y)
    if anchor is not None:
        frame.vertical_anchor = {"t": MSO_ANCHOR.TOP, "ctr": MSO_ANCHOR.MIDDLE, "b": MSO_ANCHOR.BOTTOM}[anchor]
    same(ours._element.txBody, theirs._element.txBody)


@pytest.mark.parametrize("fill, line", [("#F6F8FA", "#D0D7DE"), ("#FFF1A8", None), (None, "#1B4F72")])
def test_a_rectangle_fill_and_outline_are_what_python_pptx_writes(slide, fill, line):
    ours = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, Pt(10), Pt(10))
    theirs = slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, Pt(10), Pt(10))
    xml.fill_and_line(ours._element.spPr, fill, line, 1.25)
    if fill:
        theirs.fill.solid()
        theirs.fill.fore_color.rgb = RGBColor.from_string(fill[1:])
    else:
        theirs.fill.background()
    if line:
        theirs.line.color.rgb = RGBColor.from_string(line[1:])
        theirs.line.width = Pt(1.25)
    else:
        theirs.line.fill.background()
    same(ours._element.spPr, theirs._element.spPr)


def test_a_table_cell_is_what_python_pptx_writes(slide):
    table = slide.shapes.add_table(1, 2, 0, 0, Pt(100), Pt(20)).table
    xml.cell(table.cell(0, 0)._tc, "#1B4F72", 7, 4.2, "ctr")
    cell = table.cell(0, 1)
    cell.fill.solid()
    cell.fill.fore_color.rgb = RGBColor.from_string("1B4F72")
    cell.margin_left = cell.margin_right = Pt(7)
    cell.margin_top = cell.margin_bottom = Pt(4.2)
    cell.vertical_anchor = MSO_ANCHOR.MIDDLE
    cell.text_frame.word_wrap = True
    same(table.cell(0, 0)._tc, cell._tc)


@pytest.mark.parametrize("layout", [5, 6])  # a title placeholder inheriting its place; a text box with one
def test_a_placement_is_what_python_pptx_writes(layout):
    prs = Presentation()
    shapes = [s.shapes.title or s.shapes.add_textbox(0, 0, 0, 0)
              for s in (prs.slides.add_slide(prs.slide_layouts[layout]) for _ in range(2))]
    xml.place(shapes[0]._element.spPr, 36, 21.6, 888.3, 36)
    shapes[1].left, shapes[1].top, shapes[1].width, shapes[1].height = Pt(36), Pt(21.6), Pt(888.3), Pt(36)
    same(shapes[0]._element.spPr, shapes[1]._element.spPr)


def test_remembered_part_names_are_the_ones_python_pptx_would_choose():
    """`package.open_template` remembers part names; python-pptx's own search must agree with each."""
    prs = package.open_template(load_theme("corporate", Location(Path("course.yaml"))), 960, 540)
    pkg = prs.part.package
    for _ in range(12):
        expected = OpcPackage.next_partname(pkg, "/ppt/slides/slide%d.xml")
        slide = prs.slides.add_slide(prs.slide_layouts[0])
        assert slide.part.partname == expected
        expected = OpcPackage.next_partname(pkg, "/ppt/notesSlides/notesSlide%d.xml")
        assert slide.notes_slide.part.partname == expected

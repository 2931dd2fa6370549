"""SVG pictures: vector in both outputs (the deck as PowerPoint stores them, with a PNG fallback), sandboxed."""

from __future__ import annotations

import io

import pytest
from PIL import Image as PILImage
from pptx import Presentation
from pptx.oxml.ns import qn

from deckbook.build import build, load
from deckbook.errors import ContentError, RenderError

SVG_NS = 'xmlns="http://www.w3.org/2000/svg"'
DIAGRAM = f"""<svg {SVG_NS} width="400" height="200" viewBox="0 0 400 200">
  <defs><linearGradient id="g"><stop offset="0" stop-color="#1B4F72"/><stop offset="1" stop-color="#C0392B"/></linearGradient></defs>
  <rect x="10" y="10" width="380" height="180" fill="url(#g)"/>
  <image href="data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==" width="1" height="1"/>
</svg>
"""
CHAPTER = "# Pictures\n\n## A diagram\n\n![A gradient from blue to red](diagram.svg)\n"
ASVG = "{http://schemas.microsoft.com/office/drawing/2016/SVG/main}svgBlip"
SVG_EXT = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"


def _errors(make_course, svg: str) -> list[str]:
    root = make_course({"01-a.md": CHAPTER, "diagram.svg": svg})
    with pytest.raises(ContentError) as raised:
        load(root)
    return [str(d) for d in raised.value.diagnostics]


@pytest.mark.parametrize("reference, target", [
    ('<image href="https://example.com/logo.png" width="5" height="5"/>', "https://example.com/logo.png"),
    ('<use xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="other.svg#part"/>', "other.svg#part"),
    ('<rect width="5" height="5" style="fill: url(file:///etc/passwd)"/>', "file:///etc/passwd"),
    ("<style>@import 'https://example.com/x.css'; rect { fill: red }</style>", "https://example.com/x.css"),
    ('<rect width="5" height="5" fill="url(textures.svg#wood)"/>', "textures.svg#wood"),
])
def test_an_svg_referring_outside_itself_is_refused_with_file_and_line(make_course, reference, target):
    errors = _errors(make_course, f"<svg {SVG_NS} width='10' height='10'>\n  {reference}\n</svg>\n")
    assert [e.split("/course/", 1)[1] for e in errors] == [
            f"01-a.md:5:1: error: SVG 'diagram.svg' refers to '{target}' (its line 2) "
            "(an SVG stays inside the course: embed pictures as data: URLs, fonts come from the theme)"]


def test_a_hyperlink_in_an_svg_is_no_reference_but_a_linked_file_is(make_course):
    link = ('<a xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="https://www.drawio.com/doc/faq/svg-export">'
            '<text x="1" y="9">Text is not SVG</text></a>')
    root = make_course({"01-a.md": CHAPTER, "diagram.svg": f"<svg {SVG_NS} width='10' height='10'>{link}</svg>\n"})
    load(root)  # draw.io puts such a link in every export: nothing reads it
    local = '<a href="notes.html"><rect width="5" height="5"/></a>'
    assert len(_errors(make_course, f"<svg {SVG_NS} width='10' height='10'>\n  {local}\n</svg>\n")) == 1


def test_an_svg_with_entities_is_refused(make_course):
    svg = f'<?xml version="1.0"?>\n<!DOCTYPE svg [<!ENTITY lol "lol">]>\n<svg {SVG_NS}><text>&lol;</text></svg>\n'
    errors = _errors(make_course, svg)
    assert len(errors) == 1 and "01-a.md:5:1: error: image 'diagram.svg' is not a valid SVG file: " \
        "it declares XML entities" in errors[0]


def test_a_malformed_svg_is_refused_with_its_line(make_course):
    errors = _errors(make_course, f"<svg {SVG_NS}>\n<rect>\n</svg>\n")
    assert len(errors) == 1 and "01-a.md:5:1: error: image 'diagram.svg' is not a valid SVG file" in errors[0]
    assert "(its line 3)" in errors[0]


def test_fragments_and_data_urls_stay_inside(make_course):
    course, _, diags = load(make_course({"01-a.md": CHAPTER, "diagram.svg": DIAGRAM}))
    assert diags.errors == []


def test_the_deck_stores_an_svg_picture_with_its_png_fallback(make_course, tmp_path):
    root = make_course({"01-a.md": CHAPTER, "diagram.svg": DIAGRAM})
    deck = build(root, tmp_path / "out", outputs=("deck",)).files["deck"]
    prs = Presentation(deck)
    pictures = [s for slide in prs.slides for s in slide.shapes if s.shape_type == 13]
    assert len(pictures) == 1
    picture = pictures[0]
    assert picture._element.nvPicPr.cNvPr.get("descr") == "A gradient from blue to red"
    blip = picture._element.blipFill.find(qn("a:blip"))
    part = picture.part
    png = part.related_part(blip.get(qn("r:embed")))
    assert png.content_type == "image/png"
    ext = blip.find(f"{qn('a:extLst')}/{qn('a:ext')}")
    assert ext.get("uri") == SVG_EXT
    svg = part.related_part(ext.find(ASVG).get(qn("r:embed")))
    assert svg.content_type == "image/svg+xml" and svg.blob == DIAGRAM.encode()
    # Sized like any picture: the SVG's own aspect ratio, and the PNG drawn at that ratio too.
    assert picture.width / picture.height == pytest.approx(2.0, rel=0.01)
    with PILImage.open(io.BytesIO(png.blob)) as img:
        assert img.width / img.height == pytest.approx(2.0, rel=0.01)
        left, right = img.convert("RGB").getpixel((img.width // 20, img.height // 2)), \
            img.convert("RGB").getpixel((img.width - img.width // 20, img.height // 2))
    assert left[2] > left[0] and right[0] > right[2]  # the gradient really drawn: blue on the left, red on the right


def test_an_svg_that_cannot_be_rendered_is_an_error_with_file_and_line(make_course, tmp_path):
    root = make_course({"01-a.md": CHAPTER, "diagram.svg": f'<svg {SVG_NS} width="0" height="10"><rect/></svg>\n'})
    with pytest.raises(RenderError) as raised:
        build(root, tmp_path / "out", outputs=("deck",))
    messages = [str(d) for d in raised.value.diagnostics]
    assert len(messages) == 1 and "01-a.md:5:1: error: SVG image 'diagram.svg' cannot be rendered" in messages[0]

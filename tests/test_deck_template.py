"""Decks from a theme's own slide template: layouts by name, filled footer placeholders, content kept clear."""

from __future__ import annotations

import shutil
import zipfile
from pathlib import Path

import pytest
from pptx import Presentation
from pptx.enum.shapes import PP_PLACEHOLDER
from pptx.oxml.ns import qn
from pptx.util import Emu

from deckbook.errors import Location, RenderError
from deckbook.load import load_course
from deckbook.options import Options
from deckbook.render import deck
from deckbook.render.deck import template, writer
from deckbook.theme import SHIPPED_THEMES, Theme, load_theme

from test_deck import assert_inside, bullets, code, course, para, slide, titles

CORPORATE = SHIPPED_THEMES / "corporate" / "corporate.potx"
FOOTERS = {PP_PLACEHOLDER.DATE: "2026-01-15", PP_PLACEHOLDER.FOOTER: "Mini Course · 0.9"}


@pytest.fixture(scope="module")
def default() -> Theme:
    return load_theme("default", Location(Path("course.yaml")))


@pytest.fixture(scope="module")
def corporate() -> Theme:
    return load_theme("corporate", Location(Path("course.yaml")))


def corporate_course(folder: Path, fixture: Path):
    """Return the course at `fixture`, copied into `folder` and switched to the corporate theme."""
    shutil.copytree(fixture, folder)
    yaml = folder / "course.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + "theme: corporate\n", encoding="utf-8")
    return load_course(folder)


@pytest.fixture(scope="module")
def mini_deck(tmp_path_factory, corporate) -> Path:
    """The shipped-style mini course, built with the corporate theme."""
    folder = tmp_path_factory.mktemp("corporate")
    c = corporate_course(folder / "mini", Path(__file__).parent / "fixtures" / "mini")
    assert c.meta.theme == "corporate"
    return deck.render(c, corporate, folder / "mini.pptx", Options())


# --- the shipped corporate template --------------------------------------------------------------


def test_corporate_template_is_read_without_python_pptx():
    tpl = template.read(CORPORATE)
    assert (tpl.width, tpl.height) == (960, 540)
    assert tpl.names == ["Corporate Title", "Corporate Section", "Corporate Content", "Corporate Two Content",
                         "Corporate Blank"]
    content = tpl.find("Corporate Content")
    assert content.box("footer") == tpl.master.box("footer")  # inherited from the master
    assert [b.w for b in tpl.find("Corporate Two Content").boxes("body")] == [422, 422]
    assert tpl.find("Corporate Title").dark and tpl.find("Corporate Section").dark and not content.dark


def test_corporate_template_has_sample_slides_and_its_own_colours():
    with zipfile.ZipFile(CORPORATE) as z:
        types = z.read("[Content_Types].xml")
        assert b"presentationml.template.main+xml" in types
        assert len([n for n in z.namelist() if n.startswith("ppt/slides/slide")]) == 2
        scheme = z.read("ppt/theme/theme1.xml")
    corporate_theme = load_theme("corporate", Location(Path("course.yaml")))
    assert corporate_theme.spec.colors.primary.lstrip("#").encode() in scheme
    assert corporate_theme.spec.colors.primary != load_theme("default", Location(Path("x"))).spec.colors.primary


def test_mini_deck_uses_the_template_layouts_by_name(mini_deck):
    prs = Presentation(str(mini_deck))
    layouts = [s.slide_layout.name for s in prs.slides]
    assert layouts[0] == "Corporate Title"
    assert layouts[1] == "Corporate Section"
    assert set(layouts) == {"Corporate Title", "Corporate Section", "Corporate Content", "Corporate Blank"}
    untitled = [s for s in prs.slides if s.shapes.title.element.nvSpPr.cNvPr.get("hidden") == "1"]
    assert untitled and all(s.slide_layout.name == "Corporate Blank" for s in untitled)
    assert (prs.slide_width, prs.slide_height) == (Emu(12192000), Emu(6858000))


def test_mini_deck_fills_the_footer_placeholders_on_every_slide_but_the_title(mini_deck):
    prs = Presentation(str(mini_deck))
    cover, *rest = list(prs.slides)
    assert not [sh for sh in cover.shapes if sh.is_placeholder and sh.placeholder_format.type in FOOTERS]
    for number, s in enumerate(rest, start=2):
        found = {sh.placeholder_format.type: sh for sh in s.placeholders}
        for kind, text in FOOTERS.items():
            assert found[kind].text_frame.text == text, (number, kind)
            assert found[kind].element.find(qn("p:spPr")).find(qn("a:xfrm")) is None  # positioned by the template
        field = found[PP_PLACEHOLDER.SLIDE_NUMBER].element.find(f".//{qn('a:fld')}")
        assert field.get("type") == "slidenum" and field.get("id") == writer.SLIDENUM_GUID
        assert field.findtext(qn("a:t")) == str(number)
        assert not [sh for sh in s.shapes if not sh.is_placeholder and sh.name in ("Footer", "Slide Number")]


def test_mini_deck_drops_the_template_sample_slides(mini_deck):
    prs = Presentation(str(mini_deck))
    with zipfile.ZipFile(mini_deck) as z:
        slide_parts = [n for n in z.namelist() if n.startswith("ppt/slides/slide")]
        text = b"".join(z.read(n) for n in z.namelist() if n.endswith(".xml"))
    assert len(slide_parts) == len(prs.slides) == 10
    assert b"Sample" not in text and b"delete me" not in text
    assert "Sample: Agenda" not in titles(prs)


def test_mini_deck_keeps_content_inside_the_slide_clear_of_decorations_and_footer_zone(mini_deck):
    prs = Presentation(str(mini_deck))
    assert_inside(prs)
    decorations = [sh for sh in prs.slide_master.shapes if not sh.is_placeholder]
    assert {sh.name for sh in decorations} >= {"Band", "Logo", "Footer line"}
    for number, s in enumerate(list(prs.slides)[1:], start=2):
        zone = min(sh.top for sh in s.placeholders if sh.placeholder_format.type in writer._FOOTERS)
        content = [sh for sh in s.shapes if not (sh.is_placeholder and sh.placeholder_format.type in writer._FOOTERS)]
        shows_master = s.slide_layout.element.get("showMasterSp") != "0"
        for sh in content:
            assert sh.top + sh.height <= zone, (number, sh.name)
            for mark in decorations if shows_master else ():
                apart = (sh.left >= mark.left + mark.width or mark.left >= sh.left + sh.width
                         or sh.top >= mark.top + mark.height or mark.top >= sh.top + sh.height)
                assert apart, (number, sh.name, mark.name)


def test_mini_deck_keeps_the_template_look_of_titles(mini_deck):
    prs = Presentation(str(mini_deck))
    title = prs.slides[2].shapes.title
    run = title.text_frame.paragraphs[0].runs[0]
    assert run.font.color.type is None  # the template's title colour, not the theme's
    assert title.text_frame._bodyPr.get("anchor") is None
    assert prs.slides[1].element.cSld.bg is None  # the section layout's own background shows


def test_mini_deck_is_valid_open_xml(mini_deck):
    import openxml_audit

    result = openxml_audit.validate_pptx(mini_deck)
    assert result.is_valid, [str(e) for e in result.errors][:5]


def test_corporate_template_generator_reproduces_the_shipped_file(tmp_path, monkeypatch):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_corporate_template",
                                                  Path(__file__).parents[1] / "tools" / "make_corporate_template.py")
    tool = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(tool)
    monkeypatch.setattr(tool, "TARGET", tmp_path / "corporate.potx")
    tool.main()
    assert (tmp_path / "corporate.potx").read_bytes() == CORPORATE.read_bytes()


# --- choosing layouts ----------------------------------------------------------------------------


def test_a_slide_chooses_its_layout_by_name_for_all_its_slides(tmp_path, corporate):
    long = "\n".join(f"let v{i} = {i};" for i in range(80))
    prs = Presentation(str(deck.render(course(
        slide("Side by side", para("Left and right."), layout="Corporate Two Content"),
        slide("Long", code(long), layout="Corporate Two Content"),
        slide("Plain", para("Theme's choice.")),
    ), corporate, tmp_path / "deck.pptx", Options())))
    used = [(s.shapes.title.text_frame.text, s.slide_layout.name) for s in list(prs.slides)[1:]]
    assert used[0] == ("Side by side", "Corporate Two Content")
    assert used[-1] == ("Plain", "Corporate Content")
    assert {name for title, name in used if title.startswith("Long")} == {"Corporate Two Content"}
    assert len([title for title, _ in used if title == "Long (cont.)"]) >= 1


def test_an_unknown_layout_is_an_error_with_the_template_layout_names(tmp_path, default):
    c = course(slide("Routing", para("Text"), line=12, layout="Two Colums"))
    errors = [d for d in deck.report(c, default) if d.severity == "error"]
    assert len(errors) == 1
    assert errors[0].location.line == 12 and "unknown slide layout 'Two Colums'" in errors[0].message
    assert "did you mean 'Two Content'?" in errors[0].hint and "'Title Only'" in errors[0].hint
    with pytest.raises(RenderError) as info:
        deck.render(c, default, tmp_path / "deck.pptx", Options())
    assert any(d.location.line == 12 for d in info.value.diagnostics)
    assert not (tmp_path / "deck.pptx").exists()


def test_a_theme_naming_a_missing_layout_is_an_error_at_its_line(tmp_path):
    folder = tmp_path / "themes" / "typo"
    folder.mkdir(parents=True)
    (folder / "theme.yaml").write_text("extends: corporate\ndeck:\n  layouts:\n    content: Corporate Contnt\n",
                                       encoding="utf-8")
    typo = load_theme("typo", Location(Path("course.yaml")), (tmp_path / "themes",))
    errors = [d for d in deck.report(course(slide("A", para("b"))), typo) if d.severity == "error"]
    assert [(e.location.path, e.location.line) for e in errors] == [(folder / "theme.yaml", 4)]
    assert "'Corporate Contnt'" in errors[0].message and "did you mean 'Corporate Content'?" in errors[0].hint


def test_default_names_fall_back_to_layout_types_in_another_template(tmp_path, default):
    other = Theme("other", default.spec.model_copy(update={"pptx_template": CORPORATE}), default.folders)
    c = course(slide("Part", kind="section"), slide("Text", para("x")), slide("", para("y")))
    assert not [d for d in deck.report(c, other) if d.severity == "error"]
    prs = Presentation(str(deck.render(c, other, tmp_path / "deck.pptx", Options())))
    assert [s.slide_layout.name for s in prs.slides] == ["Corporate Title", "Corporate Section",
                                                         "Corporate Content", "Corporate Blank"]


def test_a_layout_without_a_title_placeholder_gets_a_title_text_box(tmp_path, corporate):
    c = course(slide("Big picture", bullets("one", "two"), line=5, layout="Corporate Blank"))
    assert any(d.location.line == 5 and "no title placeholder" in d.message for d in deck.report(c, corporate))
    prs = Presentation(str(deck.render(c, corporate, tmp_path / "deck.pptx", Options())))
    box = next(sh for sh in prs.slides[1].shapes if sh.name == "Title")
    assert box.text_frame.text == "Big picture"
    assert box.placeholder_format.type == PP_PLACEHOLDER.TITLE  # a title to screen readers and the outline
    assert_inside(prs)


def test_a_broken_template_is_reported_with_its_path(tmp_path, default):
    broken = tmp_path / "broken.pptx"
    broken.write_bytes(b"not a zip")
    theme = Theme("broken", default.spec.model_copy(update={"pptx_template": broken}), default.folders)
    with pytest.raises(RenderError) as info:
        deck.report(course(slide("A", para("b"))), theme)
    assert info.value.diagnostics[0].location.path == broken


def test_two_corporate_renders_are_byte_identical(tmp_path, corporate):
    c = course(slide("Part", kind="section"), slide("Text", para("x")), slide("", bullets("y")))
    first = deck.render(c, corporate, tmp_path / "a.pptx", Options()).read_bytes()
    assert deck.render(c, corporate, tmp_path / "b.pptx", Options()).read_bytes() == first


def test_a_template_of_another_shape_keeps_its_size_and_says_so(tmp_path):
    folder = tmp_path / "themes" / "square"
    folder.mkdir(parents=True)
    (folder / "theme.yaml").write_text('extends: corporate\nslide_size: "4:3"\n', encoding="utf-8")
    square = load_theme("square", Location(Path("course.yaml")), (tmp_path / "themes",))
    c = course(slide("A", para("b")))
    warnings = [d for d in deck.report(c, square) if "keeps the template's size" in d.message]
    assert [(w.location.path, w.location.line) for w in warnings] == [(folder / "theme.yaml", 2)]
    prs = Presentation(str(deck.render(c, square, tmp_path / "deck.pptx", Options())))
    assert (prs.slide_width, prs.slide_height) == (Emu(12192000), Emu(6858000))

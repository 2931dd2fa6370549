"""The deck renderer: reopen the .pptx with python-pptx and check what a trainer would see."""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import subprocess
import sys
import zipfile
from dataclasses import dataclass, replace
from pathlib import Path

import pytest
from PIL import Image as PILImage
from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn
from pptx.util import Emu

from deckbook import highlight, model as m
from deckbook.errors import Location, RenderError
from deckbook.options import Options
from deckbook.render import deck
from deckbook.render.deck import layout, pieces, template, writer
from deckbook.render.deck import speaker
from deckbook.theme import Theme, load_theme

SOURCE = Path("content/demo/01-intro.md")
DATE = dt.date(2026, 11, 20)
RUST = """use axum::{routing::get, Router};

/// Build the application router.
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .with_state(state)
}"""


# --- builders ------------------------------------------------------------------------------------


def loc(line: int = 1) -> Location:
    return Location(SOURCE, line, 1)


def para(*parts: str | m.Inline, line: int = 1) -> m.Paragraph:
    return m.Paragraph(tuple(m.Text(p) if isinstance(p, str) else p for p in parts), loc(line))


def bullets(*items: str | tuple[m.Block, ...], ordered: bool = False, line: int = 1) -> m.BulletList:
    return m.BulletList(tuple(m.ListItem((para(i),) if isinstance(i, str) else i) for i in items),
                        ordered, 1, loc(line))


def code(text: str, language: str = "rust", title: str = "", hl: set[int] = frozenset(),
         linenums: int | None = None, line: int = 1) -> m.CodeBlock:
    return m.CodeBlock(text, language, title, frozenset(hl), linenums, None, loc(line))


def table(rows: int, text: str = "cell", line: int = 1) -> m.Table:
    header = ((m.Text("Name"),), (m.Text("Description"),), (m.Text("Value"),))
    body = tuple(((m.Text(f"row {i}"),), (m.Text(text),), (m.Text(str(i)),)) for i in range(rows))
    return m.Table(header, body, ("left", "", "right"), loc(line))


def tree(questions: int) -> m.Question | m.Answer:
    """Return a balanced decision tree with `questions` questions (and one more answer)."""
    counter = iter(range(1, 1000))

    def build(n: int) -> m.Question | m.Answer:
        if n == 0:
            return m.Answer(f"Use option {next(counter)}")
        left = (n - 1) // 2
        text = f"Need feature {next(counter)}?"
        return m.Question(text, build(left), build(n - 1 - left))

    return build(questions)


def metrics() -> m.Metrics:
    rows = (m.MetricRow("p50", 12.0, 7.0), m.MetricRow("p99", 95.0, 30.0))
    return m.Metrics("Latency", "ms", True, rows, "before", "after", "wrk, 2026-11-20", loc(40))


def slide(title: str, *blocks: m.Block, notes: tuple[m.Block, ...] = (), kind: str = "content",
          line: int = 1, layout: str = "") -> m.Slide:
    inlines = (m.Text(title),) if title else ()
    return m.Slide(kind, 1 if kind == "section" else 2, inlines, title.lower(), tuple(blocks), notes, loc(line),
                   layout)


def course(*slides: m.Slide, title: str = "Rust for Backend Developers", version: str = "1.2.0") -> m.Course:
    chapter = m.Chapter("intro", "Introduction", SOURCE, tuple(slides), False, False, loc())
    meta = m.CourseMeta(title, "REST APIs in Rust", version, ("Ada Lovelace", "Alan Turing"), "ACME Training",
                        "en", "default", DATE)
    return m.Course("demo", Path("content/demo"), meta, (chapter,), 2)


@pytest.fixture(scope="module")
def theme() -> Theme:
    return load_theme("default", Location(Path("course.yaml")))


def render(tmp_path: Path, theme: Theme, c: m.Course, name: str = "deck.pptx"):
    out = deck.render(c, theme, tmp_path / name, Options())
    return Presentation(str(out))


def titles(prs) -> list[str]:
    return [s.shapes.title.text_frame.text if s.shapes.title is not None else "" for s in prs.slides]


def shape_texts(s) -> list[str]:
    return [sh.text_frame.text for sh in s.shapes if sh.has_text_frame]


def code_shape(s):
    return next(sh for sh in s.shapes if sh.name == "Code")


def line_numbers(s) -> list[int]:
    """Return the line numbers shown in a slide's code box (continuation rows have none)."""
    out = []
    for p in code_shape(s).text_frame.paragraphs:
        first = p.runs[0].text.strip() if p.runs else ""
        if first.isdigit():
            out.append(int(first))
    return out


# --- structure -----------------------------------------------------------------------------------


def test_slides_have_titles_in_title_placeholders_and_16_9_size(tmp_path, theme):
    prs = render(tmp_path, theme, course(
        slide("Basics", kind="section"),
        slide("Routing", para("Routes map paths to handlers.")),
        slide("", para("After a horizontal rule.")),
    ))
    assert (prs.slide_width, prs.slide_height) == (Emu(12192000), Emu(6858000))
    # The untitled slide's title is hidden: there for screen readers and the outline, not on the slide.
    assert titles(prs) == ["Rust for Backend Developers", "Basics", "Routing", "Routing (cont.)"]
    cover = prs.slides[0]
    assert cover.slide_layout.name == "Title Slide"
    assert any("REST APIs in Rust" in t for t in shape_texts(cover))
    assert any("Version 1.2.0 · 2026-11-20" in t for t in shape_texts(cover))
    assert any("Ada Lovelace, Alan Turing" in t for t in shape_texts(cover))
    assert prs.slides[1].slide_layout.name == "Section Header"
    assert prs.slides[2].shapes.title.is_placeholder
    assert prs.slides[3].shapes.title.element.nvSpPr.cNvPr.get("hidden") == "1"
    assert "After a horizontal rule." in shape_texts(prs.slides[3])


def test_template_master_and_layouts_are_16_9(theme):
    prs = Presentation(str(template.DEFAULT_TEMPLATE))
    assert prs.slide_width == Emu(12192000)
    title_only = next(lay for lay in prs.slide_layouts if lay.name == "Title Only")
    master_title = next(ph for ph in prs.slide_master.placeholders if ph.placeholder_format.type == 1)
    assert abs(master_title.left + master_title.width / 2 - prs.slide_width / 2) < Emu(12700)
    assert title_only.element.get("type") == "titleOnly"
    names = zipfile.ZipFile(template.DEFAULT_TEMPLATE).namelist()
    assert not any("thumbnail" in n or "printerSettings" in n for n in names)


def test_every_block_type_has_a_deck_rule():
    assert set(m.BLOCK_TYPES) <= set(pieces.BLOCKS)
    assert set(m.BLOCK_TYPES) <= set(speaker._NOTES)


def test_a_decision_tree_in_the_notes_answers_in_the_course_language(theme):
    from deckbook.render.common.labels import labels

    tree = m.DecisionTree(m.Question("Shared", m.Answer("Arc"), m.Answer("Clone")), "", loc())
    lines = speaker.notes_lines((tree,), pieces.Context(theme, 0, words=labels("de")))
    assert ["".join(r.text for r in line) for line in lines] == ["Shared?", "Ja:", "  → Arc", "Nein:", "  → Clone"]


@dataclass(frozen=True)
class Poem:
    """A block type no renderer knows."""

    text: str
    loc: Location


def test_unknown_block_type_raises(tmp_path, theme):
    bad = course(slide("Odd", Poem("roses", loc())))
    with pytest.raises(TypeError, match="Poem"):
        deck.report(bad, theme)
    with pytest.raises(TypeError, match="Poem"):
        deck.render(bad, theme, tmp_path / "deck.pptx", Options())
    with pytest.raises(TypeError, match="Poem"):
        deck.report(course(slide("Odd", para("x"), notes=(Poem("roses", loc()),))), theme)
    assert not (tmp_path / "deck.pptx").exists()


def test_only_blocks_choose_the_deck(tmp_path, theme):
    prs = render(tmp_path, theme, course(slide(
        "Only", m.Only("handbook", (para("long prose for readers"),), loc()),
        m.Only("slides", (para("short slide text"),), loc()))))
    texts = " ".join(shape_texts(prs.slides[1]))
    assert "short slide text" in texts
    assert "long prose" not in texts


def test_inline_formatting_becomes_runs(tmp_path, theme):
    text = para("Use ", m.Code("cargo"), " and ", m.Strong((m.Text("read"),)), " ",
                m.Emph((m.Text("the"),)), " ", m.Link((m.Text("docs"),), "https://docs.rs"))
    prs = render(tmp_path, theme, course(slide("Inline", m.Heading(3, (m.Text("Sub"),), "sub", loc()), text)))
    runs = {r.text: r for sh in prs.slides[1].shapes if sh.has_text_frame
            for p in sh.text_frame.paragraphs for r in p.runs}
    assert runs["Sub"].font.bold
    assert runs["cargo"].font.name == theme.spec.fonts.mono.family
    assert runs["read"].font.bold and not runs["read"].font.italic
    assert runs["the"].font.italic
    assert runs["docs"].hyperlink.address == "https://docs.rs"
    assert runs["Use "].font.name == theme.spec.fonts.body.family


def test_nested_bullets_are_paragraph_levels(tmp_path, theme):
    prs = render(tmp_path, theme, course(slide("List", bullets("one", (para("two"), bullets("two a")), "three"),
                                               bullets("first", "second", ordered=True))))
    text = deck.describe(tmp_path / "deck.pptx")
    assert "• 'one'" in text and "  • 'two a'" in text
    assert "1. 'first'" in text and "2. 'second'" in text
    box = next(sh for sh in prs.slides[1].shapes if sh.has_text_frame and "two a" in sh.text_frame.text)
    margins = [int(p._p.pPr.get("marL")) for p in box.text_frame.paragraphs]
    assert margins[2] > margins[1] == margins[0]


# --- code ----------------------------------------------------------------------------------------


def test_code_is_one_run_per_token_with_pygments_colours(tmp_path, theme):
    prs = render(tmp_path, theme, course(slide("Code", code(RUST, title="src/main.rs", hl={4}, linenums=1))))
    s = prs.slides[1]
    pal = highlight.palette(theme.spec.pygments_style)
    spans = highlight.tokenize(RUST, "rust")
    paragraphs = code_shape(s).text_frame.paragraphs
    assert len(paragraphs) == len(spans)
    for p, line in zip(paragraphs, spans):
        token_runs = p.runs[1:]  # the first run is the line number
        assert [r.text for r in token_runs] == [sp.text for sp in line]
        for run, span in zip(token_runs, line):
            style = pal.style(span.cls)
            assert str(run.font.color.rgb) == (style.color or pal.text).lstrip("#")
            assert bool(run.font.bold) == style.bold and bool(run.font.italic) == style.italic
            assert run.font.name == theme.spec.fonts.mono.family
    assert not code_shape(s).text_frame.word_wrap
    assert "src/main.rs" in shape_texts(s)
    bands = [sh for sh in s.shapes if sh.name == "Highlighted lines"]
    assert len(bands) == 1 and str(bands[0].fill.fore_color.rgb) == theme.spec.colors.highlight.lstrip("#")
    background = next(sh for sh in s.shapes if sh.name == "Code background")
    assert str(background.fill.fore_color.rgb) == theme.spec.colors.code_background.lstrip("#")


def test_long_code_splits_onto_cont_slides_with_continuous_line_numbers(tmp_path, theme):
    lines = "\n".join("" if i % 10 == 9 else f"    let value_{i} = compute({i});" for i in range(150))
    prs = render(tmp_path, theme, course(slide("Long listing", code(lines, linenums=1, line=7))))
    names = titles(prs)[1:]
    assert len(names) >= 3
    assert names == ["Long listing", "Long listing (cont.)"] + [f"Long listing (cont. {n})" for n in range(2, len(names))]
    numbers = [n for s in list(prs.slides)[1:] for n in line_numbers(s)]
    assert numbers == list(range(1, 151))
    for s in list(prs.slides)[2:]:  # cut at blank lines (every 10th) where possible
        assert line_numbers(s)[0] % 10 == 1
    warnings = deck.report(course(slide("Long listing", code(lines, linenums=1, line=7))), theme)
    assert any("split" in w.message and w.location == loc(7) for w in warnings)


def test_too_wide_line_wraps_with_a_marker_never_cut(tmp_path, theme):
    wide = 'let s = "' + "x" * 190 + '";'
    prs = render(tmp_path, theme, course(slide("Wide", code(wide + "\nfn f() {}", linenums=1, line=3))))
    box = code_shape(prs.slides[1])
    rows = ["".join(r.text for r in p.runs) for p in box.text_frame.paragraphs]
    marker = pieces.Context(theme, 0).marker
    assert len(rows) >= 3 and rows[1].lstrip().startswith(marker)
    shown = rows[0][2:] + "".join(r.lstrip()[len(marker) + 1:] for r in rows[1:-1])
    assert shown == wide
    assert rows[-1].startswith("2 ")
    size = box.text_frame.paragraphs[0].runs[0].font.size.pt
    assert size == theme.spec.deck.min_code_size
    marker_run = box.text_frame.paragraphs[1].runs[0]
    assert str(marker_run.font.color.rgb) == theme.spec.colors.muted.lstrip("#")
    messages = [w.message for w in deck.report(course(slide("Wide", code(wide, line=3))), theme)]
    assert any("wrapped" in msg for msg in messages)


def test_code_shrinks_to_fit_before_splitting(theme):
    twenty = "\n".join(f"let v{i} = {i};" for i in range(22))
    plan = layout.plan_deck(course(slide("Fits smaller", code(twenty, line=5))), theme)
    assert len(plan.slides) == 2
    runs = [f for f in plan.slides[1].frames if type(f).__name__ == "CodeFrame"]
    assert theme.spec.deck.min_code_size <= runs[0].size < theme.spec.deck.code_size
    assert any("shrunk" in d.message and d.location == loc(5) for d in plan.diagnostics)


# --- lists and tables ----------------------------------------------------------------------------


def test_thirty_bullets_split_and_continue(tmp_path, theme):
    items = [f"Point number {i}" for i in range(30)]
    prs = render(tmp_path, theme, course(slide("Checklist", bullets(*items))))
    assert titles(prs)[1:3] == ["Checklist", "Checklist (cont.)"]
    shown = [p.text for s in list(prs.slides)[1:] for sh in s.shapes
             if sh.has_text_frame and sh.text_frame.text and not sh.is_placeholder
             and sh.name not in ("Footer", "Slide Number")
             for p in sh.text_frame.paragraphs]
    assert shown == items


def test_twelve_row_table_splits_with_header_repeated(tmp_path, theme):
    long_text = "a description long enough to wrap onto several lines in its column " * 6
    prs = render(tmp_path, theme, course(slide("Crates", table(12, long_text))))
    tables = [sh.table for s in list(prs.slides)[1:] for sh in s.shapes if sh.has_table]
    assert len(tables) >= 2
    assert titles(prs)[2] == "Crates (cont.)"
    body = []
    for t in tables:
        header = [c.text_frame.text for c in t.rows[0].cells]
        assert header == ["Name", "Description", "Value"]
        cell = t.cell(0, 0)
        assert str(cell.fill.fore_color.rgb) == theme.spec.colors.primary.lstrip("#")
        assert cell.text_frame.paragraphs[0].runs[0].font.bold
        body += [t.cell(r, 0).text_frame.text for r in range(1, len(t.rows))]
    assert body == [f"row {i}" for i in range(12)]


# --- diagrams and charts -------------------------------------------------------------------------


def test_decision_tree_of_25_nodes_is_native_shapes_inside_the_slide(tmp_path, theme):
    root = tree(12)
    prs = render(tmp_path, theme, course(slide("Choose", m.DecisionTree(root, "Which store?", loc(9)))))
    group = next(sh for sh in prs.slides[1].shapes if sh.shape_type == MSO_SHAPE_TYPE.GROUP)
    assert group.name == "Decision tree" and group.element.nvGrpSpPr.cNvPr.get("descr").startswith("Decision tree: ")
    s = group  # the tree's shapes are one group (which carries the alternative text)
    nodes = [sh for sh in s.shapes if sh.name in ("Question", "Answer")]
    connectors = [sh for sh in s.shapes if sh.shape_type == MSO_SHAPE_TYPE.LINE or sh.element.tag == qn("p:cxnSp")]
    assert len(nodes) == 25 and len(connectors) == 24
    assert all(sh.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE for sh in nodes)
    assert not any(sh.shape_type == MSO_SHAPE_TYPE.PICTURE for sh in s.shapes)
    for c in connectors:
        xml = c.element
        assert xml.find(f".//{qn('a:stCxn')}") is not None and xml.find(f".//{qn('a:endCxn')}") is not None
        assert xml.find(f".//{qn('a:tailEnd')}") is not None
    labels = [sh for sh in s.shapes if sh.name in ("Yes", "No")]
    assert len(labels) == 24
    yes = next(sh for sh in labels if sh.name == "Yes").text_frame.paragraphs[0].runs[0]
    assert str(yes.font.color.rgb) == theme.spec.colors.yes.lstrip("#")
    texts = [n.text_frame.text for n in nodes]
    assert sum(t.startswith("Need feature") for t in texts) == 12
    assert sum(t.startswith("Use option") for t in texts) == 13
    assert_inside(prs)


def test_metrics_is_a_native_chart_with_computed_improvement(tmp_path, theme):
    prs = render(tmp_path, theme, course(slide("Faster", metrics())))
    s = prs.slides[1]
    charts = [sh for sh in s.shapes if sh.has_chart]
    assert len(charts) == 1
    chart = charts[0].chart
    assert chart.chart_type.name == "COLUMN_CLUSTERED"
    assert list(chart.plots[0].categories) == ["p50", "p99"]
    assert [sr.name for sr in chart.plots[0].series] == ["before", "after"]
    assert list(chart.plots[0].series[1].values) == [7.0, 30.0]
    grid = next(sh for sh in s.shapes if sh.has_table).table
    assert grid.cell(1, 3).text_frame.text == "−42\u00a0%"
    assert grid.cell(2, 3).text_frame.text == "3.2× faster"
    assert "wrk, 2026-11-20" in shape_texts(s)
    assert value_formats(chart) == {"General"}  # under 1 000: each value as it is


def test_chart_value_labels_share_one_precision(tmp_path, theme):
    rows = (m.MetricRow("p50", 1250.5, 7.25), m.MetricRow("p99", 95.0, 30.0))
    block = m.Metrics("Latency", "ms", True, rows, "before", "after", "", loc(40))
    chart = next(sh for sh in render(tmp_path, theme, course(slide("Faster", block))).slides[1].shapes
                 if sh.has_chart).chart
    assert value_formats(chart) == {"#,##0.00"}


def value_formats(chart) -> set[str]:
    """Return the number formats of the chart's values (the labels show them: they are source-linked)."""
    return {node.text for node in chart._chartSpace.xpath(".//c:val//c:formatCode")}


# --- every slide ---------------------------------------------------------------------------------


def full_course(tmp_path: Path) -> m.Course:
    picture = tmp_path / "wide.png"
    PILImage.new("RGB", (1600, 500), "#336699").save(picture)
    return course(
        slide("Part one", kind="section", notes=(para("Say hello."),)),
        slide("Router", para("Text before."), code(RUST, title="main.rs", hl={2, 3}, linenums=1),
              notes=(para("Explain it."), bullets("first", "second"), code("cargo run", "sh"))),
        slide("Lists", bullets(*(f"item {i}" for i in range(18)))),
        slide("Table", table(6)),
        slide("Boxes", m.Callout("tip", "", (para("Run clippy."),), loc()),
              m.BlockQuote((para("Make it work."),), loc())),
        slide("Columns", m.Columns(((code("let a = b.clone();"),), (code("let a = &b;"),)), loc())),
        slide("Picture", m.Image(picture, "A wide picture", "", loc())),
        slide("Tree", m.DecisionTree(tree(4), "", loc())),
        slide("Metrics", metrics()),
        slide("Long", code("\n".join(f"line {i}" for i in range(90)), linenums=1)),
    )


def assert_inside(prs) -> None:
    width, height = prs.slide_width, prs.slide_height
    for number, s in enumerate(prs.slides, start=1):
        for sh in s.shapes:
            assert sh.left >= 0 and sh.top >= 0, (number, sh.name)
            assert sh.left + sh.width <= width and sh.top + sh.height <= height, (number, sh.name)


def test_every_shape_stays_on_the_slide(tmp_path, theme):
    assert_inside(render(tmp_path, theme, full_course(tmp_path)))


def test_slide_numbers_and_footers_on_every_slide_but_the_title(tmp_path, theme):
    prs = render(tmp_path, theme, full_course(tmp_path))
    cover, *rest = list(prs.slides)
    assert not [sh for sh in cover.shapes if sh.name in ("Footer", "Slide Number")]
    for number, s in enumerate(rest, start=2):
        footer = next(sh for sh in s.shapes if sh.name == "Footer")
        assert footer.text_frame.text == "Rust for Backend Developers · 1.2.0"
        assert footer.text_frame.paragraphs[0].runs[0].font.size.pt == theme.spec.deck.footer_size
        field = next(sh for sh in s.shapes if sh.name == "Slide Number").element.find(f".//{qn('a:fld')}")
        assert field.get("type") == "slidenum" and field.get("id") == writer.SLIDENUM_GUID
        assert field.findtext(qn("a:t")) == str(number)


def test_notes_keep_their_text(tmp_path, theme):
    prs = render(tmp_path, theme, full_course(tmp_path))
    assert prs.slides[1].notes_slide.notes_text_frame.text == "Say hello."
    assert prs.slides[2].notes_slide.notes_text_frame.text == "Explain it.\n• first\n• second\ncargo run"
    assert not prs.slides[3].has_notes_slide


def test_notes_keep_bold_italic_code_and_links_with_a_language(tmp_path, theme):
    notes = (para("Stress ", m.Strong((m.Text("this"),)), ", ", m.Emph((m.Text("gently"),)), ", run ",
                  m.Code("cargo test"), " and see ", m.Link((m.Text("the book"),), "https://doc.rust-lang.org/book/"),
                  "."),
             code("fn main() {}"))
    prs = render(tmp_path, theme, course(slide("Notes", para("x"), notes=notes)))
    frame = prs.slides[1].notes_slide.notes_text_frame
    runs = {r.text: r for p in frame.paragraphs for r in p.runs}
    assert runs["this"].font.bold and not runs["Stress "].font.bold
    assert runs["gently"].font.italic
    assert runs["cargo test"].font.name == theme.spec.fonts.mono.family
    assert runs["fn main() {}"].font.name == theme.spec.fonts.mono.family  # code: its own monospace line
    assert runs["the book"].hyperlink.address == "https://doc.rust-lang.org/book/"
    assert all(r._r.rPr.get("lang") == "en" for r in runs.values())


def test_core_properties_come_from_the_course(tmp_path, theme):
    out = deck.render(full_course(tmp_path), theme, tmp_path / "deck.pptx", Options())
    props = Presentation(str(out)).core_properties
    assert props.title == "Rust for Backend Developers"
    assert props.subject == "REST APIs in Rust"
    assert props.author == props.last_modified_by == "Ada Lovelace, Alan Turing"
    assert props.version == "1.2.0" and props.language == "en"
    assert props.created == props.modified == dt.datetime(2026, 11, 20)
    with zipfile.ZipFile(out) as z:
        meta = b"".join(z.read(n) for n in z.namelist() if n.startswith("docProps/"))
        assert not [n for n in z.namelist() if "thumbnail" in n or "printerSettings" in n]
        assert all(info.date_time[:3] == (2026, 11, 20) for info in z.infolist())
    for leftover in (b"python-pptx", b"Steve Canny", b"2013-", b"Microsoft Macintosh", b"4:3"):
        assert leftover not in meta


def test_core_properties_longer_than_opc_allows_are_cut_not_fatal(tmp_path, theme):
    """OPC caps core text properties at 255 characters: a long title or many chapters must still build."""
    base = course(slide("One", para("x")), title="A very long course title " * 20)
    chapters = tuple(replace(base.chapters[0], slug=f"c{i}", title=f"Chapter {i}: {'words ' * 5}".strip())
                     for i in range(40))
    out = deck.render(replace(base, chapters=chapters), theme, tmp_path / "deck.pptx", Options())
    props = Presentation(str(out)).core_properties
    assert len(props.title) <= 255 and props.title.endswith("\u2026")
    assert props.title.startswith("A very long course title A very long")
    titles = props.keywords.split("; ")
    assert len(props.keywords) <= 255 and titles == [f"Chapter {i}: {'words ' * 5}".strip() for i in range(len(titles))]
    assert len(titles) > 5


def test_app_properties_count_slides_and_notes(tmp_path, theme):
    out = deck.render(full_course(tmp_path), theme, tmp_path / "deck.pptx", Options())
    prs = Presentation(str(out))
    with zipfile.ZipFile(out) as z:
        app = z.read("docProps/app.xml").decode()
    assert f"<Slides>{len(prs.slides)}</Slides>" in app
    assert f"<Notes>{sum(s.has_notes_slide for s in prs.slides)}</Notes>" in app


def test_two_renders_are_byte_identical(tmp_path, theme):
    c = full_course(tmp_path)
    first = deck.render(c, theme, tmp_path / "a.pptx", Options()).read_bytes()
    second = deck.render(c, theme, tmp_path / "b.pptx", Options()).read_bytes()
    assert hashlib.sha256(first).hexdigest() == hashlib.sha256(second).hexdigest()


def test_render_is_byte_identical_across_processes(tmp_path, theme):
    script = (
        "import sys, tests.test_deck as t; from pathlib import Path;"
        "from deckbook.options import Options; from deckbook.render import deck;"
        "p = Path(sys.argv[1]); deck.render(t.full_course(p), t.load_theme('default', t.Location(p)),"
        " p / sys.argv[2], Options())"
    )
    for seed, name in (("1", "x.pptx"), ("2", "y.pptx")):
        subprocess.run([sys.executable, "-c", script, str(tmp_path), name], check=True,
                       cwd=Path(__file__).parents[1], env={**os.environ, "PYTHONHASHSEED": seed})
    assert (tmp_path / "x.pptx").read_bytes() == (tmp_path / "y.pptx").read_bytes()


# --- overflow report -----------------------------------------------------------------------------


def test_report_needs_no_python_pptx_and_writes_nothing(tmp_path):
    script = """
import sys, datetime as dt
from pathlib import Path
from deckbook import model as m
from deckbook.errors import Location
from deckbook.render import deck
from deckbook.theme import load_theme
where = Location(Path('01.md'), 4)
items = tuple(m.ListItem((m.Paragraph((m.Text(str(i)),), where),)) for i in range(40))
slide = m.Slide('content', 2, (m.Text('S'),), 's', (m.BulletList(items, False, 1, where),), (), where)
chapter = m.Chapter('c', 'C', Path('01.md'), (slide,), False, False, where)
meta = m.CourseMeta('T', '', '1', (), '', 'en', 'default', dt.date(2026, 1, 1))
warnings = deck.report(m.Course('c', Path('.'), meta, (chapter,), 2), load_theme('default', where))
assert warnings and all(w.severity == 'warning' for w in warnings), warnings
assert 'pptx' not in sys.modules, 'report() imported python-pptx'
"""
    subprocess.run([sys.executable, "-c", script], check=True, cwd=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_report_locates_every_shrink_split_and_wrap(theme):
    c = course(
        slide("Fits", para("Short.", line=2)),
        slide("Split", bullets(*(f"point {i}" for i in range(30)), line=10)),
        slide("Wide", code("x" * 200, line=20)),
    )
    warnings = deck.report(c, theme)
    assert all(w.severity == "warning" for w in warnings)
    assert {w.location.line for w in warnings} == {10, 20}
    assert any("split" in w.message for w in warnings if w.location.line == 10)
    assert any("wrapped" in w.message for w in warnings if w.location.line == 20)
    assert str(warnings[0]).startswith("content/demo/01-intro.md:")


def test_strict_turns_overflow_into_errors(tmp_path, theme):
    c = course(slide("Wide", code("x" * 200, line=20)))
    with pytest.raises(RenderError) as info:
        deck.render(c, theme, tmp_path / "deck.pptx", Options(strict=True))
    assert all(d.severity == "error" and d.location.line == 20 for d in info.value.diagnostics)
    assert not (tmp_path / "deck.pptx").exists()


def test_svg_becomes_a_picture_without_a_warning(tmp_path, theme):
    svg = tmp_path / "diagram.svg"
    svg.write_text('<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>', encoding="utf-8")
    c = course(slide("Vector", m.Image(svg, "Request flow", "", loc(12))))
    prs = render(tmp_path, theme, c)
    pictures = [s for s in prs.slides[1].shapes if s.shape_type == 13]
    assert [p._element.nvPicPr.cNvPr.get("descr") for p in pictures] == ["Request flow"]
    assert not any("SVG" in w.message for w in deck.report(c, theme))  # tests/test_svg.py checks the picture


def test_describe_lists_titles_texts_and_colours(tmp_path, theme):
    render(tmp_path, theme, course(slide("Code", code('fn main() {}', linenums=None))))
    text = deck.describe(tmp_path / "deck.pptx")
    assert "slide 2 [Title Only] 'Code'" in text
    keyword = highlight.palette(theme.spec.pygments_style).style("k").color
    assert f"'fn'[{keyword} b mono]" in text


def test_deck_is_valid_open_xml(tmp_path, theme):
    import openxml_audit

    out = deck.render(full_course(tmp_path), theme, tmp_path / "deck.pptx", Options())
    result = openxml_audit.validate_pptx(out)
    assert result.is_valid, [str(e) for e in result.errors][:5]


def test_a_potx_template_is_used_without_its_sample_slides(tmp_path, theme):
    sample = Presentation(str(template.DEFAULT_TEMPLATE))
    sample.slides.add_slide(sample.slide_layouts[0]).shapes.title.text = "Corporate sample"
    sample.save(str(tmp_path / "corp.pptx"))
    potx = tmp_path / "corp.potx"
    with zipfile.ZipFile(tmp_path / "corp.pptx") as src, zipfile.ZipFile(potx, "w") as out:
        for name in src.namelist():
            data = src.read(name)
            if name == "[Content_Types].xml":
                data = data.replace(b"presentation.main+xml", b"template.main+xml")
            out.writestr(name, data)
    corporate = Theme("corp", theme.spec.model_copy(update={"pptx_template": potx}), theme.folders)
    prs = render(tmp_path, corporate, course(slide("Hello", para("World"))))
    assert titles(prs) == ["Rust for Backend Developers", "Hello"]


HANDBOOK_ONLY = """# One

## Shown

Before.

::: handbook
### Background

Only in the handbook, *at length*.

:::: columns
::: column
Nested.
:::
::: column
Beside it.
:::
::::
:::

::: slides
Only on the slides.
:::

After.
"""


def handbook_only_blocks(node) -> int:
    if isinstance(node, m.Only) and node.target == "handbook":
        return 1
    if isinstance(node, tuple):
        return sum(handbook_only_blocks(item) for item in node)
    if hasattr(node, "__dataclass_fields__") and not isinstance(node, type):
        return sum(handbook_only_blocks(getattr(node, name)) for name in node.__dataclass_fields__)
    return 0


def test_a_deck_drawn_in_a_worker_is_sent_only_what_the_slides_show_and_is_the_same_deck(make_course, tmp_path):
    from deckbook import build
    from deckbook.render import pool

    course, theme, _ = build.load(make_course({"01.md": HANDBOOK_ONLY}))
    shown = deck.for_slides(course)
    assert handbook_only_blocks(course) == 1 and handbook_only_blocks(shown) == 0
    assert shown.meta is course.meta  # what is unchanged is shared
    inline = deck.render(course, theme, tmp_path / "inline.pptx", Options())
    with pool.workers(2) as workers:
        pooled = deck.render(course, theme, tmp_path / "pooled.pptx", Options(), pool=workers)
    assert pooled.read_bytes() == inline.read_bytes()

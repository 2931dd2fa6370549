"""Handbook HTML: numbering, contents, every block type, editions, cross-references, code wrapping, SVG.

Pure tests (no WeasyPrint). The course builders at the top are shared with test_handbook_pdf.py.
"""

from __future__ import annotations

import datetime as dt
import re
import struct
import zlib
from pathlib import Path

import pytest

from deckbook import model
from deckbook.render.common import alt
from deckbook.errors import Location, RenderError
from deckbook.model import (
    Answer, BlockQuote, BulletList, Callout, Chapter, Code, CodeBlock, Columns, Course, CourseMeta,
    DecisionTree, Emph, Heading, Image, LineBreak, Link, ListItem, MetricRow, Metrics, Only, Paragraph,
    Question, Slide, Strike, Strong, Table, Text,
)
from deckbook.options import Options
from deckbook.render import handbook
from deckbook.render.handbook import blocks, codeblock, document, svg
from deckbook.theme import SHIPPED_THEMES, load_theme

# --- builders ----------------------------------------------------------------------------------------

L = Location(Path("t.md"), 1, 1)


def ins(*parts) -> tuple:
    """Return inlines: strings become Text, everything else is kept."""
    return tuple(Text(p) if isinstance(p, str) else p for p in parts)


def para(*parts) -> Paragraph:
    return Paragraph(ins(*parts), L)


def slide(title: str, *blocks, level: int = 2, anchor: str | None = None, notes=(), kind="content") -> Slide:
    anchor = anchor if anchor is not None else re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")
    return Slide(kind, level, ins(title) if title else (), anchor, tuple(blocks), tuple(notes), L)


def chapter(slug: str, title: str, *slides, handbook_only=False, slides_only=False) -> Chapter:
    return Chapter(slug, title, Path(f"{slug}.md"), tuple(slides), handbook_only, slides_only, L)


def course(root: Path, *chapters, title="Rust on the Backend", language="en") -> Course:
    meta = CourseMeta(title=title, subtitle="Building web services with Axum and Tokio", version="1.2",
                      authors=("Ada Lovelace", "Alan Turing"), organisation="Example Training",
                      language=language, theme="default", date=dt.date(2026, 1, 15))
    return Course("rust-backend", root, meta, tuple(chapters), 2)


def code(text: str, language="rust", title="", hl=(), linenums=None) -> CodeBlock:
    return CodeBlock(text, language, title, frozenset(hl), linenums, None, L)


def item(*blocks) -> ListItem:
    return ListItem(tuple(blocks))


def bullets(*items, ordered=False, start=1) -> BulletList:
    return BulletList(tuple(items), ordered, start, L)


def png(width: int, height: int, rgb=(27, 79, 114)) -> bytes:
    """Return a tiny solid-colour PNG."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    raw = b"".join(b"\x00" + bytes(rgb) * width for _ in range(height))
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0))
            + chunk(b"IDAT", zlib.compress(raw)) + chunk(b"IEND", b""))


ROUTER = '''use axum::{routing::get, Router};

// ANCHOR: router
pub fn router(state: AppState) -> Router {
    Router::new()
        .route("/health", get(health))
        .route("/users/:id", get(get_user).put(update_user).delete(delete_user).layer(TimeoutLayer::new(Duration::from_secs(30))).layer(TraceLayer::new_for_http()))
        .with_state(state)
}'''

LONG_LINE = "let x = " + " + ".join(f"value_{i:03d}" for i in range(18)) + ";"  # about 200 columns
UNBROKEN = "const KEY: &str = \"" + "A" * 150 + "\";"


def sample_course(root: Path) -> Course:
    """Return a course using every block type, with its image files written under `root`."""
    (root / "images").mkdir(parents=True, exist_ok=True)
    (root / "images" / "box.png").write_bytes(png(320, 120))
    wide = tuple(ins(f"Column {i}") for i in range(10))
    wide_rows = tuple(tuple(ins(f"cell {r}.{c} " + ("supercalifragilisticexpialidocious_identifier" if c == 3 else "x"))
                            for c in range(10)) for r in range(3))
    tree = DecisionTree(Question("Do you need async I/O?",
                                 Question("Do you want a batteries-included framework?",
                                          Answer("Actix-web"), Answer("Axum + Tower")),
                                 Question("Is it a small command-line tool?", Answer("std only"),
                                          Answer("Rocket (sync handlers)"))),
                        "Choosing a web framework", L)
    metrics = Metrics("Request latency", "ms", True,
                      (MetricRow("p50", 12.0, 4.5), MetricRow("p99", 180.0, 38.0), MetricRow("max", 950.0, 210.0)),
                      "Before", "After", "wrk -t4 -c64 -d30s on a 4-core VM, 2026-01-10", L)
    long_listing = "\n".join(f"    let step_{i:02d} = compute({i}); // keeps going" for i in range(1, 81))
    return course(
        root,
        chapter("01-start", "Getting started",
                slide("Getting started", level=1, kind="section", notes=(para("Welcome everyone."),)),
                slide("Why Rust on the backend",
                      para("Rust gives ", Strong(ins("memory safety")), " without a ", Emph(ins("garbage collector")),
                           ", ", Strike(ins("no runtime")), " and a tiny ", Code("async"), " runtime. See the ",
                           Link(ins("Tokio site"), "https://tokio.rs"), " and ",
                           Link(ins("the router"), "#the-router"), ".", LineBreak(), "A second line."),
                      bullets(item(para("Fast")),
                              item(para("Safe"), bullets(item(para("no data races")), item(para("no ",
                                                                                                Code("null")))))),
                      bullets(item(para("first")), item(para("second")), ordered=True, start=3),
                      Callout("tip", "", (para("Run ", Code("cargo clippy"), " before every commit."),), L),
                      Callout("note", "Editions", (para("The 2024 edition is assumed."),), L),
                      Callout("warning", "", (para("Never block inside async code."),), L),
                      BlockQuote((para("Fearless concurrency."),), L),
                      notes=(para("Ask who has used Rust before."),)),
                slide("The router",
                      para("The whole service fits in one function:"),
                      code(ROUTER, title="src/main.rs", hl=(4, 5), linenums=1),
                      Heading(3, ins("Handlers"), "handlers", L),
                      para("Handlers are async functions."),
                      code(LONG_LINE + "\n" + UNBROKEN, title="overflow.rs"),
                      Only("handbook", (para("Only the handbook has this longer explanation."),), L),
                      Only("slides", (para("Deck-only text."),), L),
                      notes=(para("Live-code the router."),)),
                slide("Comparison",
                      Table((ins("Framework"), ins("Style"), ins("Stars")),
                            ((ins("Axum"), ins("Tower services"), ins("20k")),
                             (ins("Actix-web"), ins("Actors"), ins("21k"))), ("", "center", "right"), L),
                      Table(wide, wide_rows, ("",) * 10, L),
                      Image(root / "images" / "box.png", "A blue box", "Figure: a box", L)),
                slide("", para("An untitled slide after a break."), level=0, anchor="")),
        chapter("02-patterns", "Patterns",
                slide("Anti-patterns",
                      Columns(((para("Bad:"), code("fn bad() { std::thread::sleep(d); }")),
                               (para("Better:"), code("async fn good() { tokio::time::sleep(d).await; }"))), L)),
                slide("Choosing a framework", tree),
                slide("Performance", metrics),
                slide("A long listing", code(long_listing, title="src/steps.rs", linenums=1))),
        chapter("03-deck", "Deck only", slide("Slides only", para("Not in the handbook.")), slides_only=True),
    )


@pytest.fixture(scope="module")
def theme():
    return load_theme("default", Location(Path("course.yaml")))


@pytest.fixture
def sample(tmp_path: Path) -> Course:
    return sample_course(tmp_path / "course")


def render_html(c: Course, theme, **options) -> str:
    return handbook.html(c, theme, Options(**options))


def toc_entries(page: str) -> list[tuple[int, str, str]]:
    """Return (depth, number, title) of every contents line of a handbook's HTML."""
    toc = page[page.index('<nav class="toc">'):page.index("</nav>")]
    return [(int(d), n, re.sub("<[^>]+>", "", t)) for d, n, t in
            re.findall(r'<li class="d(\d)"><a href="#[^"]+" data-num="([^"]*)">(.*?)</a></li>', toc)]


# --- structure -------------------------------------------------------------------------------------


def test_every_block_type_has_a_writer():
    assert set(blocks.BLOCK_WRITERS) == set(model.BLOCK_TYPES)


def test_an_unknown_block_type_is_an_error_not_skipped(tmp_path, theme):
    class Mystery:
        loc = L

    c = course(tmp_path, chapter("01", "One", slide("One", Mystery(), level=1)))
    with pytest.raises(TypeError, match="Mystery"):
        render_html(c, theme)


def test_contents_numbers_every_heading_down_to_the_toc_depth(sample, theme):
    assert toc_entries(render_html(sample, theme)) == [
        (1, "1", "Getting started"),
        (2, "1.1", "Why Rust on the backend"),
        (2, "1.2", "The router"),
        (3, "1.2.1", "Handlers"),
        (2, "1.3", "Comparison"),
        (1, "2", "Patterns"),  # the file starts at level 2: its title becomes the chapter heading
        (2, "2.1", "Anti-patterns"),
        (2, "2.2", "Choosing a framework"),
        (2, "2.3", "Performance"),
        (2, "2.4", "A long listing"),
    ]


def test_headings_below_the_toc_depth_are_unnumbered_and_not_bookmarked(tmp_path, theme):
    c = course(tmp_path, chapter("01", "One", slide("One", level=1), slide(
        "Two", Heading(3, ins("Three"), "three", L), Heading(4, ins("Four"), "four", L),
        Heading(6, ins("Six"), "six", L))))
    page = render_html(c, theme)
    assert [n for _, n, _ in toc_entries(page)] == ["1", "1.1", "1.1.1"]
    assert '<h4 id="four" class="un">Four</h4>' in page
    assert '<h4 id="six" class="un">Six</h4>' in page  # never deeper than one below its parent


def test_levels_that_skip_are_numbered_one_below_their_parent(tmp_path, theme):
    c = course(tmp_path, chapter("01", "One", slide("One", level=1), slide("Deep", level=3)))
    assert toc_entries(render_html(c, theme))[1] == (2, "1.1", "Deep")


def test_each_level_one_slide_opens_a_chapter(tmp_path, theme):
    c = course(tmp_path, chapter("01", "Both", slide("A", level=1), slide("Sub", level=2), slide("B", level=1)))
    page = render_html(c, theme)
    assert page.count('<section class="chapter">') == 2
    assert [n for _, n, _ in toc_entries(page)] == ["1", "1.1", "2"]


def test_slides_only_content_is_left_out(sample, theme):
    page = render_html(sample, theme)
    assert "Only the handbook has this longer explanation." in page
    assert "Deck-only text." not in page
    assert "Not in the handbook." not in page  # a slides_only chapter


def test_trainer_edition_has_the_notes_and_student_edition_does_not(sample, theme):
    student, trainer = render_html(sample, theme), render_html(sample, theme, edition="trainer")
    for note in ("Welcome everyone.", "Ask who has used Rust before.", "Live-code the router."):
        assert note not in student
        assert note in trainer
    assert trainer.count('<div class="notes"><p class="nt">Trainer notes</p>') == 3
    assert "Trainer edition" in trainer and "Trainer edition" not in student


def test_cross_references_name_the_section_and_the_page(sample, theme):
    page = render_html(sample, theme)
    assert '<a class="xref" href="#the-router" data-see="see 1.2, page">the router</a>' in page


def test_a_reference_to_a_missing_anchor_is_an_error_with_its_location(tmp_path, theme):
    where = Location(Path("01.md"), 7, 3)
    c = course(tmp_path, chapter("01", "One", slide(
        "One", Paragraph(ins(Link(ins("there"), "#nowhere")), where), level=1)))
    with pytest.raises(RenderError) as info:
        render_html(c, theme)
    assert "01.md:7:3: error: link to '#nowhere'" in str(info.value)


def test_a_duplicate_anchor_is_an_error(tmp_path, theme):
    c = course(tmp_path, chapter("01", "One", slide("One", level=1), slide("Same"), slide("Same")))
    with pytest.raises(RenderError, match="anchor '#same' is used twice"):
        render_html(c, theme)


def test_external_links_print_their_address_unless_the_text_is_the_address(tmp_path, theme):
    c = course(tmp_path, chapter("01", "One", slide("One", para(
        Link(ins("docs"), "https://docs.rs"), Link(ins("https://tokio.rs"), "https://tokio.rs")), level=1)))
    page = render_html(c, theme)
    assert '<a class="url" href="https://docs.rs" data-url="https://docs.rs">docs</a>' in page
    assert '<a href="https://tokio.rs">https://tokio.rs</a>' in page


def test_head_carries_the_pdf_metadata(sample, theme):
    page = render_html(sample, theme)
    assert page.startswith('<!DOCTYPE html>\n<html lang="en">')
    for tag in ('<title>Rust on the Backend</title>', '<meta name="author" content="Ada Lovelace">',
                '<meta name="author" content="Alan Turing">',
                '<meta name="description" content="Building web services with Axum and Tokio — Version 1.2">',
                '<meta name="dcterms.created" content="2026-01-15">',
                '<meta name="dcterms.modified" content="2026-01-15">'):
        assert tag in page
    assert re.search(r'<meta name="keywords" content="[^"]*version 1\.2, student edition', page)


def test_labels_follow_the_course_language(tmp_path, theme):
    c = course(tmp_path, chapter("01", "Eins", slide("Eins", Callout("tip", "", (para("x"),), L), level=1)),
               language="de-CH")
    page = render_html(c, theme)
    assert "<h1>Inhalt</h1>" in page and '<p class="ct">Tipp</p>' in page


def test_whole_document_golden(sample, theme, golden):
    golden("handbook/sample.html", render_html(sample, theme, edition="trainer"))


# --- blocks ----------------------------------------------------------------------------------------


def block_html(tmp_path: Path, theme, *blocks, **options) -> str:
    """Return the HTML of `blocks` on one slide (between the slide's heading and the end of the chapter)."""
    c = course(tmp_path, chapter("01", "One", slide("One", *blocks, level=1)))
    page = render_html(c, theme, **options)
    return page[page.index("</h1>", page.index('<section class="chapter">')) + 5:page.index("</section>\n</body>")].strip()


def test_paragraph_inlines(tmp_path, theme):
    assert block_html(tmp_path, theme, para("a ", Strong(ins("b")), " ", Emph(ins("c")), " ", Code("<d>"), " ",
                                            Strike(ins("e")), LineBreak(), "f & g")) == (
        "<p>a<span> </span><strong>b</strong><span> </span><em>c</em><span> </span><code>&lt;d&gt;</code>"
        "<span> </span><s>e</s><br>f &amp; g</p>")


def test_text_before_an_inline_element_keeps_its_line(tmp_path, theme):
    """WeasyPrint 70 cut "… If every request that misses … (a <em>cache…" after "that": a text box that fits
    its line only without its trailing space kept only its first word (see html.SPACE_BEFORE_ELEMENT)."""
    from weasyprint import HTML

    text = ("The settings are read by many requests and loaded from the database on a miss. If every request "
            "that misses queried the database, a cold cache under load would send a burst of identical queries (a ")
    markup = block_html(tmp_path, theme, para(text, Emph(ins("cache stampede")), "). Holding the lock prevents that."))
    fonts = SHIPPED_THEMES / "default" / "fonts"
    short = []
    for width in range(150, 181):  # at 10 pt Inter, 168 mm tripped the bug
        page = HTML(string=f"""<style>
            @font-face {{ font-family: T; src: url({(fonts / "Inter-Regular.otf").as_uri()}) }}
            @font-face {{ font-family: T; font-style: italic; src: url({(fonts / "Inter-Italic.otf").as_uri()}) }}
            @page {{ size: 200mm 100mm; margin: 5mm }} p {{ width: {width}mm; font: 10pt T; hyphens: manual }}
            </style>{markup}""").render().pages[0]._page_box
        lines = [" ".join(b.text for b in line.descendants() if type(b).__name__ == "TextBox").split()
                 for line in page.descendants() if type(line).__name__ == "LineBox"]
        short += [(width, line) for line in lines[:-1] if len(line) < 4]
    assert not short


def test_nested_lists(tmp_path, theme):
    html = block_html(tmp_path, theme, bullets(item(para("a"), bullets(item(para("b")), ordered=True, start=4)),
                                               item(para("c"), para("d"))))
    assert html == '<ul><li>a<ol start="4"><li>b</li></ol></li><li>c<p>d</p></li></ul>'


def test_table_alignment_and_header(tmp_path, theme):
    html = block_html(tmp_path, theme, Table((ins("A"), ins("B")), ((ins("1"), ins("2")),), ("center", "right"), L))
    assert html == ('<table class="t"><thead><tr><th class="ac">A</th><th class="ar">B</th></tr></thead><tbody>\n'
                    '<tr><td class="ac">1</td><td class="ar">2</td></tr>\n</tbody></table>')


def test_only_cells_with_a_word_too_long_for_their_share_may_cut_it(tmp_path, theme):
    header = tuple(ins(f"Head {i}") for i in range(10))
    row = tuple(ins("short" if i else "an_identifier_much_longer_than_a_tenth_of_the_page") for i in range(10))
    html = block_html(tmp_path, theme, Table(header, (row,), ("",) * 10, L))
    assert html.count('class="cut"') == 1
    assert '<td class="cut">an_identifier' in html


def test_image_fits_the_text_width_and_keeps_its_alt_text(sample, theme):
    page = render_html(sample, theme)
    assert ('<figure class="img"><img src="images/box.png" alt="A blue box">'
            '<figcaption>Figure: a box</figcaption></figure>') in page


def test_callouts_quote_and_columns(tmp_path, theme):
    html = block_html(tmp_path, theme, Callout("warning", "Careful", (para("x"),), L),
                      BlockQuote((para("q"),), L), Columns(((para("l"),), (para("r"),)), L))
    assert html == ('<div class="callout warning"><p class="ct">Warning: Careful</p><p>x</p></div>\n'
                    '<blockquote><p>q</p></blockquote>\n'
                    '<div class="columns"><div class="column"><p>l</p></div><div class="column"><p>r</p></div></div>')


def test_a_paragraph_introducing_code_is_kept_with_it(tmp_path, theme):
    html = block_html(tmp_path, theme, para("Look:"), code("x"), para("after"))
    assert html == '<p class="lead">Look:</p>\n<div class="code keep"><pre>x</pre></div>\n<p>after</p>'


def test_code_block_html(tmp_path, theme):
    html = block_html(tmp_path, theme, code("fn main() {\n    go();\n}", title="main.rs", hl=(2,), linenums=9))
    # Only classes the Pygments style colours get a span ("p" and "n" do not in 'friendly'); a space
    # joins the run before it (nothing of a colour shows on it): fewer boxes to lay out.
    assert html == (
        '<div class="code keep"><p class="ct">main.rs</p><pre>'
        '<span class="gut"> 9 </span><span class="k">fn </span><span class="nf">main</span>() {\n'
        '<span class="hl"><span class="gut">10 </span>    go();</span>\n'
        '<span class="gut">11 </span>}</pre></div>')


def test_long_code_blocks_may_break_and_repeat_their_title(tmp_path, theme):
    html = block_html(tmp_path, theme, code("\n".join(["x = 1"] * 31), language="python"))
    assert html.startswith('<table class="code long"><thead><tr><th><span class="t">python</span>'
                           '<span class="cont"> (cont.)</span></th></tr></thead><tbody><tr><td><pre>')


def test_code_structure_classes_never_clash_with_pygments_token_classes():
    from pygments.token import STANDARD_TYPES
    assert not {"hl", "gut", "wm", "t", "ct", "cont", "keep", "long", "code"} & set(STANDARD_TYPES.values())


def rows_text(rows: list[str]) -> list[str]:
    import html as std
    return [std.unescape(re.sub("<[^>]+>", "", r)) for r in rows]


def test_a_long_code_line_wraps_with_a_marker_and_its_indentation():
    from deckbook.highlight import tokenize
    line = "        " + " ".join(f"word{i}" for i in range(30))
    rows = rows_text(codeblock._wrap_code(tokenize(line, "text")[0], 60))
    assert 'class="wm"' in codeblock._wrap_code(tokenize(line, "text")[0], 60)[1]
    assert len(rows) > 1
    assert all(len(r) <= 60 for r in rows)
    assert all(r.startswith("        " + codeblock.WRAP_MARK) for r in rows[1:])
    assert "".join([rows[0]] + [r[9:] for r in rows[1:]]) == line  # nothing lost, nothing added


def test_an_unbreakable_code_line_is_cut_at_the_width():
    from deckbook.highlight import tokenize
    rows = rows_text(codeblock._wrap_code(tokenize("x" * 130, "text")[0], 50))
    assert [len(r) for r in rows] == [50, 49, 33]  # the marker is one character two columns wide


def test_wide_characters_count_two_columns():
    from deckbook.highlight import tokenize
    rows = rows_text(codeblock._wrap_code(tokenize("界" * 40, "text")[0], 50))
    assert rows[0] == "界" * 25


def test_code_columns_follow_paper_margins_and_containers(theme):
    a4 = document.layout(theme, Options())
    letter = document.layout(theme, Options(paper="letter"))
    assert letter.code_columns(0) > a4.code_columns(0) > a4.code_columns(a4.insets.callout)
    # A4, 24 + 18 mm margins, 8.2 pt JetBrains Mono (0.6 em), 6.75 pt of padding and border each side.
    assert a4.code_columns(0) == int(((210 - 42) * 72 / 25.4 - 13.5) / (8.2 * 0.6))


def test_metrics_table_computes_the_improvement(tmp_path, theme):
    m = Metrics("Latency", "ms", True, (MetricRow("p99", 40.0, 10.0), MetricRow("slower", 10.0, 12.5)),
                "Before", "After", "made up", L)
    html = block_html(tmp_path, theme, m)
    assert ('<td>p99</td><td class="ar">40\u00a0ms</td><td class="ar">10\u00a0ms</td>'
            '<td class="ar better">4.0× faster</td>') in html
    assert '<td class="ar worse">+25\u00a0%</td>' in html
    assert '<p class="src">made up</p>' in html and "<svg" in html


# --- SVG -------------------------------------------------------------------------------------------


def parse_svg(text: str):
    import xml.etree.ElementTree as ET
    return ET.fromstring(text)


def drawing_style(theme, width=480.0):
    return document.layout(theme, Options()).drawing.__class__(
        theme.spec.colors, "db-body", 8.5, document.layout(theme, Options()).drawing.measure, width)


NS = "{http://www.w3.org/2000/svg}"


def test_decision_tree_is_a_labelled_vector_drawing(theme):
    tree = DecisionTree(Question("Async?", Answer("Axum"), Question("Tiny?", Answer("std"), Answer("Actix"))), "", L)
    root = parse_svg(svg.decision_tree(tree, drawing_style(theme), "Decision tree: Async? ..."))
    assert root.get("role") == "img" and root.get("aria-label") == "Decision tree: Async? ..."
    assert root.find(f"{NS}title").text == "Decision tree: Async? ..."
    assert len(root.findall(f"{NS}rect")) == 5
    texts = {"".join(t.itertext()): t.get("fill") for t in root.iter(f"{NS}text")}
    c = theme.spec.colors
    assert texts["yes"] == c.yes and texts["no"] == c.no
    assert texts["Async?"] == c.background and texts["Axum"] == c.text
    assert root.find(f"{NS}image") is None  # vector shapes, no bitmap


def test_describe_tree_reads_as_text():
    tree = Question("Async?", Answer("Axum"), Question("Tiny?", Answer("std"), Answer("Actix")))
    assert alt.describe_tree(tree) == "Async? yes: Axum; no: Tiny? yes: std; no: Actix"


def test_a_wide_tree_is_shrunk_to_the_text_width(theme):
    def deep(n):
        return Answer(f"leaf {n}") if n > 5 else Question(f"q{n}", deep(n + 1), deep(n + 1))
    root = parse_svg(svg.decision_tree(DecisionTree(deep(0), "", L), drawing_style(theme, 300.0), "t"))
    assert float(root.get("width").removesuffix("pt")) == pytest.approx(300.0, abs=0.01)


def test_bar_chart_scales_each_row_and_prints_values(theme):
    m = Metrics("", "ms", True, (MetricRow("p50", 10.0, 5.0), MetricRow("p99", 400.0, 100.0)), "Before", "After", "", L)
    root = parse_svg(svg.bar_chart(m, drawing_style(theme), lambda v: f"{v:g} ms", "chart"))
    bars = [float(r.get("width")) for r in root.findall(f"{NS}rect") if float(r.get("height")) > 8.5]
    assert bars[0] == pytest.approx(bars[2]) and bars[1] == pytest.approx(bars[0] / 2) and bars[3] == pytest.approx(bars[2] / 4, abs=0.01)
    texts = ["".join(t.itertext()) for t in root.iter(f"{NS}text")]
    assert {"10 ms", "5 ms", "400 ms", "100 ms", "Before", "After", "p50", "p99"} <= set(texts)
    assert float(root.get("width").removesuffix("pt")) <= 480.0


def test_svg_escapes_text(theme):
    tree = DecisionTree(Answer("a < b & c"), "", L)
    assert "a &lt; b &amp; c" in svg.decision_tree(tree, drawing_style(theme), "x")


def test_svg_wrap_cuts_long_words_after_punctuation(theme):
    measure = document.layout(theme, Options()).drawing.measure
    lines = svg.wrap("tokio::sync::Mutex or RwLock", measure("tokio::sync::Mu", 8.5), 8.5, measure)
    assert lines[0] == "tokio::sync::"
    assert lines[1].startswith("Mutex")


def test_large_improvements_are_rounded_to_three_digits(tmp_path, theme):
    m = Metrics("", "req/s", False, (MetricRow("1000 products", 8400.0, 913000.0),), "Before", "After", "", L)
    assert '<td class="ar better">109× better</td>' in block_html(tmp_path, theme, m)

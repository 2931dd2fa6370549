"""Handbook PDF: text, fonts, outline, contents page numbers, page boxes, variants, sandbox, reproducibility.

The sample course (every block type) is rendered once per option set and shared by the module.
"""

from __future__ import annotations

import hashlib
import re
import shutil
import subprocess
from pathlib import Path

import pdfplumber
import pikepdf
import pypdf
import pytest

from deckbook.errors import Location, RenderError
from deckbook.model import Image, Table
from deckbook.options import Options
from deckbook.render import handbook
from deckbook.render.handbook import css, sandbox
from deckbook.theme import SHIPPED_THEMES, load_theme
from conftest import need
from test_handbook import L, chapter, code, course, ins, para, png, sample_course, slide, theme  # noqa: F401

MM = 72 / 25.4
A4 = (595.28, 841.89)
BLEED = 3 * MM


@pytest.fixture(scope="module")
def sample(tmp_path_factory):
    return sample_course(tmp_path_factory.mktemp("handbook") / "course")


@pytest.fixture(scope="module")
def pdf(sample, theme):
    """Return a function giving the sample's PDF for a set of options (rendered once, strict)."""
    cache: dict[tuple, Path] = {}

    def get(**options) -> Path:
        key = tuple(sorted(options.items()))
        if key not in cache:
            out = sample.root.parent / f"out-{len(cache)}.pdf"
            # strict: a WeasyPrint warning (unknown CSS, missing glyph, missing alt text) fails the test.
            cache[key] = handbook.render(sample, theme, out, Options(strict=True, **options))
        return cache[key]

    return get


def texts(path: Path) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(path).pages]


def outline(path: Path) -> list[tuple[int, str, int]]:
    """Return the bookmarks as (depth, title, page index)."""
    reader = pypdf.PdfReader(path)
    out: list[tuple[int, str, int]] = []

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                out.append((depth, item.title, reader.get_destination_page_number(item)))

    walk(reader.outline, 1)
    return out


def contents(path: Path) -> list[tuple[str, int]]:
    """Return the lines of the printed contents as ("1.2 Title", page number)."""
    page = next(t for t in texts(path) if t.startswith("Contents"))
    return [(f"{num} {title}", int(folio)) for num, title, folio in
            re.findall(r"^(\d[\d.]*)\s+(.+?)\s*\.{3,}\s*(\d+)$", page, re.M)]


# --- content ---------------------------------------------------------------------------------------


def test_text_contains_the_code(pdf):
    text = "\n".join(texts(pdf()))
    assert "pub fn router(state: AppState) -> Router {" in text
    assert "Only the handbook has this longer explanation." in text
    assert "Deck-only text." not in text


def test_trainer_edition_contains_the_notes_and_student_edition_does_not(pdf):
    student, trainer = "\n".join(texts(pdf())), "\n".join(texts(pdf(edition="trainer")))
    assert "Live-code the router." in trainer and "TRAINER NOTES" in trainer
    assert "Live-code the router." not in student and "TRAINER NOTES" not in student


def test_every_font_is_embedded_and_comes_from_the_theme(pdf):
    listing = subprocess.run(["pdffonts", str(pdf())], capture_output=True, text=True, check=True).stdout
    rows = listing.splitlines()[2:]
    assert rows
    for row in rows:
        name, emb = row.split()[0], row.split()[-5]
        assert emb == "yes", row
        assert re.match(r"[A-Z]{6}\+db-(body|heading|mono)", name), row


def test_outline_mirrors_the_contents(pdf):
    marks = outline(pdf())
    assert [title for _, title, _ in marks] == [title for title, _ in contents(pdf())]
    assert [(d, t) for d, t, _ in marks][:4] == [
        (1, "1 Getting started"), (2, "1.1 Why Rust on the backend"), (2, "1.2 The router"), (3, "1.2.1 Handlers")]


def test_contents_page_numbers_are_the_pages_of_the_headings(pdf):
    pages = texts(pdf())
    marks = {title: index for _, title, index in outline(pdf())}
    for title, folio in contents(pdf()):
        assert marks[title] + 1 == folio, title
        heading = title.split(" ", 1)[1]
        assert heading in pages[folio - 1], title


def test_chapters_start_on_a_new_page(pdf):
    pages = texts(pdf())
    for depth, title, index in outline(pdf()):
        if depth == 1:
            number, name = title.split(" ", 1)
            assert pages[index].startswith(f"{number}\n{name}"), pages[index][:40]


def heads(path: Path) -> list[str]:
    """Return the text above the top margin of each page (the running heads), "" when there is none."""
    top = load_theme("default", Location(Path("."))).spec.margins.top * MM
    out = []
    with pdfplumber.open(path) as doc:
        for page in doc.pages:
            bleed = page.mediabox[1]  # pdfplumber's y is measured from the media box, the bleed's edge
            chars = sorted((c for c in page.chars if c["y0"] - bleed > A4[1] - top), key=lambda c: c["x0"])
            words, last = [], None
            for c in chars:
                if last is not None and c["x0"] - last > 20:
                    words.append(" | ")
                words.append(c["text"])
                last = c["x1"]
            out.append("".join(words))
    return out


def test_running_heads_name_the_chapter_and_the_section(pdf):
    pages, running = texts(pdf()), heads(pdf())
    for index, text in enumerate(pages):
        if index < 2 or re.match(r"\d+\n", text):  # cover, contents, chapter openers: no heads
            assert running[index] == "", index
    # The first section starting on the page, else the one in force; the chapter on the left.
    cont = next(i for i, t in enumerate(pages) if "src/steps.rs (cont.)" in t)
    assert running[cont] == "2 Patterns | 2.4 A long listing"
    chapters = {"1": "Getting started", "2": "Patterns"}
    checked = 0
    for index, text in enumerate(pages[2:], start=2):
        first = re.search(r"^(\d+)\.\d+ \S.*$", text, re.M)  # a section that starts on this page
        if first and not re.match(r"\d+\n", text):
            assert running[index] == f"{first[1]} {chapters[first[1]]} | {first[0]}", index
            checked += 1
    assert checked >= 2


def test_long_running_heads_are_cut_with_an_ellipsis_inside_the_margins(tmp_path, theme):
    long = "A chapter title far too long for half of a running head, about axum, tokio, sqlx and tower"
    section = "tokio::sync::RwLock when the write guard is held across an await point in a handler"
    c = course(tmp_path, chapter("01", long, slide(long, level=1), slide(section, *(para("Words " * 400),) * 2)))
    path = handbook.render(c, theme, tmp_path / "h.pdf", Options())
    # The clipped text stays in the PDF (pdfplumber reads it): look at the ink instead, at 2 px per mm.
    subprocess.run([need("pdftoppm", "poppler-utils"), "-r", "50.8", "-f", "4", "-l", "4", "-gray", "-png", str(path), str(tmp_path / "p")],
                   check=True)
    from PIL import Image

    page = Image.open(next(tmp_path.glob("p-*.png"))).convert("L")
    margins = theme.spec.margins
    band = page.crop((0, 0, page.width, round(margins.top * 2)))  # above the text area: the running heads
    inked = [x for x in range(band.width) if min(band.getpixel((x, y)) for y in range(band.height)) < 160]
    assert inked, "no running head drawn"
    assert inked[0] >= margins.inner * 2 - 1 and inked[-1] <= band.width - margins.outer * 2 + 1
    gaps = [b - a for a, b in zip(inked, inked[1:])]
    assert max(gaps) >= 6  # the two heads keep at least 3 mm apart: neither runs into the other
    assert heads(path)[3].startswith("1 A chapter title")


def test_cross_reference_gives_section_and_page(pdf):
    text = re.sub(r"\s+", " ", "\n".join(texts(pdf())))
    folio = dict(contents(pdf()))["1.2 The router"]
    assert f"the router (see 1.2, page {folio})" in text


def test_long_code_repeats_its_title_with_cont_on_later_pages_only(pdf):
    pages = texts(pdf())
    with_title = [t for t in pages if "src/steps.rs" in t]
    assert len(with_title) == 2
    assert "src/steps.rs (cont.)" not in with_title[0]
    assert "src/steps.rs (cont.)" in with_title[1]
    assert "(cont.)" not in "\n".join(t for t in pages if "src/main.rs" in t)


def test_diagrams_are_vector_drawings_and_images_are_embedded(pdf):
    pages = texts(pdf())
    tree = next(i for i, t in enumerate(pages) if "Do you need async I/O?\nyes\nno" in t)
    picture = next(i for i, t in enumerate(pages) if "Figure: a box" in t)
    with pdfplumber.open(pdf()) as doc:
        assert doc.pages[tree].images == [] and len(doc.pages[tree].rects) >= 7  # seven boxes
        assert len(doc.pages[picture].images) == 1


def text_area(page_number: int, print_mode: bool) -> tuple[float, float]:
    """Return the left and right edges of the text area (points, from the page's left edge)."""
    m = load_theme("default", Location(Path("."))).spec.margins
    inner_left = not print_mode or page_number % 2 == 1  # duplex: odd pages are right-hand pages
    left = (m.inner if inner_left else m.outer) * MM
    right = A4[0] - (m.outer if inner_left else m.inner) * MM
    return left, right


@pytest.mark.parametrize("print_mode", [False, True])
def test_no_character_leaves_the_text_area(pdf, print_mode):
    """Not the 200-column code line, not the unbreakable one, not the ten-column table, not a folio."""
    m = load_theme("default", Location(Path("."))).spec.margins
    with pdfplumber.open(pdf(print_mode=print_mode)) as doc:
        for number, page in enumerate(doc.pages, start=1):
            left, right = text_area(number, print_mode)
            # x is in PDF coordinates (origin: the trimmed page's corner); y is measured from the media
            # box's bottom edge, which the bleed moves (pdfplumber gives that offset as mediabox[1]).
            bleed = page.mediabox[1]
            for ch in page.chars:
                if ch["text"].isspace():  # WeasyPrint keeps a line's trailing space; it draws nothing
                    continue
                assert left - 0.5 <= ch["x0"] and ch["x1"] <= right + 0.5, (number, ch["text"], ch["x0"], ch["x1"])
                y0, y1 = ch["y0"] - bleed, ch["y1"] - bleed
                assert 0 <= y0 and y1 <= A4[1]
                if y1 > A4[1] - m.top * MM + 0.5 or y0 < m.bottom * MM - 0.5:
                    assert ch["size"] == pytest.approx(8.0, abs=0.01), (number, ch["text"])  # heads, folios


def test_nothing_is_cut_from_the_long_lines(pdf):
    text = "".join(texts(pdf())).replace("\n", "").replace("↪", "")
    assert "value_016 + value_017;" in text
    assert "A" * 150 + '";' in text.replace(" ", "")


def test_long_tables_repeat_their_header_and_big_images_fit_the_width(tmp_path, theme):
    root = tmp_path / "course"
    (root / "images").mkdir(parents=True)
    (root / "images" / "wide.png").write_bytes(png(3000, 300))
    rows = tuple((ins(f"row {i}"), ins("value")) for i in range(90))
    c = course(root, chapter("01", "One", slide(
        "One", Image(root / "images" / "wide.png", "A wide picture", "", L),
        Table((ins("Name"), ins("Value")), rows, ("", ""), L), level=1)))
    out = handbook.render(c, theme, tmp_path / "t.pdf", Options(strict=True))
    table_pages = [t for t in texts(out) if "row " in t]
    assert len(table_pages) >= 2
    assert all("Name Value" in t for t in table_pages)
    left, right = text_area(1, False)
    with pdfplumber.open(out) as doc:
        (picture,) = [image for page in doc.pages for image in page.images]
        assert left - 0.5 <= picture["x0"] and picture["x1"] <= right + 0.5
        assert picture["x1"] - picture["x0"] == pytest.approx(right - left, abs=0.5)


# --- print mode, paper, variants -------------------------------------------------------------------


def test_print_mode_has_trim_and_bleed_boxes(pdf):
    with pikepdf.open(pdf(print_mode=True)) as doc:
        for page in doc.pages:
            trim = [float(v) for v in page.obj.TrimBox]
            bleed = [float(v) for v in page.obj.BleedBox]
            assert trim[2] - trim[0] == pytest.approx(A4[0], abs=0.01)
            assert trim[3] - trim[1] == pytest.approx(A4[1], abs=0.01)
            assert [b - t for b, t in zip(bleed, trim)] == pytest.approx([-BLEED, -BLEED, BLEED, BLEED], abs=0.01)


def test_print_mode_is_pdf_x_4_with_a_cmyk_output_intent(pdf):
    with pikepdf.open(pdf(print_mode=True)) as doc:
        assert doc.pdf_version == "1.6"
        (intent,) = doc.Root.OutputIntents
        assert intent.S == pikepdf.Name.GTS_PDFX
        profile = intent.DestOutputProfile
        assert int(profile.N) == 4 and profile.read_bytes()[12:20] == b"prtrCMYK"  # a printer's CMYK profile
        meta = doc.open_metadata()
        assert meta["pdfxid:GTS_PDFXVersion"] == "PDF/X-4" and meta["pdf:Trapped"] == "False"
        assert meta["xmpMM:DocumentID"].startswith("uuid:") and meta["xmpMM:VersionID"] == "1"
        assert meta["pdfuaid:part"] == "1"  # still tagged for screen readers
        assert doc.docinfo["/Trapped"] == pikepdf.Name("/False")
        for page in doc.pages:  # device RGB is calibrated (sRGB) wherever a page draws
            assert page.obj.Resources.ColorSpace.DefaultRGB[0] == pikepdf.Name.ICCBased


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs poppler-utils")
def test_print_mode_cover_shows_all_four_crop_marks_at_300_dpi(pdf, tmp_path):
    """The crop marks are drawn over everything: the cover's full-bleed band hides none of them."""
    from PIL import Image

    path = pdf(print_mode=True)
    with pikepdf.open(path) as doc:
        page = doc.pages[0].obj
        media = [float(v) for v in page.MediaBox]
        trim = [float(v) for v in page.TrimBox]
    subprocess.run(["pdftoppm", "-r", "300", "-f", "1", "-l", "1", "-gray", "-png", str(path), str(tmp_path / "cover")],
                   check=True)
    image = Image.open(next(tmp_path.glob("cover*.png")))
    scale = 300 / 72
    width, height = image.size
    margin_x = round((trim[0] - media[0]) * scale)  # from the paper's edge to the trim, in pixels
    margin_y = round((media[3] - trim[3]) * scale)
    corners = {"top left": (0, 0), "top right": (width - margin_x, 0), "bottom left": (0, height - margin_y),
               "bottom right": (width - margin_x, height - margin_y)}
    mark = 5 * MM * scale  # a mark is 6 mm long: a row and a column of at least 5 mm of ink
    for name, (left, top) in corners.items():
        corner = image.crop((left, top, left + margin_x, top + margin_y)).point(lambda v: 255 if v < 128 else 0)
        ink = corner.load()
        rows = max(sum(1 for x in range(margin_x) if ink[x, y]) for y in range(margin_y))
        cols = max(sum(1 for y in range(margin_y) if ink[x, y]) for x in range(margin_x))
        assert rows >= mark and cols >= mark, f"{name}: no crop mark ({rows} px across, {cols} px down)"


def test_print_mode_starts_chapters_on_right_hand_pages_with_outer_heads(pdf):
    path = pdf(print_mode=True)
    pages = texts(path)
    for depth, title, index in outline(path):
        if depth == 1:
            assert index % 2 == 0, title  # page index 0 is page 1, a right-hand page
    assert pages[1] == ""  # the back of the cover stays blank
    running = heads(path)
    for index, text in enumerate(pages[4:], start=4):
        if text and not re.match(r"\d+\n", text):  # not a chapter opener
            # Outer side: the section on right-hand pages (odd numbers), the chapter on left-hand ones.
            pattern = r"\d+\.\d+ \w" if index % 2 == 0 else r"\d+ \w"
            assert re.fullmatch(pattern + r"[^|]*", running[index]), (index + 1, running[index])


def test_letter_paper(tmp_path, theme):
    c = course(tmp_path, chapter("01", "One", slide("One", para("x"), level=1)))
    out = handbook.render(c, theme, tmp_path / "l.pdf", Options(paper="letter"))
    with pikepdf.open(out) as doc:
        assert [float(v) for v in doc.pages[0].obj.MediaBox] == [0, 0, 612, 792]


def test_metadata_is_set_from_the_course(pdf):
    meta = pypdf.PdfReader(pdf()).metadata
    assert meta.title == "Rust on the Backend"
    assert meta.author == "Ada Lovelace, Alan Turing"
    assert meta.subject == "Building web services with Axum and Tokio — Version 1.2"
    assert "version 1.2" in meta["/Keywords"] and "student edition" in meta["/Keywords"]
    assert meta["/CreationDate"].startswith("D:20260115") and meta["/ModDate"].startswith("D:20260115")
    with pikepdf.open(pdf()) as doc:
        assert str(doc.Root.Lang) == "en"


def test_pdf_a_3b_declares_itself_in_xmp(pdf):
    with pikepdf.open(pdf(pdf_variant="pdf/a-3b")) as doc:
        meta = doc.open_metadata()
        assert meta["pdfaid:part"] == "3" and meta["pdfaid:conformance"] == "B"
        assert "/OutputIntents" in doc.Root


def test_pdf_ua_1_is_tagged_with_language_title_and_alt_texts(pdf):
    with pikepdf.open(pdf(pdf_variant="pdf/ua-1")) as doc:
        root = doc.Root
        assert "/StructTreeRoot" in root
        assert bool(root.MarkInfo.Marked) is True
        assert str(root.Lang) == "en"
        assert bool(root.ViewerPreferences.DisplayDocTitle) is True
        assert doc.open_metadata()["pdfuaid:part"] == "1"
        figures = list(_struct_elements(root.StructTreeRoot, "/Figure"))
        assert len(figures) >= 3  # the picture, the tree, the chart
        alts = [str(f.Alt) for f in figures]
        assert "A blue box" in alts
        assert any(a.startswith("Decision tree: Do you need async I/O?") for a in alts)
        assert any(a.startswith("Bar chart: p50") for a in alts)


def _struct_elements(node, kind: str):
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, pikepdf.Dictionary):
            if item.get("/S") == kind:
                yield item
            kids = item.get("/K")
            if isinstance(kids, pikepdf.Array):
                stack.extend(kids)
            elif isinstance(kids, pikepdf.Dictionary):
                stack.append(kids)


@pytest.mark.parametrize("options", [{}, {"print_mode": True}, {"pdf_variant": "pdf/a-3b"},
                                     {"pdf_variant": "pdf/ua-1"}])
def test_qpdf_check_passes(pdf, options):
    result = subprocess.run(["qpdf", "--check", str(pdf(**options))], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


# --- reproducibility -------------------------------------------------------------------------------


def small_course(root: Path):
    return course(root, chapter("01", "One", slide("One", para("Some text."), level=1),
                                slide("Two", code("fn main() {}", title="main.rs", linenums=1))))


@pytest.mark.parametrize(("epoch", "variant"), [("1768435200", None), (None, None), ("1768435200", "pdf/a-3b"),
                                               ("1768435200", "pdf/ua-1")])
def test_two_renders_are_byte_identical(tmp_path, theme, monkeypatch, epoch, variant):
    if epoch is None:
        monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)  # the course date is used instead
    else:
        monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    c = small_course(tmp_path / "course")
    options = Options(pdf_variant=variant)
    digests = {hashlib.sha256(handbook.render(c, theme, tmp_path / f"{i}.pdf", options).read_bytes()).hexdigest()
               for i in range(2)}
    assert len(digests) == 1


def test_an_unknown_pdf_variant_is_an_error(tmp_path, theme):
    with pytest.raises(RenderError, match="unknown PDF variant 'pdf/z-9'"):
        handbook.render(small_course(tmp_path / "course"), theme, tmp_path / "x.pdf", Options(pdf_variant="pdf/z-9"))


# --- the sandbox -----------------------------------------------------------------------------------


def test_a_remote_resource_is_refused_with_an_error(tmp_path):
    folder = tmp_path / "themes" / "remote"
    (folder / "templates").mkdir(parents=True)
    (folder / "theme.yaml").write_text("extends: default\n")
    css = (SHIPPED_THEMES / "default" / "templates" / "handbook.css").read_text()
    (folder / "templates" / "handbook.css").write_text(css + ".cover { background: url(https://example.com/bg.png) }\n")
    remote = load_theme("remote", Location(Path("course.yaml")), search=(tmp_path / "themes",))
    c = small_course(tmp_path / "course")
    with pytest.raises(RenderError, match=r"remote resource refused: https://example\.com/bg\.png"):
        handbook.render(c, remote, tmp_path / "out.pdf", Options())


@pytest.mark.parametrize("how", ["outside", "symlink", "missing"])
def test_files_outside_the_course_are_refused_with_the_location(tmp_path, theme, how):
    (tmp_path / "secret.png").write_bytes(png(4, 4))
    root = tmp_path / "course"
    (root / "images").mkdir(parents=True)
    path = {"outside": tmp_path / "secret.png", "symlink": root / "images" / "link.png",
            "missing": root / "images" / "gone.png"}[how]
    if how == "symlink":
        path.symlink_to(tmp_path / "secret.png")
    where = Location(Path("01.md"), 12, 1)
    c = course(root, chapter("01", "One", slide("One", Image(path, "alt", "", where), level=1)))
    message = "file not found" if how == "missing" else "file outside the course and theme folders"
    with pytest.raises(RenderError, match=f"01.md:12:1: error: {message}"):
        handbook.render(c, theme, tmp_path / "out.pdf", Options())


def test_the_fetcher_serves_only_files_inside_its_roots_and_data_urls(tmp_path):
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "a.css").write_text("p{}")
    (tmp_path / "out.css").write_text("p{}")
    fetcher = sandbox.SandboxFetcher((tmp_path / "in",))
    assert fetcher.fetch((tmp_path / "in" / "a.css").as_uri()).read() == b"p{}"
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"
    for url in ((tmp_path / "out.css").as_uri(), (tmp_path / "in").as_uri() + "/../out.css",
                "http://example.com/x.css", "ftp://example.com/x"):
        with pytest.raises(RenderError):
            fetcher.fetch(url)
    assert len(fetcher.refused) == 4


def test_a_theme_without_templates_uses_the_default_ones(tmp_path):
    folder = tmp_path / "themes" / "plain"
    folder.mkdir(parents=True)
    shutil.copytree(SHIPPED_THEMES / "default" / "fonts", folder / "fonts")
    text = (SHIPPED_THEMES / "default" / "theme.yaml").read_text().replace("#1B4F72", "#224466")
    (folder / "theme.yaml").write_text(text)
    plain = load_theme("plain", Location(Path("course.yaml")), search=(tmp_path / "themes",))
    c = small_course(tmp_path / "course")
    assert "--c-primary:#224466" in css.tokens_css(plain, Options())
    assert handbook.render(c, plain, tmp_path / "p.pdf", Options()).stat().st_size > 0

"""The handbook laid out chapter by chapter and stitched: one document to the reader, a cache to the build.

The stitched PDF must read as one document: continuous folios, contents numbers and cross-references
(within a chapter, forward and backward across chapters) that name the pages of their targets, links
that land there, an outline equal to the contents, print-mode parity. And the per-chapter cache must
never be stale: an edit shows, a no-op lays out nothing, and cold, warm, serial and parallel builds
write the same bytes.
"""

from __future__ import annotations

import hashlib
import re
import subprocess
from pathlib import Path

import pdfplumber
import pikepdf
import pytest

from deckbook import build as b
from deckbook.errors import Location
from deckbook.model import Course, Image, Link, Paragraph
from deckbook.options import Options
from deckbook.render import handbook, pool
from deckbook.render.handbook import book, codeblock, document, stitch, workers, writer
from deckbook.theme import load_theme
from test_handbook import L, chapter, code, course, ins, para, png, slide, theme  # noqa: F401
from test_handbook_pdf import MM, contents, outline, texts

FILLER = ("Paragraphs long enough to fill pages, so that chapters run over several pages and their "
          "headings land on pages other than the first one of the chapter. ") * 4


def filler(n: int) -> tuple:
    return tuple(para(f"{i}. {FILLER}") for i in range(n))


def xref(text: str, anchor: str) -> Paragraph:
    return Paragraph(ins("As ", Link(ins(text), f"#{anchor}"), " explains."), L)


def referring_course(root: Path, pad: int = 6, image: bool = False):
    """Return three chapters that refer forward, backward and within themselves, a few pages each."""
    (root / "images").mkdir(parents=True, exist_ok=True)
    (root / "images" / "pic.png").write_bytes(png(40, 20))
    picture = (Image(root / "images" / "pic.png", "A picture", "", L),) if image else ()
    return course(
        root,
        chapter("01-one", "One",
                slide("One", xref("the third chapter's detail", "third-detail"), *filler(pad), level=1),
                slide("First detail", *filler(pad), anchor="first-detail")),
        chapter("02-two", "Two",
                slide("Two", *picture, xref("the first detail", "first-detail"), *filler(pad), level=1),
                slide("Second detail", *filler(pad), code("fn main() {}", title="main.rs"))),
        chapter("03-three", "Three",
                slide("Three", *filler(pad), level=1),
                slide("Third detail", *filler(pad), anchor="third-detail"),
                slide("Summary", xref("the detail above", "third-detail"))),
    )


@pytest.fixture(scope="module")
def books(tmp_path_factory, theme):
    """Return a function giving the referring course's PDF for a set of options (rendered once)."""
    root = tmp_path_factory.mktemp("stitch")
    c = referring_course(root / "course")
    made: dict[tuple, Path] = {}

    def get(**options) -> Path:
        key = tuple(sorted(options.items()))
        if key not in made:
            out = root / f"out-{len(made)}" / "book.pdf"
            out.parent.mkdir()
            made[key] = handbook.render(c, theme, out, Options(strict=True, **options))
        return made[key]

    return get


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


# --- one document to the reader ----------------------------------------------------------------------


@pytest.mark.parametrize("print_mode", [False, True])
def test_outline_is_the_contents_and_its_numbers_are_the_pages(books, print_mode):
    path = books(print_mode=print_mode)
    pages, marks = texts(path), outline(path)
    assert [t for _, t, _ in marks] == [t for t, _ in contents(path)]
    assert [t for _, t, _ in marks] == ["1 One", "1.1 First detail", "2 Two", "2.1 Second detail",
                                        "3 Three", "3.1 Third detail", "3.2 Summary"]
    for (title, folio), (_, _, index) in zip(contents(path), marks):
        assert index + 1 == folio, title
        assert title.split(" ", 1)[1] in pages[index], title


@pytest.mark.parametrize("print_mode", [False, True])
def test_cross_references_name_the_page_of_their_target(books, print_mode):
    path = books(print_mode=print_mode)
    text, folio = flat("\n".join(texts(path))), dict(contents(path))
    assert f"the third chapter's detail (see 3.1, page {folio['3.1 Third detail']})" in text  # forward
    assert f"the first detail (see 1.1, page {folio['1.1 First detail']})" in text  # backward
    assert f"the detail above (see 3.1, page {folio['3.1 Third detail']})" in text  # within a chapter


def test_every_link_lands_on_the_page_of_its_anchor(books):
    path = books()
    folio = dict(contents(path))
    expected = {"first-detail": folio["1.1 First detail"], "third-detail": folio["3.1 Third detail"]}
    with pikepdf.open(path) as pdf:
        names = pdf.Root.Names.Dests.Names
        index = {page.objgen: i for i, page in enumerate(pdf.pages)}
        dests = {str(names[i]): index[names[i + 1][0].objgen] for i in range(0, len(names), 2)}
        links = [(i, str(a.Dest)) for i, page in enumerate(pdf.pages) for a in page.obj.get("/Annots", ())
                 if "/Dest" in a]
        assert not [a for page in pdf.pages for a in page.obj.get("/Annots", ())
                    if "/A" in a and str(a.A.get("/URI", "")).startswith(stitch.MARK)]
        described = {str(a.Dest): str(a.Contents) for page in pdf.pages for a in page.obj.get("/Annots", ())
                     if "/Dest" in a}  # what a screen reader announces: the heading the link leads to
    assert described["first-detail"] == "1.1 First detail" and described["three"].startswith("3 ")
    toc = {name for page, name in links if page == 1}  # the contents page links to every heading
    assert toc == {"one", "first-detail", "two", "second-detail", "three", "third-detail", "summary"}
    for page, name in links:
        assert name in dests, name
        if name in expected:
            assert dests[name] + 1 == expected[name], name
    pages = texts(path)
    for title, number in folio.items():
        heading = title.split(" ", 1)[1]
        assert heading in pages[number - 1]


@pytest.mark.parametrize("print_mode", [False, True])
def test_long_contents_come_in_parts_that_read_as_one(tmp_path, theme, monkeypatch, print_mode):
    """Contents cut into parts (at chapter lines) keep every line, its page number and its link; the
    heading stays on the first part only. (Parts of two lines here; a real part holds about 400.)"""
    monkeypatch.setattr(handbook, "CONTENTS_PART", 2)
    c = referring_course(tmp_path / "course", pad=2)
    assert [len(p) for p in handbook._contents_parts(document.prepare(c, theme, Options())[0].toc)] == [2, 2, 3]
    path = handbook.render(c, theme, tmp_path / "book.pdf", Options(strict=True, print_mode=print_mode))
    pages, marks = texts(path), outline(path)
    lines = [(f"{num} {title}", int(folio)) for page in pages for num, title, folio in
             re.findall(r"^(\d[\d.]*)\s+(.+?)\s*\.{3,}\s*(\d+)$", page, re.M)]  # every contents page
    assert [t for _, t, _ in marks] == [t for t, _ in lines] == [
        "1 One", "1.1 First detail", "2 Two", "2.1 Second detail", "3 Three", "3.1 Third detail", "3.2 Summary"]
    for (title, folio), (_, _, index) in zip(lines, marks):
        assert index + 1 == folio and title.split(" ", 1)[1] in pages[index], title
    assert sum("Contents" in page for page in pages) == 1
    with pikepdf.open(path) as pdf:
        index = {page.objgen: i for i, page in enumerate(pdf.pages)}
        names = pdf.Root.Names.Dests.Names
        dests = {str(names[i]): index[names[i + 1][0].objgen] for i in range(0, len(names), 2)}
        toc_pages = [i for i, text in enumerate(pages) if re.search(r"\.{3,}\s*\d+$", text, re.M)]
        toc_links = [str(a.Dest) for i in toc_pages for a in pdf.pages[i].obj.get("/Annots", ()) if "/Dest" in a]
    assert {"one", "first-detail", "two", "second-detail", "three", "third-detail", "summary"} <= set(toc_links)
    assert all(name in dests for name in toc_links)


def folios(path: Path) -> list[str]:
    """Return the text below the bottom margin of each page (its folio), "" when there is none."""
    bottom = load_theme("default", Location(Path("."))).spec.margins.bottom * MM
    out = []
    with pdfplumber.open(path) as doc:
        for page in doc.pages:
            bleed = page.mediabox[1]
            chars = [c for c in page.chars if c["y1"] - bleed < bottom and not c["text"].isspace()]
            out.append("".join(c["text"] for c in sorted(chars, key=lambda c: c["x0"])))
    return out


@pytest.mark.parametrize("print_mode", [False, True])
def test_folios_run_on_across_parts_and_skip_the_cover_and_blank_pages(books, print_mode):
    path = books(print_mode=print_mode)
    pages, numbers = texts(path), folios(path)
    assert numbers[0] == ""  # the cover
    for index, (text, folio) in enumerate(zip(pages, numbers)):
        if text.strip():
            assert index == 0 or folio == str(index + 1), (index, folio)
        else:
            assert folio == "", index  # a blank page (print mode) has no folio
    assert len(pages) > 8  # several pages per chapter: numbering crosses part boundaries


def test_print_mode_starts_every_chapter_on_a_right_hand_page_with_its_pages_in_step(books):
    path = books(print_mode=True)
    pages, marks = texts(path), outline(path)
    starts = [index for depth, _, index in marks if depth == 1]
    assert all(index % 2 == 0 for index in starts)  # page 1, 3, 5 …: right-hand pages
    assert any(pages[index - 1] == "" for index in starts)  # a chapter was padded with a blank page
    with pdfplumber.open(path) as doc:
        for number, page in enumerate(doc.pages, start=1):
            xs = [c["x0"] for c in page.chars if not c["text"].isspace()]
            if xs and number > 1:  # the inner margin (24 mm) is at the binding: left on right-hand pages
                left = min(xs)
                assert (left > 23 * MM) if number % 2 else (left < 19 * MM), (number, left)


def test_the_stitched_pdf_passes_qpdf_and_keeps_one_catalog(books):
    for options in ({}, {"print_mode": True}, {"pdf_variant": "pdf/a-3b"}):
        path = books(**options)
        result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
        assert result.returncode == 0, result.stdout + result.stderr
    with pikepdf.open(books(pdf_variant="pdf/a-3b")) as pdf:
        assert len(pdf.Root.OutputIntents) == 1
        assert pdf.open_metadata()["pdfaid:part"] == "3"
        assert str(pdf.docinfo.Title) == "Rust on the Backend"


# --- the cache -----------------------------------------------------------------------------------------


class Spy:
    """A worker that counts what it lays out (run inline: the counts stay in this process)."""

    def __init__(self, monkeypatch):
        self.kinds: list[str] = []
        real = workers.lay_out

        def lay_out(task, styles, source_date):
            self.kinds.append(task.kind)
            return real(task, styles, source_date)

        monkeypatch.setattr(workers, "lay_out", lay_out)

    def take(self) -> list[str]:
        kinds, self.kinds = self.kinds, []
        return kinds


def render(c, theme, out: Path, **options) -> bytes:
    return handbook.render(c, theme, out, Options(**options), pool=pool.Inline()).read_bytes()


def test_a_rebuild_lays_out_nothing_and_writes_the_same_bytes(tmp_path, theme, monkeypatch):
    spy = Spy(monkeypatch)
    c = referring_course(tmp_path / "course", pad=2)
    first = render(c, theme, tmp_path / "out" / "a.pdf")
    assert spy.take().count("part") == 4  # the front matter and three chapters, once each
    assert render(c, theme, tmp_path / "out" / "a.pdf") == first
    assert spy.take() == []


def with_chapter_two(root: Path, edit) -> Course:
    """Return the referring course with chapter 2's slides replaced by `edit(its slides)`."""
    c = referring_course(root, pad=2)
    return course(root, c.chapters[0], chapter("02-two", "Two", *edit(c.chapters[1].slides)), c.chapters[2])


def test_an_edit_lays_out_that_chapter_again_and_shows(tmp_path, theme, monkeypatch):
    spy = Spy(monkeypatch)
    root = tmp_path / "course"
    render(referring_course(root, pad=2), theme, tmp_path / "out" / "a.pdf")
    spy.take()
    edited = with_chapter_two(root, lambda two: (two[0], slide("Second detail", para("A sentence the edit added."),
                                                                *filler(2))))
    after = render(edited, theme, tmp_path / "out" / "a.pdf")
    assert spy.take() == ["part"]  # chapter 2 only: its length, and so every number, stayed
    assert "A sentence the edit added." in flat("\n".join(texts(tmp_path / "out" / "a.pdf")))
    assert render(edited, theme, tmp_path / "cold" / "a.pdf") == after  # as a cold build writes it


def test_a_chapter_that_grows_moves_the_numbers_after_it(tmp_path, theme, monkeypatch):
    spy = Spy(monkeypatch)
    root = tmp_path / "course"
    render(referring_course(root, pad=2), theme, tmp_path / "out" / "a.pdf")
    spy.take()
    grown = with_chapter_two(root, lambda two: (*two, slide("More", *filler(8))))
    after = render(grown, theme, tmp_path / "out" / "a.pdf")
    # Chapter 2 grew; chapter 1 (refers to chapter 3), chapter 3 (refers to itself) and the contents
    # print numbers that moved: laid out again. Folio documents for the new pages may be added.
    assert sorted(k for k in spy.take() if k != "folio") == ["measure", "part", "part", "part", "part"]
    cold = render(grown, theme, tmp_path / "cold" / "a.pdf")
    assert cold == after
    folio = dict(contents(tmp_path / "out" / "a.pdf"))
    assert f"(see 3.1, page {folio['3.1 Third detail']})" in flat("\n".join(texts(tmp_path / "out" / "a.pdf")))


def test_an_image_that_changes_lays_out_the_chapter_showing_it_again(tmp_path, theme, monkeypatch):
    spy = Spy(monkeypatch)
    c = referring_course(tmp_path / "course", pad=1, image=True)
    first = render(c, theme, tmp_path / "out" / "a.pdf")
    spy.take()
    (tmp_path / "course" / "images" / "pic.png").write_bytes(png(40, 20, rgb=(200, 30, 30)))
    assert render(c, theme, tmp_path / "out" / "a.pdf") != first
    assert spy.take() == ["part"]


def test_serial_parallel_cold_and_warm_builds_write_the_same_bytes(tmp_path, theme):
    c = referring_course(tmp_path / "course", pad=3)
    serial = render(c, theme, tmp_path / "serial" / "a.pdf", print_mode=True)
    with pool.workers(2) as workers:
        out = tmp_path / "parallel" / "a.pdf"
        parallel = handbook.render(c, theme, out, Options(print_mode=True), pool=workers).read_bytes()
        warm = handbook.render(c, theme, out, Options(print_mode=True), pool=workers).read_bytes()
    assert serial == parallel == warm


def test_the_cache_keeps_only_what_the_last_builds_used(tmp_path, theme):
    root = tmp_path / "course"
    out = tmp_path / "out" / "a.pdf"
    render(referring_course(root, pad=1), theme, out)
    cache = out.parent / ".cache" / "handbook"
    before = {p.name for p in cache.iterdir()}
    edited = referring_course(root, pad=1)
    edited = course(root, edited.chapters[0], edited.chapters[1],
                    chapter("03-three", "Three", *edited.chapters[2].slides, slide("New", para("new"))))
    render(edited, theme, out)
    render(edited, theme, out)  # the layouts the first build alone used are now garbage
    after = {p.name for p in cache.iterdir()}
    assert before - after  # something was collected …
    assert {"student.json"} <= after  # … the edition's record stays
    keys = {p.name.split(".")[0] for p in cache.iterdir() if len(p.name.split(".")[0]) == 64}
    assert len(keys) <= 8  # front (+ its measure), three chapters, a folio document


def test_a_whole_build_shares_one_pool_and_matches_a_serial_one(make_course, tmp_path):
    root = make_course({"01-a.md": "# A\n\nSee [the part](#part-b).\n\n## Part A\n\ntext\n",
                        "02-b.md": "# B\n\n## Part B\n\nmore\n"})
    handbooks = ("handbook", "handbook-trainer")
    serial = b.build(root, tmp_path / "serial", handbooks, jobs=1).files
    parallel = b.build(root, tmp_path / "parallel", handbooks, jobs=2).files
    assert {n: hashlib.sha256(p.read_bytes()).hexdigest() for n, p in serial.items()} == \
        {n: hashlib.sha256(p.read_bytes()).hexdigest() for n, p in parallel.items()}
    assert "(see 2.1, page 4)" in flat("\n".join(texts(parallel["handbook"])))


# --- the parts' HTML ---------------------------------------------------------------------------------


def test_each_chapter_reports_its_anchors_references_and_files(tmp_path, theme):
    c = referring_course(tmp_path / "course", pad=0, image=True)
    facts = document.prepare(c, theme, Options())[0].facts
    assert [sorted(f.refs) for f in facts] == [["third-detail"], ["first-detail"], ["third-detail"]]
    assert {"one", "first-detail"} <= facts[0].ids and "third-detail" in facts[2].ids
    assert [len(f.files) for f in facts] == [0, 1, 0]


def test_resolved_cross_references_carry_their_page_and_a_stitch_address():
    markup = '<p><a class="xref" href="#far" data-see="see 2.1, page">x</a> <a class="xref" href="#near" data-see="see page">y</a></p>'
    out = writer.resolve_xrefs(markup, {"far": 41}, stitch.MARK)
    assert f'<a class="xref" href="{stitch.MARK}far" data-page="41" data-see="see 2.1, page">' in out
    assert '<a class="xref" href="#near" data-see="see page">' in out  # counted by the CSS in its chapter


def test_code_tokens_that_look_alike_share_one_span_and_every_class_is_styled():
    classes = codeblock.code_classes("friendly")
    assert classes["kd"] == classes["k"] == "k" and classes["fm"] == "nf"
    assert "p" not in classes and "n" not in classes  # unstyled in 'friendly': plain text
    css = codeblock.code_css("friendly")
    assert {f".code .{c}{{" for c in set(classes.values())} == set(re.findall(r"\.code \.\w+\{", css))
    from deckbook.highlight import tokenize
    (row,) = codeblock._wrap_code(tokenize("    pub fn main() { // a comment here", "rust")[0], 80, classes)
    assert row == ('<span class="k">    pub fn </span><span class="nf">main</span>() { '
                   '<span class="c">// a comment here</span>')


def test_the_book_waits_for_numbers_in_document_order():
    """A chapter referring back is laid out once the parts before its target are; one referring to itself
    once the parts before it are; the front matter last."""
    facts = (writer.ChapterFacts(frozenset({"a"}), frozenset(), frozenset()),
             writer.ChapterFacts(frozenset({"b"}), frozenset({"a", "b"}), frozenset()))
    made = book.Book(facts, (frozenset({"a", "b"}),), lambda *a: "", lambda *a: "", "", "d", Path("/nonexistent"),
                     "student", False, lambda files: "")
    done = {0: book.Layout(3, {}, (True,) * 3), 1: book.Layout(5, {"a": 2}, (True,) * 5)}
    starts = made.starts(done)
    assert starts == [1, 4, 9]
    assert made.inputs(2, done, starts) == (9, (("a", 6),))  # its own start, and a's page
    assert made.inputs(0, done, starts) is None  # the contents wait for every chapter
    assert made.inputs(2, {0: done[0]}, made.starts({0: done[0]})) is None

"""The decks as LibreOffice draws them: converted headless to PDF, one page per slide, footers filled.

One soffice run converts every deck (starting LibreOffice takes seconds), with a private profile so
parallel test runs do not share one. Skipped where LibreOffice is not installed; CI installs it.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from deckbook.errors import Location
from deckbook.load import load_course
from deckbook.options import Options
from deckbook.render import deck
from deckbook.render.deck import layout, measure, package, pieces, writer
from deckbook.render.deck.frames import Box, DeckPlan, Para, SlidePlan, TextFrame
from deckbook.theme import Theme, load_theme

from conftest import need
from test_deck_template import corporate_course

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="module")
def soffice() -> str:
    return need("soffice", "libreoffice-impress")


@pytest.fixture(scope="module")
def converted(tmp_path_factory, soffice) -> dict[str, tuple[Path, Path]]:
    """Return {name: (deck, its PDF)} for the mini deck (default and corporate theme) and the stress deck."""
    folder = tmp_path_factory.mktemp("soffice")
    default = load_theme("default", Location(FIXTURES / "mini" / "course.yaml"))
    corporate = load_theme("corporate", Location(FIXTURES / "mini" / "course.yaml"))
    decks = {
        "mini": deck.render(load_course(FIXTURES / "mini"), default, folder / "mini.pptx", Options()),
        "mini-corporate": deck.render(corporate_course(folder / "mini", FIXTURES / "mini"), corporate,
                                      folder / "mini-corporate.pptx", Options()),
        "stress": deck.render(load_course(FIXTURES / "stress"), default, folder / "stress.pptx", Options()),
        "lines": _full_lines_deck(default, folder / "lines.pptx"),
    }
    command = [soffice, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
               "--convert-to", "pdf", "--outdir", str(folder), *map(str, decks.values())]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return {name: (path, path.with_suffix(".pdf")) for name, path in decks.items()}


@pytest.mark.parametrize("name", ["mini", "mini-corporate", "stress", "lines"])
def test_libreoffice_renders_one_page_per_slide(converted, name):
    pptx, pdf = converted[name]
    assert pdf.is_file(), f"LibreOffice wrote no PDF for {pptx.name}"
    assert len(PdfReader(pdf).pages) == len(Presentation(str(pptx)).slides)


def test_libreoffice_shows_the_filled_template_footers(converted):
    _, pdf = converted["mini-corporate"]
    pages = [page.extract_text() for page in PdfReader(pdf).pages]
    assert "Mini Course · 0.9" not in pages[0]
    for number, text in enumerate(pages[1:], start=2):
        assert "Mini Course · 0.9" in text and "2026-01-15" in text, number
        assert text.split()[-1] == str(number), number  # the slide-number field, last on the page


#: The sizes the calibration deck measures lines at: the table minimum, the table size, the body size.
LINE_SIZES = (10.0, 14.0, 20.0)


def _paragraphs(theme: Theme) -> list[tuple[pieces.Run, ...]]:
    """Return the one-paragraph texts of the stress course's slides (runs of every face), longest first."""
    ctx = pieces.Context(theme, 0)
    found: list[tuple[pieces.Run, ...]] = []

    def walk(items) -> None:
        for item in items:
            if isinstance(item, pieces.TextPiece):
                found.extend(spec.runs for spec in item.paras)
            elif isinstance(item, pieces.BoxPiece):
                walk(item.inner)
            elif isinstance(item, pieces.ColumnsPiece):
                for column in item.columns:
                    walk(column)
            elif isinstance(item, pieces.TablePiece):
                found.extend(cell for row in item.cells for cell in row)

    for chapter in load_course(FIXTURES / "stress").chapters:
        for s in chapter.slides:
            walk(pieces.pieces(s.blocks, ctx))
    texts = {runs for runs in found if runs and all(r.text != "\n" for r in runs) and len(_text(runs)) > 15}
    return sorted(texts, key=lambda runs: (-len(_text(runs)), _text(runs)))[:24]


def _text(runs) -> str:
    return "".join(r.text for r in runs)


def _full_lines_deck(theme: Theme, out: Path) -> Path:
    """Write a deck of one paragraph a slide, each in a box exactly as wide as the measure says its one line
    needs: the narrowest box in which `measure.wrap` keeps it on one line."""
    ctx, geo = pieces.Context(theme, 0), layout.geometry(theme)
    blank = layout.choose_layout(ctx, geo, "blank").name
    slides = []
    for runs in _paragraphs(theme):
        for size in LINE_SIZES:
            parts = [measure.Piece(r.text, pieces.run_face(r)) for r in runs]
            _, width = measure.widths_needed(parts, ctx.body, size)
            if width > geo.inner_w:
                continue
            assert ctx.lines(runs, size, width) == 1
            para = Para(runs, size, ctx.pitch(size))
            frame = TextFrame(Box(geo.margin, geo.margin, width, 3 * para.pitch), (para,))
            slides.append(SlidePlan("content", "", None, 0.0, (frame,), "", blank))
    assert len(slides) > 40
    plan = DeckPlan(geo.width, geo.height, "", "", geo.footer_box(), geo.number_box(), 10.0, tuple(slides), ())
    prs = package.open_template(theme, plan.width, plan.height)
    writer.draw_deck(prs, plan, writer.Pen(theme, "en"))
    prs.save(str(out))
    return out


def test_libreoffice_keeps_a_line_the_measure_says_fits_on_one_line(converted):
    """The calibration of `measure.WRAP_SAFETY`: LibreOffice draws text a little wider than its advances
    and kerning add up to (rounding glyph positions), and the margin must cover that at every size."""
    pptx, pdf = converted["lines"]
    wrapped = []
    for slide, page in zip(Presentation(str(pptx)).slides, PdfReader(pdf).pages):
        text = page.extract_text().strip()
        if "\n" in text:
            wrapped.append((slide.shapes[0].text_frame.paragraphs[0].runs[0].font.size.pt, text))
    assert not wrapped

"""The decks as LibreOffice draws them: converted headless to PDF, one page per slide, footers filled.

One soffice run converts every deck (starting LibreOffice takes seconds), with a private profile so
parallel test runs do not share one. Skipped where LibreOffice is not installed; CI installs it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest
from pptx import Presentation
from pypdf import PdfReader

from deckbook.errors import Location
from deckbook.load import load_course
from deckbook.options import Options
from deckbook.render import deck
from deckbook.theme import load_theme

from test_deck_template import corporate_course

FIXTURES = Path(__file__).parent / "fixtures"
SOFFICE = shutil.which("soffice")

pytestmark = pytest.mark.skipif(SOFFICE is None, reason="LibreOffice (soffice) is not installed; CI installs it "
                                                         "to check that decks render")


@pytest.fixture(scope="module")
def converted(tmp_path_factory) -> dict[str, tuple[Path, Path]]:
    """Return {name: (deck, its PDF)} for the mini deck (default and corporate theme) and the stress deck."""
    folder = tmp_path_factory.mktemp("soffice")
    default = load_theme("default", Location(FIXTURES / "mini" / "course.yaml"))
    corporate = load_theme("corporate", Location(FIXTURES / "mini" / "course.yaml"))
    decks = {
        "mini": deck.render(load_course(FIXTURES / "mini"), default, folder / "mini.pptx", Options()),
        "mini-corporate": deck.render(corporate_course(folder / "mini", FIXTURES / "mini"), corporate,
                                      folder / "mini-corporate.pptx", Options()),
        "stress": deck.render(load_course(FIXTURES / "stress"), default, folder / "stress.pptx", Options()),
    }
    command = [SOFFICE, f"-env:UserInstallation={(folder / 'profile').as_uri()}", "--headless",
               "--convert-to", "pdf", "--outdir", str(folder), *map(str, decks.values())]
    done = subprocess.run(command, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    return {name: (path, path.with_suffix(".pdf")) for name, path in decks.items()}


@pytest.mark.parametrize("name", ["mini", "mini-corporate", "stress"])
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

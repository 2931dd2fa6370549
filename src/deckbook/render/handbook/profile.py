"""Where a handbook build's time goes: its phases, each named by the function whose cumulative time it is.

The benchmark (`deckbook.bench`) profiles a build with cProfile and reads these functions' shares; the
names of WeasyPrint's internal steps stay here, in the handbook package, with the rest of its vocabulary.
"""

from __future__ import annotations

from typing import Callable

from .engine import weasyprint  # first: WeasyPrint without its import-time warning
from weasyprint.css import get_all_computed_styles
from weasyprint.document import Document
from weasyprint.formatting_structure.build import build_formatting_structure
from weasyprint.layout import layout_document
from weasyprint.pdf.fonts import build_fonts_dictionary
from weasyprint.text.line_break import split_first_line

from . import stitch, workers
from .document import prepare


def phases() -> list[tuple[str, Callable]]:
    """Return the phases of a handbook build as (label, function); "— of which" phases lie inside the one above."""
    return [
        ("deckbook: content → HTML (Markdown, Pygments, templates)", prepare),
        ("WeasyPrint: load fonts and stylesheets (once per worker)", workers.loaded),
        ("WeasyPrint: parse HTML", weasyprint.HTML.__init__),
        ("WeasyPrint: cascade (computed styles)", get_all_computed_styles),
        ("WeasyPrint: box tree", build_formatting_structure),
        ("WeasyPrint: layout", layout_document),
        ("— of which line breaking and text shaping (Pango)", split_first_line),
        ("WeasyPrint: draw and write the PDF", Document.write_pdf),
        ("— of which font subsetting (fontTools)", build_fonts_dictionary),
        ("deckbook: stitch (pikepdf)", stitch.stitch),
    ]


def forget_loaded() -> None:
    """Drop the fonts and stylesheets loaded so far, so the next build loads them again, as a fresh worker does."""
    workers.LOADED.clear()

"""Build options shared by every renderer (what the command line and the tasks can set)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

PDF_VARIANTS = ("pdf/a-1b", "pdf/a-2b", "pdf/a-3b", "pdf/a-2u", "pdf/a-3u", "pdf/ua-1", "pdf/ua-2")


@dataclass(frozen=True)
class Options:
    """How to render: which edition, paper, print mode, PDF variant; strict turns warnings into errors."""

    edition: Literal["student", "trainer"] = "student"
    paper: Literal["a4", "letter"] | None = None  # None: the theme's paper
    print_mode: bool = False  # bleed, crop marks, duplex margins, chapters on right-hand pages
    pdf_variant: str | None = None
    strict: bool = False

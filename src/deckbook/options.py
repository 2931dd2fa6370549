"""Build options shared by every renderer (what the command line and the tasks can set)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

# Each passes veraPDF with its own profile(s) (tests/test_verapdf.py); every one is tagged. Not offered:
# PDF/A-1b (PDF 1.4 admits neither the OpenType fonts nor the transparency groups WeasyPrint writes:
# ISO 19005-1 6.3.2-7, 6.4-3). PDF/UA-2 is WeasyPrint's PDF 2.0 output with its structure tree mended
# after the stitch (render/handbook/ua2.py says which rules WeasyPrint 70's tags break, and how each is met).
PDF_VARIANTS = ("pdf/ua-1", "pdf/ua-2", "pdf/a-3a", "pdf/a-3a+pdf/ua-1", "pdf/a-3b", "pdf/a-2b", "pdf/a-2u",
                "pdf/a-3u")
DEFAULT_PDF_VARIANT = "pdf/ua-1"  # what every attendee gets: tagged, accessible


@dataclass(frozen=True)
class Options:
    """How to render: which edition, paper, print mode, PDF variant; strict turns warnings into errors."""

    edition: Literal["student", "trainer", "solutions"] = "student"
    paper: Literal["a4", "letter"] | None = None  # None: the theme's paper
    print_mode: bool = False  # bleed, crop marks, duplex margins, chapters on right-hand pages
    pdf_variant: str | None = None  # None: DEFAULT_PDF_VARIANT
    strict: bool = False


@dataclass(frozen=True)
class Flag:
    """How one option is given on the command line (`--paper letter`) and to the tasks (`paper="letter"`)."""

    flag: str
    help: str
    choices: tuple[str, ...] = ()  # none: a switch

    @property
    def parameter(self) -> str:
        """Return the name a task takes it as: `--pdf-variant` → `pdf_variant`."""
        return self.flag.removeprefix("--").replace("-", "_")


#: The options an output may read, as flags. `strict` is given to every command, so it is not here.
FLAGS: dict[str, Flag] = {
    "paper": Flag("--paper", "paper size (default: the theme's)", ("a4", "letter")),
    "print_mode": Flag("--print", "print-shop PDF: 3 mm bleed, crop marks, duplex margins"),
    "pdf_variant": Flag("--pdf-variant", "PDF/A or PDF/UA variant, e.g. pdf/a-3b", PDF_VARIANTS),
}

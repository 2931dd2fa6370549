"""What `--pdf-variant` and `--print` ask of a handbook: the variant WeasyPrint writes, the claims the stitch adds.

Every handbook is tagged; a variant names the PDF/A or PDF/UA part it conforms to, and `--print` makes a
PDF/X-4 file for a press (`press`). Both are decided here, before any layout, so a refusal costs nothing.
"""

from __future__ import annotations

import uuid
from importlib import resources as package_data
from pathlib import Path

from . import engine  # noqa: F401 - first: WeasyPrint without its import-time warning

from ...errors import RenderError
from ...model import Course
from ...options import DEFAULT_PDF_VARIANT, PDF_VARIANTS, Options
from . import stitch

#: Per `--pdf-variant`: the variant WeasyPrint writes, and the PDF/UA part the stitch adds to its claims.
VARIANT_PLAN: dict[str, tuple[str, int | None]] = {v: (v, None) for v in PDF_VARIANTS if "+" not in v}
VARIANT_PLAN["pdf/a-3a+pdf/ua-1"] = ("pdf/a-3a", 1)
#: --print: the printing condition of the PDF/X-4 output intent (Debian's libgs-common: Ghostscript's
#: default CMYK press profile), and what the pages' RGB means (WeasyPrint's own sRGB profile).
PRINT_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
PRINT_CONDITION = "Ghostscript default CMYK (default_cmyk.icc)"
RGB_PROFILE = Path(str(package_data.files("weasyprint.pdf") / "sRGB2014.icc"))


def plan(options: Options) -> tuple[str, int | None]:
    """Return the variant WeasyPrint writes for `options` and the PDF/UA part the stitch claims besides."""
    if options.pdf_variant is not None and options.pdf_variant not in VARIANT_PLAN:
        raise RenderError(f"unknown PDF variant '{options.pdf_variant}' (one of: {', '.join(PDF_VARIANTS)})")
    return VARIANT_PLAN[options.pdf_variant or DEFAULT_PDF_VARIANT]


def press(course: Course, options: Options) -> stitch.Press | None:
    """Return what makes a print-mode handbook PDF/X-4 (None when not printing)."""
    if not options.print_mode:
        return None
    if (options.pdf_variant or "").startswith("pdf/a"):
        raise RenderError(f"--print makes a PDF/X-4 file, whose CMYK output intent PDF/A forbids beside its own: "
                          f"leave out --pdf-variant {options.pdf_variant} (print files are tagged PDF/UA-1)")
    if options.pdf_variant == "pdf/ua-2":
        raise RenderError("--print makes a PDF/X-4 file, which is PDF 1.6, and PDF/UA-2 needs PDF 2.0: "
                          "leave out --pdf-variant pdf/ua-2 (print files are tagged PDF/UA-1)")
    if not PRINT_PROFILE.is_file():
        raise RenderError(f"--print needs the CMYK press profile {PRINT_PROFILE}: install the Debian package "
                          "libgs-common")
    name = f"deckbook:{course.slug}:{course.meta.version}:{options.edition}:{options.paper or ''}"
    return stitch.Press(PRINT_PROFILE, PRINT_CONDITION, RGB_PROFILE, f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}")

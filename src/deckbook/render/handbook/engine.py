"""WeasyPrint, imported quietly, and what this machine lacks that it would use.

WeasyPrint 70 warns at import (a DeprecationWarning) when the system library HarfBuzz-subset is missing,
then subsets fonts with fontTools: the shipped course's handbook takes about three times as long. The
warning would be lost in a build (and is an error under pytest's `filterwarnings = error`), so it is
silenced here and `notes()` tells the user once, at build time, with the command that installs it.
"""

from __future__ import annotations

import warnings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", "HarfBuzz-Subset will be required", DeprecationWarning)
    import weasyprint  # imported here first, so no other import of it warns
    from weasyprint.text import ffi

HARFBUZZ_SUBSET_PACKAGE = "libharfbuzz-subset0"


def notes() -> list[str]:
    """Return what the handbook misses on this machine, each with the command that installs it."""
    if ffi.harfbuzz_subset is not None:
        return []
    return [f"HarfBuzz-subset is not installed: the handbook's fonts are subset by fontTools instead, about 3x "
            f"slower (install it: sudo apt-get install {HARFBUZZ_SUBSET_PACKAGE}, or `invoke setup`)"]

"""SVG pictures on slides: their natural size, and the PNG that viewers without SVG support show.

PowerPoint stores an SVG picture as a PNG `a:blip` carrying the SVG in an `asvg:svgBlip` extension; the
PNG is rendered here at build time by resvg (the `resvg-py` wheel: no browser, no network, no system
call). The loader has already refused SVGs that refer to anything outside themselves.
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

from lxml import etree

from ...errors import Diagnostic, Location, RenderError

#: Points per unit of an SVG length (CSS units; a user unit is a CSS pixel).
_UNITS = {"": 0.75, "px": 0.75, "pt": 1.0, "pc": 12.0, "in": 72.0, "cm": 72 / 2.54, "mm": 72 / 25.4}
_LENGTH = re.compile(r"^\s*([0-9.]+(?:[eE][-+]?\d+)?)\s*(px|pt|pc|in|cm|mm)?\s*$")
#: The size a browser gives an SVG that states none (300 × 150 CSS pixels).
_DEFAULT = (225.0, 112.5)
#: The fallback PNG's resolution: twice a 96 dpi screen, sharp on a projector.
PNG_DPI = 192


@lru_cache(maxsize=64)
def natural_size(path: Path) -> tuple[float, float]:
    """Return the size (points) the SVG at `path` asks for: width/height, else its viewBox's aspect."""
    root = etree.parse(str(path), etree.XMLParser(resolve_entities=False, no_network=True)).getroot()
    width, height = _length(root.get("width")), _length(root.get("height"))
    box = [float(v) for v in re.split(r"[\s,]+", root.get("viewBox", "").strip()) if v] or None
    if box is not None and len(box) == 4 and box[2] > 0 and box[3] > 0:
        if width and not height:
            height = width * box[3] / box[2]
        elif height and not width:
            width = height * box[2] / box[3]
        elif not width:
            width, height = box[2] * 0.75, box[3] * 0.75
    return (width, height) if width and height else _DEFAULT


def _length(value: str | None) -> float | None:
    match = _LENGTH.match(value or "")
    return float(match.group(1)) * _UNITS[match.group(2) or ""] if match else None


def png(svg: bytes, width: float, height: float, loc: Location, what: str, fonts: tuple[Path, ...] = ()) -> bytes:
    """Return `svg` (`what`: "SVG image 'x.svg'", for messages) rendered as a PNG of `width` × `height` points.

    Text in the SVG is drawn with `fonts` (the theme's and its fallback chain's) and no other font.
    An SVG that cannot be rendered is a RenderError at `loc`, the image's line in the course.
    """
    import resvg_py  # the one place the SVG renderer is used

    pixels = (max(1, round(width / 72 * PNG_DPI)), max(1, round(height / 72 * PNG_DPI)))
    try:
        return bytes(resvg_py.svg_to_bytes(svg_string=svg.decode("utf-8"), width=pixels[0], height=pixels[1],
                                           skip_system_fonts=True, font_files=[str(f) for f in fonts],
                                           resources_dir=None))
    except (ValueError, OSError, RuntimeError, UnicodeDecodeError) as exc:
        raise RenderError([Diagnostic(loc, f"{what} cannot be rendered: {exc}",
                                      "open it in an SVG editor and re-export it")]) from None

"""Files a chapter pulls in (`include=` + mdBook `ANCHOR:` regions, images), confined to the course."""

from __future__ import annotations

import re
import textwrap
from pathlib import Path

from ..errors import Diagnostics, Location

MAX_INCLUDE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_BYTES = 20 * 1024 * 1024
_ANCHOR_LINE = re.compile(r"\bANCHOR(?:_END)?:\s*([\w-]+)")
_IMAGE_MAGIC = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
}


def resolve(root: Path, ref: str, loc: Location, diags: Diagnostics, what: str) -> Path | None:
    """Return `ref` (relative to the course folder) as a real path inside it, or None after an error."""
    if not ref:
        diags.error(loc, f"empty {what} path")
        return None
    if re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I):
        diags.error(loc, f"{what} '{ref}' is a URL", "deckbook never fetches from the network; copy the file into the course")
        return None
    candidate = Path(ref)
    if candidate.is_absolute():
        diags.error(loc, f"{what} '{ref}' is an absolute path", "use a path relative to the course folder")
        return None
    real_root = root.resolve()
    target = (real_root / candidate).resolve()
    if not target.is_relative_to(real_root):
        diags.error(loc, f"{what} '{ref}' leaves the course folder",
                    "files a course uses must live inside it (symbolic links are followed)")
        return None
    if not target.is_file():
        diags.error(loc, f"{what} '{ref}' not found", f"looked for {target}")
        return None
    return target


def read_text(path: Path, loc: Location, diags: Diagnostics) -> str | None:
    """Return a UTF-8 text file's content, or None after an error."""
    try:
        if path.stat().st_size > MAX_INCLUDE_BYTES:
            diags.error(loc, f"included file '{path.name}' is larger than {MAX_INCLUDE_BYTES // 1024} KiB",
                        "include a region with anchor=")
            return None
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        diags.error(loc, f"included file '{path.name}' is not UTF-8 (byte {exc.start})", "save it as UTF-8")
    except OSError as exc:
        diags.error(loc, f"cannot read '{path.name}': {exc.strerror}")
    return None


def region(text: str, anchor: str | None, path: Path, loc: Location, diags: Diagnostics) -> str | None:
    """Return the lines between `ANCHOR: anchor` and `ANCHOR_END: anchor` (all of `text` when None).

    Anchor comment lines never show, and the region is dedented as a whole.
    """
    lines = text.split("\n")
    if anchor is not None:
        start = end = None
        for i, line in enumerate(lines):
            match = _ANCHOR_LINE.search(line)
            if match and match.group(1) == anchor:
                if "ANCHOR_END" in line:
                    if start is not None and end is None:
                        end = i
                elif start is None:
                    start = i
        if start is None:
            names = sorted({m.group(1) for m in map(_ANCHOR_LINE.search, lines) if m})
            diags.error(loc, f"anchor '{anchor}' not found in {path.name}",
                        f"anchors there: {', '.join(names)}" if names else "mark the region with ANCHOR: / ANCHOR_END: comments")
            return None
        if end is None:
            diags.error(loc, f"anchor '{anchor}' in {path.name} (line {start + 1}) has no ANCHOR_END: {anchor}",
                        "close the region with an ANCHOR_END comment")
            return None
        lines = lines[start + 1:end]
    kept = [line for line in lines if not _ANCHOR_LINE.search(line)]
    while kept and not kept[-1].strip():
        kept.pop()
    while kept and not kept[0].strip():
        kept.pop(0)
    return textwrap.dedent("\n".join(kept))


def check_image(path: Path, loc: Location, diags: Diagnostics) -> bool:
    """Return whether `path` is a readable PNG, JPEG or SVG of a sane size (report why not)."""
    suffix = path.suffix.lower()
    if suffix not in (*_IMAGE_MAGIC, ".svg"):
        diags.error(loc, f"image '{path.name}' has an unsupported format", "use PNG, JPEG or SVG")
        return False
    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            diags.error(loc, f"image '{path.name}' is {size // (1024 * 1024)} MiB",
                        f"images may be at most {MAX_IMAGE_BYTES // (1024 * 1024)} MiB; resize it")
            return False
        with path.open("rb") as f:
            head = f.read(512)
    except OSError as exc:
        diags.error(loc, f"cannot read image '{path.name}': {exc.strerror}")
        return False
    if suffix == ".svg":
        ok = b"<svg" in head or b"<?xml" in head
    else:
        ok = head.startswith(_IMAGE_MAGIC[suffix])
    if not ok:
        diags.error(loc, f"image '{path.name}' is not a valid {suffix[1:].upper()} file", "re-export the image")
    return ok

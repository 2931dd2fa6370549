"""Files a chapter pulls in (`include=` + mdBook `ANCHOR:` regions, images), confined to the course."""

from __future__ import annotations

import io
import os
import re
import struct
import textwrap
import warnings
from pathlib import Path

from lxml import etree

from ..errors import Diagnostics, Location
from . import text

MAX_INCLUDE_BYTES = 2 * 1024 * 1024
MAX_IMAGE_BYTES = 20 * 1024 * 1024
MAX_IMAGE_PIXELS = 89_478_485
"""Pillow's decompression-bomb threshold (WeasyPrint decodes images with Pillow and warns above it)."""
_ANCHOR_LINE = re.compile(r"\bANCHOR(?:_END)?:\s*([\w-]+)")
_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".svg": "SVG"}
# JPEG start-of-frame markers (they carry the size): C0–CF except DHT (C4), JPG (C8) and DAC (CC).
_JPEG_SOF = set(range(0xC0, 0xD0)) - {0xC4, 0xC8, 0xCC}


def resolve(root: Path, ref: str, loc: Location, diags: Diagnostics, what: str) -> Path | None:
    """Return `ref` (relative to the course folder) as a real file inside it, or None after an error.

    Symbolic links are resolved first, so a link pointing out of the course is refused like `../`;
    nothing outside the course is opened, not even to say it is missing.
    """
    if not ref:
        diags.error(loc, f"empty {what} path")
        return None
    if re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I):
        diags.error(loc, f"{what} '{ref}' is a URL", "deckbook never fetches from the network; copy the file into the course")
        return None
    if Path(ref).is_absolute():
        diags.error(loc, f"{what} '{ref}' is an absolute path", "use a path relative to the course folder")
        return None
    try:
        real_root = root.resolve()
        target = (real_root / ref).resolve()
        if not target.is_relative_to(real_root):
            diags.error(loc, f"{what} '{ref}' leaves the course folder",
                        "files a course uses must live inside it; symbolic links are followed")
            return None
        if target.is_dir():
            diags.error(loc, f"{what} '{ref}' is a folder, not a file", "name a file inside it")
            return None
        if not target.is_file():
            diags.error(loc, f"{what} '{ref}' not found", "paths are relative to the course folder")
            return None
    except (OSError, RuntimeError, ValueError) as exc:  # too long a name, a symbolic-link loop, a NUL
        diags.error(loc, f"{what} '{ref}' cannot be used: {getattr(exc, 'strerror', None) or exc}")
        return None
    return target


def read_text(path: Path, diags: Diagnostics) -> str | None:
    """Return an included file's text (UTF-8, any line ends), or None after an error located in it."""
    return text.read(path, diags, MAX_INCLUDE_BYTES, "included file", "include a region with anchor=")


def region(content: str, anchor: str | None, path: Path, loc: Location, diags: Diagnostics,
           dedent: bool = True) -> str | None:
    """Return the lines between `ANCHOR: anchor` and `ANCHOR_END: anchor` (all of `content` when None).

    As in mdBook, an `ANCHOR:` without its `ANCHOR_END:` runs to the end of the file. Anchor comment
    lines never show, and the region is dedented as a whole (unless not `dedent`: mdBook's includes).
    """
    lines = content.split("\n")
    if anchor is not None:
        span = _anchor_span(lines, anchor, path, loc, diags)
        if span is None:
            return None
        lines = lines[span[0]:span[1]]
    kept = [line for line in lines if not _ANCHOR_LINE.search(line)]
    while kept and not kept[-1].strip():
        kept.pop()
    while kept and not kept[0].strip():
        kept.pop(0)
    return textwrap.dedent("\n".join(kept)) if dedent else "\n".join(kept)


def _anchor_span(lines: list[str], anchor: str, path: Path, loc: Location, diags: Diagnostics,
                 missing: str = "error") -> tuple[int, int] | None:
    """Return the first and the after-last line index of region `anchor` (its marker lines excluded).

    A missing anchor is reported as `missing` says: an error, or (mdBook's includes, where it includes
    nothing) a warning.
    """
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
        report = diags.error if missing == "error" else diags.warning
        report(loc, f"anchor '{anchor}' not found in {path.name}" + ("" if missing == "error" else
                                                                   ": nothing included, as in mdBook"),
               f"anchors there: {', '.join(names)}" if names else "mark the region with ANCHOR: / ANCHOR_END: comments")
        return None
    return start + 1, len(lines) if end is None else end


_MDBOOK = re.compile(r"\{\{\s*#(include|rustdoc_include)\s+([^}\s]+)\s*\}\}")
_LINES = re.compile(r"(\d*)(?::(\d*))?")


def mdbook_includes(body: str, chapter: Path, root: Path, first: Location, diags: Diagnostics,
                    used: set[Path]) -> str | None:
    """Return a code block's `body` with mdBook's `{{#include file[:anchor|:from:to]}}` directives replaced.

    Paths are relative to the chapter (as in mdBook) and may not leave the course. The lines around a
    directive stay. `{{#rustdoc_include}}` shows the same lines and keeps the rest of the file as Rust
    hidden lines (`# `), as mdBook does. `first` is where the body's first line is; None after an error.
    """
    out: list[str] = []
    ok = True
    for number, line in enumerate(body.split("\n")):
        pos = 0
        parts: list[str] = []
        for match in _MDBOOK.finditer(line):
            loc = Location(first.path, first.line + number, first.col + match.start())
            text = _mdbook_include(match.group(1), match.group(2), chapter, root, loc, diags, used)
            ok = ok and text is not None
            parts += [line[pos:match.start()], text or ""]
            pos = match.end()
        out.append("".join(parts) + line[pos:])
    return "\n".join(out) if ok else None


def _mdbook_include(kind: str, spec: str, chapter: Path, root: Path, loc: Location, diags: Diagnostics,
                    used: set[Path]) -> str | None:
    name, _, part = spec.partition(":")
    try:
        ref = os.path.relpath(chapter.parent / name, root)
    except ValueError:  # another drive on Windows
        ref = name
    path = resolve(root, ref, loc, diags, "include")
    if path is None:
        return None
    used.add(path)
    content = read_text(path, diags)
    if content is None:
        return None
    lines = content.removesuffix("\n").split("\n")
    if _LINES.fullmatch(part):  # mdBook: `file` (all), `file:2` (line 2), `file::10`, `file:2:`, `file:2:10`
        low, colon, high = part.partition(":")
        start = int(low) - 1 if low else 0
        end = min((int(high) if high else len(lines)) if colon or not part else start + 1, len(lines))
        if not 0 <= start < end:
            diags.error(loc, f"lines {part} of {path.name}: it has {len(lines)} lines",
                        "name lines that exist, e.g. file.rs:2:10")
            return None
    else:  # `file:anchor`
        span = _anchor_span(lines, part, path, loc, diags, missing="warning")
        if span is None:
            return ""
        start, end = span
    shown = "\n".join(line for line in lines[start:end] if not _ANCHOR_LINE.search(line))
    if kind == "include":
        return shown
    # rustdoc_include: the rest of the file is compiled but not shown
    hidden = lambda part: ["# " + line for line in part if not _ANCHOR_LINE.search(line)]
    return "\n".join([*hidden(lines[:start]), shown, *hidden(lines[end:])])


def check_image(path: Path, loc: Location, diags: Diagnostics) -> bool:
    """Return whether `path` is a readable, well-formed PNG, JPEG or SVG of a sane size (report why not)."""
    kind = _FORMATS.get(path.suffix.lower())
    if kind is None:
        diags.error(loc, f"image '{path.name}' has an unsupported format", "use PNG, JPEG or SVG")
        return False
    try:
        size = path.stat().st_size
        if size > MAX_IMAGE_BYTES:
            diags.error(loc, f"image '{path.name}' is {size / (1024 * 1024):.0f} MiB",
                        f"images may be at most {MAX_IMAGE_BYTES // (1024 * 1024)} MiB; resize it")
            return False
        data = path.read_bytes()
    except OSError as exc:
        diags.error(loc, f"cannot read image '{path.name}': {exc.strerror or exc}")
        return False
    problem = {"PNG": _png_problem, "JPEG": _jpeg_problem, "SVG": _svg_problem}[kind](data)
    if not problem and kind != "SVG":
        problem = _decode_problem(data)
    if problem:
        diags.error(loc, f"image '{path.name}' is not a valid {kind} file: {problem}", "re-export the image")
        return False
    references = svg_references(data) if kind == "SVG" else []
    for line, ref in references:
        diags.error(loc, f"SVG '{path.name}' refers to '{ref}' (its line {line})",
                    "an SVG stays inside the course: embed pictures as data: URLs, fonts come from the theme")
    return not references


def _pixels_problem(width: int, height: int) -> str:
    if width == 0 or height == 0:
        return f"its size is {width}×{height} pixels"
    if width * height > MAX_IMAGE_PIXELS:
        return f"{width}×{height} pixels is more than {MAX_IMAGE_PIXELS // 1_000_000} megapixels"
    return ""


def _png_problem(data: bytes) -> str:
    if not data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "it does not start with the PNG signature"
    if len(data) < 33 or data[12:16] != b"IHDR":
        return "the header is missing"
    if not _png_complete(data):
        return "it is cut short (no IEND chunk at the end)"
    return _pixels_problem(*struct.unpack(">II", data[16:24]))


def _png_complete(data: bytes) -> bool:
    """Return whether the chunks of a PNG run whole up to its IEND chunk.

    Bytes after IEND are ignored, as every viewer (and Pillow) does; a file cut anywhere before the
    end of IEND is not complete.
    """
    pos = 8
    while pos + 12 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        end = pos + 12 + length  # length, type, data, CRC
        if end > len(data):
            return False
        if kind == b"IEND":
            return True
        pos = end
    return False


def _jpeg_problem(data: bytes) -> str:
    if not data.startswith(b"\xff\xd8\xff"):
        return "it does not start with the JPEG signature"
    if b"\xff\xd9" not in data[-1024:]:
        return "it is cut short (no end-of-image marker)"
    pos = 2
    while pos + 4 <= len(data):
        if data[pos] != 0xFF:
            return "a segment marker is damaged"
        marker = data[pos + 1]
        if marker == 0xFF:  # fill byte
            pos += 1
            continue
        if marker in (0xD9, 0xDA):
            break  # end of image, or the scan data, before any frame header
        if 0xD0 <= marker <= 0xD7 or marker == 0x01:
            pos += 2
            continue
        length = struct.unpack(">H", data[pos + 2:pos + 4])[0]
        if marker in _JPEG_SOF:
            if pos + 9 > len(data):
                break
            height, width = struct.unpack(">HH", data[pos + 5:pos + 9])
            return _pixels_problem(width, height)
        pos += 2 + length
    return "it has no frame header (image size)"


def _decode_problem(data: bytes) -> str:
    """Return why Pillow cannot decode every pixel and chunk of a PNG or JPEG ('' when it can).

    The headers may be fine and the pixel data cut short (a black box in the PDF, a broken picture in the
    deck), or a compressed text or colour-profile chunk may unpack to far more than it holds; Pillow's
    limits (PngImagePlugin.MAX_TEXT_CHUNK) turn the latter into an error.
    """
    from PIL import Image, ImageFile

    lenient = ImageFile.LOAD_TRUNCATED_IMAGES  # WeasyPrint sets it for the whole process when imported
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error")  # e.g. Pillow's DecompressionBombWarning, a truncated EXIF
            with Image.open(io.BytesIO(data)) as image:
                image.load()
    except Exception as exc:  # noqa: BLE001 - Pillow raises OSError, ValueError, SyntaxError, zlib.error...
        return _pillow_reason(exc)
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient
    return ""


def _pillow_reason(exc: Exception) -> str:
    reason = str(exc).strip() or type(exc).__name__
    for start, meaning in (("Decompressed data too large", "a metadata chunk unpacks to more than 1 MiB"),
                           ("image file is truncated", "it is cut short"), ("Truncated File Read", "it is cut short"),
                           ("cannot identify image file", "its data is not an image Pillow can read")):
        if reason.lower().startswith(start.lower()):
            return meaning
    return reason


def _svg_problem(data: bytes) -> str:
    head = data[:65536]
    if b"<svg" not in head:
        return "no <svg> element at its start"
    if b"<!ENTITY" in data or b"<!DOCTYPE" in data and b"SYSTEM" in data:
        return "it declares XML entities or an external DTD"  # how XML bombs and external-file reads work
    if not data.rstrip().endswith(b">"):
        return "it is cut short"
    try:
        _svg_tree(data)
    except etree.XMLSyntaxError as exc:
        return f"{exc.msg} (its line {exc.lineno})"
    return ""


def _svg_tree(data: bytes):
    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)
    return etree.fromstring(data, parser)


_CSS_URL = re.compile(r"""url\(\s*['"]?([^'")\s]*)|@import\s+['"]([^'"]*)""", re.I)
_LOCAL = re.compile(r"^(#|data:)", re.I)
_WEB = re.compile(r"^(https?://|mailto:)", re.I)


def svg_references(data: bytes) -> list[tuple[int, str]]:
    """Return every reference an SVG makes outside itself (line, target): links, images, CSS url() and @import.

    Only fragments (`#id`) and `data:` URLs stay inside the file; the handbook and the deck's renderer
    must never read another file or the network because of a picture. A hyperlink (`<a href>`) to a web
    or mail address is not read by anything (draw.io puts one in every export): it is not a reference.
    """
    found = []
    for element in _svg_tree(data).iter():
        if not isinstance(element.tag, str):
            continue
        link = etree.QName(element).localname == "a"
        for name, value in element.attrib.items():
            local = etree.QName(name).localname
            if link and local == "href" and _WEB.match(value.strip()):
                continue
            targets = [value.strip()] if local in ("href", "src") else []
            targets += [a or b for a, b in _CSS_URL.findall(value)]
            found += [(element.sourceline, t) for t in targets if t and not _LOCAL.match(t)]
        if etree.QName(element).localname == "style" and element.text:
            found += [(element.sourceline, a or b) for a, b in _CSS_URL.findall(element.text)
                      if (a or b) and not _LOCAL.match(a or b)]
    return found

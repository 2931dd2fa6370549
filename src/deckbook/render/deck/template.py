"""The slide template read straight from its XML (no python-pptx): size, layouts by name, placeholder boxes.

The planner needs the layouts' names (to check a slide's `layout=`) and where their placeholders sit (to keep
content clear of a corporate template's decorations and footer zone), and `report()` must stay free of
python-pptx — so the package is read here with the standard library. Units are points.
"""

from __future__ import annotations

import posixpath
import zipfile
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from xml.etree import ElementTree

from ...errors import Diagnostic, Location, RenderError
from ...theme import SHIPPED_THEMES, Theme
from .frames import Box

DEFAULT_TEMPLATE = SHIPPED_THEMES / "default" / "deck-template.pptx"
EMU_PER_POINT = 12700

_NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
       "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
       "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships",
       "rel": "http://schemas.openxmlformats.org/package/2006/relationships"}
_RID = f"{{{_NS['r']}}}id"
_THEME_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/theme"

#: Placeholder types of the OOXML spec → what the deck uses them for ("" = ignored).
_ROLES = {"title": "title", "ctrTitle": "title", "subTitle": "subtitle", "body": "body", "obj": "body",
          "tbl": "body", "chart": "body", "dgm": "body", "media": "body", "clipArt": "body", "pic": "body",
          "dt": "date", "ftr": "footer", "sldNum": "number"}
#: A layout placeholder without a position inherits the master's placeholder of this role.
_MASTER_ROLE = {"title": "title", "subtitle": "body", "body": "body", "date": "date", "footer": "footer",
                "number": "number"}
FOOTER_ROLES = ("date", "footer", "number")
#: Scheme colour names as the master's colour map sees them (`bg1` is the theme's `lt1` by default).
_MAPPED = ("bg1", "tx1", "bg2", "tx2")


@dataclass(frozen=True)
class Placeholder:
    """A placeholder of a layout: `role` is "title", "subtitle", "body", "date", "footer" or "number"."""

    role: str
    box: Box


@dataclass(frozen=True)
class Layout:
    """A slide layout (or a master, read the same way): its name, OOXML type, placeholders and background."""

    name: str
    type: str
    placeholders: tuple[Placeholder, ...]
    dark: bool
    """The background is dark, so text drawn on it should be light."""

    def boxes(self, role: str) -> list[Box]:
        return [p.box for p in self.placeholders if p.role == role]

    def box(self, role: str) -> Box | None:
        found = self.boxes(role)
        return found[0] if found else None

    @property
    def has_footers(self) -> bool:
        return any(p.role in FOOTER_ROLES for p in self.placeholders)


@dataclass(frozen=True)
class Template:
    """A .pptx/.potx as the planner sees it: slide size, every layout of every master, the first master."""

    path: Path
    width: float
    height: float
    layouts: tuple[Layout, ...]
    master: Layout

    @property
    def names(self) -> list[str]:
        return [layout.name for layout in self.layouts]

    def find(self, name: str) -> Layout | None:
        """Return the first layout called `name` (python-pptx's order: masters, then their layouts)."""
        return next((layout for layout in self.layouts if layout.name == name), None)


def template_path(theme: Theme) -> Path:
    """Return the template the deck starts from: the theme's `pptx_template`, else the shipped one."""
    return theme.spec.pptx_template or DEFAULT_TEMPLATE


def read(path: Path) -> Template:
    """Return the template at `path`; raise RenderError naming the file (and part) when it is not usable.

    The package is checked before anything reads it: sizes (a small file can unpack to gigabytes), entries
    that are encrypted or compressed in a way PowerPoint does not write, and relationships that point out of
    the package (a linked picture is fetched by whoever opens the deck).
    """
    stat = path.stat()
    try:
        return _read(path, stat.st_mtime_ns, stat.st_size)
    except _Broken as exc:
        part, problem, hint = exc.args
        raise RenderError([Diagnostic(Location(path), f"slide template{f', part {part}' if part else ''}: {problem}",
                                      hint or "save it again from PowerPoint as .pptx or .potx")]) from None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, EOFError,
            zlib.error, KeyError, ValueError, TypeError, AttributeError) as exc:
        raise RenderError([Diagnostic(Location(path), f"cannot read the slide template: {exc}",
                                      "save it again from PowerPoint as .pptx or .potx")]) from None


MAX_TEMPLATE_BYTES = 100 * 1024 * 1024
"""A template file's size on disk."""
MAX_PART_BYTES = 64 * 1024 * 1024
"""What one part of a template may unpack to (pictures included)."""
MAX_UNPACKED_BYTES = 256 * 1024 * 1024
"""What a whole template may unpack to."""
MAX_PARTS = 10_000
_EXTERNAL_LINKS = ("http", "https", "mailto")  # the only external targets a template may keep: hyperlinks
_HYPERLINK_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/hyperlink"


class _Broken(Exception):
    """A template that cannot be used: (part name or '', what is wrong, what to do or '')."""


def _check_package(path: Path, size: int, package: zipfile.ZipFile) -> None:
    """Raise _Broken when the package is too big, has entries it should not, or links outside itself."""
    if size > MAX_TEMPLATE_BYTES:
        raise _Broken("", f"it is {size // (1024 * 1024)} MiB", f"templates may be at most "
                      f"{MAX_TEMPLATE_BYTES // (1024 * 1024)} MiB; compress its pictures")
    entries = package.infolist()
    if len(entries) > MAX_PARTS:
        raise _Broken("", f"it has {len(entries)} parts", f"a template may have at most {MAX_PARTS}")
    total = 0
    for entry in entries:
        if entry.flag_bits & 0x1:
            raise _Broken(entry.filename, "it is encrypted", "save the template without a password")
        if entry.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            raise _Broken(entry.filename, f"it is compressed with ZIP method {entry.compress_type}",
                          "PowerPoint writes stored or deflated parts only: save it again from PowerPoint")
        total += entry.file_size
        if entry.file_size > MAX_PART_BYTES or total > MAX_UNPACKED_BYTES:
            raise _Broken(entry.filename, "it unpacks to more than a template can hold",
                          f"parts may unpack to {MAX_PART_BYTES // (1024 * 1024)} MiB, a template to "
                          f"{MAX_UNPACKED_BYTES // (1024 * 1024)} MiB")
    parts = _Parts(package)
    for entry in entries:
        if entry.filename.endswith(".rels"):
            for rel in parts.rels_file(entry.filename):
                _check_relationship(entry.filename, rel)


def _check_relationship(rels: str, rel: ElementTree.Element) -> None:
    """Raise _Broken for a relationship that points outside the package, but for a web or mail hyperlink."""
    if rel.get("TargetMode") != "External":
        return
    target, kind = rel.get("Target", ""), rel.get("Type", "").rsplit("/", 1)[-1]
    scheme = target.split(":", 1)[0].lower() if ":" in target else ""
    if rel.get("Type") == _HYPERLINK_REL and scheme in _EXTERNAL_LINKS:
        return
    shown = target if len(target) <= 80 else target[:77] + "..."
    if rel.get("Type") == _HYPERLINK_REL:
        raise _Broken(rels, f"a hyperlink to '{shown}'", "templates may link to http, https and mailto addresses "
                      "only: remove the link in PowerPoint")
    raise _Broken(rels, f"a {kind} linked from outside the package: '{shown}'",
                  "whoever opens the deck would fetch it: embed it instead (PowerPoint: File > Info > "
                  "Edit Links to Files > Break Link) or remove it")


@lru_cache(maxsize=8)  # report() and render() both plan the deck; read each template version once
def _read(path: Path, mtime_ns: int, size: int) -> Template:
    with zipfile.ZipFile(path) as package:
        _check_package(path, size, package)
        parts = _Parts(package)
        presentation = parts.xml("ppt/presentation.xml")
        slide_size = presentation.find("p:sldSz", _NS)
        masters = [parts.target("ppt/presentation.xml", node.get(_RID))
                   for node in presentation.iterfind("p:sldMasterIdLst/p:sldMasterId", _NS)]
        layouts: list[Layout] = []
        first_master: Layout | None = None
        for name in masters:
            master = parts.xml(name)
            colours = _Colours(master, parts.xml(parts.target_of_type(name, _THEME_REL)))
            master_layout = _layout(master, colours, None, name)
            first_master = first_master or master_layout
            for node in master.iterfind("p:sldLayoutIdLst/p:sldLayoutId", _NS):
                part = parts.target(name, node.get(_RID))
                layouts.append(_layout(parts.xml(part), colours, master_layout, part))
    if first_master is None or not layouts:
        raise _Broken("ppt/presentation.xml", "it has no slide master or no slide layouts", "")
    width, height = _emu(slide_size, "cx"), _emu(slide_size, "cy")
    return Template(path, width, height, tuple(layouts), first_master)


def _emu(size: ElementTree.Element | None, axis: str) -> float:
    """Return one side of the slide size (p:sldSz) in points."""
    try:
        value = int(size.get(axis, "")) if size is not None else 0
    except ValueError:
        value = 0
    if value <= 0:
        raise _Broken("ppt/presentation.xml", "it has no valid slide size (p:sldSz)", "")
    return value / EMU_PER_POINT


class _Parts:
    """The XML parts of a package and the relationships between them."""

    def __init__(self, package: zipfile.ZipFile):
        self.package = package

    def xml(self, name: str) -> ElementTree.Element:
        try:
            data = self.package.read(name)
        except KeyError:
            raise _Broken(name, "the part is missing", "") from None
        try:
            return ElementTree.fromstring(data)
        except ElementTree.ParseError as exc:
            raise _Broken(name, f"its XML is broken ({exc})", "") from None

    def rels_file(self, name: str) -> list[ElementTree.Element]:
        return list(self.xml(name).iterfind("rel:Relationship", _NS))

    def _rels(self, name: str) -> list[ElementTree.Element]:
        folder, file = posixpath.split(name)
        return self.rels_file(posixpath.join(folder, "_rels", file + ".rels"))

    def target(self, name: str, rid: str | None) -> str:
        rel = next((r for r in self._rels(name) if r.get("Id") == rid), None)
        if rel is None:
            raise _Broken(name, f"relationship '{rid}' is missing", "")
        return posixpath.normpath(posixpath.join(posixpath.dirname(name), rel.get("Target", "")))

    def target_of_type(self, name: str, kind: str) -> str:
        rel = next((r for r in self._rels(name) if r.get("Type") == kind), None)
        if rel is None:
            raise _Broken(name, f"it has no {kind.rsplit('/', 1)[-1]} relationship", "")
        return posixpath.normpath(posixpath.join(posixpath.dirname(name), rel.get("Target", "")))


def _layout(root: ElementTree.Element, colours: _Colours, master: Layout | None, part: str) -> Layout:
    """Return a layout (or, with no `master`, the master itself) with inherited positions resolved."""
    if root.find("p:cSld", _NS) is None:
        raise _Broken(part, "it has no common slide data (p:cSld)", "")
    placeholders = []
    for shape in root.iterfind("p:cSld/p:spTree/p:sp", _NS):
        ph = shape.find("p:nvSpPr/p:nvPr/p:ph", _NS)
        if ph is None:
            continue
        role = _ROLES.get(ph.get("type", "obj"), "")
        box = _box(shape)
        if box is None and master is not None:
            box = master.box(_MASTER_ROLE.get(role, ""))
        if role and box is not None:
            placeholders.append(Placeholder(role, box))
    own = colours.background(root.find("p:cSld/p:bg", _NS))
    dark = own if own is not None else (master.dark if master is not None else False)
    name = root.find("p:cSld", _NS).get("name", "")
    return Layout(name, root.get("type", "cust" if master is not None else "master"), tuple(placeholders), dark)


def _box(shape: ElementTree.Element) -> Box | None:
    xfrm = shape.find("p:spPr/a:xfrm", _NS)
    if xfrm is None:
        return None
    off, ext = xfrm.find("a:off", _NS), xfrm.find("a:ext", _NS)
    if off is None or ext is None:
        return None
    try:
        x, y, w, h = (int(v) / EMU_PER_POINT for v in (off.get("x"), off.get("y"), ext.get("cx"), ext.get("cy")))
    except (TypeError, ValueError):  # a position left out or not a number: as if there were none
        return None
    return Box(x, y, w, h)


class _Colours:
    """A master's colour scheme (through its colour map), enough to tell a dark background from a light one."""

    def __init__(self, master: ElementTree.Element, theme: ElementTree.Element):
        scheme = theme.find("a:themeElements/a:clrScheme", _NS)
        self.scheme: dict[str, str] = {}
        for slot in scheme if scheme is not None else ():
            value = next(iter(slot), None)
            if value is not None:
                system = value.tag.endswith("sysClr")  # e.g. "window", with its last known colour
                self.scheme[slot.tag.split("}")[1]] = value.get("lastClr" if system else "val") or "FFFFFF"
        mapping = master.find("p:clrMap", _NS)
        self.mapping = {key: mapping.get(key) for key in _MAPPED} if mapping is not None else {}
        self.mapping.update({key: value for key, value in (("bg1", "lt1"), ("tx1", "dk1"), ("bg2", "lt2"),
                                                           ("tx2", "dk2")) if not self.mapping.get(key)})

    def background(self, bg: ElementTree.Element | None) -> bool | None:
        """Return whether background `bg` is dark; None when there is none (or it is a picture)."""
        if bg is None:
            return None
        colour = bg.find(".//a:srgbClr", _NS)
        if colour is None:
            colour = bg.find(".//a:schemeClr", _NS)
        if colour is None:
            return None
        value = colour.get("val", "")
        if colour.tag.endswith("schemeClr"):
            value = self.scheme.get(self.mapping.get(value, value), "FFFFFF")
        return _luminance(value) < 0.5


def _luminance(hex_rgb: str) -> float:
    """Return the perceived brightness of `RRGGBB`, 0 (black) to 1 (white)."""
    r, g, b = (int(hex_rgb[i:i + 2], 16) / 255 for i in (0, 2, 4))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b

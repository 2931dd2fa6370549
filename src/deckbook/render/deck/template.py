"""The slide template read straight from its XML (no python-pptx): size, layouts by name, placeholder boxes.

The planner needs the layouts' names (to check a slide's `layout=`) and where their placeholders sit (to keep
content clear of a corporate template's decorations and footer zone), and `report()` must stay free of
python-pptx — so the package is read here with the standard library. Units are points.
"""

from __future__ import annotations

import posixpath
import zipfile
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
    """Return the template at `path`; raise RenderError naming the file when it is not a usable package."""
    stat = path.stat()
    try:
        return _read(path, stat.st_mtime_ns, stat.st_size)
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, ValueError) as exc:
        raise RenderError([Diagnostic(Location(path), f"cannot read the slide template: {exc}",
                                      "save it again from PowerPoint as .pptx or .potx")]) from None


@lru_cache(maxsize=8)  # report() and render() both plan the deck; read each template version once
def _read(path: Path, mtime_ns: int, size: int) -> Template:
    with zipfile.ZipFile(path) as package:
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
            master_layout = _layout(master, colours, None)
            first_master = first_master or master_layout
            for node in master.iterfind("p:sldLayoutIdLst/p:sldLayoutId", _NS):
                layouts.append(_layout(parts.xml(parts.target(name, node.get(_RID))), colours, master_layout))
    if first_master is None or not layouts:
        raise ValueError("it has no slide master or no slide layouts")
    return Template(path, int(slide_size.get("cx")) / EMU_PER_POINT, int(slide_size.get("cy")) / EMU_PER_POINT,
                    tuple(layouts), first_master)


class _Parts:
    """The XML parts of a package and the relationships between them."""

    def __init__(self, package: zipfile.ZipFile):
        self.package = package

    def xml(self, name: str) -> ElementTree.Element:
        return ElementTree.fromstring(self.package.read(name))

    def _rels(self, name: str) -> list[ElementTree.Element]:
        folder, file = posixpath.split(name)
        rels = self.xml(posixpath.join(folder, "_rels", file + ".rels"))
        return list(rels.iterfind("rel:Relationship", _NS))

    def target(self, name: str, rid: str | None) -> str:
        rel = next(r for r in self._rels(name) if r.get("Id") == rid)
        return posixpath.normpath(posixpath.join(posixpath.dirname(name), rel.get("Target")))

    def target_of_type(self, name: str, kind: str) -> str:
        rel = next(r for r in self._rels(name) if r.get("Type") == kind)
        return posixpath.normpath(posixpath.join(posixpath.dirname(name), rel.get("Target")))


def _layout(root: ElementTree.Element, colours: _Colours, master: Layout | None) -> Layout:
    """Return a layout (or, with no `master`, the master itself) with inherited positions resolved."""
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
    x, y, w, h = (int(v) / EMU_PER_POINT for v in (off.get("x"), off.get("y"), ext.get("cx"), ext.get("cy")))
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

"""Write themes/default/deck-template.pptx: python-pptx's default template made 16:9 and made ours.

python-pptx ships a 4:3 template; setting a 16:9 slide size leaves its master and layouts 4:3 (titles sit
off-centre). This script rewrites the package directly: slide size 12192000 × 6858000 EMU (PowerPoint's
16:9), every master/layout position scaled to the new width, theme fonts and colours from the default
theme, and the leftovers dropped (thumbnail, printer settings, 2013 dates, foreign author and app name).

    python tools/make_deck_template.py        # run from the repository root; rewrites the file
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pptx
from lxml import etree

from deckbook.errors import Location
from deckbook.theme import SHIPPED_THEMES, load_theme

SOURCE = Path(pptx.__file__).parent / "templates" / "default.pptx"
TARGET = SHIPPED_THEMES / "default" / "deck-template.pptx"
OLD_WIDTH, NEW_WIDTH = 9144000, 12192000
NS = {"a": "http://schemas.openxmlformats.org/drawingml/2006/main",
      "p": "http://schemas.openxmlformats.org/presentationml/2006/main",
      "r": "http://schemas.openxmlformats.org/package/2006/relationships"}
DROP = {"docProps/thumbnail.jpeg", "ppt/printerSettings/printerSettings1.bin"}
EPOCH = (1980, 1, 1, 0, 0, 0)

CORE = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<cp:coreProperties xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>deckbook template</dc:title>\
<dc:creator>deckbook</dc:creator><cp:lastModifiedBy>deckbook</cp:lastModifiedBy><cp:revision>1</cp:revision>\
<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created>\
<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified></cp:coreProperties>"""

APP = """<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" \
xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
<Application>deckbook</Application><PresentationFormat>Widescreen</PresentationFormat>\
<Slides>0</Slides><Notes>0</Notes></Properties>"""


def main() -> None:
    theme = load_theme("default", Location(SHIPPED_THEMES / "default" / "theme.yaml"))
    parts = {}
    with zipfile.ZipFile(SOURCE) as src:
        for name in src.namelist():
            if name not in DROP:
                parts[name] = src.read(name)
    parts["ppt/presentation.xml"] = _presentation(parts["ppt/presentation.xml"])
    for name in parts:
        if re.fullmatch(r"ppt/(slideMasters/slideMaster|slideLayouts/slideLayout)\d+\.xml", name):
            parts[name] = _widen(parts[name])
    parts["ppt/theme/theme1.xml"] = _theme(parts["ppt/theme/theme1.xml"], theme)
    parts["_rels/.rels"] = _drop_rels(parts["_rels/.rels"], "thumbnail")
    parts["ppt/_rels/presentation.xml.rels"] = _drop_rels(parts["ppt/_rels/presentation.xml.rels"],
                                                          "printerSettings")
    parts["[Content_Types].xml"] = re.sub(rb'<Default Extension="(jpeg|bin)"[^>]*/>', b"",
                                          parts["[Content_Types].xml"])
    parts["docProps/core.xml"] = CORE.encode()
    parts["docProps/app.xml"] = APP.encode()
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)):
            out.writestr(zipfile.ZipInfo(name, EPOCH), parts[name], zipfile.ZIP_DEFLATED)
    TARGET.write_bytes(buffer.getvalue())
    print(f"wrote {TARGET} ({len(buffer.getvalue())} bytes)")


def _xml(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _presentation(blob: bytes) -> bytes:
    root = etree.fromstring(blob)
    size = root.find("p:sldSz", NS)
    size.set("cx", str(NEW_WIDTH))
    size.attrib.pop("type", None)  # "screen4x3"; no type means a custom size, which 16:9 widescreen is
    return _xml(root)


def _widen(blob: bytes) -> bytes:
    """Scale the x position and width of every shape of a master or layout to the 16:9 width."""
    root = etree.fromstring(blob)
    for xfrm in root.iterfind(".//p:spPr/a:xfrm", NS):
        for child, attr in (("a:off", "x"), ("a:ext", "cx")):
            node = xfrm.find(child, NS)
            node.set(attr, str(round(int(node.get(attr)) * NEW_WIDTH / OLD_WIDTH)))
    for field in root.iterfind(".//a:fld[@type='datetimeFigureOut']/a:t", NS):
        field.text = ""  # a cached 2013 date; the field shows the current date anyway
    return _xml(root)


def _theme(blob: bytes, theme) -> bytes:
    """Return the Office theme renamed, with the theme's fonts and its colours as the colour scheme."""
    root = etree.fromstring(blob)
    root.set("name", "deckbook")
    fonts = theme.spec.fonts
    for path, family in (("major", fonts.heading.family), ("minor", fonts.body.family)):
        root.find(f".//a:fontScheme/a:{path}Font/a:latin", NS).set("typeface", family)
    root.find(".//a:fontScheme", NS).set("name", "deckbook")
    colours = theme.spec.colors
    scheme = root.find(".//a:clrScheme", NS)
    scheme.set("name", "deckbook")
    for slot, value in (("dk2", colours.primary), ("accent1", colours.primary), ("accent2", colours.accent),
                        ("accent3", colours.tip), ("accent4", colours.note), ("accent5", colours.warning),
                        ("accent6", colours.muted), ("hlink", colours.note)):
        scheme.find(f"a:{slot}/a:srgbClr", NS).set("val", value.lstrip("#"))
    return _xml(root)


def _drop_rels(blob: bytes, kind: str) -> bytes:
    root = etree.fromstring(blob)
    for rel in list(root):
        if rel.get("Type").endswith("/" + kind):
            root.remove(rel)
    return _xml(root)


if __name__ == "__main__":
    main()

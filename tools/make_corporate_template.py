"""Write themes/corporate/corporate.potx: a small corporate slide template, made here so it is freely licensable.

What a real corporate template has, so the deck's template support is exercised end to end: a master of its
own (an indigo band on the left with an amber edge, a logo-like mark, a title rule, a footer line with date,
footer and slide-number placeholders), its own colour scheme and fonts, layouts under corporate names, and
sample slides that a deck must drop. Colours come from themes/corporate/theme.yaml, fonts from the theme it
extends, so template and theme agree.

Starts from themes/default/deck-template.pptx (for the theme, table styles and presentation properties) and
writes the master, the layouts and the sample slides as XML. Positions are in points (×12700 = EMU).

    python tools/make_corporate_template.py        # run from the repository root; rewrites the file
"""

from __future__ import annotations

import io
import zipfile
from xml.sax.saxutils import escape

import yaml
from lxml import etree

from deckbook.errors import Location
from deckbook.theme import SHIPPED_THEMES, Colours, load_theme

SOURCE = SHIPPED_THEMES / "default" / "deck-template.pptx"
THEME = SHIPPED_THEMES / "corporate"
TARGET = THEME / "corporate.potx"
EPOCH = (1980, 1, 1, 0, 0, 0)
WIDTH, HEIGHT = 960, 540  # points: 16:9, PowerPoint's 13.333 × 7.5 in

A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
R = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
NAMESPACES = f'xmlns:a="{A}" xmlns:r="{R}" xmlns:p="{P}"'
NS = {"a": A, "p": P, "r": R}
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
CT = "application/vnd.openxmlformats-officedocument.presentationml."
DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'

# --- where things are (points) -------------------------------------------------------------------

BAND = (0, 0, 20, HEIGHT)  # the indigo band on the left …
EDGE = (20, 0, 4, HEIGHT)  # … and its amber edge
LOGO = (878, 22, 52, 44)
TITLE = (54, 20, 800, 62)
RULE = (54, 88, 72, 3)
BODY = (54, 100, 870, 380)
FOOTER_LINE = (54, 494, 870, 1)
DATE = (54, 502, 150, 22)
FOOTER = (230, 502, 500, 22)
NUMBER = (824, 502, 100, 22)
LEFT, RIGHT = (54, 100, 422, 380), (502, 100, 422, 380)  # two content: the columns' 3 % gap


def main() -> None:
    colours = Colours.model_validate(yaml.safe_load((THEME / "theme.yaml").read_text(encoding="utf-8"))["colors"])
    fonts = load_theme("default", Location(SHIPPED_THEMES / "default" / "theme.yaml")).spec.fonts
    with zipfile.ZipFile(SOURCE) as src:
        base = {name: src.read(name) for name in src.namelist()}
    layouts = [title_layout(), section_layout(), content_layout(), two_content_layout(), blank_layout()]
    slides = [sample_title_slide(), sample_content_slide()]
    parts = {
        "[Content_Types].xml": content_types(len(layouts), len(slides)),
        "_rels/.rels": base["_rels/.rels"],
        "docProps/core.xml": CORE.encode(),
        "docProps/app.xml": APP.encode(),
        "ppt/presentation.xml": presentation(base["ppt/presentation.xml"], len(slides)),
        "ppt/_rels/presentation.xml.rels": rels([("slideMaster", "slideMasters/slideMaster1.xml"),
                                                  ("presProps", "presProps.xml"), ("viewProps", "viewProps.xml"),
                                                  ("theme", "theme/theme1.xml"), ("tableStyles", "tableStyles.xml"),
                                                  *[("slide", f"slides/slide{n}.xml")
                                                    for n in range(1, len(slides) + 1)]]),
        "ppt/presProps.xml": base["ppt/presProps.xml"],
        "ppt/viewProps.xml": base["ppt/viewProps.xml"],
        "ppt/tableStyles.xml": base["ppt/tableStyles.xml"],
        "ppt/theme/theme1.xml": theme(base["ppt/theme/theme1.xml"], colours, fonts),
        "ppt/slideMasters/slideMaster1.xml": master(len(layouts)).encode(),
        "ppt/slideMasters/_rels/slideMaster1.xml.rels": rels(
            [*[("slideLayout", f"../slideLayouts/slideLayout{n}.xml") for n in range(1, len(layouts) + 1)],
             ("theme", "../theme/theme1.xml")]),
    }
    for n, layout in enumerate(layouts, start=1):
        parts[f"ppt/slideLayouts/slideLayout{n}.xml"] = layout.encode()
        parts[f"ppt/slideLayouts/_rels/slideLayout{n}.xml.rels"] = rels([("slideMaster",
                                                                          "../slideMasters/slideMaster1.xml")])
    for n, (slide, layout_number) in enumerate(slides, start=1):
        parts[f"ppt/slides/slide{n}.xml"] = slide.encode()
        parts[f"ppt/slides/_rels/slide{n}.xml.rels"] = rels([("slideLayout",
                                                             f"../slideLayouts/slideLayout{layout_number}.xml")])
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name in sorted(parts, key=lambda n: (n != "[Content_Types].xml", n)):
            out.writestr(zipfile.ZipInfo(name, EPOCH), parts[name], zipfile.ZIP_DEFLATED)
    TARGET.write_bytes(buffer.getvalue())
    print(f"wrote {TARGET} ({len(buffer.getvalue())} bytes)")


# --- shapes --------------------------------------------------------------------------------------


def xfrm(box: tuple[float, float, float, float]) -> str:
    x, y, w, h = (round(v * 12700) for v in box)
    return f'<a:xfrm><a:off x="{x}" y="{y}"/><a:ext cx="{w}" cy="{h}"/></a:xfrm>'


def colour(scheme: str, *mods: str) -> str:
    """Return a fill of theme colour `scheme` (e.g. "tx2"), with modifiers like 'lumMod val="65000"'."""
    return f'<a:solidFill><a:schemeClr val="{scheme}">{"".join(f"<a:{m}/>" for m in mods)}</a:schemeClr></a:solidFill>'


def decoration(id_: int, name: str, box, fill: str, shape: str = "rect", text: str = "") -> str:
    """Return a drawn shape of a master or layout (not a placeholder): a band, a rule, the logo."""
    body = ""
    if text:
        body = ('<p:txBody><a:bodyPr lIns="0" tIns="0" rIns="0" bIns="0" anchor="ctr"/><a:lstStyle/>'
                f'<a:p><a:pPr algn="ctr"/><a:r><a:rPr lang="en-US" sz="1100" b="1">{colour("bg1")}'
                f'<a:latin typeface="+mj-lt"/></a:rPr><a:t>{escape(text)}</a:t></a:r></a:p></p:txBody>')
    return (f'<p:sp><p:nvSpPr><p:cNvPr id="{id_}" name="{name}"/><p:cNvSpPr/><p:nvPr userDrawn="1"/></p:nvSpPr>'
            f'<p:spPr>{xfrm(box)}<a:prstGeom prst="{shape}"><a:avLst/></a:prstGeom>{fill}<a:ln><a:noFill/></a:ln>'
            f'</p:spPr>{body}</p:sp>')


def placeholder(id_: int, name: str, ph: str, box=None, anchor: str = "", styles: str = "", text: str = "",
                field: str = "") -> str:
    """Return a placeholder; without `box` it takes the master's position."""
    body_pr = f'<a:bodyPr anchor="{anchor}"/>' if anchor else "<a:bodyPr/>"
    content = f'<a:r><a:rPr lang="en-US"/><a:t>{escape(text)}</a:t></a:r>' if text else ""
    if field:
        content = f'<a:fld id="{{DA62F0C5-3E0B-4C4B-9E0E-0D7C3D6E5A10}}" type="{field}"><a:rPr lang="en-US"/>' \
                  '<a:t>‹#›</a:t></a:fld>'
    return (f'<p:sp><p:nvSpPr><p:cNvPr id="{id_}" name="{name}"/><p:cNvSpPr><a:spLocks noGrp="1"/></p:cNvSpPr>'
            f'<p:nvPr>{ph}</p:nvPr></p:nvSpPr><p:spPr>{xfrm(box) if box else ""}</p:spPr>'
            f'<p:txBody>{body_pr}<a:lstStyle>{styles}</a:lstStyle><a:p>{content}'
            '<a:endParaRPr lang="en-US"/></a:p></p:txBody></p:sp>')


def text_style(size: float | None = None, fill: str = "", align: str = "", bold: bool = False,
               bullet: bool = True) -> str:
    """Return a first-level list style: alignment, size, bold, colour, and no bullet when not `bullet`."""
    attrs = (f' sz="{round(size * 100)}"' if size else "") + (' b="1"' if bold else "")
    indent = "" if bullet else ' marL="0" indent="0"'
    align = f' algn="{align}"' if align else ""
    return (f'<a:lvl1pPr{indent}{align}>{"" if bullet else "<a:buNone/>"}<a:defRPr{attrs}>{fill}'
            '<a:latin typeface="+mn-lt"/></a:defRPr></a:lvl1pPr>')


def footers(first_id: int, light: bool = False) -> str:
    """Return a layout's date, footer and slide-number placeholders (positioned by the master)."""
    styles = text_style(fill=colour("bg1", 'alpha val="75000"')) if light else ""
    return (placeholder(first_id, "Date Placeholder", '<p:ph type="dt" sz="half" idx="10"/>', styles=styles)
            + placeholder(first_id + 1, "Footer Placeholder", '<p:ph type="ftr" sz="quarter" idx="11"/>',
                          styles=styles)
            + placeholder(first_id + 2, "Slide Number Placeholder", '<p:ph type="sldNum" sz="quarter" idx="12"/>',
                          styles=styles, field="slidenum"))


def tree(shapes: str) -> str:
    return ('<p:spTree><p:nvGrpSpPr><p:cNvPr id="1" name=""/><p:cNvGrpSpPr/><p:nvPr/></p:nvGrpSpPr>'
            '<p:grpSpPr><a:xfrm><a:off x="0" y="0"/><a:ext cx="0" cy="0"/><a:chOff x="0" y="0"/>'
            f'<a:chExt cx="0" cy="0"/></a:xfrm></p:grpSpPr>{shapes}</p:spTree>')


def logo(id_: int) -> str:
    """Return the logo-like mark: an amber hexagon with a word."""
    return decoration(id_, "Logo", LOGO, colour("accent1"), "hexagon", "acme")


# --- master and layouts --------------------------------------------------------------------------


def master(layouts: int) -> str:
    muted = colour("tx1", 'lumMod val="65000"', 'lumOff val="35000"')
    shapes = (
        decoration(2, "Band", BAND, colour("tx2"))
        + decoration(3, "Band edge", EDGE, colour("accent1"))
        + logo(4)
        + decoration(5, "Footer line", FOOTER_LINE, colour("tx2", 'lumMod val="20000"', 'lumOff val="80000"'))
        + placeholder(6, "Title Placeholder", '<p:ph type="title"/>', TITLE, "b", text="Click to edit the title")
        + placeholder(7, "Text Placeholder", '<p:ph type="body" idx="1"/>', BODY, text="Click to edit the text")
        + placeholder(8, "Date Placeholder", '<p:ph type="dt" sz="half" idx="2"/>', DATE, "ctr",
                      text_style(10, muted, "l"))
        + placeholder(9, "Footer Placeholder", '<p:ph type="ftr" sz="quarter" idx="3"/>', FOOTER, "ctr",
                      text_style(10, muted, "ctr"))
        + placeholder(10, "Slide Number Placeholder", '<p:ph type="sldNum" sz="quarter" idx="4"/>', NUMBER, "ctr",
                      text_style(10, colour("tx2"), "r", bold=True), field="slidenum")
    )
    ids = "".join(f'<p:sldLayoutId id="{2147483649 + n}" r:id="rId{n + 1}"/>' for n in range(layouts))
    return (f'{DECLARATION}<p:sldMaster {NAMESPACES}><p:cSld><p:bg><p:bgRef idx="1001"><a:schemeClr val="bg1"/>'
            f'</p:bgRef></p:bg>{tree(shapes)}</p:cSld>'
            '<p:clrMap bg1="lt1" tx1="dk1" bg2="lt2" tx2="dk2" accent1="accent1" accent2="accent2" accent3="accent3" '
            'accent4="accent4" accent5="accent5" accent6="accent6" hlink="hlink" folHlink="folHlink"/>'
            f'<p:sldLayoutIdLst>{ids}</p:sldLayoutIdLst>{TEXT_STYLES}</p:sldMaster>')


def layout(name: str, kind: str, shapes: str, background: str = "", master_shapes: bool = True) -> str:
    bg = f"<p:bg><p:bgPr>{background}<a:effectLst/></p:bgPr></p:bg>" if background else ""
    show = "" if master_shapes else ' showMasterSp="0"'
    return (f'{DECLARATION}<p:sldLayout {NAMESPACES} type="{kind}" preserve="1"{show}>'
            f'<p:cSld name="{escape(name)}">{bg}{tree(shapes)}</p:cSld>'
            '<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sldLayout>')


def title_layout() -> str:
    shapes = (decoration(2, "Accent bar", (54, 150, 8, 250), colour("accent1"))
              + logo(3)
              + placeholder(4, "Title", '<p:ph type="ctrTitle"/>', (78, 130, 760, 140), "b",
                            text_style(40, colour("bg1"), "l", bold=True), "Click to edit the course title")
              + placeholder(5, "Subtitle", '<p:ph type="subTitle" idx="1"/>', (78, 290, 760, 170), "t",
                            text_style(20, colour("bg1", 'alpha val="80000"'), "l", bullet=False),
                            "Click to edit the subtitle"))
    return layout("Corporate Title", "title", shapes, colour("tx2"), master_shapes=False)


def section_layout() -> str:
    shapes = (decoration(2, "Accent bar", (54, 170, 8, 150), colour("accent1"))
              + decoration(3, "Mark", (640, 110, 280, 250), colour("tx2", 'lumMod val="75000"', 'lumOff val="25000"'),
                           "hexagon")
              + logo(4)
              + placeholder(5, "Title", '<p:ph type="title"/>', (78, 170, 540, 150), "b",
                            text_style(36, colour("bg1"), "l", bold=True), "Click to edit the section title")
              + footers(6, light=True))
    return layout("Corporate Section", "secHead", shapes, colour("tx2"), master_shapes=False)


def content_layout() -> str:
    shapes = (decoration(7, "Title rule", RULE, colour("accent1"))
              + placeholder(2, "Title", '<p:ph type="title"/>', text="Click to edit the title")
              + placeholder(3, "Content", '<p:ph idx="1"/>', text="Click to edit the text")
              + footers(4))
    return layout("Corporate Content", "obj", shapes)


def two_content_layout() -> str:
    shapes = (decoration(8, "Title rule", RULE, colour("accent1"))
              + placeholder(2, "Title", '<p:ph type="title"/>', text="Click to edit the title")
              + placeholder(3, "Left content", '<p:ph sz="half" idx="1"/>', LEFT, text="Left column")
              + placeholder(4, "Right content", '<p:ph sz="half" idx="2"/>', RIGHT, text="Right column")
              + footers(5))
    return layout("Corporate Two Content", "twoObj", shapes)


def blank_layout() -> str:
    return layout("Corporate Blank", "blank", footers(2))


# --- sample slides (a deck must drop them) -------------------------------------------------------


def sample_title_slide() -> tuple[str, int]:
    shapes = (placeholder(2, "Title 1", '<p:ph type="ctrTitle"/>', text="Sample: Quarterly Business Review")
              + placeholder(3, "Subtitle 2", '<p:ph type="subTitle" idx="1"/>', text="Sample slide, delete me"))
    return slide(shapes), 1


def sample_content_slide() -> tuple[str, int]:
    shapes = (placeholder(2, "Title 1", '<p:ph type="title"/>', text="Sample: Agenda")
              + placeholder(3, "Content 2", '<p:ph idx="1"/>', text="Sample slide, delete me"))
    return slide(shapes), 3


def slide(shapes: str) -> str:
    return (f'{DECLARATION}<p:sld {NAMESPACES}><p:cSld>{tree(shapes)}</p:cSld>'
            '<p:clrMapOvr><a:masterClrMapping/></p:clrMapOvr></p:sld>')


# --- package parts -------------------------------------------------------------------------------


def rels(targets: list[tuple[str, str]]) -> bytes:
    items = "".join(f'<Relationship Id="rId{n}" Type="{REL}{kind}" Target="{target}"/>'
                    for n, (kind, target) in enumerate(targets, start=1))
    return f'{DECLARATION}<Relationships xmlns="{PKG}">{items}</Relationships>'.encode()


def content_types(layouts: int, slides: int) -> bytes:
    overrides = [("/ppt/presentation.xml", CT + "template.main+xml"),
                 ("/ppt/slideMasters/slideMaster1.xml", CT + "slideMaster+xml"),
                 ("/ppt/presProps.xml", CT + "presProps+xml"), ("/ppt/viewProps.xml", CT + "viewProps+xml"),
                 ("/ppt/tableStyles.xml", CT + "tableStyles+xml"),
                 ("/ppt/theme/theme1.xml", "application/vnd.openxmlformats-officedocument.theme+xml"),
                 ("/docProps/core.xml", "application/vnd.openxmlformats-package.core-properties+xml"),
                 ("/docProps/app.xml", "application/vnd.openxmlformats-officedocument.extended-properties+xml"),
                 *[(f"/ppt/slideLayouts/slideLayout{n}.xml", CT + "slideLayout+xml") for n in range(1, layouts + 1)],
                 *[(f"/ppt/slides/slide{n}.xml", CT + "slide+xml") for n in range(1, slides + 1)]]
    items = "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides)
    return (f'{DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            f'{items}</Types>').encode()


def presentation(blob: bytes, slides: int) -> bytes:
    """Return the default template's presentation part with this package's master and sample slides."""
    root = etree.fromstring(blob)
    masters = root.find("p:sldMasterIdLst", NS)
    for child in list(masters):
        masters.remove(child)
    etree.SubElement(masters, f"{{{P}}}sldMasterId", {"id": "2147483648", f"{{{R}}}id": "rId1"})
    ids = etree.Element(f"{{{P}}}sldIdLst")
    for n in range(slides):
        etree.SubElement(ids, f"{{{P}}}sldId", {"id": str(256 + n), f"{{{R}}}id": f"rId{6 + n}"})
    masters.addnext(ids)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def theme(blob: bytes, colours: Colours, fonts) -> bytes:
    """Return the Office theme renamed, with the theme's fonts and a corporate pairing of its colours."""
    root = etree.fromstring(blob)
    root.set("name", "deckbook corporate")
    for path, family in (("major", fonts.heading.family), ("minor", fonts.body.family)):
        root.find(f".//a:fontScheme/a:{path}Font/a:latin", NS).set("typeface", family)
    root.find(".//a:fontScheme", NS).set("name", "deckbook corporate")
    scheme = root.find(".//a:clrScheme", NS)
    scheme.set("name", "deckbook corporate")
    pairs = (("dk1", colours.text), ("dk2", colours.primary), ("lt2", colours.table_stripe),
             ("accent1", colours.accent), ("accent2", colours.primary), ("accent3", colours.note),
             ("accent4", colours.tip), ("accent5", colours.warning), ("accent6", colours.muted),
             ("hlink", colours.note))
    for slot, value in pairs:
        node = scheme.find(f"a:{slot}", NS)
        for child in list(node):
            node.remove(child)
        etree.SubElement(node, f"{{{A}}}srgbClr", val=value.lstrip("#"))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", standalone=True)


def _level(n: int, size: int, bullet: str) -> str:
    margin = 22 * n
    return (f'<a:lvl{n}pPr marL="{margin * 12700}" indent="-{16 * 12700}" algn="l"><a:spcBef><a:spcPts val="600"/>'
            f'</a:spcBef><a:buClr><a:schemeClr val="accent1"/></a:buClr><a:buFont typeface="Arial"/>'
            f'<a:buChar char="{bullet}"/><a:defRPr sz="{size * 100}" kern="1200">{colour("tx1")}'
            '<a:latin typeface="+mn-lt"/><a:ea typeface="+mn-ea"/><a:cs typeface="+mn-cs"/></a:defRPr>'
            f'</a:lvl{n}pPr>')


TEXT_STYLES = (
    '<p:txStyles><p:titleStyle><a:lvl1pPr algn="l"><a:lnSpc><a:spcPct val="90000"/></a:lnSpc><a:spcBef>'
    f'<a:spcPct val="0"/></a:spcBef><a:buNone/><a:defRPr sz="2800" b="1" kern="1200">{colour("tx2")}'
    '<a:latin typeface="+mj-lt"/><a:ea typeface="+mj-ea"/><a:cs typeface="+mj-cs"/></a:defRPr></a:lvl1pPr>'
    f'</p:titleStyle><p:bodyStyle>{_level(1, 20, "•")}{_level(2, 18, "–")}{_level(3, 16, "•")}</p:bodyStyle>'
    '<p:otherStyle><a:defPPr><a:defRPr lang="en-US"/></a:defPPr><a:lvl1pPr algn="l"><a:defRPr sz="1800" '
    f'kern="1200">{colour("tx1")}<a:latin typeface="+mn-lt"/><a:ea typeface="+mn-ea"/><a:cs typeface="+mn-cs"/>'
    '</a:defRPr></a:lvl1pPr></p:otherStyle></p:txStyles>'
)

CORE = f"""{DECLARATION}<cp:coreProperties \
xmlns:cp="http://schemas.openxmlformats.org/package/2006/metadata/core-properties" \
xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:dcterms="http://purl.org/dc/terms/" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><dc:title>deckbook corporate template</dc:title>\
<dc:creator>deckbook</dc:creator><cp:lastModifiedBy>deckbook</cp:lastModifiedBy><cp:revision>1</cp:revision>\
<dcterms:created xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:created>\
<dcterms:modified xsi:type="dcterms:W3CDTF">2000-01-01T00:00:00Z</dcterms:modified></cp:coreProperties>"""

APP = f"""{DECLARATION}<Properties \
xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" \
xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">\
<Application>deckbook</Application><PresentationFormat>Widescreen</PresentationFormat>\
<Slides>2</Slides><Notes>0</Notes></Properties>"""


if __name__ == "__main__":
    main()

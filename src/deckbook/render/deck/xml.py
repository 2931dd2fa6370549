"""The DrawingML the deck writes itself: text bodies, paragraphs, runs, bullets, fields, fills.

Why not python-pptx's text API: it looks its schema up again for every property it sets (`qn`,
`first_child_found_in`, `get_or_change_to_child`), about 0.5 ms per run. For the shipped course
(94 slides, 7 452 runs) that was 4.5 s of the 5.8 s `render()` took (cProfile). Built here, with
qualified names computed once and one prototype `a:rPr` per run style, a run takes microseconds, and
the XML is byte for byte what python-pptx wrote: attribute order, defaults and unit rounding below
follow python-pptx on purpose. Fills and outlines of rectangles and table cells are here for the same
reason (python-pptx's `fill`/`line` proxies: 0.5–1 ms a shape).

Everything here works on elements of shapes python-pptx made (`p:txBody`, `a:p`, `p:spPr`, `a:tc`),
still empty, and appends children in the order the schema (ECMA-376 part 1, §20–21) requires.
"""

from __future__ import annotations

import re
from copy import deepcopy
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree
from pptx.oxml import parse_xml
from pptx.oxml.ns import nsdecls, qn

from .template import EMU_PER_POINT

_A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
BODY_PR, NO_AUTOFIT = _A + "bodyPr", _A + "noAutofit"
_AUTOFITS = (_A + "noAutofit", _A + "normAutofit", _A + "spAutoFit")
P, PPR, R, RPR, T, BR, END = _A + "p", _A + "pPr", _A + "r", _A + "rPr", _A + "t", _A + "br", _A + "endParaRPr"
_LN_SPC, _SPC_BEF, _SPC_AFT, _SPC_PTS = _A + "lnSpc", _A + "spcBef", _A + "spcAft", _A + "spcPts"
_SOLID_FILL, _SRGB, _LATIN, _HLINK = _A + "solidFill", _A + "srgbClr", _A + "latin", _A + "hlinkClick"
_EA, _CS, _SYM = _A + "ea", _A + "cs", _A + "sym"
_BU_CLR, _BU_FONT, _BU_CHAR, _BU_NONE, _BU_AUTO = (_A + "buClr", _A + "buFont", _A + "buChar", _A + "buNone",
                                                   _A + "buAutoNum")
_FLD, _NO_FILL, _LN, _TC_PR, _TX_BODY = _A + "fld", _A + "noFill", _A + "ln", _A + "tcPr", _A + "txBody"
_XFRM, _OFF, _EXT = _A + "xfrm", _A + "off", _A + "ext"
_R_ID = qn("r:id")
#: python-pptx writes a run's text with every control character but tab and newline as "_xHHHH_".
_CONTROL = re.compile(r"[\x00-\x08\x0B-\x1F]")
#: python-pptx leaves out an inset equal to the schema's default; so does `body`, so the XML is the same.
_DEFAULT_INSETS = {"lIns": 91440, "rIns": 91440, "tIns": 45720, "bIns": 45720}


def emu(points: float) -> int:
    """Return `points` in EMU, truncated like python-pptx's `Pt`."""
    return int(points * EMU_PER_POINT)


def centipoints(points: float) -> int:
    """Return `points` in hundredths of a point the way python-pptx's `Pt(points).centipoints` does."""
    return emu(points) // 127


def colour_value(colour: str) -> str:
    """Return "#1b4f72" as the `val` of an `a:srgbClr` ("1B4F72")."""
    return colour.lstrip("#").upper()


def place(sp_pr, x: float, y: float, w: float, h: float) -> None:
    """Position a shape (its `p:spPr`) at `x`, `y`, `w` × `h` points, where a placeholder would inherit it."""
    xfrm = sp_pr.find(_XFRM)
    if xfrm is None:
        xfrm = etree.Element(_XFRM)
        sp_pr.insert(0, xfrm)  # the transform comes first in spPr
    off = xfrm.find(_OFF)
    if off is None:
        off = etree.SubElement(xfrm, _OFF)
    ext = xfrm.find(_EXT)
    if ext is None:
        ext = etree.SubElement(xfrm, _EXT)
    off.set("x", str(emu(x)))
    off.set("y", str(emu(y)))
    ext.set("cx", str(emu(w)))
    ext.set("cy", str(emu(h)))


def body(tx_body, wrap: bool, anchor: str | None, inset_x: float = 0.0, inset_y: float = 0.0) -> None:
    """Set a text body to what the layout measured: no autofit, fixed insets, wrap and anchor as asked.

    `anchor` None keeps the template's.
    """
    body_pr = tx_body.find(BODY_PR)
    body_pr.set("wrap", "square" if wrap else "none")
    for fit in [child for child in body_pr if child.tag in _AUTOFITS]:
        body_pr.remove(fit)
    # A new shape's bodyPr has no other children, so appending keeps the schema's order.
    etree.SubElement(body_pr, NO_AUTOFIT)
    x, y = emu(inset_x), emu(inset_y)
    for name, value in (("lIns", x), ("rIns", x), ("tIns", y), ("bIns", y)):
        if value == _DEFAULT_INSETS[name]:
            body_pr.attrib.pop(name, None)
        else:
            body_pr.set(name, str(value))
    if anchor is not None:
        body_pr.set("anchor", anchor)


def paragraph(p, align: str, pitch: float, space_before: float):
    """Give paragraph `p` its alignment and exact spacing (line pitch, space before, none after).

    Return its `a:pPr`, for `bullet`.
    """
    ppr = p.find(PPR)
    if ppr is None:
        ppr = etree.Element(PPR)
        p.insert(0, ppr)
    ppr.set("algn", align)
    # Spacing comes first in a pPr; python-pptx's new paragraphs have none yet.
    ppr[0:0] = [_spacing(_LN_SPC, pitch), _spacing(_SPC_BEF, space_before), _spacing(_SPC_AFT, 0.0)]
    return ppr


def _spacing(tag: str, points: float):
    element = etree.Element(tag)
    etree.SubElement(element, _SPC_PTS, val=str(centipoints(points)))
    return element


@dataclass(frozen=True)
class Marks:
    """The rarer marks of a run: underline, raised or lowered text (percent), a highlight colour."""

    underline: bool = False
    baseline: int = 0
    highlight: str | None = None


@lru_cache(maxsize=1024)
def _run_props(size: float, bold: bool, italic: bool, lang: str, family: str, colour: str | None,
               strike: bool, marks: Marks = Marks(), every_script: bool = False):
    """Return the prototype `a:rPr` of one run style (copied for each run, never changed itself)."""
    attrs = {"sz": str(centipoints(size)), "b": "1" if bold else "0", "i": "1" if italic else "0", "lang": lang}
    if marks.underline:
        attrs["u"] = "sng"
    if strike:
        attrs["strike"] = "sngStrike"
    if marks.baseline:
        attrs["baseline"] = str(marks.baseline * 1000)
    rpr = parse_xml(f"<a:rPr {nsdecls('a')}/>")
    rpr.attrib.update(attrs)
    if colour:
        etree.SubElement(etree.SubElement(rpr, _SOLID_FILL), _SRGB, val=colour_value(colour))
    if marks.highlight:  # after the fill, before the font (CT_TextCharacterProperties' order)
        etree.SubElement(etree.SubElement(rpr, qn("a:highlight")), _SRGB, val=colour_value(marks.highlight))
    etree.SubElement(rpr, _LATIN, typeface=family)
    if every_script:  # East Asian, complex-script (Arabic, Hebrew) and symbol text too
        for slot in (_EA, _CS, _SYM):
            etree.SubElement(rpr, slot, typeface=family)
    return rpr


def run(p, text: str, size: float, bold: bool, italic: bool, lang: str, family: str,
        colour: str | None = None, strike: bool = False, link_id: str | None = None, marks: Marks = Marks(),
        every_script: bool = False, action: str | None = None):
    """Append a run to paragraph `p`; `link_id` is the relationship id of its hyperlink (`action`: what
    clicking it does, for a jump to a slide). Return its rPr.

    `every_script` names `family` for every script slot, not only Latin (a fallback font's run).
    """
    r = etree.SubElement(p, R)
    rpr = deepcopy(_run_props(size, bold, italic, lang, family, colour, strike, marks, every_script))
    r.append(rpr)
    if link_id is not None:
        rpr.set("u", "sng")
        etree.SubElement(rpr, _HLINK, {_R_ID: link_id, **({"action": action} if action else {})})
    etree.SubElement(r, T).text = _CONTROL.sub(lambda m: "_x%04X_" % ord(m.group()), text)
    return rpr


#: PowerPoint's extension that puts an SVG beside a picture's PNG (Office 2016 and later read it).
SVG_BLIP_EXT = "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
_ASVG = "http://schemas.microsoft.com/office/drawing/2016/SVG/main"


def svg_blip(blip, r_id: str) -> None:
    """Give picture blip `blip` (the PNG) the SVG of relationship `r_id`, as PowerPoint writes it."""
    ext_lst = blip.find(_A + "extLst")
    if ext_lst is None:
        ext_lst = etree.SubElement(blip, _A + "extLst")
    ext = etree.SubElement(ext_lst, _A + "ext", uri=SVG_BLIP_EXT)
    etree.SubElement(ext, f"{{{_ASVG}}}svgBlip", {qn("r:embed"): r_id}, nsmap={"asvg": _ASVG})


def line_break(p) -> None:
    """Append a line break (`a:br`) to paragraph `p`."""
    etree.SubElement(p, BR)


def end(p, size: float, lang: str) -> None:
    """Append the paragraph's end properties (the size and language of an empty line)."""
    etree.SubElement(p, END, sz=str(round(size * 100)), lang=lang)


def bullet(ppr, margin: float, hang: float, colour: str, char: str | None = None, start: int | None = None) -> None:
    """Indent a paragraph by `margin` points and hang a bullet `char`, or automatic numbers from `start`.

    With neither, the paragraph is indented without a bullet (a list item's second paragraph).
    """
    ppr.set("marL", str(emu(margin)))
    if char is None and start is None:
        ppr.set("indent", "0")
        etree.SubElement(ppr, _BU_NONE)
        return
    ppr.set("indent", str(-emu(hang)))
    etree.SubElement(etree.SubElement(ppr, _BU_CLR), _SRGB, val=colour_value(colour))
    if char is not None:
        # Arial has "•" but not a task's ☐ ☑. Named "Segoe UI Symbol", LibreOffice 7.4 draws ☐ but not ☑
        # (measured); named "DejaVu Sans" it draws both, and PowerPoint falls back to a font that has them.
        etree.SubElement(ppr, _BU_FONT, typeface="Arial" if char == "•" else "DejaVu Sans")
        etree.SubElement(ppr, _BU_CHAR, char=char)
    else:
        etree.SubElement(ppr, _BU_AUTO, type="arabicPeriod", startAt=str(start))


def slide_number(p, guid: str, number: int, lang: str, size: float | None = None, colour: str | None = None,
                 family: str | None = None) -> None:
    """Append a slide-number field to paragraph `p`, before its end properties (python-pptx has no fields).

    Size, colour and font left out are inherited (from a template's slide-number placeholder).
    """
    fld = etree.SubElement(p, _FLD, id=guid, type="slidenum")
    rpr = etree.SubElement(fld, RPR, lang=lang)
    if size is not None:
        rpr.set("sz", str(round(size * 100)))
    if colour is not None:
        etree.SubElement(etree.SubElement(rpr, _SOLID_FILL), _SRGB, val=colour_value(colour))
    if family is not None:
        etree.SubElement(rpr, _LATIN, typeface=family)
    etree.SubElement(fld, T).text = str(number)
    end_pr = p.find(END)
    if end_pr is not None:  # a field must come before the paragraph's end properties
        p.remove(end_pr)
        p.append(end_pr)


def fill_and_line(sp_pr, fill: str | None, line: str | None, line_width: float) -> None:
    """Fill a new shape (its `p:spPr`) with colour `fill` and outline it with `line`; None is neither."""
    _solid_or_no_fill(sp_pr, fill)
    ln = etree.SubElement(sp_pr, _LN)
    if line:
        ln.set("w", str(emu(line_width)))
    _solid_or_no_fill(ln, line)


def cell(tc, fill: str, margin_x: float, margin_y: float, anchor: str) -> None:
    """Fill table cell `tc` with `fill`, give it margins and a vertical anchor, and let its text wrap."""
    tc_pr = tc.find(_TC_PR)
    _solid_or_no_fill(tc_pr, fill)
    x, y = str(emu(margin_x)), str(emu(margin_y))
    tc_pr.set("marL", x)
    tc_pr.set("marR", x)
    tc_pr.set("marT", y)
    tc_pr.set("marB", y)
    tc_pr.set("anchor", anchor)
    tc.find(_TX_BODY).find(BODY_PR).set("wrap", "square")


def _solid_or_no_fill(parent, colour: str | None) -> None:
    if colour:
        etree.SubElement(etree.SubElement(parent, _SOLID_FILL), _SRGB, val=colour_value(colour))
    else:
        etree.SubElement(parent, _NO_FILL)


# --- accessibility: alternative text and the decorative mark -----------------------------------------

#: PowerPoint (365) marks a shape "decorative" with this extension of its `p:cNvPr`.
DECORATIVE_EXT = "{C183D7F6-B498-43B3-948B-1728B52AA6E4}"
DECORATIVE_NS = "http://schemas.microsoft.com/office/drawing/2017/decorative"
_EXT_LST, _EXT_EL = _A + "extLst", _A + "ext"


def describe(c_nv_pr, text: str) -> None:
    """Give a shape (its `p:cNvPr`) alternative text, what a screen reader says for it."""
    c_nv_pr.set("descr", text)


def decorative(c_nv_pr) -> None:
    """Mark a shape (its `p:cNvPr`) as decorative: it carries no meaning, and a screen reader skips it."""
    ext_lst = c_nv_pr.find(_EXT_LST)
    if ext_lst is None:
        ext_lst = etree.SubElement(c_nv_pr, _EXT_LST)  # its only possible child (after a:hlinkClick, a:hlinkHover)
    ext = etree.SubElement(ext_lst, _EXT_EL, uri=DECORATIVE_EXT)
    etree.SubElement(ext, f"{{{DECORATIVE_NS}}}decorative", nsmap={"adec": DECORATIVE_NS}, val="1")

"""The built decks (the shipped course and the stress course, default and corporate theme) as validators
see them: every integer attribute inside its Open XML schema type's range, as Microsoft's Open XML SDK
checks it, and openxml-audit's schema validation.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from lxml import etree

from deckbook.errors import Location
from deckbook.load import load_course
from deckbook.options import Options
from deckbook.render import deck
from deckbook.theme import load_theme

ROOT = Path(__file__).parent.parent
COURSES = {"shipped": ROOT / "content" / "rust-backend", "stress": Path(__file__).parent / "fixtures" / "stress"}


@pytest.fixture(scope="module", params=[("shipped", "default"), ("stress", "default"), ("stress", "corporate")],
                ids=lambda p: "-".join(p))
def built(request, tmp_path_factory) -> Path:
    """Return the .pptx of a course built with a theme."""
    name, theme_name = request.param
    course = load_course(COURSES[name])
    theme = load_theme(theme_name, Location(COURSES[name] / "course.yaml"))
    return deck.render(course, theme, tmp_path_factory.mktemp("deck") / f"{name}.pptx", Options())


# --- integer attributes against their schema types ---------------------------------------------------

# Schema simple types (ECMA-376 Part 1, transitional), as ranges the Open XML SDK enforces.
INT32 = (-2**31, 2**31 - 1)
UINT32 = (0, 2**32 - 1)
BOOLEAN = (0, 1)  # xsd:boolean written as 0/1
ST_Coordinate = (-27273042329600, 27273042316900)
ST_PositiveCoordinate = (0, 27273042316900)
ST_Coordinate32 = INT32
ST_PositiveCoordinate32 = (0, 2**31 - 1)
ST_LineWidth = (0, 20116800)
ST_DrawingElementId = UINT32
ST_TextMargin = (0, 51206400)
ST_TextIndent = (-51206400, 51206400)
ST_TextIndentLevelType = (0, 8)
ST_TextFontSize = (100, 400000)
ST_TextNonNegativePoint = (0, 400000)
ST_TextSpacingPoint = (0, 158400)
ST_TextSpacingPercent = (0, 13200000)
ST_TextBulletStartAtNum = (1, 32767)
ST_Percentage = INT32
ST_PositiveFixedPercentage = (0, 100000)
ST_PositivePercentage = (0, 2**31 - 1)
ST_PositiveFixedAngle = (0, 21599999)
ST_SlideId = (256, 2147483647)
ST_SlideLayoutId = (2147483648, UINT32[1])
ST_SlideMasterId = (2147483648, UINT32[1])
ST_SlideSizeCoordinate = (914400, 51206400)
ST_GapAmount = (0, 500)
ST_LblOffset = (0, 1000)
ST_AxisId = (0, 2147483647)  # xsd:unsignedInt in the schema; the SDK (as PowerPoint) refuses ≥ 2**31
ST_StyleMatrixColumnIndex = UINT32
HEX = None  # a colour (xsd:hexBinary) whose digits happen to be decimal: not a number

_LEVELS = "|".join(f"lvl{n}pPr" for n in range(1, 10))
_TEXT_BOOLEANS = ("b", "i", "smtClean", "dirty", "noProof", "err", "normalizeH")
#: (element pattern "prefix:localname", attribute) → type. Every integer attribute a deck holds must
#: be here: a new one fails the test until its schema type is added.
TYPES: list[tuple[str, str, tuple[int, int] | None]] = [
    ("a:(off|chOff)", "x|y", ST_Coordinate),
    ("a:(ext|chExt)", "cx|cy", ST_PositiveCoordinate),
    ("a:bodyPr", "lIns|tIns|rIns|bIns", ST_Coordinate32),
    ("a:bodyPr", "rtlCol|anchorCtr|upright|compatLnSpc|forceAA|fromWordArt", BOOLEAN),
    ("a:bodyPr", "rot", INT32),
    ("a:normAutofit", "fontScale", ST_PositivePercentage),
    ("a:normAutofit", "lnSpcReduction", ST_PositiveFixedPercentage),
    ("a:(rPr|defRPr|endParaRPr)", "sz", ST_TextFontSize),
    ("a:(rPr|defRPr|endParaRPr)", "kern", ST_TextNonNegativePoint),
    ("a:(rPr|defRPr|endParaRPr)", "baseline", ST_Percentage),
    ("a:(rPr|defRPr|endParaRPr)", "spc", (-400000, 400000)),  # ST_TextPoint
    ("a:(rPr|defRPr|endParaRPr)", "|".join(_TEXT_BOOLEANS), BOOLEAN),
    (f"a:(pPr|{_LEVELS})", "marL|marR", ST_TextMargin),
    (f"a:(pPr|{_LEVELS})", "indent", ST_TextIndent),
    (f"a:(pPr|{_LEVELS})", "lvl", ST_TextIndentLevelType),
    (f"a:(pPr|{_LEVELS})", "defTabSz", ST_Coordinate32),
    (f"a:(pPr|{_LEVELS})", "eaLnBrk|hangingPunct|latinLnBrk|rtl", BOOLEAN),
    ("a:buAutoNum", "startAt", ST_TextBulletStartAtNum),
    ("a:spcPts", "val", ST_TextSpacingPoint),
    ("a:spcPct", "val", ST_TextSpacingPercent),
    ("a:(srgbClr|sysClr)", "val|lastClr", HEX),
    ("a:(alpha|shade|tint|lumMod|lumOff)", "val", ST_PositiveFixedPercentage),
    ("a:satMod", "val", ST_Percentage),
    ("a:gs", "pos", ST_PositiveFixedPercentage),
    ("a:lin", "ang", ST_PositiveFixedAngle),
    ("a:lin", "scaled", BOOLEAN),
    ("a:gradFill", "rotWithShape", BOOLEAN),
    ("a:fillToRect", "l|t|r|b", ST_Percentage),
    ("a:ln", "w", ST_LineWidth),
    ("a:outerShdw", "blurRad|dist", ST_PositiveCoordinate),
    ("a:outerShdw", "dir", ST_PositiveFixedAngle),
    ("a:outerShdw", "rotWithShape", BOOLEAN),
    ("a:bevelT", "w|h", ST_PositiveCoordinate),
    ("a:rot", "lat|lon|rev", ST_PositiveFixedAngle),
    ("a:(effectRef|fillRef|lnRef)", "idx", ST_StyleMatrixColumnIndex),
    ("a:(stCxn|endCxn)", "id", ST_DrawingElementId),
    ("a:(stCxn|endCxn)", "idx", UINT32),
    ("a:(sx|sy)", "n|d", INT32),
    ("a:xfrm", "flipH|flipV", BOOLEAN),
    ("a:xfrm", "rot", INT32),
    ("a:(spLocks|graphicFrameLocks|picLocks|cxnSpLocks)", "no[A-Za-z]+", BOOLEAN),
    ("a:tblPr", "firstRow|bandRow|firstCol|lastRow|lastCol|bandCol", BOOLEAN),
    ("a:tcPr", "marL|marR|marT|marB", ST_Coordinate32),
    ("a:tc", "gridSpan|rowSpan", INT32),
    ("a:gridCol", "w", ST_Coordinate),
    ("a:tr", "h", ST_Coordinate),
    ("a:hlinkClick", "history|highlightClick|endSnd", BOOLEAN),
    ("p:cNvPr", "id", ST_DrawingElementId),
    ("p:cNvPr", "hidden", BOOLEAN),
    ("p:cNvSpPr", "txBox", BOOLEAN),
    ("p:nvPr", "userDrawn|isPhoto", BOOLEAN),
    ("p:ph", "idx", UINT32),
    ("p:ph", "hasCustomPrompt", BOOLEAN),
    ("p:bgRef", "idx", ST_StyleMatrixColumnIndex),
    ("p:sldId", "id", ST_SlideId),
    ("p:sldLayoutId", "id", ST_SlideLayoutId),
    ("p:sldMasterId", "id", ST_SlideMasterId),
    ("p:(sldSz)", "cx|cy", ST_SlideSizeCoordinate),
    ("p:notesSz", "cx|cy", ST_PositiveCoordinate),
    ("p:sld", "show|showMasterSp|showMasterPhAnim", BOOLEAN),
    ("p:sldLayout", "preserve|userDrawn|showMasterSp|showMasterPhAnim", BOOLEAN),
    ("p:presentation", "autoCompressPictures|saveSubsetFonts|embedTrueTypeFonts|strictFirstAndLastChars|"
                       "removePersonalInfoOnSave|compatMode|rtl", BOOLEAN),
    ("p:presentation", "firstSlideNum", INT32),
    ("p:(cSldViewPr|cViewPr)", "snapToGrid|snapToObjects|showGuides|varScale", BOOLEAN),
    ("p:gridSpacing", "cx|cy", ST_PositiveCoordinate),
    ("p:guide", "pos", ST_Coordinate32),
    ("p:origin", "x|y", ST_Coordinate),
    ("p:(restoredLeft|restoredTop)", "sz", ST_PositiveFixedPercentage),
    ("p:(restoredLeft|restoredTop)", "autoAdjust", BOOLEAN),
    ("p14:creationId", "val", UINT32),
    ("p14:defaultImageDpi", "val", UINT32),
    ("p14:discardImageEditData", "val", BOOLEAN),
    ("adec:decorative", "val", BOOLEAN),
    ("c:(axId|crossAx)", "val", ST_AxisId),
    ("c:gapWidth", "val", ST_GapAmount),
    ("c:overlap", "val", (-100, 100)),
    ("c:lblOffset", "val", ST_LblOffset),
    ("c:(idx|order|ptCount)", "val", UINT32),
    ("c:pt", "idx", UINT32),
    ("c:(auto|autoTitleDeleted|autoUpdate|date1904|delete|noMultiLvlLbl|overlay|roundedCorners|varyColors|"
     "smooth|marker|showBubbleSize|showCatName|showLeaderLines|showLegendKey|showPercent|showSerName|showVal|"
     "invertIfNegative|plotVisOnly)", "val", BOOLEAN),
    ("c:numFmt", "sourceLinked", BOOLEAN),
]
_TYPES = [(re.compile(f"(?:{element})"), re.compile(f"(?:{attribute})"), kind) for element, attribute, kind in TYPES]
_INTEGER = re.compile(r"-?\d+")


def integer_attributes(pptx: Path):
    """Yield (part, "prefix:element", attribute, value) for every attribute holding an integer."""
    with zipfile.ZipFile(pptx) as z:
        for part in z.namelist():
            if not part.endswith(".xml"):
                continue
            for element in etree.fromstring(z.read(part)).iter():
                if not isinstance(element.tag, str):
                    continue
                name = f"{element.prefix}:{etree.QName(element).localname}"
                for attribute, value in element.attrib.items():
                    if _INTEGER.fullmatch(value) and "}" not in attribute:
                        yield part, name, attribute, int(value)


def schema_type(element: str, attribute: str):
    for el, attr, kind in _TYPES:
        if el.fullmatch(element) and attr.fullmatch(attribute):
            return kind
    raise KeyError((element, attribute))


def test_every_integer_attribute_is_inside_its_schema_types_range(built):
    problems = []
    for part, element, attribute, value in integer_attributes(built):
        try:
            kind = schema_type(element, attribute)
        except KeyError:
            problems.append(f"{part}: {element}/@{attribute}={value}: no schema type known (add it to TYPES)")
            continue
        if kind is not None and not kind[0] <= value <= kind[1]:
            problems.append(f"{part}: {element}/@{attribute}={value} outside {kind[0]}..{kind[1]}")
    assert not problems, "\n".join(dict.fromkeys(problems))


def test_the_range_check_catches_unsigned_axis_ids_and_unknown_attributes():
    assert schema_type("c:axId", "val") == ST_AxisId and not ST_AxisId[0] <= 2180972856 <= ST_AxisId[1]
    with pytest.raises(KeyError):
        schema_type("a:madeUp", "val")


def test_openxml_audit_finds_no_error(built):
    import openxml_audit

    result = openxml_audit.validate_pptx(built)
    assert result.is_valid, [str(e) for e in result.errors][:5]


# --- PowerPoint's accessibility rules ----------------------------------------------------------------

P = "{http://schemas.openxmlformats.org/presentationml/2006/main}"
A = "{http://schemas.openxmlformats.org/drawingml/2006/main}"
DECORATIVE = ("{http://schemas.openxmlformats.org/drawingml/2006/main}extLst/"
              "{http://schemas.openxmlformats.org/drawingml/2006/main}ext[@uri='{C183D7F6-B498-43B3-948B-1728B52AA6E4}']/"
              "{http://schemas.microsoft.com/office/drawing/2017/decorative}decorative[@val='1']")
SHAPES = (P + "sp", P + "pic", P + "graphicFrame", P + "grpSp", P + "cxnSp")


def slides(pptx: Path):
    """Yield (part name, slide element) in presentation order."""
    with zipfile.ZipFile(pptx) as z:
        names = sorted((n for n in z.namelist() if re.fullmatch(r"ppt/slides/slide\d+\.xml", n)),
                       key=lambda n: int(re.search(r"\d+", n.rsplit("/", 1)[1]).group()))
        for name in names:
            yield name, etree.fromstring(z.read(name))


def title_of(shape) -> str | None:
    """Return the text of a title placeholder shape, None for any other shape."""
    ph = shape.find(f"{P}nvSpPr/{P}nvPr/{P}ph")
    if ph is None or ph.get("type") not in ("title", "ctrTitle"):
        return None
    return "".join(shape.itertext()).strip()


def c_nv_pr(shape):
    return shape.find(f"./*/{P}cNvPr")


def accessibility_violations(pptx: Path) -> list[str]:
    """Return every violation of the rules PowerPoint's accessibility checker applies to a deck."""
    problems = []
    titles: dict[str, str] = {}
    for part, slide in slides(pptx):
        tree = slide.find(f"{P}cSld/{P}spTree")
        shapes = [el for el in tree if el.tag in SHAPES]
        found = [(i, t) for i, t in ((i, title_of(s)) for i, s in enumerate(shapes)) if t is not None]
        if not found or not found[0][1]:
            problems.append(f"{part}: missing slide title")
        else:
            index, title = found[0]
            if title in titles:
                problems.append(f"{part}: title {title!r} repeats {titles[title]}")
            titles.setdefault(title, part)
            if index != 0:
                problems.append(f"{part}: reading order: the title is shape {index + 1}, not the first")
        for shape in tree.iter(*SHAPES):
            props = c_nv_pr(shape)
            text = "".join(t.text or "" for t in shape.iter(A + "t")).strip()
            decorative = props.find(DECORATIVE) is not None
            described = bool(props.get("descr", "").strip())
            needs = shape.tag != P + "sp" or not text  # pictures, charts, tables, groups, lines, empty shapes
            if shape.tag == P + "sp" and shape.find(f"{P}nvSpPr/{P}nvPr/{P}ph") is not None:
                needs = False  # a placeholder: its text is its content
            if shape.getparent().tag == P + "grpSp" and c_nv_pr(shape.getparent()).get("descr"):
                needs = needs and shape.tag != P + "sp"  # inside a described group: only lines and pictures
            if needs and not (decorative or described):
                problems.append(f"{part}: {etree.QName(shape).localname} {props.get('name')!r}: "
                                "no alternative text and not marked decorative")
    with zipfile.ZipFile(pptx) as z:
        for part in z.namelist():
            if re.fullmatch(r"ppt/(slides/slide|notesSlides/notesSlide)\d+\.xml", part):
                root = etree.fromstring(z.read(part))
                for run in root.iter(A + "r", A + "fld"):
                    rpr = run.find(A + "rPr")
                    if rpr is None or not rpr.get("lang"):
                        problems.append(f"{part}: run {''.join(run.itertext())[:30]!r} has no language")
    return problems


def test_the_deck_passes_powerpoints_accessibility_rules(built):
    problems = accessibility_violations(built)
    assert not problems, f"{len(problems)} violation(s):\n" + "\n".join(problems[:40])


def test_the_accessibility_rules_catch_what_they_check(tmp_path):
    """An untitled slide with an undescribed picture-less rectangle and a run without a language fails."""
    from pptx import Presentation
    from pptx.enum.shapes import MSO_SHAPE

    prs = Presentation()
    for _ in range(2):
        slide = prs.slides.add_slide(prs.slide_layouts[5])  # Title Only
        slide.shapes.title.text = "Same"
    slide.shapes.add_shape(MSO_SHAPE.RECTANGLE, 0, 0, 100, 100)
    box = slide.shapes.add_textbox(0, 0, 100, 100)
    box.text_frame.text = "no lang"
    bare = prs.slides.add_slide(prs.slide_layouts[6])  # Blank: no title
    bare.shapes.add_textbox(0, 0, 10, 10)
    prs.save(str(tmp_path / "bad.pptx"))
    found = "\n".join(accessibility_violations(tmp_path / "bad.pptx"))
    assert "slide3.xml: missing slide title" in found
    assert "title 'Same' repeats" in found
    assert "sp 'Rectangle 2': no alternative text" in found
    assert "'no lang' has no language" in found


def shown_on_slides(node):
    """Yield every block inside `node` (a block or a tuple of them) that the deck shows."""
    import dataclasses

    from deckbook import model

    if isinstance(node, tuple):
        for item in node:
            yield from shown_on_slides(item)
    elif dataclasses.is_dataclass(node) and not (isinstance(node, model.Only) and node.target == "handbook"):
        yield node
        for field in dataclasses.fields(node):
            if field.name != "notes":
                yield from shown_on_slides(getattr(node, field.name))


def test_alt_texts_are_the_handbooks(built, request):
    """Charts, diagrams and pictures on the slides say what the handbook says for them (one function)."""
    from deckbook import model
    from deckbook.render.common import alt
    from deckbook.render.common.labels import labels

    name = request.node.callspec.params["built"][0]
    course = load_course(COURSES[name])
    words = labels(course.meta.language)
    expected = set()
    for chapter in course.chapters:
        if chapter.handbook_only:
            continue
        for block in (b for s in chapter.slides for b in shown_on_slides(s.blocks)):
            if isinstance(block, model.Metrics) and block.rows:
                expected.add(alt.chart(block, words))
            elif isinstance(block, model.DecisionTree):
                expected.add(alt.decision_tree(block.root, words))
            elif isinstance(block, model.Image):
                expected.add(alt.image(block))
    found = {c_nv_pr(shape).get("descr") for _, slide in slides(built)
             for shape in slide.iter(P + "pic", P + "graphicFrame", P + "grpSp")
             if shape.find(f".//{{http://schemas.openxmlformats.org/drawingml/2006/chart}}chart") is not None
             or shape.tag != P + "graphicFrame"}
    assert expected and expected <= found, expected - found

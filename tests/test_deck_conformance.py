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

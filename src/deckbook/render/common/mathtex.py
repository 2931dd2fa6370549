"""TeX math for both outputs: checked, drawn as vector SVG (ziamath), or written as formatted text runs.

latex2mathml reads the TeX (pandoc's and MathJax's dialect) into MathML; ziamath lays MathML out with its
own STIX Two Math font as SVG paths (no TeX installation, no browser); `linear()` turns MathML into text
pieces with super- and subscripts for the deck's inline math. Both libraries are imported here only, and
only when a course has math.
"""

from __future__ import annotations

import re
import threading
import warnings
from dataclasses import dataclass
from functools import lru_cache

from lxml import etree

_MML = "{http://www.w3.org/1998/Math/MathML}"
#: A command latex2mathml does not know comes out as an identifier spelled with its backslash.
_UNKNOWN_COMMAND = re.compile(r"\\[A-Za-z]+")
#: Baselines of the deck's super- and subscripts, in percent of the font size (DrawingML's `baseline`).
SUPERSCRIPT, SUBSCRIPT = 30, -25
_CONFIG = threading.Lock()
#: Relations and binary operators, written with a space on each side (as TeX spaces them).
_SPACED = frozenset("=+−-×·÷<>≤≥≠≈≡→⇒↦∈∉⊂⊆∪∩±∓")


class TexError(ValueError):
    """TeX that cannot be read: the message says what is wrong."""


@lru_cache(maxsize=512)
def mathml(tex: str, display: bool = False) -> str:
    """Return `tex` as MathML; raise TexError when it cannot be read."""
    from latex2mathml.converter import convert

    if not tex.strip():
        raise TexError("empty math")
    try:
        out = convert(tex, display="block" if display else "inline")
    except Exception as exc:  # latex2mathml raises its own errors, and IndexError/KeyError on some input
        raise TexError(_describe(exc, tex)) from None
    tree = etree.fromstring(out.encode())
    for element in tree.iter(f"{_MML}mi", f"{_MML}mo", f"{_MML}mtext"):
        unknown = _UNKNOWN_COMMAND.match(element.text or "")
        if unknown:
            raise TexError(f"unknown TeX command '{unknown.group()}'")
    return out


def _describe(exc: Exception, tex: str) -> str:
    name = type(exc).__name__
    if name in ("NoAvailableTokensError", "MissingSuperScriptOrSubscriptError", "IndexError"):
        return "the TeX ends too early (a '{' or an argument is missing)"
    if name in ("MissingEndError", "DoubleSubscriptsError", "DoubleSuperscriptsError", "ExtraLeftOrMissingRightError",
                "InvalidStyleForGenfracError", "InvalidAlignmentError", "InvalidWidthError", "LimitsMustFollowMathOperatorError",
                "DenominatorNotFoundError"):
        words = re.sub(r"(?<!^)(?=[A-Z])", " ", name.removesuffix("Error")).lower()
        return f"TeX: {words}" + (f" ({exc})" if str(exc) else "")
    return f"TeX cannot be read: {exc or name}"


def problem(tex: str, display: bool = False) -> str:
    """Return what is wrong with `tex`, or "" when it can be typeset."""
    try:
        mathml(tex, display)
    except TexError as exc:
        return str(exc)
    if tex.count("{") - tex.count("\\{") != tex.count("}") - tex.count("\\}"):
        return "unbalanced braces { }"
    return ""


# --- vector drawing ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Drawing:
    """Math drawn as SVG (paths only: no font is needed to show it), sizes in points."""

    svg: str
    width: float
    height: float
    depth: float  # how far it reaches below the text's baseline


@lru_cache(maxsize=512)
def drawing(tex: str, size: float, colour: str, display: bool = False) -> Drawing:
    """Return `tex` drawn at font size `size` (points) in `colour` ('#RRGGBB')."""
    with warnings.catch_warnings():
        # ziamath 0.13 finds its font with importlib.resources.path(), deprecated since Python 3.11.
        warnings.simplefilter("ignore", DeprecationWarning)
        import ziamath

    with _CONFIG:  # ziamath takes the colour from its global configuration
        ziamath.config.math.color = colour
        math = ziamath.Math(mathml(tex, display), size=size, title=tex)
        svg = math.svg()
    # The SVG's own box (with ziamath's margin); its viewBox puts the baseline at y = 0.
    root = etree.fromstring(svg.encode())
    top, height = (float(v) for v in root.get("viewBox").split()[1::2])
    return Drawing(svg, float(root.get("width")), float(root.get("height")), round(top + height, 3))


# --- text runs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Piece:
    """A piece of linear math text: italic for variables, a baseline shift for scripts (percent)."""

    text: str
    italic: bool = False
    baseline: int = 0


def linear(tex: str) -> tuple[Piece, ...]:
    """Return `tex` as text pieces: variables italic, scripts raised or lowered, fractions as a/b."""
    tree = etree.fromstring(mathml(tex).encode())
    out: list[Piece] = []
    _linear(tree, 0, out)
    merged: list[Piece] = []
    for piece in out:
        if merged and (merged[-1].italic, merged[-1].baseline) == (piece.italic, piece.baseline):
            merged[-1] = Piece(merged[-1].text + piece.text, piece.italic, piece.baseline)
        elif piece.text:
            merged.append(piece)
    return tuple(merged)


def _linear(node, baseline: int, out: list[Piece]) -> None:
    tag = etree.QName(node).localname if isinstance(node.tag, str) else ""
    kids = [k for k in node if isinstance(k.tag, str)]
    text = (node.text or "").strip()
    if tag == "mi":
        out.append(Piece(text, len(text) == 1 and node.get("mathvariant") != "normal", baseline))
    elif tag == "mo" and text in _SPACED and baseline == 0:
        out.append(Piece(f" {text} ", False, baseline))
    elif tag in ("mn", "mo", "mtext", "ms"):
        out.append(Piece(node.text or "", False, baseline))
    elif tag == "mspace":
        out.append(Piece("\u2009", False, baseline))
    elif tag in ("msup", "mover") and len(kids) == 2:
        _linear(kids[0], baseline, out)
        _linear(kids[1], SUPERSCRIPT, out)
    elif tag in ("msub", "munder") and len(kids) == 2:
        _linear(kids[0], baseline, out)
        _linear(kids[1], SUBSCRIPT, out)
    elif tag in ("msubsup", "munderover") and len(kids) == 3:
        _linear(kids[0], baseline, out)
        _linear(kids[1], SUBSCRIPT, out)
        _linear(kids[2], SUPERSCRIPT, out)
    elif tag == "mfrac" and len(kids) == 2:
        _grouped(kids[0], baseline, out)
        out.append(Piece("/", False, baseline))
        _grouped(kids[1], baseline, out)
    elif tag == "msqrt":
        out.append(Piece("√", False, baseline))
        _grouped(node, baseline, out, always=len(kids) != 1)
    elif tag == "mroot" and len(kids) == 2:
        _linear(kids[1], SUPERSCRIPT, out)
        out.append(Piece("√", False, baseline))
        _grouped(kids[0], baseline, out)
    elif tag == "mphantom" or tag == "annotation":
        return
    else:
        for kid in kids:
            _linear(kid, baseline, out)


def _grouped(node, baseline: int, out: list[Piece], always: bool = False) -> None:
    """Write `node`, in parentheses when it is more than one token (a/b, (a+b)/c)."""
    inner: list[Piece] = []
    if etree.QName(node).localname == "msqrt":
        for kid in node:
            _linear(kid, baseline, inner)
    else:
        _linear(node, baseline, inner)
    wrap = always or len("".join(p.text for p in inner).strip()) > 1
    out.extend([Piece("(", False, baseline), *inner, Piece(")", False, baseline)] if wrap else inner)

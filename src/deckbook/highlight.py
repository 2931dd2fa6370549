"""Syntax highlighting: the one module that imports Pygments.

Both renderers get the same thing from here — lines of (text, class) spans and a palette that says
what each class looks like — so the deck's runs and the handbook's spans have the same colours.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from pygments import lex
from pygments.lexer import Lexer
from pygments.lexers import get_lexer_by_name
from pygments.styles import get_all_styles, get_style_by_name
from pygments.token import STANDARD_TYPES, Token, _TokenType
from pygments.util import ClassNotFound


@dataclass(frozen=True)
class Span:
    """A run of code text and its token class (Pygments' short name, e.g. 'kd'; '' for plain)."""

    text: str
    cls: str


@dataclass(frozen=True)
class TokenStyle:
    """How one token class looks: colours are '#RRGGBB' or None (inherit)."""

    color: str | None
    bold: bool
    italic: bool
    background: str | None


@dataclass(frozen=True)
class Palette:
    """Every token class of one Pygments style, plus the style's default text and background."""

    name: str
    text: str
    background: str
    classes: dict[str, TokenStyle]

    def style(self, cls: str) -> TokenStyle:
        return self.classes.get(cls) or self.classes[""]


def has_language(name: str) -> bool:
    """Return whether Pygments knows a lexer called `name`."""
    return _lexer(name) is not None


def has_style(name: str) -> bool:
    return name in set(get_all_styles())


def style_names() -> list[str]:
    return sorted(get_all_styles())


@lru_cache(maxsize=None)
def _lexer(name: str) -> Lexer | None:
    try:
        # stripnl/ensurenl off: the code's own blank lines and end are kept exactly.
        return get_lexer_by_name(name, stripnl=False, ensurenl=False, tabsize=4)
    except ClassNotFound:
        return None


def _cls(ttype: _TokenType) -> str:
    while ttype not in STANDARD_TYPES:
        ttype = ttype.parent
    return STANDARD_TYPES[ttype]


def tokenize(code: str, language: str) -> list[list[Span]]:
    """Return `code` as lines of spans (adjacent spans of one class merged); plain when unknown."""
    lexer = _lexer(language) if language else None
    # Lexers expect a final newline (a `//` comment on the last line is not a comment without one);
    # the extra line it makes is dropped below.
    tokens = lex(code + "\n", lexer) if lexer is not None else [(Token.Text, code)]
    lines: list[list[Span]] = [[]]
    for ttype, value in tokens:
        cls = _cls(ttype)
        for i, part in enumerate(value.split("\n")):
            if i:
                lines.append([])
            if not part:
                continue
            line = lines[-1]
            if line and line[-1].cls == cls:
                line[-1] = Span(line[-1].text + part, cls)
            else:
                line.append(Span(part, cls))
    if lexer is not None and not lines[-1]:
        lines.pop()
    return lines


@lru_cache(maxsize=None)
def palette(style_name: str) -> Palette:
    """Return the palette of Pygments style `style_name`."""
    style = get_style_by_name(style_name)
    classes: dict[str, TokenStyle] = {}
    for ttype, cls in STANDARD_TYPES.items():
        s = style.style_for_token(ttype)
        classes[cls] = TokenStyle(
            color=f"#{s['color'].upper()}" if s["color"] else None,
            bold=bool(s["bold"]),
            italic=bool(s["italic"]),
            background=f"#{s['bgcolor'].upper()}" if s["bgcolor"] else None,
        )
    base = style.style_for_token(Token.Text)
    text = f"#{base['color'].upper()}" if base["color"] else "#000000"
    background = (style.background_color or "#FFFFFF").upper()
    return Palette(style_name, text, background, classes)

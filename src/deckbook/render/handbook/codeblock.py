"""Code blocks in the handbook: highlighted, pre-wrapped to the page, under a title; and their stylesheet.

Each source line is one row or, when too long for the page, several: the continuation rows keep the
line's indentation and start with a ↪ marker (`WRAP_MARK`). Token classes that look alike share one
class (`code_classes`), and `code_css` styles exactly those.
"""

from __future__ import annotations

from functools import lru_cache
from typing import TYPE_CHECKING

from markupsafe import escape

from ... import highlight
from ...model import CodeBlock
from ..common import codewrap
from ..common.labels import Labels

if TYPE_CHECKING:
    from .writer import Layout

WRAP_MARK = "\u21aa"  # ↪ starts the continuation of a code line that was too long for the page


@lru_cache(maxsize=8192)  # the two editions show the same code: highlighted and wrapped once
def markup(block: CodeBlock, layout: Layout, inset: float, words: Labels) -> str:
    """Return code as a <pre> whose rows are pre-wrapped to a box inside containers taking `inset`, under its title.

    Line numbers are text in a muted span (cheaper to lay out than generated content). A block longer than
    `keep_lines` rows may break across pages: it sits in a one-cell table whose header (the title)
    WeasyPrint repeats on every page; the header carries "(cont.)", which is dropped from the first page
    after layout (see `workers._drop_first_cont`).
    """
    styled = code_classes(layout.pygments_style)
    lines = highlight.tokenize(block.code, block.language)
    numbered = block.linenums is not None
    first = block.linenums if block.linenums is not None else 1
    digits = len(str(first + len(lines) - 1)) if numbered else 0
    width = layout.code_columns(inset) - (digits + 1 if numbered else 0)
    rows = []
    for i, spans in enumerate(lines, start=1):
        for j, row in enumerate(_wrap_code(spans, width, styled)):
            if numbered:
                gutter = f"{first + i - 1:>{digits}} " if j == 0 else " " * (digits + 1)
                row = f'<span class="gut">{gutter}</span>{row}' if j == 0 else gutter + row
            rows.append(f'<span class="hl">{row}</span>' if i in block.hl_lines else row)
    pre = "<pre>" + "\n".join(rows) + "</pre>"
    # Code that does not compile on purpose (rustdoc's compile_fail) says so in its title bar.
    fails = escape(words.does_not_compile) if block.compile_fail else ""
    if len(rows) > layout.keep_lines:
        title = block.title or block.language or words.code
        mark = f'<span class="nc after">{fails}</span>' if fails else ""
        return (f'<table class="code long"><thead><tr><th><span class="t">{escape(title)}</span>{mark}'
                f'<span class="cont"> {escape(words.cont)}</span></th></tr></thead>'
                f"<tbody><tr><td>{pre}</td></tr></tbody></table>")
    mark = f'<span class="nc{" after" if block.title else ""}">{fails}</span>' if fails else ""
    title = f'<p class="ct">{escape(block.title)}{mark}</p>' if block.title or mark else ""
    return f'<div class="code keep">{title}{pre}</div>'


@lru_cache(maxsize=None)
def code_classes(style: str) -> dict[str, str]:
    """Return, for each token class style `style` gives a look, the class that carries that look.

    Classes that look alike share one class (in 'friendly', `kd` and `kn` look like `k`), so neighbouring
    tokens of one look become one <span>; classes with no look are absent: their text needs no span.
    Both the HTML writer and the stylesheet (`code_css`) use this map, so every emitted class is styled.
    """
    palette = highlight.palette(style)
    looks: dict[tuple, str] = {}
    out: dict[str, str] = {}
    # The most general class names a look: the shortest (Pygments' `s` before `na`), then the first in
    # Pygments' order, which lists a type before its subtypes (`nf` before `fm`).
    order = {cls: i for i, cls in enumerate(palette.classes)}
    for cls, ts in sorted(palette.classes.items(), key=lambda item: (len(item[0]), order[item[0]])):
        if cls and (ts.color or ts.bold or ts.italic):
            out[cls] = looks.setdefault((ts.color, ts.bold, ts.italic), cls)
    return out


def code_css(style: str, scope: str = ".code") -> str:
    """Return the CSS of the classes `code_classes` emits (one rule per look)."""
    palette = highlight.palette(style)
    rules = []
    for cls in sorted(set(code_classes(style).values())):
        ts = palette.classes[cls]
        decl = [f"color:{ts.color}"] if ts.color else []
        decl += ["font-weight:bold"] if ts.bold else []
        decl += ["font-style:italic"] if ts.italic else []
        rules.append(f"{scope} .{cls}{{{';'.join(decl)}}}")
    return "\n".join(rules) + "\n"


def _wrap_code(spans: list[highlight.Span], width: int, styled: dict[str, str] | None = None) -> list[str]:
    """Return one source line as the HTML of its rows, none wider than `width` monospace columns.

    Fewer boxes are faster for WeasyPrint to lay out and draw, so: tokens of classes `styled` maps to
    one look share one class, tokens of classes it lacks are plain text, and spaces (nothing of a colour
    or weight shows on them) join the run before them (or, leading a row, the run after them).
    """
    chars = [(ch, span.cls if styled is None else styled.get(span.cls, ""))
             for span in spans for ch in span.text.replace("\t", "    ")]
    _absorb_spaces(chars)
    rows = codewrap.wrap("".join(ch for ch, _ in chars), width)
    html = [_spans_html(chars[start:end]) for start, end in rows.slices]
    lead = " " * rows.indent + f'<span class="wm">{WRAP_MARK}</span>'
    return html[:1] + [lead + row for row in html[1:]]


def _absorb_spaces(chars: list[tuple[str, str]]) -> None:
    """Give each space the class of the character before it (leading spaces: the one after them)."""
    cls = next((c for ch, c in chars if ch != " "), "")
    for i, (ch, c) in enumerate(chars):
        if ch == " ":
            chars[i] = (ch, cls)
        else:
            cls = c


def _spans_html(chars: list[tuple[str, str]]) -> str:
    out, run, cls = [], [], None
    for ch, c in chars + [("", "\0")]:
        if c != cls and run:
            text = escape("".join(run))
            out.append(f'<span class="{cls}">{text}</span>' if cls else str(text))
            run = []
        cls = c
        run.append(ch)
    return "".join(out)

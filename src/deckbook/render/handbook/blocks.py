"""The handbook's block writers: one function per block type, found through `BLOCKS`.

Each takes the writer, the block and where it sits (`Env`: the width its containers take, whether its
headings are numbered) and returns HTML with classes only; `handbook.css` says what they look like. A
block type missing from `BLOCKS` is an error (`Writer.blocks`), never skipped.
"""

from __future__ import annotations

import base64
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable

from markupsafe import escape

from ...model import (
    BlockQuote, BulletList, Callout, CodeBlock, Columns, DecisionTree, DefinitionList, Exercise, Heading, Image,
    Inlines, ListItem, MathBlock, Metrics, Only, Paragraph, Table, plain,
)
from . import codeblock, svg
from ..common import alt, fontchain, mathtex
from ..common.numbers import change, quantity
from ..common.teaching import exercise_title
from .outline import Target

if TYPE_CHECKING:
    from .writer import Writer


@dataclass(frozen=True)
class Env:
    """Where a block sits: how much width its containers take, and whether its headings are numbered."""

    inset: float = 0.0
    structural: bool = False
    lead: bool = False  # a paragraph introducing the figure, code or table after it: kept with it


def _heading_block(w: Writer, block: Heading, env: Env) -> str:
    target = w.outline.targets.get(id(block)) or Target(block.anchor, "", max(block.level, 2))
    return w.heading(target, block.children)


def _paragraph(w: Writer, block: Paragraph, env: Env) -> str:
    # A paragraph that starts in Arabic or Hebrew reads right to left, aligned right (Pango orders the
    # characters of each line by itself; the base direction decides the alignment and the order of runs).
    rtl = ' dir="rtl"' if fontchain.right_to_left(plain(block.children)) else ""
    lead = ' class="lead"' if env.lead else ""
    return f"<p{lead}{rtl}>{w.inlines(block.children)}</p>"


def _list(w: Writer, block: BulletList, env: Env) -> str:
    inner = replace(env, inset=env.inset + w.layout.insets.list_indent, structural=False)
    tag = "ol" if block.ordered else "ul"
    start = f' start="{block.start}"' if block.ordered and block.start != 1 else ""
    items = "".join(f"<li>{_item(w, item, inner)}</li>" if item.checked is None else
                    f'<li class="task"><span class="box">{"✓" if item.checked else ""}</span>{_item(w, item, inner)}</li>'
                    for item in block.items)
    return f"<{tag}{start}>{items}</{tag}>"


def _item(w: Writer, item: ListItem, env: Env) -> str:
    """Return a list item; its first paragraph is written without <p>, as a tight list reads."""
    blocks = item.blocks
    if blocks and isinstance(blocks[0], Paragraph):
        return w.inlines(blocks[0].children) + w.blocks(blocks[1:], env)
    return w.blocks(blocks, env)


def _definitions(w: Writer, block: DefinitionList, env: Env) -> str:
    inner = replace(env, inset=env.inset + w.layout.insets.list_indent, structural=False)
    items = "".join(f"<dt>{w.inlines(item.term)}</dt>"
                    + "".join(f"<dd>{w.blocks(d, inner)}</dd>" for d in item.definitions)
                    for item in block.items)
    return f"<dl>{items}</dl>"


_ALIGN = {"left": "al", "center": "ac", "right": "ar", "": ""}


def table_html(w: Writer, block: Table, env: Env) -> str:
    """Return a table whose columns size to their content, with no cell ever wider than the page.

    Words are neither cut nor hyphenated, so each column is at least as wide as its longest word; a cell
    holding a word longer than an even share of the width (a long identifier in a ten-column table) is
    the exception: that cell alone may break it (class `cut`), so the table always fits.
    """
    ncols = max([len(block.header), *(len(r) for r in block.rows)])
    layout = w.layout
    share = (layout.text_width - env.inset) / ncols - 2 * layout.insets.cell_pad

    def cell(tag: str, i: int, content: Inlines) -> str:
        words = plain(content).split()
        longest = max((layout.drawing.measure(word, layout.table_size) for word in words), default=0.0)
        classes = " ".join(c for c in (_ALIGN.get(block.align[i] if i < len(block.align) else "", ""),
                                       "cut" if longest > share else "") if c)
        attr = f' class="{classes}"' if classes else ""
        return f"<{tag}{attr}>{w.inlines(content)}</{tag}>"

    head = "".join(cell("th", i, c) for i, c in enumerate(block.header))
    rows = "\n".join("<tr>" + "".join(cell("td", i, c) for i, c in enumerate(row)) + "</tr>" for row in block.rows)
    return f'<table class="t"><thead><tr>{head}</tr></thead><tbody>\n{rows}\n</tbody></table>'


DISPLAY_MATH_SCALE = 1.15  # display math, relative to the body text


def math_image(w: Writer, tex: str, display: bool) -> str:
    """Return math as a vector picture (its glyphs drawn as paths) whose alternative text is the TeX.

    Inline math sits on the text's baseline (`vertical-align` by its depth) and scales with nothing: it is
    typeset at the body size.
    """
    scale = DISPLAY_MATH_SCALE if display else 1.0
    drawing = mathtex.drawing(tex, round(w.layout.body_size * scale, 2), w.layout.drawing.colors.text, display)
    src = "data:image/svg+xml;base64," + base64.b64encode(drawing.svg.encode()).decode()
    style = f"width:{drawing.width}pt;height:{drawing.height}pt" + ("" if display else f";vertical-align:-{drawing.depth}pt")
    return f'<img class="{"math-display" if display else "math"}" src="{src}" alt="{escape(alt.math(tex))}" style="{style}">'


def _math_block(w: Writer, block: MathBlock, env: Env) -> str:
    return f'<p class="math-display">{math_image(w, block.tex, display=True)}</p>'


def _image(w: Writer, block: Image, env: Env) -> str:
    text = alt.image(block)
    caption = f"<figcaption>{escape(block.title)}</figcaption>" if block.title else ""
    width = f' style="width: {block.width}px"' if block.width else ""  # CSS pixels, as the author wrote
    return f'<figure class="img"><img src="{escape(w.url(block.path))}" alt="{escape(text)}"{width}>{caption}</figure>'


def _code(w: Writer, block: CodeBlock, env: Env) -> str:
    return codeblock.markup(block, w.layout, env.inset, w.words)


def _quote(w: Writer, block: BlockQuote, env: Env) -> str:
    inner = replace(env, inset=env.inset + w.layout.insets.quote, structural=False)
    return f"<blockquote>{w.blocks(block.blocks, inner)}</blockquote>"


def _callout(w: Writer, block: Callout, env: Env) -> str:
    inner = replace(env, inset=env.inset + w.layout.insets.callout, structural=False)
    kind = getattr(w.words, block.kind)
    title = f"{kind}: {block.title}" if block.title else kind
    return (f'<div class="callout {block.kind}"><p class="ct">{escape(title)}</p>'
            f"{w.blocks(block.blocks, inner)}</div>")


def _exercise(w: Writer, block: Exercise, env: Env) -> str:
    """Return a lab: the task in a box; in the trainer edition and the handout its solution in a box after it."""
    inner = replace(env, inset=env.inset + w.layout.insets.callout, structural=False)
    html = (f'<div class="callout exercise"><p class="ct">{escape(exercise_title(block, w.words.exercise))}</p>'
            f"{w.blocks(block.blocks, inner)}</div>")
    if w.solutions:
        html += (f'<div class="callout solution"><p class="ct">{escape(w.words.solution)}</p>'
                 f"{w.blocks(block.solution, inner)}</div>")
    return html


def _only(w: Writer, block: Only, env: Env) -> str:
    return w.blocks(block.blocks, env) if block.target == "handbook" else ""


def _columns(w: Writer, block: Columns, env: Env) -> str:
    cols = "".join(f'<div class="column">{w.blocks(col, env)}</div>' for col in block.columns)
    return f'<div class="columns">{cols}</div>'


def _drawing(w: Writer, env: Env) -> svg.Style:
    return replace(w.layout.drawing, width=w.layout.text_width - env.inset)


def _decision_tree(w: Writer, block: DecisionTree, env: Env) -> str:
    words = w.words
    text = alt.decision_tree(block.root, words)
    drawing = svg.decision_tree(block, _drawing(w, env), text, words.yes, words.no)
    caption = f"<figcaption>{escape(block.title)}</figcaption>" if block.title else ""
    return f'<figure class="tree">{caption}{drawing}</figure>'


def _metrics(w: Writer, block: Metrics, env: Env) -> str:
    words = w.words

    def value(v: float) -> str:
        return quantity(v, block.unit)

    rows = []
    for row in block.rows:
        moved = change(block, row, words)
        trend = "flat" if moved.direction == 0 else "better" if moved.better else "worse"
        rows.append(f'<tr><td>{escape(row.name)}</td><td class="ar">{escape(value(row.before))}</td>'
                    f'<td class="ar">{escape(value(row.after))}</td>'
                    f'<td class="ar {trend}">{escape(moved.text)}</td></tr>')
    tbody = "\n".join(rows)
    table = (f'<table class="t m"><thead><tr><th>{escape(words.metric)}</th>'
             f'<th class="ar">{escape(block.before_label)}</th><th class="ar">{escape(block.after_label)}</th>'
             f'<th class="ar">{escape(words.change)}</th></tr></thead><tbody>\n{tbody}\n</tbody></table>')
    text = alt.chart(block, words)
    chart = svg.bar_chart(block, _drawing(w, env), value, text) if block.rows else ""
    caption = f"<figcaption>{escape(block.title)}</figcaption>" if block.title else ""
    source = f'<p class="src">{escape(block.caption)}</p>' if block.caption else ""
    return f'<figure class="metrics">{caption}{table}{chart}{source}</figure>'


SHOWN = (CodeBlock, Table, Image, DecisionTree, Metrics)  # what a lead-in paragraph is kept with

BLOCKS: dict[type, Callable[[Writer, object, Env], str]] = {
    Heading: _heading_block,
    Paragraph: _paragraph,
    BulletList: _list,
    Table: table_html,
    Image: _image,
    CodeBlock: _code,
    BlockQuote: _quote,
    Callout: _callout,
    Only: _only,
    Columns: _columns,
    DecisionTree: _decision_tree,
    Metrics: _metrics,
    DefinitionList: _definitions,
    MathBlock: _math_block,
    Exercise: _exercise,
}

#: The block types this writer handles (tests compare it with `model.BLOCK_TYPES`).
BLOCK_WRITERS = tuple(BLOCKS)

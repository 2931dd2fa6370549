"""Inline content → model inlines: text, code, math, emphasis, links, footnote references, the HTML tags allowed.

markdown-it gives inlines no position: a `Cursor` finds each construct in its block's source lines, so
every message about a link, an image or a tag points at its line:col. Images standing alone in a
paragraph are read here too (`image`, `html_image`): they are inline tokens.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import unquote

from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from .. import model as m
from ..errors import Location
from ..render.common import mathtex
from . import includes, inlinehtml

if TYPE_CHECKING:
    from .markdown import ChapterParser

MAX_INLINE_DEPTH = 20
"""Emphasis, links and strike-through inside each other; markdown-it does not limit this nesting."""
HTML_HINT = (f"deckbook reads {', '.join(f'<{t}>' for t in inlinehtml.ALLOWED)}; "
             "write Markdown instead, or put it in `code` to show it")
_WRAPPERS = {"kbd": m.Kbd, "sub": m.Sub, "sup": m.Sup, "mark": m.Mark, "u": m.Underline}


class Cursor:
    """Finds inline constructs in the source lines of one block, in order, for exact line:col.

    markdown-it gives blocks a line range but inlines no position; searching the block's lines from
    the last hit onward finds each link, image or HTML tag where the user wrote it.
    """

    def __init__(self, path: Path, lines: list[str], first: int, last: int):
        self.path, self.lines, self.first, self.last = path, lines, first, max(first, last)
        self.at = (first, 0)  # 0-based line index and column of the next search

    def find(self, *needles: str) -> Location:
        """Return the location of the first of `needles` found from the last hit on (else the block's)."""
        for start in (self.at, (self.first, 0)):
            for needle in needles:
                found = self._search(needle, start) if needle else None
                if found:
                    self.at = (found[0], found[1] + len(needle))
                    return Location(self.path, found[0] + 1, found[1] + 1)
        return line_start(self.path, self.lines, self.first)

    def _search(self, needle: str, start: tuple[int, int]) -> tuple[int, int] | None:
        line, col = start
        while line < min(self.last, len(self.lines)):
            hit = self.lines[line].find(needle, col)
            if hit >= 0:
                return line, hit
            line, col = line + 1, 0
        return None


def line_start(path: Path, lines: list[str], index: int) -> Location:
    """Return where 0-based line `index` of `lines` starts: at its first non-blank character (column 1 if none)."""
    text = lines[index] if index < len(lines) else ""
    return Location(path, index + 1, len(text) - len(text.lstrip()) + 1)


def read(p: ChapterParser, nodes, cursor: Cursor) -> m.Inlines:
    """Return the inline nodes `nodes` (of the block `cursor` searches) as model inlines."""
    out: list[m.Inline] = []
    nodes = list(nodes)
    i = 0
    while i < len(nodes):
        node = nodes[i]
        i += 1
        kind = node.type
        if kind in ("text", "softbreak"):
            text = node.content if kind == "text" else " "
            if i > 1 and _is_comment(nodes[i - 2]) and out and isinstance(out[-1], m.Text) \
                    and out[-1].text.endswith(" "):
                text = text.lstrip(" ")  # `a <!-- note --> b` reads "a b", not "a  b"
            _append_text(out, text)
        elif kind == "hardbreak":
            out.append(m.LineBreak())
        elif kind == "code_inline":
            out.append(m.Code(node.content))
        elif kind == "math_inline":
            where = cursor.find("$" + node.content[:1])
            problem = mathtex.problem(node.content.strip())
            if problem:
                p.diags.error(where, f"invalid math: {problem}",
                              f"${node.content}$; write \\$ for a dollar sign")
            else:
                out.append(m.Math(node.content.strip()))
        elif kind == "strong":
            out.append(m.Strong(read(p, node.children, cursor)))
        elif kind == "em":
            out.append(m.Emph(read(p, node.children, cursor)))
        elif kind == "s":
            out.append(m.Strike(read(p, node.children, cursor)))
        elif kind == "link":
            written = str(node.attrs.get("href", ""))
            out.append(_link(p, written, read(p, node.children, cursor), cursor, "["))
        elif kind == "image":
            p.diags.error(cursor.find("!["), "an image inside a line of text",
                          "put the image in a paragraph of its own")
        elif kind == "html_inline":
            if not node.content.startswith('<input class="task-list-item-checkbox"'):  # see `ChapterParser._list_item`
                i = _html_inline(p, nodes, i - 1, cursor, out)
        elif kind == "footnote_ref":
            out.append(m.FootnoteRef(node.meta["id"] + 1, p.footnotes.get(node.meta["id"], ())))
        else:
            p.diags.error(cursor.find(), f"unsupported inline Markdown '{kind}'")
    return tuple(out)


def _link(p: ChapterParser, written: str, children: m.Inlines, cursor: Cursor, opener: str) -> m.Link:
    """Return a link, recording its target and where it is written (`links` checks them all)."""
    # markdown-it percent-encodes targets; anchors are compared (and kept) as written: #über
    href = unquote(written) if written.startswith("#") else written
    p.links.append((href, cursor.find(href, written, opener)))
    return m.Link(children, href)


def _html_inline(p: ChapterParser, nodes: list, i: int, cursor: Cursor, out: list[m.Inline]) -> int:
    """Read the inline HTML tag at `nodes[i]` into `out`; return the index of the node after it.

    A container tag (`<kbd>`) takes the nodes up to its end tag as its content; comments are dropped.
    """
    content = nodes[i].content
    found = inlinehtml.tag(content)
    if found is None or found.name == "!--":
        if found is None:
            p.diags.error(cursor.find(content), f"cannot read the HTML '{content}'",
                          "write Markdown instead, or put it in `code` to show it")
        return i + 1
    loc = cursor.find(content)
    if found.name not in inlinehtml.ELEMENTS:  # `Vec<T>` written outside backticks: text, not HTML
        p.diags.warning(loc, f"'{content}' is not an HTML tag: shown as text",
                        f"write it as code, e.g. `Vec{content}`" if not found.end else "write it as code")
        _append_text(out, content)
        return i + 1
    if found.name not in inlinehtml.ALLOWED:
        if found.end:  # its start tag was reported
            return i + 1
        p.diags.error(loc, f"HTML tag <{found.name}> is not allowed", HTML_HINT)
        return i + 1
    if found.end:
        p.diags.error(loc, f"</{found.name}> closes no <{found.name}>", "remove it, or open the tag before it")
        return i + 1
    for key in inlinehtml.unknown_attrs(found):
        p.diags.warning(loc, f"attribute '{key}' of <{found.name}> is ignored",
                        f"<{found.name}> takes {', '.join({**inlinehtml.CONTAINERS, **inlinehtml.VOID}[found.name]) or 'no attributes'}")
    if found.name == "br":
        out.append(m.LineBreak())
        return i + 1
    if found.name == "img":
        p.diags.error(loc, "an image inside a line of text", "put the <img> in a paragraph of its own")
        return i + 1
    end = _closing(nodes, i, found.name)
    if end is None:
        p.diags.error(loc, f"<{found.name}> is never closed", f"end it with </{found.name}> on the same line")
        return i + 1
    children = read(p, nodes[i + 1:end], cursor)
    if found.name == "a":
        href = found.attr("href")
        if not href:
            p.diags.error(loc, "<a> without href", "write a link as [text](address)")
            out.extend(children)
        else:
            out.append(_link(p, href, children, cursor, "<a"))
    elif found.name == "abbr":
        out.append(m.Abbr(children, found.attr("title") or ""))
    elif found.name == "code":
        out.append(m.Code(m.plain(children)))
    else:
        out.append(_WRAPPERS[found.name](children))
    return end + 1


def html_image(p: ChapterParser, found: inlinehtml.Tag, loc: Location) -> m.Image | None:
    """Return the picture an `<img>` tag shows (None, reported, when it cannot be used)."""
    for key in inlinehtml.unknown_attrs(found):
        p.diags.warning(loc, f"attribute '{key}' of <img> is ignored", "<img> takes src, alt, width, title")
    width = found.attr("width")
    pixels = inlinehtml.pixels(width) if width is not None else None
    if width is not None and pixels is None:
        p.diags.error(loc, f"<img width=\"{width}\"> is not a width in pixels", 'write e.g. width="300"')
    return _image_file(p, found.attr("src") or "", found.attr("alt") or "", found.attr("title") or "", loc,
                       pixels)


def image(p: ChapterParser, node: SyntaxTreeNode, loc: Location) -> m.Image | None:
    """Return the picture a Markdown image shows (None, reported, when it cannot be used)."""
    src = str(node.attrs.get("src", ""))
    alt = "".join(c.content for c in node.children) if node.children else str(node.content)
    return _image_file(p, src, alt, str(node.attrs.get("title", "") or ""), loc)


def _image_file(p: ChapterParser, src: str, alt: str, title: str, loc: Location,
                width: int | None = None) -> m.Image | None:
    path = includes.resolve(p.root, src, loc, p.diags, "image")
    if path is None or not includes.check_image(path, loc, p.diags):
        return None
    if not alt.strip():
        p.diags.warning(loc, f"image '{src}' has no alt text", "write ![what it shows](path): the accessible PDF needs it")
    p.sources.add(path)
    return m.Image(path, alt, title, loc, width)


def flatten_deep(p: ChapterParser, tokens) -> None:
    """Report inline markup nested deeper than MAX_INLINE_DEPTH, and keep that text unformatted.

    markdown-it limits block nesting, not the pairing of `*` and `_`: thousands of nested
    emphases would exhaust the stack of every step that walks the tree.
    """
    for token in tokens:
        if token.type != "inline" or not token.children:
            continue
        depth = deepest = 0
        for child in token.children:
            depth += child.nesting
            deepest = max(deepest, depth)
        if deepest > MAX_INLINE_DEPTH:
            where = line_start(p.path, p.lines, token.map[0] if token.map else 0)
            p.diags.error(where, f"inline formatting nested more than "
                          f"{MAX_INLINE_DEPTH} levels deep", "shown as plain text; simplify the emphasis")
            token.children = [Token("text", "", 0, content=token.content)]


def _is_comment(node: SyntaxTreeNode) -> bool:
    return node.type == "html_inline" and node.content.startswith("<!--")


def _append_text(out: list[m.Inline], text: str) -> None:
    """Append `text` to the inlines `out`, joined to the text before it."""
    if not text:
        return
    if out and isinstance(out[-1], m.Text):
        out[-1] = m.Text(out[-1].text + text)
    else:
        out.append(m.Text(text))


def _closing(nodes: list, start: int, name: str) -> int | None:
    """Return the index of the end tag matching the start tag `name` at `nodes[start]`, or None."""
    depth = 0
    for j in range(start, len(nodes)):
        if nodes[j].type != "html_inline":
            continue
        found = inlinehtml.tag(nodes[j].content)
        if found is not None and found.name == name:
            depth += -1 if found.end else 0 if found.void else 1
            if depth == 0:
                return j
    return None

"""One chapter file → a flat list of headings, slide breaks and blocks (markdown-it-py does the parsing).

The slide structure is decided afterwards, over the whole course (pandoc's slide-level rule), in
`structure.py`; here each Markdown construct becomes a model block with its file:line. `ChapterParser`
reads the document and its plain blocks (paragraphs, headings, lists, tables, HTML, notes) through a
table keyed by markdown-it's node type; code blocks are read in `fences`, `:::` blocks in `divs`,
inline content in `inlines`, attributes in `attributes`.
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin

from .. import model as m, yamlsrc
from ..errors import Diagnostics, Location
from ..render.common import mathtex
from . import attributes, divs, fences, inlinehtml, inlines, mdrules, placeholders, structured
from .inlines import Cursor, line_start, read as read_inlines
from .items import BreakItem, FrontMatter, HeadingItem, Item, NotesItem, ParsedChapter


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    front_matter_plugin(md)
    footnote_plugin(md)
    tasklists_plugin(md)
    deflist_plugin(md)
    # pandoc's rules: no space after the opening $, none before the closing one, no digit after it.
    dollarmath_plugin(md, allow_labels=False, allow_space=False, allow_digits=False, allow_blank_lines=False,
                      double_inline=True)
    # One rule for every `:::` name, so unknown names reach us (and become errors).
    mdrules.div_plugin(md)
    return md


_MD = _parser()


class ChapterParser:
    """Turns one chapter's Markdown into items, reporting every problem into `diags`."""

    def __init__(self, root: Path, path: Path, text: str, diags: Diagnostics, sources: set[Path]):
        self.root = root
        self.path = path
        self.text = text
        self.lines = text.split("\n")
        self.scanned: set[Path] = set()  # included files already scanned for placeholders
        self.diags = diags
        self.sources = sources
        self.links: list[tuple[str, Location]] = []
        self.readers: dict[str, Callable[[SyntaxTreeNode], list[Item]]] = {
            "paragraph": self._paragraph,
            "heading": self._heading,
            "hr": lambda n: [BreakItem(self.loc(n))],
            "bullet_list": self._list,
            "ordered_list": self._list,
            "fence": partial(fences.fence, self),
            "code_block": partial(fences.indented, self),
            "table": self._table,
            "blockquote": self._blockquote,
            "div": partial(divs.div, self),
            "div_stray_close": partial(divs.stray_close, self),
            "html_block": self._html,
            "math_block": self._math_block,
            "too_deep": self._too_deep,
            "front_matter": lambda n: [],
            "dl": self._definitions,
            "footnote_block": lambda n: [],  # read before the rest: see `_read_footnotes`
        }
        self.footnotes: dict[int, m.Inlines] = {}
        self.too_deep_reported = False

    # --- entry --------------------------------------------------------------------------------

    def parse(self) -> ParsedChapter:
        env: dict = {}
        tokens = _MD.parse(self.text, env)
        self._duplicate_references(env)
        inlines.flatten_deep(self, tokens)
        root = SyntaxTreeNode(tokens)
        front = FrontMatter()
        if root.children and root.children[0].type == "front_matter":
            front = self._front_matter(root.children[0].content)
        elif re.match(r"---[ \t]*\n[ \t]*[A-Za-z_][\w-]*:(\s|$)", self.text):
            self.diags.error(Location(self.path, 1), "front matter is never closed",
                             "end it with a line of ---, or leave a blank line after a leading slide break")
        self._scan_placeholders(tokens)
        self._read_footnotes(root.children)
        objectives = tuple(self._objective(text, i) for i, text in enumerate(front.objectives))
        items = _rules_before_headings(self.children(root.children))
        return ParsedChapter(self.path, front, items, self.links, objectives)

    def _objective(self, text: str, index: int) -> m.Inlines:
        """Return one learning objective of the front matter as inline Markdown (`code`, *emphasis*)."""
        if not text.strip():
            self.diags.error(Location(self.path, 2), f"objectives: entry {index + 1} is empty",
                             "write what attendees can do after the chapter, or remove the entry")
        end = self.text.find("\n---", 3)
        last = self.text.count("\n", 0, end) + 1 if end > 0 else 1
        node = SyntaxTreeNode(_MD.parseInline(text.strip()))
        children = node.children[0].children if node.children else []
        return read_inlines(self, children, Cursor(self.path, self.lines, 1, last))

    def _duplicate_references(self, env: dict) -> None:
        """Warn about a link reference defined twice (pages joined into one chapter often repeat `[1]:`)."""
        for dup in env.get("duplicate_refs", []):
            first = env["references"][dup["label"]]
            self.diags.warning(line_start(self.path, self.lines, dup["map"][0]),
                               f"link reference [{dup['label']}] is defined twice: here ({dup['href']}) and on line "
                               f"{first['map'][0] + 1} ({first['href']})",
                               "links use the first definition, as CommonMark says; give one of them another label")

    def _front_matter(self, content: str) -> FrontMatter:
        data = yamlsrc.parse(content, self.path, self.diags, first_line=2)
        if data is None:
            return FrontMatter()
        if not isinstance(data, dict):
            self.diags.error(Location(self.path, 2), "front matter must be a mapping of keys to values",
                             "e.g. title: Error handling")
            return FrontMatter()
        front = yamlsrc.validate(FrontMatter, data, self.path, self.diags, 2, "front matter") or FrontMatter()
        if front.handbook_only and front.slides_only:
            self.diags.error(yamlsrc.locate(data, ("slides_only",), self.path, 2),
                             "a chapter cannot be both handbook_only and slides_only", "keep one of them")
        return front

    def children(self, nodes) -> list[Item]:
        """Return block nodes as items, each through its reader; a construct without one is an error."""
        out: list[Item] = []
        nodes = list(nodes)
        i = 0
        while i < len(nodes):
            node = nodes[i]
            if _details(node) == 1:  # mdBook's speaker notes: <details> … </details> around Markdown
                inner, closed = _details_inner(node.content)
                end = i if closed else self._details_end(nodes, i)
                first = self._html_text(node, inner) if inner.strip() else []
                blocks = (*first, *self._notes_blocks(nodes[i + 1:end]))
                out.append(NotesItem(blocks, self.loc(node, "<")))  # type: ignore[arg-type]
                i = end + 1
                continue
            handler = self.readers.get(node.type)
            if handler is None:  # a markdown-it construct we have not mapped: say so, never drop it
                self.diags.error(self.loc(node), f"unsupported Markdown construct '{node.type}'")
            else:
                out.extend(handler(node))
            i += 1
        return out

    def _details_end(self, nodes: list, start: int) -> int:
        """Return the index of the `</details>` closing the `<details>` at `start` (len(nodes) if none).

        As in a browser, a `<details>` never closed runs to the end of the page (or of the block holding it).
        """
        depth = 0
        for j in range(start, len(nodes)):
            depth += _details(nodes[j])
            if depth == 0:
                return j
        self.diags.warning(self.loc(nodes[start], "<"), "<details> is never closed: the notes run to the end",
                           "end the speaker notes with a line </details>")
        return len(nodes)

    def _notes_blocks(self, nodes) -> tuple[m.Block, ...]:
        """Return the blocks inside `<details>`; a `<details>` nested in it (often a mistyped
        `</details>`) adds its blocks to the same notes."""
        out: list[m.Block] = []
        for item in self.children(nodes):
            if isinstance(item, NotesItem):
                out.extend(item.blocks)
            elif isinstance(item, HeadingItem):
                out.append(m.Heading(item.level, item.title, item.anchor, item.loc))
            elif isinstance(item, BreakItem):
                self.diags.error(item.loc, "a slide break (---) is not allowed inside <details>",
                                 "move it after </details>")
            else:
                out.append(item)
        return tuple(out)

    def nested(self, nodes, where: str, headings: bool = False) -> tuple[m.Block, ...]:
        """Return nested content as blocks; slide breaks and notes are not allowed there, nor headings
        unless `headings` (speaker notes and `::: handbook` may have their own)."""
        out: list[m.Block] = []
        for item in self.children(nodes):
            if isinstance(item, HeadingItem) and headings:
                out.append(m.Heading(item.level, item.title, item.anchor, item.loc))  # anchor made with the slides
                continue
            if isinstance(item, (HeadingItem, BreakItem, NotesItem, m.Exercise)):
                kind = {HeadingItem: "a heading", BreakItem: "a slide break (---)", NotesItem: "::: notes",
                        m.Exercise: "::: exercise"}[type(item)]
                self.diags.error(item.loc, f"{kind} is not allowed inside {where}",
                                 "move it to the top level of the chapter")
                continue
            out.append(item)
        return tuple(out)

    def loc(self, node: SyntaxTreeNode, needle: str = "") -> Location:
        """Return where `node` starts: its first line, at `needle` in it or its first non-blank column."""
        line = node.map[0] if node.map else 0
        col = self.lines[line].find(needle) if needle and line < len(self.lines) else -1
        return Location(self.path, line + 1, col + 1) if col >= 0 else line_start(self.path, self.lines, line)

    def cursor(self, node: SyntaxTreeNode) -> Cursor:
        """Return a cursor over the source lines of `node`, to find its inline constructs."""
        first, last = node.map if node.map else (0, 1)
        return Cursor(self.path, self.lines, first, last)

    # --- blocks -------------------------------------------------------------------------------

    def _paragraph(self, node: SyntaxTreeNode) -> list[Item]:
        inline = node.children[0]
        loc = self.loc(node)
        kids = [c for c in inline.children if not (c.type == "text" and not c.content.strip())
                and c.type not in ("softbreak", "hardbreak")]
        if len(kids) == 1 and kids[0].type == "image":
            image = inlines.image(self, kids[0], self.cursor(node).find("!["))
            return [image] if image else []
        if [k.content for k in kids] == [". . ."]:  # pandoc's pause between builds of a slide: no meaning here
            return []
        if any(c.type == "math_inline_double" for c in inline.children):
            return self._split_display_math(inline.children, self.cursor(node), loc)
        return self._paragraph_of(inline.children, self.cursor(node), loc)

    def _paragraph_of(self, nodes, cursor: Cursor, loc: Location) -> list[Item]:
        """Return inline content as a paragraph, or as an image when it is one `<img>` alone."""
        kids = [c for c in nodes if not (c.type == "text" and not c.content.strip())
                and c.type not in ("softbreak", "hardbreak")
                and not (c.type == "html_inline" and not inlinehtml.without_comments(c.content).strip())]
        found = inlinehtml.tag(kids[0].content) if len(kids) == 1 and kids[0].type == "html_inline" else None
        if found is not None and found.name == "img" and not found.end:
            image = inlines.html_image(self, found, cursor.find("<img", "<"))
            return [image] if image else []
        children = read_inlines(self, nodes, cursor)
        directive = re.search(r"\{\{\s*[#%][^}]*\}\}", m.plain(children))
        if directive:  # mdBook preprocessors run on the whole page; here they work inside code blocks
            self.diags.warning(cursor.find(directive.group(0)), f"mdBook directive '{directive.group(0)}' is shown as text",
                               "deckbook reads {{#include}} inside code blocks; copy the text here instead")
        return [m.Paragraph(children, loc)] if children else []

    def _split_display_math(self, nodes, cursor: Cursor, loc: Location) -> list[Item]:
        """Return a paragraph holding `$$…$$` as the text before it, the display math, and the text after."""
        out: list[Item] = []
        run: list = []
        for node in [*nodes, None]:
            if node is not None and node.type != "math_inline_double":
                run.append(node)
                continue
            out += [item for item in self._paragraph_of(run, cursor, loc)
                    if not isinstance(item, m.Paragraph) or m.plain(item.children).strip()]
            run = []
            if node is not None:
                where = cursor.find("$$")
                out += self._math(node.content, where, display=True)
        return out

    def _math_block(self, node: SyntaxTreeNode) -> list[Item]:
        return self._math(node.content, self.loc(node, "$$"), display=True)

    def _math(self, tex: str, loc: Location, display: bool) -> list[Item]:
        tex = tex.strip()
        problem = mathtex.problem(tex, display)
        if problem:
            self.diags.error(loc, f"invalid math: {problem}", "check the TeX; write \\$ for a dollar sign that is not math")
            return []
        return [m.MathBlock(tex, loc)]

    def _heading(self, node: SyntaxTreeNode) -> list[Item]:
        level = int(node.tag[1])
        loc = self.loc(node)
        title = read_inlines(self, node.children[0].children, self.cursor(node))
        title, attrs = attributes.heading(title, loc, self.diags)
        if not m.plain(title).strip():
            self.diags.error(loc, "empty heading", "write a title after the #")
        minutes = attributes.minutes(attrs["minutes"], loc, self.diags) if "minutes" in attrs else None
        rule = None
        if node.markup == "-" and node.map:  # a setext heading: its text, then a line of dashes
            rule = line_start(self.path, self.lines, node.map[1] - 1)
        return [HeadingItem(level, title, loc, attrs.get("#", ""), attrs.get("layout", ""), minutes, rule)]

    def _list(self, node: SyntaxTreeNode) -> list[Item]:
        loc = self.loc(node)
        items = tuple(self._list_item(item) for item in node.children)
        start = int(node.attrs.get("start", 1)) if node.type == "ordered_list" else 1
        return [m.BulletList(items, node.type == "ordered_list", start, loc)]

    def _list_item(self, item: SyntaxTreeNode) -> m.ListItem:
        blocks = self.nested(item.children, "a list")
        if "task-list-item" not in str(item.attrs.get("class", "")):
            return m.ListItem(blocks)
        # A task (`- [x] done`): the plugin put a checkbox tag before the text, which `inlines.read` skips.
        box = next((n for n in item.walk() if n.type == "html_inline"), None)
        if box is None or not blocks:
            return m.ListItem(blocks)
        first = blocks[0]
        if isinstance(first, m.Paragraph) and first.children and isinstance(first.children[0], m.Text):
            text = m.Text(first.children[0].text.lstrip())
            first = replace(first, children=(text, *first.children[1:]) if text.text else first.children[1:])
        return m.ListItem((first, *blocks[1:]), checked='checked="checked"' in box.content)

    def _definitions(self, node: SyntaxTreeNode) -> list[Item]:
        items: list[m.Definition] = []
        for child in node.children:
            if child.type == "dt":
                items.append(m.Definition(read_inlines(self, child.children[0].children, self.cursor(child)), ()))
            elif items:
                definition = self.nested(child.children, "a definition list")
                items[-1] = replace(items[-1], definitions=(*items[-1].definitions, definition))
        return [m.DefinitionList(tuple(items), self.loc(node))]

    def _read_footnotes(self, nodes) -> None:
        """Read the footnotes' texts (markdown-it puts them at the end) before the text that refers to them."""
        for block in (n for n in nodes if n.type == "footnote_block"):
            for note in block.children:
                parts: list[m.Inline] = []
                for item in self.nested(note.children, "a footnote"):
                    if not isinstance(item, m.Paragraph):
                        self.diags.warning(getattr(item, "loc", Location(self.path)),
                                           "only the text of a footnote is shown", "keep footnotes to a paragraph")
                        continue
                    parts += [*((m.LineBreak(),) if parts else ()), *item.children]
                self.footnotes[note.meta["id"]] = tuple(parts)

    def _blockquote(self, node: SyntaxTreeNode) -> list[Item]:
        return [m.BlockQuote(self.nested(node.children, "a quotation"), self.loc(node))]

    def _table(self, node: SyntaxTreeNode) -> list[Item]:
        loc = self.loc(node)
        header: tuple = ()
        rows: list[tuple] = []
        align: tuple[str, ...] = ()
        cursor = self.cursor(node)
        for part in node.children:
            for tr in part.children:
                cells = tuple(read_inlines(self, c.children[0].children if c.children else [], cursor)
                              for c in tr.children)
                if part.type == "thead":
                    header = cells
                    align = tuple(_align(c.attrs.get("style", "")) for c in tr.children)
                else:
                    rows.append(cells)
        return [m.Table(header, tuple(rows), align, loc)]

    def _html(self, node: SyntaxTreeNode) -> list[Item]:
        """Return an HTML block: comments dropped, the inline tags authors use read as a paragraph."""
        if not inlinehtml.without_comments(node.content).strip():
            return []  # licence headers, Marp directives, notes kept out of the output
        if _details(node) < 0:
            self.diags.warning(self.loc(node, "<"), "</details> closes no <details>: ignored", "remove it")
            return []
        found, _ = inlinehtml.tags(inlinehtml.without_comments(node.content))
        first = found[0] if found else None
        if first is not None and first.name in inlinehtml.ELEMENTS and first.name not in inlinehtml.ALLOWED:
            # A block of HTML (a <table>, a <div>, a <style>): one error for the block, not one per tag
            self.diags.error(self.loc(node, "<"), f"HTML tag <{first.name}> is not allowed", inlines.HTML_HINT)
            return []
        return self._html_text(node, node.content)

    def _html_text(self, node: SyntaxTreeNode, html: str) -> list[Item]:
        inline = SyntaxTreeNode(_MD.parseInline(html.strip("\n"))).children[0]
        return self._paragraph_of(inline.children, self.cursor(node), self.loc(node, "<"))

    def _too_deep(self, node: SyntaxTreeNode) -> list[Item]:
        # One report per chapter: every line below the limit would repeat it.
        if not self.too_deep_reported:
            self.too_deep_reported = True
            self.diags.error(self.loc(node), f"nested more than {mdrules.MAX_DEPTH} levels deep",
                             "flatten the lists, quotations or ::: blocks; the content below this level is not read")
        return []

    def _scan_placeholders(self, tokens) -> None:
        """Report placeholders in prose, untyped code and structured blocks (typed code may use brackets)."""
        skip: set[int] = set()
        for tok in tokens:
            if tok.type == "fence" and tok.map:
                language = tok.info.strip().split(" ")[0].split(",")[0].lower()
                if language not in (*fences.PLAIN_LANGUAGES, *structured.STRUCTURED):
                    skip.update(range(tok.map[0], tok.map[1]))
        for i, line in enumerate(self.lines):
            if i not in skip:
                placeholders.scan(line, self.path, i + 1, self.diags)


def _rules_before_headings(items: list[Item]) -> list[Item]:
    """Return `items` where text over a `---` line that directly precedes a heading is text and a slide break.

    CommonMark reads `text` then `---` as a heading, but a heading directly followed by a heading of
    its level or above has nothing under it: authors of slides (`## A`, `text`, `---`, `## B`) meant a
    paragraph and a new slide.
    """
    out: list[Item] = []
    for i, item in enumerate(items):
        following = items[i + 1] if i + 1 < len(items) else None
        if isinstance(item, HeadingItem) and item.rule is not None and \
                isinstance(following, HeadingItem) and following.level <= item.level:
            out += [m.Paragraph(item.title, item.loc), BreakItem(item.rule)]
        else:
            out.append(item)
    return out


def _details(node: SyntaxTreeNode) -> int:
    """Return 1 for an HTML block opening `<details>`, -1 for one closing it, else 0."""
    if node.type != "html_block":
        return 0
    html = inlinehtml.without_comments(node.content).strip().lower()
    return 1 if re.match(r"<details[\s>]", html) else -1 if html.startswith("</details") else 0


def _details_inner(html: str) -> tuple[str, bool]:
    """Return what an HTML block opening `<details>` holds after it and its `<summary>`, and whether
    it also closes it (`<details><summary>Notes</summary>Say this.</details>` on one line)."""
    rest = re.sub(r"^\s*<details[^>]*>\s*(<summary[^>]*>.*?</summary>)?", "",
                  inlinehtml.without_comments(html), flags=re.S | re.I)
    end = re.search(r"</details\s*>", rest, re.I)
    return (rest[:end.start()], True) if end else (rest, False)


def _align(style: str) -> str:
    match = re.search(r"text-align:(\w+)", style)
    return match.group(1) if match else ""

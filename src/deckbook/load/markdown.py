"""One chapter file → a flat list of headings, slide breaks and blocks (markdown-it-py does the parsing).

The slide structure is decided afterwards, over the whole course (pandoc's slide-level rule), in
`structure.py`; here each Markdown construct becomes a model block with its file:line.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Callable
from urllib.parse import unquote

from markdown_it import MarkdownIt
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.deflist import deflist_plugin
from mdit_py_plugins.dollarmath import dollarmath_plugin
from mdit_py_plugins.footnote import footnote_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from mdit_py_plugins.tasklists import tasklists_plugin
from pydantic import BaseModel, ConfigDict, Field, StrictBool, StrictInt, field_validator

from .. import highlight, model as m, yamlsrc
from ..render.common import mathtex
from ..errors import Diagnostics, Location
from . import includes, inlinehtml, mdrules, placeholders

CALLOUTS = ("tip", "note", "warning")
DIVS = ("notes", "handbook", "slides", "columns", "column", "exercise", "solution", *CALLOUTS)
STRUCTURED = ("decision-tree", "metrics")
CODE_ATTRS = ("title", "hl_lines", "linenums", "include", "anchor")
PLAIN_LANGUAGES = ("", "text", "plain", "plaintext", "txt")
RUST = ("rust", "rs")
PLAYGROUND_ONLY = ("noplayground", "mdbook-runnable", "test_harness", "allow_fail", "warnreport")
"""Info-string attributes that only steer mdBook's playground or rustdoc's test runner: nothing to show."""
_ATTR = re.compile(r'([A-Za-z_][\w-]*)=(?:"([^"]*)"|\'([^\']*)\'|(\S+))')
TAB_SIZE = 4
MAX_INLINE_DEPTH = 20
"""Emphasis, links and strike-through inside each other; markdown-it does not limit this nesting."""
MAX_MINUTES = 24 * 60
"""The longest `minutes=` a heading or an exercise may take: a day."""
MAX_TREE_DEPTH = 12
"""Questions from the root to the deepest answer; deeper trees cannot be drawn legibly."""


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
_HEADING_ATTRS = re.compile(r"\s*\{([^{}]*)\}\s*$")
_HEADING_ATTR = re.compile(r'#(?P<id>[\w-]+)|(?P<key>[\w-]+)=(?:"(?P<value>[^"]*)"|(?P<bare>\S+))|\S+')


@dataclass(frozen=True)
class HeadingItem:
    level: int
    title: m.Inlines
    loc: Location
    anchor: str = ""  # `{#id}`: an anchor chosen by the author
    layout: str = ""  # `{layout="Two Content"}`: the deck template's layout for this slide
    minutes: int | None = None  # `{minutes=10}`: the teaching time of the slide or section
    rule: Location | None = None  # where the `---` under a setext heading is (see `_rules_before_headings`)


@dataclass(frozen=True)
class BreakItem:
    loc: Location


@dataclass(frozen=True)
class NotesItem:
    blocks: tuple[m.Block, ...]
    loc: Location


Item = HeadingItem | BreakItem | NotesItem | m.Block


class FrontMatter(BaseModel):
    """A chapter's YAML front matter."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    title: str | None = None
    notes: str | None = None
    handbook_only: StrictBool = False
    slides_only: StrictBool = False
    minutes: StrictInt | None = Field(None, gt=0, le=MAX_MINUTES)
    """The teaching time of the whole chapter; default: its sections' and slides' minutes added up."""
    objectives: list[str] = []
    """What attendees can do after the chapter, one sentence each (inline Markdown)."""


@dataclass
class ParsedChapter:
    path: Path
    front: FrontMatter
    items: list[Item]
    links: list[tuple[str, Location]] = field(default_factory=list)
    objectives: tuple[m.Inlines, ...] = ()


class _Cursor:
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
        line = self.lines[self.first] if self.first < len(self.lines) else ""
        return Location(self.path, self.first + 1, len(line) - len(line.lstrip()) + 1)

    def _search(self, needle: str, start: tuple[int, int]) -> tuple[int, int] | None:
        line, col = start
        while line < min(self.last, len(self.lines)):
            hit = self.lines[line].find(needle, col)
            if hit >= 0:
                return line, hit
            line, col = line + 1, 0
        return None


class _DecisionNode(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str | None = None
    answer: str | None = None
    yes: "_DecisionNode | None" = None
    no: "_DecisionNode | None" = None


class _DecisionSpec(_DecisionNode):
    title: str = ""


MAX_METRIC = 1e15
"""The largest magnitude of a metric value: differences, ratios and chart scales stay finite and exact enough."""


class _MetricRowSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    before: float = Field(allow_inf_nan=False, gt=0, le=MAX_METRIC)
    """Greater than 0: every row shows its change relative to it."""
    after: float = Field(allow_inf_nan=False, ge=-MAX_METRIC, le=MAX_METRIC)

    @field_validator("before", "after", mode="before")
    @classmethod
    def _not_bool(cls, value):
        if isinstance(value, bool):  # pydantic reads true as 1.0
            raise ValueError("a measured number, not true/false")
        return value


class _MetricsSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = ""
    unit: str = ""
    lower_is_better: StrictBool
    before_label: str = "Before"
    after_label: str = "After"
    caption: str = ""
    rows: list[_MetricRowSpec] = Field(min_length=1)


class ChapterParser:
    """Turns one chapter's Markdown into items, reporting every problem into `diags`."""

    def __init__(self, root: Path, path: Path, text: str, diags: Diagnostics, sources: set[Path]):
        self.root = root
        self.path = path
        self.text = text
        self.lines = text.split("\n")
        self._scanned: set[Path] = set()  # included files already scanned for placeholders
        self.diags = diags
        self.sources = sources
        self.links: list[tuple[str, Location]] = []
        self.blocks: dict[str, Callable[[SyntaxTreeNode], list[Item]]] = {
            "paragraph": self._paragraph,
            "heading": self._heading,
            "hr": lambda n: [BreakItem(self._loc(n))],
            "bullet_list": self._list,
            "ordered_list": self._list,
            "fence": self._fence,
            "code_block": self._indented_code,
            "table": self._table,
            "blockquote": self._blockquote,
            "div": self._div,
            "div_stray_close": self._stray_close,
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
        self._flatten_deep_inlines(tokens)
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
        items = _rules_before_headings(self._children(root.children))
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
        return self._inlines(children, _Cursor(self.path, self.lines, 1, last))

    def _duplicate_references(self, env: dict) -> None:
        """Warn about a link reference defined twice (pages joined into one chapter often repeat `[1]:`)."""
        for dup in env.get("duplicate_refs", []):
            first = env["references"][dup["label"]]
            line = dup["map"][0]
            text = self.lines[line] if line < len(self.lines) else ""
            self.diags.warning(Location(self.path, line + 1, len(text) - len(text.lstrip()) + 1),
                               f"link reference [{dup['label']}] is defined twice: here ({dup['href']}) and on line "
                               f"{first['map'][0] + 1} ({first['href']})",
                               "links use the first definition, as CommonMark says; give one of them another label")

    def _flatten_deep_inlines(self, tokens) -> None:
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
                line = token.map[0] if token.map else 0
                text = self.lines[line] if line < len(self.lines) else ""
                where = Location(self.path, line + 1, len(text) - len(text.lstrip()) + 1)
                self.diags.error(where, f"inline formatting nested more than "
                                 f"{MAX_INLINE_DEPTH} levels deep", "shown as plain text; simplify the emphasis")
                token.children = [Token("text", "", 0, content=token.content)]

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

    def _children(self, nodes) -> list[Item]:
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
                out.append(NotesItem(blocks, self._loc(node, "<")))  # type: ignore[arg-type]
                i = end + 1
                continue
            handler = self.blocks.get(node.type)
            if handler is None:  # a markdown-it construct we have not mapped: say so, never drop it
                self.diags.error(self._loc(node), f"unsupported Markdown construct '{node.type}'")
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
        self.diags.warning(self._loc(nodes[start], "<"), "<details> is never closed: the notes run to the end",
                           "end the speaker notes with a line </details>")
        return len(nodes)

    def _notes_blocks(self, nodes) -> tuple[m.Block, ...]:
        """Return the blocks inside `<details>`; a `<details>` nested in it (often a mistyped
        `</details>`) adds its blocks to the same notes."""
        out: list[m.Block] = []
        for item in self._children(nodes):
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

    def _blocks(self, nodes, where: str, headings: bool = False) -> tuple[m.Block, ...]:
        """Return nested content as blocks; slide breaks and notes are not allowed there, nor headings
        unless `headings` (speaker notes and `::: handbook` may have their own)."""
        out: list[m.Block] = []
        for item in self._children(nodes):
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

    def _loc(self, node: SyntaxTreeNode, needle: str = "") -> Location:
        """Return where `node` starts: its first line, at `needle` in it or its first non-blank column."""
        line = node.map[0] if node.map else 0
        text = self.lines[line] if line < len(self.lines) else ""
        col = text.find(needle) if needle else -1
        if col < 0:
            col = len(text) - len(text.lstrip())
        return Location(self.path, line + 1, col + 1)

    def _cursor(self, node: SyntaxTreeNode) -> _Cursor:
        first, last = node.map if node.map else (0, 1)
        return _Cursor(self.path, self.lines, first, last)

    # --- blocks -------------------------------------------------------------------------------

    def _paragraph(self, node: SyntaxTreeNode) -> list[Item]:
        inline = node.children[0]
        loc = self._loc(node)
        kids = [c for c in inline.children if not (c.type == "text" and not c.content.strip())
                and c.type not in ("softbreak", "hardbreak")]
        if len(kids) == 1 and kids[0].type == "image":
            image = self._image(kids[0], self._cursor(node).find("!["))
            return [image] if image else []
        if [k.content for k in kids] == [". . ."]:  # pandoc's pause between builds of a slide: no meaning here
            return []
        if any(c.type == "math_inline_double" for c in inline.children):
            return self._split_display_math(inline.children, self._cursor(node), loc)
        return self._paragraph_of(inline.children, self._cursor(node), loc)

    def _paragraph_of(self, nodes, cursor: _Cursor, loc: Location) -> list[Item]:
        """Return inline content as a paragraph, or as an image when it is one `<img>` alone."""
        kids = [c for c in nodes if not (c.type == "text" and not c.content.strip())
                and c.type not in ("softbreak", "hardbreak")
                and not (c.type == "html_inline" and not inlinehtml.without_comments(c.content).strip())]
        found = inlinehtml.tag(kids[0].content) if len(kids) == 1 and kids[0].type == "html_inline" else None
        if found is not None and found.name == "img" and not found.end:
            image = self._html_image(found, cursor.find("<img", "<"))
            return [image] if image else []
        children = self._inlines(nodes, cursor)
        directive = re.search(r"\{\{\s*[#%][^}]*\}\}", m.plain(children))
        if directive:  # mdBook preprocessors run on the whole page; here they work inside code blocks
            self.diags.warning(cursor.find(directive.group(0)), f"mdBook directive '{directive.group(0)}' is shown as text",
                               "deckbook reads {{#include}} inside code blocks; copy the text here instead")
        return [m.Paragraph(children, loc)] if children else []

    def _split_display_math(self, nodes, cursor: _Cursor, loc: Location) -> list[Item]:
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
        return self._math(node.content, self._loc(node, "$$"), display=True)

    def _math(self, tex: str, loc: Location, display: bool) -> list[Item]:
        tex = tex.strip()
        problem = mathtex.problem(tex, display)
        if problem:
            self.diags.error(loc, f"invalid math: {problem}", "check the TeX; write \\$ for a dollar sign that is not math")
            return []
        return [m.MathBlock(tex, loc)]

    def _heading(self, node: SyntaxTreeNode) -> list[Item]:
        level = int(node.tag[1])
        loc = self._loc(node)
        title = self._inlines(node.children[0].children, self._cursor(node))
        title, attrs = self._heading_attrs(title, loc)
        if not m.plain(title).strip():
            self.diags.error(loc, "empty heading", "write a title after the #")
        minutes = self._minutes(attrs["minutes"], loc) if "minutes" in attrs else None
        rule = None
        if node.markup == "-" and node.map:  # a setext heading: its text, then a line of dashes
            rule = Location(self.path, node.map[1], len(self.lines[node.map[1] - 1]) -
                            len(self.lines[node.map[1] - 1].lstrip()) + 1)
        return [HeadingItem(level, title, loc, attrs.get("#", ""), attrs.get("layout", ""), minutes, rule)]

    def _minutes(self, value: str, loc: Location) -> int | None:
        """Return `minutes=` as a whole number of minutes, or None (reported) when it is not one."""
        if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_MINUTES:
            return int(value)
        self.diags.error(loc, f"minutes={value!r} is not a number of minutes",
                         f"write a whole number from 1 to {MAX_MINUTES}, e.g. {{minutes=10}}")
        return None

    def _heading_attrs(self, title: m.Inlines, loc: Location) -> tuple[m.Inlines, dict[str, str]]:
        """Split pandoc-style attributes off a heading: `## Title {#anchor layout="Two Content"}`."""
        last = title[-1] if title else None
        match = _HEADING_ATTRS.search(last.text) if isinstance(last, m.Text) else None
        if match is None:
            return title, {}
        attrs: dict[str, str] = {}
        for token in _HEADING_ATTR.finditer(match.group(1)):
            if token.group("id"):
                attrs["#"] = token.group("id")
            elif token.group("key") in ("layout", "minutes"):
                attrs[token.group("key")] = token.group("value") or token.group("bare") or ""
            else:
                self.diags.error(loc, f"unknown heading attribute '{token.group(0)}'",
                                 'headings take {#anchor}, {layout="Layout name"} and {minutes=10}')
        rest = last.text[:match.start()].rstrip()
        return (*title[:-1], *((m.Text(rest),) if rest else ())), attrs

    def _list(self, node: SyntaxTreeNode) -> list[Item]:
        loc = self._loc(node)
        items = tuple(self._list_item(item) for item in node.children)
        start = int(node.attrs.get("start", 1)) if node.type == "ordered_list" else 1
        return [m.BulletList(items, node.type == "ordered_list", start, loc)]

    def _list_item(self, item: SyntaxTreeNode) -> m.ListItem:
        blocks = self._blocks(item.children, "a list")
        if "task-list-item" not in str(item.attrs.get("class", "")):
            return m.ListItem(blocks)
        # A task (`- [x] done`): the plugin put a checkbox tag before the text, which `_inlines` skips.
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
                items.append(m.Definition(self._inlines(child.children[0].children, self._cursor(child)), ()))
            elif items:
                definition = self._blocks(child.children, "a definition list")
                items[-1] = replace(items[-1], definitions=(*items[-1].definitions, definition))
        return [m.DefinitionList(tuple(items), self._loc(node))]

    def _read_footnotes(self, nodes) -> None:
        """Read the footnotes' texts (markdown-it puts them at the end) before the text that refers to them."""
        for block in (n for n in nodes if n.type == "footnote_block"):
            for note in block.children:
                parts: list[m.Inline] = []
                for item in self._blocks(note.children, "a footnote"):
                    if not isinstance(item, m.Paragraph):
                        self.diags.warning(getattr(item, "loc", Location(self.path)),
                                           "only the text of a footnote is shown", "keep footnotes to a paragraph")
                        continue
                    parts += [*((m.LineBreak(),) if parts else ()), *item.children]
                self.footnotes[note.meta["id"]] = tuple(parts)

    def _blockquote(self, node: SyntaxTreeNode) -> list[Item]:
        return [m.BlockQuote(self._blocks(node.children, "a quotation"), self._loc(node))]

    def _table(self, node: SyntaxTreeNode) -> list[Item]:
        loc = self._loc(node)
        header: tuple = ()
        rows: list[tuple] = []
        align: tuple[str, ...] = ()
        cursor = self._cursor(node)
        for part in node.children:
            for tr in part.children:
                cells = tuple(self._inlines(c.children[0].children if c.children else [], cursor)
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
            self.diags.warning(self._loc(node, "<"), "</details> closes no <details>: ignored", "remove it")
            return []
        found, _ = inlinehtml.tags(inlinehtml.without_comments(node.content))
        first = found[0] if found else None
        if first is not None and first.name in inlinehtml.ELEMENTS and first.name not in inlinehtml.ALLOWED:
            # A block of HTML (a <table>, a <div>, a <style>): one error for the block, not one per tag
            self.diags.error(self._loc(node, "<"), f"HTML tag <{first.name}> is not allowed", _HTML_HINT)
            return []
        return self._html_text(node, node.content)

    def _html_text(self, node: SyntaxTreeNode, html: str) -> list[Item]:
        inline = SyntaxTreeNode(_MD.parseInline(html.strip("\n"))).children[0]
        return self._paragraph_of(inline.children, self._cursor(node), self._loc(node, "<"))

    def _indented_code(self, node: SyntaxTreeNode) -> list[Item]:
        loc = self._loc(node)
        return [m.CodeBlock(_expand_tabs(node.content.rstrip("\n")), "", "", frozenset(), None, None, loc)]

    def _too_deep(self, node: SyntaxTreeNode) -> list[Item]:
        # One report per chapter: every line below the limit would repeat it.
        if not self.too_deep_reported:
            self.too_deep_reported = True
            self.diags.error(self._loc(node), f"nested more than {mdrules.MAX_DEPTH} levels deep",
                             "flatten the lists, quotations or ::: blocks; the content below this level is not read")
        return []

    # --- fenced code and structured blocks ----------------------------------------------------

    def _fence(self, node: SyntaxTreeNode) -> list[Item]:
        loc = self._loc(node, node.markup)
        info = node.info.strip()
        word, _, rest = info.partition(" ")
        language, flags = self._info_flags(word, node)
        attrs = self._attrs(rest, node)
        if not _fence_closed(node):
            self.diags.error(loc, f"code block opened with {node.markup} is never closed",
                             f"end it with a line of {node.markup}")
        body = node.content
        source = None
        if "include" in attrs:
            if body.strip():
                self.diags.error(loc, "a code block with include= must be empty", "remove its lines or the include")
            source = includes.resolve(self.root, attrs["include"], self._loc(node, "include="), self.diags, "include")
            if source is None:
                return []
            self.sources.add(source)
            text = includes.read_text(source, self.diags)
            if text is None:
                return []
            if language in (*PLAIN_LANGUAGES, *STRUCTURED) and source not in self._scanned:
                # Text and data files are content: a template placeholder in them is one in the course.
                # (Typed code may use brackets, as in the chapters.)
                self._scanned.add(source)
                for number, line in enumerate(text.split("\n"), 1):
                    placeholders.scan(line, source, number, self.diags)
            body = includes.region(text, attrs.get("anchor"), source, self._loc(node, "anchor="), self.diags)
            if body is None:
                return []
        elif "anchor" in attrs:
            self.diags.error(self._loc(node, "anchor="), "anchor= needs include=", "name the file the anchor is in")
        elif "{{" in body:  # mdBook's {{#include file:anchor}} among the block's own lines
            first = Location(self.path, loc.line + 1, 1 + len(self.lines[loc.line]) - len(self.lines[loc.line].lstrip())
                             if loc.line < len(self.lines) else 1)
            body = includes.mdbook_includes(body, self.path, self.root, first, self.diags, self.sources)
            if body is None:
                return []
        body = body.removesuffix("\n")
        if language in STRUCTURED:
            if source is not None:
                return self._structured(language, body, source, 1, loc)
            errors_before = len(self.diags.items)
            items = self._structured(language, body, self.path, loc.line + 1, loc)
            self._shift_columns(errors_before, node)
            return items
        # Tabs in code become spaces at stops of 4 here, once, so the deck, the handbook and the overflow
        # measure see the same columns (Pygments would expand them only for known languages). Lines are
        # not added or removed, so hl_lines still count the same lines; diagnostic columns are taken from
        # the source lines, before expansion, so they match the user's editor. No warning: tabs in code
        # (Go, Makefiles) are normal. Tabs in prose are left to Markdown, which treats them as spaces.
        body = _expand_tabs(body)
        if language in PLAIN_LANGUAGES:
            language = ""
        elif not highlight.has_language(language):
            self.diags.warning(self._loc(node, info.split(" ")[0]),
                               f"unknown code language '{language}'",
                               "shown as plain text; use a Pygments lexer name such as rust, toml, bash, json")
            language = ""
        program = ""
        if language in RUST:
            body, program = hide_rust_lines(body)
        hl_lines = self._hl_lines(attrs.get("hl_lines", ""), body.count("\n") + 1, self._loc(node, "hl_lines="))
        linenums = self._linenums(attrs.get("linenums"), self._loc(node, "linenums="))
        return [m.CodeBlock(body, language, attrs.get("title", ""), hl_lines, linenums, source, loc,
                            flags, program)]

    def _info_flags(self, word: str, node: SyntaxTreeNode) -> tuple[str, frozenset[str]]:
        """Return the language and the mdBook/rustdoc attributes of an info string's first word.

        As mdBook and rustdoc read it: the language is the first comma-separated token
        (```` ```rust,editable,compile_fail ````); the others are attributes.
        """
        language, *tokens = word.split(",")
        flags = set()
        for token in (t.strip() for t in tokens):
            if token in m.CODE_ATTRIBUTES or re.fullmatch(r"E\d{4}", token):  # rustdoc: compile_fail,E0382
                flags.add(token)
            elif token and token not in PLAYGROUND_ONLY and not re.fullmatch(r"edition\d{4}", token):
                self.diags.warning(self._loc(node, token), f"unknown code block attribute '{token}' is ignored",
                                   f"deckbook reads {', '.join(m.CODE_ATTRIBUTES)}")
        return language.strip().lower(), frozenset(flags)

    def _shift_columns(self, since: int, node: SyntaxTreeNode) -> None:
        """Move columns of diagnostics about a fence's body by the indentation markdown-it removed.

        A fence inside a list item or a quotation has its body dedented (and '> ' dropped); YAML
        columns count in that body, the user counts in the file.
        """
        first = node.map[0] if node.map else 0
        body = node.content.split("\n")
        for i in range(since, len(self.diags.items)):
            d = self.diags.items[i]
            index = d.location.line - 1  # in the file; the body starts on the line after the fence
            if d.location.path != self.path or not 0 <= index - first - 1 < len(body) or index >= len(self.lines):
                continue
            body_line, source_line = body[index - first - 1], self.lines[index]
            if body_line and body_line != source_line and source_line.endswith(body_line):
                col = d.location.col + len(source_line) - len(body_line)
                self.diags.items[i] = replace(d, location=Location(d.location.path, d.location.line, col))

    def _attrs(self, text: str, node: SyntaxTreeNode) -> dict[str, str]:
        attrs: dict[str, str] = {}
        rest = text.strip().strip("{}").strip()
        pos = 0
        for match in _ATTR.finditer(rest):
            if rest[pos:match.start()].strip():
                break
            pos = match.end()
            key = match.group(1)
            value = next(g for g in match.groups()[1:] if g is not None)
            if key not in CODE_ATTRS:
                close = difflib.get_close_matches(key, CODE_ATTRS, n=1)
                self.diags.error(self._loc(node, match.group(0)), f"unknown code block attribute '{key}'",
                                 f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(CODE_ATTRS)}")
                continue
            attrs[key] = value
        if rest[pos:].strip():
            self.diags.error(self._loc(node, rest[pos:].strip()),
                             f"cannot read code block attributes '{rest[pos:].strip()}'",
                             'write key="value" pairs, e.g. title="src/main.rs" hl_lines="3 5-7"')
        return attrs

    def _hl_lines(self, spec: str, count: int, loc: Location) -> frozenset[int]:
        lines: set[int] = set()
        for part in spec.replace(",", " ").split():
            match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
            if not match:
                self.diags.error(loc, f"hl_lines: cannot read '{part}'", 'write line numbers and ranges, e.g. "3 5-7"')
                continue
            lo, hi = int(match.group(1)), int(match.group(2) or match.group(1))
            if lo < 1 or hi > count or lo > hi:
                self.diags.error(loc, f"hl_lines: '{part}' is outside the block's {count} lines",
                                 "count from 1 at the block's first shown line")
                continue
            lines.update(range(lo, hi + 1))
        return frozenset(lines)

    def _linenums(self, value: str | None, loc: Location) -> int | None:
        if value is None or value.lower() in ("false", "no", "off"):
            return None
        if value.lower() in ("true", "yes", "on"):
            return 1
        if value.isdigit() and int(value) >= 0:
            return int(value)
        self.diags.error(loc, f"linenums: '{value}' is not a line number", 'write the first number, e.g. linenums="1"')
        return None

    def _structured(self, kind: str, body: str, path: Path, first_line: int, loc: Location) -> list[Item]:
        errors_before = len(self.diags.errors)
        data = yamlsrc.parse(body, path, self.diags, first_line)
        if data is None and len(self.diags.errors) > errors_before:
            return []
        if not isinstance(data, dict):
            self.diags.error(loc, f"a {kind} block holds a YAML mapping",
                             "key: value lines; see the content format in the README")
            return []
        if kind == "metrics":
            spec = yamlsrc.validate(_MetricsSpec, data, path, self.diags, first_line, "metrics")
            if spec is None:
                return []
            rows = tuple(m.MetricRow(r.name, r.before, r.after) for r in spec.rows)
            return [m.Metrics(spec.title, spec.unit, spec.lower_is_better, rows, spec.before_label,
                              spec.after_label, spec.caption, loc)]
        too_deep = _deeper_than(data, MAX_TREE_DEPTH)
        if too_deep is not None:
            self.diags.error(yamlsrc.locate(data, too_deep, path, first_line),
                             f"decision-tree deeper than {MAX_TREE_DEPTH} questions", "split it into several trees")
            return []
        spec = yamlsrc.validate(_DecisionSpec, data, path, self.diags, first_line, "decision-tree")
        if spec is None:
            return []
        root = self._decision(spec, (), data, path, first_line)
        return [m.DecisionTree(root, spec.title, loc)] if root is not None else []

    def _decision(self, node: _DecisionNode, keys: tuple, data, path: Path, first_line: int):
        where = ".".join(keys) or "top level"
        shape = "a node is either {answer: ...} or {question: ..., yes: ..., no: ...}"
        if node.answer is not None:
            extra = [k for k in ("question", "yes", "no") if getattr(node, k) is not None]
            if extra:
                self.diags.error(yamlsrc.locate(data, (*keys, extra[0]), path, first_line),
                                 f"decision-tree {where}: an answer cannot also have {', '.join(extra)}", shape)
                return None
            return m.Answer(node.answer)
        if node.question is None or node.yes is None or node.no is None:
            missing = [k for k in ("question", "yes", "no") if getattr(node, k) is None]
            self.diags.error(yamlsrc.locate(data, keys, path, first_line),
                             f"decision-tree {where}: missing {', '.join(missing)}", shape)
            return None
        yes = self._decision(node.yes, (*keys, "yes"), data, path, first_line)
        no = self._decision(node.no, (*keys, "no"), data, path, first_line)
        if yes is None or no is None:
            return None
        return m.Question(node.question, yes, no)

    # --- fenced divs --------------------------------------------------------------------------

    def _stray_close(self, node: SyntaxTreeNode) -> list[Item]:
        self.diags.error(self._loc(node), f"'{node.markup}' closes no open block",
                         "remove it, or open a block above it, e.g. '::: notes'")
        return []

    def _div(self, node: SyntaxTreeNode) -> list[Item]:
        loc = self._loc(node)
        name, title = _div_name(node)
        if not self._is_closed(node):
            self.diags.error(loc, f"'{node.markup} {name}' is never closed",
                             f"end it with a line of {node.markup}")
        if name not in DIVS:
            close_names = difflib.get_close_matches(name, DIVS, n=1)
            self.diags.error(loc, f"unknown block '::: {name}'",
                             f"did you mean '{close_names[0]}'?" if close_names else f"known blocks: {', '.join(DIVS)}")
            return []
        if name == "notes":
            return [NotesItem(self._blocks(node.children, "::: notes", headings=True), loc)]
        if name in ("handbook", "slides"):
            blocks = self._blocks(node.children, f"::: {name}", headings=name == "handbook")
            return [m.Only(name, blocks, loc)]  # type: ignore[arg-type]
        if name in CALLOUTS:
            return [m.Callout(name, title.strip(), self._blocks(node.children, f"::: {name}"), loc)]  # type: ignore[arg-type]
        if name == "exercise":
            return self._exercise(node, title, loc)
        if name == "solution":
            self.diags.error(loc, "'::: solution' outside '::: exercise'",
                             "put the solution inside the exercise it solves, before the exercise's closing :::")
            return []
        if name == "column":
            self.diags.error(loc, "'::: column' outside ':::: columns'",
                             "wrap the columns in ':::: columns' … '::::'")
            return []
        columns = []
        for child in node.children:
            child_name = _div_name(child)[0] if child.type == "div" else ""
            if child.type == "div" and child_name not in DIVS:
                self._children([child])  # reports the unknown block, with "did you mean"
                continue
            if child_name != "column":
                self.diags.error(self._loc(child), "only '::: column' blocks may stand inside ':::: columns'",
                                 "put this content inside a '::: column'")
                continue
            if not self._is_closed(child):
                self.diags.error(self._loc(child), f"'{child.markup} column' is never closed",
                                 f"end it with a line of {child.markup}")
            blocks = self._blocks(child.children, "::: column")
            for block in blocks:
                if isinstance(block, m.Columns):
                    self.diags.error(block.loc, "columns inside a column", "one level of columns fits a slide")
            columns.append(tuple(b for b in blocks if not isinstance(b, m.Columns)))
        if len(columns) < 2:
            self.diags.error(loc, f"':::: columns' holds {len(columns)} column(s)", "give it two or more '::: column' blocks")
        return [m.Columns(tuple(columns), loc)]

    def _exercise(self, node: SyntaxTreeNode, title: str, loc: Location) -> list[Item]:
        """Return a `::: exercise [title] {minutes=25}` with the one `::: solution` it holds."""
        minutes = None
        match = _HEADING_ATTRS.search(title)
        if match:
            for token in _HEADING_ATTR.finditer(match.group(1)):
                if token.group("key") == "minutes":
                    minutes = self._minutes(token.group("value") or token.group("bare") or "", loc)
                else:
                    self.diags.error(loc, f"unknown exercise attribute '{token.group(0)}'",
                                     "an exercise takes {minutes=25}")
            title = title[:match.start()].strip()
        task, solutions = [], []
        for child in node.children:
            if child.type == "div" and _div_name(child)[0] == "solution":
                if not self._is_closed(child):
                    self.diags.error(self._loc(child), f"'{child.markup} solution' is never closed",
                                     f"end it with a line of {child.markup}")
                solutions.append((child, self._blocks(child.children, "::: solution")))
            else:
                task.append(child)
        if not solutions:
            self.diags.error(loc, f"exercise{f' {title!r}' if title else ''} has no solution",
                             "add a '::: solution' block inside it: the trainer and the solutions handout need it")
        for extra, _ in solutions[1:]:
            self.diags.error(self._loc(extra), "a second '::: solution' in one exercise",
                             "merge the solutions into one block")
        blocks = self._blocks(task, "::: exercise")
        if not blocks:
            self.diags.error(loc, "the exercise states no task", "write the task inside '::: exercise', above the solution")
        solution = solutions[0][1] if solutions else ()
        if solutions and not solution:
            self.diags.error(self._loc(solutions[0][0]), "the solution is empty", "write the solution inside it")
        return [m.Exercise(title, minutes, blocks, solution, loc)]

    def _is_closed(self, node: SyntaxTreeNode) -> bool:
        closing = node.nester_tokens.closing
        return bool(closing.markup)

    # --- inlines ------------------------------------------------------------------------------

    def _inlines(self, nodes, cursor: _Cursor) -> m.Inlines:
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
                    self.diags.error(where, f"invalid math: {problem}",
                                     f"${node.content}$; write \\$ for a dollar sign")
                else:
                    out.append(m.Math(node.content.strip()))
            elif kind == "strong":
                out.append(m.Strong(self._inlines(node.children, cursor)))
            elif kind == "em":
                out.append(m.Emph(self._inlines(node.children, cursor)))
            elif kind == "s":
                out.append(m.Strike(self._inlines(node.children, cursor)))
            elif kind == "link":
                written = str(node.attrs.get("href", ""))
                out.append(self._link(written, self._inlines(node.children, cursor), cursor, "["))
            elif kind == "image":
                self.diags.error(cursor.find("!["), "an image inside a line of text",
                                 "put the image in a paragraph of its own")
            elif kind == "html_inline":
                if not node.content.startswith('<input class="task-list-item-checkbox"'):  # see `_list_item`
                    i = self._html_inline(nodes, i - 1, cursor, out)
            elif kind == "footnote_ref":
                out.append(m.FootnoteRef(node.meta["id"] + 1, self.footnotes.get(node.meta["id"], ())))
            else:
                self.diags.error(cursor.find(), f"unsupported inline Markdown '{kind}'")
        return tuple(out)

    def _link(self, written: str, children: m.Inlines, cursor: _Cursor, opener: str) -> m.Link:
        # markdown-it percent-encodes targets; anchors are compared (and kept) as written: #über
        href = unquote(written) if written.startswith("#") else written
        self.links.append((href, cursor.find(href, written, opener)))
        return m.Link(children, href)

    def _html_inline(self, nodes: list, i: int, cursor: _Cursor, out: list[m.Inline]) -> int:
        """Read the inline HTML tag at `nodes[i]` into `out`; return the index of the node after it.

        A container tag (`<kbd>`) takes the nodes up to its end tag as its content; comments are dropped.
        """
        content = nodes[i].content
        found = inlinehtml.tag(content)
        if found is None or found.name == "!--":
            if found is None:
                self.diags.error(cursor.find(content), f"cannot read the HTML '{content}'",
                                 "write Markdown instead, or put it in `code` to show it")
            return i + 1
        loc = cursor.find(content)
        if found.name not in inlinehtml.ELEMENTS:  # `Vec<T>` written outside backticks: text, not HTML
            self.diags.warning(loc, f"'{content}' is not an HTML tag: shown as text",
                               f"write it as code, e.g. `Vec{content}`" if not found.end else "write it as code")
            _append_text(out, content)
            return i + 1
        if found.name not in inlinehtml.ALLOWED:
            if found.end:  # its start tag was reported
                return i + 1
            self.diags.error(loc, f"HTML tag <{found.name}> is not allowed", _HTML_HINT)
            return i + 1
        if found.end:
            self.diags.error(loc, f"</{found.name}> closes no <{found.name}>", "remove it, or open the tag before it")
            return i + 1
        for key in inlinehtml.unknown_attrs(found):
            self.diags.warning(loc, f"attribute '{key}' of <{found.name}> is ignored",
                               f"<{found.name}> takes {', '.join({**inlinehtml.CONTAINERS, **inlinehtml.VOID}[found.name]) or 'no attributes'}")
        if found.name == "br":
            out.append(m.LineBreak())
            return i + 1
        if found.name == "img":
            self.diags.error(loc, "an image inside a line of text", "put the <img> in a paragraph of its own")
            return i + 1
        end = _closing(nodes, i, found.name)
        if end is None:
            self.diags.error(loc, f"<{found.name}> is never closed", f"end it with </{found.name}> on the same line")
            return i + 1
        children = self._inlines(nodes[i + 1:end], cursor)
        if found.name == "a":
            href = found.attr("href")
            if not href:
                self.diags.error(loc, "<a> without href", "write a link as [text](address)")
                out.extend(children)
            else:
                out.append(self._link(href, children, cursor, "<a"))
        elif found.name == "abbr":
            out.append(m.Abbr(children, found.attr("title") or ""))
        elif found.name == "code":
            out.append(m.Code(m.plain(children)))
        else:
            out.append(_WRAPPERS[found.name](children))
        return end + 1

    def _html_image(self, found: inlinehtml.Tag, loc: Location) -> m.Image | None:
        for key in inlinehtml.unknown_attrs(found):
            self.diags.warning(loc, f"attribute '{key}' of <img> is ignored", "<img> takes src, alt, width, title")
        width = found.attr("width")
        pixels = inlinehtml.pixels(width) if width is not None else None
        if width is not None and pixels is None:
            self.diags.error(loc, f"<img width=\"{width}\"> is not a width in pixels", 'write e.g. width="300"')
        return self._image_file(found.attr("src") or "", found.attr("alt") or "", found.attr("title") or "", loc,
                                pixels)

    def _image(self, node: SyntaxTreeNode, loc: Location) -> m.Image | None:
        src = str(node.attrs.get("src", ""))
        alt = "".join(c.content for c in node.children) if node.children else str(node.content)
        return self._image_file(src, alt, str(node.attrs.get("title", "") or ""), loc)

    def _image_file(self, src: str, alt: str, title: str, loc: Location, width: int | None = None) -> m.Image | None:
        path = includes.resolve(self.root, src, loc, self.diags, "image")
        if path is None or not includes.check_image(path, loc, self.diags):
            return None
        if not alt.strip():
            self.diags.warning(loc, f"image '{src}' has no alt text", "write ![what it shows](path): the accessible PDF needs it")
        self.sources.add(path)
        return m.Image(path, alt, title, loc, width)

    # --- placeholders -------------------------------------------------------------------------

    def _scan_placeholders(self, tokens) -> None:
        """Report placeholders in prose, untyped code and structured blocks (typed code may use brackets)."""
        skip: set[int] = set()
        for tok in tokens:
            if tok.type == "fence" and tok.map:
                language = tok.info.strip().split(" ")[0].split(",")[0].lower()
                if language not in (*PLAIN_LANGUAGES, *STRUCTURED):
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


_HTML_HINT = (f"deckbook reads {', '.join(f'<{t}>' for t in inlinehtml.ALLOWED)}; "
              "write Markdown instead, or put it in `code` to show it")
_WRAPPERS = {"kbd": m.Kbd, "sub": m.Sub, "sup": m.Sup, "mark": m.Mark, "u": m.Underline}


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


def _fence_closed(node: SyntaxTreeNode) -> bool:
    """Return whether a fence has its closing line: markdown-it's map then spans one line more than its body."""
    first, last = node.map if node.map else (0, 0)
    content = node.content
    body_lines = content.count("\n") + (1 if content and not content.endswith("\n") else 0)
    return last - first - 2 == body_lines


def _div_name(node: SyntaxTreeNode) -> tuple[str, str]:
    """Return the name of a `:::` block (lower case, pandoc's `{.name}` accepted) and the title after it."""
    name, _, title = node.info.strip().partition(" ")
    return name.strip("{}. ").lower(), title.strip()


def hide_rust_lines(code: str) -> tuple[str, str]:
    """Return (the code shown, the whole program or "" if nothing is hidden), as rustdoc and mdBook read Rust.

    A line whose text starts with `# ` (or is `#` alone) is compiled but not shown; `##` at its start
    stands for a literal `#` (`#[derive]` and `#![allow]` are ordinary Rust).
    """
    shown, whole, changed = [], [], False
    for line in code.split("\n"):
        text = line.lstrip()
        indent = line[:len(line) - len(text)]
        if text == "#" or text.startswith("# "):
            whole.append(indent + text[2:])
            changed = True
        elif text.startswith("##"):
            shown.append(indent + text[1:])
            whole.append(indent + text[1:])
            changed = True
        else:
            shown.append(line)
            whole.append(line)
    return ("\n".join(shown), "\n".join(whole)) if changed else (code, "")


def _expand_tabs(code: str) -> str:
    return code.expandtabs(TAB_SIZE) if "\t" in code else code


def _deeper_than(data, limit: int) -> tuple | None:
    """Return the key path of the first decision-tree node deeper than `limit` questions, or None."""
    stack = [((), data)]
    while stack:
        keys, node = stack.pop()
        if len(keys) > limit:
            return keys
        if isinstance(node, dict):
            stack += [((*keys, branch), node[branch]) for branch in ("no", "yes") if branch in node]
    return None


def _align(style: str) -> str:
    match = re.search(r"text-align:(\w+)", style)
    return match.group(1) if match else ""


def slugify(text: str) -> str:
    """Return a GitHub-style anchor for heading text: lower case, punctuation dropped, spaces → '-'."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return re.sub(r" ", "-", text) or "section"

"""One chapter file → a flat list of headings, slide breaks and blocks (markdown-it-py does the parsing).

The slide structure is decided afterwards, over the whole course (pandoc's slide-level rule), in
`structure.py`; here each Markdown construct becomes a model block with its file:line.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from markdown_it import MarkdownIt
from markdown_it.tree import SyntaxTreeNode
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from .. import highlight, model as m, yamlsrc
from ..errors import Diagnostics, Location
from . import includes, placeholders

CALLOUTS = ("tip", "note", "warning")
DIVS = ("notes", "handbook", "slides", "columns", "column", *CALLOUTS)
STRUCTURED = ("decision-tree", "metrics")
CODE_ATTRS = ("title", "hl_lines", "linenums", "include", "anchor")
PLAIN_LANGUAGES = ("", "text", "plain", "plaintext", "txt")
_ATTR = re.compile(r'([A-Za-z_][\w-]*)=(?:"([^"]*)"|\'([^\']*)\'|(\S+))')


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    front_matter_plugin(md)
    # One container rule for every `:::` name, so unknown names reach us (and become errors).
    container_plugin(md, "div", validate=lambda params, markup: True)
    return md


_MD = _parser()


@dataclass(frozen=True)
class HeadingItem:
    level: int
    title: m.Inlines
    loc: Location


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
    handbook_only: bool = False
    slides_only: bool = False


@dataclass
class ParsedChapter:
    path: Path
    front: FrontMatter
    items: list[Item]
    links: list[tuple[str, Location]] = field(default_factory=list)


class _DecisionNode(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str | None = None
    answer: str | None = None
    yes: "_DecisionNode | None" = None
    no: "_DecisionNode | None" = None


class _DecisionSpec(_DecisionNode):
    title: str = ""


class _MetricRowSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    before: float
    after: float


class _MetricsSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = ""
    unit: str = ""
    lower_is_better: bool
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
            "container_div": self._div,
            "html_block": self._html,
            "front_matter": lambda n: [],
        }

    # --- entry --------------------------------------------------------------------------------

    def parse(self) -> ParsedChapter:
        tokens = _MD.parse(self.text)
        root = SyntaxTreeNode(tokens)
        front = FrontMatter()
        if root.children and root.children[0].type == "front_matter":
            fm_node = root.children[0]
            data = yamlsrc.parse(fm_node.content, self.path, self.diags, first_line=2)
            if data is not None and not isinstance(data, dict):
                self.diags.error(Location(self.path, 2), "front matter must be a mapping of keys to values")
            elif data is not None:
                front = yamlsrc.validate(FrontMatter, data, self.path, self.diags, 2, "front matter") or front
        self._scan_placeholders(tokens)
        items = self._children(root.children)
        return ParsedChapter(self.path, front, items, self.links)

    def _children(self, nodes) -> list[Item]:
        out: list[Item] = []
        for node in nodes:
            handler = self.blocks.get(node.type)
            if handler is None:  # a markdown-it construct we have not mapped: say so, never drop it
                self.diags.error(self._loc(node), f"unsupported Markdown construct '{node.type}'")
                continue
            out.extend(handler(node))
        return out

    def _blocks(self, nodes, where: str) -> tuple[m.Block, ...]:
        """Return nested content as blocks; headings, slide breaks and notes are not allowed there."""
        out: list[m.Block] = []
        for item in self._children(nodes):
            if isinstance(item, (HeadingItem, BreakItem, NotesItem)):
                kind = {HeadingItem: "a heading", BreakItem: "a slide break (---)", NotesItem: "::: notes"}[type(item)]
                self.diags.error(item.loc, f"{kind} is not allowed inside {where}",
                                 "move it to the top level of the chapter")
                continue
            out.append(item)
        return tuple(out)

    def _loc(self, node: SyntaxTreeNode, col: int = 1) -> Location:
        line = node.map[0] + 1 if node.map else 1
        return Location(self.path, line, col)

    # --- blocks -------------------------------------------------------------------------------

    def _paragraph(self, node: SyntaxTreeNode) -> list[Item]:
        inline = node.children[0]
        loc = self._loc(node)
        kids = [c for c in inline.children if not (c.type == "text" and not c.content.strip())
                and c.type not in ("softbreak", "hardbreak")]
        if len(kids) == 1 and kids[0].type == "image":
            image = self._image(kids[0], loc)
            return [image] if image else []
        return [m.Paragraph(self._inlines(inline.children, loc), loc)]

    def _heading(self, node: SyntaxTreeNode) -> list[Item]:
        level = int(node.tag[1])
        loc = self._loc(node)
        title = self._inlines(node.children[0].children, loc)
        if not m.plain(title).strip():
            self.diags.error(loc, "empty heading", "write a title after the #")
        return [HeadingItem(level, title, loc)]

    def _list(self, node: SyntaxTreeNode) -> list[Item]:
        loc = self._loc(node)
        items = tuple(m.ListItem(self._blocks(item.children, "a list")) for item in node.children)
        start = int(node.attrs.get("start", 1)) if node.type == "ordered_list" else 1
        return [m.BulletList(items, node.type == "ordered_list", start, loc)]

    def _blockquote(self, node: SyntaxTreeNode) -> list[Item]:
        return [m.BlockQuote(self._blocks(node.children, "a quotation"), self._loc(node))]

    def _table(self, node: SyntaxTreeNode) -> list[Item]:
        loc = self._loc(node)
        header: tuple = ()
        rows: list[tuple] = []
        align: tuple[str, ...] = ()
        for part in node.children:
            for tr in part.children:
                cells = tuple(self._inlines(c.children[0].children if c.children else [], self._loc(tr))
                              for c in tr.children)
                if part.type == "thead":
                    header = cells
                    align = tuple(_align(c.attrs.get("style", "")) for c in tr.children)
                else:
                    rows.append(cells)
        return [m.Table(header, tuple(rows), align, loc)]

    def _html(self, node: SyntaxTreeNode) -> list[Item]:
        self.diags.error(self._loc(node), "raw HTML is not allowed",
                         "write Markdown instead, or put the HTML in a code block to show it")
        return []

    def _indented_code(self, node: SyntaxTreeNode) -> list[Item]:
        loc = self._loc(node)
        return [m.CodeBlock(node.content.rstrip("\n"), "", "", frozenset(), None, None, loc)]

    # --- fenced code and structured blocks ----------------------------------------------------

    def _fence(self, node: SyntaxTreeNode) -> list[Item]:
        loc = self._loc(node)
        info = node.info.strip()
        language, _, rest = info.partition(" ")
        language = language.strip().lower()
        attrs = self._attrs(rest, loc, node)
        if node.markup and len(self.lines) > node.map[1] - 1 >= 0 and not _closes_fence(self.lines[node.map[1] - 1], node.markup):
            self.diags.error(loc, f"code block opened with {node.markup} is never closed",
                             f"end it with a line of {node.markup}")
        body = node.content
        source = None
        if "include" in attrs:
            if body.strip():
                self.diags.error(loc, "a code block with include= must be empty", "remove its lines or the include")
            source = includes.resolve(self.root, attrs["include"], loc, self.diags, "include")
            if source is None:
                return []
            self.sources.add(source)
            text = includes.read_text(source, loc, self.diags)
            if text is None:
                return []
            body = includes.region(text, attrs.get("anchor"), source, loc, self.diags)
            if body is None:
                return []
        elif "anchor" in attrs:
            self.diags.error(loc, "anchor= needs include=", "name the file the anchor is in")
        body = body.removesuffix("\n")
        if language in STRUCTURED:
            first = loc.line + 1 if source is None else 1
            return self._structured(language, body, source or self.path, first, loc)
        if language in PLAIN_LANGUAGES:
            language = ""
        elif not highlight.has_language(language):
            self.diags.warning(loc, f"unknown code language '{language}'",
                               "shown as plain text; use a Pygments lexer name such as rust, toml, bash, json")
            language = ""
        hl_lines = self._hl_lines(attrs.get("hl_lines", ""), body.count("\n") + 1, loc)
        linenums = self._linenums(attrs.get("linenums"), loc)
        return [m.CodeBlock(body, language, attrs.get("title", ""), hl_lines, linenums, source, loc)]

    def _attrs(self, text: str, loc: Location, node: SyntaxTreeNode) -> dict[str, str]:
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
                self.diags.error(loc, f"unknown code block attribute '{key}'",
                                 f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(CODE_ATTRS)}")
                continue
            attrs[key] = value
        if rest[pos:].strip():
            self.diags.error(loc, f"cannot read code block attributes '{rest[pos:].strip()}'",
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
        self.diags.error(loc, f"linenums: '{value}' is not a line number", 'write linenums="1" (the first number)')
        return None

    def _structured(self, kind: str, body: str, path: Path, first_line: int, loc: Location) -> list[Item]:
        errors_before = len(self.diags.errors)
        data = yamlsrc.parse(body, path, self.diags, first_line)
        if data is None and len(self.diags.errors) > errors_before:
            return []
        if not isinstance(data, dict):
            self.diags.error(loc, f"a {kind} block holds a YAML mapping",
                             "see the content format in the README")
            return []
        if kind == "metrics":
            spec = yamlsrc.validate(_MetricsSpec, data, path, self.diags, first_line, "metrics")
            if spec is None:
                return []
            rows = tuple(m.MetricRow(r.name, r.before, r.after) for r in spec.rows)
            return [m.Metrics(spec.title, spec.unit, spec.lower_is_better, rows, spec.before_label,
                              spec.after_label, spec.caption, loc)]
        spec = yamlsrc.validate(_DecisionSpec, data, path, self.diags, first_line, "decision-tree")
        if spec is None:
            return []
        root = self._decision(spec, (), data, path, first_line)
        return [m.DecisionTree(root, spec.title, loc)] if root is not None else []

    def _decision(self, node: _DecisionNode, keys: tuple, data, path: Path, first_line: int):
        line = yamlsrc.line_of(data, keys, first_line)
        where = ".".join(keys) or "top level"
        if node.answer is not None:
            if node.question is not None or node.yes is not None or node.no is not None:
                self.diags.error(Location(path, line), f"decision-tree {where}: an answer has no question or branches",
                                 "a node is either {answer: ...} or {question: ..., yes: ..., no: ...}")
                return None
            return m.Answer(node.answer)
        if node.question is None or node.yes is None or node.no is None:
            missing = [k for k in ("question", "yes", "no") if getattr(node, k) is None]
            self.diags.error(Location(path, line), f"decision-tree {where}: missing {', '.join(missing)}",
                             "a node is either {answer: ...} or {question: ..., yes: ..., no: ...}")
            return None
        yes = self._decision(node.yes, (*keys, "yes"), data, path, first_line)
        no = self._decision(node.no, (*keys, "no"), data, path, first_line)
        if yes is None or no is None:
            return None
        return m.Question(node.question, yes, no)

    # --- fenced divs --------------------------------------------------------------------------

    def _div(self, node: SyntaxTreeNode) -> list[Item]:
        loc = self._loc(node)
        name, _, title = node.info.strip().partition(" ")
        name = name.strip("{}. ").lower()
        if not self._is_closed(node):
            self.diags.error(loc, f"'{node.markup} {name}' is never closed",
                             f"end it with a line of {node.markup}")
        if name not in DIVS:
            close_names = difflib.get_close_matches(name, DIVS, n=1)
            self.diags.error(loc, f"unknown block '::: {name}'",
                             f"did you mean '{close_names[0]}'?" if close_names else f"known blocks: {', '.join(DIVS)}")
            return []
        if name == "notes":
            return [NotesItem(self._blocks(node.children, "::: notes"), loc)]
        if name in ("handbook", "slides"):
            return [m.Only(name, self._blocks(node.children, f"::: {name}"), loc)]  # type: ignore[arg-type]
        if name in CALLOUTS:
            return [m.Callout(name, title.strip(), self._blocks(node.children, f"::: {name}"), loc)]  # type: ignore[arg-type]
        if name == "column":
            self.diags.error(loc, "'::: column' outside ':::: columns'",
                             "wrap the columns in ':::: columns' … '::::' (more colons than the inner blocks)")
            return []
        columns = []
        for child in node.children:
            child_name = child.info.strip().split(" ")[0].lower() if child.type == "container_div" else ""
            if child_name != "column":
                self.diags.error(self._loc(child), "only '::: column' blocks may stand inside ':::: columns'",
                                 "put this content inside a '::: column'")
                continue
            if not self._is_closed(child):
                self.diags.error(self._loc(child), f"'{child.markup} column' is never closed",
                                 f"end it with a line of {child.markup}")
            columns.append(self._blocks(child.children, "::: column"))
        if len(columns) < 2:
            self.diags.error(loc, f"':::: columns' holds {len(columns)} column(s)", "give it two or more '::: column' blocks")
        return [m.Columns(tuple(columns), loc)]

    def _is_closed(self, node: SyntaxTreeNode) -> bool:
        closing = node.nester_tokens.closing
        return bool(closing.markup)

    # --- inlines ------------------------------------------------------------------------------

    def _inlines(self, nodes, loc: Location) -> m.Inlines:
        out: list[m.Inline] = []
        for node in nodes:
            kind = node.type
            if kind in ("text", "softbreak"):
                text = node.content if kind == "text" else " "
                if not text:
                    continue
                if out and isinstance(out[-1], m.Text):
                    out[-1] = m.Text(out[-1].text + text)
                else:
                    out.append(m.Text(text))
            elif kind == "hardbreak":
                out.append(m.LineBreak())
            elif kind == "code_inline":
                out.append(m.Code(node.content))
            elif kind == "strong":
                out.append(m.Strong(self._inlines(node.children, loc)))
            elif kind == "em":
                out.append(m.Emph(self._inlines(node.children, loc)))
            elif kind == "s":
                out.append(m.Strike(self._inlines(node.children, loc)))
            elif kind == "link":
                href = str(node.attrs.get("href", ""))
                self.links.append((href, loc))
                out.append(m.Link(self._inlines(node.children, loc), href))
            elif kind == "image":
                self.diags.error(loc, "an image inside a line of text", "put the image in a paragraph of its own")
            elif kind == "html_inline":
                self.diags.error(loc, f"raw HTML is not allowed: {node.content}",
                                 "write Markdown instead, or put it in `code` to show it")
            else:
                self.diags.error(loc, f"unsupported inline Markdown '{kind}'")
        return tuple(out)

    def _image(self, node: SyntaxTreeNode, loc: Location) -> m.Image | None:
        src = str(node.attrs.get("src", ""))
        alt = "".join(c.content for c in node.children) if node.children else str(node.content)
        path = includes.resolve(self.root, src, loc, self.diags, "image")
        if path is None or not includes.check_image(path, loc, self.diags):
            return None
        if not alt.strip():
            self.diags.warning(loc, f"image '{src}' has no alt text", "write ![what it shows](path): the accessible PDF needs it")
        self.sources.add(path)
        return m.Image(path, alt, str(node.attrs.get("title", "") or ""), loc)

    # --- placeholders -------------------------------------------------------------------------

    def _scan_placeholders(self, tokens) -> None:
        """Report placeholders in prose, untyped code and structured blocks (typed code may use brackets)."""
        skip: set[int] = set()
        for tok in tokens:
            if tok.type == "fence" and tok.map:
                language = tok.info.strip().split(" ")[0].lower()
                if language not in (*PLAIN_LANGUAGES, *STRUCTURED):
                    skip.update(range(tok.map[0], tok.map[1]))
        for i, line in enumerate(self.lines):
            if i not in skip:
                placeholders.scan(line, self.path, i + 1, self.diags)


def _closes_fence(line: str, markup: str) -> bool:
    stripped = line.strip()
    return stripped.startswith(markup[0] * len(markup)) and not stripped.strip(markup[0])


def _align(style: str) -> str:
    match = re.search(r"text-align:(\w+)", style)
    return match.group(1) if match else ""


def slugify(text: str) -> str:
    """Return a GitHub-style anchor for heading text: lower case, punctuation dropped, spaces → '-'."""
    text = unicodedata.normalize("NFKC", text).strip().lower()
    text = re.sub(r"[^\w\- ]", "", text)
    return re.sub(r" ", "-", text) or "section"

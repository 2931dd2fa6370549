"""Code blocks: a fence (its language, attributes, an included file or region) or an indented block → `CodeBlock`.

A fence whose language is a structured block (`decision-tree`, `metrics`) is handed to `structured`.
Tabs become spaces here, once, and Rust's hidden lines (`# `) are split off as rustdoc and mdBook do.
"""

from __future__ import annotations

from dataclasses import replace
from functools import partial
from typing import TYPE_CHECKING

from markdown_it.tree import SyntaxTreeNode

from .. import highlight, model as m
from ..errors import Location
from . import attributes, includes, placeholders, structured
from .inlines import line_start
from .items import Item

if TYPE_CHECKING:
    from .markdown import ChapterParser

PLAIN_LANGUAGES = ("", "text", "plain", "plaintext", "txt")
RUST = ("rust", "rs")
TAB_SIZE = 4


def fence(p: ChapterParser, node: SyntaxTreeNode) -> list[Item]:
    """Return a fenced block: code, or a structured block; an included file is read, its region cut out."""
    loc = p.loc(node, node.markup)
    info = node.info.strip()
    word, _, rest = info.partition(" ")
    language, flags = attributes.info_flags(word, partial(p.loc, node), p.diags)
    attrs = attributes.code(rest, partial(p.loc, node), p.diags)
    if not _closed(node):
        p.diags.error(loc, f"code block opened with {node.markup} is never closed",
                      f"end it with a line of {node.markup}")
    body = node.content
    source = None
    if "include" in attrs:
        if body.strip():
            p.diags.error(loc, "a code block with include= must be empty", "remove its lines or the include")
        source = includes.resolve(p.root, attrs["include"], p.loc(node, "include="), p.diags, "include")
        if source is None:
            return []
        p.sources.add(source)
        text = includes.read_text(source, p.diags)
        if text is None:
            return []
        if language in (*PLAIN_LANGUAGES, *structured.STRUCTURED) and source not in p.scanned:
            # Text and data files are content: a template placeholder in them is one in the course.
            # (Typed code may use brackets, as in the chapters.)
            p.scanned.add(source)
            for number, line in enumerate(text.split("\n"), 1):
                placeholders.scan(line, source, number, p.diags)
        body = includes.region(text, attrs.get("anchor"), source, p.loc(node, "anchor="), p.diags)
        if body is None:
            return []
    elif "anchor" in attrs:
        p.diags.error(p.loc(node, "anchor="), "anchor= needs include=", "name the file the anchor is in")
    elif "{{" in body:  # mdBook's {{#include file:anchor}} among the block's own lines
        first = line_start(p.path, p.lines, loc.line)  # the block's first line, after the fence's
        body = includes.mdbook_includes(body, p.path, p.root, first, p.diags, p.sources)
        if body is None:
            return []
    body = body.removesuffix("\n")
    if language in structured.STRUCTURED:
        if source is not None:
            return structured.read(language, body, source, 1, loc, p.diags)
        errors_before = len(p.diags.items)
        items = structured.read(language, body, p.path, loc.line + 1, loc, p.diags)
        _shift_columns(p, errors_before, node)
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
        p.diags.warning(p.loc(node, info.split(" ")[0]),
                        f"unknown code language '{language}'",
                        "shown as plain text; use a Pygments lexer name such as rust, toml, bash, json")
        language = ""
    program = ""
    if language in RUST:
        body, program = hide_rust_lines(body)
    hl_lines = attributes.hl_lines(attrs.get("hl_lines", ""), body.count("\n") + 1, p.loc(node, "hl_lines="),
                                   p.diags)
    linenums = attributes.linenums(attrs.get("linenums"), p.loc(node, "linenums="), p.diags)
    return [m.CodeBlock(body, language, attrs.get("title", ""), hl_lines, linenums, source, loc,
                        flags, program)]


def indented(p: ChapterParser, node: SyntaxTreeNode) -> list[Item]:
    """Return an indented code block: code in no language."""
    loc = p.loc(node)
    return [m.CodeBlock(_expand_tabs(node.content.rstrip("\n")), "", "", frozenset(), None, None, loc)]


def _shift_columns(p: ChapterParser, since: int, node: SyntaxTreeNode) -> None:
    """Move columns of diagnostics about a fence's body by the indentation markdown-it removed.

    A fence inside a list item or a quotation has its body dedented (and '> ' dropped); YAML
    columns count in that body, the user counts in the file.
    """
    first = node.map[0] if node.map else 0
    body = node.content.split("\n")
    for i in range(since, len(p.diags.items)):
        d = p.diags.items[i]
        index = d.location.line - 1  # in the file; the body starts on the line after the fence
        if d.location.path != p.path or not 0 <= index - first - 1 < len(body) or index >= len(p.lines):
            continue
        body_line, source_line = body[index - first - 1], p.lines[index]
        if body_line and body_line != source_line and source_line.endswith(body_line):
            col = d.location.col + len(source_line) - len(body_line)
            p.diags.items[i] = replace(d, location=Location(d.location.path, d.location.line, col))


def _closed(node: SyntaxTreeNode) -> bool:
    """Return whether a fence has its closing line: markdown-it's map then spans one line more than its body."""
    first, last = node.map if node.map else (0, 0)
    content = node.content
    body_lines = content.count("\n") + (1 if content and not content.endswith("\n") else 0)
    return last - first - 2 == body_lines


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

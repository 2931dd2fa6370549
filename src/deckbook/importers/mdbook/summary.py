"""SUMMARY.md → the book's parts and chapters, in order, as mdBook reads it.

A part is a `# Title` line (or the chapters before the first part / after a part's numbered list); a
chapter is a link in a list item (its sub-chapters nested under it) or in a paragraph (prefix and suffix
chapters). What is not a chapter is reported, never silently dropped.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

from markdown_it.tree import SyntaxTreeNode

from .. import source as src
from ..course import Assets
from ..report import Report


@dataclass
class Entry:
    """One chapter of SUMMARY.md: its title as written, its page (None for a draft), its sub-chapters."""

    title: str
    rel: str | None
    line: int
    children: list[Entry] = field(default_factory=list)


@dataclass
class Part:
    """A part of SUMMARY.md (`# Title`), or the chapters before the first part / after the numbered ones."""

    title: str | None
    line: int
    entries: list[Entry] = field(default_factory=list)


def read(path: Path, text: str, assets: Assets, report: Report) -> list[Part]:
    """Return SUMMARY.md's parts in order (mdBook's rules: a leading `#` title is the book's, ignored)."""
    return _Summary(path, assets, report).parts(text)


def entries(parts: list[Part]):
    """Yield every chapter that has a page, in SUMMARY order (sub-chapters after their parent)."""
    for part in parts:
        yield from flat(part.entries)


def flat(chapters: list[Entry]):
    """Yield the `chapters` that have a page and all their sub-chapters that have one, in order."""
    for entry in chapters:
        if entry.rel is not None:
            yield entry
        yield from flat(entry.children)


def top(parts: list[Part]) -> list[Entry]:
    """Return the top-level chapters of every part."""
    return [e for p in parts for e in p.entries]


class _Summary:
    """Reads one SUMMARY.md, reporting what it does not carry over."""

    def __init__(self, path: Path, assets: Assets, report: Report):
        self.path, self.assets, self.report = path, assets, report

    def parts(self, text: str) -> list[Part]:
        tokens, _ = src.parse(text)
        parts = [Part(None, 1)]
        seen_chapter = numbered = False
        for node in SyntaxTreeNode(tokens).children:
            line = (node.map[0] + 1) if node.map else 1
            if node.type == "heading":
                if seen_chapter:
                    parts.append(Part(node.children[0].content.strip(), line))
                    numbered = False
                continue  # before any chapter: the summary's own title
            if node.type == "paragraph":
                if numbered:  # suffix chapters: after a part's numbered list, in no part
                    parts.append(Part(None, line))
                    numbered = False
                parts[-1].entries += self._links(node, line)
            elif node.type in ("bullet_list", "ordered_list"):
                parts[-1].entries += self._list(node)
                numbered = True
            elif node.type not in ("hr", "html_block", "front_matter"):
                self.report.add(self.path, line,
                                f"SUMMARY.md: {node.type.replace('_', ' ')} is not a chapter: not carried over")
            seen_chapter = seen_chapter or node.type in ("paragraph", "bullet_list", "ordered_list")
        return [p for p in parts if p.entries or p.title]

    def _links(self, paragraph: SyntaxTreeNode, line: int) -> list[Entry]:
        entries = []
        for node in paragraph.children[0].children:
            if node.type == "link":
                entries.append(self._entry(node, line))
        return entries

    def _list(self, node: SyntaxTreeNode) -> list[Entry]:
        entries: list[Entry] = []
        for item in node.children:
            line = (item.map[0] + 1) if item.map else 1
            entry = None
            for child in item.children:
                if child.type == "paragraph":
                    links = [n for n in child.children[0].children if n.type == "link"]
                    if links:
                        entry = self._entry(links[0], line)
                    else:
                        self.report.add(self.path, line, f"SUMMARY.md: '{child.children[0].content}' has no link: "
                                        "not a chapter, not carried over")
                elif child.type in ("bullet_list", "ordered_list") and entry is not None:
                    entry.children += self._list(child)
                elif child.type in ("bullet_list", "ordered_list"):
                    entries += self._list(child)
            if entry is not None:
                if entry.rel is None:  # a draft chapter: mdBook shows its title only; its sub-chapters stay
                    self.report.add(self.path, line, f"draft chapter '{entry.title}' (no page) not carried over")
                    entries += entry.children
                else:
                    entries.append(entry)
        return entries

    def _entry(self, link: SyntaxTreeNode, line: int) -> Entry:
        href = unquote(str(link.attrs.get("href", "")))
        title = _markdown(link.children)
        rel = self.assets.relative(href, PurePosixPath(".")) if href else None
        if href and rel is None:
            self.report.add(self.path, line, f"chapter '{title}' links outside src/ ('{href}'): not carried over")
        return Entry(title, rel, line)


def _markdown(nodes) -> str:
    """Return inline nodes as Markdown again (SUMMARY titles: text, code, emphasis)."""
    out = []
    for node in nodes:
        if node.type == "text":
            out.append(node.content)
        elif node.type == "code_inline":
            out.append(f"{node.markup}{node.content}{node.markup}")
        elif node.type in ("em", "strong", "s"):
            out.append(f"{node.markup}{_markdown(node.children)}{node.markup}")
        else:
            out.append(_markdown(node.children) if node.children else node.content)
    return "".join(out)

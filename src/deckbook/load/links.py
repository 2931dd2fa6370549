"""Links between the pages of a course (`../x.md`, `x.md#y`, `x.html`, `#y`) → links to their headings.

Courses written for mdBook or GitHub link page to page. In deckbook every page is a chapter of one
deck and one handbook, so such a link becomes a cross-reference to the heading it names (`#anchor`);
a relative link to anything else is reported, so no output ever holds a `file:` address.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import fields, is_dataclass, replace
from pathlib import Path
from typing import Callable
from urllib.parse import unquote, urlsplit

from .. import model as m
from ..errors import Diagnostics, Location
from .items import ParsedChapter
from .structure import slugify

_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:", re.I)
_PAGE_SUFFIXES = (".md", ".html", ".htm")  # mdBook renders x.md as x.html; authors link to either


def is_relative(target: str) -> bool:
    """Return whether `target` is a path inside the site (not a URL, not `#anchor`, not `//host`)."""
    return bool(target) and not target.startswith(("#", "//")) and not _SCHEME.match(target)


def resolve(chapters: tuple[m.Chapter, ...], parsed: list[ParsedChapter], root: Path,
            diags: Diagnostics) -> tuple[m.Chapter, ...]:
    """Return `chapters` whose links to pages and headings of the course point at those headings.

    A link to a chapter file lands on its first heading, `file.md#name` on the heading `name` of that
    file, `#name` on the heading of this file before any other file's. Relative links to something
    else are reported: an error when they lead nowhere in the course, a warning (the text kept without
    the link) when they name a course file that is not a page.
    """
    pages = {c.source.resolve(): _Page(c) for c in chapters}
    out = []
    for chapter, source in zip(chapters, parsed):
        targets: dict[str, str | None] = {}
        for href, loc in source.links:
            if href not in targets and (is_relative(href) or href.startswith("#")):
                targets[href] = _target(href, loc, chapter, pages, root, diags)
        if targets:
            chapter = _relink(chapter, lambda link: _new_link(link, targets))
        out.append(chapter)
    return tuple(out)


class _Page:
    """The anchors of one chapter, by the name a link would use: its heading's slug or its chosen id."""

    def __init__(self, chapter: m.Chapter):
        self.first = next((s.anchor for s in chapter.slides if s.anchor), "")
        self.names: dict[str, str] = {}
        for slide in chapter.slides:
            if slide.anchor:
                self._add(slide.title, slide.anchor)
            for block in (*slide.blocks, *slide.notes):
                for heading in _headings(block):
                    self._add(heading.children, heading.anchor)

    def _add(self, title: m.Inlines, anchor: str) -> None:
        self.names.setdefault(anchor, anchor)
        self.names.setdefault(slugify(m.plain(title)), anchor)


def _headings(block: m.Block):
    if isinstance(block, m.Heading):
        yield block
    elif isinstance(block, m.Only):
        for inner in block.blocks:
            yield from _headings(inner)


def _target(href: str, loc: Location, chapter: m.Chapter, pages: dict[Path, _Page], root: Path,
            diags: Diagnostics) -> str | None:
    """Return the `#anchor` that `href` in `chapter` leads to, or None (link dropped) after reporting why."""
    parts = urlsplit(href)
    fragment = unquote(parts.fragment)
    if href.startswith("#"):
        page = pages[chapter.source.resolve()]
        return "#" + page.names[fragment] if fragment in page.names else href  # else: the whole course's
    path = unquote(parts.path)
    if not path:  # `?query` on the page itself: a web page's option, nothing on paper
        diags.warning(loc, f"link '{href}' only changes the page's address: shown as text", "remove the link")
        return None
    try:
        target = (chapter.source.parent / path).resolve()
        inside = target.is_relative_to(root.resolve())
    except (OSError, RuntimeError, ValueError):
        target, inside = Path(path), False
    if inside and target.suffix.lower() in _PAGE_SUFFIXES:
        page = next((pages[p] for p in (target.with_suffix(".md"), target) if p in pages), None)
        if page is not None:
            if not fragment:
                return "#" + page.first if page.first else None
            if fragment in page.names:
                return "#" + page.names[fragment]
            close = difflib.get_close_matches(fragment, sorted(page.names), n=1)
            diags.error(loc, f"link '{href}': {Path(path).name} has no heading '#{fragment}'",
                        f"did you mean '#{close[0]}'?" if close else "link to a heading's anchor, e.g. #error-handling")
            return None
    if inside and target.is_file():
        diags.warning(loc, f"link '{href}' names a course file that is not a chapter: shown as text",
                      "a deck and a handbook cannot open course files; link to a chapter or a web address")
        return None
    where = "is not a page of this course" if Path(path).suffix.lower() in _PAGE_SUFFIXES else \
        "leaves the course folder" if not inside else "is not in the course"
    diags.error(loc, f"link '{href}' leads nowhere: {path} {where}",
                "link to a chapter (x.md, x.md#heading), a heading (#heading) or a web address (https://…)")
    return None


def _new_link(link: m.Link, targets: dict[str, str | None]) -> m.Link | m.Inlines:
    if link.target not in targets:
        return link
    target = targets[link.target]
    return replace(link, target=target) if target else link.children


def _relink(node, change: Callable[[m.Link], m.Link | m.Inlines]):
    """Return `node` with every link replaced by `change(link)` (a link, or inlines spliced in its place)."""
    if isinstance(node, tuple):
        out: list = []
        for item in node:
            new = _relink(item, change)
            if isinstance(item, m.Link) and isinstance(new, tuple):
                out.extend(new)
            else:
                out.append(new)
        return tuple(out)
    if isinstance(node, m.Link):
        return change(replace(node, children=_relink(node.children, change)))
    if is_dataclass(node) and not isinstance(node, (type, Location)):
        changed = {}
        for f in fields(node):
            value = getattr(node, f.name)
            if isinstance(value, tuple) or (is_dataclass(value) and not isinstance(value, Location)):
                new = _relink(value, change)
                if new is not value:
                    changed[f.name] = new
        return replace(node, **changed) if changed else node
    return node


# --- which addresses a link may have (the rest are pages of the course, resolved above) ---------------------

SCHEMES = ("http", "https", "mailto")
HINT = "link to an http, https or mailto address, or to a page or heading of the course (x.md#heading, #heading)"


def problem(target: str) -> str:
    """Return why `target` may not be a link at all ('' when it may, or when `resolve` decides: a relative one).

    Anything but a web or mail address would reach readers as a link to a program or a file share
    (`smb:`, `ms-msdt:`, `//host/x`); `file:` is not even read as a link by the Markdown parser.
    """
    shown = target if len(target) <= 60 else target[:57] + "..."
    scheme = _SCHEME.match(target)
    if scheme:
        name = scheme.group(0)[:-1].lower()
        if name not in SCHEMES:
            return f"link '{shown}' uses the '{name}:' scheme"
        if name != "mailto" and not urlsplit(target).netloc:
            return f"link '{shown}' has no host"
        return ""
    if target.startswith(("//", "\\\\")):
        return f"link '{shown}' is protocol-relative (it would open a file share or an unknown host)"
    return ""

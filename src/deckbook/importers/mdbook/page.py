"""One page of the book as read: its tokens, mdBook's id for each heading, the heading that titles it, its anchor.

A page becomes one slide (or a section and its slide); its anchor, made from its path, names that slide,
and `heading_anchor` names its headings, so links between pages become links inside the course.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

from markdown_it.token import Token

from .. import source as src

SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:|^//", re.I)
"""An address with a scheme (`https:`, `mailto:`) or a network path: not a file of the book."""


@dataclass
class Page:
    """One page read from src/: tokens, source lines, heading ids (mdBook's), front matter."""

    rel: str
    path: Path
    text: str
    tokens: list[Token]
    env: dict
    ids: dict[int, str]
    """Token index of each heading_open → its mdBook id (unique in the page)."""
    title_index: int | None
    """Token index of the heading that titles the page: a `#` heading before any other content."""
    anchor: str

    @property
    def base(self) -> PurePosixPath:
        """The page's folder, relative to src/: what its relative links start from."""
        return PurePosixPath(self.rel).parent


def read(rel: str, path: Path, text: str) -> Page:
    """Return the page `rel` (its file `path` holds `text`) parsed, with its headings' ids and its title."""
    tokens, env = src.parse(text)
    ids: dict[int, str] = {}
    used: dict[str, int] = {}
    title_index = None
    content_seen = False
    for index, token in enumerate(tokens):
        if token.type == "heading_open":
            base = _mdbook_id(_plain(tokens[index + 1]))
            count = used.get(base, 0)
            used[base] = count + 1
            ids[index] = base if count == 0 else f"{base}-{count}"
            if token.tag == "h1" and token.level == 0 and not content_seen:
                title_index = index
        if token.level == 0 and token.nesting >= 0 and token.type not in ("front_matter", "html_block"):
            content_seen = True
        elif token.type == "html_block" and src.COMMENT.sub("", token.content).strip():
            content_seen = True
    anchor = re.sub(r"[^\w]+", "-", PurePosixPath(rel).with_suffix("").as_posix().lower()).strip("-") or "page"
    return Page(rel, path, text, tokens, env, ids, title_index, anchor)


def heading_anchor(page: Page, frag: str) -> str:
    """Return the course anchor of the heading `frag` (mdBook's id) of `page`; of the page itself when empty."""
    return f"{page.anchor}--{frag}" if frag else page.anchor


def _plain(inline: Token) -> str:
    return "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline"))


def _mdbook_id(text: str) -> str:
    """Return mdBook's id for a heading (`normalize_id`): alphanumerics, `_` and `-` kept, spaces → `-`."""
    return "".join(c.lower() if c.isalnum() or c in "_-" else "-" if c.isspace() else "" for c in text)

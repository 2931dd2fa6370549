"""Reading Markdown sources for import: markdown-it tokens for structure, source lines for faithful edits.

Importers keep the author's text as written and change only what the course format needs (a heading's
level, a link target, a `<details>` tag), so they edit the source lines that markdown-it's token map
points at rather than printing Markdown again from the tree.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from pathlib import Path

from ..errors import ContentError, Diagnostic, Diagnostics, Location
from ..load import mdrules, placeholders, text as load_text

INLINE_TAGS = ("kbd", "sub", "sup", "br", "img", "a", "abbr", "mark", "u")
"""The inline HTML the course format renders (DESIGN.md); other tags are not carried over."""
_TAG = re.compile(r"</?([A-Za-z][A-Za-z0-9-]*)\b[^>]*>")
COMMENT = re.compile(r"<!--.*?-->", re.S)
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


def read_file(path: Path, what: str) -> str:
    """Return the text of the one-file source `path` (a deck, a slide show); raise ContentError if unusable."""
    if not path.is_file():
        raise ContentError([Diagnostic(Location(path), f"'{path}' is not a file", f"a {what} is one Markdown file")])
    diags = Diagnostics()
    text = load_text.read(path, diags, what=what)
    if text is None:
        raise ContentError(diags.items)
    return text


def parse(text: str) -> tuple[list[Token], dict]:
    """Return the block tokens of `text` and markdown-it's env (reference definitions)."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    front_matter_plugin(md)
    mdrules.div_plugin(md)
    env: dict = {}
    return md.parse(text, env), env


@dataclass(frozen=True)
class Span:
    """A block's source lines, 0-based and end-exclusive like markdown-it's `map`."""

    start: int
    end: int


def span(token: Token) -> Span:
    return Span(*token.map) if token.map else Span(0, 0)


class Lines:
    """A page's source lines with edits applied at the end: replace, drop, insert."""

    def __init__(self, text: str):
        self.lines = text.split("\n")
        self._new: dict[int, list[str]] = {}
        self._before: dict[int, list[str]] = {}

    def __getitem__(self, index: int) -> str:
        return self._new[index][0] if index in self._new and len(self._new[index]) == 1 else self.lines[index]

    def __len__(self) -> int:
        return len(self.lines)

    def replace(self, index: int, *new: str) -> None:
        """Put `new` lines (none: drop it) in place of line `index`."""
        self._new[index] = list(new)

    def replace_block(self, start: int, end: int, *new: str) -> None:
        """Put `new` lines in place of lines start..end-1 (a block markdown-it's token map spans)."""
        self.replace(start, *new)
        self.drop(start + 1, end)

    def dropped(self, index: int) -> bool:
        return index in self._new and not self._new[index]

    def drop(self, start: int, end: int) -> None:
        for index in range(start, end):
            self._new[index] = []

    def insert(self, index: int, *new: str) -> None:
        """Put `new` lines before line `index` (after earlier inserts there)."""
        self._before.setdefault(index, []).extend(new)

    def sub(self, start: int, end: int, old: str, new: str) -> bool:
        """Replace the first `old` in lines start..end-1 by `new`; return whether it was found."""
        for index in range(start, min(end, len(self.lines))):
            if index in self._new and not self._new[index]:
                continue  # dropped
            line = self[index]
            if old in line:
                self._new[index] = [line.replace(old, new, 1)]
                return True
        return False

    def sub_target(self, index: int, target: str, new: str) -> None:
        """Point the link or image to `target` on line `index` at `new` instead."""
        self.replace(index, target_pattern(target).sub(f"]({new}", self[index], count=1))

    def result(self) -> list[str]:
        out: list[str] = []
        for index, line in enumerate(self.lines):
            out += self._before.get(index, [])
            out += self._new.get(index, [line])
        out += self._before.get(len(self.lines), [])
        return out


def pictures_apart(lines: "Lines", paragraph: Token, inline: Token) -> None:
    """Put each picture of a paragraph that holds only pictures, one per line, in a paragraph of its own.

    Browsers show such pictures side by side; the course format takes a picture as a paragraph of its own.
    """
    kids = [c for c in inline.children or []  # blanks, and pandoc's attributes `{width=40%}` (dropped)
            if not (c.type in ("softbreak", "text") and not re.sub(r"\{[^{}]*\}", "", c.content).strip())]
    if len(kids) < 2 or any(c.type != "image" for c in kids) or not paragraph.map:
        return
    first, last = paragraph.map
    for number in range(first + 1, last):
        lines.insert(number, "")


def inline_source(token: Token) -> str:
    """Return the Markdown source of an inline token (a heading's title as written)."""
    return token.content.strip()


def unlink(line: str, target: str, image: bool = False) -> str | None:
    """Return `line` with the link (or image) to `target` replaced by its text, or None if not found.

    `[text](target "title")` → `text`; `![alt](target)` → `alt`.
    """
    found = target_pattern(target).search(line)
    if found is None:
        return None
    at = found.start()
    depth, start = 0, -1
    for i in range(at - 1, -1, -1):  # the `[` that opens this link's text, nested brackets skipped
        if line[i] == "]" and (i == 0 or line[i - 1] != "\\"):
            depth += 1
        elif line[i] == "[" and (i == 0 or line[i - 1] != "\\"):
            if depth == 0:
                start = i
                break
            depth -= 1
    end = line.find(")", found.end())
    if start < 0 or end < 0:
        return None
    if image and start > 0 and line[start - 1] == "!":
        start -= 1
        text = line[start + 2:at]
    else:
        text = line[start + 1:at]
    return line[:start] + text + line[end + 1:]


def target_pattern(target: str) -> re.Pattern:
    """Return a pattern for `](target` where target is the whole destination (not the start of a longer one)."""
    return re.compile(r"\]\(<?" + re.escape(target) + r">?(?=[\s)])")


def code_masked(line: str) -> str:
    """Return `line` with inline code spans blanked out (same length), so their text is not read as markup."""
    return _CODE_SPAN.sub(lambda m: " " * len(m.group(0)), line)


def html_tags(html: str) -> list[str]:
    """Return the tag names used in an HTML fragment (comments left out), lower case."""
    return [m.group(1).lower() for m in _TAG.finditer(COMMENT.sub("", html))]


def unknown_tags(html: str) -> list[str]:
    """Return the tags of `html` the course format does not render, each once, in order."""
    return list(dict.fromkeys(t for t in html_tags(html) if t not in INLINE_TAGS))


HTML_ELEMENTS = frozenset("""
    a abbr address area article aside audio b base bdi bdo blockquote body br button canvas caption center cite
    code col colgroup data datalist dd del details dfn dialog div dl dt em embed fieldset figcaption figure font
    footer form h1 h2 h3 h4 h5 h6 head header hr html i iframe img input ins kbd label legend li link main map mark
    meta meter nav noscript object ol optgroup option output p param picture pre progress q rp rt ruby s samp
    script section select small source span strike strong style sub summary sup svg table tbody td template
    textarea tfoot th thead time title tr track tt u ul var video wbr""".split())
"""HTML element names: a tag with another name (`Vec<T>` written outside code) is text the author meant."""
_AUTOLINK = re.compile(r"<[A-Za-z][A-Za-z0-9+.-]{1,31}:[^<>\s]*>|<[^<>\s@]+@[^<>\s]+>")
_CODE_ELEMENT = re.compile(r"<code>(.*?)</code>", re.I | re.S)


def inline_html(line: str) -> tuple[str, list[str]]:
    """Return `line` with its inline HTML made course Markdown, and the tags dropped.

    `<code>…</code>` becomes a code span; tags the course format renders stay; other HTML elements are
    dropped with their text kept; a name that is no HTML element (`Option<T>` outside code) is escaped so it
    shows as written. Code spans and autolinks are left alone.
    """
    def code(match: re.Match) -> str:
        text = html.unescape(match.group(1))
        ticks = "`" * (max((len(t) for t in re.findall(r"`+", text)), default=0) + 1)
        pad = " " if text.startswith("`") or text.endswith("`") else ""
        return f"{ticks}{pad}{text}{pad}{ticks}"

    line = _replace_outside_code(line, _CODE_ELEMENT, code)
    dropped: list[str] = []

    def tag(match: re.Match) -> str:
        name = match.group(1).lower()
        if _AUTOLINK.fullmatch(match.group(0)) or name in INLINE_TAGS:
            return match.group(0)
        if name in HTML_ELEMENTS:
            dropped.append(match.group(0))
            return ""
        return "\\" + match.group(0)

    line = _replace_outside_code(line, _TAG, tag)
    return line, dropped[::-1]


def _replace_outside_code(line: str, pattern: re.Pattern, repl) -> str:
    """Return `line` with `pattern` replaced where it does not fall in a code span."""
    masked = code_masked(line)
    for match in reversed(list(pattern.finditer(masked))):
        original = pattern.fullmatch(line[match.start():match.end()])
        if original is not None and (match.start() == 0 or line[match.start() - 1] != "\\"):
            line = line[:match.start()] + repl(original) + line[match.end():]
    return line


def heading_line(level: int, title: str, attrs: list[str]) -> str:
    """Return an ATX heading line with pandoc attributes (`{#id minutes=5}`) when there are any."""
    suffix = f" {{{' '.join(attrs)}}}" if attrs else ""
    return f"{'#' * level} {title}{suffix}"


def walk(tokens: list[Token]):
    """Yield every token, inline children included, in document order."""
    for token in tokens:
        yield token
        if token.children:
            yield from walk(token.children)


def tidy(lines: list[str]) -> list[str]:
    """Return imported lines with runs of blank lines (left by dropped directives and tags) made one, and
    bracketed text that looks like a template placeholder escaped; code blocks are left as they are."""
    out: list[str] = []
    fence = ""
    for line in lines:
        marker = re.match(r"\s*(`{3,}|~{3,})", line)
        if marker and (not fence or marker.group(1).startswith(fence)):
            fence = "" if fence else marker.group(1)
        elif not fence and "[" in line:
            line = placeholders.escaped(line)
        if fence or line.strip() or not out or out[-1].strip():
            out.append(line)
    return out


def trim(lines: list[str]) -> list[str]:
    """Return lines without leading and trailing blank lines."""
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    end = len(lines)
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]

"""The HTML Markdown authors write, read tag by tag with the standard library's parser.

Authors of mdBook, Marp and GitHub pages write a little HTML: `<kbd>`, `<sub>`, `<br>`, `<img>`,
comments, `<details>` for speaker notes. Each tag markdown-it hands over is parsed here into a `Tag`
(never passed through as raw HTML); the loader turns the tags it knows into model nodes and reports
the others by name.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

#: Tags that wrap text, with the attributes each may carry.
CONTAINERS: dict[str, tuple[str, ...]] = {
    "kbd": (), "sub": (), "sup": (), "mark": (), "u": (), "abbr": ("title",), "a": ("href", "title"), "code": (),
}
#: Tags that stand alone.
VOID: dict[str, tuple[str, ...]] = {"br": (), "img": ("src", "alt", "width", "title")}
ALLOWED = (*CONTAINERS, *VOID)
#: HTML's element names (WHATWG, and a few obsolete ones authors still write). A tag with another name
#: (`Vec<T>`, `Result<Data>` outside backticks) is not HTML but text that looks like a tag.
ELEMENTS = frozenset("""
a abbr acronym address area article aside audio b base bdi bdo big blink blockquote body br button canvas
caption center cite code col colgroup data datalist dd del details dfn dialog dir div dl dt em embed
fieldset figcaption figure font footer form frame frameset h1 h2 h3 h4 h5 h6 head header hgroup hr html i
iframe img input ins kbd label legend li link main map mark marquee menu meta meter nav noscript object
ol optgroup option output p param picture pre progress q rp rt ruby s samp script search section select
slot small source span strike strong style sub summary sup svg table tbody td template textarea tfoot th
thead time title tr track tt u ul var video wbr math
""".split())
_COMMENT = re.compile(r"<!--.*?-->", re.S)


@dataclass(frozen=True)
class Tag:
    """One piece of HTML: a start tag (`end` False), an end tag, or a comment (`name` "!--")."""

    name: str
    attrs: tuple[tuple[str, str], ...] = ()
    end: bool = False
    void: bool = False  # written `<br/>`, or a tag that never has content

    def attr(self, key: str) -> str | None:
        return next((v for k, v in self.attrs if k == key), None)


class _Reader(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[Tag] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append(Tag(tag, tuple((k, v or "") for k, v in attrs), void=tag in VOID))

    def handle_startendtag(self, tag, attrs):
        self.tags.append(Tag(tag, tuple((k, v or "") for k, v in attrs), void=True))

    def handle_endtag(self, tag):
        self.tags.append(Tag(tag, end=True))

    def handle_comment(self, data):
        self.tags.append(Tag("!--"))

    def handle_data(self, data):
        if data.strip():
            self.text.append(data)


def tags(html: str) -> tuple[list[Tag], str]:
    """Return the tags in `html` in order, and any text between them."""
    reader = _Reader()
    reader.feed(html)
    reader.close()
    return reader.tags, "".join(reader.text)


def tag(html: str) -> Tag | None:
    """Return the one tag or comment that `html` (an inline HTML token) holds, or None."""
    found, text = tags(html)
    return found[0] if len(found) == 1 and not text else None


def without_comments(html: str) -> str:
    """Return `html` with its comments removed."""
    return _COMMENT.sub("", html)


def unknown_attrs(tag: Tag) -> list[str]:
    """Return the attributes of `tag` that deckbook does not read."""
    known = {**CONTAINERS, **VOID}.get(tag.name, ())
    return [k for k, _ in tag.attrs if k not in known]


def pixels(value: str) -> int | None:
    """Return an HTML width (`300` or `300px`) in CSS pixels, or None when it is not one."""
    match = re.fullmatch(r"\s*(\d{1,5})\s*(px)?\s*", value)
    return int(match.group(1)) if match and int(match.group(1)) > 0 else None

"""Attributes written after a heading, an exercise's title or a code fence's language, read into values.

`## Title {#anchor layout="Two Content" minutes=10}`, `::: exercise Title {minutes=25}` and
```` ```rust,compile_fail title="main.rs" hl_lines="3 5-7" linenums="1" ````: every mistake is reported,
with what is allowed.
"""

from __future__ import annotations

import difflib
import re
from typing import Callable

from .. import model as m
from ..errors import Diagnostics, Location

MAX_MINUTES = 24 * 60
"""The longest `minutes=` a heading or an exercise may take: a day."""
CODE_ATTRS = ("title", "hl_lines", "linenums", "include", "anchor")
PLAYGROUND_ONLY = ("noplayground", "mdbook-runnable", "test_harness", "allow_fail", "warnreport")
"""Info-string attributes that only steer mdBook's playground or rustdoc's test runner: nothing to show."""
_CODE_ATTR = re.compile(r'([A-Za-z_][\w-]*)=(?:"([^"]*)"|\'([^\']*)\'|(\S+))')
_BRACED = re.compile(r"\s*\{([^{}]*)\}\s*$")
_BRACED_ATTR = re.compile(r'#(?P<id>[\w-]+)|(?P<key>[\w-]+)=(?:"(?P<value>[^"]*)"|(?P<bare>\S+))|\S+')


# --- {…} after a heading or an exercise's title ---------------------------------------------------


def braced(text: str, keys: tuple[str, ...], loc: Location, diags: Diagnostics, what: str,
           hint: str) -> tuple[str, dict[str, str]]:
    """Split pandoc-style `{…}` attributes off the end of `text`: return the text before them and their values.

    `keys` are the names allowed (`"#"` allows an `{#anchor}`, kept under "#"); any other is reported as an
    unknown attribute of `what`, with `hint`.
    """
    match = _BRACED.search(text)
    if match is None:
        return text, {}
    attrs: dict[str, str] = {}
    for token in _BRACED_ATTR.finditer(match.group(1)):
        if token.group("id") and "#" in keys:
            attrs["#"] = token.group("id")
        elif token.group("key") in keys:
            attrs[token.group("key")] = token.group("value") or token.group("bare") or ""
        else:
            diags.error(loc, f"unknown {what} attribute '{token.group(0)}'", hint)
    return text[:match.start()], attrs


def heading(title: m.Inlines, loc: Location, diags: Diagnostics) -> tuple[m.Inlines, dict[str, str]]:
    """Split pandoc-style attributes off a heading: `## Title {#anchor layout="Two Content"}`."""
    last = title[-1] if title else None
    if not isinstance(last, m.Text):
        return title, {}
    text, attrs = braced(last.text, ("#", "layout", "minutes"), loc, diags, "heading",
                         'headings take {#anchor}, {layout="Layout name"} and {minutes=10}')
    if text == last.text:
        return title, attrs
    rest = text.rstrip()
    return (*title[:-1], *((m.Text(rest),) if rest else ())), attrs


def minutes(value: str, loc: Location, diags: Diagnostics) -> int | None:
    """Return `minutes=` as a whole number of minutes, or None (reported) when it is not one."""
    if value.isascii() and value.isdigit() and 0 < int(value) <= MAX_MINUTES:
        return int(value)
    diags.error(loc, f"minutes={value!r} is not a number of minutes",
                f"write a whole number from 1 to {MAX_MINUTES}, e.g. {{minutes=10}}")
    return None


# --- a code fence's info string -------------------------------------------------------------------


def info_flags(word: str, locate: Callable[[str], Location], diags: Diagnostics) -> tuple[str, frozenset[str]]:
    """Return the language and the mdBook/rustdoc attributes of an info string's first word.

    As mdBook and rustdoc read it: the language is the first comma-separated token
    (```` ```rust,editable,compile_fail ````); the others are attributes. `locate` finds a text on the
    fence's line.
    """
    language, *tokens = word.split(",")
    flags = set()
    for token in (t.strip() for t in tokens):
        if token in m.CODE_ATTRIBUTES or re.fullmatch(r"E\d{4}", token):  # rustdoc: compile_fail,E0382
            flags.add(token)
        elif token and token not in PLAYGROUND_ONLY and not re.fullmatch(r"edition\d{4}", token):
            diags.warning(locate(token), f"unknown code block attribute '{token}' is ignored",
                          f"deckbook reads {', '.join(m.CODE_ATTRIBUTES)}")
    return language.strip().lower(), frozenset(flags)


def code(text: str, locate: Callable[[str], Location], diags: Diagnostics) -> dict[str, str]:
    """Return the `key="value"` attributes after a fence's language (`CODE_ATTRS`), `{…}` around them or not."""
    attrs: dict[str, str] = {}
    rest = text.strip().strip("{}").strip()
    pos = 0
    for match in _CODE_ATTR.finditer(rest):
        if rest[pos:match.start()].strip():
            break
        pos = match.end()
        key = match.group(1)
        value = next(g for g in match.groups()[1:] if g is not None)
        if key not in CODE_ATTRS:
            close = difflib.get_close_matches(key, CODE_ATTRS, n=1)
            diags.error(locate(match.group(0)), f"unknown code block attribute '{key}'",
                        f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(CODE_ATTRS)}")
            continue
        attrs[key] = value
    if rest[pos:].strip():
        diags.error(locate(rest[pos:].strip()), f"cannot read code block attributes '{rest[pos:].strip()}'",
                    'write key="value" pairs, e.g. title="src/main.rs" hl_lines="3 5-7"')
    return attrs


def hl_lines(spec: str, count: int, loc: Location, diags: Diagnostics) -> frozenset[int]:
    """Return the lines `hl_lines="3 5-7"` marks, each within the block's `count` lines."""
    lines: set[int] = set()
    for part in spec.replace(",", " ").split():
        match = re.fullmatch(r"(\d+)(?:-(\d+))?", part)
        if not match:
            diags.error(loc, f"hl_lines: cannot read '{part}'", 'write line numbers and ranges, e.g. "3 5-7"')
            continue
        lo, hi = int(match.group(1)), int(match.group(2) or match.group(1))
        if lo < 1 or hi > count or lo > hi:
            diags.error(loc, f"hl_lines: '{part}' is outside the block's {count} lines",
                        "count from 1 at the block's first shown line")
            continue
        lines.update(range(lo, hi + 1))
    return frozenset(lines)


def linenums(value: str | None, loc: Location, diags: Diagnostics) -> int | None:
    """Return the first line number `linenums=` asks for (true: 1), or None for no numbers."""
    if value is None or value.lower() in ("false", "no", "off"):
        return None
    if value.lower() in ("true", "yes", "on"):
        return 1
    if value.isdigit() and int(value) >= 0:
        return int(value)
    diags.error(loc, f"linenums: '{value}' is not a line number", 'write the first number, e.g. linenums="1"')
    return None

"""markdown-it block rules deckbook adds: pandoc's fenced divs, and a guard against too-deep nesting.

Fenced divs: mdit-py-plugins' `container` plugin closes a `:::` block at the first `:::` line, so
`::: tip` inside `::: column` closed the column, and a `:::` line inside a code block closed the div.
Here, as in pandoc, an opening fence carries a name, a closing fence is colons alone and closes the
innermost open div, and lines inside code fences are not fences.

Nesting: past `maxNesting`, markdown-it silently drops the rest of the document
(`ParserBlock.tokenize`: "That's not ordinary situation and we should not care about content").
The guard stops one step earlier and leaves a `too_deep` token, so the loader reports it with a line.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock

MAX_DEPTH = 40
"""Nesting levels (a list is two: list and item; a quotation or div one) before content is refused."""

_DIV_FENCE = re.compile(r":{3,}")
_CODE_FENCE = re.compile(r"(`{3,}|~{3,})")


def div_plugin(md: MarkdownIt) -> None:
    """Add `div_open`/`div_close` (pandoc fenced divs), `div_stray_close` and `too_deep` tokens."""
    # Leave markdown-it's own limit above ours, so the guard always sees the depth first.
    md.options["maxNesting"] = MAX_DEPTH + 10
    first = md.block.ruler.get_all_rules()[0]
    md.block.ruler.before(first, "too_deep", _too_deep)
    md.block.ruler.before("fence", "div", _div, {"alt": ["paragraph", "reference", "blockquote", "list"]})


def _too_deep(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if state.level < MAX_DEPTH or silent:
        return False
    last = state.tokens[-1] if state.tokens else None
    if last is not None and last.type == "too_deep" and last.map and last.map[1] == start_line:
        last.map[1] = start_line + 1
    else:
        token = state.push("too_deep", "", 0)
        token.map = [start_line, start_line + 1]
    state.line = start_line + 1
    return True


def _div_info(text: str) -> str | None:
    """Return what follows the colons of a div fence line ('' for a closing fence), or None if not a fence."""
    match = _DIV_FENCE.match(text)
    if not match:
        return None
    return re.sub(r"(^|\s):+\s*$", "", text[match.end():]).strip()  # pandoc allows `::: tip :::`


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line]:state.eMarks[line]]


def _is_code(state: StateBlock, line: int) -> bool:
    """Return whether `line` is indented enough to be code, so it cannot be a fence."""
    return state.sCount[line] - state.blkIndent >= 4


def _div(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    if _is_code(state, start_line):
        return False
    text = _line(state, start_line)
    info = _div_info(text)
    if info is None:
        return False
    if silent:  # opening and closing fences both end a paragraph
        return True
    markup = text[:len(text) - len(text.lstrip(":"))]
    if not info:
        token = state.push("div_stray_close", "", 0)
        token.markup = markup
        token.map = [start_line, start_line + 1]
        state.line = start_line + 1
        return True
    end, closing = _div_end(state, start_line, end_line)
    old_parent, old_max = state.parentType, state.lineMax
    state.parentType = "container"
    state.lineMax = end  # lazy continuation lines never run past the closing fence
    token = state.push("div_open", "div", 1)
    token.markup, token.info, token.block = markup, info, True
    token.map = [start_line, end + (1 if closing else 0)]
    state.md.block.tokenize(state, start_line + 1, end)
    token = state.push("div_close", "div", -1)
    token.markup, token.block = closing, True
    state.parentType, state.lineMax = old_parent, old_max
    state.line = end + 1 if closing else end
    return True


def _div_end(state: StateBlock, start_line: int, end_line: int) -> tuple[int, str]:
    """Return the line of the fence closing the div opened on `start_line` and its colons ('' if none)."""
    depth = 1
    code: tuple[str, int] | None = None  # the character and length of an open code fence
    line = start_line + 1
    while line < end_line:
        text = _line(state, line)
        if text and state.sCount[line] < state.blkIndent:
            break  # the enclosing list item or quotation ends here, and the div with it
        if not _is_code(state, line):
            fence = _CODE_FENCE.match(text)
            info = _div_info(text)
            if code is not None:
                if fence and fence.group(0)[0] == code[0] and len(fence.group(0)) >= code[1] \
                        and not text[fence.end():].strip():
                    code = None
            elif fence and not (fence.group(0)[0] == "`" and "`" in text[fence.end():]):
                code = (fence.group(0)[0], len(fence.group(0)))
            elif info:
                depth += 1
            elif info is not None:
                depth -= 1
                if depth == 0:
                    return line, text.rstrip()
        line += 1
    return line, ""

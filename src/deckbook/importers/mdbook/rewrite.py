"""One page's lines carried over into a chapter: title dropped, headings moved down, links and files mapped.

`PageWriter` edits the page's source lines in place (markdown-it's token map says which), one handler per
block token type (`_BLOCKS`): front matter (`minutes:` kept), headings, `<details>` → `::: notes`, mdBook's
`{{#include}}` in code, links to other pages, images and inline HTML; everything it cannot carry over is
reported with its line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING
from urllib.parse import unquote

import yaml
from markdown_it.token import Token

from .. import source as src
from .page import SCHEME, Page, heading_anchor

if TYPE_CHECKING:
    from . import Book

MAX_HEADING = 6
_DIRECTIVE = re.compile(r"(?<!\\)\{\{\s*([#%])\s*([\w-]+)\s*(.*?)\s*\}\}")
_INCLUDES = ("include", "rustdoc_include")
_DETAILS = re.compile(r"<details\b[^>]*>|</details\s*>|<summary\b[^>]*>(.*?)</summary\s*>|<!--.*?-->", re.S | re.I)
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_SRC = re.compile(r"""(\bsrc\s*=\s*)(["']?)([^"'\s>]+)\2""", re.I)
_REF_DEF = re.compile(r"^ {0,3}\[((?:[^\]\\]|\\.)+)\]:\s*(<[^>]*>|\S+)")


class PageWriter:
    """One page's lines for the course: front matter read, headings moved, links, files and notes mapped."""

    def __init__(self, book: Book, page: Page, labels: set[str]):
        self.book, self.page, self.labels = book, page, labels
        self.lines = src.Lines(page.text)
        self.code_lines: set[int] = set()
        self.notes_open = 0
        self.minutes: int | None = None

    def body(self) -> tuple[list[str], int | None, bool]:
        """Return the page's lines without its title heading, its minutes, and whether it has content."""
        page = self.page
        for token in page.tokens:
            if token.type in ("fence", "code_block") and token.map:
                self.code_lines.update(range(*token.map))
        for index, token in enumerate(page.tokens):
            handler = _BLOCKS.get(token.type)
            if handler is not None:
                handler(self, index, token)
        self._references()
        self._prose_directives()
        if self.notes_open:
            self.lines.insert(len(self.lines), "", ":::")
            self.book.report.add(page.path, len(self.lines), "<details> is never closed: the notes end with the page")
        out = self._without_empty_headings(src.trim(src.tidy(self.lines.result())))
        rest = src.COMMENT.sub("", "\n".join(out)).strip()
        return out, self.minutes, bool(rest)

    def _without_empty_headings(self, lines: list[str]) -> list[str]:
        """Return lines without sub-headings left with nothing under them (their content was a directive)."""
        lines = "\n".join(lines).split("\n")  # an edit may have put several lines in one
        tokens, _ = src.parse("\n".join(lines))
        top = [t for t in tokens if t.level == 0 and t.nesting >= 0 and t.map
               and not (t.type == "html_block" and not src.COMMENT.sub("", t.content).strip())]
        empty = []
        for token, following in zip(top, [*top[1:], None]):
            if token.type != "heading_open":
                continue
            ends = following is None or following.type == "div_open" or (
                following.type == "heading_open" and following.tag <= token.tag)
            if ends:
                empty.append(token)
        for token in empty:
            title = lines[token.map[0]].lstrip("#").strip()
            where = next((i + 1 for i, line in enumerate(self.page.text.split("\n"))
                          if line.lstrip("#").strip() == title), 1)
            self.book.report.add(self.page.path, where, f"heading '{title}' has nothing under it once the "
                                 "directives are left out: not carried over")
        drop = {i for t in empty for i in range(*t.map)}
        return [line for i, line in enumerate(lines) if i not in drop]

    # --- blocks -----------------------------------------------------------------------------------

    def _front_matter(self, index: int, token: Token) -> None:
        first, last = token.map or (0, 0)
        self.lines.drop(first, last)
        try:
            data = yaml.safe_load(token.content) or {}
        except yaml.YAMLError as exc:
            self.book.report.add(self.page.path, 1, f"front matter is not valid YAML ({exc}): not carried over")
            return
        if not isinstance(data, dict):
            self.book.report.add(self.page.path, 1, "front matter is not a mapping: not carried over")
            return
        for number, key in enumerate(data, 2):
            value = data[key]
            if key == "minutes" and isinstance(value, int) and not isinstance(value, bool) and value > 0:
                self.minutes = value
            else:
                line = next((i + 1 for i in range(first, last) if self.lines.lines[i].startswith(f"{key}:")), number)
                self.book.report.add(self.page.path, line, f"front matter '{key}: {value}' not carried over")

    def _heading(self, index: int, token: Token) -> None:
        if token.level != 0 or not token.map:
            return
        first, last = token.map
        inline = self.page.tokens[index + 1]
        if index == self.page.title_index:
            self.lines.drop(first, last)
            return
        wanted = self.book.slide_level + int(token.tag[1]) - 1
        level = min(wanted, MAX_HEADING)
        if wanted > MAX_HEADING:
            self.book.report.add(self.page.path, first + 1, f"heading level {token.tag[1]} would be level {wanted} "
                                 f"below the slide's: made level {MAX_HEADING}")
        frag = self.page.ids.get(index, "")
        attrs = [f"#{heading_anchor(self.page, frag)}"] if frag in self.book.targets.get(self.page.rel, set()) else []
        self.lines.replace_block(first, last, src.heading_line(level, src.inline_source(inline), attrs))

    def _html_block(self, index: int, token: Token) -> None:
        if not token.map:
            return
        first, last = token.map
        html = "\n".join(self.lines.lines[first:last])
        out: list[str] = []
        at = 0
        for match in _DETAILS.finditer(html):
            out += self._html_text(html[at:match.start()], first)
            at = match.end()
            tag = match.group(0)
            if tag.startswith("<!--"):
                out.append(tag)
            elif tag.lower().startswith("<summary"):
                summary = re.sub(r"<[^>]+>", "", match.group(1) or "").strip()
                if summary and not re.fullmatch(r"(speaker )?notes|instructor notes", summary, re.I):
                    self.book.report.add(self.page.path, first + 1, f"<summary>{summary}</summary> not carried over "
                                         "(the notes pane has no title)")
            elif tag.startswith("</"):
                if not self.notes_open:
                    self.book.report.add(self.page.path, first + 1, "</details> closes no <details>: dropped")
                    continue
                self.notes_open -= 1
                if self.notes_open == 0:
                    out += ["", ":::", ""]
            else:
                self.notes_open += 1
                if self.notes_open == 1:
                    out += ["", "::: notes", ""]
                else:
                    self.book.report.add(self.page.path, first + 1, "<details> inside <details>: joined with the outer notes")
        out += self._html_text(html[at:], first)
        self.lines.replace_block(first, last, *out)

    def _html_text(self, html: str, first: int) -> list[str]:
        """Return HTML left between details tags: kept when the course format renders it, else reported."""
        if not html.strip():
            return []
        html = self._img_sources(html, first)
        unknown = src.unknown_tags(html)
        if unknown:
            self.book.report.add(self.page.path, first + 1, f"HTML <{'>, <'.join(unknown)}> not carried over")
            return []
        return html.strip("\n").split("\n")

    def _img_sources(self, html: str, first: int) -> str:
        """Return `html` with each `<img src>` pointing at its copy; an image that is not copied is dropped."""
        def swap(match: re.Match) -> str:
            source = _SRC.search(match.group(0))
            if source is None:
                return match.group(0)
            new = self._image_path(unquote(source.group(3)), first)
            if new is None:
                return ""
            return match.group(0).replace(source.group(0), f"{source.group(1)}{source.group(2)}{new}{source.group(2)}", 1)

        return _IMG.sub(swap, html)

    def _fence(self, index: int, token: Token) -> None:
        if not token.map:
            return
        first, last = token.map
        for number in range(first + 1, last):
            line = self.lines[number]
            changed = _DIRECTIVE.sub(lambda m: self._code_directive(m, number), line)
            if changed != line:
                self.lines.replace(number, *([changed] if changed.strip() or not line.strip().startswith("{{") else []))
        body = [self.lines[i] for i in range(first + 1, last - 1) if not self.lines.dropped(i)]
        rust = token.info.strip().split(",")[0].split()[0:1] == ["rust"]
        if token.content.strip() and all(not b.strip() or (rust and re.match(r"\s*#(\s|$)", b)) for b in body):
            # Everything it showed came from files that are not copied: an empty box helps nobody.
            self.book.report.add(self.page.path, first + 1, "code block left with nothing to show: not carried over")
            self.lines.drop(first, last)

    def _code_directive(self, match: re.Match, number: int) -> str:
        name, arg = match.group(2), match.group(3)
        if match.group(1) == "#" and name in _INCLUDES:
            path, colon, rest = arg.partition(":")
            new = self.book.assets.use(path.strip(), self.page.base, self.page.path, number + 1, "included file")
            if new is not None:
                return f"{{{{#{name} {new}{colon}{rest}}}}}"
            return ""
        self.book.report.add(self.page.path, number + 1, f"mdBook directive '{match.group(0)}' not carried over")
        return ""

    def _inline(self, index: int, token: Token) -> None:
        if not token.map or not token.children:
            return
        first, last = token.map
        children = token.children
        for child in children:
            if child.type == "link_open":
                self._link(str(child.attrs.get("href", "")), first, last)
            elif child.type == "image":
                self._image(str(child.attrs.get("src", "")), first, last)
        if any(c.type == "html_inline" and not src.COMMENT.fullmatch(c.content.strip()) for c in children):
            self._inline_html(first, last)
        if index and self.page.tokens[index - 1].type == "paragraph_open":
            src.pictures_apart(self.lines, self.page.tokens[index - 1], token)

    # --- inlines ----------------------------------------------------------------------------------

    def _link(self, href: str, first: int, last: int) -> None:
        found = self._target_at(href, first, last)
        if found is None:
            return  # a reference link (its definition is rewritten) or an autolink
        number, written = found
        new = self.book.link_target(self.page, href, number + 1)
        if new is None:
            return
        if new:
            self.lines.sub_target(number, written, new)
        else:
            self.lines.replace(number, src.unlink(self.lines[number], written) or self.lines[number])

    def _image(self, ref: str, first: int, last: int) -> None:
        found = self._target_at(ref, first, last)
        if found is None:
            return
        number, written = found
        new = self._image_path(unquote(ref), number)
        if new is not None:
            self.lines.sub_target(number, written, new)
        else:
            self.lines.replace(number, src.unlink(self.lines[number], written, image=True) or self.lines[number])

    def _target_at(self, href: str, first: int, last: int) -> tuple[int, str] | None:
        """Return the 0-based line and the form in which `](href` is written there (markdown-it encodes it)."""
        for written in dict.fromkeys((href, unquote(href))):
            pattern = src.target_pattern(written)
            for number in range(first, min(last, len(self.lines))):
                if pattern.search(self.lines[number]):
                    return number, written
        return None

    def _image_path(self, ref: str, line_index: int) -> str | None:
        if SCHEME.match(ref):
            self.book.report.add(self.page.path, line_index + 1, f"image '{ref}' is on the web: replaced by its alt "
                                 "text (deckbook never fetches; download it into src/ to keep it)")
            return None
        return self.book.assets.use(ref, self.page.base, self.page.path, line_index + 1, "image")

    def _inline_html(self, first: int, last: int) -> None:
        """Map the inline HTML on lines first..last-1: images copied, `<code>` as code, other tags reported."""
        for number in range(first, min(last, len(self.lines))):
            if number in self.code_lines or self.lines.dropped(number):
                continue
            line = self.lines[number]
            new, dropped = src.inline_html(self._img_sources(line, number))
            if dropped:
                self.book.report.add(self.page.path, number + 1, f"HTML {' '.join(dropped)} not carried over "
                                     "(its text is kept)")
            if new != line:
                self.lines.replace(number, new)

    # --- reference definitions and directives in prose --------------------------------------------

    def _references(self) -> None:
        """Rewrite reference definitions' targets; give labels a page-unique name when the chapter has them."""
        renames: dict[str, str] = {}
        for number, line in enumerate(self.lines.lines):
            if number in self.code_lines:
                continue
            match = _REF_DEF.match(self.lines[number])
            if not match or _normal(match.group(1)) not in self.page.env.get("references", {}):
                continue
            label, target = match.group(1), match.group(2).strip("<>")
            key = _normal(label)
            new_label = label
            if key in self.labels:
                new_label = f"{label}-{self.page.anchor}"
                renames[key] = new_label
            self.labels.add(_normal(new_label))
            new = self.book.link_target(self.page, target, number + 1)
            if new == "":
                self.lines.replace(number)
                renames[key] = ""
                continue
            rewritten = self.lines[number].replace(f"[{label}]:", f"[{new_label}]:", 1)
            if new:
                rewritten = rewritten.replace(match.group(2), new, 1)
            self.lines.replace(number, rewritten)
        if renames:
            self._rename_uses(renames)

    def _rename_uses(self, renames: dict[str, str]) -> None:
        """Point `[text][label]`, `[label][]` and `[label]` at renamed labels ('' = unlink: keep the text)."""
        for number in range(len(self.lines)):
            if number in self.code_lines or _REF_DEF.match(self.lines[number]):
                continue
            line = self.lines[number]
            for key, new in renames.items():
                def swap(match: re.Match) -> str:
                    text, label = match.group(1), match.group(2) or match.group(1)
                    if _normal(label) != key:
                        return match.group(0)
                    return text if not new else f"[{text}][{new}]"

                line = re.sub(r"\[((?:[^\]\\]|\\.)*)\](?:\[((?:[^\]\\]|\\.)*)\])?(?![(:\[])", swap, line)
            if line != self.lines[number]:
                self.lines.replace(number, line)

    def _prose_directives(self) -> None:
        for number in range(len(self.lines)):
            if number in self.code_lines:
                continue
            line = self.lines[number]
            masked = src.code_masked(line)
            found = list(_DIRECTIVE.finditer(masked))
            if not found:
                continue
            for match in reversed(found):
                self.book.report.add(self.page.path, number + 1, f"mdBook directive '{match.group(0)}' not carried over")
                line = line[:match.start()] + line[match.end():]
            self.lines.replace(number, line.rstrip())


_BLOCKS = {
    "front_matter": PageWriter._front_matter,
    "heading_open": PageWriter._heading,
    "html_block": PageWriter._html_block,
    "fence": PageWriter._fence,
    "inline": PageWriter._inline,
}
"""Token type → how a page's block of that type is carried over; other tokens are kept as written."""


def _normal(label: str) -> str:
    """Return a reference label normalised as markdown-it keys its references."""
    return re.sub(r"\s+", " ", label.strip()).lower().upper()

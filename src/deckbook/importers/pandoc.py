"""pandoc slide show → course: the title block (`%`) or YAML metadata → course.yaml, the body → one chapter.

deckbook reads slides by pandoc's own rules (slide level, `---`, `::: notes`), so the body is kept as
written; what changes is pandoc syntax the course format does not have: the title block, div classes
(`::: incremental`, Quarto's `.callout-*`), attributes on headings and images, raw output blocks.
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path, PurePosixPath

import yaml
from markdown_it.token import Token

from ..errors import ContentError, Diagnostic, Location
from ..load.course import BCP47
from . import source as src
from .course import Assets, Conversion, slug

_CALLOUTS = {"callout-note": "note", "callout-tip": "tip", "callout-warning": "warning", "callout-caution": "warning",
             "callout-important": "warning", "note": "note", "tip": "tip", "warning": "warning"}
_KEPT_DIVS = ("notes", "columns", "column", "handbook", "slides")
_UNWRAPPED = ("incremental", "nonincremental", "fragment", "r-stack", "center")
_HEADING_ATTRS = re.compile(r"\s*\{([^{}]*)\}\s*$")
_IMAGE = re.compile(r"(!\[[^\]]*\]\(([^)\s]+)(?:\s+\"[^\"]*\")?\))(\{[^{}]*\})?")


def convert(source: Path, slide_level: int | None = None) -> Conversion:
    """Return the course converted from the pandoc Markdown file `source`; raise ContentError when unreadable.

    `slide_level` is pandoc's `--slide-level` (the metadata's `slide-level:` otherwise, else pandoc's rule).
    """
    return _Show(source, slide_level).convert()


class _Show:
    def __init__(self, path: Path, slide_level: int | None):
        self.path = path
        self.slide_level = slide_level

    def convert(self) -> Conversion:
        text = src.read_file(self.path, "pandoc slide show")
        self.conversion = Conversion({})
        self.report = self.conversion.report
        self.assets = Assets(self.path.parent, self.conversion)
        meta, text = self._title_block(text)
        tokens, _ = src.parse(text)
        self.tokens = tokens
        self.lines = src.Lines(text)
        front = next((t for t in tokens if t.type == "front_matter"), None)
        if front is not None and front.map:
            meta.update(self._metadata(front))
            self.lines.drop(*front.map)
        title = str(meta.get("title") or "") or self.path.stem
        self.conversion.meta = self._course(meta, title)
        self.slides = 0
        for index, token in enumerate(tokens):
            handler = _BLOCKS.get(token.type)
            if handler is not None:
                handler(self, index, token)
        body = "\n".join(src.tidy(self.lines.result())).strip("\n")
        self.conversion.chapters = [(f"01-{slug(title, 'slides')}.md", body + "\n")]
        self.conversion.units = self._count(tokens, meta)
        return self.conversion

    # --- metadata ---------------------------------------------------------------------------------

    def _title_block(self, text: str) -> tuple[dict, str]:
        """Return pandoc's `% title / % author(s) / % date` block as metadata, and the text with it blanked.

        The lines stay (blank), so later line numbers in the report still match the source.
        """
        lines = text.split("\n")
        values: list[str] = []
        while len(values) < 3 and len(values) < len(lines) and lines[len(values)].startswith("%"):
            values.append(lines[len(values)][1:].strip())
        meta: dict[str, object] = {}
        if values:
            meta["title"] = values[0]
        if len(values) > 1 and values[1]:
            meta["author"] = [a.strip() for a in values[1].split(";") if a.strip()]
        if len(values) > 2 and values[2]:
            meta["date"] = values[2]
        return meta, "\n".join([""] * len(values) + lines[len(values):])

    def _metadata(self, token: Token) -> dict:
        try:
            data = yaml.safe_load(token.content) or {}
        except yaml.YAMLError as exc:
            # pandoc reads tabs that indent a key; YAML does not: read them as spaces, and say so.
            untabbed = re.sub(r"(?m)^\t+", lambda m: "    " * len(m.group(0)), token.content)
            try:
                data = yaml.safe_load(untabbed) or {}
            except yaml.YAMLError:
                mark = getattr(exc, "problem_mark", None)
                line = 2 + mark.line if mark is not None else 2
                problem = getattr(exc, "problem", None) or str(exc).split("\n")[0]
                raise ContentError([Diagnostic(Location(self.path, line), f"YAML metadata is not valid: {problem}")])
            self.report.add(self.path, 2, "tabs indenting the YAML metadata were read as spaces")
        if not isinstance(data, dict):
            raise ContentError([Diagnostic(Location(self.path, 2), "YAML metadata is not a mapping")])
        self.meta_lines = {str(k): i + 1 for i in range(*token.map or (0, 0))
                           for k in data if self.lines.lines[i].startswith(f"{k}:")}
        return data

    def _course(self, meta: dict, title: str) -> dict[str, object]:
        course: dict[str, object] = {"title": title}
        if meta.get("subtitle"):
            course["subtitle"] = str(meta["subtitle"])
        authors = meta.get("author")
        if authors:
            names = authors if isinstance(authors, list) else [authors]
            course["authors"] = [str(a.get("name", a)) if isinstance(a, dict) else str(a) for a in names]
        lang = str(meta.get("lang") or "")
        if BCP47.match(lang):
            course["language"] = lang
        level = self.slide_level or meta.get("slide-level", meta.get("slide_level"))
        levels = {int(t.tag[1]) for t in self.tokens if t.type == "heading_open"}
        if isinstance(level, int) and not isinstance(level, bool) and 1 <= level <= 6:
            where = getattr(self, "meta_lines", {}).get("slide-level", 1)
            if level in levels:
                course["slide_level"] = level
            elif levels and level > max(levels):
                # pandoc then gives every heading a slide of its own; so does the deepest heading level
                course["slide_level"] = max(levels)
                self.report.add(self.path, where, f"slide level {level}: no heading is that deep, so every "
                                f"heading starts a slide, as in pandoc: slide_level: {max(levels)}")
            else:
                self.report.add(self.path, where, f"slide level {level}: no heading has level {level}, so the "
                                "slide level is left to pandoc's rule (the highest heading level directly "
                                "followed by content)")
        date = meta.get("date")
        if date is not None and re.fullmatch(r"\d{4}-\d{2}-\d{2}", str(date)):
            course["date"] = dt.date.fromisoformat(str(date))
        lines = getattr(self, "meta_lines", {})
        for key in meta:
            if key not in ("title", "subtitle", "author", "lang", "slide-level", "slide_level", "date"):
                self.report.add(self.path, lines.get(str(key), 1), f"metadata '{key}' not carried over")
            elif key == "date" and "date" not in course:
                self.report.add(self.path, lines.get("date", 3), f"date '{date}' is not an ISO date (YYYY-MM-DD): "
                                "not carried over")
        return course

    def _count(self, tokens: list[Token], meta: dict) -> int:
        """Return the slides pandoc makes of the body (its slide-level rule, `---` rules), for the summary."""
        headings = [(i, int(t.tag[1])) for i, t in enumerate(tokens) if t.type == "heading_open" and t.level == 0]
        level = self.conversion.meta.get("slide_level")
        if not isinstance(level, int):
            followed = [lvl for i, lvl in headings
                        if i + 3 < len(tokens) and tokens[i + 3].type not in ("heading_open", "hr")]
            level = min(followed, default=1)
        count = 0
        after_break = False
        for token in tokens:
            if token.level != 0:
                continue
            if token.type == "heading_open" and int(token.tag[1]) <= level:
                count += 0 if after_break else 1
                after_break = False
            elif token.type == "hr":
                count += 1
                after_break = True
            elif token.nesting >= 0 and token.type != "front_matter":
                after_break = False
        return count

    # --- blocks -----------------------------------------------------------------------------------

    def _heading(self, index: int, token: Token) -> None:
        if not token.map:
            return
        line = token.map[0]
        text = self.lines[line]
        match = _HEADING_ATTRS.search(text)
        if not match:
            return
        kept, dropped = [], []
        for part in match.group(1).split():
            (kept if part.startswith("#") or part.startswith("layout=") or part.startswith("minutes=")
             else dropped).append(part)
        if dropped:
            if [d for d in dropped if d not in (".unnumbered", ".unlisted", "-")]:
                self.report.add(self.path, line + 1, f"heading attributes {' '.join(dropped)} not carried over")
            self.lines.replace(line, text[:match.start()] + (f" {{{' '.join(kept)}}}" if kept else ""))

    def _div(self, index: int, token: Token) -> None:
        if not token.map:
            return
        first, last = token.map
        name = token.info.strip().split()[0].strip("{}.").lower() if token.info.strip() else ""
        classes = re.findall(r"\.([\w-]+)", token.info) or [name]
        if name in _KEPT_DIVS:
            return
        callout = next((_CALLOUTS[c] for c in classes if c in _CALLOUTS), None)
        title = re.search(r'title="([^"]*)"', token.info)
        if callout:
            self.lines.replace(first, f"{token.markup} {callout}{' ' + title.group(1) if title else ''}")
            return
        self.lines.drop(first, first + 1)
        closing = last - 1
        if closing > first and src.code_masked(self.lines.lines[closing]).strip().startswith(":::"):
            self.lines.drop(closing, closing + 1)
        if name not in _UNWRAPPED:
            self.report.add(self.path, first + 1, f"'{token.markup} {token.info.strip()}' has no equivalent: "
                            "its content is kept without it")

    def _fence(self, index: int, token: Token) -> None:
        info = token.info.strip()
        if token.map and info.startswith("{="):
            self.report.add(self.path, token.map[0] + 1, f"raw {info} block not carried over")
            self.lines.drop(*token.map)

    def _html_block(self, index: int, token: Token) -> None:
        if not token.map:
            return
        unknown = src.unknown_tags(token.content)
        if unknown:
            self.report.add(self.path, token.map[0] + 1, f"HTML <{'>, <'.join(unknown)}> not carried over")
            self.lines.drop(*token.map)

    def _paragraph(self, index: int, token: Token) -> None:
        if not token.map:
            return
        src.pictures_apart(self.lines, token, self.tokens[index + 1])
        for number in range(*token.map):
            line = self.lines[number]
            new = _IMAGE.sub(lambda m: self._image(m, number), line)
            new, removed = src.inline_html(new)
            if removed:
                self.report.add(self.path, number + 1, f"HTML {' '.join(removed)} not carried over (its text is kept)")
            if new != line:
                self.lines.replace(number, new)

    def _image(self, match: re.Match, number: int) -> str:
        image, ref, attrs = match.group(1), match.group(2), match.group(3)
        if attrs:
            self.report.add(self.path, number + 1, f"image attributes {attrs} not carried over (the layout sizes pictures)")
        if re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I):
            self.report.add(self.path, number + 1, f"image '{ref}' is on the web: not carried over "
                            "(deckbook never fetches; download it next to the slide show to keep it)")
            return image
        new = self.assets.use(ref, PurePosixPath("."), self.path, number + 1, "image")
        return image if new is None else image.replace(f"]({ref}", f"]({new}", 1)


_BLOCKS = {
    "heading_open": _Show._heading,
    "div_open": _Show._div,
    "fence": _Show._fence,
    "html_block": _Show._html_block,
    "paragraph_open": _Show._paragraph,
}
"""Token type → how a block of that type is carried over; other blocks are kept as written."""

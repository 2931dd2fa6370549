"""Marp deck → course: one chapter whose slides are exactly Marp's (`---` and `headingDivider` split them).

Each Marp slide becomes one slide: one that opens with a heading gets that heading as its level-2 title,
one without a heading starts with `---` (never an empty title slide). HTML comments that are not
directives are Marp's presenter notes and become `::: notes`. Directives and `![bg](…)` images are mapped
where the course format has an equivalent and reported where not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

import yaml
from markdown_it.token import Token

from ..errors import ContentError, Diagnostic, Location
from ..load.course import BCP47
from . import source as src
from .course import Assets, Conversion, slug

SLIDE_LEVEL = 2
GLOBAL = ("marp", "theme", "style", "headingDivider", "lang", "size", "math", "title", "description", "author",
          "image", "keywords", "url")
LOCAL = ("paginate", "header", "footer", "class", "backgroundColor", "backgroundImage", "backgroundPosition",
         "backgroundRepeat", "backgroundSize", "color", "transition")
_NOT_REPORTED = ("marp", "math", "title", "description", "author", "lang", "headingDivider")
"""Directives carried over (to course.yaml or to slide breaks) or without effect on the content."""
_IMAGE_WORD = re.compile(
    r"^(bg|left|right|contain|cover|fit|auto|vertical|\d+(\.\d+)?%|(w|h|width|height):\S+|"
    r"(blur|brightness|contrast|drop-shadow|grayscale|hue-rotate|invert|opacity|saturate|sepia)(:\S+)?)$", re.I)
_IMAGE = re.compile(r"!\[([^\]]*)\]\(([^)\s]+)((?:\s+\"[^\"]*\")?)\)")


@dataclass
class _Slide:
    """One Marp slide: where it starts, its top-level tokens, its notes."""

    start: int
    """0-based line where the slide's content begins (after the `---` that opened it)."""
    boundary: Token | None
    """The `---` that opened it (None for the first slide and for a heading-divider split)."""
    tokens: list[tuple[int, Token]] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def convert(source: Path) -> Conversion:
    """Return the course converted from the Marp deck in file `source`; raise ContentError when unreadable."""
    return _Deck(source).convert()


class _Deck:
    def __init__(self, path: Path):
        self.path = path
        self.pending_notes: list[str] = []

    def convert(self) -> Conversion:
        text = src.read_file(self.path, "Marp deck")
        self.tokens, _ = src.parse(text)
        self.lines = src.Lines(text)
        front = self._front_matter()
        self.conversion = Conversion({})
        self.report = self.conversion.report
        self.assets = Assets(self.path.parent, self.conversion)
        title = str(front.get("title") or "") or self._first_heading() or self.path.stem
        self.conversion.meta = self._meta(front, title)
        self.divider = _divider_levels(front.get("headingDivider"))
        slides = self._slides()
        titled = sum(self._emit(number, slide) for number, slide in enumerate(slides, 1))
        if self.pending_notes:  # the last slides were empty: their notes go to the last one shown
            self.lines.insert(len(self.lines), "", "::: notes", "", *"\n\n".join(self.pending_notes).split("\n"), "", ":::")
        if titled:
            self.conversion.meta["slide_level"] = SLIDE_LEVEL
        body = "\n".join(src.tidy(self.lines.result())).strip("\n")
        chapter = f"---\n{yaml.safe_dump({'title': title}, allow_unicode=True, width=1000)}---\n\n{body}\n"
        self.conversion.chapters = [(f"01-{slug(title, 'deck')}.md", chapter)]
        self.conversion.units = len(slides)
        return self.conversion

    # --- front matter and course.yaml -------------------------------------------------------------

    def _front_matter(self) -> dict:
        token = next((t for t in self.tokens if t.type == "front_matter"), None)
        if token is None or not token.map:
            return {}
        self.lines.drop(*token.map)
        self.front_lines = range(*token.map)
        try:
            data = yaml.safe_load(token.content) or {}
        except yaml.YAMLError as exc:
            raise ContentError([Diagnostic(Location(self.path, 2), f"front matter is not valid YAML: {exc}")])
        if not isinstance(data, dict):
            raise ContentError([Diagnostic(Location(self.path, 2), "front matter is not a mapping of directives")])
        return data

    def _meta(self, front: dict, title: str) -> dict[str, object]:
        meta: dict[str, object] = {"title": title}
        if front.get("description"):
            meta["subtitle"] = str(front["description"])
        if front.get("author"):
            meta["authors"] = [str(front["author"])]
        lang = str(front.get("lang") or "")
        if BCP47.match(lang):
            meta["language"] = lang
        for key, value in front.items():
            self._directive(key, value, self._front_line(key), global_ok=True)
        return meta

    def _front_line(self, key: str) -> int:
        lines = getattr(self, "front_lines", range(0))
        return next((i + 1 for i in lines if self.lines.lines[i].startswith(f"{key}:")), 1)

    def _first_heading(self) -> str:
        for index, token in enumerate(self.tokens):
            if token.type == "heading_open":
                return src.COMMENT.sub("", self.tokens[index + 1].content).strip()
        return ""

    def _directive(self, key: str, value: object, line: int, global_ok: bool) -> None:
        name = key.lstrip("_")
        if name in _NOT_REPORTED:
            return
        if name == "theme" and str(value) == "default":
            return
        what = {"paginate": "slide numbers come from the deckbook theme",
                "class": "slides are laid out by the deckbook theme",
                "style": "styles come from the deckbook theme",
                "theme": "the course uses a deckbook theme",
                "size": "the slide size comes from the deckbook theme",
                "header": "the deck's footer comes from the theme",
                "footer": "the deck's footer comes from the theme"}.get(name, "no equivalent in the course format")
        scope = "" if global_ok or name in GLOBAL else " (this slide)" if key.startswith("_") else ""
        shown = str(value).strip().split("\n")[0][:60]
        self.report.add(self.path, line, f"directive {key}: {shown}{scope} not carried over ({what})")

    # --- slides -----------------------------------------------------------------------------------

    def _slides(self) -> list[_Slide]:
        """Return the slides as Marp splits them: at `---` rules and at headings of the divider levels."""
        slides = [_Slide(0, None)]
        visible = False  # Marpit splits at a divider heading once anything but a comment came before it,
        # even right after a `---` (which then leaves an empty slide, as Marp shows it)
        for index, token in enumerate(self.tokens):
            if token.level != 0 or token.type == "front_matter" or not token.map:
                continue
            if token.type == "hr":
                slides.append(_Slide(token.map[1], token))
                visible = True
                continue
            if token.type == "heading_open" and int(token.tag[1]) in self.divider and visible:
                slides.append(_Slide(token.map[0], None))
            if token.nesting >= 0:
                slides[-1].tokens.append((index, token))
                visible = visible or not self._is_comment(token)
        return slides

    def _is_comment(self, token: Token) -> bool:
        """Return whether a block is hidden in Marp: comments and `<style>` elements show nothing."""
        if token.type != "html_block":
            return False
        html = src.COMMENT.sub("", token.content)
        return not re.sub(r"<style\b.*?</style\s*>", "", html, flags=re.S | re.I).strip()

    def _is_dropped(self, token: Token) -> bool:
        """Return whether a block is HTML the course format does not render (so it is not carried over)."""
        return token.type == "html_block" and bool(src.unknown_tags(token.content))

    def _emit(self, number: int, slide: _Slide) -> bool:
        """Edit one slide's lines; return whether it has a title."""
        content = [(i, t) for i, t in slide.tokens
                   if not self._is_comment(t) and not self._is_dropped(t) and not self._only_backgrounds(i, t)]
        titled = bool(content) and content[0][1].type == "heading_open"
        title_level = int(content[0][1].tag[1]) if titled else 0
        for index, token in slide.tokens:
            if token.type == "heading_open":
                self._heading(index, token, slide, title_level if content and index == content[0][0] else 0,
                              title_level)
            elif token.type == "html_block":
                self._html_block(token, slide)
            elif token.type in ("paragraph_open", "bullet_list_open", "ordered_list_open", "blockquote_open",
                                "table_open"):
                self._inlines(token, slide)
        if not [t for _, t in slide.tokens if not self._is_comment(t) and not self._is_dropped(t)]:
            where = (slide.boundary.map[0] + 1) if slide.boundary and slide.boundary.map else slide.start + 1
            empty = "is empty in Marp" if all(self._is_comment(t) for _, t in slide.tokens) else \
                "holds only HTML that is not carried over"
            self.report.add(self.path, where, f"slide {number} {empty}: not carried over"
                            + (" (its notes go to the next slide)" if slide.notes else ""))
            if slide.boundary is not None and slide.boundary.map:
                self.lines.drop(*slide.boundary.map)
            self.pending_notes += slide.notes
            return False
        slide.notes[:0], self.pending_notes = self.pending_notes, []
        if titled and content[0][0] != slide.tokens[0][0]:
            # Background images (and comments) before the title: the title opens the slide, they follow it.
            heading = content[0][1]
            assert heading.map and slide.tokens[0][1].map
            self.lines.insert(slide.tokens[0][1].map[0], self.lines[heading.map[0]], "")
            self.lines.drop(heading.map[0], heading.map[0] + 1)
        if slide.boundary is not None and slide.boundary.map:
            first = slide.boundary.map[0]
            self.lines.drop(*slide.boundary.map)
            if not titled:
                self.lines.replace(first, "", "---", "")
        elif not titled and number > 1:
            self.lines.insert(slide.start, "---", "")
        self._notes(slide)
        return titled

    def _notes(self, slide: _Slide) -> None:
        if not slide.notes:
            return
        end = slide.tokens[-1][1].map[1] if slide.tokens and slide.tokens[-1][1].map else slide.start
        end = max([end, *(t.map[1] for _, t in slide.tokens if t.map)])
        self.lines.insert(end, "", "::: notes", "", *"\n\n".join(slide.notes).split("\n"), "", ":::", "")

    def _heading(self, index: int, token: Token, slide: _Slide, title_level: int, slide_title: int) -> None:
        if not token.map:
            return
        first, last = token.map
        inline = self.tokens[index + 1]
        text = self._inline_comments(inline.content, first, slide).strip()
        if title_level:
            level = SLIDE_LEVEL
        else:
            level = min(6, max(SLIDE_LEVEL + 1, SLIDE_LEVEL + int(token.tag[1]) - slide_title if slide_title
                               else int(token.tag[1])))
        self.lines.replace_block(first, last, src.heading_line(level, text, []))

    def _html_block(self, token: Token, slide: _Slide) -> None:
        if not token.map:
            return
        first, last = token.map
        html = self._comments(token.content, first, slide)
        if not html.strip():
            self.lines.drop(first, last)
            return
        unknown = src.unknown_tags(html)
        if unknown:
            what = "styles come from the deckbook theme" if "style" in unknown else "not rendered by the course format"
            self.report.add(self.path, first + 1, f"HTML <{'>, <'.join(unknown)}> not carried over ({what})")
            self.lines.drop(first, last)
            return
        self.lines.replace_block(first, last, *html.strip("\n").split("\n"))

    def _comments(self, html: str, first: int, slide: _Slide) -> str:
        """Return `html` without its comments; each comment is a directive (applied) or a presenter note."""
        def take(match: re.Match) -> str:
            body = match.group(0)[4:-3].strip()
            line = first + 1 + html[:match.start()].count("\n")
            directives = _directives(body)
            if body == "fit":  # Marp's auto-fitting heading: deckbook fits titles itself
                return ""
            if directives is None:
                if body:
                    slide.notes.append(body)
            else:
                for key, value in directives.items():
                    self._directive(key, value, line, global_ok=False)
            return ""

        return src.COMMENT.sub(take, html)

    def _inline_comments(self, text: str, first: int, slide: _Slide) -> str:
        return self._comments(text, first, slide) if "<!--" in text else text

    def _inlines(self, token: Token, slide: _Slide) -> None:
        """Map images and inline comments in a paragraph, list, quotation or table."""
        if not token.map:
            return
        first, last = token.map
        for number in range(first, last):
            line = self.lines[number]
            new = self._inline_comments(line, number, slide)
            new = _IMAGE.sub(lambda m: self._image(m, number), new)
            new, removed = src.inline_html(new)
            if removed:
                self.report.add(self.path, number + 1, f"HTML {' '.join(removed)} not carried over (its text is kept)")
            if new != line:
                lines = new.split("\n")
                if token.type == "paragraph_open" and len(_IMAGE.findall(new)) and last - first > 1:
                    lines = [*lines, ""]  # images each in a paragraph of their own
                self.lines.replace(number, *lines)

    def _image(self, match: re.Match, number: int) -> str:
        alt, ref, title = match.group(1), match.group(2), match.group(3)
        words = alt.split()
        keywords = [w for w in words if _IMAGE_WORD.match(w)]
        text = " ".join(w for w in words if not _IMAGE_WORD.match(w))
        background = any(w.lower() == "bg" for w in keywords)
        if re.match(r"^[a-z][a-z0-9+.-]*:", ref, re.I):
            self.report.add(self.path, number + 1, f"image '{ref}' is on the web: not carried over "
                            "(deckbook never fetches; download it next to the deck to keep it)")
            return text
        new = self.assets.use(ref, PurePosixPath("."), self.path, number + 1, "image")
        if new is None:
            return text
        if background:
            self.report.add(self.path, number + 1, f"background image '{ref}' ({' '.join(keywords)}) "
                            "is shown as a picture on the slide")
        elif keywords:
            self.report.add(self.path, number + 1, f"image size/filter '{' '.join(keywords)}' not carried over "
                            "(the layout sizes pictures)")
        return f"![{text}]({new}{title})"

    def _only_backgrounds(self, index: int, token: Token) -> bool:
        """Return whether a paragraph holds nothing but background images (they do not make a title slide)."""
        if token.type != "paragraph_open":
            return False
        inline = self.tokens[index + 1]
        return all(c.type == "image" and re.match(r"^bg\b", "".join(x.content for x in c.children or []), re.I)
                   or c.type == "softbreak" or (c.type == "text" and not c.content.strip())
                   for c in inline.children or [])


def _directives(body: str) -> dict | None:
    """Return a comment's directives, or None when it is a presenter note (Marp's rule: YAML of known keys)."""
    try:
        data = yaml.safe_load(body)
    except yaml.YAMLError:
        return None
    if not isinstance(data, dict) or not data:
        return None
    keys = [str(k).lstrip("_") for k in data]
    return data if all(k in GLOBAL or k in LOCAL for k in keys) else None


def _divider_levels(value: object) -> set[int]:
    """Return the heading levels that start a slide (`headingDivider: 2` means levels 1 and 2)."""
    if isinstance(value, bool) or value is None:
        return set()
    if isinstance(value, int):
        return set(range(1, value + 1))
    if isinstance(value, list):
        return {v for v in value if isinstance(v, int)}
    return set()

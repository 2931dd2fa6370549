"""mdBook → course: book.toml → course.yaml, SUMMARY.md's parts and chapters → chapters and sections,
each page → slides (its `#` title is the slide title), `<details>` → `::: notes`.

Mapping. With parts (`# Day 1` in SUMMARY.md) each part is a chapter file, each top-level chapter a
level-2 section and every page a level-3 slide; without parts each top-level chapter is a chapter file
and every page a level-2 slide. Sub-pages follow their parent in SUMMARY order. A page's own headings
move down with it (`##` becomes the level below the slide's). Links between pages become links to the
page's slide heading (`{#anchor}`); files are copied only from the book's src folder.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from urllib.parse import unquote

import yaml
from markdown_it.token import Token
from markdown_it.tree import SyntaxTreeNode

from ..errors import ContentError, Diagnostic, Diagnostics, Location
from ..load import text as load_text
from . import source as src
from .course import Assets, Conversion, chapter_names
from .report import Report

MAX_HEADING = 6
_DIRECTIVE = re.compile(r"(?<!\\)\{\{\s*([#%])\s*([\w-]+)\s*(.*?)\s*\}\}")
_INCLUDES = ("include", "rustdoc_include")
_DETAILS = re.compile(r"<details\b[^>]*>|</details\s*>|<summary\b[^>]*>(.*?)</summary\s*>|<!--.*?-->", re.S | re.I)
_IMG = re.compile(r"<img\b[^>]*>", re.I)
_SRC = re.compile(r"""(\bsrc\s*=\s*)(["']?)([^"'\s>]+)\2""", re.I)
_REF_DEF = re.compile(r"^ {0,3}\[((?:[^\]\\]|\\.)+)\]:\s*(<[^>]*>|\S+)")
_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*:|^//", re.I)


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
        return PurePosixPath(self.rel).parent


def convert(source: Path) -> Conversion:
    """Return the course converted from the mdBook in folder `source`; raise ContentError when unreadable."""
    return _Book(source).convert()


class _Book:
    def __init__(self, root: Path):
        self.root = root
        self.diags = Diagnostics()
        self.report = Report()

    # --- the whole book ---------------------------------------------------------------------------

    def convert(self) -> Conversion:
        book_file = self.root / "book.toml"
        if not book_file.is_file():
            raise ContentError([Diagnostic(Location(self.root), f"no book.toml in '{self.root}'",
                                           "an mdBook folder holds book.toml and src/SUMMARY.md")])
        config = self._config(book_file)
        book = config.get("book", {}) if isinstance(config.get("book"), dict) else {}
        self.src = self.root / str(book.get("src", "src"))
        summary_file = self.src / "SUMMARY.md"
        summary = load_text.read(summary_file, self.diags, what="SUMMARY.md") if summary_file.is_file() else None
        if summary is None and not self.diags.errors:
            self.diags.error(Location(summary_file), "SUMMARY.md not found", "mdBook lists its pages in src/SUMMARY.md")
        self.diags.raise_if_errors(ContentError)
        conversion = Conversion(self._meta(book, book_file), report=self.report)
        self.title = str(conversion.meta["title"])
        self.assets = Assets(self.src, conversion)
        parts = self._summary(summary_file, summary or "")
        self.pages = self._read_pages(parts)
        self.diags.raise_if_errors(ContentError)
        self.targets: dict[str, set[str]] = {}
        for page in self.pages.values():
            self._collect_targets(page)
        titled = any(p.title for p in parts)
        self.slide_level = 3 if titled else 2
        conversion.meta["slide_level"] = self.slide_level
        chapters = self._chapters(parts, titled)
        names = chapter_names([title for title, _ in chapters])
        conversion.chapters = [(name, text) for name, (_, text) in zip(names, chapters)]
        conversion.units = len(self.pages)
        return conversion

    def _config(self, path: Path) -> dict:
        text = load_text.read(path, self.diags, what="book.toml")
        if text is None:
            raise ContentError(self.diags.items)
        try:
            config = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            where = re.search(r"at line (\d+), column (\d+)", str(exc))
            loc = Location(path, int(where.group(1)), int(where.group(2))) if where else Location(path)
            raise ContentError([Diagnostic(loc, f"book.toml is not valid TOML: {str(exc).split(' (at')[0]}")])
        lines = text.split("\n")
        for table in ("preprocessor", "output"):
            for name, value in (config.get(table) or {}).items():
                if table == "output" and name == "html" and isinstance(value, dict):
                    for key in ("additional-css", "additional-js", "theme"):
                        if key in value:
                            self.report.add(path, _line_of(lines, key), f"[output.html] {key} not carried over "
                                            "(the course uses a deckbook theme)")
                elif table == "preprocessor" and name not in ("links", "index"):
                    self.report.add(path, _line_of(lines, f"[preprocessor.{name}"),
                                    f"preprocessor '{name}' not carried over: its output is not in the pages")
        return config

    def _meta(self, book: dict, path: Path) -> dict[str, object]:
        lines = path.read_text(encoding="utf-8").split("\n")
        meta: dict[str, object] = {"title": str(book.get("title") or self.root.name)}
        authors = book.get("authors")
        if isinstance(authors, list) and authors:
            meta["authors"] = [str(a) for a in authors]
        language = book.get("language")
        if isinstance(language, str) and re.match(r"^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$", language):
            meta["language"] = language
        elif language:
            self.report.add(path, _line_of(lines, "language"), f"language '{language}' is not a BCP 47 tag: not carried over")
        if book.get("description"):
            self.report.add(path, _line_of(lines, "description"), "description not carried over (course.yaml has subtitle:)")
        return meta

    # --- SUMMARY.md -------------------------------------------------------------------------------

    def _summary(self, path: Path, text: str) -> list[Part]:
        """Return SUMMARY.md's parts in order (mdBook's rules: a leading `#` title is the book's, ignored)."""
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
                parts[-1].entries += self._links(path, node, line)
            elif node.type in ("bullet_list", "ordered_list"):
                parts[-1].entries += self._list(path, node)
                numbered = True
            elif node.type not in ("hr", "html_block", "front_matter"):
                self.report.add(path, line, f"SUMMARY.md: {node.type.replace('_', ' ')} is not a chapter: not carried over")
            seen_chapter = seen_chapter or node.type in ("paragraph", "bullet_list", "ordered_list")
        return [p for p in parts if p.entries or p.title]

    def _links(self, path: Path, paragraph: SyntaxTreeNode, line: int) -> list[Entry]:
        entries = []
        for node in paragraph.children[0].children:
            if node.type == "link":
                entries.append(self._entry(path, node, line))
        return entries

    def _list(self, path: Path, node: SyntaxTreeNode) -> list[Entry]:
        entries: list[Entry] = []
        for item in node.children:
            line = (item.map[0] + 1) if item.map else 1
            entry = None
            for child in item.children:
                if child.type == "paragraph":
                    links = [n for n in child.children[0].children if n.type == "link"]
                    if links:
                        entry = self._entry(path, links[0], line)
                    else:
                        self.report.add(path, line, f"SUMMARY.md: '{child.children[0].content}' has no link: "
                                        "not a chapter, not carried over")
                elif child.type in ("bullet_list", "ordered_list") and entry is not None:
                    entry.children += self._list(path, child)
                elif child.type in ("bullet_list", "ordered_list"):
                    entries += self._list(path, child)
            if entry is not None:
                if entry.rel is None:  # a draft chapter: mdBook shows its title only; its sub-chapters stay
                    self.report.add(path, line, f"draft chapter '{entry.title}' (no page) not carried over")
                    entries += entry.children
                else:
                    entries.append(entry)
        return entries

    def _entry(self, path: Path, link: SyntaxTreeNode, line: int) -> Entry:
        href = unquote(str(link.attrs.get("href", "")))
        title = _markdown(link.children)
        rel = self.assets.relative(href, PurePosixPath(".")) if href else None
        if href and rel is None:
            self.report.add(path, line, f"chapter '{title}' links outside src/ ('{href}'): not carried over")
        return Entry(title, rel, line)

    # --- pages ------------------------------------------------------------------------------------

    def _read_pages(self, parts: list[Part]) -> dict[str, Page]:
        pages: dict[str, Page] = {}
        summary = self.src / "SUMMARY.md"
        for entry in _entries(parts):
            assert entry.rel is not None
            if entry.rel in pages:
                self.report.add(summary, entry.line, f"page '{entry.rel}' is listed twice: its second entry is not carried over")
                entry.rel = None
                continue
            path = self.src / entry.rel
            if not path.resolve().is_relative_to(self.src.resolve()):
                self.report.add(summary, entry.line, f"page '{entry.rel}' links out of src/: not carried over")
                entry.rel = None
                continue
            if not path.is_file():
                # mdBook creates missing pages (create-missing); an empty page has nothing to carry over.
                self.report.add(summary, entry.line, f"page '{entry.rel}' does not exist: only its title is carried over")
                entry.rel = None
                continue
            text = load_text.read(path, self.diags, what="page")
            if text is not None:
                pages[entry.rel] = _page(entry.rel, path, text)
        return pages

    def _collect_targets(self, page: Page) -> None:
        """Note which headings other pages link to, so they get an explicit anchor."""
        for token in src.walk(page.tokens):
            if token.type == "link_open":
                self.link_target(page, str(token.attrs.get("href", "")), None)
        for ref in page.env.get("references", {}).values():
            self.link_target(page, ref.get("href", ""), None)

    def link_target(self, page: Page, href: str, where: int | None) -> str | None:
        """Return the course link for a link in `page` ('#anchor'); None to keep it; '' to unlink it.

        `where` (a 1-based line) is given when reporting; when None, only the target is recorded.
        """
        href = unquote(href)
        if not href or _SCHEME.match(href):
            return None
        path, _, frag = href.partition("#")
        path, query, _ = path.partition("?")
        if query and not path and not frag:
            self._note(page, where, f"link '{href}' only sets an option of the web page: the link is dropped, "
                       "its text kept")
            return ""
        rel = page.rel if not path else self.assets.relative(path, page.base)
        if rel is None:
            self._note(page, where, f"link '{href}' leads out of the book: the link is dropped, its text kept")
            return ""
        target = self._page_for(rel)
        if target is None:
            what = "a page not in SUMMARY.md" if rel.endswith((".md", ".html")) else "a file, not a page"
            self._note(page, where, f"link '{href}' goes to {what}: the link is dropped, its text kept")
            return ""
        ids = set(target.ids.values())
        if frag and frag not in ids:
            self._note(page, where, f"link '{href}': no heading '#{frag}' in {target.rel}; it now goes to the page")
            frag = ""
        if frag and target.title_index is not None and target.ids[target.title_index] == frag:
            frag = ""
        self.targets.setdefault(target.rel, set()).add(frag)
        return f"#{_heading_anchor(target, frag)}"

    def _page_for(self, rel: str) -> Page | None:
        candidates = [rel]
        if rel.endswith(".html"):
            candidates.append(rel[:-5] + ".md")
        if rel.endswith("/index.html") or rel == "index.html":
            candidates.append(rel[:-10] + "README.md")
        candidates += [f"{rel}/index.md", f"{rel}/README.md"]
        return next((self.pages[c] for c in candidates if c in self.pages), None)

    def _note(self, page: Page, line: int | None, message: str) -> None:
        if line is not None:
            self.report.add(page.path, line, message)

    # --- chapters ---------------------------------------------------------------------------------

    def _chapters(self, parts: list[Part], titled: bool) -> list[tuple[str, str]]:
        chapters = []
        if titled:
            for part in parts:
                labels: set[str] = set()
                if part.title is None and len(part.entries) == 1:  # a chapter outside the parts: its own
                    entry = part.entries[0]
                    chapters.append((self._title(entry), self._entry_lines(entry, 1, labels)))
                    continue
                title = part.title or self.title
                lines = [src.heading_line(1, title, []), ""]
                grouped = False
                for entry in part.entries:
                    # A page with sub-pages is a section; so is every page after one (or it would sit in it).
                    grouped = grouped or bool(entry.children)
                    lines += self._entry_lines(entry, 2 if grouped else None, labels)
                chapters.append((title, lines))
        else:
            for entry in _top(parts):
                chapters.append((self._title(entry), self._entry_lines(entry, 1, set())))
        return [(_plain_title(title), _join(lines)) for title, lines in chapters]

    def _title(self, entry: Entry) -> str:
        page = self.pages.get(entry.rel or "")
        if page is not None and page.title_index is not None:
            return src.inline_html(page.tokens[page.title_index + 1].content.strip())[0]
        return src.inline_html(entry.title)[0]

    def _entry_lines(self, entry: Entry, section: int | None, labels: set[str]) -> list[str]:
        """Return an entry and its sub-entries: a section heading at `section` (its page as a slide if it has
        content; None: the page is a slide, no section), then each sub-page as a slide; sub-pages of
        sub-pages follow in order."""
        lines = self._page_lines(entry, section, labels)
        for child in _flat(entry.children):
            lines += self._page_lines(child, None, labels)
        return lines

    def _page_lines(self, entry: Entry, section: int | None, labels: set[str]) -> list[str]:
        page = self.pages.get(entry.rel or "")
        title = self._title(entry)
        if page is None:
            return [src.heading_line(section or self.slide_level, title, []), ""]
        body, minutes, has_content = _PageWriter(self, page, labels).body()
        anchor = [f"#{page.anchor}"] if "" in self.targets.get(page.rel, set()) else []
        timing = [f"minutes={minutes}"] if minutes else []
        if section is None:
            if not has_content:
                self.report.add(page.path, 1, "the page has no content besides its title: its slide shows the title only")
            return [src.heading_line(self.slide_level, title, anchor + timing), "", *body, ""]
        if not has_content:
            return [src.heading_line(section, title, anchor + timing), "", *body, *([""] if body else [])]
        return [src.heading_line(section, title, anchor), "",
                src.heading_line(self.slide_level, title, timing), "", *body, ""]


class _PageWriter:
    """One page's lines for the course: front matter read, headings moved, links, files and notes mapped."""

    def __init__(self, book: _Book, page: Page, labels: set[str]):
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
        out = self._without_empty_headings(_trim(src.tidy(self.lines.result())))
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
        attrs = [f"#{_heading_anchor(self.page, frag)}"] if frag in self.book.targets.get(self.page.rel, set()) else []
        self.lines.replace(first, src.heading_line(level, src.inline_source(inline), attrs))
        self.lines.drop(first + 1, last)

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
        self.lines.replace(first, *out)
        self.lines.drop(first + 1, last)

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
        if _SCHEME.match(ref):
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
    "front_matter": _PageWriter._front_matter,
    "heading_open": _PageWriter._heading,
    "html_block": _PageWriter._html_block,
    "fence": _PageWriter._fence,
    "inline": _PageWriter._inline,
}
"""Token type → how a page's block of that type is carried over; other tokens are kept as written."""


def _page(rel: str, path: Path, text: str) -> Page:
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


def _heading_anchor(page: Page, frag: str) -> str:
    return f"{page.anchor}--{frag}" if frag else page.anchor


def _plain(inline: Token) -> str:
    return "".join(c.content for c in inline.children or [] if c.type in ("text", "code_inline"))


def _mdbook_id(text: str) -> str:
    """Return mdBook's id for a heading (`normalize_id`): alphanumerics, `_` and `-` kept, spaces → `-`."""
    return "".join(c.lower() if c.isalnum() or c in "_-" else "-" if c.isspace() else "" for c in text)


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


def _plain_title(title: str) -> str:
    return re.sub(r"[`*_~]", "", title)


def _normal(label: str) -> str:
    """Return a reference label normalised as markdown-it keys its references."""
    return re.sub(r"\s+", " ", label.strip()).lower().upper()


def _entries(parts: list[Part]):
    for part in parts:
        yield from _flat(part.entries)


def _flat(entries: list[Entry]):
    for entry in entries:
        if entry.rel is not None:
            yield entry
        yield from _flat(entry.children)


def _top(parts: list[Part]) -> list[Entry]:
    return [e for p in parts for e in p.entries]


def _line_of(lines: list[str], needle: str) -> int:
    return next((i + 1 for i, line in enumerate(lines) if needle in line), 1)


def _trim(lines: list[str]) -> list[str]:
    """Return lines without leading and trailing blank lines."""
    start = next((i for i, line in enumerate(lines) if line.strip()), len(lines))
    end = len(lines)
    while end > start and not lines[end - 1].strip():
        end -= 1
    return lines[start:end]


def _join(lines: list[str]) -> str:
    return "\n".join(_trim(lines)) + "\n"

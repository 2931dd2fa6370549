"""mdBook → course: book.toml → course.yaml, SUMMARY.md's parts and chapters → chapters and sections,
each page → slides (its `#` title is the slide title), `<details>` → `::: notes`.

Mapping. With parts (`# Day 1` in SUMMARY.md) each part is a chapter file, each top-level chapter a
level-2 section and every page a level-3 slide; without parts each top-level chapter is a chapter file
and every page a level-2 slide. Sub-pages follow their parent in SUMMARY order. A page's own headings
move down with it (`##` becomes the level below the slide's). Links between pages become links to the
page's slide heading (`{#anchor}`); files are copied only from the book's src folder.

The package: `summary` (SUMMARY.md → parts and chapters), `page` (a page read: its headings' ids and
anchors), `rewrite` (a page's lines carried over); this module reads book.toml, maps links between pages
and puts the chapters together.
"""

from __future__ import annotations

import re
import tomllib
from pathlib import Path
from urllib.parse import unquote

from ...errors import ContentError, Diagnostic, Diagnostics, Location
from ...load import text as load_text
from ...load.course import BCP47
from .. import source as src
from ..course import Assets, Conversion, chapter_names
from ..report import Report
from . import summary
from .page import SCHEME, Page, heading_anchor, read as read_page
from .rewrite import PageWriter
from .summary import Entry, Part


def convert(source: Path) -> Conversion:
    """Return the course converted from the mdBook in folder `source`; raise ContentError when unreadable."""
    return Book(source).convert()


class Book:
    """One mdBook being converted: its configuration, pages and links; it writes the chapters."""

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
        text = load_text.read(summary_file, self.diags, what="SUMMARY.md") if summary_file.is_file() else None
        if text is None and not self.diags.errors:
            self.diags.error(Location(summary_file), "SUMMARY.md not found", "mdBook lists its pages in src/SUMMARY.md")
        self.diags.raise_if_errors(ContentError)
        conversion = Conversion(self._meta(book, book_file), report=self.report)
        self.title = str(conversion.meta["title"])
        self.assets = Assets(self.src, conversion)
        parts = summary.read(summary_file, text or "", self.assets, self.report)
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
        if isinstance(language, str) and BCP47.match(language):
            meta["language"] = language
        elif language:
            self.report.add(path, _line_of(lines, "language"), f"language '{language}' is not a BCP 47 tag: not carried over")
        if book.get("description"):
            self.report.add(path, _line_of(lines, "description"), "description not carried over (course.yaml has subtitle:)")
        return meta

    # --- SUMMARY.md -------------------------------------------------------------------------------

    def _read_pages(self, parts: list[Part]) -> dict[str, Page]:
        pages: dict[str, Page] = {}
        listing = self.src / "SUMMARY.md"
        for entry in summary.entries(parts):
            assert entry.rel is not None
            if entry.rel in pages:
                self.report.add(listing, entry.line, f"page '{entry.rel}' is listed twice: its second entry is not carried over")
                entry.rel = None
                continue
            path = self.src / entry.rel
            if not path.resolve().is_relative_to(self.src.resolve()):
                self.report.add(listing, entry.line, f"page '{entry.rel}' links out of src/: not carried over")
                entry.rel = None
                continue
            if not path.is_file():
                # mdBook creates missing pages (create-missing); an empty page has nothing to carry over.
                self.report.add(listing, entry.line, f"page '{entry.rel}' does not exist: only its title is carried over")
                entry.rel = None
                continue
            text = load_text.read(path, self.diags, what="page")
            if text is not None:
                pages[entry.rel] = read_page(entry.rel, path, text)
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
        if not href or SCHEME.match(href):
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
        return f"#{heading_anchor(target, frag)}"

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
            for entry in summary.top(parts):
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
        for child in summary.flat(entry.children):
            lines += self._page_lines(child, None, labels)
        return lines

    def _page_lines(self, entry: Entry, section: int | None, labels: set[str]) -> list[str]:
        page = self.pages.get(entry.rel or "")
        title = self._title(entry)
        if page is None:
            return [src.heading_line(section or self.slide_level, title, []), ""]
        body, minutes, has_content = PageWriter(self, page, labels).body()
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


def _line_of(lines: list[str], needle: str) -> int:
    return next((i + 1 for i, line in enumerate(lines) if needle in line), 1)


def _join(lines: list[str]) -> str:
    return "\n".join(src.trim(lines)) + "\n"


def _plain_title(title: str) -> str:
    return re.sub(r"[`*_~]", "", title)

"""The handbook's workers: one document (a part of the book, or its folios) laid out by WeasyPrint, per task.

A worker process loads a style's fonts and stylesheets once (`loaded`), lays out each task it is given
(`lay_out`: the PDF, and the layout the stitch needs: pages, anchors, what WeasyPrint logged) and touches
no other state, so a part's bytes do not depend on which worker laid it out.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import warnings
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path

from . import engine  # noqa: F401 - first: WeasyPrint without its import-time warning
from weasyprint import CSS, HTML
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError

from ... import cache, epoch
from ...model import Course
from ...options import Options
from ...theme import Theme
from ..common import fontchain
from . import book, variants
from .css import FOLIO_STYLESHEET, MEASURE_STYLESHEET, PART_STYLESHEET, stylesheet_paths, tokens_css
from .sandbox import SandboxFetcher, virtual_uri

THEME_FONTS_ONLY = Path(__file__).with_name("theme-fonts-only.conf")


@dataclass(frozen=True)
class Style:
    """Everything but the HTML that shapes a document: a worker loads its fonts and stylesheets once."""

    tokens: str  # the theme as CSS (tokens_css), headed by a digest of its font files
    sheets: tuple[Path, ...]
    roots: tuple[Path, ...]  # what the fetcher serves
    base_url: str
    variant: str | None
    tagged: bool  # folio documents are not: the stitch draws them as artifacts

    @property
    def digest(self) -> str:
        payload = {"tokens": self.tokens, "sheets": [cache.file_digest(p) for p in self.sheets],
                   "roots": [str(r) for r in self.roots], "base_url": self.base_url, "variant": self.variant,
                   "tagged": self.tagged, "libraries": cache.library_versions(), "epoch": epoch.get()}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def styles(course: Course, theme: Theme, options: Options) -> dict[str, Style]:
    """Return the style of each kind of document: the whole book, a part of it, a folio document."""
    fallback = fontchain.chain(theme).needed(fontchain.course_text(course))
    tokens = tokens_css(theme, options, fallback)
    # The fallback fonts the course needs are installed outside the theme: the fetcher serves those files.
    font_files = tuple(dict.fromkeys(f for font in fallback for f in (font.file, font.bold) if f is not None))
    roots = (course.root, *theme.folders, *font_files)
    base_url = virtual_uri(course.root, roots) + "/"
    # Font files shape every page but are named in `tokens` by path only: their digests go in too.
    fonts = "/*" + files_digest(frozenset((*theme.files, *font_files))) + "*/\n"

    variant = variants.plan(options)[0]
    def style(*extra: str, tagged: bool = True) -> Style:
        return Style(fonts + tokens, stylesheet_paths(theme, options, *extra), roots, base_url,
                     variant if tagged else None, tagged)

    return {"part": style(PART_STYLESHEET), "folio": style(FOLIO_STYLESHEET, tagged=False),
            "measure": style(PART_STYLESHEET, MEASURE_STYLESHEET)}


class Refused(Exception):
    """Files the sandbox refused while a worker laid a document out: (path, message, hint) each."""


# Per style: fonts, stylesheets, fetcher, and what loading the stylesheets logged.
Loaded = tuple[FontConfiguration, list[CSS], SandboxFetcher, tuple[tuple[int, str], ...]]
LOADED: OrderedDict[Style, Loaded] = OrderedDict()
_LOADED_MAX = 8  # a build uses four styles; a long-lived process (watch, tests) sees more courses


def loaded(style: Style) -> Loaded:
    """Return the fonts, stylesheets, fetcher and stylesheet warnings of `style`, made once per process.

    Loading the theme's fonts and parsing its stylesheets costs more than laying out a short chapter;
    a part's bytes do not depend on what the process laid out before (the tests check).
    """
    if style in LOADED:
        LOADED.move_to_end(style)
    else:
        fetcher = SandboxFetcher(style.roots)
        fonts = _theme_fonts_only()
        with _collect_log() as records:
            try:  # a stylesheet's @import is fetched now
                sheets = [CSS(string=style.tokens, url_fetcher=fetcher, font_config=fonts)]
                sheets += [CSS(string=path.read_text(encoding="utf-8"), base_url=virtual_uri(path, style.roots),
                               url_fetcher=fetcher, font_config=fonts) for path in style.sheets]
            except FatalURLFetchingError:
                raise Refused(tuple(fetcher.refused)) from None
        LOADED[style] = fonts, sheets, fetcher, tuple((r.levelno, r.getMessage()) for r in records)
        while len(LOADED) > _LOADED_MAX:
            LOADED.popitem(last=False)
    return LOADED[style]


def _theme_fonts_only() -> FontConfiguration:
    """Return a font configuration that knows the theme's fonts only (no system font can be embedded).

    WeasyPrint's FontConfiguration loads fontconfig's configuration when made, from FONTCONFIG_FILE: pointed
    at a configuration without font folders, only the theme's @font-face fonts are there.
    """
    before = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(THEME_FONTS_ONLY)
    try:
        with warnings.catch_warnings():  # "No fonts configured in FontConfig": that is the point
            warnings.filterwarnings("ignore", "No fonts configured in FontConfig", UserWarning)
            return FontConfiguration()
    finally:  # only this configuration: programs started later (LibreOffice) see the system's fonts
        if before is None:
            del os.environ["FONTCONFIG_FILE"]
        else:
            os.environ["FONTCONFIG_FILE"] = before


def lay_out(task: book.Task, styles: dict[str, Style], source_date: str) -> book.Layout:
    """Lay out one document in a worker: write its PDF (and, when cached, its layout) and return the layout."""
    style = styles[task.kind]
    with epoch.pinned(source_date):  # fontTools stamps it into font subsets
        fonts, sheets, fetcher, sheet_log = loaded(style)
        fetcher.refused.clear()
        with _collect_log() as records:
            try:
                document = HTML(string=task.html, base_url=style.base_url, url_fetcher=fetcher).render(
                    stylesheets=sheets, font_config=fonts)
            except FatalURLFetchingError:
                raise Refused(tuple(fetcher.refused)) from None
            if 'class="cont"' in task.html:
                _drop_first_cont(document)
            tmp = task.pdf.with_name(f".{task.pdf.name}.{os.getpid()}.tmp")
            try:
                with warnings.catch_warnings():
                    # WeasyPrint 70 opens its sRGB profile for PDF/A output intents and never closes it
                    # (weasyprint/pdf/__init__.py, generate_pdf): that one ResourceWarning is not ours.
                    warnings.filterwarnings("ignore", r"unclosed file .*sRGB2014\.icc", ResourceWarning)
                    document.write_pdf(tmp, pdf_variant=style.variant, pdf_tags=style.tagged)
                os.replace(tmp, task.pdf)
            finally:
                tmp.unlink(missing_ok=True)
    anchors: dict[str, int] = {}
    for index, page in enumerate(document.pages):
        for name in page.anchors:
            anchors.setdefault(name, index)  # the first of two equal ids wins, as WeasyPrint's links do
    types = [page._page_box.page_type for page in document.pages]  # WeasyPrint's box tree (pinned to v70)
    layout = book.Layout(len(document.pages), anchors, tuple(not t.blank and not t.name for t in types),
                         sheet_log + tuple((r.levelno, r.getMessage()) for r in records))
    if task.meta is not None:
        tmp = task.meta.with_name(f".{task.meta.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(layout.dump(), sort_keys=True), encoding="utf-8")
        os.replace(tmp, task.meta)
    return layout


def _drop_first_cont(document) -> None:
    """Remove the "(cont.)" of each code title from the first page it is on, keeping it on the others.

    A long code block is a table whose header row (the title) WeasyPrint repeats on every page; the
    title carries "(cont.)" everywhere so every repetition has the same size, and the first one loses
    it here, after layout and before drawing. Relies on WeasyPrint's box tree (pinned to v70).
    """
    seen: set[int] = set()
    for page in document.pages:
        stack = [page._page_box]
        while stack:
            box = stack.pop()
            children = getattr(box, "children", None)
            if not children:
                continue
            kept = []
            for child in children:
                element = getattr(child, "element", None)
                if (isinstance(child, boxes.InlineBox) and element is not None
                        and element.get("class") == "cont" and id(element) not in seen):
                    seen.add(id(element))
                    continue
                kept.append(child)
            if len(kept) != len(children):
                box.children = type(children)(kept)
            stack.extend(reversed(kept))


class _Collector(logging.Handler):
    """A log handler that keeps the records it is given."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextlib.contextmanager
def _collect_log():
    """Collect what WeasyPrint logs at warning level and above while rendering (it still propagates)."""
    collector = _Collector()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(collector)
    try:
        yield collector.records
    finally:
        logger.removeHandler(collector)


def files_digest(files: frozenset[Path]) -> str:
    """Return one digest of the contents of `files` (and their paths)."""
    return hashlib.sha256("".join(f"{p}\0{cache.file_digest(p)}\0" for p in sorted(files)).encode()).hexdigest()

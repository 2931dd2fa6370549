"""The PDF handbook: the course as HTML through the theme's Jinja2 template, laid out by WeasyPrint.

The one module that imports WeasyPrint. `html()` is pure (golden tests read it); `render()` adds the
theme's stylesheets, fetches files through a sandbox that serves only the course and theme folders, and
writes the PDF with the metadata, the PDF variant and dates taken from the course, not the clock.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import mimetypes
import os
import warnings
from functools import lru_cache
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import jinja2
from weasyprint import CSS, HTML
from weasyprint.formatting_structure import boxes
from weasyprint.pdf import VARIANTS
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from .. import __version__, highlight
from ..errors import Diagnostic, Location, RenderError
from ..model import Course
from ..options import Options
from ..theme import SHIPPED_THEMES, Colours, Theme
from . import fontmetrics, svg
from . import html as writer

TEMPLATE = "handbook.html.j2"
STYLESHEET = "handbook.css"
PRINT_STYLESHEET = "handbook-print.css"  # bleed, crop marks, duplex margins, chapters on right pages
DEFAULT_TEMPLATES = SHIPPED_THEMES / "default" / "templates"
PAPER_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
CODE_LINE_HEIGHT = 1.4  # code rows, as a multiple of the code size
TABLE_SCALE = 0.92  # table text, relative to the body size
_PT_PER_MM = 72 / 25.4
_FAMILIES = {"body": "db-body", "heading": "db-heading", "mono": "db-mono"}
_FACES = {"regular": (400, "normal"), "bold": (700, "normal"), "italic": (400, "italic"),
          "bold_italic": (700, "italic")}


# --- HTML --------------------------------------------------------------------------------------------


def html(course: Course, theme: Theme, options: Options) -> str:
    """Return the handbook of `course` as one HTML document (no styles: those come with `render`)."""
    return _document(course, theme, options)[0]


def _document(course: Course, theme: Theme, options: Options) -> tuple[str, writer.Body]:
    meta = course.meta
    words = writer.labels(meta.language)
    trainer = options.edition == "trainer"
    body = writer.body(course, layout(theme, options), words, trainer)
    edition = "trainer" if trainer else "student"
    subject = " \u2014 ".join(p for p in (meta.subtitle, f"{words.version} {meta.version}") if p)
    logo = theme.spec.logo
    markup = _environment(tuple(_template_dirs(theme))).get_template(TEMPLATE).render(
        meta=meta,
        words=words,
        date=meta.date.isoformat(),
        description=subject,
        keywords=", ".join(k for k in (meta.title, f"version {meta.version}", f"{edition} edition",
                                       meta.organisation, course.slug) if k),
        generator=f"deckbook {__version__}",
        trainer=trainer,
        logo=logo.as_uri() if logo else "",
        toc=body.toc,
        chapters=body.chapters,
    )
    return markup, body


def layout(theme: Theme, options: Options) -> writer.Layout:
    """Return the page facts the HTML writer needs, from the theme, the paper and the fonts' metrics."""
    spec = theme.spec
    paper = options.paper or spec.paper
    text_width = (PAPER_MM[paper][0] - spec.margins.inner - spec.margins.outer) * _PT_PER_MM
    label_font = fontmetrics.advances(spec.fonts.body.bold)  # the widest face measures every label
    drawing = svg.Style(spec.colors, _FAMILIES["body"], round(spec.handbook.body_size * 0.85, 2),
                        label_font.width, text_width)
    return writer.Layout(
        text_width=text_width,
        code_size=spec.handbook.code_size,
        code_advance=fontmetrics.advances(spec.fonts.mono.regular).mono,
        toc_depth=spec.handbook.toc_depth,
        keep_lines=spec.handbook.code_keep_lines,
        table_size=round(spec.handbook.body_size * TABLE_SCALE, 2),
        pygments_style=spec.pygments_style,
        drawing=drawing,
    )


def _template_dirs(theme: Theme) -> list[Path]:
    """Return the template search path: the theme's own, its parents', then the shipped default's."""
    dirs = list(theme.template_dirs)
    return dirs + ([DEFAULT_TEMPLATES] if DEFAULT_TEMPLATES not in dirs else [])


@lru_cache(maxsize=16)
def _environment(dirs: tuple[Path, ...]) -> jinja2.Environment:
    """Return the Jinja2 environment of one theme (its template path): strict, autoescaping."""
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader([str(d) for d in dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


# --- CSS ---------------------------------------------------------------------------------------------


def tokens_css(theme: Theme, options: Options) -> str:
    """Return the theme as CSS: @font-face rules, the page size, custom properties, the code colours."""
    spec = theme.spec
    rules = []
    for role, family in _FAMILIES.items():
        font = getattr(spec.fonts, role)
        for face, (weight, style) in _FACES.items():
            rules.append(f'@font-face{{font-family:"{family}";src:url("{getattr(font, face).as_uri()}");'
                         f"font-weight:{weight};font-style:{style}}}")
    rules.append(f"@page{{size:{options.paper or spec.paper}}}")
    props = {f"--c-{name.replace('_', '-')}": value for name, value in spec.colors}
    props.update(_tints(spec.colors))
    props["--c-code-text"] = highlight.palette(spec.pygments_style).text
    hb, m, ins = spec.handbook, spec.margins, writer.Insets()
    props.update({
        # Fonts fall back to the body face (it has arrows and symbols the mono face lacks), never to
        # a system font, so only theme fonts are embedded.
        "--f-body": f'"{_FAMILIES["body"]}"',
        "--f-heading": f'"{_FAMILIES["heading"]}", "{_FAMILIES["body"]}"',
        "--f-mono": f'"{_FAMILIES["mono"]}", "{_FAMILIES["body"]}"',
        "--fs-body": f"{hb.body_size}pt",
        "--fs-small": f"{round(hb.body_size * 0.8, 2)}pt",
        "--fs-code": f"{hb.code_size}pt",
        "--fs-table": f"{round(hb.body_size * TABLE_SCALE, 2)}pt",
        "--fs-h1": f"{hb.h1_size}pt",
        "--fs-h2": f"{hb.h2_size}pt",
        "--fs-h3": f"{hb.h3_size}pt",
        "--lh": str(hb.line_height),
        "--code-lh": str(CODE_LINE_HEIGHT),
        "--m-top": f"{m.top}mm",
        "--m-bottom": f"{m.bottom}mm",
        "--m-inner": f"{m.inner}mm",
        "--m-outer": f"{m.outer}mm",
        # The HTML writer wraps code with these same insets (writer.Insets): keep them in one place.
        **{f"--{name.replace('_', '-')}": f"{getattr(ins, name)}pt" for name in ins.__dataclass_fields__},
    })
    rules.append(":root{" + ";".join(f"{k}:{v}" for k, v in props.items()) + "}")
    rules.append(highlight.css(spec.pygments_style, ".code"))
    return "\n".join(rules) + "\n"


def _tints(colors: Colours) -> dict[str, str]:
    """Return light backgrounds derived from the palette (callouts, notes, answers, code titles)."""
    white = "#FFFFFF"
    return {
        "--c-tip-bg": svg.mix(colors.tip, white, 0.92),
        "--c-note-bg": svg.mix(colors.note, white, 0.92),
        "--c-warning-bg": svg.mix(colors.warning, white, 0.9),
        "--c-notes-bg": svg.mix(colors.accent, white, 0.94),
        "--c-code-head": svg.mix(colors.code_border, colors.code_background, 0.45),
        "--c-rule": svg.mix(colors.muted, white, 0.6),
    }


def _stylesheets(theme: Theme, options: Options, fetcher: URLFetcher, fonts: FontConfiguration) -> list[CSS]:
    sheets = [CSS(string=tokens_css(theme, options), url_fetcher=fetcher, font_config=fonts)]
    names = [STYLESHEET] + ([PRINT_STYLESHEET] if options.print_mode else [])
    for name in names:
        path = next((d / name for d in _template_dirs(theme) if (d / name).is_file()), None)
        if path is None:
            raise RenderError([Diagnostic(Location(theme.root / "theme.yaml"), f"stylesheet '{name}' not found",
                                          f"looked in {', '.join(str(d) for d in _template_dirs(theme))}")])
        sheets.append(CSS(filename=path, url_fetcher=fetcher, font_config=fonts))
    return sheets


# --- PDF ---------------------------------------------------------------------------------------------


def render(course: Course, theme: Theme, out: Path, options: Options) -> Path:
    """Write the handbook of `course` as a PDF to `out` and return `out`."""
    if options.pdf_variant is not None and options.pdf_variant not in VARIANTS:
        raise RenderError(f"unknown PDF variant '{options.pdf_variant}' (one of: {', '.join(sorted(VARIANTS))})")
    markup, body = _document(course, theme, options)
    fetcher = SandboxFetcher((course.root, *theme.folders))
    fonts = FontConfiguration()
    with _source_date(course.meta.date), _collect_log() as records:
        try:
            document = HTML(string=markup, base_url=course.root.resolve().as_uri() + "/",
                            url_fetcher=fetcher).render(
                stylesheets=_stylesheets(theme, options, fetcher, fonts), font_config=fonts)
            if 'class="cont"' in markup:
                _drop_first_cont(document)
            with warnings.catch_warnings():
                # WeasyPrint 70 opens its sRGB profile for PDF/A output intents and never closes it
                # (weasyprint/pdf/__init__.py, generate_pdf): that one ResourceWarning is not ours.
                warnings.filterwarnings("ignore", r"unclosed file .*sRGB2014\.icc", ResourceWarning)
                document.write_pdf(out, pdf_variant=options.pdf_variant)
        except FatalURLFetchingError:
            raise RenderError([Diagnostic(body.files.get(path, Location(course.root)), message, hint)
                               for path, message, hint in fetcher.refused]) from None
    problems = [r for r in records if r.levelno >= logging.ERROR or options.strict]
    if problems:
        raise RenderError([Diagnostic(Location(course.root), f"WeasyPrint: {r.getMessage()}",
                                      severity="error" if r.levelno >= logging.ERROR else "warning")
                           for r in problems])
    return out


class SandboxFetcher(URLFetcher):
    """A URL fetcher that serves files inside the given folders, `data:` URLs, and nothing else.

    Symlinks are resolved before the check, so neither `..` nor a link leads out. Anything refused
    stops the rendering; `refused` says what and why.
    """

    def __init__(self, roots: tuple[Path, ...]):
        super().__init__(fail_on_errors=True)
        self.roots = tuple(r.resolve() for r in roots)
        self.refused: list[tuple[Path | None, str, str]] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            named = Path(url2pathname(unquote(urlsplit(url).path)))
            path = named.resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                self._refuse(path, f"file outside the course and theme folders: {named}",
                             "the handbook reads only files inside the course and its theme (links followed)")
            if not path.is_file():
                self._refuse(path, f"file not found: {named}", "check the path, relative to the course folder")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        self._refuse(None, f"remote resource refused: {url}",
                     "the handbook never fetches from the network: copy the file into the course or theme")

    def _refuse(self, path: Path | None, message: str, hint: str) -> NoReturn:
        self.refused.append((path, message, hint))
        raise RenderError(message)


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


@contextlib.contextmanager
def _source_date(date: dt.date):
    """Pin SOURCE_DATE_EPOCH (fontTools stamps it into font subsets) to the course date unless set."""
    if "SOURCE_DATE_EPOCH" in os.environ:
        yield
        return
    epoch = dt.datetime.combine(date, dt.time(), dt.timezone.utc).timestamp()
    os.environ["SOURCE_DATE_EPOCH"] = str(int(epoch))
    try:
        yield
    finally:
        os.environ.pop("SOURCE_DATE_EPOCH", None)


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

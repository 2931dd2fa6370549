"""The PDF handbook: the course as HTML through the theme's Jinja2 template, laid out by WeasyPrint.

The one module that imports WeasyPrint. `html()` is pure (golden tests read it); `render()` adds the
theme's stylesheets, fetches files through a sandbox that serves only the course and theme folders, and
writes the PDF with the metadata, the PDF variant and dates taken from the course, not the clock.

The book is laid out in parts, in worker processes, and stitched (see `render.handbook.book`): the cover and
contents, then each chapter, each its own document, cached, so a rebuild lays out only what changed.
Every handbook is tagged (PDF/UA-1 unless another variant is asked for): each part carries its own
structure tree, and the stitch merges them into the book's (see `render.handbook.stitch`).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import mimetypes
import os
import re
import time
import traceback
import uuid
import warnings
from importlib import resources as package_data
from collections import OrderedDict
from concurrent.futures import Executor
from dataclasses import dataclass, replace
from functools import lru_cache, partial
from pathlib import Path
from typing import Iterator, Mapping, NoReturn
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup
from .engine import notes  # first: imports WeasyPrint without its import-time warning
from weasyprint import CSS, HTML
from weasyprint.formatting_structure import boxes
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ... import __version__, cache, epoch, highlight
from ...errors import Diagnostic, Location, RenderError
from ...model import Course
from ...options import DEFAULT_PDF_VARIANT, PDF_VARIANTS, Options
from ...paths import confined
from ...theme import SHIPPED_THEMES, Colours, Theme
from ..common import fontchain, fontmetrics
from ..common.colours import tints
from ..common.labels import labels
from . import book, stitch, svg
from . import writer
from .. import pool as pools

TEMPLATE = "handbook.html.j2"
STYLESHEET = "handbook.css"
PRINT_STYLESHEET = "handbook-print.css"  # bleed, crop marks, duplex margins, chapters on right pages
PART_STYLESHEET = "handbook-part.css"  # a part of a stitched book draws no folios...
FOLIO_STYLESHEET = "handbook-folio.css"  # ...a folio document draws only them
MEASURE_STYLESHEET = "handbook-measure.css"  # a quick layout of the contents, to count its pages
#: Per `--pdf-variant`: the variant WeasyPrint writes, and the PDF/UA part the stitch adds to its claims.
VARIANT_PLAN: dict[str, tuple[str, int | None]] = {v: (v, None) for v in PDF_VARIANTS if "+" not in v}
VARIANT_PLAN["pdf/a-3a+pdf/ua-1"] = ("pdf/a-3a", 1)
#: --print: the printing condition of the PDF/X-4 output intent (Debian's libgs-common: Ghostscript's
#: default CMYK press profile), and what the pages' RGB means (WeasyPrint's own sRGB profile).
PRINT_PROFILE = Path("/usr/share/color/icc/ghostscript/default_cmyk.icc")
PRINT_CONDITION = "Ghostscript default CMYK (default_cmyk.icc)"
RGB_PROFILE = Path(str(package_data.files("weasyprint.pdf") / "sRGB2014.icc"))
DEFAULT_TEMPLATES = SHIPPED_THEMES / "default" / "templates"
PAPER_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
CONTENTS_PART = 400  # contents lines per part of a stitched book (about 12 pages; see `_contents_parts`)
CODE_LINE_HEIGHT = 1.4  # code rows, as a multiple of the code size
TABLE_SCALE = 0.92  # table text, relative to the body size
_PT_PER_MM = 72 / 25.4
_FAMILIES = {"body": "db-body", "heading": "db-heading", "mono": "db-mono"}
_FACES = {"regular": (400, "normal"), "bold": (700, "normal"), "italic": (400, "italic"),
          "bold_italic": (700, "italic")}


# --- HTML --------------------------------------------------------------------------------------------


def html(course: Course, theme: Theme, options: Options) -> str:
    """Return the handbook of `course` as one HTML document (no styles: those come with `render`)."""
    body, page = _document(course, theme, options)
    return page(front=True, toc=body.toc, chapters=body.chapters)


def _document(course: Course, theme: Theme, options: Options):
    """Return the body of the handbook and a function rendering the template with some of it."""
    meta = course.meta
    words = labels(meta.language)
    edition = options.edition
    trainer = edition == "trainer"
    body = writer.body(course, layout(theme, options), words, edition)
    subject = " \u2014 ".join(p for p in (meta.subtitle, f"{words.version} {meta.version}") if p)
    logo = theme.spec.logo
    page = partial(
        _render_template, tuple(_template_dirs(theme)),
        meta=meta,
        words=words,
        date=meta.date.isoformat(),
        description=subject,
        keywords=", ".join(k for k in (meta.title, f"version {meta.version}", f"{edition} edition",
                                       meta.organisation, course.slug) if k),
        generator=f"deckbook {__version__}",
        trainer=trainer,
        edition_title={"trainer": words.trainer_edition, "solutions": words.solutions}.get(edition, ""),
        schedule=body.schedule,
        logo=virtual_uri(logo, (course.root, *theme.folders)) if logo else "",
        page_start=None,
    )
    return body, page


def layout(theme: Theme, options: Options) -> writer.Layout:
    """Return the page facts the HTML writer needs, from the theme, the paper and the fonts' metrics."""
    spec = theme.spec
    paper = options.paper or spec.paper
    text_width = (PAPER_MM[paper][0] - spec.margins.inner - spec.margins.outer) * _PT_PER_MM
    label_font = fontmetrics.metrics(spec.fonts.body.bold)  # the widest face measures every label
    drawing = svg.Style(spec.colors, _FAMILIES["body"], round(spec.handbook.body_size * 0.85, 2),
                        label_font.width, text_width)
    return writer.Layout(
        text_width=text_width,
        code_size=spec.handbook.code_size,
        code_advance=fontmetrics.metrics(spec.fonts.mono.regular).mono,
        toc_depth=spec.handbook.toc_depth,
        keep_lines=spec.handbook.code_keep_lines,
        table_size=round(spec.handbook.body_size * TABLE_SCALE, 2),
        pygments_style=spec.pygments_style,
        drawing=drawing,
        body_size=spec.handbook.body_size,
    )


def _template_dirs(theme: Theme) -> list[Path]:
    """Return the template search path: the theme's own, its parents', then the shipped default's."""
    dirs = list(theme.template_dirs)
    return dirs + ([DEFAULT_TEMPLATES] if DEFAULT_TEMPLATES not in dirs else [])


@lru_cache(maxsize=16)
def _environment(dirs: tuple[Path, ...]) -> jinja2.Environment:
    """Return the Jinja2 environment of one theme (its template path): sandboxed, strict, autoescaping.

    A theme is data shared between trainers, not code: templates run in Jinja2's immutable sandbox (no
    `lipsum.__globals__`, no attribute beginning with `_`, no mutation) and see only what `_document`
    passes them, not even Jinja2's default globals.
    """
    env = ImmutableSandboxedEnvironment(
        loader=_ConfinedLoader([str(d) for d in dirs]),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.globals.clear()
    return env


def _render_template(dirs: tuple[Path, ...], **values) -> str:
    """Return the theme's handbook template rendered with `values`; a template's mistake is a RenderError."""
    try:
        return _environment(dirs).get_template(TEMPLATE).render(**values)
    except jinja2.TemplateError as exc:
        raise RenderError([Diagnostic(_template_location(exc, dirs), f"handbook template: {exc.message or exc}",
                                      "a template may only show the values deckbook passes (meta, words, toc, ...)")
                           ]) from None


def _template_location(exc: jinja2.TemplateError, dirs: tuple[Path, ...]) -> Location:
    """Return where in the theme's templates `exc` happened (a syntax error knows; a runtime one has a frame)."""
    filename, line = getattr(exc, "filename", None), getattr(exc, "lineno", None)
    if filename is None:
        frames = traceback.extract_tb(exc.__traceback__)
        found = [f for f in frames if f.filename.endswith(".j2")]
        if found:
            filename, line = found[-1].filename, found[-1].lineno
    return Location(Path(filename), line or 1) if filename else Location(dirs[0] / TEMPLATE)


class _ConfinedLoader(jinja2.FileSystemLoader):
    """A template loader that refuses a template whose real path (symbolic links followed) leaves its theme."""

    def get_source(self, environment: jinja2.Environment, template: str):
        source, filename, uptodate = super().get_source(environment, template)
        assert filename is not None
        if confined(Path(filename), [Path(d).parent for d in self.searchpath]) is None:
            raise RenderError([Diagnostic(Location(Path(filename)), f"template '{template}' links outside its theme",
                                          "a theme's files must live inside its folder; copy the file in")])
        return source, filename, uptodate


# --- CSS ---------------------------------------------------------------------------------------------


def tokens_css(theme: Theme, options: Options, fallback: tuple[fontchain.ChainFont, ...] = ()) -> str:
    """Return the theme as CSS: @font-face rules, the page size, custom properties, the code colours.

    `fallback` are the fonts of the theme's fallback chain that the course needs (`fontchain.Chain.needed`):
    each family lists them after its own face, so only those are loaded and embedded.
    """
    spec = theme.spec
    rules = []
    for role, family in _FAMILIES.items():
        font = getattr(spec.fonts, role)
        for face, (weight, style) in _FACES.items():
            rules.append(f'@font-face{{font-family:"{family}";src:url("{getattr(font, face).as_uri()}");'
                         f"font-weight:{weight};font-style:{style}}}")
    chain = ""
    for n, font in enumerate(fallback):
        assert font.file is not None  # `needed` returns installed fonts only
        for weight, file in ((400, font.file), (700, font.bold or font.file)):
            rules.append(f'@font-face{{font-family:"db-fallback-{n}";src:url("{file.as_uri()}");'
                         f"font-weight:{weight}}}")
        chain += f', "db-fallback-{n}"'
    rules.append(f"@page{{size:{options.paper or spec.paper}}}")
    props = {f"--c-{name.replace('_', '-')}": value for name, value in spec.colors}
    props.update(_tints(spec.colors))
    props["--c-code-text"] = highlight.palette(spec.pygments_style).text
    hb, m, ins = spec.handbook, spec.margins, writer.Insets()
    props.update({
        # Fonts fall back to the body face (it has arrows and symbols the mono face lacks), then to the
        # theme's fallback chain, never to another system font, so only theme fonts are embedded.
        "--f-body": f'"{_FAMILIES["body"]}"{chain}',
        "--f-heading": f'"{_FAMILIES["heading"]}", "{_FAMILIES["body"]}"{chain}',
        "--f-mono": f'"{_FAMILIES["mono"]}", "{_FAMILIES["body"]}"{chain}',
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
    rules.append(writer.code_css(spec.pygments_style, ".code"))
    if (options.pdf_variant or DEFAULT_PDF_VARIANT).startswith("pdf/a"):
        # PDF/A forbids interpolated images (ISO 19005-3 6.2.8-3); WeasyPrint asks for interpolation
        # unless `image-rendering` says otherwise.
        rules.append("img{image-rendering:crisp-edges}")
    return "\n".join(rules) + "\n"


def _tints(colors: Colours) -> dict[str, str]:
    """Return light backgrounds derived from the palette (callouts, notes, answers, code titles)."""
    t = tints(colors)
    return {"--c-tip-bg": t.tip, "--c-note-bg": t.note, "--c-warning-bg": t.warning,
            "--c-exercise-bg": t.exercise,
            "--c-notes-bg": t.notes, "--c-code-head": t.code_head, "--c-rule": t.rule}


def _stylesheet_paths(theme: Theme, options: Options, *extra: str) -> tuple[Path, ...]:
    """Return the theme's stylesheets for `options`, then `extra` ones, as found on the template path."""
    paths = []
    for name in [STYLESHEET] + ([PRINT_STYLESHEET] if options.print_mode else []) + list(extra):
        path = next((d / name for d in _template_dirs(theme) if (d / name).is_file()), None)
        if path is None:
            raise RenderError([Diagnostic(Location(theme.root / "theme.yaml"), f"stylesheet '{name}' not found",
                                          f"looked in {', '.join(str(d) for d in _template_dirs(theme))}")])
        if confined(path, [path.parent.parent]) is None:
            raise RenderError([Diagnostic(Location(path), f"stylesheet '{name}' links outside its theme",
                                          "a theme's files must live inside its folder; copy the file in")])
        paths.append(path)
    return tuple(paths)


# --- PDF ---------------------------------------------------------------------------------------------


def render(course: Course, theme: Theme, out: Path, options: Options, pool: Executor | None = None) -> Path:
    """Write the handbook of `course` as a PDF to `out` and return `out`.

    The work goes to `pool` (a build shares its pool between all outputs), else to worker processes
    of its own. Laid-out parts are cached in `.cache/handbook/` beside `out`.
    """
    if options.pdf_variant is not None and options.pdf_variant not in VARIANT_PLAN:
        raise RenderError(f"unknown PDF variant '{options.pdf_variant}' (one of: {', '.join(PDF_VARIANTS)})")
    press = _press(course, options)
    started = time.time()
    body, page = _document(course, theme, options)
    with epoch.course_date(course.meta.date), _pool(pool) as workers:
        styles = _styles(course, theme, options)
        worker = partial(_lay_out, styles=styles, source_date=epoch.get())
        try:
            parts = _book(course, theme, options, body, page, styles, out)
            plan, layouts = parts.lay_out(workers, pools.size(workers), worker)
            plan = replace(plan, ua_part=VARIANT_PLAN[options.pdf_variant or DEFAULT_PDF_VARIANT][1], press=press)
            workers.submit(stitch.stitch, plan, out).result()
            parts.collect_garbage(started)
        except _Refused as refused:
            raise RenderError([Diagnostic(body.files.get(path, Location(course.root)) if path else Location(course.root),
                                          message, hint) for path, message, hint in refused.args[0]]) from None
    problems = [(level, message) for layout in layouts for level, message in layout.log
                if level >= logging.ERROR or options.strict]
    if problems:
        raise RenderError([_logged(message, level, body.files, course, theme) for level, message in dict.fromkeys(problems)])
    return out


_LOGGED_URL = re.compile(r"'(file:[^']+)'")


def _logged(message: str, level: int, files: Mapping[Path, Location], course: Course, theme: Theme) -> Diagnostic:
    """Return what WeasyPrint logged as a diagnostic at the line that named the file it is about.

    WeasyPrint names a file by URL ("Failed to load image at 'file:///…/x.svg': …"), sometimes with no reason.
    """
    where = Location(course.root / "course.yaml")
    found = _LOGGED_URL.search(message)
    if found:
        roots = (course.root, *theme.folders)
        path = real_path(Path(url2pathname(unquote(urlsplit(found.group(1)).path))), roots).resolve()
        where = files.get(path) or (Location(theme.root / "theme.yaml") if path == theme.spec.logo else where)
        message = message.replace(found.group(1), path.name)
    if message.rstrip().endswith(":"):
        message = message.rstrip() + " (WeasyPrint gave no reason: open the file in a browser to see what is wrong)"
    return Diagnostic(where, f"WeasyPrint: {message}", severity="error" if level >= logging.ERROR else "warning")


def _press(course: Course, options: Options) -> stitch.Press | None:
    """Return what makes a print-mode handbook PDF/X-4 (None when not printing)."""
    if not options.print_mode:
        return None
    if (options.pdf_variant or "").startswith("pdf/a"):
        raise RenderError(f"--print makes a PDF/X-4 file, whose CMYK output intent PDF/A forbids beside its own: "
                          f"leave out --pdf-variant {options.pdf_variant} (print files are tagged PDF/UA-1)")
    if not PRINT_PROFILE.is_file():
        raise RenderError(f"--print needs the CMYK press profile {PRINT_PROFILE}: install the Debian package "
                          "libgs-common")
    name = f"deckbook:{course.slug}:{course.meta.version}:{options.edition}:{options.paper or ''}"
    return stitch.Press(PRINT_PROFILE, PRINT_CONDITION, RGB_PROFILE, f"uuid:{uuid.uuid5(uuid.NAMESPACE_URL, name)}")


@contextlib.contextmanager
def _pool(given: Executor | None) -> Iterator[Executor]:
    if given is not None:
        yield given
    else:
        with pools.workers() as own:
            yield own


def _book(course: Course, theme: Theme, options: Options, body: writer.Body, page, styles: dict[str, _Style],
          out: Path) -> book.Book:
    """Return the handbook as parts: the front matter (cover and contents), then one per chapter."""
    contents = _contents_parts(body.toc)

    def part(index: int, start: int | None, pages: Mapping[str, int]) -> str:
        if index < len(contents):
            toc = [replace(e, href=stitch.MARK + e.anchor, page=str(pages[e.anchor])) if e.anchor in pages else e
                   for e in contents[index]]
            return page(front=index == 0, toc=toc, chapters=())
        chapter = writer.resolve_xrefs(body.chapters[index - len(contents)], pages, stitch.MARK)
        return page(front=False, toc=(), chapters=(Markup(chapter),), page_start=start)

    lang = course.meta.language
    head = f'<!DOCTYPE html>\n<html lang="{lang}">\n<head>\n<meta charset="utf-8">\n'

    def folios(first: int, count: int) -> str:
        return (head + f"<style>@page :first {{ counter-reset: page {first} }}</style>\n</head>\n<body>\n"
                + '<div style="break-before: page"></div>\n' * count + "</body>\n</html>\n")

    digest = hashlib.sha256(json.dumps({kind: style.digest for kind, style in styles.items()},
                                       sort_keys=True).encode()).hexdigest()
    return book.Book(body.facts, tuple(frozenset(e.anchor for e in lines) for lines in contents), part, folios,
                     head + "</head>\n<body></body>\n</html>\n", digest,
                     out.parent / ".cache" / "handbook", options.edition, options.print_mode, _files_digest)


def _contents_parts(toc: tuple[writer.TocEntry, ...]) -> list[tuple[writer.TocEntry, ...]]:
    """Return the contents cut into parts of about `CONTENTS_PART` lines, each starting at a chapter's line.

    WeasyPrint's memory grows with a document; the contents grow with the course (116 pages at 50× the
    shipped course, 650 MiB laid out as one). A part starts a new page: a long book's contents have a
    short page every `CONTENTS_PART` lines or so.
    """
    parts: list[list[writer.TocEntry]] = [[]]
    for entry in toc:
        if entry.depth == 1 and len(parts[-1]) >= CONTENTS_PART:
            parts.append([])
        parts[-1].append(entry)
    return [tuple(p) for p in parts]


def _files_digest(files: frozenset[Path]) -> str:
    return hashlib.sha256("".join(f"{p}\0{cache.file_digest(p)}\0" for p in sorted(files)).encode()).hexdigest()


# --- the workers -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Style:
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


def _styles(course: Course, theme: Theme, options: Options) -> dict[str, _Style]:
    """Return the style of each kind of document: the whole book, a part of it, a folio document."""
    fallback = fontchain.chain(theme).needed(fontchain.course_text(course))
    tokens = tokens_css(theme, options, fallback)
    # The fallback fonts the course needs are installed outside the theme: the fetcher serves those files.
    font_files = tuple(dict.fromkeys(f for font in fallback for f in (font.file, font.bold) if f is not None))
    roots = (course.root, *theme.folders, *font_files)
    base_url = virtual_uri(course.root, roots) + "/"
    # Font files shape every page but are named in `tokens` by path only: their digests go in too.
    fonts = "/*" + _files_digest(frozenset((*theme.files, *font_files))) + "*/\n"

    variant = VARIANT_PLAN[options.pdf_variant or DEFAULT_PDF_VARIANT][0]

    def style(*extra: str, tagged: bool = True) -> _Style:
        return _Style(fonts + tokens, _stylesheet_paths(theme, options, *extra), roots, base_url,
                      variant if tagged else None, tagged)

    return {"part": style(PART_STYLESHEET), "folio": style(FOLIO_STYLESHEET, tagged=False),
            "measure": style(PART_STYLESHEET, MEASURE_STYLESHEET)}


class _Refused(Exception):
    """Files the sandbox refused while a worker laid a document out: (path, message, hint) each."""


# Per style: fonts, stylesheets, fetcher, and what loading the stylesheets logged.
_LOADED: OrderedDict[_Style, _Loaded] = OrderedDict()
_LOADED_MAX = 8  # a build uses four styles; a long-lived process (watch, tests) sees more courses


def _loaded(style: _Style) -> _Loaded:
    """Return the fonts, stylesheets, fetcher and stylesheet warnings of `style`, made once per process.

    Loading the theme's fonts and parsing its stylesheets costs more than laying out a short chapter;
    a part's bytes do not depend on what the process laid out before (the tests check).
    """
    if style in _LOADED:
        _LOADED.move_to_end(style)
    else:
        fetcher = SandboxFetcher(style.roots)
        fonts = _theme_fonts_only()
        with _collect_log() as records:
            try:  # a stylesheet's @import is fetched now
                sheets = [CSS(string=style.tokens, url_fetcher=fetcher, font_config=fonts)]
                sheets += [CSS(string=path.read_text(encoding="utf-8"), base_url=virtual_uri(path, style.roots),
                               url_fetcher=fetcher, font_config=fonts) for path in style.sheets]
            except FatalURLFetchingError:
                raise _Refused(tuple(fetcher.refused)) from None
        _LOADED[style] = fonts, sheets, fetcher, tuple((r.levelno, r.getMessage()) for r in records)
        while len(_LOADED) > _LOADED_MAX:
            _LOADED.popitem(last=False)
    return _LOADED[style]


THEME_FONTS_ONLY = Path(__file__).with_name("theme-fonts-only.conf")


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


def _lay_out(task: book.Task, styles: dict[str, _Style], source_date: str) -> book.Layout:
    """Lay out one document in a worker: write its PDF (and, when cached, its layout) and return the layout."""
    style = styles[task.kind]
    with epoch.pinned(source_date):  # fontTools stamps it into font subsets
        fonts, sheets, fetcher, sheet_log = _loaded(style)
        fetcher.refused.clear()
        with _collect_log() as records:
            try:
                document = HTML(string=task.html, base_url=style.base_url, url_fetcher=fetcher).render(
                    stylesheets=sheets, font_config=fonts)
            except FatalURLFetchingError:
                raise _Refused(tuple(fetcher.refused)) from None
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





VIRTUAL = Path("/deckbook-files")
"""Where the course (`course/`) and the theme's folders (`theme1/` ...) appear in the URLs a document holds.

WeasyPrint names an image after the MD5 of its URL: with real paths, the same course built in two folders
gave two different PDFs. The fetcher maps these URLs back to the real files."""


def virtual_uri(path: Path, roots: tuple[Path, ...]) -> str:
    """Return the URL of `path` under VIRTUAL when it lies in one of `roots` (course first), else its own."""
    real = path.resolve()
    for index, root in enumerate(roots):
        if real.is_relative_to(root.resolve()):
            name = "course" if index == 0 else f"theme{index}"
            return (VIRTUAL / name / real.relative_to(root.resolve())).as_uri().rstrip("/")
    return real.as_uri()


def real_path(named: Path, roots: tuple[Path, ...]) -> Path:
    """Return the real path of a path under VIRTUAL (see `virtual_uri`); any other path as it is."""
    if not named.is_relative_to(VIRTUAL) or named == VIRTUAL:
        return named
    top, *rest = named.relative_to(VIRTUAL).parts
    index = 0 if top == "course" else int(top[5:]) if top[5:].isdigit() and top.startswith("theme") else -1
    if not 0 <= index < len(roots):
        return named
    return roots[index].joinpath(*rest)


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
            named = real_path(Path(url2pathname(unquote(urlsplit(url).path))), self.roots)
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


_Loaded = tuple[FontConfiguration, list[CSS], SandboxFetcher, tuple[tuple[int, str], ...]]


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

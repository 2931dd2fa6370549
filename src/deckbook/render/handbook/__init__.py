"""The PDF handbook: the course as HTML through the theme's Jinja2 template, laid out by WeasyPrint.

`render()` is the output's one entry point; `html()` (in `document`) is the handbook as one HTML document,
pure, for golden tests. The book is laid out in parts, in worker processes, and stitched (see `book`): the
cover and contents, then each chapter, each its own document, cached, so a rebuild lays out only what
changed. Every handbook is tagged (PDF/UA-1 unless another variant is asked for: `variants`): each part
carries its own structure tree, and the stitch merges them into the book's (see `stitch`).

The package is the one place WeasyPrint is imported: `document` (HTML), `template` (Jinja2), `css` (the
theme as CSS), `sandbox` (what a document may read), `workers` (layout), `book` and `stitch` (the parts
made one PDF), `writer` and the modules it uses (model → HTML).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import re
import time
from concurrent.futures import Executor
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Iterator, Mapping
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from markupsafe import Markup

from .engine import notes  # first: imports WeasyPrint without its import-time warning

from ... import epoch
from ...errors import Diagnostic, Location, RenderError
from ...model import Course
from ...options import Options
from ...theme import Theme
from .. import pool as pools
from . import book, stitch, variants, workers, writer
from .document import html, prepare
from .sandbox import real_path

__all__ = ["html", "notes", "render"]

CONTENTS_PART = 400  # contents lines per part of a stitched book (about 12 pages; see `_contents_parts`)


def render(course: Course, theme: Theme, out: Path, options: Options, pool: Executor | None = None) -> Path:
    """Write the handbook of `course` as a PDF to `out` and return `out`.

    The work goes to `pool` (a build shares its pool between all outputs), else to worker processes
    of its own. Laid-out parts are cached in `.cache/handbook/` beside `out`.
    """
    ua_part = variants.plan(options)[1]
    press = variants.press(course, options)
    started = time.time()
    body, page = prepare(course, theme, options)
    with epoch.course_date(course.meta.date), _pool(pool) as executor:
        styles = workers.styles(course, theme, options)
        worker = partial(workers.lay_out, styles=styles, source_date=epoch.get())
        try:
            parts = _book(course, theme, options, body, page, styles, out)
            plan, layouts = parts.lay_out(executor, pools.size(executor), worker)
            plan = replace(plan, ua_part=ua_part, press=press, ua2=options.pdf_variant == "pdf/ua-2",
                           titles={e.anchor: " ".join(filter(None, (e.number, e.title.striptags()))) for e in body.toc})
            executor.submit(stitch.stitch, plan, out).result()
            parts.collect_garbage(started)
        except workers.Refused as refused:
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


@contextlib.contextmanager
def _pool(given: Executor | None) -> Iterator[Executor]:
    if given is not None:
        yield given
    else:
        with pools.workers(preload=(__name__,)) as own:
            yield own


def _book(course: Course, theme: Theme, options: Options, body: writer.Body, page, styles: dict[str, workers.Style],
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
                     out.parent / ".cache" / "handbook", options.edition, options.print_mode, workers.files_digest)


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


"""The handbook as HTML: the writer's body placed in the theme's template, with the page facts it needs.

`html()` is pure (golden tests read it); `prepare()` gives the renderer the body and a function that
renders the template around any part of it (the cover and contents, one chapter).
"""

from __future__ import annotations

from functools import partial

from ... import __version__
from ...model import Course
from ...options import Options
from ...theme import Theme
from ..common import fontmetrics
from ..common.labels import labels
from . import svg, writer
from .css import FAMILIES, TABLE_SCALE
from .sandbox import virtual_uri
from .template import render_template, template_dirs

PAPER_MM = {"a4": (210.0, 297.0), "letter": (215.9, 279.4)}
_PT_PER_MM = 72 / 25.4


def html(course: Course, theme: Theme, options: Options) -> str:
    """Return the handbook of `course` as one HTML document (no styles: those come with `render`)."""
    body, page = prepare(course, theme, options)
    return page(front=True, toc=body.toc, chapters=body.chapters)


def prepare(course: Course, theme: Theme, options: Options):
    """Return the body of the handbook and a function rendering the template with some of it."""
    meta = course.meta
    words = labels(meta.language)
    edition = options.edition
    trainer = edition == "trainer"
    body = writer.body(course, layout(theme, options), words, edition)
    subject = " \u2014 ".join(p for p in (meta.subtitle, f"{words.version} {meta.version}") if p)
    logo = theme.spec.logo
    page = partial(
        render_template, tuple(template_dirs(theme)),
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
    drawing = svg.Style(spec.colors, FAMILIES["body"], round(spec.handbook.body_size * 0.85, 2),
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

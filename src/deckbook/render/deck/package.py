"""The .pptx package: the template it starts from, its core properties, and byte-identical saving.

The default template is `themes/default/deck-template.pptx` (16:9; made by `tools/make_deck_template.py`
from python-pptx's 4:3 default). A theme's `pptx_template:` replaces it; a `.potx` is accepted.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import tempfile
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO, Callable

from pptx import Presentation
from pptx.opc.constants import RELATIONSHIP_TYPE as RT
from pptx.opc.package import OpcPackage, Part
from pptx.opc.packuri import PackURI
from pptx.presentation import Presentation as PresentationObject
from pptx.slide import Slide

from ...model import Course
from ...theme import Theme
from .template import EMU_PER_POINT, template_path

_TEMPLATE_TYPE = b"application/vnd.openxmlformats-officedocument.presentationml.template.main+xml"
_PRESENTATION_TYPE = b"application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"
CORE_TEXT_MAX = 255  # characters of a core text property (ECMA-376 part 2; python-pptx enforces it)
_W3CDTF = re.compile(rb"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ")


def open_template(theme: Theme, width: float, height: float) -> PresentationObject:
    """Return a presentation from the theme's template, `width` × `height` points, with no slides."""
    blob = template_path(theme).read_bytes()
    # python-pptx refuses a .potx (#1070): present its main part as a presentation instead.
    prs = Presentation(io.BytesIO(_as_presentation(blob)))
    _drop_slides(prs)
    prs.part.package.next_partname = _Partnames(prs.part.package)
    prs.slide_width = round(width * EMU_PER_POINT)
    prs.slide_height = round(height * EMU_PER_POINT)
    return prs


def _as_presentation(blob: bytes) -> bytes:
    with zipfile.ZipFile(io.BytesIO(blob)) as src:
        types = src.read("[Content_Types].xml")
        if _TEMPLATE_TYPE not in types:
            return blob
        return _rezip({name: src.read(name) for name in src.namelist()} |
                      {"[Content_Types].xml": types.replace(_TEMPLATE_TYPE, _PRESENTATION_TYPE)},
                      (1980, 1, 1, 0, 0, 0))


def _drop_slides(prs: PresentationObject) -> None:
    """Remove a template's sample slides (a corporate template often has some)."""
    ids = prs.slides._sldIdLst  # python-pptx has no API to delete a slide
    for sld_id in list(ids):
        prs.part.drop_rel(sld_id.rId)
        ids.remove(sld_id)


class _Partnames:
    """A package's `next_partname` that walks the package once per kind of part, not once per new part.

    python-pptx finds the name of each new slide, notes slide or chart by walking every relationship of
    the package (scanny/python-pptx#644), which makes drawing a deck quadratic in its slides. While a
    deck is drawn, parts are only added, each under a name from here: so the names found by one walk,
    plus those given out since, are all the package's names. The name chosen is python-pptx's.
    """

    def __init__(self, package: OpcPackage) -> None:
        self._package = package
        self._taken: dict[str, set[str]] = {}

    def __call__(self, tmpl: str) -> PackURI:
        prefix = tmpl[: (tmpl % 42).find("42")]
        taken = self._taken.get(prefix)
        if taken is None:
            taken = self._taken[prefix] = {p.partname for p in self._package.iter_parts()
                                           if p.partname.startswith(prefix)}
        # as python-pptx: one more than the names taken, or downwards from there to the first free one
        number = next(n for n in range(len(taken) + 1, 0, -1) if tmpl % n not in taken)
        taken.add(tmpl % number)
        return PackURI(tmpl % number)


def set_core_properties(prs: PresentationObject, course: Course) -> None:
    """Set every core property from the course, so nothing of the template's remains.

    OPC caps each text property at 255 characters (python-pptx raises beyond): longer ones are cut at
    a word with an ellipsis. Keywords are the chapter titles, each once, as many as fit.
    """
    meta = course.meta
    props = prs.core_properties
    authors = _fit(", ".join(meta.authors))
    when = dt.datetime.combine(meta.date, dt.time(0, 0))
    props.title = _fit(meta.title)
    props.subject = _fit(meta.subtitle)
    props.author = authors
    titles = list(dict.fromkeys(ch.title for ch in course.chapters if not ch.handbook_only))
    while len("; ".join(titles)) > CORE_TEXT_MAX:
        titles.pop()
    props.keywords = "; ".join(titles)
    props.comments = ""
    props.category = ""
    props.content_status = ""
    props.identifier = _fit(course.slug)
    props.language = meta.language
    props.version = _fit(meta.version)
    props.revision = 1
    props.last_modified_by = authors or "deckbook"
    props.created = when
    props.modified = when
    props.last_printed = when


def _fit(text: str) -> str:
    """Return `text`, or its words up to CORE_TEXT_MAX characters (with an ellipsis) when it is longer."""
    if len(text) <= CORE_TEXT_MAX:
        return text
    cut = text[: CORE_TEXT_MAX - 1]
    return (cut.rsplit(" ", 1)[0] if " " in cut else cut).rstrip() + "\u2026"


class _Finished(Part):
    """A part drawn to the end, kept as its compressed XML: python-pptx's plain `Part`, whose `blob`
    (all that saving reads) is inflated when asked for."""

    @property
    def blob(self) -> bytes:
        return zlib.decompress(self._packed)


def finish(slide: Slide) -> None:
    """Keep a slide that is drawn to the end, and its notes slide, as compressed XML instead of lxml trees.

    python-pptx holds every part as a parsed tree until it saves, and a drawn slide's tree takes about
    twelve times the memory of its XML (≈300 KB against 25 KB a slide: 1.6 GB for a 4 750-slide deck);
    compressed, the XML takes a few KB, so a deck's memory barely grows with its slides. A finished
    part stays the same object (relationships keep pointing at it) but cannot be edited any more.
    """
    notes = [rel.target_part for rel in slide.part.rels.values() if rel.reltype == RT.NOTES_SLIDE]
    proxies = [slide]
    for part in (slide.part, *notes):
        packed = zlib.compress(part.blob, 1)
        for cached in ("_element", "slide", "notes_slide"):  # the tree, and python-pptx's proxies holding it
            proxy = part.__dict__.pop(cached, None)
            if cached != "_element" and proxy is not None:
                proxies.append(proxy)
        part._packed = packed
        part.__class__ = _Finished
    for proxy in proxies:
        # A proxy caches its shape tree, which points back at it: a cycle that would keep the slide's tree
        # alive until the cyclic collector runs (the deck's memory grew with its slides).
        vars(proxy).clear()


def save(prs: PresentationObject, out: Path, course: Course) -> Path:
    """Write `prs` to `out` so that the same deck always gives the same bytes."""
    for chart_part in _chart_parts(prs):
        workbook = chart_part.chart_workbook
        if workbook.xlsx_part is not None:
            workbook.update_from_xlsx_blob(_stable_xlsx(workbook.xlsx_part.blob, course.meta.date))
    app = _app_xml(prs)
    with tempfile.TemporaryFile() as saved:  # python-pptx's zip, re-written entry by entry: never whole in memory
        prs.save(saved)
        saved.seek(0)
        with zipfile.ZipFile(saved) as src, open(out, "wb") as target:
            names = list(dict.fromkeys([*src.namelist(), "docProps/app.xml"]))
            _rezip_to(target, names, lambda name: app if name == "docProps/app.xml" else src.read(name),
                      _zip_date(course.meta.date))
    return out


def _slide_parts(prs: PresentationObject) -> list[Part]:
    """Return the slides' parts in order (finished or not: no `Slide` proxies, which need the tree)."""
    return [prs.part.related_part(sld_id.rId) for sld_id in prs.slides._sldIdLst]


def _chart_parts(prs: PresentationObject):
    for part in _slide_parts(prs):
        for rel in part.rels.values():
            if rel.reltype == RT.CHART:
                yield rel.target_part


def _stable_xlsx(blob: bytes, date: dt.date) -> bytes:
    """Return a chart's workbook with the clock's creation date replaced by the course date."""
    stamp = f"{date.isoformat()}T00:00:00Z".encode()
    with zipfile.ZipFile(io.BytesIO(blob)) as src:
        parts = {name: _W3CDTF.sub(stamp, src.read(name)) for name in src.namelist()}
    return _rezip(parts, _zip_date(date))


def _zip_date(date: dt.date) -> tuple[int, int, int, int, int, int]:
    return (date.year, date.month, date.day, 0, 0, 0) if date.year >= 1980 else (1980, 1, 1, 0, 0, 0)


def _rezip(parts: dict[str, bytes], when: tuple[int, int, int, int, int, int]) -> bytes:
    """Return a zip of `parts` in a fixed order with fixed dates and attributes."""
    buffer = io.BytesIO()
    _rezip_to(buffer, list(parts), parts.__getitem__, when)
    return buffer.getvalue()


def _rezip_to(target: BinaryIO, names: list[str], read: Callable[[str], bytes],
              when: tuple[int, int, int, int, int, int]) -> None:
    """Write the zip of parts `names` (each read when written) to `target`, in a fixed order with fixed
    dates and attributes."""
    order = sorted(names, key=lambda n: (n != "[Content_Types].xml", n != "_rels/.rels", n))
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
        for name in order:
            info = zipfile.ZipInfo(name, when)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            info.create_system = 0
            out.writestr(info, read(name))


def _app_xml(prs: PresentationObject) -> bytes:
    """Return extended properties naming deckbook (not the template's application) and the counts."""
    parts = _slide_parts(prs)
    slides = len(parts)
    notes = sum(any(rel.reltype == RT.NOTES_SLIDE for rel in part.rels.values()) for part in parts)
    ratio = prs.slide_width / prs.slide_height
    fmt = "Widescreen" if abs(ratio - 16 / 9) < 0.01 else "On-screen Show (4:3)"
    return ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            '<Properties xmlns="http://schemas.openxmlformats.org/officeDocument/2006/extended-properties" '
            'xmlns:vt="http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes">'
            f"<Application>deckbook</Application><PresentationFormat>{fmt}</PresentationFormat>"
            f"<Slides>{slides}</Slides><Notes>{notes}</Notes></Properties>").encode()

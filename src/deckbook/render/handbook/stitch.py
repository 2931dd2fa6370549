"""The handbook's stitch: its parts, laid out as separate PDFs, become one PDF (pikepdf is used here and in `ua2`).

The first part (cover and contents) lends the book its catalog: document info, XMP metadata, language,
output intents. Every other part adds its pages; a blank page pads a part that would leave the next one
on a left-hand page (print mode); each numbered page gets its folio drawn over it from a folio document;
the parts' named destinations merge into one name tree, links between parts (written as `MARK` +
anchor, see `render.book`) become links to those names, and the parts' bookmarks become one outline.

Parts are tagged PDF: their structure trees become one, under the first part's Document element, each
part's parent-tree keys moved past the previous part's (`_merge_structure`). Folios are artifacts.
For PDF/UA-2 the book's tree is then mended where WeasyPrint's tags break its rules (`render.handbook.ua2`).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from . import ua2

#: How a link from one part to an anchor in another is written before the stitch (see `render.handbook.book`).
MARK = "deckbook-anchor:"


@dataclass(frozen=True)
class Sheet:
    """One page of the book: page `page` of part `part`, or the blank pad page when `part` is -1."""

    part: int
    page: int
    numbered: bool  # whether a folio is drawn on it


@dataclass(frozen=True)
class Press:
    """What makes the book a PDF/X-4 print file."""

    cmyk_profile: Path  # the printing condition (an ICC output profile): the PDF/X output intent
    condition: str  # its name, as the output intent states it
    rgb_profile: Path  # what the RGB the pages are drawn in means (sRGB): each page's DefaultRGB
    document_id: str  # the XMP document id PDF/X-4 requires (stable: the same book, the same id)


@dataclass(frozen=True)
class Plan:
    """What the stitch puts together, in order."""

    parts: tuple[Path, ...]  # the parts' PDFs; the first gives the book its catalog and information
    sheets: tuple[Sheet, ...]  # every page of the book
    pad: Path | None  # a one-page PDF: the blank page that pads a part
    folios: tuple[Path, ...]  # folio documents: the i-th holds pages 1 + i × chunk … (i + 1) × chunk
    chunk: int
    object_streams: bool = True  # PDF/A-1 (PDF 1.4) allows none
    ua_part: int | None = None  # a PDF/UA part to claim besides the parts' own claim (PDF/A-3a + PDF/UA-1)
    press: Press | None = None  # print mode: PDF/X-4 with crop marks
    ua2: bool = False  # PDF/UA-2: the merged structure tree is mended where WeasyPrint's breaks it (`ua2`)


def page_count(pdf: Path) -> int:
    """Return the number of pages of the PDF at `pdf`."""
    with pikepdf.open(pdf) as doc:
        return len(doc.pages)


def stitch(plan: Plan, out: Path) -> Path:
    """Write the book that `plan` describes to `out` (atomically) and return `out`."""
    sources = [pikepdf.open(path) for path in plan.parts]
    extra = {"pad": pikepdf.open(plan.pad)} if plan.pad else {}
    folios = [pikepdf.open(path) for path in plan.folios]
    try:
        book = sources[0]
        front = len(book.pages)
        pages = _assemble(book, sources, extra.get("pad"), plan.sheets, front)
        _merge_structure(book, sources, plan.sheets, pages)
        _draw_folios(book, pages, plan.sheets, folios, plan.chunk)
        if plan.ua_part:
            _claim_ua(book, plan.ua_part)
        if plan.press:
            _press(book, pages, plan.press)
        dests = _merge_destinations(book, sources, plan.sheets, pages)
        _link_parts(pages, dests)
        _merge_outlines(book, sources, plan.sheets, pages)
        if plan.ua2:
            ua2.finish(book)
        tmp = out.with_name(f".{out.name}.{os.getpid()}.stitch.tmp")  # a killed build's is swept
        try:
            book.save(tmp, deterministic_id=True, compress_streams=True, force_version="1.6" if plan.press else None,
                      object_stream_mode=pikepdf.ObjectStreamMode.generate if plan.object_streams
                      else pikepdf.ObjectStreamMode.disable)
            os.replace(tmp, out)
        finally:
            tmp.unlink(missing_ok=True)
    finally:
        for pdf in [*sources, *extra.values(), *folios]:
            pdf.close()
    return out


def _assemble(book: pikepdf.Pdf, sources: list[pikepdf.Pdf], pad: pikepdf.Pdf | None, sheets: tuple[Sheet, ...],
              front: int) -> list[pikepdf.Page]:
    """Put every sheet's page into `book` (whose own pages are the first part's), in order; return them."""
    expected = [(s.part, s.page) for s in sheets[:front]]
    if expected != [(0, i) for i in range(front)]:
        raise ValueError("the book must open with all the pages of its first part")
    for sheet in sheets[front:]:
        if sheet.part < 0:
            assert pad is not None
            book.pages.append(pad.pages[0])  # a page already copied is copied again: pads stay distinct
            if "/StructParents" in book.pages[-1].obj:  # a blank page: nothing on it to tag
                del book.pages[-1].obj.StructParents
        else:
            book.pages.append(sources[sheet.part].pages[sheet.page])
    return list(book.pages)


def _draw_folios(book: pikepdf.Pdf, pages: list[pikepdf.Page], sheets: tuple[Sheet, ...], folios: list[pikepdf.Pdf],
                 chunk: int) -> None:
    """Draw page n's folio (page n of the folio documents) over every numbered page n.

    The folio page becomes a form XObject named after its number (pikepdf's `add_overlay` picks random
    names, and the book must come out the same every time). Both documents have the same page boxes,
    so the form is drawn where it is, with no transformation; the page's own drawing is wrapped in
    q/Q first, so no graphics state it leaves behind reaches the folio.
    """
    for index, (page, sheet) in enumerate(zip(pages, sheets)):
        if not sheet.numbered:
            continue
        form = book.copy_foreign(folios[index // chunk].pages[index % chunk].as_form_xobject())
        name = Name(f"/Folio{index + 1}")
        resources = page.obj.Resources
        if "/XObject" not in resources:
            resources.XObject = Dictionary()
        resources.XObject[name] = form
        page.contents_add(b"q\n", prepend=True)
        # A folio is a pagination artifact: no part of the document's structure (ISO 14289-1 7.8).
        page.contents_add(b"Q\n/Artifact <</Type /Pagination>> BDC q " + bytes(name.unparse()) + b" Do Q EMC\n")


def _merge_structure(book: pikepdf.Pdf, sources: list[pikepdf.Pdf], sheets: tuple[Sheet, ...],
                     pages: list[pikepdf.Page]) -> None:
    """Give the book one structure tree: every part's elements, in order, under the first part's Document.

    Each part numbers its parent-tree keys (a page's /StructParents, an annotation's /StructParent)
    from 0; in the book each part's keys follow the previous part's. Copying a part's elements from
    its PDF maps their pages (/Pg) and annotations (OBJR) to the copies already in the book, as qpdf
    keeps one object map per source document.
    """
    root = book.Root.get("/StructTreeRoot")
    if root is None:
        return
    document = root.K[0] if isinstance(root.K, Array) else root.K
    nums = Array()
    offset = 0
    by_part: dict[int, list[pikepdf.Page]] = {}
    for sheet, page in zip(sheets, pages):
        if sheet.part >= 0:
            by_part.setdefault(sheet.part, []).append(page)
    for index, source in enumerate(sources):
        tree = source.Root.get("/StructTreeRoot")
        if tree is None:
            raise ValueError(f"part {index} of the book is not tagged")
        if index:
            tree = book.copy_foreign(tree)
            part_document = tree.K[0] if isinstance(tree.K, Array) else tree.K
            for kid in part_document.K:
                kid.P = document
                document.K.append(kid)
            if "/Namespaces" in tree:
                root.Namespaces = Array([*root.get("/Namespaces", Array()), *tree.Namespaces])
        entries = list(tree.ParentTree.Nums)
        keys = [int(entries[i]) for i in range(0, len(entries), 2)]
        for i in range(0, len(entries), 2):
            nums.append(int(entries[i]) + offset)
            nums.append(entries[i + 1])
        if index:
            for page in by_part.get(index, ()):
                if "/StructParents" in page.obj:
                    page.obj.StructParents = int(page.obj.StructParents) + offset
                for annot in page.obj.get("/Annots", ()):
                    if "/StructParent" in annot:
                        annot.StructParent = int(annot.StructParent) + offset
        offset += max(keys, default=-1) + 1
    root.ParentTree = book.make_indirect(Dictionary(Nums=nums))
    root.ParentTreeNextKey = offset


#: PDF/A requires every XMP property outside its own schemas to be described by an extension schema.
_UA_EXTENSION = """<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" rdf:about=""
  xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/"
  xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#"
  xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#">
 <pdfaExtension:schemas><rdf:Bag><rdf:li rdf:parseType="Resource">
  <pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>
  <pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>
  <pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix>
  <pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">
   <pdfaProperty:name>part</pdfaProperty:name>
   <pdfaProperty:valueType>Integer</pdfaProperty:valueType>
   <pdfaProperty:category>internal</pdfaProperty:category>
   <pdfaProperty:description>Indicates, which part of ISO 14289 standard is followed</pdfaProperty:description>
  </rdf:li></rdf:Seq></pdfaSchema:property>
 </rdf:li></rdf:Bag></pdfaExtension:schemas>
</rdf:Description>
<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" rdf:about=""
  xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/" pdfuaid:part="{part}"/>
"""


def _claim_ua(book: pikepdf.Pdf, part: int) -> None:
    """Add a PDF/UA claim (and, for PDF/A, the extension schema that declares it) to the book's XMP."""
    stream = book.Root.Metadata
    xmp = stream.read_bytes().decode("utf-8")
    end = xmp.index("</rdf:RDF>")
    xmp = xmp[:end] + _UA_EXTENSION.format(part=part) + xmp[end:]
    stream.write(xmp.encode("utf-8"))


MM = 72 / 25.4
SLUG = 10 * MM  # paper beyond the bleed, where the marks go
MARK_GAP = 3 * MM  # crop marks start this far from the trim (outside the bleed), ...
MARK_LENGTH = 6 * MM  # ... and run this far
MARK_WIDTH = 0.3  # points; printers ask for 0.25–0.5 pt


def _press(book: pikepdf.Pdf, pages: list[pikepdf.Page], press: Press) -> None:
    """Make the book a PDF/X-4 print file: output intent, calibrated RGB, crop marks, XMP and Info claims."""
    cmyk = book.make_stream(press.cmyk_profile.read_bytes(), N=4)
    book.Root.OutputIntents = Array([book.make_indirect(Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFX, OutputConditionIdentifier=String(press.condition),
        OutputCondition=String(press.condition), Info=String(press.condition), DestOutputProfile=cmyk))])
    rgb = Array([Name.ICCBased, book.make_stream(press.rgb_profile.read_bytes(), N=3, Alternate=Name.DeviceRGB)])
    registration = Array([Name.Separation, Name.All, Name.DeviceCMYK, Dictionary(
        FunctionType=2, Domain=Array([0, 1]), C0=Array([0, 0, 0, 0]), C1=Array([1, 1, 1, 1]), N=1)])
    seen: set[tuple[int, int]] = set()
    for page in pages:
        _calibrate(page.obj, rgb, seen)
        _crop_marks(book, page, registration)
    with book.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfxid:GTS_PDFXVersion"] = "PDF/X-4"
        meta["pdf:Trapped"] = "False"
        meta["xmpMM:DocumentID"] = press.document_id
        meta["xmpMM:VersionID"] = "1"
        meta["xmpMM:RenditionClass"] = "default"
        if meta.get("xmp:ModifyDate"):
            meta["xmp:MetadataDate"] = meta["xmp:ModifyDate"]
    book.docinfo["/Trapped"] = Name("/False")


def _calibrate(owner: Dictionary, rgb: Array, seen: set) -> None:
    """Give `owner`'s resources (and those of the forms and patterns it draws) sRGB as DefaultRGB.

    PDF/X-4 admits DeviceRGB only where a DefaultRGB colour space says what it means (ISO 15930-7 6.2.4.3).
    """
    resources = owner.get("/Resources")
    if resources is None or resources.objgen in seen and resources.objgen != (0, 0):
        return
    seen.add(resources.objgen)
    if "/ColorSpace" not in resources:
        resources.ColorSpace = Dictionary()
    resources.ColorSpace.DefaultRGB = rgb
    for group in ("/XObject", "/Pattern"):
        for item in resources.get(group, Dictionary()).values():
            if item.get("/Subtype") == Name.Form or group == "/Pattern":
                _calibrate(item, rgb, seen)


def _crop_marks(book: pikepdf.Pdf, page: pikepdf.Page, registration: Array) -> None:
    """Widen the page by the slug and draw crop and registration marks there, over everything else."""
    trim = [float(v) for v in page.obj.TrimBox]
    bleed = [float(v) for v in page.obj.BleedBox]
    media = [bleed[0] - SLUG, bleed[1] - SLUG, bleed[2] + SLUG, bleed[3] + SLUG]
    page.obj.MediaBox = Array(media)
    if "/CropBox" in page.obj:
        page.obj.CropBox = Array(media)
    resources = page.obj.Resources
    if "/ColorSpace" not in resources:
        resources.ColorSpace = Dictionary()
    resources.ColorSpace.CSRegistration = registration
    x0, y0, x1, y1 = trim
    lines = []
    for x, y, sx, sy in ((x0, y0, -1, -1), (x1, y0, 1, -1), (x0, y1, -1, 1), (x1, y1, 1, 1)):
        lines.append((x + sx * MARK_GAP, y, x + sx * (MARK_GAP + MARK_LENGTH), y))  # horizontal
        lines.append((x, y + sy * MARK_GAP, x, y + sy * (MARK_GAP + MARK_LENGTH)))  # vertical
    cx, cy, arm = (x0 + x1) / 2, (y0 + y1) / 2, MARK_LENGTH / 2
    for mx, my in ((cx, y1 + MARK_GAP + arm), (cx, y0 - MARK_GAP - arm), (x0 - MARK_GAP - arm, cy),
                   (x1 + MARK_GAP + arm, cy)):  # registration crosses at the middle of each side
        lines += [(mx - arm, my, mx + arm, my), (mx, my - arm, mx, my + arm)]
    path = "".join(f"{a:.3f} {b:.3f} m {c:.3f} {d:.3f} l S\n" for a, b, c, d in lines)
    # An artifact (no part of the document), drawn last so nothing covers it (the cover's background).
    page.contents_add(book.make_stream(
        f"/Artifact <</Type /Pagination>> BDC q /CSRegistration CS 1 SCN {MARK_WIDTH} w 0 J [] 0 d\n{path}Q EMC\n"
        .encode()))


def _source_pages(source: pikepdf.Pdf) -> dict[tuple[int, int], int]:
    return {page.objgen: i for i, page in enumerate(source.pages)}


def _placed(sheets: tuple[Sheet, ...], pages: list[pikepdf.Page]) -> dict[tuple[int, int], pikepdf.Page]:
    """Return where each (part, page) of the parts landed in the book."""
    return {(s.part, s.page): page for s, page in zip(sheets, pages) if s.part >= 0}


def _merge_destinations(book: pikepdf.Pdf, sources: list[pikepdf.Pdf], sheets: tuple[Sheet, ...],
                        pages: list[pikepdf.Page]) -> set[str]:
    """Give the book one name tree holding every part's named destinations; return the names."""
    placed = _placed(sheets, pages)
    merged: dict[str, Array] = {}
    for index, source in enumerate(sources):
        names = source.Root.get("/Names", {}).get("/Dests", {}).get("/Names")
        if names is None:
            continue
        local = _source_pages(source)
        for i in range(0, len(names), 2):
            name, dest = str(names[i]), names[i + 1]
            page = placed.get((index, local.get(dest[0].objgen, -1)))
            if page is not None and name not in merged:  # the first of two equal names wins, as in one document
                merged[name] = Array([page.obj, *list(dest)[1:]])
    if "/Names" not in book.Root:
        book.Root.Names = Dictionary()
    flat = Array()
    for name in sorted(merged):  # a name tree's names are sorted
        flat.append(String(name))
        flat.append(merged[name])
    book.Root.Names.Dests = book.make_indirect(Dictionary(Names=flat))
    return set(merged)


def _link_parts(pages: list[pikepdf.Page], names: set[str]) -> None:
    """Turn every link written as `MARK` + anchor into a link to the named destination `anchor`."""
    for page in pages:
        for annot in page.obj.get("/Annots", ()):
            action = annot.get("/A")
            if action is None or action.get("/S") != Name.URI:
                continue
            uri = str(action.get("/URI", ""))
            if not uri.startswith(MARK):
                continue
            anchor = unquote(uri[len(MARK):])
            if anchor not in names:
                raise ValueError(f"link to '#{anchor}': no part of the book holds this anchor")
            del annot.A
            annot.Dest = String(anchor)
            if "/Contents" in annot:  # a tagged PDF's link description, written from the address
                annot.Contents = String(anchor)


def _merge_outlines(book: pikepdf.Pdf, sources: list[pikepdf.Pdf], sheets: tuple[Sheet, ...],
                    pages: list[pikepdf.Page]) -> None:
    """Give the book one outline: every part's bookmarks, in order, pointing at the pages they landed on."""
    placed = _placed(sheets, pages)
    items: list[tuple] = []
    for index, source in enumerate(sources):
        outlines = source.Root.get("/Outlines")
        if outlines is not None and "/First" in outlines:
            items += _read_items(outlines.First, index, _source_pages(source), placed)
    if "/Outlines" in book.Root:
        del book.Root.Outlines
    if items:
        root = book.make_indirect(Dictionary(Type=Name.Outlines))
        first, last, count = _write_items(book, items, root)
        root.First, root.Last, root.Count = first, last, count
        book.Root.Outlines = root


def _read_items(item: Dictionary, part: int, local: dict, placed: dict) -> list[tuple]:
    """Return a chain of outline items as (title, page, rest of the destination, closed, children)."""
    out = []
    while item is not None:
        dest = item.Dest
        page = placed[(part, local[dest[0].objgen])]
        children = _read_items(item.First, part, local, placed) if "/First" in item else []
        closed = int(item.get("/Count", 0)) < 0
        out.append((str(item.Title), page, list(dest)[1:], closed, children))
        item = item.get("/Next")
    return out


def _write_items(book: pikepdf.Pdf, items: list[tuple], parent: Dictionary) -> tuple[Dictionary, Dictionary, int]:
    """Write a chain of outline items under `parent`; return its first and last item and visible count.

    The same shape WeasyPrint writes: an open item counts its open descendants; a closed one the negative.
    """
    written = []
    count = len(items)
    for title, page, rest, closed, children in items:
        item = book.make_indirect(Dictionary(Title=String(title), Dest=Array([page.obj, *rest]), Parent=parent))
        if written:
            item.Prev = written[-1]
            written[-1].Next = item
        if children:
            first, last, inner = _write_items(book, children, item)
            item.First, item.Last = first, last
            item.Count = -inner if closed else inner
            if not closed:
                count += inner
        else:
            item.Count = 0
        written.append(item)
    return written[0], written[-1], count

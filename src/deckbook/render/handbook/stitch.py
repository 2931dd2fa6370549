"""The handbook's stitch: its parts, laid out as separate PDFs, become one PDF (the one pikepdf user).

The first part (cover and contents) lends the book its catalog: document info, XMP metadata, language,
output intents. Every other part adds its pages; a blank page pads a part that would leave the next one
on a left-hand page (print mode); each numbered page gets its folio drawn over it from a folio document;
the parts' named destinations merge into one name tree, links between parts (written as `MARK` +
anchor, see `render.book`) become links to those names, and the parts' bookmarks become one outline.

Parts are tagged PDF: their structure trees become one, under one Document element, each part's
parent-tree keys moved past the previous part's (`_Part`). Folios are artifacts.

The parts go through one at a time, written as they are copied (`pdfwriter`): the stitch's memory is
that of its largest part, whatever the length of the book.
"""

from __future__ import annotations

import os
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import BinaryIO, Iterator, Mapping
from urllib.parse import unquote

import pikepdf
from pikepdf import Array, Dictionary, Name, String

from . import ua2
from .pdfwriter import Copier, Writer

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
    titles: Mapping[str, str] = field(default_factory=dict)  # anchor -> what a link to it is described as


def page_count(pdf: Path) -> int:
    """Return the number of pages of the PDF at `pdf`."""
    with pikepdf.open(pdf) as doc:
        return len(doc.pages)


def stitch(plan: Plan, out: Path) -> Path:
    """Write the book that `plan` describes to `out` (atomically) and return `out`.

    The parts stream through one at a time (`pdfwriter`), so the stitch's memory is that of one part
    whatever the length of the book: a survey first reads every part's named destinations and
    bookmarks (links in early parts point at later ones), then each part's pages, the structure
    elements and parent-tree entries that go with them are copied; the book's own objects (catalog,
    page tree, structure root, name tree, outline) are written last.
    """
    survey = _survey(plan)
    tmp = out.with_name(f".{out.name}.{os.getpid()}.stitch.tmp")  # a killed build's is swept
    try:
        with tmp.open("wb") as file:
            _write(plan, survey, file)
        if plan.ua2:  # mended in one piece: this variant's memory grows with the book (see `ua2`)
            with pikepdf.open(tmp, allow_overwriting_input=True) as book:
                ua2.finish(book)
                book.save(tmp, deterministic_id=True, compress_streams=True,
                          object_stream_mode=pikepdf.ObjectStreamMode.generate)
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    return out


@dataclass(frozen=True)
class _Survey:
    """What the stitch reads of every part before it writes: where the named places and bookmarks are."""

    version: str  # the first part's PDF version
    dests: dict[str, tuple[tuple[int, int], bytes]]  # name -> ((part, page), the rest of the destination)
    outline: list[tuple]  # (title, (part, page), rest of the destination, closed, children)


def _survey(plan: Plan) -> _Survey:
    version, dests, outline = "1.7", {}, []
    for index, path in enumerate(plan.parts):
        with pikepdf.open(path) as source:
            local = {page.objgen: i for i, page in enumerate(source.pages)}
            if not index:
                version = source.pdf_version
            names = source.Root.get("/Names", {}).get("/Dests")
            for name, dest in (pikepdf.NameTree(names).items() if names is not None else ()):
                if dest[0].objgen in local:  # the first of two equal names wins, as in one document
                    dests.setdefault(name, ((index, local[dest[0].objgen]), _rest(dest)))
            outlines = source.Root.get("/Outlines")
            if outlines is not None and "/First" in outlines:
                outline += _read_items(outlines.First, index, local)
    return _Survey(version, dests, outline)


def _rest(dest: Array) -> bytes:
    """Return the text of a destination after its page ("/XYZ 0 800 0")."""
    return Array(list(dest)[1:]).unparse()[1:-1].strip()


class _Book:
    """What the stitch keeps of the book while the parts go through: object numbers and small lists."""

    def __init__(self, writer: Writer) -> None:
        self.writer = writer
        self.catalog, self.pages_root, self.struct_root, self.document = (writer.reserve() for _ in range(4))
        self.pages: list[int] = []
        self.placed: dict[tuple[int, int], int] = {}  # (part, page) -> its page object in the book
        self.tagged = False
        self.kids: list[bytes] = []  # the Document element's kids
        self.parent_tree: list[tuple[int, bytes]] = []  # parent-tree key -> its entry
        self.next_key = 0
        self.namespaces: list[bytes] = []
        self.extras: dict[str, dict[str, bytes]] = {"catalog": {}, "names": {}, "root": {}, "document": {}}
        self.info: int | None = None

    def fixed(self, source: pikepdf.Pdf) -> dict[tuple[int, int], int]:
        """Return the objects of `source` that become the book's own: its page tree nodes."""
        nodes: dict[tuple[int, int], int] = {}
        for page in source.pages:
            node = page.obj.get("/Parent")
            while node is not None and node.objgen not in nodes:
                nodes[node.objgen] = self.pages_root
                node = node.get("/Parent")
        return nodes


def _write(plan: Plan, survey: _Survey, file: BinaryIO) -> None:
    writer = Writer(file, "1.6" if plan.press else survey.version, plan.object_streams)
    book = _Book(writer)
    names = set(survey.dests)
    folios = _Folios(plan.folios, plan.chunk, writer)
    press = _Colours(writer, plan.press) if plan.press else None
    try:
        for part, run in _runs(plan.sheets):
            assert part >= 0 or plan.pad is not None
            with pikepdf.open(plan.pad if part < 0 else plan.parts[part]) as source:  # a pad afresh each time
                _Part(part, source, book, press).copy(run, plan, folios, names)
    finally:
        folios.close()
    _finish(book, survey, writer)


def _runs(sheets: tuple[Sheet, ...]) -> Iterator[tuple[int, list[tuple[int, Sheet]]]]:
    """Yield the book's sheets part by part, as (part, [(position in the book, sheet)]); each pad page alone."""
    run: list[tuple[int, Sheet]] = []
    for position, sheet in enumerate(sheets):
        if run and (sheet.part != run[0][1].part or sheet.part < 0):
            yield run[0][1].part, run
            run = []
        run.append((position, sheet))
    if run:
        yield run[0][1].part, run


class _Part:
    """One part of the book (or a pad page, part -1) while it is copied: its keys follow the previous part's."""

    def __init__(self, index: int, source: pikepdf.Pdf, book: _Book, press: _Colours | None) -> None:
        self.index, self.source, self.book, self.press = index, source, book, press
        self.copier = Copier(source, book.writer, book.fixed(source))
        self.offset = book.next_key
        self.keys = -1  # the largest parent-tree key of the part
        self.seen: set[tuple[int, int]] = set()  # resources given DefaultRGB
        self.spaces: tuple[Array, Array] | None = None  # print mode: sRGB and registration colour

    def copy(self, run: list[tuple[int, Sheet]], plan: Plan, folios: _Folios, names: set[str]) -> None:
        """Copy the part's pages in `run` to the book, with what goes with them.

        Every page is changed first (keys, links, folio, print marks): what the structure tree
        reaches of a page is written as soon as the part is copied.
        """
        self.plan = plan
        if self.index == 0:
            self._front(plan)
        elif self.index < 0 and "/StructParents" in self.source.pages[0].obj:  # a blank page: nothing to tag
            del self.source.pages[0].obj.StructParents
        pages = [self._prepare(sheet.page, position, sheet, folios, names) for position, sheet in run]
        if self.index >= 0:
            self._structure()
        for (_, sheet), page in zip(run, pages):
            number = self.copier.ref(page.obj)
            self.book.pages.append(number)
            if self.index >= 0:
                self.book.placed[(self.index, sheet.page)] = number
        self.copier.drain()
        if self.index >= 0:
            self.book.next_key = self.offset + self.keys + 1

    def _front(self, plan: Plan) -> None:
        """Take the book's catalog, information and metadata from the first part (with the stitch's claims)."""
        source, book = self.source, self.book
        if plan.ua_part:
            _claim_ua(source, plan.ua_part)
        if plan.press:
            _press_claims(source, plan.press)
        skip = {"/Type", "/Pages", "/StructTreeRoot", "/Outlines", "/Names"}
        book.extras["catalog"] = {key: self.copier.value(value) for key, value in source.Root.items() if key not in skip}
        book.extras["names"] = {key: self.copier.value(value) for key, value in source.Root.get("/Names", {}).items()
                                if key != "/Dests"}
        if "/Info" in source.trailer:
            book.info = self.copier.ref(source.trailer.Info)
        book.tagged = "/StructTreeRoot" in source.Root

    def _structure(self) -> None:
        """Copy the part's structure elements under the book's Document and its parent tree after the book's.

        Each part numbers its parent-tree keys (a page's /StructParents, an annotation's /StructParent)
        from 0; in the book they follow the previous part's (`_prepare` moves the keys on the pages).
        """
        tree = self.source.Root.get("/StructTreeRoot")
        if not self.book.tagged:
            return
        if tree is None:
            raise ValueError(f"part {self.index} of the book is not tagged")
        book, copier = self.book, self.copier
        document = tree.K[0] if isinstance(tree.K, Array) else tree.K
        copier.fix(tree, book.struct_root)
        copier.fix(document, book.document)
        if self.index == 0:
            book.extras["root"] = {key: copier.value(value) for key, value in tree.items()
                                   if key not in {"/Type", "/K", "/ParentTree", "/ParentTreeNextKey", "/Namespaces"}}
            book.extras["document"] = {key: copier.value(value) for key, value in document.items()
                                       if key not in {"/Type", "/S", "/K", "/P"}}
        book.kids += [copier.value(kid) for kid in document.K]
        book.namespaces += [copier.value(space) for space in tree.get("/Namespaces", ())]
        for key, entry in pikepdf.NumberTree(tree.ParentTree).items():
            if not entry.is_indirect:  # a page's list of elements: an object of its own in the book
                number = book.writer.reserve()
                book.writer.add(number, copier.value(entry))
                entry_text = b"%d 0 R" % number
            else:
                entry_text = copier.value(entry)
            book.parent_tree.append((key + self.offset, entry_text))
            self.keys = max(self.keys, key)

    def _prepare(self, page_index: int, position: int, sheet: Sheet, folios: _Folios, names: set[str]) -> pikepdf.Page:
        """Return page `page_index` of the part made ready to be page `position` + 1 of the book."""
        page = self.source.pages[page_index]
        obj = page.obj
        for key in ("/Resources", "/MediaBox", "/CropBox", "/Rotate"):  # the book's page tree holds none
            if key not in obj and (value := _inherited(obj, key)) is not None:
                obj[key] = value
        if self.offset and "/StructParents" in obj:
            obj.StructParents = int(obj.StructParents) + self.offset
        for annot in obj.get("/Annots", ()):
            if self.offset and "/StructParent" in annot:
                annot.StructParent = int(annot.StructParent) + self.offset
            _link(annot, names, self.plan.titles)
        if sheet.numbered:
            _draw_folio(self.source, page, position, folios.form(position), self.copier)
        if self.press is not None:
            if self.spaces is None:
                self.spaces = self.press.spaces(self.source, self.copier)
            rgb, registration = self.spaces
            _calibrate(obj, rgb, self.seen)
            _crop_marks(self.source, page, registration)
        return page


def _inherited(obj: Dictionary, key: str):
    node = obj.get("/Parent")
    while node is not None:
        if key in node:
            return node[key]
        node = node.get("/Parent")
    return None


class _Folios:
    """The folio documents, open one at a time: the folio of the book's page n as a form XObject in the book."""

    def __init__(self, paths: tuple[Path, ...], chunk: int, writer: Writer) -> None:
        self.paths, self.chunk, self.writer = paths, chunk, writer
        self._open: tuple[int, pikepdf.Pdf, Copier] | None = None

    def form(self, position: int) -> int:
        """Return the book's object number of the folio drawn on page `position` + 1 (written now)."""
        which = position // self.chunk
        if self._open is None or self._open[0] != which:
            self.close()
            source = pikepdf.open(self.paths[which])
            self._open = (which, source, Copier(source, self.writer))
        _, source, copier = self._open
        form = source.pages[position % self.chunk].as_form_xobject()
        number = copier.ref(form if form.is_indirect else source.make_indirect(form))
        copier.drain()
        return number

    def close(self) -> None:
        if self._open is not None:
            self._open[1].close()
            self._open = None


def _draw_folio(source: pikepdf.Pdf, page: pikepdf.Page, position: int, form: int, copier: Copier) -> None:
    """Draw the folio `form` (a book object) over `page`, the book's page `position` + 1.

    The form is named after its number (pikepdf's `add_overlay` picks random names, and the book must
    come out the same every time). Both documents have the same page boxes, so the form is drawn where
    it is, with no transformation; the page's own drawing is wrapped in q/Q first, so no graphics state
    it leaves behind reaches the folio.
    """
    holder = source.make_indirect(Dictionary())  # stands for the form, written by the folios' copier
    copier.fix(holder, form)
    name = Name(f"/Folio{position + 1}")
    resources = page.obj.Resources
    if "/XObject" not in resources:
        resources.XObject = Dictionary()
    resources.XObject[name] = holder
    page.contents_add(b"q\n", prepend=True)
    # A folio is a pagination artifact: no part of the document's structure (ISO 14289-1 7.8).
    page.contents_add(b"Q\n/Artifact <</Type /Pagination>> BDC q " + bytes(name.unparse()) + b" Do Q EMC\n")


def _link(annot: Dictionary, names: set[str], titles: Mapping[str, str]) -> None:
    """Turn a link written as `MARK` + anchor into a link to the named destination `anchor`.

    A tagged PDF's link has a description (/Contents, what a screen reader announces): the heading it
    leads to, "2.3 Extractors", where it is one (else the anchor).
    """
    action = annot.get("/A")
    if action is None or action.get("/S") != Name.URI:
        return
    uri = str(action.get("/URI", ""))
    if not uri.startswith(MARK):
        return
    anchor = unquote(uri[len(MARK):])
    if anchor not in names:
        raise ValueError(f"link to '#{anchor}': no part of the book holds this anchor")
    del annot.A
    annot.Dest = String(anchor)
    if "/Contents" in annot:  # WeasyPrint wrote the address
        annot.Contents = String(titles.get(anchor, anchor))


def _finish(book: _Book, survey: _Survey, writer: Writer) -> None:
    """Write the book's own objects: name tree, outline, structure root, page tree, catalog."""
    def dictionary(extra: str = "", **entries: bytes | None) -> bytes:
        """Return a dictionary of `entries` (None: left out), then the first part's entries of kind `extra`."""
        pairs = [(f"/{k}", v) for k, v in entries.items() if v is not None]
        pairs += list(book.extras[extra].items()) if extra else []
        return b"<< " + b" ".join(b"%s %s" % (k.encode(), v) for k, v in pairs) + b" >>"

    catalog = {"Type": b"/Catalog", "Pages": b"%d 0 R" % book.pages_root}
    names = writer.reserve()
    writer.add(names, b"<< /Names [ " + b" ".join(b"%s [ %d 0 R %s ]" % (String(name).unparse(), book.placed[place], rest)
                                                for name, (place, rest) in sorted(survey.dests.items())
                                                if place in book.placed) + b" ] >>")
    catalog["Names"] = dictionary("names", Dests=b"%d 0 R" % names)
    if survey.outline:
        root = writer.reserve()
        first, last, count = _write_items(writer, survey.outline, root, book.placed)
        writer.add(root, dictionary(Type=b"/Outlines", First=b"%d 0 R" % first, Last=b"%d 0 R" % last,
                                    Count=b"%d" % count))
        catalog["Outlines"] = b"%d 0 R" % root
    if book.tagged:
        parent_tree = writer.reserve()
        writer.add(parent_tree, b"<< /Nums [ " + b" ".join(b"%d %s" % entry for entry in sorted(book.parent_tree))
                   + b" ] >>")
        writer.add(book.document, dictionary("document", Type=b"/StructElem", S=b"/Document",
                                             P=b"%d 0 R" % book.struct_root, K=b"[ " + b" ".join(book.kids) + b" ]"))
        writer.add(book.struct_root, dictionary(
            "root", Type=b"/StructTreeRoot", K=b"[ %d 0 R ]" % book.document, ParentTree=b"%d 0 R" % parent_tree,
            ParentTreeNextKey=b"%d" % book.next_key,
            Namespaces=b"[ " + b" ".join(book.namespaces) + b" ]" if book.namespaces else None))
        catalog["StructTreeRoot"] = b"%d 0 R" % book.struct_root
    writer.add(book.pages_root, dictionary(Type=b"/Pages", Count=b"%d" % len(book.pages),
                                           Kids=b"[ " + b" ".join(b"%d 0 R" % n for n in book.pages) + b" ]"))
    writer.add(book.catalog, dictionary("catalog", **catalog))
    writer.close(book.catalog, book.info)


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


def _claim_ua(front: pikepdf.Pdf, part: int) -> None:
    """Add a PDF/UA claim (and, for PDF/A, the extension schema that declares it) to the XMP of the first part."""
    stream = front.Root.Metadata
    xmp = stream.read_bytes().decode("utf-8")
    end = xmp.index("</rdf:RDF>")
    xmp = xmp[:end] + _UA_EXTENSION.format(part=part) + xmp[end:]
    stream.write(xmp.encode("utf-8"))


MM = 72 / 25.4
SLUG = 10 * MM  # paper beyond the bleed, where the marks go
MARK_GAP = 3 * MM  # crop marks start this far from the trim (outside the bleed), ...
MARK_LENGTH = 6 * MM  # ... and run this far
MARK_WIDTH = 0.3  # points; printers ask for 0.25–0.5 pt


def _press_claims(front: pikepdf.Pdf, press: Press) -> None:
    """Make the book a PDF/X-4 print file: its output intent and the XMP and Info claims (on the first part)."""
    cmyk = front.make_stream(press.cmyk_profile.read_bytes(), N=4)
    front.Root.OutputIntents = Array([front.make_indirect(Dictionary(
        Type=Name.OutputIntent, S=Name.GTS_PDFX, OutputConditionIdentifier=String(press.condition),
        OutputCondition=String(press.condition), Info=String(press.condition), DestOutputProfile=cmyk))])
    with front.open_metadata(set_pikepdf_as_editor=False) as meta:
        meta["pdfxid:GTS_PDFXVersion"] = "PDF/X-4"
        meta["pdf:Trapped"] = "False"
        meta["xmpMM:DocumentID"] = press.document_id
        meta["xmpMM:VersionID"] = "1"
        meta["xmpMM:RenditionClass"] = "default"
        if meta.get("xmp:ModifyDate"):
            meta["xmp:MetadataDate"] = meta["xmp:ModifyDate"]
    front.docinfo["/Trapped"] = Name("/False")


class _Colours:
    """The colour spaces of a print file's pages: sRGB (written into the book once) and registration."""

    def __init__(self, writer: Writer, press: Press) -> None:
        self.srgb = writer.reserve()
        writer.add_stream(self.srgb, b"<< /N 3 /Alternate /DeviceRGB /Filter /FlateDecode >>",
                          zlib.compress(press.rgb_profile.read_bytes()))

    def spaces(self, source: pikepdf.Pdf, copier: Copier) -> tuple[Array, Array]:
        """Return sRGB (an ICCBased colour space whose profile is the book's) and registration, for `source`."""
        holder = source.make_indirect(Dictionary())
        copier.fix(holder, self.srgb)
        registration = Array([Name.Separation, Name.All, Name.DeviceCMYK, Dictionary(
            FunctionType=2, Domain=Array([0, 1]), C0=Array([0, 0, 0, 0]), C1=Array([1, 1, 1, 1]), N=1)])
        return Array([Name.ICCBased, holder]), source.make_indirect(registration)


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


def _crop_marks(source: pikepdf.Pdf, page: pikepdf.Page, registration: Array) -> None:
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
    page.contents_add(source.make_stream(
        f"/Artifact <</Type /Pagination>> BDC q /CSRegistration CS 1 SCN {MARK_WIDTH} w 0 J [] 0 d\n{path}Q EMC\n"
        .encode()))


def _read_items(item: Dictionary, part: int, local: dict[tuple[int, int], int]) -> list[tuple]:
    """Return a chain of outline items as (title, (part, page), rest of the destination, closed, children)."""
    out = []
    while item is not None:
        dest = item.Dest
        children = _read_items(item.First, part, local) if "/First" in item else []
        closed = int(item.get("/Count", 0)) < 0
        out.append((item.Title.unparse(), (part, local[dest[0].objgen]), _rest(dest), closed, children))
        item = item.get("/Next")
    return out


def _write_items(writer: Writer, items: list[tuple], parent: int, placed: dict[tuple[int, int], int]
                 ) -> tuple[int, int, int]:
    """Write a chain of outline items under `parent`; return its first and last item and visible count.

    The same shape WeasyPrint writes: an open item counts its open descendants; a closed one the negative.
    """
    numbers = [writer.reserve() for _ in items]
    count = len(items)
    for index, (title, place, rest, closed, children) in enumerate(items):
        fields = [b"/Title " + title, b"/Parent %d 0 R" % parent, b"/Dest [ %d 0 R %s ]" % (placed[place], rest)]
        if index:
            fields.append(b"/Prev %d 0 R" % numbers[index - 1])
        if index + 1 < len(items):
            fields.append(b"/Next %d 0 R" % numbers[index + 1])
        if children:
            first, last, inner = _write_items(writer, children, numbers[index], placed)
            fields += [b"/First %d 0 R" % first, b"/Last %d 0 R" % last, b"/Count %d" % (-inner if closed else inner)]
            if not closed:
                count += inner
        else:
            fields.append(b"/Count 0")
        writer.add(numbers[index], b"<< " + b" ".join(fields) + b" >>")
    return numbers[0], numbers[-1], count

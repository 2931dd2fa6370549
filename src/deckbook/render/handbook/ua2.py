"""PDF/UA-2 finishing: the stitched book's structure tree mended where WeasyPrint 70's tags break ISO 14289-2.

WeasyPrint 70 writes `pdf/ua-2` as a tagged PDF 2.0 file (header, XMP `pdfuaid:part=2` and `rev`, the PDF 2.0
standard structure namespace), but its tags, made one box at a time, break rules of ISO 14289-2:2024 and of
ISO 32005 (the PDF 1.7/2.0 structure nesting table PDF/UA-2 refers to). veraPDF 1.28.2's `ua2` profile on
the shipped course's handbook, before this step (student / trainer edition, failed checks):

    ISO 32005 Table 5 Sect-Span-1   4009 / 4010  text of a div, pre or figure directly in a section
    ISO 14289-2 8.8-1                488 / 488   links and bookmarks to named, not structure, destinations
    ISO 32005 Table 5 Link-Link-1    302 / 302   an `a::before`/`a::after` pseudo-element: a Link in the Link
    ISO 14289-2 8.2.5.25-1            42 / 44    lists with a label (Lbl) but no ListNumbering attribute
    ISO 14289-2 8.2.5.27-1             7 / 8     a figure's caption in the middle of its section
    ISO 32005 Table 5 Hn-Hn-1          6 / 6     a chapter title's anonymous block: an H1 in the H1

The last is fixed at the source since: the default theme's chapter number is an inline-block, so the
heading holds no block (themes/default/templates/handbook.css); the fold below stays for themes that put
a block in a heading. The others are not fixed in our HTML or CSS: WeasyPrint 70 tags `pre` and `figure`
as NonStruct whatever the markup, and writes no attribute on lists and no structure destination; the
contents could lose their Links in Links only by taking the number and page number out of the link
(no longer clickable), so those are folded instead.

`finish()` mends each, one pass per rule, in the book the stitch has just put together (so once for the
whole book, after the parts' trees became one). veraPDF treats NonStruct and Div as transparent: a rule
about an element's parent reads the nearest ancestor of another type (`_Tree.standard_parent`).

Every change keeps the parent tree (content → element) true: content that moves to another element is
mapped to it (`_Tree.adopt`). Upstream, Kozea/WeasyPrint#2482 collects this kind of work (nested tags in
links, better tags for figures, fewer Spans); no WeasyPrint release meets PDF/UA-2 on its own yet.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import groupby

import pikepdf
from pikepdf import Array, Dictionary, Name

#: Grouping elements veraPDF looks through when it asks for an element's parent (ISO 32000-2 14.8.4.4).
TRANSPARENT = frozenset({"/NonStruct", "/Div"})
#: Grouping elements that may hold paragraphs but no inline content (ISO 32005 Table 5: X-Span is forbidden).
BLOCK_ONLY = frozenset({"/Document", "/DocumentFragment", "/Art", "/Sect", "/Aside", "/BlockQuote"})
#: What WeasyPrint tags inline: a text run (Span) and a link.
INLINE = frozenset({"/Span", "/Link"})
HEADINGS = frozenset({"/H", *(f"/H{n}" for n in range(1, 7))})
#: A list label's text → the ListNumbering it shows (ISO 32000-2 Table 380), for WeasyPrint's list-style-types.
BULLETS = {"\u2022": "/Disc", "\u25e6": "/Circle", "\u25aa": "/Square", "\u25a0": "/Square"}
_CODES = re.compile(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>")


def finish(book: pikepdf.Pdf) -> None:
    """Mend the structure tree of the tagged PDF 2.0 `book` so it meets PDF/UA-2's rules (see the module)."""
    tree = _Tree(book)
    _unwrap_nested(tree)
    _caption_groups(tree)
    _paragraphs(tree)
    _list_numbering(tree)
    _structure_destinations(book, tree)
    tree.write_parent_tree()


# --- the tree --------------------------------------------------------------------------------------


def _kids(element: Dictionary) -> list:
    kids = element.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, Array) else [kids]


def _is_element(kid) -> bool:
    return isinstance(kid, Dictionary) and "/S" in kid


def _type(element: Dictionary) -> str:
    return str(element.S)


@dataclass
class _Tree:
    """The book's structure elements (in document order) and its parent tree (key → page's array or element)."""

    book: pikepdf.Pdf
    nums: dict[int, pikepdf.Object] = field(default_factory=dict)  # parent-tree key → Array or element
    elements: list[Dictionary] = field(default_factory=list)  # in document order; the passes' new ones last
    document: Dictionary | None = None  # the root element
    marks: dict[tuple[int, int], dict[int, _Mark]] = field(default_factory=dict)  # per page, lazily
    cmaps: dict[tuple[int, int], dict[int, str]] = field(default_factory=dict)  # per font, lazily

    def __post_init__(self) -> None:
        root = self.book.Root.StructTreeRoot
        entries = list(root.ParentTree.Nums)
        self.nums = {int(entries[i]): entries[i + 1] for i in range(0, len(entries), 2)}
        self.document = _kids(root)[0]
        self.read_elements()

    def read_elements(self) -> None:
        """Read the elements in document order."""
        self.elements = []
        stack = [self.document]
        while stack:
            element = stack.pop()
            self.elements.append(element)
            stack.extend(reversed([k for k in _kids(element) if _is_element(k)]))

    def adopt(self, parent: Dictionary, kid) -> pikepdf.Object:
        """Make `parent` the owner of `kid` (an element, MCID, marked-content or object reference); return it.

        An MCID counts on its element's page (/Pg): when that differs from `parent`'s, it moves as a
        marked-content reference, which names its page.
        """
        if _is_element(kid):
            kid.P = parent
            return kid
        if isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR:
            self.nums[int(kid.Obj.StructParent)] = parent  # the annotation's parent-tree entry
            return kid
        if isinstance(kid, Dictionary):  # an MCR
            page, mcid = kid.Pg, int(kid.MCID)
        else:
            page, mcid = kid.owner_page, int(kid.mcid)
        self.nums[int(page.StructParents)][mcid] = parent
        if "/Pg" in parent and parent.Pg.objgen == page.objgen:
            return mcid
        return self.book.make_indirect(Dictionary(Type=Name.MCR, Pg=page, MCID=mcid))

    def standard_parent(self, element: Dictionary) -> str:
        """Return the type of `element`'s nearest ancestor that is not transparent (veraPDF's parentStandardType)."""
        parent = element.get("/P")
        while parent is not None and "/S" in parent and _type(parent) in TRANSPARENT:
            parent = parent.get("/P")
        return _type(parent) if parent is not None and "/S" in parent else "/StructTreeRoot"

    def write_parent_tree(self) -> None:
        """Write the parent tree back (an annotation's entry may have moved to another element)."""
        nums = Array()
        for key in sorted(self.nums):
            nums.append(key)
            nums.append(self.nums[key])
        self.book.Root.StructTreeRoot.ParentTree.Nums = nums


@dataclass(frozen=True)
class _Content:
    """A bare MCID as a kid of an element: the page it counts on is the element's."""

    mcid: int
    owner_page: Dictionary


def _movable(owner: Dictionary, kid):
    """Return `kid` of `owner` in a form `_Tree.adopt` can move (a bare MCID remembers its page)."""
    return _Content(kid, owner.Pg) if isinstance(kid, int) else kid


def _replace(parent: Dictionary, old: Dictionary, new: list) -> None:
    """Put `new` (already adopted by `parent`) where `old` is among `parent`'s kids."""
    kids = _kids(parent)
    index = next(i for i, k in enumerate(kids) if _is_element(k) and k.objgen == old.objgen)
    parent.K = Array(kids[:index] + new + kids[index + 1:])


# --- the passes ------------------------------------------------------------------------------------


def _unwrap_nested(tree: _Tree) -> None:
    """Fold a Link held by a Link, and a heading held by a heading, into its parent (ISO 32005 Table 5).

    WeasyPrint tags every box of a link as a Link with its own annotation, so `a::before`/`a::after`
    (the contents' numbers and page numbers, a cross-reference's page) are Links in the Link (Link-Link-1);
    a heading holding a block (the chapter number) wraps the rest of its text in an anonymous block it
    also tags as the heading (Hn-Hn-1). The inner one's content and annotation become the outer one's
    (a Link may own several annotations: WeasyPrint's own do, one per box of the link).
    """
    folded = set()
    for element in reversed(tree.elements):  # innermost first: a Link in a Link in a Link folds twice
        parent = element.get("/P")
        if parent is None or "/S" not in parent:
            continue
        kind, outer = _type(element), _type(parent)
        if kind == outer == "/Link" or (kind in HEADINGS and outer in HEADINGS):
            moved = [tree.adopt(parent, _movable(element, k)) for k in _kids(element)]
            _replace(parent, element, moved)
            folded.add(element.objgen)
    tree.elements = [e for e in tree.elements if e.objgen not in folded]


def _caption_groups(tree: _Tree) -> None:
    """Make a figure (NonStruct or Div) that holds a Caption a Sect (ISO 14289-2 8.2.5.27-1).

    As veraPDF looks through NonStruct and Div, a figure's caption counts as a child of the enclosing
    section, in the middle of it; a Caption must be the first or last child of the element it captions.
    A Sect may hold a Caption, and the figure's caption is its first or last child.
    """
    for element in tree.elements:
        if _type(element) not in TRANSPARENT:
            continue
        kinds = [_type(k) for k in _kids(element) if _is_element(k)]
        if "/Caption" in kinds and "/Caption" in (kinds[0], kinds[-1]):
            element.S = Name.Sect


def _paragraphs(tree: _Tree) -> None:
    """Wrap inline content that sits directly in a section (or the like) in paragraphs (ISO 32005 Table 5).

    WeasyPrint tags each run of text as a Span and a `div`, `pre` or `figure` as Div or NonStruct, which
    are transparent: the text of a code block, a callout or a title line ends up directly in a Sect,
    which may hold no Span (Sect-Span-1). Each unbroken run of inline kids (text runs, links and
    groupings holding only such) becomes one P, so a code block is one paragraph of its lines.
    """
    for element in tree.elements:
        kind = _type(element)
        # A transparent grouping counts as its parent; one of only inline content joins its parent's run.
        if not (kind in BLOCK_ONLY or kind in TRANSPARENT and not _inline(element)
                and tree.standard_parent(element) in BLOCK_ONLY):
            continue
        kids = _kids(element)
        if not any(_is_element(k) and _inline(k) for k in kids):
            continue
        new = []
        for inline, group in groupby(kids, key=lambda k: _is_element(k) and _inline(k)):
            if not inline:
                new += group
                continue
            run = list(group)
            paragraph = tree.book.make_indirect(Dictionary(Type=Name.StructElem, S=Name.P, P=element, K=Array()))
            if "/Pg" in run[0]:
                paragraph.Pg = run[0].Pg
            paragraph.K = Array([tree.adopt(paragraph, kid) for kid in run])
            new.append(paragraph)
            tree.elements.append(paragraph)
        element.K = Array(new)


def _inline(element: Dictionary) -> bool:
    """Return whether `element` is inline content: a text run, a link, or a NonStruct of only such."""
    kind = _type(element)
    if kind in INLINE:
        return True
    if kind != "/NonStruct":  # a Div is transparent to veraPDF's parent rules, but a block: no P holds one
        return False
    kids = _kids(element)
    return bool(kids) and all(_is_element(k) and _inline(k) for k in kids)


def _list_numbering(tree: _Tree) -> None:
    """Give every list whose items have labels a ListNumbering attribute (ISO 14289-2 8.2.5.25-1).

    WeasyPrint tags a `::marker` as Lbl but writes no attribute on the list. The numbering is read from
    the first label's text: a bullet names its shape, a digit is Decimal, a letter or roman numeral its
    case; anything else is Unordered or Ordered, as the label holds a letter or digit or not.
    """
    for element in tree.elements:
        if _type(element) != "/L":
            continue
        labels = [k for item in _kids(element) if _is_element(item) and _type(item) == "/LI"
                  for k in _kids(item) if _is_element(k) and _type(k) == "/Lbl"]
        if not labels:
            continue
        numbering = _numbering(_text(tree, labels[0]).strip().rstrip(".)").strip())
        attributes = element.get("/A")
        owners = [attributes] if isinstance(attributes, Dictionary) else list(attributes or ())
        owner = next((a for a in owners if isinstance(a, Dictionary) and a.get("/O") == Name.List), None)
        if owner is None:
            owner = Dictionary(O=Name.List)
            element.A = owner if not owners else Array([*owners, owner])
        owner.ListNumbering = Name(numbering)


def _numbering(label: str) -> str:
    """Return the ListNumbering (ISO 32000-2 Table 380) a list label such as '•', '3' or 'iv' shows."""
    if label in BULLETS:
        return BULLETS[label]
    if label.isdigit():
        return "/Decimal"
    if label and set(label) <= set("ivxlcdm"):
        return "/LowerRoman"
    if label and set(label) <= set("IVXLCDM"):
        return "/UpperRoman"
    if len(label) == 1 and label.isalpha():
        return "/LowerAlpha" if label.islower() else "/UpperAlpha"
    return "/Ordered" if any(c.isalnum() for c in label) else "/Unordered"


def _text(tree: _Tree, element: Dictionary) -> str:
    """Return the text of `element`'s content (read from its page's content stream)."""
    out = []
    for kid in _kids(element):
        if _is_element(kid):
            out.append(_text(tree, kid))
        elif not isinstance(kid, Dictionary):
            mark = _marks(tree, element.Pg).get(int(kid))
            out.append(_shown_text(tree, mark) if mark else "")
    return "".join(out)


# --- marked content on a page ----------------------------------------------------------------------


@dataclass
class _Mark:
    """One marked-content sequence (MCID) of a page: where it starts and what text it shows."""

    x: float | None = None
    y: float | None = None  # page coordinates (y upwards) of its first text baseline or image top
    shown: list[tuple[Dictionary, pikepdf.Object]] = field(default_factory=list)  # (font, Tj/TJ operand)


def _marks(tree: _Tree, page: Dictionary) -> dict[int, _Mark]:
    """Return the marked-content sequences of `page` by MCID (parsed once per page)."""
    key = page.objgen
    if key not in tree.marks:
        tree.marks[key] = _read_marks(page)
    return tree.marks[key]


def _multiply(a: tuple, b: tuple) -> tuple:
    """Return the matrix product a × b of two PDF matrices (a, b, c, d, e, f)."""
    return (a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3], a[2] * b[0] + a[3] * b[2],
            a[2] * b[1] + a[3] * b[3], a[4] * b[0] + a[5] * b[2] + b[4], a[4] * b[1] + a[5] * b[3] + b[5])


def _apply(m: tuple, x: float, y: float) -> tuple[float, float]:
    return m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]


#: The operators that place marked content: the graphics state's matrix, marks, text and XObjects.
_PLACING = "q Q cm BDC BMC EMC Tf Tm Do Tj TJ"


def _read_marks(page: Dictionary) -> dict[int, _Mark]:
    """Return each MCID of `page`: the position of its first text or image, and the text it shows.

    WeasyPrint draws each text run as BT, Tf, Tm, TJ, ET inside its marked content, and an image or
    SVG as a form or image XObject (Do) under a transformation; only those operators place content.
    """
    fonts = dict(page.get("/Resources", {}).get("/Font", {}).items())
    marks: dict[int, _Mark] = {}
    ctm, stack, open_marks = (1.0, 0.0, 0.0, 1.0, 0.0, 0.0), [], []
    mark, font = None, None
    for operands, operator in pikepdf.parse_content_stream(pikepdf.Page(page), _PLACING):
        op = str(operator)
        if op == "q":
            stack.append(ctm)
        elif op == "Q":
            ctm = stack.pop() if stack else ctm
        elif op == "cm":
            ctm = _multiply(tuple(float(v) for v in operands), ctm)
        elif op in ("BDC", "BMC", "EMC"):
            if op == "EMC":
                if open_marks:
                    open_marks.pop()
            else:
                properties = operands[1] if op == "BDC" and len(operands) > 1 else None
                mcid = int(properties.MCID) if isinstance(properties, Dictionary) and "/MCID" in properties else None
                if mcid is not None:
                    marks[mcid] = _Mark()
                open_marks.append(mcid)
            mark = next((marks[m] for m in reversed(open_marks) if m is not None), None)
        elif op == "Tf":
            font = fonts.get(str(operands[0]))
        elif mark is None:
            continue
        elif op in ("Tj", "TJ"):
            mark.shown.append((font, operands[0]))
        elif mark.y is not None:
            continue
        elif op == "Tm":
            mark.x, mark.y = _apply(ctm, float(operands[4]), float(operands[5]))
        elif op == "Do":
            corners = [_apply(ctm, x, y) for x in (0, 1) for y in (0, 1)]
            mark.x, mark.y = min(c[0] for c in corners), max(c[1] for c in corners)
    return marks


def _shown_text(tree: _Tree, mark: _Mark) -> str:
    """Return the text `mark` shows, decoded through its fonts' ToUnicode maps."""
    out = []
    for font, operand in mark.shown:
        if font is None:
            continue
        if font.objgen not in tree.cmaps:
            tree.cmaps[font.objgen] = _to_unicode(font)
        table = tree.cmaps[font.objgen]
        for item in operand if isinstance(operand, Array) else [operand]:
            if isinstance(item, pikepdf.String):
                raw = bytes(item)
                out += [table.get(int.from_bytes(raw[i:i + 2], "big"), "") for i in range(0, len(raw) - 1, 2)]
    return "".join(out)


def _to_unicode(font: Dictionary) -> dict[int, str]:
    """Return a Type0 font's 2-byte codes → text, from its ToUnicode CMap (WeasyPrint writes bfchar lines)."""
    if "/ToUnicode" not in font:
        return {}
    data = font.ToUnicode.read_bytes()
    table = {}
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in _CODES.findall(block):
            table[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be", errors="replace")
    return table


# --- structure destinations ------------------------------------------------------------------------


def _structure_destinations(book: pikepdf.Pdf, tree: _Tree) -> None:
    """Give every link and bookmark into the book a structure destination too (ISO 14289-2 8.8).

    PDF/UA-2 asks that a destination in the document name the structure element it leads to, not only a
    page and a point (PDF 2.0's /SD in a GoTo action, ISO 32000-2 12.6.4.3). Each link and bookmark becomes
    a GoTo action that keeps its page destination (/D, for PDF 1.x readers) and adds /SD: the element of
    the first content at or below the destination's point on its page (a heading's text, for a section).
    """
    named = {}
    names = book.Root.get("/Names", {}).get("/Dests", {}).get("/Names")
    if names is not None:
        named = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
    reachable = {e.objgen for e in tree.elements}
    by_page = {page.objgen: index for index, page in enumerate(book.pages)}

    def goto(dest) -> Dictionary:
        explicit = named[str(dest)] if isinstance(dest, pikepdf.String) else dest
        target = _target(tree, book, explicit, reachable, by_page)
        return Dictionary(S=Name.GoTo, D=dest, SD=Array([target, *list(explicit)[1:]]))

    for page in book.pages:
        for annot in page.obj.get("/Annots", ()):
            if "/Dest" in annot:
                annot.A = goto(annot.Dest)
                del annot.Dest
            elif "/A" in annot and annot.A.get("/S") == Name.GoTo and "/SD" not in annot.A:
                annot.A.SD = goto(annot.A.D).SD
    outlines = book.Root.get("/Outlines")
    stack = [outlines.First] if outlines is not None and "/First" in outlines else []
    while stack:
        item = stack.pop()
        if "/Dest" in item:
            item.A = goto(item.Dest)
            del item.Dest
        stack += [item[k] for k in ("/First", "/Next") if k in item]


def _target(tree: _Tree, book: pikepdf.Pdf, dest: Array, reachable: set, by_page: dict) -> Dictionary:
    """Return the structure element a page destination [page /XYZ left top zoom] leads to.

    The first content at or below `top` on the page (the nearest baseline under it, so the heading an
    anchor sits on), else the first content of the following pages; its run of text (Span) or link
    leads to the element holding it. The Document element when the book holds no content after it.
    """
    start = by_page[dest[0].objgen]
    top = float(dest[3]) if len(dest) > 3 and dest[1] == Name.XYZ and dest[3] is not None else None
    for index in range(start, len(book.pages)):
        page = book.pages[index].obj
        if "/StructParents" not in page:
            continue
        owners = tree.nums.get(int(page.StructParents))
        candidates = []
        for mcid, mark in _marks(tree, page).items():
            if mark.y is None or (index == start and top is not None and mark.y > top + 1):
                continue
            owner = owners[mcid] if owners is not None and mcid < len(owners) else None
            if isinstance(owner, Dictionary) and owner.objgen in reachable:
                candidates.append((-mark.y, mcid, owner))
        if candidates:
            element = min(candidates, key=lambda c: (c[0], c[1]))[2]
            while _type(element) in INLINE | TRANSPARENT and "/S" in element.P:
                element = element.P
            return element
    return tree.document

"""PDF/UA-2 (render/handbook/ua2.py): the structure tree mended where WeasyPrint 70's tags break ISO 14289-2.

The sample course (every block type) is built as pdf/ua-2 and as pdf/ua-1, whose tree is WeasyPrint's
own: each rule the finishing meets is counted on both, and the unmended file must break it (a check that
passed there too would prove nothing). The checks read the PDF with pikepdf and pdfplumber, not with the
module's helpers; veraPDF's own verdict on every variant is in test_verapdf.py.
"""

from __future__ import annotations

import subprocess
from collections import Counter, defaultdict
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from pikepdf import Array, Dictionary, Name

from deckbook.errors import RenderError
from deckbook.options import Options
from deckbook.render import handbook
from deckbook.render.handbook import ua2
from test_handbook import sample_course, theme  # noqa: F401

TRANSPARENT = {"/NonStruct", "/Div"}  # veraPDF reads a parent through these
HEADINGS = {"/H", "/H1", "/H2", "/H3", "/H4", "/H5", "/H6"}
NO_SPAN = {"/Document", "/DocumentFragment", "/Art", "/Sect", "/Aside", "/BlockQuote"}  # ISO 32005 Table 5


@pytest.fixture(scope="module")
def books(tmp_path_factory, theme):
    root = tmp_path_factory.mktemp("ua2")
    sample = sample_course(root / "course")
    return {variant: handbook.render(sample, theme, root / f"{variant[4:]}.pdf",
                                     Options(edition="trainer", pdf_variant=variant, strict=True))
            for variant in ("pdf/ua-1", "pdf/ua-2")}


def kids(element: Dictionary) -> list:
    k = element.get("/K")
    return [] if k is None else list(k) if isinstance(k, Array) else [k]


def elements(pdf: pikepdf.Pdf) -> list[Dictionary]:
    """Return the structure elements in document order."""
    out, stack = [], list(reversed(kids(pdf.Root.StructTreeRoot)))
    while stack:
        element = stack.pop()
        out.append(element)
        stack += reversed([k for k in kids(element) if isinstance(k, Dictionary) and "/S" in k])
    return out


def standard_parent(element: Dictionary) -> str:
    parent = element.P
    while "/S" in parent and str(parent.S) in TRANSPARENT:
        parent = parent.P
    return str(parent.S) if "/S" in parent else "/StructTreeRoot"


def standard_kids(element: Dictionary) -> list[str]:
    out = []
    for kid in kids(element):
        if isinstance(kid, Dictionary) and "/S" in kid:
            out += standard_kids(kid) if str(kid.S) in TRANSPARENT else [str(kid.S)]
    return out


def destinations(pdf: pikepdf.Pdf) -> list[Dictionary]:
    """Return every link annotation and bookmark that leads into the document."""
    found = [a for page in pdf.pages for a in page.obj.get("/Annots", ())
             if "/Dest" in a or a.get("/A", {}).get("/S") == Name.GoTo]
    stack = [pdf.Root.Outlines.First]
    while stack:
        item = stack.pop()
        found.append(item)
        stack += [item[k] for k in ("/First", "/Next") if k in item]
    return found


def breaches(path: Path) -> Counter:
    """Return how often the file breaks each rule the finishing mends, by veraPDF's rule id."""
    found: Counter = Counter()
    with pikepdf.open(path) as pdf:
        for element in elements(pdf):
            kind, parent = str(element.S), standard_parent(element)
            found["Link-Link"] += kind == parent == "/Link"
            found["Hn-Hn"] += kind in HEADINGS and parent in HEADINGS
            found["Sect-Span"] += kind == "/Span" and parent in NO_SPAN
            found["P-Div"] += kind == "/Div" and parent == "/P"
            types = standard_kids(element) if kind not in TRANSPARENT else []
            found["8.2.5.27-1"] += "/Caption" in types[1:-1]
            labelled = any(str(k.get("/S")) == "/Lbl" for item in kids(element) if isinstance(item, Dictionary)
                           for k in kids(item) if isinstance(k, Dictionary))
            found["8.2.5.25-1"] += kind == "/L" and labelled and "/ListNumbering" not in element.get("/A", {})
        found["8.8-1"] = sum("/SD" not in d.get("/A", {}) for d in destinations(pdf))
    return found


RULES = ("Link-Link", "Sect-Span", "8.2.5.27-1", "8.2.5.25-1", "8.8-1")


def test_weasyprints_own_tags_break_each_rule_the_finishing_mends(books):
    found = breaches(books["pdf/ua-1"])
    assert all(found[rule] for rule in RULES), found
    assert found["Hn-Hn"] == 0  # mended at the source: the chapter number is an inline-block, not a block


def test_a_heading_in_a_heading_is_folded_into_it():
    """A theme that puts a block in a heading gets an H1 in the H1 from WeasyPrint; the fold undoes it."""
    pdf = pikepdf.new()
    pdf.add_blank_page()
    page = pdf.pages[0].obj
    page.StructParents = 0

    def element(kind: str, parent, *kids) -> Dictionary:
        made = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name(kind), P=parent, Pg=page, K=Array(kids)))
        for kid in kids:
            if isinstance(kid, Dictionary):
                kid.P = made
        return made

    root = pdf.make_indirect(Dictionary(Type=Name.StructTreeRoot))
    number, text = element("/Span", None, 0), element("/Span", None, 1)
    inner = element("/H1", None, text, 2)
    outer = element("/H1", None, number, inner)
    document = element("/Document", root, element("/Sect", None, outer))
    root.K = Array([document])
    root.ParentTree = pdf.make_indirect(Dictionary(Nums=Array([0, Array([number, text, inner])])))
    pdf.Root.StructTreeRoot = root
    tree = ua2._Tree(pdf)
    ua2._unwrap_nested(tree)
    tree.write_parent_tree()
    assert [k.objgen if isinstance(k, Dictionary) else k for k in outer.K] == [number.objgen, text.objgen, 2]
    assert text.P.objgen == outer.objgen
    assert root.ParentTree.Nums[1][2].objgen == outer.objgen  # the bare MCID now counts as the outer H1's
    assert inner.objgen not in {e.objgen for e in tree.elements}


def test_the_pdf_ua_2_book_breaks_none_of_them(books):
    found = breaches(books["pdf/ua-2"])
    assert not +found, found


def ownership(path: Path) -> Counter:
    """Return how many content items (MCIDs, annotations) of the tree the parent tree maps back to their
    element (True) or to another one (False)."""
    owned: Counter = Counter()
    with pikepdf.open(path) as pdf:
        nums = list(pdf.Root.StructTreeRoot.ParentTree.Nums)
        tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
        for element in elements(pdf):
            for kid in kids(element):
                if isinstance(kid, int):
                    owner = tree[int(element.Pg.StructParents)][kid]
                elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR:
                    owner = tree[int(kid.Obj.StructParent)]
                    owned["annotation outside a Link"] += element.S != Name.Link
                elif isinstance(kid, Dictionary) and kid.get("/Type") == Name.MCR:
                    owner = tree[int(kid.Pg.StructParents)][int(kid.MCID)]
                else:
                    owned["element with a wrong /P"] += kid.P.objgen != element.objgen
                    continue
                owned[owner.objgen == element.objgen] += 1
    return owned


def test_the_parent_tree_still_maps_every_content_item_to_its_element(books):
    before, after = ownership(books["pdf/ua-1"]), ownership(books["pdf/ua-2"])
    assert before[True] > 1000
    assert after == Counter({True: before[True]})  # nothing lost, nothing mapped to another element


def test_links_and_bookmarks_lead_to_the_heading_they_name(books):
    with pikepdf.open(books["pdf/ua-2"]) as pdf, pdfplumber.open(books["pdf/ua-2"]) as plumb:
        text: dict[tuple, str] = defaultdict(str)  # (page number, mcid) → text
        for number, page in enumerate(plumb.pages):
            for char in page.chars:
                text[number, char.get("mcid")] += char["text"]
        pages = {p.objgen: i for i, p in enumerate(pdf.pages)}

        def element_text(element) -> str:
            return "".join(element_text(k) if isinstance(k, Dictionary) else text[pages[element.Pg.objgen], k]
                           for k in kids(element))

        names = list(pdf.Root.Names.Dests.Names)
        named = {str(names[i]): names[i + 1] for i in range(0, len(names), 2)}
        items = destinations(pdf)
        bookmarks = [d for d in items if "/Title" in d]
        assert bookmarks and len(items) > len(bookmarks)
        for item in items:
            target, page_dest = item.A.SD[0], item.A.D
            explicit = named[str(page_dest)] if isinstance(page_dest, pikepdf.String) else page_dest
            assert str(target.S) in HEADINGS, item
            assert list(item.A.SD)[1:] == list(explicit)[1:]  # the same point, named by its element
            if "/Title" in item:  # "1.2 The router" leads to the heading whose text ends "The router"
                assert " ".join(element_text(target).split()).endswith(str(item.Title).split(" ", 1)[-1])


def test_each_list_says_how_it_is_numbered(books):
    with pikepdf.open(books["pdf/ua-2"]) as pdf:
        numbering = [str(e.A.ListNumbering) for e in elements(pdf) if e.S == Name.L and "/A" in e]
    # bullets with a nested list (disc, then circle), the ordered list starting at 3, the trainer's notes
    assert numbering[:3] == ["/Disc", "/Circle", "/Decimal"], numbering


@pytest.mark.parametrize("label, numbering", [("\u2022", "/Disc"), ("\u25e6", "/Circle"), ("\u25aa", "/Square"),
                                              ("12", "/Decimal"), ("iv", "/LowerRoman"), ("C", "/UpperRoman"),
                                              ("b", "/LowerAlpha"), ("\u2013", "/Unordered"), ("1-a", "/Ordered")])
def test_a_label_names_its_numbering(label, numbering):
    assert ua2._numbering(label) == numbering


def test_the_file_is_pdf_2_claiming_pdf_ua_2_and_qpdf_finds_nothing_wrong(books):
    with pikepdf.open(books["pdf/ua-2"]) as pdf:
        assert pdf.pdf_version == "2.0"
        meta = pdf.open_metadata()
        assert (meta["pdfuaid:part"], meta["pdfuaid:rev"]) == ("2", "2024")
    check = subprocess.run(["qpdf", "--check", str(books["pdf/ua-2"])], capture_output=True, text=True)
    assert check.returncode == 0 and "No syntax or stream encoding errors" in check.stdout, check.stdout + check.stderr


def test_print_mode_and_pdf_ua_2_is_an_error(tmp_path, theme):
    with pytest.raises(RenderError, match="PDF/UA-2 needs PDF 2.0"):
        handbook.render(sample_course(tmp_path / "course"), theme, tmp_path / "x.pdf",
                        Options(print_mode=True, pdf_variant="pdf/ua-2"))

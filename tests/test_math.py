"""Math: `$…$` and `$$…$$` with pandoc's rules, checked TeX, vector pictures and text runs in the outputs."""

from __future__ import annotations

import subprocess
import sys

import pdfplumber
import pytest
from pptx import Presentation
from pptx.oxml.ns import qn

from deckbook import model as m
from deckbook.build import build, load
from deckbook.errors import ContentError
from deckbook.render.common import mathtex


def _paragraph_inlines(make_course, text: str) -> list:
    course, _, diags = load(make_course({"01-a.md": f"# A\n\n## B\n\n{text}\n"}))
    assert diags.errors == []
    return [b for b in course.chapters[0].slides[-1].blocks]


@pytest.mark.parametrize("text, inlines", [
    ("A price of $5 and $6 each", (m.Text("A price of $5 and $6 each"),)),  # digit after the closing $
    ("Costs $5, or $ 6 $ flat", (m.Text("Costs $5, or $ 6 $ flat"),)),  # space after the opening $
    ("Not $x $ either", (m.Text("Not $x $ either"),)),  # space before the closing $
    (r"Escaped \$x\$ stays", (m.Text("Escaped $x$ stays"),)),
    ("Inline $f(x) = A(x)\\,x$ here", (m.Text("Inline "), m.Math("f(x) = A(x)\\,x"), m.Text(" here"))),
    ("Two $a$ and $b$.", (m.Text("Two "), m.Math("a"), m.Text(" and "), m.Math("b"), m.Text("."))),
    ("Code `$x$` is code", (m.Text("Code "), m.Code("$x$"), m.Text(" is code"))),
])
def test_dollar_rules_follow_pandoc(make_course, text, inlines):
    blocks = _paragraph_inlines(make_course, text)
    assert blocks == [m.Paragraph(inlines, blocks[0].loc)]


def test_display_math_is_a_block_of_its_own(make_course):
    blocks = _paragraph_inlines(make_course, "Before\n\n$$\n\\sum_{i=1}^n i\n$$\n\nText $$x^2$$ after")
    kinds = [(type(b).__name__, getattr(b, "tex", None)) for b in blocks]
    assert kinds == [("Paragraph", None), ("MathBlock", "\\sum_{i=1}^n i"), ("Paragraph", None),
                     ("MathBlock", "x^2"), ("Paragraph", None)]
    assert blocks[1].loc.line == 7 and blocks[3].loc.line == 11


@pytest.mark.parametrize("source, message", [
    ("Bad $\\frac{a}{$ here", "invalid math: the TeX ends too early"),
    ("Bad $\\notacommand x$ here", "invalid math: unknown TeX command '\\notacommand'"),
    ("$$\n\\begin{matrix} a\n$$", "invalid math: TeX: missing end"),
    ("Bad ${x$ here", "invalid math: unbalanced braces"),
])
def test_invalid_tex_is_an_error_with_file_and_line(make_course, source, message):
    root = make_course({"01-a.md": f"# A\n\n## B\n\nFine.\n\n{source}\n"})
    with pytest.raises(ContentError) as raised:
        load(root)
    found = [str(d) for d in raised.value.diagnostics]
    assert len(found) == 1 and f"01-a.md:7:" in found[0] and message in found[0], found


def test_check_reports_math_problems_without_rendering(make_course, tmp_path):
    root = make_course({"01-a.md": "# A\n\n## B\n\nBad $x^$ here.\n"})
    result = subprocess.run([sys.executable, "-m", "deckbook", "check", str(root)], capture_output=True, text=True,
                            cwd=tmp_path)
    assert result.returncode != 0
    assert "01-a.md:5:5: error: invalid math: the TeX ends too early" in result.stdout + result.stderr
    assert not (tmp_path / "build").exists()


def test_linear_math_raises_and_lowers_scripts():
    pieces = mathtex.linear("x_i^2 + \\frac{a}{b}")
    assert [(p.text, p.italic, p.baseline) for p in pieces] == [
        ("x", True, 0), ("i", True, mathtex.SUBSCRIPT), ("2", False, mathtex.SUPERSCRIPT), (" + ", False, 0),
        ("a", True, 0), ("/", False, 0), ("b", True, 0)]


CHAPTER = """\
# Math

## Formulas

The gain $f(x) = A(x)\\,x$ grows; a coffee costs $5 and $6.

$$\\sum_{i=1}^{n} x_i^2 = \\frac{a+b}{\\sqrt{c}}$$
"""


@pytest.fixture(scope="module")
def outputs(tmp_path_factory):
    root = tmp_path_factory.mktemp("math") / "course"
    root.mkdir()
    (root / "course.yaml").write_text("title: M\nversion: '1'\ndate: 2026-01-01\n", encoding="utf-8")
    (root / "01-m.md").write_text(CHAPTER, encoding="utf-8")
    return build(root, root.parent / "out", outputs=("deck", "handbook")).files


def test_the_deck_writes_inline_math_as_runs_and_display_math_as_a_picture(outputs):
    prs = Presentation(outputs["deck"])
    slide = prs.slides[-1]
    texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
    body = next(t for t in texts if "gain" in t)
    assert "f(x) = A(x)\u2009x" in body and "$5 and $6" in body
    scripts = [(r.text, r._r.find(qn("a:rPr")).get("baseline")) for s in slide.shapes if s.has_text_frame
               for p in s.text_frame.paragraphs for r in p.runs]
    assert ("x", None) in scripts
    pictures = [s for s in slide.shapes if s.shape_type == 13]
    assert [p._element.nvPicPr.cNvPr.get("descr") for p in pictures] == ["\\sum_{i=1}^{n} x_i^2 = \\frac{a+b}{\\sqrt{c}}"]
    blip = pictures[0]._element.blipFill.find(qn("a:blip"))
    assert pictures[0].part.related_part(blip.get(qn("r:embed"))).content_type == "image/png"
    assert blip.find(f"{qn('a:extLst')}/{qn('a:ext')}").get("uri") == "{96DAC541-7B7A-43D3-8B79-37D633B846F1}"
    no_math_dollars = [t.replace("$5 and $6", "") for t in texts]
    assert not any("$" in t for t in no_math_dollars)


def test_the_handbook_draws_math_as_vector_pictures_with_the_tex_as_alt_text(outputs):
    with pdfplumber.open(outputs["handbook"]) as pdf:
        page = next(p for p in pdf.pages if "gain" in (p.extract_text() or ""))
        text = page.extract_text()
        assert "$" not in text.replace("$5 and $6", "")
        assert "\\frac" not in text and "\\sum" not in text
        # The formulas are drawn (vector paths from an SVG image), not printed as TeX.
        assert len(page.curves) + len(page.rects) + len(page.lines) > 0 or page.objects.get("curve")

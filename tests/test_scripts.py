"""Every script and emoji in both outputs: the theme's font fallback chain, and warnings for what no font has."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pdfplumber
import pikepdf
import pytest
from pptx import Presentation
from pptx.oxml.ns import qn

from deckbook.build import build, check, load
from deckbook.errors import Location, ThemeError
from deckbook.render.common import fontchain
from deckbook.theme import load_theme

SCRIPTS = "🦀 ✅ 日本語 Ελληνικά Русский"
CHAPTER = f"""\
# Scripts

## Every script

Crab and check: {SCRIPTS}.

العربية لغة

עברית שפה

The gain $f(x) = A(x)\\,x$ of a price of $5 and $6:

$$\\sum_{{i=1}}^{{n}} x_i^2 = \\frac{{a+b}}{{\\sqrt{{c}}}}$$

::: handbook
Also in the handbook: {SCRIPTS}.
:::

## The diagram

![Client and server](diagram.svg)
"""
DIAGRAM = """<svg xmlns="http://www.w3.org/2000/svg" width="400" height="200" viewBox="0 0 400 200">
  <rect x="10" y="10" width="150" height="80" rx="10" fill="#1B4F72"/>
  <rect x="240" y="10" width="150" height="80" rx="10" fill="#C0392B"/>
  <path d="M160 50 L235 50" stroke="#333333" stroke-width="4"/>
  <circle cx="200" cy="150" r="30" fill="#1A7F37"/>
</svg>
"""
#: A theme whose chain has no CJK font (the default's chain without Noto Sans CJK).
NO_CJK_THEME = """\
extends: default
fonts:
  body: {family: Inter, regular: ../default/fonts/Inter-Regular.otf, bold: ../default/fonts/Inter-Bold.otf,
         italic: ../default/fonts/Inter-Italic.otf, bold_italic: ../default/fonts/Inter-BoldItalic.otf}
"""

FALLBACK_PACKAGES = {"NotoSans-Regular.ttf": "fonts-noto-core", "NotoSansCJK-Regular.ttc": "fonts-noto-cjk",
                     "NotoColorEmoji.ttf": "fonts-noto-color-emoji"}


@pytest.fixture
def fonts_installed() -> None:
    """Fail, never skip, when the default theme's fallback fonts are missing: `invoke setup` installs them."""
    for file, package in FALLBACK_PACKAGES.items():
        if fontchain.find_font(file, ()) is None:
            pytest.fail(f"{file} is not installed (Debian package {package}): run `invoke setup`", pytrace=False)


needs_fonts = pytest.mark.usefixtures("fonts_installed")


def _default_chain():
    return fontchain.chain(load_theme("default", Location(Path("course.yaml"))))


@needs_fonts
def test_segments_name_the_font_each_script_needs():
    runs = [(text, font.family if font else None) for text, font in _default_chain().segments(f"Go {SCRIPTS} x")]
    assert runs == [("Go ", None), ("🦀", "Noto Color Emoji"), (" ", None), ("✅", "Noto Color Emoji"), (" ", None),
                    ("日本語", "Noto Sans CJK JP"), (" Ελληνικά Русский x", None)]  # Inter has Greek and Cyrillic
    # An emoji sequence (a joiner, a variation selector) stays in one run.
    assert [t for t, _ in _default_chain().segments("a👩\u200d💻\ufe0fb")] == ["a", "👩\u200d💻\ufe0f", "b"]


@needs_fonts
def test_only_the_fonts_a_course_needs_are_loaded():
    chain = _default_chain()
    assert chain.needed("Plain English, Ελληνικά, Русский") == ()
    assert [f.family for f in chain.needed("עברית and 日本")] == ["Noto Sans CJK JP", "Noto Sans Hebrew"]


def test_right_to_left_follows_the_first_strong_character():
    assert fontchain.right_to_left("  «العربية» and more")
    assert fontchain.right_to_left("1. עברית")
    assert not fontchain.right_to_left("Latin then עברית")


@needs_fonts
def test_the_default_chain_has_every_script_of_the_course(make_course):
    course, theme, diags = load(make_course({"01-s.md": CHAPTER, "diagram.svg": DIAGRAM}))
    check(course, theme, diags, outputs=("handbook",))
    assert [str(d) for d in diags.items] == []


@needs_fonts
def test_a_chain_without_cjk_warns_once_per_line_naming_the_characters(make_course, tmp_path, monkeypatch):
    root = make_course({"01-s.md": CHAPTER, "diagram.svg": DIAGRAM},
                       course_yaml="title: T 日本\nversion: '1.0'\ntheme: nocjk\n")
    (tmp_path / "themes" / "nocjk").mkdir(parents=True)
    (tmp_path / "themes" / "nocjk" / "theme.yaml").write_text(
        "extends: default\nfonts:\n  fallback:\n" + "".join(
            f"    - {{family: {family}, file: {file}}}\n" for family, file in (
                ("Noto Sans Arabic", "NotoSansArabic-Regular.ttf"), ("Noto Sans Hebrew", "NotoSansHebrew-Regular.ttf"),
                ("Noto Color Emoji", "NotoColorEmoji.ttf"))), encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    result = subprocess.run([sys.executable, "-m", "deckbook", "check", str(root)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    lines = [line for line in (result.stdout + result.stderr).splitlines() if "no font" in line]
    chars = "'日' (U+65E5), '本' (U+672C)"
    assert lines == [
        f"course/01-s.md:5:21: warning: no font in theme 'nocjk' has {chars}, '語' (U+8A9E) "
        "(add a font that has it to fonts.fallback in theme.yaml, or it shows as an empty box)",
        f"course/01-s.md:16:27: warning: no font in theme 'nocjk' has {chars}, '語' (U+8A9E) "
        "(add a font that has it to fonts.fallback in theme.yaml, or it shows as an empty box)",
        f"course/course.yaml:1:10: warning: no font in theme 'nocjk' has {chars} "
        "(add a font that has it to fonts.fallback in theme.yaml, or it shows as an empty box)",
    ]


def test_a_missing_fallback_font_is_a_warning_naming_its_package(make_course, tmp_path, monkeypatch):
    (tmp_path / "themes" / "gone").mkdir(parents=True)
    (tmp_path / "themes" / "gone" / "theme.yaml").write_text(
        "extends: default\nfonts:\n  fallback:\n    - {family: Nowhere Sans, file: NowhereSans.ttf, package: fonts-nowhere}\n",
        encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    course, theme, diags = load(make_course({"01-s.md": "# A\n\n## B\n\nText 日本.\n"},
                                            course_yaml="title: T\nversion: '1'\ntheme: gone\n"))
    check(course, theme, diags, outputs=("handbook",))
    messages = [d.message + " | " + d.hint for d in diags.warnings]
    assert any("'Nowhere Sans'" in m and "fonts-nowhere" in m for m in messages)
    assert any("has '日' (U+65E5), '本' (U+672C)" in m for m in messages)


def test_a_fallback_font_path_may_not_leave_the_theme(tmp_path, monkeypatch):
    (tmp_path / "themes" / "escape").mkdir(parents=True)
    (tmp_path / "themes" / "escape" / "theme.yaml").write_text(
        "extends: default\nfonts:\n  fallback:\n    - {family: X, file: ../../x.ttf}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(ThemeError) as raised:
        load_theme("escape", Location(tmp_path / "course.yaml"))
    assert "fonts.fallback.0.file" in str(raised.value)


# --- the outputs ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def built(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("scripts") / "course"
    root.mkdir()
    (root / "course.yaml").write_text("title: Scripts 🦀\nversion: '1.0'\ndate: 2026-01-01\n", encoding="utf-8")
    (root / "01-s.md").write_text(CHAPTER, encoding="utf-8")
    (root / "diagram.svg").write_text(DIAGRAM, encoding="utf-8")
    result = build(root, root.parent / "out", outputs=("deck", "handbook"))
    assert [str(w) for w in result.warnings] == []
    return result.files


def _notdef_uses(pdf: Path) -> list[str]:
    """Return the fonts that draw CID 0 (.notdef, an empty box) anywhere in `pdf`, one entry per use.

    Text extraction cannot see tofu (the text layer keeps the character): this reads the codes the content
    streams show and maps them to CIDs through each font's encoding (Identity-H, or WeasyPrint's own CMap
    with two-byte codes).
    """
    found = []
    with pikepdf.open(pdf) as doc:
        for page in doc.pages:
            fonts = page.resources.get("/Font", {})
            current, cids = None, {}
            for operands, operator in pikepdf.parse_content_stream(page):
                if operator == pikepdf.Operator("Tf"):
                    current = fonts[operands[0]]
                    cids = _encoding(current)
                elif operator in (pikepdf.Operator("Tj"), pikepdf.Operator("TJ")):
                    assert current is not None and current.Subtype == "/Type0"
                    strings = operands[0] if operator == pikepdf.Operator("TJ") else [operands[0]]
                    for s in strings:
                        if isinstance(s, pikepdf.String):
                            data = bytes(s)
                            codes = [int.from_bytes(data[i:i + 2], "big") for i in range(0, len(data), 2)]
                            found += [str(current.BaseFont) for c in codes if (c if cids is None else cids[c]) == 0]
    return found


def _encoding(font) -> dict[int, int] | None:
    """Return code → CID of a Type 0 font's encoding CMap (None: Identity-H, the code is the CID)."""
    if font.Encoding == "/Identity-H":
        return None
    text = font.Encoding.read_bytes().decode("latin-1")
    cids: dict[int, int] = {}
    for block in re.findall(r"begincidchar(.*?)endcidchar", text, re.S):
        for code, cid in re.findall(r"<([0-9a-fA-F]+)>\s+(\d+)", block):
            cids[int(code, 16)] = int(cid)
    for block in re.findall(r"begincidrange(.*?)endcidrange", text, re.S):
        for lo, hi, cid in re.findall(r"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s+(\d+)", block):
            for offset in range(int(hi, 16) - int(lo, 16) + 1):
                cids[int(lo, 16) + offset] = int(cid) + offset
    return cids


@needs_fonts
def test_the_handbook_draws_every_glyph_with_the_chain(built):
    pdf = built["handbook"]
    assert _notdef_uses(pdf) == []
    with pikepdf.open(pdf) as doc:
        names = {str(f.get("/BaseFont")) for page in doc.pages for f in page.resources.get("/Font", {}).values()}
    families = " ".join(names)
    assert "Noto" in families or "db-fallback" in families  # the chain's fonts are embedded (subsets)


def test_notdef_detection_finds_tofu(tmp_path):
    """The detector itself: a handbook laid out without the chain shows CJK as glyph 0."""
    from weasyprint import HTML

    pdf = tmp_path / "tofu.pdf"
    font = Path(__file__).parent.parent / "themes/default/fonts/Inter-Regular.otf"
    HTML(string=f'<style>@font-face{{font-family:x;src:url("{font.as_uri()}")}} p{{font-family:x}}</style>'
                '<p>ok \U000F0000</p>').write_pdf(pdf)
    assert _notdef_uses(pdf)


@needs_fonts
def test_the_deck_names_the_fallback_font_for_each_script(built):
    prs = Presentation(built["deck"])
    runs = {}
    rtl = []
    for slide in prs.slides:
        for shape in slide.shapes:
            if not shape.has_text_frame:
                continue
            for p in shape.text_frame.paragraphs:
                ppr = p._p.pPr
                if ppr is not None and ppr.get("rtl") == "1":
                    rtl.append(p.text)
                for r in p.runs:
                    rpr = r._r.find(qn("a:rPr"))
                    runs[r.text] = {slot: el.get("typeface") for slot in ("a:latin", "a:ea", "a:cs")
                                    for el in [rpr.find(qn(slot))] if el is not None}
    assert runs["🦀"] == runs["✅"] == dict.fromkeys(("a:latin", "a:ea", "a:cs"), "Noto Color Emoji")
    assert runs["日本語"] == dict.fromkeys(("a:latin", "a:ea", "a:cs"), "Noto Sans CJK JP")
    assert runs[" Ελληνικά Русский."] == {"a:latin": "Inter"}
    assert runs["עברית"] == dict.fromkeys(("a:latin", "a:ea", "a:cs"), "Noto Sans Hebrew")
    assert rtl == ["العربية لغة", "עברית שפה"]


def _without_prices(text: str) -> str:
    return text.replace("$5 and $6", "")


@needs_fonts
def test_no_dollar_is_left_in_any_text_and_the_diagram_has_its_png(built):
    """The done-when course: math typeset (no TeX dollars in either output), the SVG a picture with a PNG."""
    prs = Presentation(built["deck"])
    texts = [s.text_frame.text for slide in prs.slides for s in slide.shapes if s.has_text_frame]
    assert any("$5 and $6" in t for t in texts)  # a price is not math
    assert not any("$" in _without_prices(t) for t in texts)
    pictures = {s._element.nvPicPr.cNvPr.get("descr"): s for slide in prs.slides for s in slide.shapes
                if s.shape_type == 13}
    assert set(pictures) == {"Client and server", "\\sum_{i=1}^{n} x_i^2 = \\frac{a+b}{\\sqrt{c}}"}
    for picture in pictures.values():
        blip = picture._element.blipFill.find(qn("a:blip"))
        assert picture.part.related_part(blip.get(qn("r:embed"))).content_type == "image/png"
        svg = blip.find(f"{qn('a:extLst')}/{qn('a:ext')}/{{http://schemas.microsoft.com/office/drawing/2016/SVG/main}}svgBlip")
        assert picture.part.related_part(svg.get(qn("r:embed"))).content_type == "image/svg+xml"
    with pdfplumber.open(built["handbook"]) as pdf:
        text = "\n".join(page.extract_text() or "" for page in pdf.pages)
    assert "$5 and $6" in text and "$" not in _without_prices(text)
    assert "Ελληνικά" in text and "Русский" in text


@needs_fonts
def test_the_deck_measures_fallback_text_with_the_fallback_fonts():
    """Japanese is as wide as the CJK font draws it (1 em a character), not as wide as a guess."""
    from deckbook.render.common import fontmetrics

    chain = _default_chain()
    body = chain.primary[-1]
    fallbacks = tuple(f.file for f in chain.fallback if f.file is not None)
    measured = fontmetrics.metrics(body, fallbacks)
    assert measured.width("日本語", 10) == pytest.approx(30.0)
    assert measured.width("Go", 10) == fontmetrics.metrics(body).width("Go", 10)
    assert fontmetrics.metrics(body).width("日本語", 10) != pytest.approx(30.0)  # without the chain: a guess

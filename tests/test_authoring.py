"""Markdown as authors already write it (pandoc, mdBook, Marp): the reproductions of issue 12, part 1.

Each test writes a small course, loads it, and looks at both outputs: the deck reopened with
python-pptx, the handbook's HTML (what WeasyPrint lays out).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pptx import Presentation

from deckbook import model as m
from deckbook.errors import ContentError, Diagnostics, Location
from deckbook.load import load_course
from deckbook.options import Options
from deckbook.render import deck, handbook
from deckbook.theme import load_theme

LEVEL2 = "title: T\nversion: '1.0'\ndate: 2026-01-01\nslide_level: 2\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00"
       b"\x00\x00\x00\x00\x00\x00\x00\x00IEND\xaeB`\x82")


@pytest.fixture(scope="module")
def theme():
    return load_theme("default", Location(Path("course.yaml")))


def load(root: Path) -> tuple[m.Course, list[str]]:
    """Return the course and its warnings (as printed); fail the test on errors."""
    diags = Diagnostics()
    try:
        course = load_course(root, diags=diags)
    except ContentError as exc:
        pytest.fail("\n".join(str(d) for d in exc.diagnostics))
    return course, [str(d).replace(str(root) + "/", "") for d in diags.warnings]


def errors(root: Path) -> list[str]:
    with pytest.raises(ContentError) as info:
        load_course(root)
    return [str(d).replace(str(root) + "/", "") for d in info.value.diagnostics if d.severity == "error"]


def blocks(course: m.Course) -> list:
    return [b for ch in course.chapters for s in ch.slides for b in s.blocks]


def deck_texts(course: m.Course, theme, out: Path) -> list[list[str]]:
    """Return the texts of every shape of every slide of the deck."""
    prs = Presentation(str(deck.render(course, theme, out / "deck.pptx", Options())))
    return [[sh.text_frame.text for sh in s.shapes if sh.has_text_frame] for s in prs.slides]


def html(course: m.Course, theme, trainer: bool = False) -> str:
    page = handbook.html(course, theme, Options(edition="trainer" if trainer else "student"))
    return page[page.index("<body"):]


# --- code info strings ---------------------------------------------------------------------------


RUST_REPRO = """\
## Slide

```rust,editable,compile_fail
# use std::collections::HashMap;
##[not hidden]
fn main() { let x: i32 = "no"; }
```
"""


def test_info_string_is_read_as_mdbook_and_rustdoc_do(make_course):
    course, warnings = load(make_course({"01.md": RUST_REPRO}, LEVEL2))
    [code] = blocks(course)
    assert code.language == "rust" and code.attributes == {"editable", "compile_fail"} and code.compile_fail
    assert code.code == '#[not hidden]\nfn main() { let x: i32 = "no"; }'  # the hidden line is not shown
    assert code.compiled == 'use std::collections::HashMap;\n#[not hidden]\nfn main() { let x: i32 = "no"; }'
    assert warnings == []


def test_unknown_info_attribute_is_a_warning_and_playground_ones_are_quiet(make_course):
    root = make_course({"01.md": "## S\n\n```rust,noplayground,edition2021,ignore,wobbly\nfn f() {}\n```\n"}, LEVEL2)
    course, warnings = load(root)
    assert blocks(course)[0].attributes == {"ignore"}
    assert warnings == ["01.md:3:41: warning: unknown code block attribute 'wobbly' is ignored "
                        "(deckbook reads compile_fail, should_panic, ignore, no_run, editable)"]


def test_hidden_lines_only_in_rust(make_course):
    course, _ = load(make_course({"01.md": "## S\n\n```python\n# a comment\nx = 1\n```\n"}, LEVEL2))
    assert blocks(course)[0].code == "# a comment\nx = 1" and blocks(course)[0].program == ""


def test_compile_fail_is_marked_in_both_outputs(make_course, theme, tmp_path):
    course, _ = load(make_course({"01.md": RUST_REPRO}, LEVEL2))
    page = html(course, theme)
    assert '<p class="ct"><span class="nc">does not compile</span></p>' in page
    assert "HashMap" not in page and "#[not hidden]" in page
    assert '<span class="k">fn</span>' in page or 'class="k"' in page  # coloured as Rust
    texts = deck_texts(course, theme, tmp_path)[1]  # after the title slide
    assert "does not compile" in texts
    assert not any("HashMap" in t for t in texts) and any("#[not hidden]" in t for t in texts)


# --- images --------------------------------------------------------------------------------------


def test_png_with_bytes_after_iend_builds_and_a_cut_one_does_not(make_course):
    ok = make_course({"01.md": "## S\n\n![A box](box.png)\n", "box.png": PNG + b"\n"}, LEVEL2, name="ok")
    course, _ = load(ok)
    assert isinstance(blocks(course)[0], m.Image)
    cut = make_course({"01.md": "## S\n\n![A box](box.png)\n", "box.png": PNG[:-3]}, LEVEL2, name="cut")
    assert errors(cut) == ["01.md:3:1: error: image 'box.png' is not a valid PNG file: "
                           "it is cut short (no IEND chunk at the end) (re-export the image)"]

"""Markdown as authors already write it (pandoc, mdBook, Marp): the reproductions of issue 12, part 1.

Each test writes a small course, loads it, and looks at both outputs: the deck reopened with
python-pptx, the handbook's HTML (what WeasyPrint lays out).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image as PILImage
from pptx import Presentation

from deckbook import model as m
from deckbook.errors import ContentError, Diagnostics, Location
from deckbook.load import load_course
from deckbook.options import Options
from deckbook.render import deck, handbook
from deckbook.theme import load_theme

LEVEL2 = "title: T\nversion: '1.0'\ndate: 2026-01-01\nslide_level: 2\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00\xfd\xd4\x9as"  # a real 2×2 PNG
       b"\x00\x00\x00\x16IDATx\xdac<!'\xc7\xc0\xc0\xc0\xc4\xc0\xc0\xc0\xc0\xc0\x00\x00\r\x04\x01\x08\x7f\xad\x82Q"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


def real_png() -> bytes:
    """Return a PNG every reader decodes (PNG above is only well-formed enough for the loader's checks)."""
    out = io.BytesIO()
    PILImage.new("RGB", (300, 120), "#dde").save(out, "PNG")
    return out.getvalue()


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


# --- inline HTML, comments, <details> --------------------------------------------------------------


HTML_REPRO = """\
<!-- Copyright 2024 Example -->
## Slide
Press <kbd>Ctrl</kbd>+<kbd>C</kbd>; H<sub>2</sub>O.

::: notes
Say this.

### More to explore
And this.
:::
"""


def test_comments_kbd_sub_and_headings_in_notes(make_course, theme, tmp_path):
    course, warnings = load(make_course({"01.md": HTML_REPRO}, LEVEL2))
    [slide] = course.chapters[0].slides
    assert slide.blocks[0].children == (m.Text("Press "), m.Kbd((m.Text("Ctrl"),)), m.Text("+"),
                                        m.Kbd((m.Text("C"),)), m.Text("; H"), m.Sub((m.Text("2"),)), m.Text("O."))
    assert [type(b).__name__ for b in slide.notes] == ["Paragraph", "Heading", "Paragraph"]
    assert warnings == []
    page = html(course, theme, trainer=True)
    assert "Press<span> </span><kbd>Ctrl</kbd>+<kbd>C</kbd>; H<sub>2</sub>O." in page and "Copyright" not in page
    assert ">More to explore</h3>" in page[page.index('class="notes"'):]
    prs = Presentation(str(deck.render(course, theme, tmp_path / "deck.pptx", Options())))
    shape = next(sh for sh in prs.slides[1].shapes if sh.has_text_frame and "Press" in sh.text_frame.text)
    runs = [r for p in shape.text_frame.paragraphs for r in p.runs]
    kbd = [r for r in runs if r.text == "Ctrl"][0]
    sub = [r for r in runs if r.text == "2"][0]
    assert kbd.font.name == theme.spec.fonts.mono.family and kbd._r.rPr.find(
        "{http://schemas.openxmlformats.org/drawingml/2006/main}highlight") is not None
    assert sub._r.rPr.get("baseline") == "-25000"
    notes = prs.slides[1].notes_slide.notes_text_frame.text
    assert notes.split("\n") == ["Say this.", "More to explore", "And this."]


def test_other_inline_html_renders_in_both_outputs(make_course, theme, tmp_path):
    root = make_course({"01.md": '## S\n\nx<sup>2</sup> <mark>hot</mark> <u>under</u> <abbr title="Hypertext">HTML</abbr>'
                                 ' <a href="https://example.org">site</a><br>next <!-- gone --> line\n\n'
                                 '<img src="box.png" alt="A box" width="120">\n', "box.png": real_png()}, LEVEL2)
    course, warnings = load(root)
    paragraph, image = blocks(course)
    assert [type(n).__name__ for n in paragraph.children] == [
        "Text", "Sup", "Text", "Mark", "Text", "Underline", "Text", "Abbr", "Text", "Link", "LineBreak", "Text"]
    assert isinstance(image, m.Image) and image.width == 120 and image.alt == "A box"
    page = html(course, theme)
    for fragment in ("<sup>2</sup>", "<mark>hot</mark>", "<u>under</u>", '<abbr title="Hypertext">HTML</abbr>',
                     'href="https://example.org"', "<br>", 'style="width: 120px"'):
        assert fragment in page
    assert "gone" not in page
    texts = deck_texts(course, theme, tmp_path)[1]
    assert "x2 hot under HTML site\vnext line" in texts  # python-pptx reads a line break as a vertical tab


def test_details_are_speaker_notes(make_course, theme, tmp_path):
    root = make_course({"01.md": "## S\n\nShown.\n\n<details>\n<summary>Speaker Notes</summary>\n\n"
                                 "* Tell them.\n\n### Deeper\n\nMore.\n\n</details>\n\n"
                                 "## T\n\nText.\n\n<details><summary>Notes</summary>One line.</details>\n"}, LEVEL2)
    course, _ = load(root)
    first, second = course.chapters[0].slides
    assert [type(b).__name__ for b in first.blocks] == ["Paragraph"]
    assert [type(b).__name__ for b in first.notes] == ["BulletList", "Heading", "Paragraph"]
    assert second.notes == (m.Paragraph((m.Text("One line."),), second.notes[0].loc),)
    assert "Speaker Notes" not in html(course, theme, trainer=True)
    prs = Presentation(str(deck.render(course, theme, tmp_path / "deck.pptx", Options())))
    assert prs.slides[1].notes_slide.notes_text_frame.text == "• Tell them.\nDeeper\nMore."


HTML_HINT = ("(deckbook reads <kbd>, <sub>, <sup>, <mark>, <u>, <abbr>, <a>, <code>, <br>, <img>; "
             "write Markdown instead, or put it in `code` to show it)")


def test_html_the_loader_does_not_read_is_an_error_naming_the_tag(make_course):
    root = make_course({"01.md": "## S\n\nText <span>x</span> and <kbd>open.\n\n<div>\nblock\n</div>\n"}, LEVEL2)
    assert errors(root) == [
        "01.md:3:6: error: HTML tag <span> is not allowed " + HTML_HINT,
        "01.md:3:25: error: <kbd> is never closed (end it with </kbd> on the same line)",
        "01.md:5:1: error: HTML tag <div> is not allowed " + HTML_HINT,
    ]


def test_what_a_browser_forgives_is_a_warning(make_course):
    """Slips found in a public mdBook course: a type parameter outside backticks, <details> typed for
    </details> (so the notes are never closed), a stray </details>."""
    root = make_course({"01.md": "## MaybeUninit<T>\n\nA <code>Pin</code>.\n\n<details>\n\nOne.\n\n<details>\n\nTwo.\n",
                        "02.md": "## B\n\nText.\n\n</details>\n"}, LEVEL2)
    course, warnings = load(root)
    [first], [second] = (c.slides for c in course.chapters)
    assert m.plain(first.title) == "MaybeUninit<T>" and first.blocks[0].children[1] == m.Code("Pin")
    assert [m.plain(b.children) for b in first.notes] == ["One.", "Two."]
    assert [m.plain(b.children) for b in second.blocks] == ["Text."]
    assert warnings == [
        "01.md:1:15: warning: '<T>' is not an HTML tag: shown as text (write it as code, e.g. `Vec<T>`)",
        "01.md:5:1: warning: <details> is never closed: the notes run to the end (end the speaker notes with a "
        "line </details>)",
        "01.md:9:1: warning: <details> is never closed: the notes run to the end (end the speaker notes with a "
        "line </details>)",
        "02.md:5:1: warning: </details> closes no <details>: ignored (remove it)"]


def test_pandoc_pause_is_dropped_silently(make_course):
    course, warnings = load(make_course({"01.md": "## S\n\nFirst.\n\n. . .\n\nThen.\n"}, LEVEL2))
    assert [m.plain(b.children) for b in blocks(course)] == ["First.", "Then."] and warnings == []


# --- footnotes, task lists, definition lists, strikethrough --------------------------------------


LISTS_REPRO = """\
## Lists

Text with a footnote[^1] and ~~struck~~ text.

- [ ] task open
- [x] task done

Term
: Definition

[^1]: The footnote text.
"""


def test_footnotes_tasks_definitions_strikethrough(make_course, theme, tmp_path):
    course, warnings = load(make_course({"01.md": LISTS_REPRO}, LEVEL2))
    para, tasks, definitions = blocks(course)
    assert para.children[1] == m.FootnoteRef(1, (m.Text("The footnote text."),))
    assert para.children[3] == m.Strike((m.Text("struck"),))
    assert [(i.checked, m.plain(i.blocks[0].children)) for i in tasks.items] == [(False, "task open"),
                                                                                 (True, "task done")]
    assert definitions.items == (m.Definition((m.Text("Term"),), ((m.Paragraph((m.Text("Definition"),),
                                                                                definitions.items[0].definitions[0][0].loc),),)),)
    page = html(course, theme)
    # Linked both ways (ids count the handbook's slides: the chapter's heading is the first).
    assert '<a class="fnref" href="#fn1-1" id="ref-fn1-1">1</a>' in page
    assert '<li id="fn1-1" value="1">The footnote text. <a class="back" href="#ref-fn1-1">' in page
    assert '<li class="task"><span class="box"></span>task open</li>' in page
    assert '<li class="task"><span class="box">✓</span>task done</li>' in page
    assert "<dl><dt>Term</dt><dd><p>Definition</p></dd></dl>" in page and "<s>struck</s>" in page
    texts = deck_texts(course, theme, tmp_path)[1]
    assert [t for t in texts if t][1:5] == ["Text with a footnote1 and struck text.", "task open\ntask done", "Term\nDefinition",
                          "1\u2002The footnote text."]
    for literal in ("[^1]", "[ ]", "[x]"):
        assert all(literal not in t for t in texts) and literal not in page
    prs = Presentation(str(tmp_path / "deck.pptx"))
    bullets = [c for sh in prs.slides[1].shapes for c in sh._element.xpath(".//a:buChar/@char")]
    assert bullets == ["\u2610", "\u2611"]
    shapes = {sh.text_frame.text: sh for sh in prs.slides[1].shapes if sh.has_text_frame}
    note, above = shapes["1\u2002The footnote text."], shapes["Term\nDefinition"]
    assert note.top > above.top + above.height + prs.slide_height // 4  # at the foot of the slide


def test_every_inline_type_is_handled_by_both_outputs():
    from deckbook.render.deck.pieces import base
    from deckbook.render.handbook import writer

    assert set(m.INLINE_TYPES) == set(writer._INLINES) == set(base._INLINE)


# --- slides: rules, sections, the slide level ----------------------------------------------------


def test_rule_before_a_slide_heading_starts_one_slide(make_course, theme, tmp_path):
    course, _ = load(make_course({"01.md": "## A\ntext\n---\n## B\nmore\n\n---\n"}, LEVEL2))
    slides = course.chapters[0].slides
    assert [(m.plain(s.title), [m.plain(b.children) for b in s.blocks]) for s in slides] == [
        ("A", ["text"]), ("B", ["more"])]
    assert deck_texts(course, theme, tmp_path)[1:] == [["A", "", "text", "T · 1.0", "2"],
                                                     ["B", "", "more", "T · 1.0", "3"]]


SECTION_REPRO = """\
# Running the Course

Background for the instructor.

::: notes
Notes about the background.
:::

## Next slide

Text.
"""


def test_notes_under_a_section_heading_go_with_its_content(make_course, theme, tmp_path):
    course, warnings = load(make_course({"01.md": SECTION_REPRO}, LEVEL2))
    assert warnings == ["01.md:1:1: warning: content directly under a section heading (the deck shows it, with its "
                        "notes, on a slide of its own after the section slide, titled 'Running the Course'; add a "
                        "level-2 heading above it to give it its own title)"]
    prs = Presentation(str(deck.render(course, theme, tmp_path / "deck.pptx", Options())))
    shown = {i: [sh.text_frame.text for sh in s.shapes if sh.has_text_frame] for i, s in enumerate(prs.slides)}
    notes = {i: s.notes_slide.notes_text_frame.text for i, s in enumerate(prs.slides) if s.has_notes_slide}
    [content] = [i for i, texts in shown.items() if "Background for the instructor." in texts]
    assert notes == {content: "Notes about the background."}


def test_check_says_which_heading_decided_the_slide_level(make_course, capsys):
    from deckbook.cli import main

    root = make_course({"01.md": "# Intro\n\nText under the chapter title.\n\n## A slide\n\nMore.\n"})
    assert main(["check", str(root)]) == 0
    out = capsys.readouterr().out
    assert f"slide level 1 (inferred: {root}/01.md:1:1 is the first heading of level 1, the highest level " \
           "directly followed by content; set slide_level: in course.yaml to choose)" in out
    assert main(["check", str(make_course({"01.md": "## A\n\nText.\n"}, LEVEL2, name="set"))]) == 0
    assert "slide level" not in capsys.readouterr().out


# --- links ---------------------------------------------------------------------------------------


REFERENCES_REPRO = """\
## Send
A type is [`Send`][1] if it can move between threads.

[1]: https://doc.rust-lang.org/std/marker/trait.Send.html

## Sync
A type is [`Sync`][1] if `&T` is `Send`.

[1]: https://doc.rust-lang.org/std/marker/trait.Sync.html
"""


def test_a_reference_defined_twice_is_a_warning_naming_both(make_course):
    course, warnings = load(make_course({"01.md": REFERENCES_REPRO}, LEVEL2))
    assert warnings == ["01.md:9:1: warning: link reference [1] is defined twice: here "
                        "(https://doc.rust-lang.org/std/marker/trait.Sync.html) and on line 4 "
                        "(https://doc.rust-lang.org/std/marker/trait.Send.html) (links use the first definition, "
                        "as CommonMark says; give one of them another label)"]


def test_a_link_to_a_page_outside_the_course_is_an_error(make_course):
    root = make_course({"01.md": "## S\n\nYou need a [Cargo installation](../cargo/running-locally.md).\n"}, LEVEL2)
    assert errors(root) == [
        "01.md:3:33: error: link '../cargo/running-locally.md' leads nowhere: ../cargo/running-locally.md is not a "
        "page of this course (link to a chapter (x.md, x.md#heading), a heading (#heading) or a web address "
        "(https://…))"]


def test_links_between_pages_land_on_their_headings(make_course, theme, tmp_path):
    root = make_course({
        "01-a.md": "# Alpha\n\n## Start\n\nSee [b](02-b.md), [its part](02-b.html#the-details), [here](#start), "
                   "[c](sub/03-c.md#start) and [a file](code/x.rs).\n",
        "02-b.md": "# Beta\n\n## The details\n\nBack to [alpha](01-a.md#start).\n",
        "sub/03-c.md": "# Gamma\n\n## Start\n\nUp to [alpha](../01-a.md).\n",
        "code/x.rs": "fn x() {}\n",
    }, LEVEL2 + "chapters: [01-a.md, 02-b.md, sub/03-c.md]\n")
    course, warnings = load(root)
    found = [(m.plain(n.children), n.target) for b in blocks(course) for n in b.children if isinstance(n, m.Link)]
    assert found == [("b", "#beta"), ("its part", "#the-details"), ("here", "#start"), ("c", "#start-1"),
                     ("alpha", "#start"), ("alpha", "#alpha")]
    assert warnings == ["01-a.md:5:106: warning: link 'code/x.rs' names a course file that is not a chapter: shown "
                        "as text (a deck and a handbook cannot open course files; link to a chapter or a web address)"]
    page = html(course, theme)
    assert '<a class="xref" href="#the-details"' in page and "file:" not in page and "x.rs" not in page


def test_links_between_pages_jump_to_their_slide_in_the_deck(make_course, theme, tmp_path):
    root = make_course({"01-a.md": "## Start\n\nSee [the details](02-b.md#the-details).\n",
                        "02-b.md": "## Intro\n\nText.\n\n## The details\n\nBack to [the start](01-a.md).\n"}, LEVEL2)
    course, _ = load(root)
    prs = Presentation(str(deck.render(course, theme, tmp_path / "deck.pptx", Options())))
    jumps = []
    for number, slide in enumerate(prs.slides, start=1):
        for link in slide._element.xpath(".//a:hlinkClick"):
            target = slide.part.related_part(link.get("{http://schemas.openxmlformats.org/officeDocument/2006/"
                                                       "relationships}id"))
            jumps.append((number, link.get("action"), prs.slides.index(target.slide) + 1))
    assert jumps == [(2, "ppaction://hlinksldjump", 4), (4, "ppaction://hlinksldjump", 2)]


# --- mdBook includes -----------------------------------------------------------------------------


FULL_RS = 'use std::fmt;\n// ANCHOR: main\nfn main() {\n    println!("hi");\n}\n// ANCHOR_END: main\nfn helper() {}\n'


def test_the_issues_rust_reproduction(make_course, theme, tmp_path):
    chapter = RUST_REPRO.replace("##[not hidden]\n", "") + "\n```rust\n{{#include code/ex.rs:solution}}\n```\n"
    course, warnings = load(make_course({"01.md": chapter,
                                         "code/ex.rs": "// ANCHOR: solution\nfn fib(n: u32) -> u32 { n }\n"}, LEVEL2))
    failing, included = blocks(course)
    assert failing.compile_fail and "HashMap" not in failing.code and warnings == []
    assert included.code == "fn fib(n: u32) -> u32 { n }" and included.language == "rust"  # runs to the end
    page = html(course, theme)
    assert page.count('<span class="nc">does not compile</span>') == 1 and "ANCHOR" not in page
    assert '<span class="k">fn</span>' in page.replace('<span class="k">fn </span>', '<span class="k">fn</span>')


@pytest.mark.parametrize("directive, code", [
    ("{{#include code/full.rs}}", 'use std::fmt;\nfn main() {\n    println!("hi");\n}\nfn helper() {}'),
    ("{{#include code/full.rs:main}}", 'fn main() {\n    println!("hi");\n}'),
    ("{{#include code/full.rs:3:5}}", 'fn main() {\n    println!("hi");\n}'),
    ("{{#include code/full.rs:7:}}", "fn helper() {}"),
    ("{{#include code/full.rs::1}}", "use std::fmt;"),
    ("{{#include code/full.rs:7}}", "fn helper() {}"),
    ("// before\n{{#include code/full.rs:7}}\n// after", "// before\nfn helper() {}\n// after"),
])
def test_mdbook_includes(make_course, directive, code):
    course, _ = load(make_course({"01.md": f"## S\n\n```rust\n{directive}\n```\n", "code/full.rs": FULL_RS}, LEVEL2))
    assert blocks(course)[0].code == code


def test_rustdoc_include_hides_the_rest_of_the_file(make_course):
    course, _ = load(make_course({"01.md": "## S\n\n```rust\n{{#rustdoc_include code/full.rs:main}}\n```\n",
                                  "code/full.rs": FULL_RS}, LEVEL2))
    [code] = blocks(course)
    assert code.code == 'fn main() {\n    println!("hi");\n}'
    assert code.compiled == 'use std::fmt;\nfn main() {\n    println!("hi");\n}\nfn helper() {}'


def test_mdbook_include_errors_and_confinement(make_course, tmp_path):
    (tmp_path / "secret.rs").write_text("secret")
    root = make_course({"01.md": "## S\n\n```rust\n{{#include code/gone.rs}}\n  {{#include ../secret.rs}}\n"
                                 "{{#include code/full.rs:40:}}\n```\n",
                        "code/full.rs": FULL_RS}, LEVEL2)
    assert errors(root) == [
        "01.md:4:1: error: include 'code/gone.rs' not found (paths are relative to the course folder)",
        "01.md:5:3: error: include '../secret.rs' leaves the course folder (files a course uses must live inside "
        "it; symbolic links are followed)",
        "01.md:6:1: error: lines 40: of full.rs: it has 7 lines (name lines that exist, e.g. file.rs:2:10)",
    ]
    _, warnings = load(make_course({"01.md": "## S\n\n```rust\n{{#include code/full.rs:nope}}\nfn x() {}\n```\n",
                                    "code/full.rs": FULL_RS}, LEVEL2, name="missing-anchor"))
    assert warnings == ["01.md:4:1: warning: anchor 'nope' not found in full.rs: nothing included, as in mdBook "
                        "(anchors there: main)"]


def test_include_anchor_without_end_runs_to_the_end_of_the_file(make_course):
    root = make_course({"01.md": '## S\n\n```rust include="a.rs" anchor="main"\n```\n',
                        "a.rs": "fn a() {}\n// ANCHOR: main\nfn main() {}\nfn b() {}\n"}, LEVEL2)
    course, _ = load(root)
    assert blocks(course)[0].code == "fn main() {}\nfn b() {}"


def test_mdbook_directive_outside_code_is_a_warning(make_course):
    _, warnings = load(make_course({"01.md": "## S\n\n{{#playground code/a.rs}}\n"}, LEVEL2))
    assert warnings == ["01.md:3:1: warning: mdBook directive '{{#playground code/a.rs}}' is shown as text "
                        "(deckbook reads {{#include}} inside code blocks; copy the text here instead)"]


def test_headings_in_handbook_blocks_are_numbered_headings_of_the_handbook(make_course, theme):
    course, _ = load(make_course({"01.md": "# One\n\n## Slide\n\nText.\n\n::: handbook\n### Deeper\n\nMore.\n:::\n"},
                                 LEVEL2))
    page = html(course, theme)
    assert '<h3 id="deeper"><span class="num">1.1.1</span> Deeper</h3>' in page

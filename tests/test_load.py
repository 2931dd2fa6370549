"""The loader: Markdown conventions → model, and every content problem reported with file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from deckbook import model as m
from deckbook.errors import ContentError, Diagnostics
from deckbook.load import load_course


def errors_of(root: Path) -> list[str]:
    """Return the diagnostics of loading `root` as 'file:line:col: error: …' with paths relative to it."""
    with pytest.raises(ContentError) as info:
        load_course(root)
    return [f"{d.location.path.relative_to(root.resolve()) if d.location.path.is_absolute() else d.location.path}"
            f":{d.location.line}:{d.location.col}: {d.severity}: {d.message}" for d in info.value.diagnostics]


def test_slide_level_follows_pandoc(make_course):
    root = make_course({"01.md": "# Part\n\n## Slide A\n\ntext\n\n### Sub\n\nmore\n\n---\n\nbreak\n"})
    course = load_course(root)
    assert course.slide_level == 2
    kinds = [(s.kind, s.level, m.plain(s.title)) for s in course.chapters[0].slides]
    assert kinds == [("section", 1, "Part"), ("content", 2, "Slide A"), ("content", 0, "")]
    sub = course.chapters[0].slides[1].blocks[1]
    assert isinstance(sub, m.Heading) and sub.level == 3 and sub.anchor == "sub"


def test_slide_level_from_course_yaml(make_course):
    root = make_course({"01.md": "# Part\n\n## Slide A\n\ntext\n"},
                       course_yaml="title: T\nslide_level: 1\n")
    course = load_course(root)
    assert [s.kind for s in course.chapters[0].slides] == ["content"]


def test_include_anchor_and_attributes(mini):
    course = load_course(mini)
    code = course.chapters[0].slides[2].blocks[0]
    assert isinstance(code, m.CodeBlock)
    assert code.code.startswith("fn greet(name: &str) -> String {")
    assert "ANCHOR" not in code.code
    assert (code.title, code.hl_lines, code.linenums, code.language) == ("src/main.rs", frozenset({3}), 1, "rust")


def test_notes_divs_are_collected_per_slide(mini):
    course = load_course(mini)
    first, second = course.chapters[0].slides[:2]
    assert m.plain(first.notes[0].children) == "Welcome everyone."  # front matter notes
    assert m.plain(second.notes[0].children) == "Say something about the list."


def test_structured_blocks(mini):
    course = load_course(mini)
    slides = course.chapters[1].slides
    tree = slides[2].blocks[0]
    assert isinstance(tree, m.DecisionTree) and tree.root.yes == m.Answer("Axum")
    metrics = slides[3].blocks[0]
    assert isinstance(metrics, m.Metrics)
    assert [metrics.improvement(r) for r in metrics.rows] == [50.0, 75.0]
    assert metrics.factor(metrics.rows[1]) == 4.0


def test_metrics_include_reads_data_file(make_course):
    root = make_course({
        "data/x.yaml": "unit: ms\nlower_is_better: false\nrows:\n  - {name: rps, before: 100, after: 150}\n",
        "01.md": '# A\n\n```metrics include="data/x.yaml"\n```\n',
    })
    block = load_course(root).chapters[0].slides[0].blocks[0]
    assert isinstance(block, m.Metrics) and block.improvement(block.rows[0]) == 50.0


def test_crlf_and_bom_are_accepted(make_course):
    root = make_course({"01.md": b"\xef\xbb\xbf# A\r\n\r\ntext\r\n"})
    diags = Diagnostics()
    course = load_course(root, diags=diags)
    assert m.plain(course.chapters[0].slides[0].title) == "A"
    assert [d.message for d in diags.warnings] == ["file starts with a UTF-8 byte-order mark"]


def test_version_override(mini):
    assert load_course(mini, version="2.0").meta.version == "2.0"


@pytest.mark.parametrize("files, course_yaml, expected", [
    ({"01.md": "# A\n"}, "title: T\ntitel: x\n",
     ["course.yaml:2:1: error: unknown key 'titel'"]),
    ({"01.md": "# A\n"}, "title: T\nversion: 1.0\n",
     ["course.yaml:2:1: error: 'version': write the version as a quoted string, e.g. version: \"1.0\" (got 1.0)"]),
    ({"01.md": "# A\n"}, "title: [unclosed\n",
     ["course.yaml:1:8: error: YAML syntax: '[' opened here is never closed (expected ',' or ']', but got the end)"]),
    ({}, "title: T\n", ["course.yaml:1:1: error: the course has no chapters"]),
    ({"01.md": "# A\n"}, "title: T\nchapters: [01.md, 02.md]\n",
     ["course.yaml:2:19: error: chapter file '02.md' not found"]),
    ({"01.md": '# A\n\n```rust include="missing.rs"\n```\n'}, None,
     ["01.md:3:9: error: include 'missing.rs' not found"]),
    ({"01.md": '# A\n\n```rust include="../outside.rs"\n```\n'}, None,
     ["01.md:3:9: error: include '../outside.rs' leaves the course folder"]),
    ({"01.md": '# A\n\n```rust include="x.rs" anchor="nope"\n```\n', "x.rs": "// ANCHOR: yes\nfn a() {}\n// ANCHOR_END: yes\n"}, None,
     ["01.md:3:24: error: anchor 'nope' not found in x.rs"]),
    ({"01.md": "# A\n\n::: notes\nnever closed\n"}, None,
     ["01.md:3:1: error: '::: notes' is never closed"]),
    ({"01.md": "# A\n\n::: sidebar\nx\n:::\n"}, None,
     ["01.md:3:1: error: unknown block '::: sidebar'"]),
    ({"01.md": "# A\n\n::: column\nx\n:::\n"}, None,
     ["01.md:3:1: error: '::: column' outside ':::: columns'"]),
    ({"01.md": "# A\n\n<div>raw</div>\n"}, None, ["01.md:3:1: error: HTML tag <div> is not allowed"]),
    ({"01.md": "# A\n\nSee [there](#nowhere).\n"}, None, ["01.md:3:13: error: broken cross-reference '#nowhere'"]),
    ({"01.md": "# A\n\nResult: [value]\n"}, None,
     ["01.md:3:9: error: template placeholder left in the course: [value]"]),
    ({"01.md": "# A\n\n```decision-tree\nquestion: Q?\nyes: {answer: A}\n```\n"}, None,
     ["01.md:4:1: error: decision-tree top level: missing no"]),
    ({"01.md": "# A\n\n```metrics\nlower_is_better: true\nrows:\n  - {name: a, before: fast, after: 1}\n```\n"}, None,
     ["01.md:6:15: error: 'rows.0.before': Input should be a valid number, unable to parse string as a number (got 'fast')"]),
    ({"01.md": "# A\n\n![x](images/missing.png)\n"}, None, ["01.md:3:1: error: image 'images/missing.png' not found"]),
    ({"01.md": "# A\n\n![x](https://example.org/a.png)\n"}, None,
     ["01.md:3:1: error: image 'https://example.org/a.png' is a URL"]),
    ({"01.md": b"# A\n\ncaf\xe9\n"}, None, ["01.md:3:4: error: invalid UTF-8 (byte 0xe9)"]),
    ({"01.md": '# A\n\n```rust titel="x"\nfn a() {}\n```\n'}, None,
     ["01.md:3:9: error: unknown code block attribute 'titel'"]),
])
def test_content_errors(make_course, files, course_yaml, expected):
    root = make_course(files, **({"course_yaml": course_yaml} if course_yaml else {}))
    got = errors_of(root)
    assert [g.split(" (")[0] if "(got" not in g else g for g in got] == expected or got == expected, got


def test_all_errors_reported_at_once(make_course):
    root = make_course({
        "01.md": "# A\n\nSee [x](#nope).\n\n::: bogus\nx\n:::\n",
        "02.md": '# B\n\n```rust include="gone.rs"\n```\n',
    }, course_yaml="title: T\ncolour: red\n")
    got = errors_of(root)
    assert len(got) == 4
    assert [g.split(":")[0] for g in got] == ["01.md", "01.md", "02.md", "course.yaml"]


def test_did_you_mean_hint(make_course):
    root = make_course({"01.md": "# A\n"}, course_yaml="title: T\nsubtitel: s\n")
    with pytest.raises(ContentError) as info:
        load_course(root)
    assert info.value.diagnostics[0].hint == "did you mean 'subtitle'?"


def test_unknown_language_is_a_warning(make_course):
    root = make_course({"01.md": "# A\n\n```klingon\nqapla'\n```\n"})
    diags = Diagnostics()
    course = load_course(root, diags=diags)
    assert course.chapters[0].slides[0].blocks[0].language == ""
    assert [(d.severity, d.location.line) for d in diags.items] == [("warning", 3)]


def test_scaffold_is_flagged_until_filled(tmp_path):
    from deckbook.scaffold import scaffold

    root = scaffold(tmp_path / "new-course", "New Course")
    with pytest.raises(ContentError) as info:
        load_course(root)
    messages = [d.message for d in info.value.diagnostics]
    assert all("placeholder" in msg for msg in messages)
    assert len(messages) > 40
    assert any(d.location.path.name == "course.yaml" for d in info.value.diagnostics)


# --- regressions found while hardening (see tests/test_errors.py for the error side) ---------------


def test_divs_nest_like_pandoc(make_course):
    """A `::: tip` inside a `::: column` used to close the column at the tip's closing fence."""
    root = make_course({"01.md": "# A\n\n:::: columns\n::: column\n::: tip\nx\n:::\n:::\n::: column\ny\n:::\n::::\n"})
    (columns,) = load_course(root).chapters[0].slides[0].blocks
    assert isinstance(columns, m.Columns) and len(columns.columns) == 2
    assert isinstance(columns.columns[0][0], m.Callout)
    assert m.plain(columns.columns[1][0].children) == "y"


def test_colons_inside_code_do_not_close_a_div(make_course):
    root = make_course({"01.md": "# A\n\n::: notes\n```yaml\n:::\n```\n:::\n\nafter\n"})
    slide = load_course(root).chapters[0].slides[0]
    assert slide.notes[0].code == ":::"
    assert m.plain(slide.blocks[0].children) == "after"


def test_content_after_a_too_deep_region_is_still_read(make_course):
    """markdown-it drops everything after its nesting limit; now the rest of the chapter is still checked."""
    deep = "".join("  " * i + f"- level {i}\n" for i in range(30))
    root = make_course({"01.md": "# A\n\n" + deep + "\n::: bogus\nx\n:::\n"})
    with pytest.raises(ContentError) as info:
        load_course(root)
    assert [d.message for d in info.value.diagnostics] == ["nested more than 40 levels deep",
                                                           "unknown block '::: bogus'"]
    shallow = "".join("  " * i + f"- level {i}\n" for i in range(15))
    root = make_course({"01.md": "# A\n\n" + shallow + "\nafter\n"}, name="shallow")
    blocks = load_course(root).chapters[0].slides[0].blocks
    assert m.plain(blocks[-1].children) == "after"
    depth, node = 0, blocks[0]
    while isinstance(node, m.BulletList):
        depth, node = depth + 1, node.items[0].blocks[-1]
    assert depth == 15


def test_tabs_in_code_become_four_column_stops(make_course):
    root = make_course({
        "01.md": '# A\n\n```go hl_lines="2"\nfunc a() {\n\tb()\n}\n```\n\n```go include="a.go"\n```\n',
        "a.go": "func a() {\r\n\tif x {\r\n\t\ty()\r\n\t}\r\n}\r\n",  # CRLF too
    })
    inline, included = load_course(root).chapters[0].slides[0].blocks
    assert inline.code == "func a() {\n    b()\n}" and inline.hl_lines == frozenset({2})
    assert included.code == "func a() {\n    if x {\n        y()\n    }\n}"


def test_unicode_anchor_cross_reference(make_course):
    root = make_course({"01.md": "# Über uns\n\nSiehe [oben](#über-uns).\n"})
    link = load_course(root).chapters[0].slides[0].blocks[0].children[1]
    assert link == m.Link((m.Text("oben"),), "#über-uns")


def test_yaml_reads_16_9_as_text_and_yes_as_a_key(make_course):
    root = make_course({"01.md": "# A\n\n```decision-tree\nquestion: 16:9?\nyes: {answer: on}\nno: {answer: off}\n```\n"})
    tree = load_course(root).chapters[0].slides[0].blocks[0]
    assert tree.root == m.Question("16:9?", m.Answer("on"), m.Answer("off"))


def test_heading_attributes_choose_anchor_and_layout(make_course):
    root = make_course({"01.md": '# Part {#part-one}\n\n## Compare {layout="Two Content"}\n\ntext\n\n'
                                 '### Detail {#d}\n\nmore\n\nSee [it](#d) and [part](#part-one).\n'})
    slides = load_course(root).chapters[0].slides
    assert (slides[0].anchor, slides[0].layout) == ("part-one", "")
    assert (m.plain(slides[1].title), slides[1].layout, slides[1].anchor) == ("Compare", "Two Content", "compare")
    assert slides[1].blocks[1].anchor == "d"


def test_front_matter_notes_keep_the_first_slides_layout(make_course):
    root = make_course({"01.md": '---\nnotes: Welcome everyone.\n---\n## Compare {layout="Two Content"}\n\n'
                                 'text\n\n::: notes\nOwn note.\n:::\n'})
    (first,) = load_course(root).chapters[0].slides
    assert first.layout == "Two Content" and first.anchor == "compare"
    assert [m.plain(note.children) for note in first.notes] == ["Welcome everyone.", "Own note."]


def test_unknown_heading_attribute_is_an_error(make_course):
    root = make_course({"01.md": "# Part {colour=red}\n\ntext\n"})
    assert errors_of(root) == ["01.md:1:1: error: unknown heading attribute 'colour=red'"]

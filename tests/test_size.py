"""Big and deep inputs: the loader finishes, or fails with a located error, in bounded time.

Measured on the development machine (load_course only): 20 000-line code block 0.09 s, 5 000-column
line < 0.01 s, 2 000 slides 0.4 s, 200-level list 0.03 s, 200-level quotation < 0.01 s. The time bound
below is generous (ten times that) so it catches a quadratic regression, not a slow CI runner; it counts
this process's CPU time, not the wall clock, so other work on a shared machine does not count against it.
"""

from __future__ import annotations

import time

import pytest

from deckbook import model as m
from deckbook.errors import ContentError
from deckbook.load import load_course

BOUND_S = 5.0


def timed_load(root):
    start = time.process_time()
    try:
        return load_course(root), []
    except ContentError as exc:
        return None, [str(d).replace(f"{root.resolve()}/", "") for d in exc.diagnostics]
    finally:
        assert time.process_time() - start < BOUND_S


def test_20000_line_code_block(make_course):
    code = "".join(f"let x{i} = {i};\n" for i in range(20_000))
    root = make_course({"01.md": f'# A\n\n```rust hl_lines="19999-20000"\n{code}```\n'})
    course, errors = timed_load(root)
    block = course.chapters[0].slides[0].blocks[0]
    assert errors == [] and len(block.lines) == 20_000 and block.hl_lines == frozenset({19_999, 20_000})


def test_5000_column_line(make_course):
    line = "word " * 999 + "[value]"  # the placeholder starts at column 4996
    root = make_course({"01.md": f"# A\n\n{line}\n"})
    _, errors = timed_load(root)
    assert errors == ["01.md:3:4996: error: template placeholder left in the course: [value] "
                      "(replace it with real content)"]


def test_2000_slides(make_course):
    body = "".join(f"## Slide {i}\n\nSee [the next one](#slide-{i + 1}).\n\n" for i in range(1999))
    root = make_course({"01.md": f"# Part\n\n{body}## Slide 1999\n\nThe end.\n"})
    course, errors = timed_load(root)
    assert errors == [] and len(course.chapters[0].slides) == 2001


@pytest.mark.parametrize("kind, source, expected", [
    ("list", "".join("  " * i + f"- level {i}\n" for i in range(200)),
     "01.md:22:39: error: nested more than 40 levels deep"),
    ("quotation", ">" * 200 + " deep\n", "01.md:3:1: error: nested more than 40 levels deep"),
    ("quotation lines", "".join(">" * i + f" q{i}\n" for i in range(1, 201)),
     "01.md:42:1: error: nested more than 40 levels deep"),
    ("divs", "::: tip\n" * 200 + "x\n" + ":::\n" * 200, "01.md:43:1: error: nested more than 40 levels deep"),
])
def test_200_levels_of_nesting_fail_with_a_location(make_course, kind, source, expected):
    """markdown-it silently drops what lies past its nesting limit; deckbook says where it stopped."""
    root = make_course({"01.md": "# A\n\n" + source})
    _, errors = timed_load(root)
    assert errors[:1] == [expected + " (flatten the lists, quotations or ::: blocks; "
                                     "the content below this level is not read)"]


def test_5000_nested_emphases(make_course):
    root = make_course({"01.md": "# A\n\n" + "*a " * 5000 + "x" + " a*" * 5000 + "\n"})
    _, errors = timed_load(root)
    assert errors == ["01.md:3:1: error: inline formatting nested more than 20 levels deep "
                      "(shown as plain text; simplify the emphasis)"]


def test_deep_yaml(make_course):
    root = make_course({"01.md": "# A\n\n```metrics\nrows: " + "[" * 2000 + "]" * 2000 + "\n```\n"})
    _, errors = timed_load(root)
    assert errors == ["01.md:4:57: error: YAML: nested more than 50 levels deep (flatten the structure)"]


def test_the_model_of_a_large_course_is_complete(make_course):
    """The 2 000-slide chapter keeps every slide's content (nothing dropped on the way)."""
    body = "".join(f"## S{i}\n\n- item {i}\n\n" for i in range(2000))
    course, _ = timed_load(make_course({"01.md": body}))
    items = [m.plain(s.blocks[0].items[0].blocks[0].children) for s in course.chapters[0].slides]
    assert items == [f"item {i}" for i in range(2000)]

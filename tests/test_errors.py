"""Every class of content and theme problem: the exact `path:line:col: severity: message (hint)` it gives.

One row per class of problem. Each row builds a tiny course in a temporary folder, loads it, and
compares every diagnostic as the user reads it — so a wrong line, column, message or hint fails.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pytest

from deckbook.errors import ContentError, Diagnostic, Diagnostics, Location, ThemeError
from deckbook.load import load_course
from deckbook.theme import SHIPPED_THEMES, load_theme

COURSE_YAML = "title: T\nversion: '1.0'\n"
HTML_HINT = ("(deckbook reads <kbd>, <sub>, <sup>, <mark>, <u>, <abbr>, <a>, <code>, <br>, <img>; "
             "write Markdown instead, or put it in `code` to show it)")
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00\xfd\xd4\x9as"  # a real 2×2 PNG
       b"\x00\x00\x00\x16IDATx\xdac<!'\xc7\xc0\xc0\xc0\xc4\xc0\xc0\xc0\xc0\xc0\x00\x00\r\x04\x01\x08\x7f\xad\x82Q"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")


@dataclass(frozen=True)
class Link:
    """A symbolic link to `target` (relative to the folder holding the course)."""

    target: str


@dataclass(frozen=True)
class Folder:
    """An empty folder."""


@dataclass(frozen=True)
class Sparse:
    """A file of `size` bytes starting with `head`, without writing them all (a sparse file)."""

    head: bytes
    size: int


@dataclass(frozen=True)
class Case:
    id: str
    files: dict[str, str | bytes | Link | Folder | Sparse]
    expected: list[str]
    course_yaml: str | bytes = COURSE_YAML
    outside: dict[str, str] = field(default_factory=dict)  # files beside the course folder


def build_course(tmp: Path, case: Case) -> Path:
    """Write `case` under `tmp`: the course in tmp/course, its `outside` files in tmp."""
    for rel, content in case.outside.items():
        (tmp / rel).write_text(content, encoding="utf-8")
    root = tmp / "course"
    root.mkdir()
    raw = case.course_yaml if isinstance(case.course_yaml, bytes) else case.course_yaml.encode()
    (root / "course.yaml").write_bytes(raw)
    for rel, content in case.files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, Link):
            path.symlink_to(tmp / content.target)
        elif isinstance(content, Folder):
            path.mkdir()
        elif isinstance(content, Sparse):
            with path.open("wb") as f:
                f.write(content.head)
                f.truncate(content.size)
        else:
            path.write_bytes(content if isinstance(content, bytes) else content.encode())
    return root


def shown(d: Diagnostic, base: Path) -> str:
    """Return `d` as printed, with its path relative to `base`."""
    path = d.location.path
    rel = path.relative_to(base) if path.is_absolute() and path.is_relative_to(base) else path
    return str(Diagnostic(Location(rel, d.location.line, d.location.col), d.message, d.hint, d.severity))


def diagnostics_of(root: Path) -> list[str]:
    """Return every diagnostic of loading `root` (errors raise; warnings alone do not)."""
    diags = Diagnostics()
    try:
        load_course(root, diags=diags)
    except ContentError as exc:
        return [shown(d, root.resolve()) for d in exc.diagnostics]
    return [shown(d, root.resolve()) for d in diags.items]


HINT_YAML = "check indentation, and quote values that contain ': ' or start with a special character"
HINT_PLACEHOLDER = "replace it with real content"
HINT_OUTSIDE = "files a course uses must live inside it; symbolic links are followed"
HINT_DT = "a node is either {answer: ...} or {question: ..., yes: ..., no: ...}"
HINT_NESTED = "move it to the top level of the chapter"
H1 = "# A\n\ntext\n\n"  # a chapter's usual start: a heading and some content

CONTENT_CASES = [
    # --- YAML syntax, everywhere YAML is read --------------------------------------------------
    Case("course-yaml-syntax", {"01.md": H1}, [
        f"course.yaml:2:6: error: YAML syntax: mapping values are not allowed here ({HINT_YAML})",
    ], course_yaml="title: T\n  bad: indent\n"),
    Case("front-matter-syntax", {"01.md": "---\ntitle: [x\n---\n" + H1}, [
        f"01.md:2:8: error: YAML syntax: '[' opened here is never closed (expected ',' or ']', but got the end) "
        f"({HINT_YAML})",
    ]),
    Case("decision-tree-syntax", {"01.md": H1 + "```decision-tree\nquestion: Q\n  bad: : x\n```\n"}, [
        f"01.md:7:6: error: YAML syntax: mapping values are not allowed here ({HINT_YAML})",
    ]),
    Case("metrics-syntax-in-list-item", {"01.md": H1 + "- item\n\n  ```metrics\n  rows: [\n  ```\n"}, [
        # The body is dedented by the list item; the column is the file's, not the body's.
        f"01.md:8:9: error: YAML syntax: '[' opened here is never closed (expected the node content, but found "
        f"the end) ({HINT_YAML})",
    ]),
    Case("course-yaml-unclosed-at-the-end", {"01.md": H1}, [  # points at the '[', not past the last line
        f"course.yaml:6:10: error: YAML syntax: '[' opened here is never closed (expected ',' or ']', but got the "
        f"end) ({HINT_YAML})",
    ], course_yaml="title: T\nversion: '1.0'\nlanguage: en\ntheme: default\nsubtitle: it's fine\nauthors: [Ann, Bo\n"),
    Case("course-yaml-unclosed-quote", {"01.md": H1}, [
        f"course.yaml:2:11: error: YAML syntax: '\"' opened here is never closed (found unexpected end of stream) "
        f"({HINT_YAML})",
    ], course_yaml="title: T\nsubtitle: \"A day\n\n"),
    Case("yaml-duplicate-key", {"01.md": H1}, [
        "course.yaml:2:1: error: YAML: duplicate key 'title' (each key may appear only once)",
    ], course_yaml="title: T\ntitle: U\n"),
    Case("yaml-control-character", {"01.md": H1}, [
        "course.yaml:2:11: error: character U+0007 is not allowed (delete it: no output format can hold it)",
    ], course_yaml="title: T\nsubtitle: \x07\n"),
    Case("yaml-python-tag", {"01.md": H1}, [
        "course.yaml:1:8: error: YAML: could not determine a constructor for the tag "
        "'tag:yaml.org,2002:python/object:os.system' (deckbook reads plain YAML: remove the !tag)",
    ], course_yaml="title: !!python/object:os.system x\n"),
    Case("yaml-alias-of-a-list", {"01.md": H1}, [
        "course.yaml:3:10: error: YAML: alias *a repeats a list or mapping "
        "(write the values out; aliases may only repeat single values)",
    ], course_yaml="title: T\nx: &a [x]\nauthors: *a\n"),
    Case("yaml-nel-is-not-a-line-break", {"01.md": H1}, [
        # PyYAML counts U+0085 and U+2028 as line breaks; editors (and the Markdown parser) do not.
        "course.yaml:2:1: error: unknown key 'titel' (did you mean 'title'?)",
    ], course_yaml="title: 'a\x85b\u2028c'\ntitel: x\n"),
    Case("yaml-list-as-key", {"01.md": H1}, [
        "course.yaml:1:3: error: YAML: a key must be a single value, not a list or mapping (write key: value)",
    ], course_yaml="? [a, b]\n: c\ntitle: T\n"),
    # --- wrong types, bad values, unknown keys -------------------------------------------------
    Case("course-wrong-types", {"01.md": H1}, [
        "course.yaml:1:1: error: 'title': should be text (got 5) "
        "(write a text value; quote it if it looks like a number or a date)",
        "course.yaml:2:1: error: 'authors': should be a list (got a mapping) (write a YAML list: one '- item' per line)",
        "course.yaml:3:1: error: 'slide_level': Input should be a valid integer, unable to parse string as an "
        "integer (got 'x') (write a number without units)",
    ], course_yaml="title: 5\nauthors: {a: 1}\nslide_level: x\n"),
    Case("course-version-number", {"01.md": H1}, [
        "course.yaml:2:1: error: 'version': write the version as a quoted string, e.g. version: \"1.1\" (got 1.1)",
    ], course_yaml="title: T\nversion: 1.10\n"),
    Case("course-bad-values", {"01.md": H1}, [
        "course.yaml:2:1: error: 'date': Input should be a valid date or datetime, month value is outside "
        "expected range of 1-12 (got '2026-13-45')",
        "course.yaml:3:1: error: 'language': a BCP 47 language tag such as en, en-GB or de (got 'english!')",
        "course.yaml:4:1: error: 'slide_level': Input should be less than or equal to 6 (got 7)",
    ], course_yaml="title: T\ndate: 2026-13-45\nlanguage: english!\nslide_level: 7\n"),
    Case("course-unknown-key", {"01.md": H1}, [
        "course.yaml:2:1: error: unknown key 'subtitel' (did you mean 'subtitle'?)",
    ], course_yaml="title: T\nsubtitel: s\n"),
    Case("course-missing-title", {"01.md": H1}, [
        "course.yaml:1:1: error: missing key 'title' (this key is required)",
    ], course_yaml="subtitle: s\n"),
    Case("front-matter-types-and-keys", {"01.md": "---\ntitel: x\nnotes: [a]\n---\n" + H1}, [
        "01.md:2:1: error: unknown key 'titel' (did you mean 'title'?)",
        "01.md:3:1: error: 'notes': should be text (got a list) "
        "(write a text value; quote it if it looks like a number or a date)",
    ]),
    Case("front-matter-not-a-mapping", {"01.md": "---\n- a\n- b\n---\n" + H1}, [
        "01.md:2:1: error: front matter must be a mapping of keys to values (e.g. title: Error handling)",
    ]),
    Case("front-matter-never-closed", {"01.md": "---\ntitle: x\n" + H1}, [
        "01.md:1:1: error: front matter is never closed "
        "(end it with a line of ---, or leave a blank line after a leading slide break)",
    ]),
    # YAML 1.2: yes/no/on/off are text, and text is not read as a boolean either.
    Case("booleans-are-true-or-false", {"01.md": "---\nhandbook_only: yes\n---\n" + H1 + "```metrics\n"
                                                 "lower_is_better: 'true'\nrows:\n  - {name: a, before: 1, after: 2}\n```\n"}, [
        "01.md:2:1: error: 'handbook_only': Input should be a valid boolean (got 'yes') (write true or false)",
        "01.md:9:1: error: 'lower_is_better': Input should be a valid boolean (got 'true') (write true or false)",
    ]),
    Case("front-matter-both-only", {"01.md": "---\nhandbook_only: true\nslides_only: true\n---\n" + H1}, [
        "01.md:3:1: error: a chapter cannot be both handbook_only and slides_only (keep one of them)",
    ]),
    # --- chapters ---------------------------------------------------------------------------------
    Case("chapter-missing", {"01.md": H1}, [
        "course.yaml:2:19: error: chapter file '02.md' not found (chapter files here: 01.md)",
    ], course_yaml="title: T\nchapters: [01.md, 02.md]\n"),
    Case("chapter-listed-twice", {"01.md": H1}, [
        "course.yaml:4:5: error: chapter '01.md' is listed twice (it is already entry 1 of chapters:)",
    ], course_yaml="title: T\nchapters:\n  - 01.md\n  - 01.md\n"),
    Case("chapter-outside-and-empty-name", {"01.md": H1}, [
        "course.yaml:2:12: error: chapter '../x.md' lies outside the course folder "
        "(list files inside the course; symbolic links are followed)",
        "course.yaml:2:21: error: empty chapter name (write a file name, e.g. 01-intro.md)",
    ], course_yaml="title: T\nchapters: [../x.md, '']\n", outside={"x.md": H1}),
    Case("chapter-symlink-outside", {"01.md": Link("x.md")}, [
        "01.md:1:1: error: chapter '01.md' lies outside the course folder "
        "(list files inside the course; symbolic links are followed)",
    ], outside={"x.md": H1}),
    Case("chapter-is-a-folder", {"01.md": Folder(), "02.md": H1}, [
        "01.md:1:1: error: chapter '01.md' is a folder, not a Markdown file (list the .md files inside it)",
    ]),
    Case("course-without-chapters", {}, [
        "course.yaml:1:1: error: the course has no chapters (add Markdown files such as 01-intro.md beside course.yaml)",
    ]),
    Case("chapters-empty-list", {"01.md": H1}, [
        "course.yaml:2:1: error: chapters: is an empty list (list the chapter files, or remove the key)",
    ], course_yaml="title: T\nchapters: []\n"),
    Case("course-yaml-empty", {"01.md": H1}, [
        "course.yaml:1:1: error: course.yaml is empty (it needs at least a title:)",
    ], course_yaml=""),
    Case("chapter-empty", {"01.md": "---\ntitle: Only front matter\n---\n", "02.md": H1}, [
        "01.md:1:1: error: the chapter is empty (write at least a heading and some content)",
    ]),
    Case("slide-level-deeper-than-headings", {"01.md": H1}, [
        "01.md:1:1: warning: content directly under a section heading "
        "(the deck shows it, with its notes, on a slide of its own after the section slide, titled 'A'; "
        "add a level-3 heading above it to give it its own title)",
        "course.yaml:2:1: error: slide_level: 3, but no heading in the course has level 3 "
        "(headings go down to level 1; use slide_level: 1 or remove the key)",
    ], course_yaml="title: T\nslide_level: 3\n"),
    # --- ::: blocks ------------------------------------------------------------------------------
    Case("div-never-closed", {"01.md": H1 + "::: notes\nnever closed\n"}, [
        "01.md:5:1: error: '::: notes' is never closed (end it with a line of :::)",
    ]),
    Case("div-unknown", {"01.md": H1 + "::: nots\nx\n:::\n"}, [
        "01.md:5:1: error: unknown block '::: nots' (did you mean 'notes'?)",
    ]),
    Case("div-stray-closing-fence", {"01.md": H1 + ":::\n"}, [
        "01.md:5:1: error: ':::' closes no open block (remove it, or open a block above it, e.g. '::: notes')",
    ]),
    Case("column-outside-columns", {"01.md": H1 + "::: column\nx\n:::\n"}, [
        "01.md:5:1: error: '::: column' outside ':::: columns' "
        "(wrap the columns in ':::: columns' … '::::')",
    ]),
    Case("columns-holding-other-content", {"01.md": H1 + ":::: columns\nstray text\n\n::: column\na\n:::\n\n"
                                                         "::: column\nb\n:::\n::::\n"}, [
        "01.md:6:1: error: only '::: column' blocks may stand inside ':::: columns' "
        "(put this content inside a '::: column')",
    ]),
    Case("columns-with-one-column", {"01.md": H1 + ":::: columns\n::: column\na\n:::\n::::\n"}, [
        "01.md:5:1: error: ':::: columns' holds 1 column(s) (give it two or more '::: column' blocks)",
    ]),
    Case("columns-nested-in-a-column", {"01.md": H1 + ":::: columns\n::: column\n:::: columns\n::: column\na\n:::\n"
                                                      "::: column\nb\n:::\n::::\n:::\n::: column\nc\n:::\n::::\n"}, [
        "01.md:7:1: error: columns inside a column (one level of columns fits a slide)",
    ]),
    Case("not-allowed-inside-blocks", {"01.md": H1 + "- item\n\n  ::: notes\n  n\n  :::\n\n"
                                                     "::: tip\n## Heading\n\nx\n\n---\n\ny\n:::\n"}, [
        f"01.md:7:3: error: ::: notes is not allowed inside a list ({HINT_NESTED})",
        f"01.md:12:1: error: a heading is not allowed inside ::: tip ({HINT_NESTED})",
        f"01.md:16:1: error: a slide break (---) is not allowed inside ::: tip ({HINT_NESTED})",
    ]),
    Case("nesting-too-deep", {"01.md": H1 + "".join("  " * i + f"- level {i}\n" for i in range(30)) + "\nafter\n"}, [
        # Item 19 is 40 levels down (a list level is two: the list and its item); its text is refused.
        "01.md:24:39: error: nested more than 40 levels deep "
        "(flatten the lists, quotations or ::: blocks; the content below this level is not read)",
    ]),
    # --- code blocks and includes ----------------------------------------------------------------
    Case("fence-never-closed", {"01.md": H1 + "```rust\nfn a() {}\n"}, [
        "01.md:5:1: error: code block opened with ``` is never closed (end it with a line of ```)",
    ]),
    Case("fence-include-and-body", {"01.md": H1 + '```rust include="a.rs"\nbody\n```\n', "a.rs": "fn a() {}\n"}, [
        "01.md:5:1: error: a code block with include= must be empty (remove its lines or the include)",
    ]),
    Case("fence-attributes", {"01.md": H1 + '```rust titel="x" hl_lines="2 x" linenums="-1" anchor="a"\nfn a() {}\n```\n'}, [
        "01.md:5:9: error: unknown code block attribute 'titel' (did you mean 'title'?)",
        "01.md:5:19: error: hl_lines: '2' is outside the block's 1 lines (count from 1 at the block's first shown line)",
        "01.md:5:19: error: hl_lines: cannot read 'x' (write line numbers and ranges, e.g. \"3 5-7\")",
        "01.md:5:34: error: linenums: '-1' is not a line number (write the first number, e.g. linenums=\"1\")",
        "01.md:5:48: error: anchor= needs include= (name the file the anchor is in)",
    ]),
    Case("include-missing-file", {"01.md": H1 + '```rust include="code/gone.rs"\n```\n'}, [
        "01.md:5:9: error: include 'code/gone.rs' not found (paths are relative to the course folder)",
    ]),
    Case("include-missing-anchor", {"01.md": H1 + '```rust include="a.rs" anchor="nope"\n```\n',
                                    "a.rs": "// ANCHOR: main\nfn main() {}\n// ANCHOR_END: main\n"}, [
        "01.md:5:24: error: anchor 'nope' not found in a.rs (anchors there: main)",
    ]),
    Case("include-leaves-course", {"01.md": H1 + '```rust include="../outside.rs"\n```\n'}, [
        f"01.md:5:9: error: include '../outside.rs' leaves the course folder ({HINT_OUTSIDE})",
    ], outside={"outside.rs": "secret"}),
    Case("include-absolute-path", {"01.md": H1 + '```rust include="/etc/hostname"\n```\n'}, [
        "01.md:5:9: error: include '/etc/hostname' is an absolute path (use a path relative to the course folder)",
    ]),
    Case("include-symlink-leaving", {"01.md": H1 + '```rust include="code/link.rs"\n```\n',
                                     "code/link.rs": Link("outside.rs")}, [
        f"01.md:5:9: error: include 'code/link.rs' leaves the course folder ({HINT_OUTSIDE})",
    ], outside={"outside.rs": "secret"}),
    Case("include-symlink-loop", {"01.md": H1 + '```rust include="loop.rs"\n```\n', "loop.rs": Link("course/loop.rs")}, [
        "01.md:5:9: error: include 'loop.rs' cannot be used: Symlink loop from '{root}/loop.rs'",
    ]),
    Case("include-is-a-folder", {"01.md": H1 + '```rust include="code"\n```\n', "code/a.rs": "fn a() {}\n"}, [
        "01.md:5:9: error: include 'code' is a folder, not a file (name a file inside it)",
    ]),
    Case("include-url", {"01.md": H1 + '```rust include="https://example.org/a.rs"\n```\n'}, [
        "01.md:5:9: error: include 'https://example.org/a.rs' is a URL "
        "(deckbook never fetches from the network; copy the file into the course)",
    ]),
    Case("include-not-utf8", {"01.md": H1 + '```rust include="a.rs"\n```\n', "a.rs": b"fn a() {}\n// caf\xe9\n"}, [
        "a.rs:2:7: error: invalid UTF-8 (byte 0xe9) (save the file as UTF-8)",
    ]),
    Case("unknown-language-is-a-warning", {"01.md": H1 + "```klingon\nqapla'\n```\n"}, [
        "01.md:5:4: warning: unknown code language 'klingon' "
        "(shown as plain text; use a Pygments lexer name such as rust, toml, bash, json)",
    ]),
    # --- structured blocks -----------------------------------------------------------------------
    Case("decision-tree-missing-branch", {"01.md": H1 + "```decision-tree\nquestion: Q?\nyes:\n  question: R?\n"
                                                        "  yes: {answer: A}\nno: {answer: B}\n```\n"}, [
        f"01.md:7:1: error: decision-tree yes: missing no ({HINT_DT})",
    ]),
    Case("decision-tree-answer-with-branches", {"01.md": H1 + "```decision-tree\nquestion: Q\nyes:\n  answer: A\n"
                                                              "  no: {answer: B}\nno: {answer: C}\n```\n"}, [
        f"01.md:9:3: error: decision-tree yes: an answer cannot also have no ({HINT_DT})",
    ]),
    Case("decision-tree-not-a-mapping", {"01.md": H1 + "```decision-tree\n- a\n- b\n```\n"}, [
        "01.md:5:1: error: a decision-tree block holds a YAML mapping "
        "(key: value lines; see the content format in the README)",
    ]),
    Case("decision-tree-branch-types", {"01.md": H1 + "```decision-tree\nquestion: Q\nyes: [a]\nno: 3\n```\n"}, [
        "01.md:7:1: error: 'yes': should be a mapping (got a list) (write a YAML mapping: key: value lines)",
        "01.md:8:1: error: 'no': should be a mapping (got 3) (write a YAML mapping: key: value lines)",
    ]),
    Case("decision-tree-too-deep", {"01.md": H1 + "```decision-tree\n" + "".join(
        "  " * i + f"question: q{i}\n" + "  " * i + "no: {answer: n}\n" + "  " * i + "yes:\n" for i in range(13))
        + "  " * 13 + "answer: leaf\n```\n"}, [
        "01.md:44:25: error: decision-tree deeper than 12 questions (split it into several trees)",
    ]),
    Case("metrics-missing-rows", {"01.md": H1 + "```metrics\nlower_is_better: true\n```\n"}, [
        "01.md:6:1: error: missing key 'rows' (this key is required)",
    ]),
    Case("metrics-bad-values", {"01.md": H1 + "```metrics\nlower_is_better: maybe\nrows:\n"
                                              "  - {name: a, before: fast, after: 1}\n"
                                              "  - {name: b, before: .nan, after: true}\n```\n"}, [
        "01.md:6:1: error: 'lower_is_better': Input should be a valid boolean (got 'maybe') (write true or false)",
        "01.md:8:15: error: 'rows.0.before': Input should be a valid number, unable to parse string as a "
        "number (got 'fast') (write a number without units)",
        "01.md:9:15: error: 'rows.1.before': Input should be a finite number (got nan)",
        "01.md:9:29: error: 'rows.1.after': a measured number, not true/false (got True)",
    ]),
    Case("metrics-unknown-keys", {"01.md": H1 + "```metrics\nlower_is_better: true\nunits: ms\nrows:\n"
                                                "  - {name: a, before: 1, after: 2, delta: 1}\n```\n"}, [
        "01.md:7:1: error: unknown key 'units' (did you mean 'unit'?)",
        "01.md:9:36: error: unknown key 'rows.0.delta' (allowed keys: after, before, name)",
    ]),
    Case("metrics-empty-rows", {"01.md": H1 + "```metrics\nlower_is_better: true\nrows: []\n```\n"}, [
        "01.md:7:1: error: 'rows': needs at least 1 item(s) (got an empty list)",
    ]),
    # --- images --------------------------------------------------------------------------------
    Case("image-missing", {"01.md": H1 + "![A box](images/gone.png)\n"}, [
        "01.md:5:1: error: image 'images/gone.png' not found (paths are relative to the course folder)",
    ]),
    Case("image-too-large", {"01.md": H1 + "![A box](big.png)\n", "big.png": Sparse(PNG, 21 * 1024 * 1024)}, [
        "01.md:5:1: error: image 'big.png' is 21 MiB (images may be at most 20 MiB; resize it)",
    ]),
    Case("image-unsupported-format", {"01.md": H1 + "![A box](box.gif)\n", "box.gif": b"GIF89a"}, [
        "01.md:5:1: error: image 'box.gif' has an unsupported format (use PNG, JPEG or SVG)",
    ]),
    Case("image-corrupt", {"01.md": H1 + "![A](cut.png)\n\n![B](fake.jpg)\n\n![C](empty.svg)\n",
                           "cut.png": PNG[:40], "fake.jpg": b"\xff\xd8\xff\xe0garbage", "empty.svg": b"<?xml?>"}, [
        "01.md:5:1: error: image 'cut.png' is not a valid PNG file: it is cut short (no IEND chunk at the end) "
        "(re-export the image)",
        "01.md:7:1: error: image 'fake.jpg' is not a valid JPEG file: it is cut short (no end-of-image marker) "
        "(re-export the image)",
        "01.md:9:1: error: image 'empty.svg' is not a valid SVG file: no <svg> element at its start (re-export the image)",
    ]),
    Case("image-url-and-inline", {"01.md": H1 + "![A](https://example.org/a.png)\n\nSee ![B](box.png) here.\n",
                                  "box.png": PNG}, [
        "01.md:5:1: error: image 'https://example.org/a.png' is a URL "
        "(deckbook never fetches from the network; copy the file into the course)",
        "01.md:7:5: error: an image inside a line of text (put the image in a paragraph of its own)",
    ]),
    Case("image-without-alt-text", {"01.md": H1 + "![](box.png)\n", "box.png": PNG}, [
        "01.md:5:1: warning: image 'box.png' has no alt text "
        "(write ![what it shows](path): the accessible PDF needs it)",
    ]),
    # --- encodings, line ends, tabs ---------------------------------------------------------------
    Case("invalid-utf8-column-in-characters", {"01.md": "# Ä\n\nÜber caf\xe9\n".encode("utf-8").replace(b"\xc3\xa9", b"\xe9")}, [
        "01.md:3:9: error: invalid UTF-8 (byte 0xe9) (save the file as UTF-8)",
    ]),
    Case("bom-is-a-warning", {"01.md": b"\xef\xbb\xbf# A\n\ntext\n"}, [
        "01.md:1:1: warning: file starts with a UTF-8 byte-order mark (it is ignored; save without BOM)",
    ]),
    Case("crlf-lines-stay-right", {"01.md": b"# A\r\n\r\ntext [value]\r\n\r\n```klingon\r\nx\r\n```\r\n"}, [
        f"01.md:3:6: error: template placeholder left in the course: [value] ({HINT_PLACEHOLDER})",
        "01.md:5:4: warning: unknown code language 'klingon' "
        "(shown as plain text; use a Pygments lexer name such as rust, toml, bash, json)",
    ]),
    Case("tab-in-prose-is-one-column", {"01.md": "# A\n\n\tindented?\n\ntext\t[value]\n"}, [
        f"01.md:5:6: error: template placeholder left in the course: [value] ({HINT_PLACEHOLDER})",
    ]),
    # --- raw HTML, links, placeholders ------------------------------------------------------------
    Case("raw-html-block", {"01.md": H1 + "<div>raw</div>\n"}, [
        "01.md:5:1: error: HTML tag <div> is not allowed " + HTML_HINT,
    ]),
    Case("raw-html-inline", {"01.md": H1 + "one line\nand <b>bold</b> or <span>this</span>\n"}, [
        "01.md:6:5: error: HTML tag <b> is not allowed " + HTML_HINT,
        "01.md:6:20: error: HTML tag <span> is not allowed " + HTML_HINT,
    ]),
    Case("broken-cross-reference", {"01.md": "# Error handling\n\nSee [that](#eror-handling) and\n"
                                             "[this](#nowhere-at-all).\n"}, [
        "01.md:3:12: error: broken cross-reference '#eror-handling' (did you mean '#error-handling'?)",
        "01.md:4:8: error: broken cross-reference '#nowhere-at-all' "
        "(link to a heading's anchor, e.g. #error-handling)",
    ]),
    Case("placeholders", {"01.md": "# [Describe the topic]\n\nResult: [value], then [TODO].\n\n"
                                   "- [pros] and [cons]\n\n| a | b |\n|---|---|\n| x | [action] |\n\n"
                                   "```\n[scenario]\n```\n\n```rust\nlet v = [value];\n```\n\n"
                                   "Inline code may index: `map[name]`, `[value]`, ``a ` [todo]``.\n"}, [
        f"01.md:1:3: error: template placeholder left in the course: [Describe the topic] ({HINT_PLACEHOLDER})",
        f"01.md:3:9: error: template placeholder left in the course: [value] ({HINT_PLACEHOLDER})",
        f"01.md:3:23: error: template placeholder left in the course: [TODO] ({HINT_PLACEHOLDER})",
        f"01.md:5:3: error: template placeholder left in the course: [pros] ({HINT_PLACEHOLDER})",
        f"01.md:5:14: error: template placeholder left in the course: [cons] ({HINT_PLACEHOLDER})",
        f"01.md:9:7: error: template placeholder left in the course: [action] ({HINT_PLACEHOLDER})",
        f"01.md:12:1: error: template placeholder left in the course: [scenario] ({HINT_PLACEHOLDER})",
    ]),
    Case("placeholder-in-course-yaml", {"01.md": H1}, [
        f"course.yaml:2:12: error: template placeholder left in the course: [Describe the course] ({HINT_PLACEHOLDER})",
    ], course_yaml="title: T\nsubtitle: '[Describe the course]'\n"),
    Case("placeholder-in-included-files", {
        "01.md": H1 + '```text include="out.txt"\n```\n\n```rust include="lib.rs"\n```\n\n'
                      '```metrics include="data/m.yaml"\n```\n',
        "out.txt": "GET /users\n[Describe the response]\n",
        "lib.rs": "let v = [value];\n",  # typed code may use brackets
        "data/m.yaml": "lower_is_better: true\nrows:\n  - {name: '[scenario]', before: 1, after: 2}\n"}, [
        f"data/m.yaml:3:13: error: template placeholder left in the course: [scenario] ({HINT_PLACEHOLDER})",
        f"out.txt:2:1: error: template placeholder left in the course: [Describe the response] ({HINT_PLACEHOLDER})",
    ]),
]


@pytest.mark.parametrize("case", CONTENT_CASES, ids=[c.id for c in CONTENT_CASES])
def test_content_problem(tmp_path, case):
    root = build_course(tmp_path, case)
    expected = [line.replace("{root}", str(root.resolve())) for line in case.expected]
    assert diagnostics_of(root) == expected


def test_every_problem_is_reported_in_one_run(tmp_path):
    """The diagnostics of several rows at once are the union of theirs: nothing stops at the first."""
    rows = [c for c in CONTENT_CASES if c.id in ("div-unknown", "raw-html-inline", "include-missing-file")]
    files = {f"0{i}.md": row.files["01.md"] for i, row in enumerate(rows, 1)}
    root = build_course(tmp_path, Case("all", files, [], course_yaml="title: T\nsubtitel: s\n"))
    got = diagnostics_of(root)
    assert len(got) == 5
    assert [g.split(":")[0] for g in got] == ["01.md", "02.md", "03.md", "03.md", "course.yaml"], got


# --- themes -------------------------------------------------------------------------------------

DEFAULT_FONTS = """fonts:
  body: {family: Inter, regular: f.otf, bold: f.otf, italic: f.otf, bold_italic: f.otf}
  heading: {family: Inter, regular: f.otf, bold: f.otf, italic: f.otf, bold_italic: f.otf}
  mono: {family: Mono, regular: f.otf, bold: f.otf, italic: f.otf, bold_italic: f.otf}
"""


@dataclass(frozen=True)
class ThemeCase:
    id: str
    themes: dict[str, str]  # name → theme.yaml; each theme folder also gets an f.otf
    name: str
    expected: list[str]


THEME_CASES = [
    ThemeCase("unknown-theme", {"mine": DEFAULT_FONTS}, "nope", [
        "course.yaml:3:8: error: unknown theme 'nope' "
        "(themes are looked up in ./themes/, then among the shipped ones; available: {available})",
    ]),
    ThemeCase("theme-name-is-a-path", {}, "../themes/default", [
        "course.yaml:3:8: error: unknown theme '../themes/default' "
        "(themes are looked up in ./themes/, then among the shipped ones; available: {available})",
    ]),
    ThemeCase("bad-colour", {"t": "colors:\n  primary: red\n" + DEFAULT_FONTS}, "t", [
        "themes/t/theme.yaml:2:3: error: 'colors.primary': a colour is written '#RRGGBB', e.g. '#1B4F72' (got 'red')",
    ]),
    ThemeCase("missing-font-file", {"t": "extends: default\nfonts:\n  mono:\n    bold: fonts/gone.ttf\n"}, "t", [
        "themes/t/theme.yaml:4:5: error: 'fonts.mono.bold' file not found: {tmp}/themes/t/fonts/gone.ttf "
        "(paths are relative to the theme folder; ship the file inside it)",
    ]),
    ThemeCase("font-outside-theme", {"t": "extends: default\nfonts:\n  body:\n    bold: ../../secret.otf\n"}, "t", [
        "themes/t/theme.yaml:4:5: error: 'fonts.body.bold': '../../secret.otf' lies outside the theme folder "
        "(ship the file inside the theme)",
    ]),
    ThemeCase("unknown-pygments-style", {"t": "extends: default\npygments_style: monokia\n"}, "t", [
        "themes/t/theme.yaml:2:1: error: unknown Pygments style 'monokia' (did you mean 'monokai'?)",
    ]),
    ThemeCase("unknown-theme-key", {"t": "extends: default\ncolors:\n  acent: '#123456'\nslide-size: '4:3'\n"}, "t", [
        "themes/t/theme.yaml:3:3: error: unknown key 'colors.acent' (did you mean 'accent'?)",
        "themes/t/theme.yaml:4:1: error: unknown key 'slide-size' (did you mean 'slide_size'?)",
    ]),
    ThemeCase("error-in-the-parent-theme", {"child": "extends: parent\npygments_style: vim\n",
                                            "parent": DEFAULT_FONTS + "paper: a5\n"}, "child", [
        "themes/parent/theme.yaml:5:1: error: 'paper': Input should be 'a4' or 'letter' (got 'a5')",
    ]),
    ThemeCase("extends-cycle", {"a": "extends: b\n", "b": "description: B\nextends: a\n"}, "a", [
        "themes/b/theme.yaml:2:1: error: themes extend each other in a cycle: a → b → a (remove one 'extends:')",
    ]),
    ThemeCase("extends-unknown", {"a": "extends: nothere\n"}, "a", [
        "themes/a/theme.yaml:1:1: error: unknown theme 'nothere' "
        "(themes are looked up in ./themes/, then among the shipped ones; available: {available})",
    ]),
    ThemeCase("extends-not-a-name", {"a": "extends: [default]\n"}, "a", [
        "themes/a/theme.yaml:1:1: error: 'extends' should be the name of one theme (e.g. extends: default)",
    ]),
    ThemeCase("theme-yaml-syntax", {"t": "colors: [\n"}, "t", [
        f"themes/t/theme.yaml:1:9: error: YAML syntax: '[' opened here is never closed (expected the node content, "
        f"but found the end) ({HINT_YAML})",
    ]),
    ThemeCase("slide-size-is-not-base-60", {"t": "extends: default\nslide_size: 16:10\n"}, "t", [
        "themes/t/theme.yaml:2:1: error: 'slide_size': Input should be '16:9' or '4:3' (got '16:10')",
    ]),
]


@pytest.mark.parametrize("case", THEME_CASES, ids=[c.id for c in THEME_CASES])
def test_theme_problem(tmp_path, monkeypatch, case):
    monkeypatch.chdir(tmp_path)
    for name, text in case.themes.items():
        folder = tmp_path / "themes" / name
        folder.mkdir(parents=True)
        (folder / "theme.yaml").write_text(text, encoding="utf-8")
        (folder / "f.otf").write_bytes(b"OTTO")
    with pytest.raises(ThemeError) as info:
        load_theme(case.name, Location(tmp_path / "course.yaml", 3, 8))
    shipped = [p.name for p in SHIPPED_THEMES.iterdir() if (p / "theme.yaml").is_file()]
    available = ", ".join(sorted({*shipped, *case.themes}))  # ./themes/ and the shipped ones, by name
    expected = [line.replace("{tmp}", str(tmp_path.resolve())).replace("{available}", available)
                for line in case.expected]
    assert [shown(d, tmp_path) for d in info.value.diagnostics] == expected


def test_child_theme_values_win_over_the_parent(tmp_path, monkeypatch):
    """`extends:` starts from the parent; before the fix the parent's values silently won."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "themes" / "t"
    folder.mkdir(parents=True)
    (folder / "theme.yaml").write_text("extends: default\npygments_style: vim\ncolors:\n  primary: '#112233'\n"
                                       "slide_size: 4:3\n", encoding="utf-8")
    theme = load_theme("t", Location(tmp_path / "course.yaml"))
    assert (theme.pygments_style, theme.colors.primary, theme.slide_size) == ("vim", "#112233", "4:3")
    assert theme.colors.accent == load_theme("default", Location(tmp_path / "course.yaml")).colors.accent
    assert theme.folders[0] == folder.resolve()


def test_unreadable_chapter(tmp_path, monkeypatch):
    # chmod 0 does not stop root (CI containers often run as root), so the refusal is simulated.
    root = build_course(tmp_path, Case("x", {"01.md": H1, "02.md": H1}, []))
    read_bytes = Path.read_bytes

    def refuse(path: Path) -> bytes:
        if path.name == "01.md":
            raise PermissionError(13, "Permission denied", str(path))
        return read_bytes(path)

    monkeypatch.setattr(Path, "read_bytes", refuse)
    assert diagnostics_of(root) == ["01.md:1:1: error: cannot read chapter: Permission denied"]

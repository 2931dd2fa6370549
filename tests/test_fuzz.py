"""Fuzzing the loader: random Markdown, YAML and bytes → nothing but ContentError, every location real.

The suite runs a reproducible 150 examples (derandomized: CI sees the same ones every time). For a long
random run: `DECKBOOK_FUZZ_EXAMPLES=10000 python -m pytest tests/test_fuzz.py`.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings, strategies as st

from deckbook import highlight
from deckbook.errors import ContentError, Diagnostics
from deckbook.load import load_course

# An unknown language makes Pygments load its plugin lexers, and a plugin may set the recursion limit
# on import (IPython's, through jedi, does); inside a test, Hypothesis warns about that. Load them now.
highlight.has_language("no-such-language")

EXAMPLES = int(os.environ.get("DECKBOOK_FUZZ_EXAMPLES", "150"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize="DECKBOOK_FUZZ_EXAMPLES" not in os.environ,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x02\x00\x00\x00\x02\x08\x02\x00\x00\x00\xfd\xd4\x9as"  # a real 2×2 PNG
       b"\x00\x00\x00\x16IDATx\xdac<!'\xc7\xc0\xc0\xc0\xc4\xc0\xc0\xc0\xc0\xc0\x00\x00\r\x04\x01\x08\x7f\xad\x82Q"
       b"\x00\x00\x00\x00IEND\xaeB`\x82")
SUPPORT = {  # files every fuzzed course has, for includes and images to hit
    "code/a.rs": b"fn a() {}\n// ANCHOR: main\n\tfn main() {}\n// ANCHOR_END: main\n// ANCHOR: open\n",
    "code/crlf.rs": b"fn a() {}\r\n",
    "code/bad.rs": b"caf\xe9\n",
    "data/m.yaml": b"lower_is_better: true\nrows:\n  - {name: a, before: 1, after: 2}\n",
    "images/ok.png": PNG,
    "images/cut.png": PNG[:20],
    "images/x.svg": b"<svg xmlns='http://www.w3.org/2000/svg'/>",
}
PATHS = ["code/a.rs", "code/crlf.rs", "code/bad.rs", "code", "data/m.yaml", "images/ok.png", "images/cut.png",
         "images/x.svg", "missing.rs", "../outside.rs", "/etc/hostname", "link.rs", "https://x.org/a.png", "", "."]

# Text: any code point but surrogates (not encodable), with NUL and the C0/C1 controls well represented.
chars = st.characters(blacklist_categories=("Cs",))
text = st.text(st.one_of(chars, st.sampled_from("\x00\x01\x07\x0b\x0c\x1b\x7f\x85\u2028\t []()#*`:!<>|-_\\\"'")),
               max_size=40)
words = st.text(st.sampled_from("abcxyz [value] #:-*`"), max_size=20)

yaml_scalar = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(), text,
                        st.sampled_from(["yes", "no", "16:9", ".nan", "answer", "question", "rows"]))
yaml_value = st.recursive(
    yaml_scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.dictionaries(st.one_of(st.sampled_from(["question", "answer", "yes", "no", "rows", "name", "before",
                                                   "after", "unit", "lower_is_better", "title", "notes"]), text),
                        inner, max_size=5),
    ),
    max_leaves=12,
)


@st.composite
def yaml_text(draw) -> str:
    """YAML that is usually well-formed (dumped from random data), sometimes raw text."""
    if draw(st.booleans()):
        try:
            return yaml.safe_dump(draw(yaml_value), allow_unicode=True)
        except yaml.YAMLError:
            return ""
    return draw(text)


@st.composite
def fence(draw) -> str:
    marker = draw(st.sampled_from(["```", "~~~", "````", "``"]))
    language = draw(st.sampled_from(["", "rust", "python", "klingon", "decision-tree", "metrics", "text", "{.x}"]))
    attrs = draw(st.lists(st.one_of(
        st.builds(lambda k, v: f'{k}="{v}"', st.sampled_from(["title", "hl_lines", "linenums", "include",
                                                                "anchor", "titel", "x"]),
                  st.one_of(st.sampled_from(PATHS + ["main", "open", "1-3", "2 5-9", "0", "-1", "yes"]), words)),
        text), max_size=3))
    body = draw(yaml_text()) if language in ("decision-tree", "metrics") else draw(text)
    closing = draw(st.sampled_from([marker, "", marker + "`", "```"]))
    return f"{marker}{language} {' '.join(attrs)}\n{body}\n{closing}\n"


@st.composite
def div(draw, depth: int = 0) -> str:
    colons = ":" * draw(st.integers(3, 5))
    name = draw(st.sampled_from(["notes", "tip", "note", "warning", "handbook", "slides", "columns", "column",
                                 "nots", "", "{.tip}"]))
    inner = draw(st.lists(block(depth + 1), max_size=3))
    closing = draw(st.sampled_from([colons, "", ":::", "::::"]))
    return f"{colons} {name}\n" + "\n".join(inner) + f"\n{closing}\n"


def block(depth: int = 0) -> st.SearchStrategy[str]:
    simple = st.one_of(
        st.builds(lambda n, t: "#" * n + " " + t, st.integers(1, 7), text),
        text,
        words,
        st.builds(lambda items: "".join(f"{' ' * (2 * i % 7)}- {t}\n" for i, t in enumerate(items)),
                  st.lists(text, max_size=5)),
        st.builds(lambda t: f"1. {t}\n2. {t}\n", text),
        st.builds(lambda t: "> " + t.replace("\n", "\n> "), text),
        st.builds(lambda a, b: f"| {a} | {b} |\n|---|:--:|\n| {b} | {a} |\n", words, words),
        st.builds(lambda t, target: f"[{t}]({target})", words,
                  st.sampled_from(["#a", "#nowhere", "#über", "http://x.org", "../x", "#"])),
        st.builds(lambda alt, p: f"![{alt}]({p})", words, st.sampled_from(PATHS)),
        st.sampled_from(["---", "***", ":::", "<div>x</div>", "a <b>b</b>", "[Describe it]", "\t\tcode",
                         "<!-- c -->", "    indented code", "---\ntitle: x"]),
        fence(),
    )
    # The same blocks inside a list item or a quotation: markdown-it strips their prefixes, so every
    # line:col computed from a block's own text must be mapped back to the file.
    nested = st.one_of(
        st.builds(lambda b: "- " + b.replace("\n", "\n  "), simple),
        st.builds(lambda b: "> " + b.replace("\n", "\n> "), simple),
    )
    if depth >= 3:
        return st.one_of(simple, nested)
    return st.one_of(simple, nested, div(depth))


@st.composite
def chapter(draw) -> bytes:
    parts = []
    if draw(st.booleans()):
        parts.append(f"---\n{draw(yaml_text())}---\n")
    parts += draw(st.lists(block(), max_size=8))
    source = "\n\n".join(parts) if draw(st.booleans()) else "\n".join(parts)
    if draw(st.booleans()):
        source = source.replace("\n", "\r\n")
    raw = source.encode("utf-8")
    tweak = draw(st.sampled_from(["none", "none", "bom", "bad-byte"]))
    if tweak == "bom":
        raw = b"\xef\xbb\xbf" + raw
    elif tweak == "bad-byte" and raw:
        at = draw(st.integers(0, len(raw)))
        raw = raw[:at] + b"\xff" + raw[at:]
    return raw


course_yaml = st.one_of(
    st.just("title: T\n"),
    st.builds(lambda level: f"title: T\nslide_level: {level}\n", st.integers(-1, 8)),
    st.builds(lambda y: "title: T\n" + y, yaml_text()),
    yaml_text(),
)


def _lines(path: Path) -> list[str] | None:
    """Return the lines of `path` as the loader counts them (None for a folder)."""
    if path.is_dir():
        return None
    raw = path.read_bytes().removeprefix(b"\xef\xbb\xbf")
    return raw.decode("utf-8", "replace").replace("\r\n", "\n").replace("\r", "\n").split("\n")


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    """Return a course folder with the support files; each example replaces its chapters and course.yaml."""
    base = tmp_path_factory.mktemp("fuzz")
    (base / "outside.rs").write_text("secret\n")
    root = base / "course"
    for name, content in SUPPORT.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(content)
    (root / "link.rs").symlink_to(base / "outside.rs")
    return root


def check_course(root: Path, chapters: list[bytes], course: str) -> None:
    for old in root.glob("*.md"):
        old.unlink()
    (root / "course.yaml").write_text(course, encoding="utf-8")
    for i, raw in enumerate(chapters):
        (root / f"{i:02}.md").write_bytes(raw)
    diags = Diagnostics()
    try:
        load_course(root, diags=diags)
        found = diags.items
    except ContentError as exc:
        found = exc.diagnostics
    for d in found:
        loc = d.location
        assert loc.line >= 1 and loc.col >= 1, d
        lines = _lines(loc.path)
        if lines is None:
            assert (loc.line, loc.col) == (1, 1), d
            continue
        assert loc.line <= len(lines), (d, len(lines))
        assert loc.col <= len(lines[loc.line - 1]) + 1, (d, lines[loc.line - 1])
        assert str(d).startswith(f"{loc}: {d.severity}: ")


@FUZZ
@given(chapters=st.lists(chapter(), min_size=1, max_size=3), course=course_yaml)
def test_loader_survives_anything(root, chapters, course):
    check_course(root, chapters, course)


@FUZZ
@given(chapter_bytes=st.binary(max_size=200), course_bytes=st.binary(max_size=60))
def test_loader_survives_raw_bytes(root, chapter_bytes, course_bytes):
    check_course(root, [chapter_bytes], course_bytes.decode("utf-8", "replace"))

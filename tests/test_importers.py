"""`deckbook import`: a small mdBook, Marp deck and pandoc slide show (written here) → course folders.

Each import is pinned as a golden dump of every file it writes (`pytest --update-golden` rewrites them);
the assertions say what a trainer relies on: slides as the source shows them, notes in the notes pane,
links as anchors, files copied only from inside the source, the source untouched.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from conftest import write_tree

from deckbook import cli, project
from deckbook.importers import REPORT_FILE, import_course
from deckbook.importers.course import Conversion
from deckbook.errors import Diagnostics
from deckbook.load import load_course
from deckbook import model as m

PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc0000003"
    "010100c9fe92ef0000000049454e44ae426082")
"""A 1×1 PNG."""

MDBOOK = {
    "book.toml": """\
        [book]
        title = "Tide Tables"
        authors = ["R. Harbour", "S. Quay"]
        language = "en"
        description = "Reading the sea"

        [preprocessor.quiz]
        command = "mdbook-quiz"
        """,
    "outside.rs": "fn secret() {}\n",
    "src/SUMMARY.md": """\
        # Summary

        [Welcome](welcome.md)

        # First Day

        - [Tides](tides.md)
          - [Springs and Neaps](tides/springs.md)
            - [Exercise](tides/exercise.md)
          - [Soon]()
        - [Charts](charts.md)

        # Second Day

        - [Currents](currents.md)
        """,
    "src/welcome.md": """\
        <!-- Licence: CC0 -->

        # Welcome aboard

        See [the tides](tides.md) and [springs][1], or [the table](tides/springs.md#the-table).
        A link to [nowhere](missing.md) and to [the web](https://example.org/); [a red box](?box=red).

        [1]: tides/springs.md
        """,
    "src/tides.md": """\
        ---
        minutes: 5
        session: Day 1
        ---

        <!--
        Licence: CC0
        -->

        # Tides

        Tides rise and fall twice a day.

        ## Schedule

        {{%segment outline}}
        """,
    "src/tides/springs.md": """\
        # Springs and Neaps

        Spring tides follow a full moon.[^moon]

        ![A tide curve](../images/curve.png)

        ## The table

        | Tide | Height |
        | --- | --- |
        | Spring | high |

        <details>
        <summary>Speaker notes</summary>

        Draw the moon on the board.

        </details>

        [^moon]: And a new moon.
        """,
    "src/tides/exercise.md": """\
        ---
        minutes: 15
        ---

        # Exercise

        ```rust,editable
        {{#include code/tide.rs:height}}
        {{#include ../../outside.rs}}
        {{#playground code/tide.rs}}
        ```

        <details>

        Let them work in pairs; see [the welcome](../welcome.md).

        </details>
        """,
    "src/tides/code/tide.rs": "// ANCHOR: height\nfn height() -> f32 { 1.5 }\n// ANCHOR_END: height\n",
    "src/images/curve.png": PNG,
    "src/charts.md": """\
        # Charts

        Charts show depths.[1]

        <div class="warning">Old charts lie.</div>

        ```rust
        # // shown from a file outside src/ only
        {{#include ../outside.rs}}
        ```

        [1]: https://example.org/charts
        """,
    "src/currents.md": """\
        # Currents

        Currents follow the tide.[1]

        [1]: https://example.org/currents
        """,
}

MARP = """\
    ---
    marp: true
    theme: gaia
    paginate: true
    title: Knots for Sailors
    author: B. Line
    lang: en-GB
    headingDivider: 2
    ---

    <!-- _class: lead -->

    # Knots for Sailors

    A practical hour.

    <!-- Welcome the group and ask who sails. -->

    ## The bowline

    - A fixed loop
    - Easy to untie, ask [your neighbour]

    <!--
    Tie one live.

    Slowly.
    -->

    ---

    Knots without a heading still make a slide.

    ---

    ![bg right](img/knot.png?v=2)

    A picture beside the <i class="icon">words</i>.

    <!-- backgroundColor: white -->

    ---

    <style>
    section { font-size: 20px; }
    </style>

    ## The end

    Questions?
    """

PANDOC = """\
    % Weather Signs
    % C. Cloud; D. Rain
    % 2026-03-01

    # Reading the sky

    ## Red sky {.smaller}

    Red sky at night.

    . . .

    Sailor's delight.

    ::: notes
    Tell the proverb's origin.
    :::

    ## Clouds

    ::: incremental
    - cirrus
    - cumulus
    :::

    ![A cloud](cloud.png){width=40%}
    ![The same cloud](cloud.png)

    ::: {.callout-tip title="Rule"}
    Low clouds, rain soon.
    :::

    ---

    A slide after a rule.
    """


def tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(str(path.relative_to(root)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def dump(out: Path, conversion: Conversion, source_root: Path) -> str:
    """Return every file an import wrote, text in full, other files by name; the report relative to the source."""
    parts = []
    for path in sorted(p for p in out.rglob("*") if p.is_file() and p.name != REPORT_FILE):
        rel = path.relative_to(out).as_posix()
        try:
            parts.append(f"=== {rel}\n{path.read_text(encoding='utf-8')}")
        except UnicodeDecodeError:
            parts.append(f"=== {rel} ({path.stat().st_size} bytes)\n")
    notes = [f"{n.path.relative_to(source_root).as_posix()}:{n.line}: {n.message}" for n in sorted(conversion.report.notes)]
    parts.append("=== report\n" + "".join(f"{line}\n" for line in notes))
    return "\n".join(parts)


@pytest.fixture
def book(tmp_path) -> Path:
    return write_tree(tmp_path / "book", MDBOOK)


@pytest.fixture
def marp_deck(tmp_path) -> Path:
    root = write_tree(tmp_path / "marp", {"deck.md": MARP, "img/knot.png": PNG})
    return root / "deck.md"


@pytest.fixture
def pandoc_show(tmp_path) -> Path:
    root = write_tree(tmp_path / "pandoc", {"talk.md": PANDOC, "cloud.png": PNG})
    return root / "talk.md"


# --- mdBook --------------------------------------------------------------------------------------


def test_mdbook_import_matches_the_golden(tmp_path, book, golden):
    conversion = import_course("mdbook", book, tmp_path / "out")
    golden("importers/mdbook.txt", dump(tmp_path / "out", conversion, book))


def test_mdbook_parts_become_chapters_and_pages_slides_in_summary_order(tmp_path, book):
    out = tmp_path / "out"
    conversion = import_course("mdbook", book, out)
    assert conversion.meta["title"] == "Tide Tables" and conversion.meta["authors"] == ["R. Harbour", "S. Quay"]
    assert conversion.meta["slide_level"] == 3
    assert [name for name, _ in conversion.chapters] == ["01-welcome-aboard.md", "02-first-day.md", "03-second-day.md"]
    first_day = (out / "02-first-day.md").read_text(encoding="utf-8")
    headings = [line for line in first_day.splitlines() if line.startswith("#")]
    assert headings == [
        "# First Day",
        "## Tides {#tides}",                      # a page with sub-pages: a section,
        "### Tides {minutes=5}",                  # and its content a slide ('## Schedule' was left empty)
        "### Springs and Neaps {#tides-springs}",  # linked to from welcome.md: an anchor
        "#### The table {#tides-springs--the-table}",
        "### Exercise {minutes=15}",               # a sub-sub-page follows in order
        "## Charts",
        "### Charts",                              # a section with content: its page is a slide
    ]
    # A top-level page without sub-pages, before any with them, is a slide of the part directly.
    assert conversion.chapters[2][1].startswith("# Second Day\n\n### Currents\n")


def test_mdbook_notes_links_files_and_what_was_not_carried_over(tmp_path, book):
    out = tmp_path / "out"
    before = tree_hash(book)
    conversion = import_course("mdbook", book, out)
    assert tree_hash(book) == before, "the source was changed"
    welcome = (out / "01-welcome-aboard.md").read_text(encoding="utf-8")
    assert "[the tides](#tides)" in welcome and "[1]: #tides-springs" in welcome
    assert "[the table](#tides-springs--the-table)" in welcome
    assert "A link to nowhere and" in welcome and ".md" not in welcome and "; a red box." in welcome
    first_day = (out / "02-first-day.md").read_text(encoding="utf-8")
    assert "::: notes\n\nDraw the moon on the board.\n\n:::" in first_day and "<details>" not in first_day
    assert "{{#include tides/code/tide.rs:height}}" in first_day
    assert "outside.rs" not in first_day and "playground" not in first_day
    assert "![A tide curve](images/curve.png)" in first_day
    assert (out / "images/curve.png").read_bytes() == PNG and (out / "tides/code/tide.rs").is_file()
    assert not (out / "outside.rs").exists()
    notes = "\n".join(conversion.report.lines())
    for expected in ("SUMMARY.md:10: draft chapter 'Soon' (no page) not carried over",
                     "book.toml:7: preprocessor 'quiz' not carried over",
                     "welcome.md:6: link 'missing.md' goes to a page not in SUMMARY.md",
                     "welcome.md:6: link '?box=red' only sets an option of the web page",
                     "tides.md:3: front matter 'session: Day 1' not carried over",
                     "tides.md:16: mdBook directive '{{%segment outline}}' not carried over",
                     "tides.md:14: heading 'Schedule' has nothing under it once the directives are left out",
                     "exercise.md:9: included file '../../outside.rs' lies outside src/: not copied",
                     "exercise.md:10: mdBook directive '{{#playground code/tide.rs}}' not carried over",
                     "charts.md:5: HTML <div> not carried over",
                     "charts.md:7: code block left with nothing to show: not carried over"):
        assert expected in notes
    assert (out / REPORT_FILE).read_text(encoding="utf-8").count("\n") == len(conversion.report.lines())


def test_mdbook_import_loads_as_a_course_without_a_problem(tmp_path, book):
    """The imported book is a course: every link lands on a heading, no slide is blank, minutes are kept."""
    out = tmp_path / "out"
    import_course("mdbook", book, out)
    diags = Diagnostics()
    course = load_course(out, diags=diags)
    assert diags.items == []
    slides = [(s, ch.slug) for ch in course.chapters for s in ch.slides]
    assert [(s.kind, s.level, m.plain(s.title), s.minutes) for s, _ in slides] == [
        ("section", 1, "Welcome aboard", None), ("content", 3, "Welcome aboard", None),
        ("section", 1, "First Day", None), ("section", 2, "Tides", None), ("content", 3, "Tides", 5),
        ("content", 3, "Springs and Neaps", None), ("content", 3, "Exercise", 15),
        ("section", 2, "Charts", None), ("content", 3, "Charts", None),
        ("section", 1, "Second Day", None), ("content", 3, "Currents", None)]
    assert all(s.blocks for s, _ in slides if s.kind == "content")
    springs = next(s for s, _ in slides if m.plain(s.title) == "Springs and Neaps")
    assert _texts(springs.notes) == ["Draw the moon on the board."]
    targets = [link.target for s, _ in slides for link in _links(s.blocks)]
    assert "#tides-springs--the-table" in targets
    assert all(t.startswith(("#", "https://")) for t in targets), targets


def test_mdbook_reference_labels_are_unique_in_a_chapter(tmp_path, book):
    """Pages joined into one chapter each define [1]: the second page's label is renamed, not lost."""
    write_tree(book, {"src/SUMMARY.md": "- [Charts](charts.md)\n  - [Currents](currents.md)\n"})
    out = tmp_path / "out"
    import_course("mdbook", book, out)
    text = (out / "01-charts.md").read_text(encoding="utf-8")
    assert "[1]: https://example.org/charts" in text
    assert "the tide.[1][1-currents]" in text and "[1-currents]: https://example.org/currents" in text


def test_mdbook_without_parts_has_a_chapter_per_top_level_page(tmp_path, book):
    write_tree(book, {"src/SUMMARY.md": "- [Tides](tides.md)\n  - [Springs](tides/springs.md)\n- [Charts](charts.md)\n"})
    conversion = import_course("mdbook", book, tmp_path / "out")
    assert conversion.meta["slide_level"] == 2
    assert [name for name, _ in conversion.chapters] == ["01-tides.md", "02-charts.md"]
    assert conversion.chapters[1][1].startswith("# Charts\n\n## Charts\n")


# --- Marp ----------------------------------------------------------------------------------------


def test_marp_import_matches_the_golden(tmp_path, marp_deck, golden):
    conversion = import_course("marp", marp_deck, tmp_path / "out")
    golden("importers/marp.txt", dump(tmp_path / "out", conversion, marp_deck.parent))


def test_marp_deck_gives_the_slides_marp_shows_none_blank_notes_in_the_notes(tmp_path, marp_deck):
    out = tmp_path / "out"
    conversion = import_course("marp", marp_deck, out)
    # Marp: title, bowline (headingDivider 2), no heading, picture, and the end (split again at `## The end`
    # after the `---` whose slide holds only a <style>: Marp shows that one empty).
    assert conversion.units == 6
    course = load_course(out)
    slides = [s for c in course.chapters for s in c.slides]
    assert len(slides) == 5
    assert all(s.title or s.blocks for s in slides), "a blank slide"
    assert [m.plain(s.title) for s in slides] == ["Knots for Sailors", "The bowline", "", "", "The end"]
    notes = [" ".join(_texts(s.notes)) for s in slides]
    assert notes[0] == "Welcome the group and ask who sails."
    assert notes[1] == "Tie one live. Slowly."
    assert isinstance(slides[3].blocks[0], m.Image)
    assert course.meta.title == "Knots for Sailors" and course.meta.language == "en-GB"
    report = "\n".join(conversion.report.lines())
    assert "directive _class: lead (this slide) not carried over" in report
    assert "directive backgroundColor: white not carried over" in report
    assert "HTML <style> not carried over" in report and "slide 5 is empty in Marp" in report
    assert "deck.md:38: HTML <i class=\"icon\"> </i> not carried over (its text is kept)" in report
    text = (out / "01-knots-for-sailors.md").read_text(encoding="utf-8")
    assert "A picture beside the words." in text and "![](img/knot.png)" in text
    assert "ask \\[your neighbour\\]" in text, "the author's brackets, escaped: not a template placeholder"


# --- pandoc --------------------------------------------------------------------------------------


def test_pandoc_import_matches_the_golden(tmp_path, pandoc_show, golden):
    conversion = import_course("pandoc", pandoc_show, tmp_path / "out")
    golden("importers/pandoc.txt", dump(tmp_path / "out", conversion, pandoc_show.parent))


def test_pandoc_show_keeps_its_slides_and_notes(tmp_path, pandoc_show):
    out = tmp_path / "out"
    conversion = import_course("pandoc", pandoc_show, out)
    course = load_course(out)
    slides = [s for c in course.chapters for s in c.slides]
    assert [m.plain(s.title) for s in slides] == ["Reading the sky", "Red sky", "Clouds", ""]
    assert conversion.units == 4
    assert " ".join(_texts(slides[1].notes)) == "Tell the proverb's origin."
    assert course.meta.authors == ("C. Cloud", "D. Rain") and str(course.meta.date) == "2026-03-01"
    assert any(isinstance(b, m.Callout) and b.kind == "tip" for b in slides[2].blocks)
    assert [b.alt for b in slides[2].blocks if isinstance(b, m.Image)] == ["A cloud", "The same cloud"]


@pytest.mark.parametrize(("given", "written"), [(1, 1), (2, 2), (4, 2)])
def test_pandoc_slide_level_as_pandoc_was_told(tmp_path, pandoc_show, given, written):
    """`--slide-level` deeper than every heading: pandoc gives each heading a slide, so does the course."""
    conversion = import_course("pandoc", pandoc_show, tmp_path / "out", slide_level=given)
    assert conversion.meta["slide_level"] == written
    assert ("no heading is that deep" in "\n".join(conversion.report.lines())) == (given != written)
    course = load_course(tmp_path / "out")
    assert course.slide_level == written


# --- command line --------------------------------------------------------------------------------


def test_import_refuses_a_folder_that_is_not_empty_unless_forced(tmp_path, pandoc_show, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "notes.txt").write_text("mine", encoding="utf-8")
    assert cli.main(["import", "pandoc", str(pandoc_show), "--out", "out"]) == 1
    err = capsys.readouterr().err
    assert "out:1:1: error: 'out' exists and is not empty (choose a new folder, or pass --force to write into it)" in err
    assert not (tmp_path / "out" / "course.yaml").exists()
    assert cli.main(["import", "pandoc", str(pandoc_show), "--out", "out", "--force"]) == 0
    err = capsys.readouterr().err
    assert "imported 4 slides into out: 1 chapter(s), 1 file(s) copied; 2 thing(s) not carried over" in err
    assert (tmp_path / "out" / "notes.txt").read_text(encoding="utf-8") == "mine"


def test_import_errors_exit_1_without_traceback(tmp_path, book, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert cli.main(["import", "mdbook", "nothing-here", "--out", "out"]) == 1
    assert "nothing-here:1:1: error: 'nothing-here' not found" in capsys.readouterr().err
    (book / "book.toml").write_text("[book]\ntitle = \n", encoding="utf-8")
    assert cli.main(["import", "mdbook", "book", "--out", "out"]) == 1
    assert "book/book.toml:2:9: error: book.toml is not valid TOML" in capsys.readouterr().err
    assert cli.main(["import", "mdbook", "book", "--out", "book/course"]) == 1
    assert "lies inside the source" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        cli.main(["import", "keynote", "book", "--out", "out"])
    assert exc.value.code == 2
    capsys.readouterr()
    assert cli.main(["import", "mdbook", "book", "--out", "out", "--slide-level", "2"]) == 2
    assert "--slide-level is for pandoc slide shows" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


def test_invoke_import_writes_under_content(tmp_path, marp_deck, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert project.import_course("marp", str(marp_deck), "knots") == 0
    assert (tmp_path / "content" / "knots" / "course.yaml").is_file()


def _links(node) -> list[m.Link]:
    """Return every link under a block tree (blocks, inlines, list items, table cells)."""
    if isinstance(node, m.Link):
        return [node, *_links(node.children)]
    if isinstance(node, (tuple, list)):
        return [link for child in node for link in _links(child)]
    if hasattr(node, "__dataclass_fields__"):
        return [link for name in node.__dataclass_fields__ for link in _links(getattr(node, name))]
    return []


def _texts(blocks) -> list[str]:
    return [m.plain(b.children) for b in blocks if isinstance(b, m.Paragraph)]

"""compile_fail code blocks: compiled against the course's workspace, reported with file:line when they compile."""

from __future__ import annotations

from deckbook import project, rustcheck
from deckbook.load import load_course

from conftest import need

WORKSPACE = {
    "code/Cargo.toml": '[workspace]\nresolver = "2"\nmembers = ["shapes"]\n\n[workspace.package]\nedition = "2021"\n',
    "code/shapes/Cargo.toml": '[package]\nname = "shapes"\nversion = "0.1.0"\nedition.workspace = true\n',
    "code/shapes/src/lib.rs": "pub fn area(w: u32, h: u32) -> u32 { w * h }\n",
}

CHAPTER = """\
    # Ownership

    ## Moved values

    ```rust,compile_fail,E0382
    let v = vec![shapes::area(2, 3)];
    let w = v;
    println!("{v:?} {w:?}");
    ```

    ## Hidden lines count

    ```rust,compile_fail
    # fn take(_: String) {}
    let s = String::new();
    take(s);
    take(s);
    ```

    ## Not broken at all

    ::: exercise Fix it
    Find the bug.

    ::: solution
    ```rust,compile_fail
    let x: u32 = shapes::area(2, 3);
    println!("{x}");
    ```
    :::
    :::

    ## Broken for another reason

    ```rust,compile_fail,E0382
    let x: u32 = "text";
    ```
"""


def test_compile_fail_blocks_are_found_everywhere(make_course):
    course = load_course(make_course({"01-own.md": CHAPTER, **WORKSPACE}))
    found = rustcheck.fragments(course)
    assert [(f.loc.line, f.codes) for f in found] == [(5, ("E0382",)), (13, ()), (26, ()), (35, ("E0382",))]
    assert found[1].program.startswith("fn take(_: String) {}\n")  # hidden lines are compiled


def test_blocks_that_compile_or_fail_otherwise_are_errors(make_course, capsys):
    need("cargo", "a Rust toolchain (rustup.rs)")
    root = make_course({"01-own.md": CHAPTER, **WORKSPACE})
    assert project.compile_fail(root, root / "code") == 1
    err = capsys.readouterr().err.splitlines()
    assert [line.split(root.name + "/", 1)[1].split(" (")[0] for line in err] == [
        "01-own.md:26:1: error: a compile_fail code block compiles",
        "01-own.md:35:1: error: a compile_fail code block does not fail with E0382",
    ]
    assert "error[E0308]: mismatched types" in err[1]
    assert (root / "code" / "target" / rustcheck.CRATE / "Cargo.toml").read_text().count('shapes = { path = "../../shapes" }') == 1

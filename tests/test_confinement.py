"""Nothing outside the course is read: every file the loader opens is recorded through an audit hook."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from deckbook.errors import ContentError
from deckbook.load import load_course

_recording: list[list[Path]] = []  # audit hooks cannot be removed: this one records only when asked


def _audit(event: str, args: tuple) -> None:
    if _recording and event == "open" and isinstance(args[0], (str, bytes, Path)):
        name = args[0].decode() if isinstance(args[0], bytes) else args[0]
        _recording[-1].append(Path(name))


sys.addaudithook(_audit)


@pytest.fixture
def opened():
    """Return the list of paths opened (by open(), io.open, os.open …) while the test runs."""
    paths: list[Path] = []
    _recording.append(paths)
    yield paths
    _recording.remove(paths)


def test_loader_never_opens_the_canary(tmp_path, opened):
    canary = tmp_path / "canary"
    canary.mkdir()
    for name in ("secret.rs", "secret.md", "secret.png", "secret.yaml"):
        (canary / name).write_bytes(b"\x89PNG\r\n\x1a\n" if name.endswith(".png") else b"# secret\n\nsecret\n")
    root = tmp_path / "course"
    (root / "code").mkdir(parents=True)
    (root / "course.yaml").write_text("title: T\n", encoding="utf-8")
    (root / "01.md").write_text(
        "# A\n\n"
        '```rust include="../canary/secret.rs"\n```\n\n'
        '```rust include="code/link.rs"\n```\n\n'
        '```metrics include="code/link.yaml"\n```\n\n'
        "![a](../canary/secret.png)\n\n"
        "![b](code/link.png)\n",
        encoding="utf-8")
    (root / "code" / "link.rs").symlink_to(canary / "secret.rs")
    (root / "code" / "link.yaml").symlink_to(canary / "secret.yaml")
    (root / "code" / "link.png").symlink_to(canary / "secret.png")
    (root / "02.md").symlink_to(canary / "secret.md")

    opened.clear()  # the files written above
    with pytest.raises(ContentError) as info:
        load_course(root)

    messages = sorted(d.message for d in info.value.diagnostics)
    assert messages == [
        "chapter '02.md' lies outside the course folder",
        "image '../canary/secret.png' leaves the course folder",
        "image 'code/link.png' leaves the course folder",
        "include '../canary/secret.rs' leaves the course folder",
        "include 'code/link.rs' leaves the course folder",
        "include 'code/link.yaml' leaves the course folder",
    ]
    real = [p.resolve() for p in opened if p.is_absolute()]
    assert root.resolve() / "01.md" in real and root.resolve() / "course.yaml" in real  # the hook records
    assert [p for p in real if not p.is_relative_to(root.resolve()) and p.is_relative_to(tmp_path)] == []
    assert not any(p.is_relative_to(canary) for p in real)


def test_build_never_opens_a_file_a_theme_links_to_outside(tmp_path, opened, monkeypatch):
    """A theme's files are hashed for the cache key: a symbolic link out of the theme must not be read."""
    import shutil

    from deckbook.build import build

    canary = tmp_path / "canary.txt"
    canary.write_text("secret\n", encoding="utf-8")
    theme = tmp_path / "themes" / "t"
    shutil.copytree(Path(__file__).parents[1] / "themes" / "default", theme)
    (theme / "notes.txt").symlink_to(canary)
    root = tmp_path / "course"
    root.mkdir()
    (root / "course.yaml").write_text("title: T\ntheme: t\n", encoding="utf-8")
    (root / "01.md").write_text("# A\n\n## B\n\ntext\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    opened.clear()
    build(root, tmp_path / "out", outputs=("deck",), jobs=1)
    assert canary not in [p.resolve() for p in opened if p.exists()]

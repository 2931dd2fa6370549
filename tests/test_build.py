"""The build: registry, cache (no-op builds render nothing), atomic writes, release checksums.

A fake renderer stands in for the real ones, so these tests are about the pipeline alone.
"""

from __future__ import annotations

import hashlib
import subprocess
import sys
import types

import pytest

from deckbook import build as b
from deckbook.errors import ContentError
from deckbook.options import Options
from deckbook.outputs import Output

CALLS: list[str] = []


def fake_render(course, theme, out, options, pool=None):
    CALLS.append(options.edition)
    text = f"{course.meta.title} {course.meta.version} {options.edition} {len(course.chapters)}"
    if "BOOM" in course.meta.title:
        raise RuntimeError("renderer crashed")
    out.write_text(text, encoding="utf-8")
    return out


@pytest.fixture
def fake_outputs(monkeypatch, outputs_registry):
    module = types.ModuleType("fake_renderer")
    module.render = fake_render
    monkeypatch.setitem(sys.modules, "fake_renderer", module)
    outputs_registry.clear()
    outputs_registry["deck"] = Output("fake_renderer", ".txt", "deck", "fake deck", ("paper",))
    outputs_registry["handbook"] = Output("fake_renderer", ".pdf", "handbook", "fake handbook", ("paper",))
    CALLS.clear()
    return ("deck", "handbook")


def test_build_writes_each_output(make_course, tmp_path, fake_outputs):
    root = make_course({"01.md": "# A\n\ntext\n"})
    result = b.build(root, tmp_path / "out", fake_outputs, jobs=1)
    assert sorted(p.name for p in result.files.values()) == ["course-1.0.pdf", "course-1.0.txt"]
    assert result.rendered == fake_outputs


def test_noop_build_renders_nothing_and_edit_renders_again(make_course, tmp_path, fake_outputs):
    root = make_course({"01.md": "# A\n\ntext\n", "02.md": "# B\n\nmore\n"})
    b.build(root, tmp_path / "out", fake_outputs, jobs=1)
    assert b.build(root, tmp_path / "out", fake_outputs, jobs=1).rendered == ()
    (root / "02.md").write_text("# B\n\nchanged\n", encoding="utf-8")
    assert b.build(root, tmp_path / "out", fake_outputs, jobs=1).rendered == fake_outputs
    (root / "03.md").write_text("# C\n\nnew chapter\n", encoding="utf-8")  # a new file counts too
    assert b.build(root, tmp_path / "out", fake_outputs, jobs=1).rendered == fake_outputs


def test_options_and_version_are_part_of_the_key(make_course, tmp_path, fake_outputs):
    root = make_course({"01.md": "# A\n\ntext\n"})
    b.build(root, tmp_path / "out", fake_outputs, jobs=1)
    assert b.build(root, tmp_path / "out", fake_outputs, Options(paper="letter"), jobs=1).rendered == fake_outputs
    assert b.build(root, tmp_path / "out", fake_outputs, version="2.0", jobs=1).rendered == fake_outputs


def test_tampered_output_is_rebuilt(make_course, tmp_path, fake_outputs):
    root = make_course({"01.md": "# A\n\ntext\n"})
    result = b.build(root, tmp_path / "out", fake_outputs, jobs=1)
    result.files["deck"].write_text("edited by hand", encoding="utf-8")
    assert b.build(root, tmp_path / "out", fake_outputs, jobs=1).rendered == ("deck",)


def test_failed_render_keeps_previous_output(make_course, tmp_path, fake_outputs):
    root = make_course({"01.md": "# A\n\ntext\n"})
    out = tmp_path / "out"
    first = b.build(root, out, fake_outputs, jobs=1).files["deck"]
    before = first.read_bytes()
    (root / "course.yaml").write_text("title: BOOM\nversion: '1.0'\n", encoding="utf-8")
    with pytest.raises(RuntimeError):
        b.build(root, out, fake_outputs, jobs=1)
    assert first.read_bytes() == before
    assert not list(out.glob(".*.tmp"))


def test_content_error_writes_nothing(make_course, tmp_path, fake_outputs):
    root = make_course({"01.md": "# A\n\n::: bogus\nx\n:::\n"})
    with pytest.raises(ContentError):
        b.build(root, tmp_path / "out", fake_outputs, jobs=1)
    assert not (tmp_path / "out").exists()


def test_parallel_workers_give_the_same_files(make_course, tmp_path, fake_outputs):
    root = make_course({"01.md": "# A\n\ntext\n"})
    serial = b.build(root, tmp_path / "serial", fake_outputs, jobs=1).files
    parallel = b.build(root, tmp_path / "parallel", fake_outputs, jobs=2).files
    assert {n: p.read_bytes() for n, p in serial.items()} == {n: p.read_bytes() for n, p in parallel.items()}


def test_release_checksums_verify(make_course, tmp_path, fake_outputs, monkeypatch):
    from deckbook import release

    root = make_course({"01.md": "# A\n\ntext\n"})
    monkeypatch.setattr(release, "build", lambda ref, out, **kw: b.build(ref, out, fake_outputs, jobs=1, **kw))
    (folder,) = release.release([str(root)], out_root=tmp_path / "release")
    assert folder.name == "1.0"
    check = subprocess.run(["sha256sum", "-c", "SHA256SUMS"], cwd=folder, capture_output=True, text=True)
    assert check.returncode == 0, check.stdout + check.stderr
    manifest = (folder / "manifest.json").read_text()
    digest = hashlib.sha256((folder / "course-1.0.txt").read_bytes()).hexdigest()
    assert digest in manifest and '"courses": [\n    "course"\n  ]' in manifest

"""The benchmark's inputs (not its timings: speed is measured by `invoke bench`, never asserted in tests)."""

from __future__ import annotations

from deckbook import bench
from deckbook.load import load_course


def test_scaled_course_repeats_chapters_and_still_loads(mini, tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "WORK", tmp_path)
    scaled = bench.scaled_course(3, mini)
    course = load_course(scaled)
    original = load_course(mini)
    assert len(course.chapters) == 3 * len(original.chapters)
    assert sum(len(c.slides) for c in course.chapters) == 3 * sum(len(c.slides) for c in original.chapters)


def test_pandoc_source_expands_includes(mini, tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "WORK", tmp_path)
    text = bench.pandoc_source(bench.scaled_course(1, mini)).read_text()
    assert 'include="' not in text
    assert 'format!("Hello, {name}!")' in text
    assert "ANCHOR" not in text

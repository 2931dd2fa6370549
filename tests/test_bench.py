"""The benchmark's inputs, its memory sampling and its report (never its timings: speed is measured by
`invoke bench`, never asserted in tests)."""

from __future__ import annotations

import sys

from deckbook import bench
from deckbook.load import load_course


def test_scaled_course_repeats_chapters_and_still_loads(mini, tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "WORK", tmp_path)
    scaled = bench.scaled_course(3, mini)
    course = load_course(scaled)
    original = load_course(mini)
    assert len(course.chapters) == 3 * len(original.chapters)
    assert sum(len(c.slides) for c in course.chapters) == 3 * sum(len(c.slides) for c in original.chapters)


def test_the_shipped_course_scales_with_its_schedule_left_out(tmp_path, monkeypatch):
    from conftest import SHIPPED

    monkeypatch.setattr(bench, "WORK", tmp_path)
    scaled = bench.scaled_course(2, SHIPPED)
    text = (scaled / "course.yaml").read_text(encoding="utf-8")
    assert "schedule:" not in text and "chapters:" not in text and "title:" in text
    assert len(load_course(scaled).chapters) == 2 * len(load_course(SHIPPED).chapters)


def test_pandoc_source_expands_includes(mini, tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "WORK", tmp_path)
    text = bench.pandoc_source(bench.scaled_course(1, mini)).read_text()
    assert 'include="' not in text
    assert 'format!("Hello, {name}!")' in text
    assert "ANCHOR" not in text


def test_run_samples_the_whole_process_tree(tmp_path):
    # A parent that starts a child holding 200 MiB: the tree's memory counts the child.
    child = "b = bytearray(200 * 1024 * 1024); import time; time.sleep(1.5)"
    parent = f"import subprocess, sys; subprocess.run([sys.executable, '-c', {child!r}]); print('done')"
    sample, out = bench.run([sys.executable, "-c", parent])
    assert out.strip() == "done"
    assert sample.largest_mib >= 200 and sample.memory_mib >= 200


def test_report_checks_the_targets_and_keeps_every_scale():
    ten = bench.Row(10, "2026-11-26", "m", 3, 586, 951, [70.0, 73.0, 75.0], [0.3, 0.3, 0.4], [9.0, 10.0, 11.0],
                    480.0, 300.0, [250.0, 255.0, 260.0], 1700.0, "pandoc 2.17")
    fifty = bench.Row(50, "2026-11-26", "m", 1, 2930, 4751, [400.0], [0.4], [30.0], 700.0, 400.0)
    text = bench.report([fifty, ten])
    assert text.index("| 10× |") < text.index("| 50× |")
    assert "10× cold build ≤ 0.33 × the pandoc pipeline: 0.29 ✓" in text
    assert "10× one-chapter edit ≤ 0.15 × the cold build: 0.14 ✓" in text
    assert "50× peak memory ≤ 0.5 × 1.35 GB (644 MiB): 700 MiB (largest process 400 MiB) ✗" in text
    assert "time grows linearly with pages: 0.125 s/page at 10×, 0.137 s/page at 50× (×1.10) ✓" in text
    assert "memory flat in course length: 50× peak ≤ 1.5 × the 10× peak: 700 / 480 MiB (×1.46) ✓" in text
    fatter = bench.Row(50, "2026-11-26", "m", 1, 2930, 4751, [400.0], [0.4], [30.0], 900.0, 400.0)
    assert "(×1.88) ✗" in bench.report([fatter, ten])


def test_results_round_trip(tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "RESULTS", tmp_path / "b.json")
    monkeypatch.setattr(bench, "REPORT", tmp_path / "b.md")
    row = bench.Row(1, "2026-11-26", "m", 1, 60, 96, [10.0], [0.3], [4.0], 300.0, 140.0)
    bench._save({1: row}, {"course": "c", "pages": 60, "wall": 7.0, "profiled": 11.0, "shares": {"layout": 0.5},
                           "html_kib": 200.0, "elements": 4000, "spans": 2000, "date": "d", "machine": "m"})
    rows, prof = bench.load_results(tmp_path / "b.json")
    assert rows == {1: row} and prof["shares"] == {"layout": 0.5}
    assert "| layout | 50% |" in (tmp_path / "b.md").read_text()


def test_profile_accounts_for_the_handbook_phases(mini, tmp_path, monkeypatch):
    monkeypatch.setattr(bench, "WORK", tmp_path)
    result = bench.profile(mini)
    shares = result["shares"]
    assert result["pages"] > 1
    for label in ("deckbook: content → HTML (Markdown, Pygments, templates)", "WeasyPrint: layout",
                  "WeasyPrint: draw and write the PDF", "deckbook: stitch (pikepdf)"):
        assert 0 < shares[label] < 1, label  # each phase's function was found in the profile
    assert shares["— of which line breaking and text shaping (Pango)"] <= shares["WeasyPrint: layout"]

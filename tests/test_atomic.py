"""Killing a build midway leaves every output whole: the previous file, or a finished new one — never torn."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time

from deckbook.build import build


def test_killed_build_leaves_previous_outputs_intact(mini, tmp_path):
    course = tmp_path / "mini"
    shutil.copytree(mini, course)
    out = tmp_path / "out"
    before = {p.name: p.read_bytes() for p in build(course, out).files.values()}
    chapter = course / "02-more.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + "\nA new sentence forces a rebuild.\n", encoding="utf-8")

    proc = subprocess.Popen([sys.executable, "-m", "deckbook.cli", "build", str(course), "--out", str(out)],
                            stderr=subprocess.PIPE, text=True, start_new_session=True)
    for line in proc.stderr:  # wait until loading is done and rendering has begun
        if line.strip().startswith("load"):
            break
    time.sleep(0.2)
    os.killpg(proc.pid, signal.SIGKILL)  # the build and its render workers, with no chance to clean up
    proc.wait()
    proc.stderr.close()
    assert proc.returncode == -signal.SIGKILL

    # Builds are reproducible, so a finished new output has exactly the bytes of a clean build.
    new = {p.name: p.read_bytes() for p in build(course, tmp_path / "clean").files.values()}
    after = {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}
    assert after.keys() == before.keys()
    for name, data in after.items():
        assert data in (before[name], new[name]), f"{name} is torn"
    assert any(after[name] == before[name] != new[name] for name in after), "the kill came too late to test anything"
    rebuilt = build(course, out)
    assert {p.name: p.read_bytes() for p in rebuilt.files.values()} == new
    assert not list(out.glob(".*.tmp")), "stale temporary files of the killed build are cleaned up"

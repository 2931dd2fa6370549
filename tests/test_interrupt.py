"""Interrupted builds (issue 16): Ctrl-C and SIGTERM stop cleanly, `kill -9` leaves no worker behind.

Each test runs a real build in a child process with two workers and signals it at several moments: right
after loading, early and late in rendering. Outputs are then either all the previous ones or all new ones,
the last line says which, and no process of the build survives.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from deckbook import interrupt
from deckbook.build import build

MOMENTS = (0.0, 1.0, 3.0)  # seconds after loading finished
HANG = 300  # a guard against a build waiting for ever on a lock, not a measure of speed


@pytest.fixture
def course(make_course):
    return make_course({"01.md": "# One\n\n## A\n\nText.\n\n```python\nprint(1)\n```\n",
                        "02.md": "# Two\n\n## B\n\nMore text.\n"})


def start(root: Path, out: Path) -> subprocess.Popen:
    """Start `deckbook build` in its own process group; return once it has loaded the course."""
    proc = subprocess.Popen([sys.executable, "-m", "deckbook.cli", "build", str(root), "--out", str(out),
                             "--jobs", "2"], stderr=subprocess.PIPE, text=True, start_new_session=True)
    assert proc.stderr is not None
    for line in proc.stderr:
        if line.strip().startswith("load"):
            return proc
    pytest.fail("the build ended before loading finished")


def change(root: Path) -> None:
    chapter = root / "02.md"
    chapter.write_text(chapter.read_text(encoding="utf-8") + f"\nEdit {time.monotonic_ns()}.\n", encoding="utf-8")


def outputs(out: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in out.iterdir() if not p.name.startswith(".")}


def tree(pid: int) -> list[psutil.Process]:
    try:
        parent = psutil.Process(pid)
        return [parent, *parent.children(recursive=True)]
    except psutil.NoSuchProcess:
        return []


def workers(pid: int) -> list[psutil.Process]:
    """Return the build's workers: the processes its fork server forked (not the server, not the tracker)."""
    found = []
    for process in tree(pid)[1:]:
        with contextlib.suppress(psutil.NoSuchProcess):
            if process.ppid() != pid:
                found.append(process)
    return found


def workers_started(proc: subprocess.Popen) -> list[psutil.Process]:
    """Return the build's processes once its two workers run."""
    deadline = time.monotonic() + HANG
    while proc.poll() is None and time.monotonic() < deadline:
        processes = tree(proc.pid)
        if len(workers(proc.pid)) == 2:
            return processes
        time.sleep(0.02)
    pytest.fail("the build should have two workers")


@pytest.mark.parametrize("moment", MOMENTS[:2])  # after the workers started
def test_killed_main_process_leaves_no_worker_and_no_stuck_lock(course, tmp_path, moment):
    out = tmp_path / "out"
    build(course, out, jobs=1)
    change(course)
    proc = start(course, out)
    workers_started(proc)
    time.sleep(moment)
    processes = tree(proc.pid)
    os.kill(proc.pid, signal.SIGKILL)  # the main process only, as the OOM killer does
    proc.communicate()
    _, alive = psutil.wait_procs(processes, timeout=HANG)
    assert not [p for p in alive if p.status() != psutil.STATUS_ZOMBIE], "a worker outlived its build"

    again = subprocess.run([sys.executable, "-m", "deckbook.cli", "build", str(course), "--out", str(out)],
                           capture_output=True, text=True, timeout=HANG)
    assert again.returncode == 0, again.stderr
    assert not list(out.glob(".*.tmp")) and not list((out / ".cache").rglob(".*.tmp"))


@pytest.mark.parametrize("moment", MOMENTS)
def test_ctrl_c_stops_cleanly_with_outputs_all_old_or_all_new(course, tmp_path, moment):
    out = tmp_path / "out"
    before = outputs(build(course, out, jobs=1).files["deck"].parent)
    change(course)
    new = {p.name: p.read_bytes() for p in build(course, tmp_path / "clean", jobs=1).files.values()}
    proc = start(course, out)
    time.sleep(moment)
    processes = tree(proc.pid)
    os.killpg(proc.pid, signal.SIGINT)  # Ctrl-C in a terminal: the whole process group
    err = proc.communicate(timeout=HANG)[1]
    psutil.wait_procs(processes, timeout=HANG)

    after = outputs(out)
    assert "Traceback" not in err, err
    if proc.returncode == 0:  # the signal came after the build had finished: nothing to stop
        assert after == new
        return
    assert proc.returncode == 130, err
    last = err.strip().splitlines()[-1]
    if after == before:
        assert last == "deckbook: interrupted (SIGINT); previous outputs are unchanged"
    else:
        assert after == new, "outputs are a mix of old and new"
        assert last == "deckbook: interrupted (SIGINT); the new outputs were all written before it"
    assert not list(out.glob(".*.tmp")) and not list((out / ".cache").rglob(".*.tmp"))
    assert not [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def test_sigterm_to_the_main_process_exits_143_with_one_line(course, tmp_path):
    out = tmp_path / "out"
    before = outputs(build(course, out, jobs=1).files["deck"].parent)
    change(course)
    proc = start(course, out)
    processes = tree(proc.pid)
    proc.terminate()
    err = proc.communicate(timeout=HANG)[1]
    psutil.wait_procs(processes, timeout=HANG)
    assert proc.returncode == 143, err
    assert err.strip().splitlines()[-1] == "deckbook: interrupted (SIGTERM); previous outputs are unchanged"
    assert "Traceback" not in err
    assert outputs(out) == before
    assert not [p for p in processes if p.is_running() and p.status() != psutil.STATUS_ZOMBIE]


def test_a_lock_left_by_a_killed_build_is_taken_over_with_a_note(course, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    dead = subprocess.Popen(["true"])
    dead.wait()
    (out / ".lock").write_text(str(dead.pid))
    (out / f".{course.name}-1.0.pptx.{dead.pid}.tmp").write_bytes(b"half a deck")
    result = subprocess.run([sys.executable, "-m", "deckbook.cli", "deck", str(course), "--out", str(out)],
                            capture_output=True, text=True, timeout=HANG)
    assert result.returncode == 0, result.stderr
    assert f"deckbook: took over {out / '.lock'} from process {dead.pid}, which is gone" in result.stderr
    assert not list(out.glob(".*.tmp"))


def test_a_signal_while_outputs_are_put_in_place_waits_until_all_are():
    placed = []
    with interrupt.installed(), pytest.raises(interrupt.Interrupted) as info:
        with interrupt.deferred():
            os.kill(os.getpid(), signal.SIGINT)
            placed += ["deck", "handbook"]
    assert placed == ["deck", "handbook"]
    assert info.value.written and info.value.name == "SIGINT"

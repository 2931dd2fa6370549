"""A fresh machine: `invoke setup` installs the Debian packages, and a missing speed library is named once."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

from deckbook import system

ROOT = Path(__file__).parent.parent

# WeasyPrint opens its libraries through cffi: hiding HarfBuzz-subset there is a machine without it.
WITHOUT_HARFBUZZ_SUBSET = textwrap.dedent("""
    import cffi, sys, warnings
    real = cffi.FFI.dlopen
    def dlopen(self, name, *args):
        if "subset" in str(name):
            raise OSError(f"{name}: hidden by the test")
        return real(self, name, *args)
    cffi.FFI.dlopen = dlopen
    warnings.simplefilter("error")  # as pytest's filterwarnings = error
    from deckbook import cli
    sys.exit(cli.main(sys.argv[1:]))
""")


def test_debian_packages_are_read_from_the_one_list(tmp_path):
    listed = system.debian_packages(ROOT / "debian-packages.txt")
    assert "libharfbuzz-subset0" in listed and "libreoffice-impress" in listed
    assert all(" " not in name and not name.startswith("#") for name in listed)
    (tmp_path / "p.txt").write_text("# a comment\nqpdf  # PDF checks\n\n  fonts-inter\n", encoding="utf-8")
    assert system.debian_packages(tmp_path / "p.txt") == ["qpdf", "fonts-inter"]


def test_missing_packages_are_found_by_dpkg():
    assert system.missing(["dpkg", "no-such-package-deckbook"]) == ["no-such-package-deckbook"]


def test_setup_prints_the_exact_command_when_it_cannot_install(tmp_path, monkeypatch, capsys):
    (tmp_path / "p.txt").write_text("dpkg\nno-such-package-deckbook\n", encoding="utf-8")
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    # not root, and no sudo: nothing can be installed
    monkeypatch.setattr(system.shutil, "which", lambda name: "/usr/bin/dpkg-query" if name == "dpkg-query" else None)
    assert system.setup(tmp_path / "p.txt") == 1
    out = capsys.readouterr().out
    assert "missing: no-such-package-deckbook" in out
    assert ("sudo apt-get update -q && sudo apt-get install -y -q --no-install-recommends "
            "no-such-package-deckbook") in out


def test_a_missing_harfbuzz_subset_is_said_once_and_warns_nothing(make_course, tmp_path):
    root = make_course({"01.md": "# A\n\n## One\n\ntext\n"})
    run = subprocess.run([sys.executable, "-c", WITHOUT_HARFBUZZ_SUBSET, "handbook", str(root),
                          "--out", str(tmp_path / "out"), "--jobs", "1"],
                         capture_output=True, text=True, cwd=tmp_path,
                         env={**os.environ, "PYTHONPATH": str(Path(system.__file__).parents[1])})
    assert run.returncode == 0, run.stderr
    assert run.stderr.count("HarfBuzz-subset is not installed") == 1  # two handbooks, one note
    assert "sudo apt-get install libharfbuzz-subset0" in run.stderr
    assert "DeprecationWarning" not in run.stderr
    assert (tmp_path / "out" / "course-1.0-trainer.pdf").stat().st_size > 0


def test_a_machine_with_harfbuzz_subset_gets_no_note(make_course, tmp_path, capsys):
    from deckbook import cli

    root = make_course({"01.md": "# A\n\n## One\n\ntext\n"})
    assert cli.main(["handbook", str(root), "--out", str(tmp_path / "out"), "--jobs", "1"]) == 0
    assert "note:" not in capsys.readouterr().err


def test_a_run_that_skips_a_test_fails(tmp_path):
    (tmp_path / "conftest.py").write_text((Path(__file__).parent / "conftest.py").read_text(encoding="utf-8"))
    (tmp_path / "test_one.py").write_text("import pytest\n\ndef test_runs():\n    pass\n\n"
                                          "def test_skips():\n    pytest.skip('needs a tool')\n", encoding="utf-8")
    run = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", str(tmp_path)],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1, run.stdout
    assert "1 test(s) skipped: the whole suite must run" in run.stdout
    only = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-k", "runs",
                           str(tmp_path)], capture_output=True, text=True, cwd=tmp_path)
    assert only.returncode == 0, only.stdout  # deselected is not skipped


def test_setup_says_when_verapdf_cannot_be_fetched(tmp_path, monkeypatch, capsys):
    from deckbook import verapdf

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # nothing fetched yet
    monkeypatch.setattr(verapdf.shutil, "which", lambda name: None)  # a machine without Java
    assert system.fetch_tools() == 1
    assert "setup: veraPDF needs 'java' (Debian: default-jre-headless, maven)" in capsys.readouterr().out

"""The wheel: it carries the shipped themes, so a non-editable install finds them."""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_wheel_carries_the_shipped_themes_and_an_install_from_it_finds_them(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path / "dist"), str(ROOT)], check=True, capture_output=True)
    wheel = next((tmp_path / "dist").glob("deckbook-*.whl"))
    shipped = {p.relative_to(ROOT).as_posix() for p in (ROOT / "themes").rglob("*") if p.is_file()}
    with zipfile.ZipFile(wheel) as z:
        packed = {n.removeprefix("deckbook/") for n in z.namelist() if n.startswith("deckbook/themes/")}
    assert shipped and packed == shipped

    target = tmp_path / "site"
    subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "-q", "--target", str(target), str(wheel)],
                   check=True, capture_output=True)
    probe = ("from deckbook.errors import Location; from deckbook.theme import SHIPPED_THEMES, load_theme; "
             "from pathlib import Path; t = load_theme('default', Location(Path('course.yaml'))); "
             "print(SHIPPED_THEMES); print(t.spec.fonts.body)")
    env = {**os.environ, "PYTHONPATH": str(target)}
    out = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, check=True, capture_output=True,
                         text=True).stdout.splitlines()
    assert Path(out[0]) == (target / "deckbook" / "themes").resolve()
    assert out[1]

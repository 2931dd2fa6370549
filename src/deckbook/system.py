"""The system packages deckbook and its tests need (debian-packages.txt): what is missing, and installing it.

`invoke setup` runs `setup()`: as root (or with password-less sudo) it installs what is missing with
apt-get; otherwise it prints the exact command and fails, so `invoke setup && invoke build` stops there.
Then `fetch_tools()` fetches what the tests run that no Debian package has (veraPDF, from Maven Central).
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
from pathlib import Path

PACKAGES = Path("debian-packages.txt")  # in the project folder, beside tasks.py


def debian_packages(path: Path = PACKAGES) -> list[str]:
    """Return the package names listed in `path` (one a line; `#` starts a comment)."""
    names = (line.split("#", 1)[0].strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [name for name in names if name]


def missing(packages: list[str]) -> list[str]:
    """Return the packages of `packages` that dpkg does not list as installed."""
    listed = subprocess.run(["dpkg-query", "-W", "-f", "${db:Status-Status} ${Package}\n", *packages],
                            capture_output=True, text=True).stdout  # exits 1 when one is unknown: expected
    installed = {line.split()[1].split(":")[0] for line in listed.splitlines() if line.startswith("installed ")}
    return [name for name in packages if name not in installed]


def install_commands(packages: list[str], sudo: bool) -> list[list[str]]:
    """Return the apt-get commands that install `packages` (the package lists first: a fresh machine has none)."""
    prefix = ["sudo"] if sudo else []
    return [[*prefix, "apt-get", "update", "-q"],
            [*prefix, "apt-get", "install", "-y", "-q", "--no-install-recommends", *packages]]


def setup(path: Path = PACKAGES) -> int:
    """Install the Debian packages in `path` that are missing; return 0 when all are there afterwards."""
    packages = debian_packages(path)
    if shutil.which("dpkg-query") is None:
        print(f"setup: not a Debian system; install the equivalents of: {' '.join(packages)}")
        return 0
    lacking = missing(packages)
    if not lacking:
        print(f"setup: all {len(packages)} Debian packages of {path.name} are installed")
        return 0
    root = os.geteuid() == 0
    able = root or (shutil.which("sudo") is not None
                    and subprocess.run(["sudo", "-n", "true"], capture_output=True).returncode == 0)
    commands = install_commands(lacking, sudo=not root)
    if not able:
        print(f"setup: {len(lacking)} Debian package(s) missing: {' '.join(lacking)}\n"
              f"setup: install them as root, then run this again:\n"
              f"  {' && '.join(shlex.join(command) for command in commands)}")
        return 1
    print(f"setup: installing {' '.join(lacking)}", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in commands:
        code = subprocess.call(command, env=env)
        if code:
            print(f"setup: `{shlex.join(command)}` failed (exit {code})")
            return code
    still = missing(packages)
    if still:
        print(f"setup: still missing after apt-get: {' '.join(still)}")
    return 1 if still else 0


def fetch_tools() -> int:
    """Fetch the tools the tests run that come from a registry, not from Debian (veraPDF); return 0 when done."""
    from . import verapdf

    try:
        print(f"setup: veraPDF {verapdf.VERSION} in {verapdf.ensure()}")
    except verapdf.VeraPdfUnavailable as exc:
        print(f"setup: {exc}")
        return 1
    return 0

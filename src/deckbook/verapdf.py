"""veraPDF, the PDF Association's reference validator, fetched from Maven Central and run on our PDFs.

deckbook's handbooks claim PDF/UA and PDF/A; this module lets the test suite and CI check the claim
with the validator auditors use, not with checks of our own. `ensure()` fetches veraPDF once into a
cache outside the repository (`$XDG_CACHE_HOME/deckbook/verapdf`, else `~/.cache/…`) with Maven;
`validate()` runs it on PDFs and returns what failed, rule by rule. Needs Java (≥ 11) and Maven.

    python -m deckbook.verapdf --setup              # fetch it (what CI and `invoke setup` call)
    python -m deckbook.verapdf ua1 book.pdf ...     # validate files against a profile
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass
from pathlib import Path

VERSION = "1.28.2"
ARTIFACT = ("org.verapdf.apps", "greenfield-apps", VERSION)
MAIN_CLASS = "org.verapdf.apps.GreenfieldCliWrapper"

#: The veraPDF profile(s) (its `--flavour`) each of our `--pdf-variant`s must pass.
PROFILES: dict[str, tuple[str, ...]] = {
    "pdf/a-1b": ("1b",), "pdf/a-2b": ("2b",), "pdf/a-2u": ("2u",), "pdf/a-3a": ("3a",), "pdf/a-3b": ("3b",),
    "pdf/a-3u": ("3u",), "pdf/ua-1": ("ua1",), "pdf/ua-2": ("ua2",), "pdf/a-3a+pdf/ua-1": ("3a", "ua1"),
}

_POM = f"""<?xml version="1.0" encoding="UTF-8"?>
<project xmlns="http://maven.apache.org/POM/4.0.0">
  <modelVersion>4.0.0</modelVersion>
  <groupId>deckbook</groupId>
  <artifactId>verapdf-runner</artifactId>
  <version>1</version>
  <packaging>pom</packaging>
  <dependencies>
    <dependency>
      <groupId>{ARTIFACT[0]}</groupId>
      <artifactId>{ARTIFACT[1]}</artifactId>
      <version>{ARTIFACT[2]}</version>
    </dependency>
  </dependencies>
</project>
"""


class VeraPdfUnavailable(RuntimeError):
    """veraPDF cannot be fetched or run here (no Java, no Maven, no network to Maven Central)."""


@dataclass(frozen=True)
class Rule:
    """One rule of a profile that a file failed."""

    specification: str  # e.g. "ISO 14289-1:2014"
    clause: str  # e.g. "7.18.5"
    test: str  # the test number within the clause
    failed: int  # how many checks of it failed
    description: str
    contexts: tuple[str, ...]  # where (the first few failed checks), as veraPDF names objects

    def __str__(self) -> str:
        where = f" (e.g. {self.contexts[0]})" if self.contexts else ""
        return f"{self.specification} {self.clause}-{self.test}: {self.failed} failed check(s): {self.description}{where}"


@dataclass(frozen=True)
class Report:
    """What veraPDF said about one file against one profile."""

    path: Path
    profile: str  # the profile's name as veraPDF reports it
    compliant: bool
    rules: tuple[Rule, ...]  # the failed ones
    error: str = ""  # when the file could not be validated at all

    def __str__(self) -> str:
        if self.compliant:
            return f"{self.path.name}: {self.profile}: compliant"
        lines = [f"{self.path.name}: {self.profile}: NOT compliant{': ' + self.error if self.error else ''}"]
        return "\n".join(lines + [f"  {rule}" for rule in self.rules])


def cache_dir() -> Path:
    """Return where veraPDF is kept: outside any repository, shared by every checkout."""
    base = Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache")
    return base / "deckbook" / "verapdf" / VERSION


def ensure(cache: Path | None = None) -> Path:
    """Return the folder of veraPDF's jars, fetching them from Maven Central first if need be."""
    root = cache or cache_dir()
    lib = root / "lib"
    if (root / "complete").is_file():
        return lib
    for tool in ("java", "mvn"):
        if shutil.which(tool) is None:
            raise VeraPdfUnavailable(f"veraPDF needs '{tool}' (Debian: default-jre-headless, maven)")
    root.mkdir(parents=True, exist_ok=True)
    (root / "pom.xml").write_text(_POM, encoding="utf-8")
    done = subprocess.run(["mvn", "-q", "-B", "-f", str(root / "pom.xml"), "dependency:copy-dependencies",
                           f"-DoutputDirectory={lib}"], capture_output=True, text=True)
    if done.returncode or not any(lib.glob("*.jar")):
        raise VeraPdfUnavailable(f"fetching veraPDF {VERSION} with Maven failed:\n{done.stdout}{done.stderr}")
    (root / "complete").write_text(VERSION + "\n", encoding="utf-8")
    return lib


def validate(pdfs: list[Path], flavour: str, cache: Path | None = None) -> dict[Path, Report]:
    """Return veraPDF's report on each of `pdfs` against the profile `flavour` (ua1, ua2, 3a, 3b …).

    One Java process validates them all (starting it costs seconds).
    """
    lib = ensure(cache)
    command = ["java", "-cp", str(lib / "*"), MAIN_CLASS, "--flavour", flavour, "--format", "xml",
               "--maxfailuresdisplayed", "3", *[str(p.resolve()) for p in pdfs]]
    done = subprocess.run(command, capture_output=True)
    try:
        root = ET.fromstring(done.stdout)
    except ET.ParseError:
        raise VeraPdfUnavailable(f"veraPDF gave no report (exit {done.returncode}): "
                                 f"{done.stderr.decode(errors='replace')[-2000:]}") from None
    reports = {}
    for job in root.iter("job"):
        path = Path(job.findtext("item/name", ""))
        report = job.find("validationReport")
        if report is None:
            message = job.findtext("taskResult/exceptionMessage") or "veraPDF could not validate the file"
            reports[path] = Report(path, flavour, False, (), message)
            continue
        rules = tuple(
            Rule(r.get("specification", ""), r.get("clause", ""), r.get("testNumber", ""),
                 int(r.get("failedChecks", "0")), " ".join(r.findtext("description", "").split()),
                 tuple(c.findtext("context", "") for c in r.findall("check")))
            for r in report.iter("rule") if r.get("status") == "failed")
        reports[path] = Report(path, report.get("profileName", flavour), report.get("isCompliant") == "true", rules)
    missing = [p for p in pdfs if p.resolve() not in reports]
    if missing:
        raise VeraPdfUnavailable(f"veraPDF reported nothing on {', '.join(map(str, missing))}")
    return {p: reports[p.resolve()] for p in pdfs}


def main(argv: list[str]) -> int:
    if argv[:1] == ["--setup"]:
        print(f"veraPDF {VERSION}: {ensure()}")
        return 0
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    reports = validate([Path(a) for a in argv[1:]], argv[0])
    for report in reports.values():
        print(report)
    return 0 if all(r.compliant for r in reports.values()) else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

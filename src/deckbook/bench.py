"""`invoke bench`: cold, no-op and one-chapter builds of the shipped course scaled 1×/10×/50×, against pandoc.

Every build runs in a fresh process; times are wall-clock medians, memory is the peak resident set of
the largest process (the build's own, or its largest render worker). Results go to docs/benchmarks.md.
"""

from __future__ import annotations

import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from .load import includes

SOURCE = Path("content/rust-backend")
WORK = Path("build/bench")
REPORT = Path("docs/benchmarks.md")
_INCLUDE = re.compile(r'^(?P<fence>`{3,})(?P<lang>[\w-]+)(?P<attrs>[^\n]*)\n(?P=fence)\n', re.M)

# Run in a child process: one build, then its own and its workers' peak RSS as JSON on the last line.
_PROBE = """
import json, resource, sys
from pathlib import Path
from deckbook.build import build
build(sys.argv[1], Path(sys.argv[2]))
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
kids = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"own_kib": own, "children_kib": kids}))
"""


@dataclass
class Row:
    """The measurements of one scale."""

    scale: int
    pages: int = 0
    slides: int = 0
    cold: list[float] = field(default_factory=list)
    noop: list[float] = field(default_factory=list)
    edit: list[float] = field(default_factory=list)
    peak_mib: float = 0.0
    pandoc: list[float] = field(default_factory=list)
    pandoc_peak_mib: float = 0.0


def scaled_course(scale: int, source: Path = SOURCE) -> Path:
    """Return a copy of `source` whose chapters repeat `scale` times (generated under build/bench/)."""
    target = WORK / f"{source.name}-{scale}x"
    shutil.rmtree(target, ignore_errors=True)
    shutil.copytree(source, target, ignore=shutil.ignore_patterns("target", ".*", "*.md"))
    chapters = sorted(p for p in source.glob("*.md") if p.name.lower() != "readme.md")
    for copy in range(scale):
        for chapter in chapters:
            (target / f"{copy:03d}-{chapter.name}").write_text(chapter.read_text(encoding="utf-8"), encoding="utf-8")
    course_yaml = (target / "course.yaml").read_text(encoding="utf-8")
    (target / "course.yaml").write_text(re.sub(r"(?m)^chapters:.*(\n\s+-.*)*", "", course_yaml), encoding="utf-8")
    return target


def pandoc_source(course: Path) -> Path:
    """Return one Markdown file of the course for pandoc: the same text, includes expanded in place."""
    parts = []
    for chapter in sorted(course.glob("*.md")):
        text = chapter.read_text(encoding="utf-8")
        text = re.sub(r"(?s)\A---\n.*?\n---\n", "", text)
        parts.append(_INCLUDE.sub(lambda m: _expand(course, m), text))
    out = course.parent / f"{course.name}.pandoc.md"
    out.write_text("\n\n".join(parts), encoding="utf-8")
    return out


def _expand(course: Path, match: re.Match) -> str:
    attrs = dict(re.findall(r'(\w+)="([^"]*)"', match.group("attrs")))
    if "include" not in attrs:
        return match.group(0)
    text = (course / attrs["include"]).read_text(encoding="utf-8")
    from .errors import Diagnostics, Location

    body = includes.region(text, attrs.get("anchor"), course, Location(course), Diagnostics()) or ""
    return f"{match.group('fence')}{match.group('lang')}\n{body}\n{match.group('fence')}\n"


def timed(cmd: list[str], cwd: Path | None = None) -> tuple[float, str]:
    """Run `cmd`; return its wall time and its stdout (raise with its stderr when it fails)."""
    started = time.perf_counter()
    done = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)
    took = time.perf_counter() - started
    if done.returncode:
        raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{done.stderr[-3000:]}")
    return took, done.stdout


def _build(course: Path, out: Path) -> tuple[float, float]:
    took, stdout = timed([sys.executable, "-c", _PROBE, str(course), str(out)])
    peaks = json.loads(stdout.strip().splitlines()[-1])
    return took, max(peaks["own_kib"], peaks["children_kib"]) / 1024


def _pandoc(course: Path, runs: int) -> tuple[list[float], float]:
    """Time pandoc → pptx, pandoc → HTML → WeasyPrint twice (student and trainer), like our three files."""
    source = pandoc_source(course)
    out = WORK / "pandoc"
    out.mkdir(parents=True, exist_ok=True)
    css = out / "handbook.css"
    css.write_text("@page { size: A4; margin: 2cm; @bottom-center { content: counter(page); } }\n"
                   "pre { white-space: pre-wrap; } body { font-family: Inter, sans-serif; }\n", encoding="utf-8")
    times, peak = [], 0.0
    weasy = [sys.executable, "-c", "import resource,sys; from weasyprint import HTML; "
             "HTML(sys.argv[1]).write_pdf(sys.argv[2]); "
             "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)"]
    for _ in range(runs):
        total, _ = timed(["pandoc", str(source), "-o", str(out / "deck.pptx")])
        t, _ = timed(["pandoc", str(source), "-s", "--toc", "--css", css.name, "-o", str(out / "handbook.html"),
                      "--metadata", "title=bench"])
        total += t
        for edition in ("student", "trainer"):
            t, rss = timed([*weasy, str(out / "handbook.html"), str(out / f"{edition}.pdf")])
            total += t
            peak = max(peak, int(rss.strip()) / 1024)
        times.append(total)
    return times, peak


def measure(scale: int, runs: int, with_pandoc: bool) -> Row:
    """Return the measurements of the course at `scale`."""
    course = scaled_course(scale)
    out = WORK / f"out-{scale}x"
    row = Row(scale)
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        took, peak = _build(course, out)
        row.cold.append(took)
        row.peak_mib = max(row.peak_mib, peak)
        row.noop.append(_build(course, out)[0])
    chapters = sorted(course.glob("*.md"))
    edited = chapters[len(chapters) // 2]
    for i in range(runs):
        with edited.open("a", encoding="utf-8") as f:
            f.write(f"\n\nA sentence added by the benchmark, edit {i}.\n")
        row.edit.append(_build(course, out)[0])
    row.pages, row.slides = _count(out)
    if with_pandoc and shutil.which("pandoc"):
        row.pandoc, row.pandoc_peak_mib = _pandoc(course, runs)
    return row


def _count(out: Path) -> tuple[int, int]:
    pdf = next(p for p in out.glob("*.pdf") if not p.name.endswith("-trainer.pdf"))
    with zipfile.ZipFile(next(out.glob("*.pptx"))) as deck:
        slides = sum(bool(re.fullmatch(r"ppt/slides/slide\d+\.xml", n)) for n in deck.namelist())
    pages = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    match = re.search(r"^Pages:\s+(\d+)", pages, re.M)
    return int(match.group(1)) if match else 0, slides


def machine() -> str:
    """Return a one-line description of this machine."""
    cpu = "unknown CPU"
    try:
        cpu = next(line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                   if line.startswith("model name"))
    except (OSError, StopIteration):
        pass
    mem = ""
    try:
        kib = int(next(line.split()[1] for line in Path("/proc/meminfo").read_text().splitlines()
                       if line.startswith("MemTotal")))
        mem = f", {kib / 1024 / 1024:.0f} GiB"
    except (OSError, StopIteration):
        pass
    return f"{cpu}, {os.cpu_count()} cores{mem}, {platform.system()} {platform.release()}, Python {platform.python_version()}"


def report(rows: list[Row], runs: int) -> str:
    """Return the Markdown report of `rows`."""
    med = statistics.median
    pandoc_version = ""
    if shutil.which("pandoc"):
        pandoc_version = subprocess.run(["pandoc", "--version"], capture_output=True, text=True).stdout.split("\n")[0]
    lines = [
        "# Benchmarks",
        "",
        f"Measured by `invoke bench` on {time.strftime('%Y-%m-%d')}: {machine()}.",
        f"Medians of {runs} run(s); every build is a fresh process (`deckbook.build.build`), deck + student + "
        "trainer handbook. Peak memory: the largest process's resident set.",
        f"Pandoc pipeline: {pandoc_version or 'pandoc not installed'} → pptx, and pandoc → HTML → WeasyPrint twice "
        "(student, trainer), run one after the other; same text, includes expanded.",
        "",
        "| scale | pages | slides | cold build | no-op | one-chapter edit | edit / cold | peak MiB | pandoc pipeline | deckbook / pandoc | pandoc peak MiB |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        cold, noop, edit = med(r.cold), med(r.noop), med(r.edit)
        pandoc = f"{med(r.pandoc):.2f} s" if r.pandoc else "—"
        ratio = f"{cold / med(r.pandoc):.2f}" if r.pandoc else "—"
        ppeak = f"{r.pandoc_peak_mib:.0f}" if r.pandoc else "—"
        lines.append(f"| {r.scale}× | {r.pages} | {r.slides} | {cold:.2f} s | {noop:.2f} s | {edit:.2f} s | "
                     f"{edit / cold:.2f} | {r.peak_mib:.0f} | {pandoc} | {ratio} | {ppeak} |")
    return "\n".join(lines) + "\n"


def main(scales: list[int], runs: int = 3, with_pandoc: bool = True) -> None:
    """Run the benchmark at each scale, print the table and write docs/benchmarks.md."""
    rows = []
    for scale in scales:
        print(f"bench: {scale}× …", file=sys.stderr, flush=True)
        rows.append(measure(scale, runs if scale < 50 else max(1, runs // 2), with_pandoc))
        text = report(rows, runs)
        print(text)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(text, encoding="utf-8")

"""`invoke bench`: cold, no-op and one-chapter builds of the shipped course scaled 1×/10×/50×, against pandoc.

Every build runs in a fresh process, as a user runs it (`python -m deckbook build`); times are
wall-clock medians. Memory is sampled over the whole process tree (the build and its workers) every
100 ms: the peak of their summed proportional set sizes (PSS: pages that forked workers share count
once), and the peak resident set of the largest process. Results are kept per scale in
docs/benchmarks.json, so a run at one scale updates its row; docs/benchmarks.md is written from all
rows, with the issue's targets checked and `profile()`'s account of where a handbook build's time goes.
"""

from __future__ import annotations

import cProfile
import json
import os
import platform
import pstats
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path

import psutil

from .load import includes

SOURCE = Path("content/rust-backend")
WORK = Path("build/bench")
REPORT = Path("docs/benchmarks.md")
RESULTS = Path("docs/benchmarks.json")
SAMPLE_EVERY = 0.1  # seconds between memory samples (each reads every process's smaps_rollup)
MIB = 1024 * 1024
_INCLUDE = re.compile(r'^(?P<fence>`{3,})(?P<lang>[\w-]+)(?P<attrs>[^\n]*)\n(?P=fence)\n', re.M)


@dataclass
class Row:
    """The measurements of one scale (times in seconds, one per run)."""

    scale: int
    date: str = ""
    machine: str = ""
    runs: int = 0
    pages: int = 0
    slides: int = 0
    cold: list[float] = field(default_factory=list)
    noop: list[float] = field(default_factory=list)
    edit: list[float] = field(default_factory=list)
    memory_mib: float = 0.0
    largest_mib: float = 0.0
    pandoc: list[float] = field(default_factory=list)
    pandoc_mib: float = 0.0
    pandoc_version: str = ""

    @classmethod
    def load(cls, data: dict) -> Row:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


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
    # The copies' files are renamed: the chapter order and a schedule naming chapters no longer apply.
    (target / "course.yaml").write_text(_without_keys(course_yaml, {"chapters", "schedule"}), encoding="utf-8")
    return target


def _without_keys(yaml_text: str, keys: set[str]) -> str:
    """Return `yaml_text` without the top-level `keys` and everything indented under them."""
    out, skipping = [], False
    for line in yaml_text.splitlines(keepends=True):
        if line[:1].strip() and not line.startswith("#"):  # a top-level key
            skipping = line.split(":", 1)[0].strip() in keys
        if not skipping:
            out.append(line)
    return "".join(out)


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


@dataclass(frozen=True)
class Sample:
    """One process tree's run: wall time, and peak memory sampled while it ran."""

    wall: float
    memory_mib: float  # peak of the tree's summed PSS (pages forked workers share count once)
    largest_mib: float  # peak RSS of the largest single process


def run(cmd: list[str], cwd: Path | None = None) -> tuple[Sample, str]:
    """Run `cmd`, sampling its process tree's memory; return the sample and its stdout.

    Raises SystemExit with the command's stderr when it fails.
    """
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.perf_counter()
        proc = psutil.Popen(cmd, cwd=cwd, stdout=out, stderr=err)
        memory = largest = 0
        while proc.poll() is None:
            pss, rss = _tree_memory(proc)
            memory, largest = max(memory, pss), max(largest, rss)
            time.sleep(SAMPLE_EVERY)
        wall = time.perf_counter() - started
        out.seek(0)
        err.seek(0)
        if proc.returncode:
            raise SystemExit(f"bench: {' '.join(cmd)} failed:\n{err.read().decode(errors='replace')[-3000:]}")
        return Sample(wall, memory / MIB, largest / MIB), out.read().decode()


def _tree_memory(proc: psutil.Process) -> tuple[int, int]:
    """Return the summed PSS of `proc` and its descendants, and the largest RSS among them (bytes)."""
    pss, rss = 0, 0
    try:
        family = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0, 0
    for member in family:
        try:
            info = member.memory_full_info()
        except psutil.Error:  # it ended between listing and reading
            continue
        pss += info.pss
        rss = max(rss, info.rss)
    return pss, rss


def _build(course: Path, out: Path) -> Sample:
    """Build every output of `course` into `out` the way a user does, in a fresh process."""
    return run([sys.executable, "-m", "deckbook", "build", "--quiet", str(course), "--out", str(out)])[0]


def _pandoc(course: Path, runs: int) -> tuple[list[float], float]:
    """Time pandoc → pptx, pandoc → HTML → WeasyPrint twice (student and trainer), like our three files."""
    source = pandoc_source(course)
    out = WORK / "pandoc"
    out.mkdir(parents=True, exist_ok=True)
    css = out / "handbook.css"
    css.write_text("@page { size: A4; margin: 2cm; @bottom-center { content: counter(page); } }\n"
                   "pre { white-space: pre-wrap; } body { font-family: Inter, sans-serif; }\n", encoding="utf-8")
    steps = [["pandoc", str(source), "-o", str(out / "deck.pptx")],
             ["pandoc", str(source), "-s", "--toc", "--css", css.name, "-o", str(out / "handbook.html"),
              "--metadata", "title=bench"]]
    steps += [[sys.executable, "-m", "weasyprint", str(out / "handbook.html"), str(out / f"{edition}.pdf")]
              for edition in ("student", "trainer")]  # WeasyPrint's own command, as a pandoc user runs it
    times, peak = [], 0.0
    for _ in range(runs):
        samples = [run(step)[0] for step in steps]  # one after the other: the pipeline has no parallelism
        times.append(sum(s.wall for s in samples))
        peak = max(peak, *(s.memory_mib for s in samples))
    return times, peak


def measure(scale: int, runs: int, with_pandoc: bool) -> Row:
    """Return the measurements of the course at `scale`."""
    course = scaled_course(scale)
    out = WORK / f"out-{scale}x"
    row = Row(scale, date=time.strftime("%Y-%m-%d"), machine=machine(), runs=runs)
    for _ in range(runs):
        shutil.rmtree(out, ignore_errors=True)
        cold = _build(course, out)
        row.cold.append(cold.wall)
        row.memory_mib = max(row.memory_mib, cold.memory_mib)
        row.largest_mib = max(row.largest_mib, cold.largest_mib)
        row.noop.append(_build(course, out).wall)
    chapters = sorted(course.glob("*.md"))
    edited = chapters[len(chapters) // 2]
    for i in range(runs):
        with edited.open("a", encoding="utf-8") as f:
            f.write(f"\n\nA sentence added by the benchmark, edit {i}.\n")
        row.edit.append(_build(course, out).wall)
    row.pages, row.slides = _count(out)
    if with_pandoc and shutil.which("pandoc"):
        row.pandoc, row.pandoc_mib = _pandoc(course, runs)
        row.pandoc_version = subprocess.run(["pandoc", "--version"], capture_output=True,
                                            text=True).stdout.split("\n")[0]
    return row


def _count(out: Path) -> tuple[int, int]:
    pdf = next(p for p in out.glob("*.pdf") if not p.name.endswith("-trainer.pdf"))
    with zipfile.ZipFile(next(out.glob("*.pptx"))) as deck:
        slides = sum(bool(re.fullmatch(r"ppt/slides/slide\d+\.xml", n)) for n in deck.namelist())
    return _pages(pdf), slides


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


#: The issue's targets, checked in the report.
POSITIVE, NEGATIVE = "✓", "✗"
PANDOC_RATIO, NOOP_SECONDS, EDIT_RATIO = 0.33, 0.5, 0.15  # at 10×
MEMORY_LIMIT_MIB = 0.5 * 1.35e9 / MIB  # at 50×: half of what the pandoc pipeline needed (1.35 GB)
MEMORY_GROWTH = 1.5  # the 50× peak against the 10× peak (issue 11: memory flat in course length)


def profile(course: Path = SOURCE) -> dict:
    """Lay out `course`'s student handbook in this process, under cProfile; return where the time went.

    The first build (no profiler, nothing cached) gives the wall time; the profiled one, from scratch
    again, gives each phase's share. The phases (render/handbook/profile.py) are found by their code objects.
    """
    from .build import load
    from .options import Options
    from .render import handbook
    from .render.handbook.profile import forget_loaded, phases
    from .render.pool import Inline

    loaded, theme, _ = load(course, None, False)
    options = Options()
    out = WORK / "profile"
    walls = []
    profiler = cProfile.Profile()
    for profiled in (False, True):
        shutil.rmtree(out, ignore_errors=True)
        forget_loaded()  # fonts and stylesheets are loaded again, as in a fresh worker
        started = time.perf_counter()
        profiler.enable() if profiled else None
        handbook.render(loaded, theme, out / "handbook.pdf", options, pool=Inline())
        profiler.disable() if profiled else None
        walls.append(time.perf_counter() - started)
    stats = pstats.Stats(profiler).stats  # type: ignore[attr-defined]  # (file, line, name) → (cc, nc, tt, ct, callers)
    total = sum(entry[2] for entry in stats.values())
    shares = {}
    for label, function in phases():
        code = function.__code__
        entry = stats.get((code.co_filename, code.co_firstlineno, code.co_name))
        shares[label] = entry[3] / total if entry else 0.0
    html = handbook.html(loaded, theme, options)
    return {"course": str(course), "pages": _pages(out / "handbook.pdf"), "wall": walls[0], "profiled": walls[1],
            "shares": shares, "html_kib": len(html.encode()) / 1024, "elements": html.count("<") - html.count("</"),
            "spans": html.count("<span"), "date": time.strftime("%Y-%m-%d"), "machine": machine()}


def _pages(pdf: Path) -> int:
    from .render.handbook.stitch import page_count

    return page_count(pdf)


def report(rows: list[Row], prof: dict | None = None) -> str:
    """Return docs/benchmarks.md for `rows` (any scales, in any order) and the profile `prof`."""
    med = statistics.median
    rows = sorted(rows, key=lambda r: r.scale)
    lines = [
        "# Benchmarks",
        "",
        "Written by `invoke bench` (`deckbook.bench`); do not edit by hand. How the numbers are made, what they",
        "mean and what was done about them: [performance.md](performance.md).",
        "",
        "Every build is a fresh `python -m deckbook build` process writing the deck, the student and the trainer",
        "handbook. *Memory* is the peak of the summed PSS of the build's process tree (the build and its",
        "workers), *largest* the peak RSS of its largest process. The pandoc pipeline makes the same three files",
        "from the same text (includes expanded): pandoc → pptx, pandoc → HTML, then WeasyPrint twice, one after",
        "the other (it has no parallelism to offer); its memory is the largest of its steps.",
        "",
        "| scale | pages | slides | cold build | s / page | no-op | one-chapter edit | edit / cold | memory MiB "
        "| largest MiB | pandoc pipeline | pandoc s / page | deckbook / pandoc | pandoc MiB |",
        "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        cold = med(r.cold)
        pandoc = med(r.pandoc) if r.pandoc else None
        lines.append(
            f"| {r.scale}× | {r.pages} | {r.slides} | {cold:.2f} s | {cold / r.pages:.3f} | {med(r.noop):.2f} s "
            f"| {med(r.edit):.2f} s | {med(r.edit) / cold:.2f} | {r.memory_mib:.0f} | {r.largest_mib:.0f} | "
            + (f"{pandoc:.2f} s | {pandoc / r.pages:.3f} | {cold / pandoc:.2f} | {r.pandoc_mib:.0f} |" if pandoc
               else "— | — | — | — |"))
    lines += ["", "Measured:", ""]
    lines += [f"* {r.scale}×: {r.date}, median of {r.runs} run(s), {r.machine}"
              + (f"; {r.pandoc_version}" if r.pandoc_version else "; pandoc not installed") for r in rows]
    lines += ["", "## Targets", "", *_targets({r.scale: r for r in rows})]
    if prof:
        lines += ["", "## Where a handbook build's time goes", "",
                  f"`profile()` lays out the student handbook of `{prof['course']}` ({prof['pages']} pages) in one "
                  f"process under cProfile, on {prof['date']} ({prof['machine']}): {prof['wall']:.2f} s without the "
                  f"profiler, {prof['profiled']:.2f} s with it. Its HTML: {prof['html_kib']:.0f} KiB, "
                  f"{prof['elements']} elements, {prof['spans']} of them `<span>`s.", "",
                  "| phase | share of the time |", "|---|---|"]
        lines += [f"| {label} | {share:.1%} |" if share < 0.01 else f"| {label} | {share:.0%} |"
                  for label, share in prof["shares"].items()]
    return "\n".join(lines) + "\n"


def _targets(rows: dict[int, Row]) -> list[str]:
    """Return the issue's targets as list items, each with its measured value and whether it holds."""
    med = statistics.median

    def mark(ok: bool) -> str:
        return POSITIVE if ok else NEGATIVE

    out = []
    ten, fifty = rows.get(10), rows.get(50)
    if ten and ten.pandoc:
        ratio = med(ten.cold) / med(ten.pandoc)
        out.append(f"* 10× cold build ≤ {PANDOC_RATIO} × the pandoc pipeline: {ratio:.2f} {mark(ratio <= PANDOC_RATIO)}")
    if ten:
        noop, edit = med(ten.noop), med(ten.edit) / med(ten.cold)
        out.append(f"* 10× no-op build ≤ {NOOP_SECONDS} s: {noop:.2f} s {mark(noop <= NOOP_SECONDS)}")
        out.append(f"* 10× one-chapter edit ≤ {EDIT_RATIO} × the cold build: {edit:.2f} {mark(edit <= EDIT_RATIO)}")
    if fifty:
        ok = fifty.memory_mib <= MEMORY_LIMIT_MIB
        versus = (f"; {fifty.memory_mib / fifty.pandoc_mib:.2f} × the pandoc pipeline's {fifty.pandoc_mib:.0f} MiB "
                  "on the same text" if fifty.pandoc else "")
        out.append(f"* 50× peak memory ≤ 0.5 × 1.35 GB ({MEMORY_LIMIT_MIB:.0f} MiB): {fifty.memory_mib:.0f} MiB "
                   f"(largest process {fifty.largest_mib:.0f} MiB{versus}) {mark(ok)}")
    if ten and fifty:
        memory = fifty.memory_mib / ten.memory_mib
        out.append(f"* memory flat in course length: 50× peak ≤ {MEMORY_GROWTH} × the 10× peak: {fifty.memory_mib:.0f} "
                   f"/ {ten.memory_mib:.0f} MiB (×{memory:.2f}) {mark(memory <= MEMORY_GROWTH)}")
        per_page = [med(r.cold) / r.pages for r in (ten, fifty)]
        growth = per_page[1] / per_page[0]
        out.append(f"* time grows linearly with pages: {per_page[0]:.3f} s/page at 10×, {per_page[1]:.3f} s/page "
                   f"at 50× (×{growth:.2f}) {mark(growth <= 1.15)}")
    return out or ["* (not measured yet: run `invoke bench`)"]


def load_results(path: Path = RESULTS) -> tuple[dict[int, Row], dict | None]:
    """Return the rows (by scale) and the profile recorded in `path` (empty when there are none)."""
    if not path.exists():
        return {}, None
    data = json.loads(path.read_text(encoding="utf-8"))
    return {int(k): Row.load(v) for k, v in data.get("rows", {}).items()}, data.get("profile")


def main(scales: list[int], runs: int = 3, with_pandoc: bool = True, with_profile: bool = True) -> None:
    """Measure each scale (and the profile), merge into docs/benchmarks.json, write docs/benchmarks.md."""
    rows, prof = load_results()
    if with_pandoc and not shutil.which("pandoc"):
        print("bench: pandoc is not installed, so there is no comparison (Debian: apt-get install pandoc)",
              file=sys.stderr)
    for scale in scales:
        print(f"bench: {scale}× …", file=sys.stderr, flush=True)
        rows[scale] = measure(scale, runs, with_pandoc)
        _save(rows, prof)
    if with_profile:
        print("bench: profile …", file=sys.stderr, flush=True)
        prof = profile()
        _save(rows, prof)
    print(report(list(rows.values()), prof))


def _save(rows: dict[int, Row], prof: dict | None) -> None:
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    data = {"rows": {str(k): asdict(v) for k, v in sorted(rows.items())}, "profile": prof}
    RESULTS.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    REPORT.write_text(report(list(rows.values()), prof), encoding="utf-8")

"""The handbook laid out in parts, in parallel, then stitched: the planning (no WeasyPrint, no pikepdf).

A part is one WeasyPrint document: the front matter (the cover and the contents, the contents of a long
book cut into several parts at chapter lines, so that no document grows with the course) or one chapter.
Parts are laid
out in worker processes, each into a cache keyed by exactly what shapes it (its HTML, the styles, the
files it shows), so a rebuild lays out only what changed. What ties parts together are page numbers:

* Folios are not drawn by the parts; a folio document of otherwise empty pages is drawn over each page
  by the stitch, so a chapter's layout does not depend on the page it starts on.
* A cross-reference within a chapter is counted by the CSS (`target-counter`) from the chapter's first
  page number, given to it (`counter-reset`); one to another part, and every line of the contents,
  carries its number as text (`data-page`). A part's numbers are known once the parts before the
  target (and the target's part) are laid out, so parts go to the workers in document order as their
  numbers become known; the front matter goes first with the last build's numbers (or stand-ins): its
  page count places every chapter.
* When a part's numbers turn out different from those it was laid out with, it is laid out again,
  until every part carries the numbers of the book it ends up in. The result depends only on the
  content, never on what the cache held: a cold and a warm build write the same bytes.

In print mode a part with an odd number of pages is padded with a blank page, so every part starts on
a right-hand page and its left and right pages are those of one document.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections import Counter
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

from ...errors import RenderError
from . import stitch
from .writer import ChapterFacts

FOLIO_CHUNK = 32  # pages per folio document (even: each starts on a right-hand page)
CHARS_PER_PAGE = 4000  # HTML per page, to guess a book's length before it is laid out
MAX_PASSES = 5  # layouts of one part before its page numbers are declared unsettled

#: The HTML of a part from its first page number (None when it counts none) and the page numbers of
#: the anchors it refers to in other parts.
PartHtml = Callable[[int, "int | None", Mapping[str, int]], str]


@dataclass(frozen=True)
class Layout:
    """A laid-out part, as the worker reports it (and the cache keeps it beside the PDF)."""

    pages: int
    anchors: dict[str, int]  # anchor → index of the page it is on
    numbered: tuple[bool, ...]  # per page: whether it gets a folio (not the cover, not a blank page)
    log: tuple[tuple[int, str], ...] = ()  # what WeasyPrint logged (level, message)
    refused: tuple[tuple[str, str, str], ...] = ()  # files the sandbox refused (path, message, hint)

    @classmethod
    def load(cls, data: dict) -> Layout:
        return cls(data["pages"], data["anchors"], tuple(data["numbered"]), tuple(map(tuple, data["log"])),
                   tuple(map(tuple, data.get("refused", ()))))

    def dump(self) -> dict:
        return {"pages": self.pages, "anchors": self.anchors, "numbered": list(self.numbered),
                "log": [list(r) for r in self.log]}


@dataclass(frozen=True)
class Task:
    """One document for a worker to lay out: `html`, styled as `kind`, into `pdf`."""

    kind: str  # 'part', 'measure' (a part laid out only to count its pages) or 'folio'
    html: str
    pdf: Path
    meta: Path | None  # where the worker records the Layout (None: not cached)


Worker = Callable[[Task], Layout]

# Layouts being made, by cache key: both editions of a build run in one process, and identical
# documents (folio pages; chapters without notes or page numbers) are laid out once for both.
_RUNNING: dict[str, Future] = {}
_RUNNING_LOCK = threading.RLock()  # a done future calls back at once, lock held


def _submit(pool: Executor, worker: Worker, task: Task) -> Future:
    """Return the future of `task`'s layout: one already on its way, or a new one."""
    key = task.pdf.stem
    with _RUNNING_LOCK:
        future = _RUNNING.get(key)
        if future is None:
            future = pool.submit(worker, task)
            _RUNNING[key] = future
            future.add_done_callback(lambda _: _forget(key))
    return future


def _forget(key: str) -> None:
    with _RUNNING_LOCK:
        _RUNNING.pop(key, None)


class Book:
    """One edition of the handbook, as parts: lays them out (through a pool) and stitches them."""

    def __init__(self, facts: tuple[ChapterFacts, ...], toc: tuple[frozenset[str], ...], html: PartHtml,
                 folio_html: Callable[[int, int], str], pad_html: str, digest: str, cache: Path,
                 edition: str, print_mode: bool, files: Callable[[frozenset[Path]], str]):
        self.html = html
        self.folio_html = folio_html
        self.pad_html = pad_html
        self.digest = digest  # of everything but the HTML that shapes a part (styles, fonts, versions)
        self.cache = cache
        self.edition = edition
        self.print_mode = print_mode
        self.files = files  # a digest of files' contents
        self.fronts = len(toc)  # the front matter's parts: the cover with the contents' first part, the rest
        self.owner = {anchor: i for i, f in enumerate(facts, start=self.fronts) for anchor in f.ids}
        # Each part: the anchors it holds and the ones it refers to (only those some part holds).
        self.ids = [frozenset()] * self.fronts + [f.ids for f in facts]
        self.refs = [frozenset(a for a in lines if a in self.owner) for lines in toc] + \
                    [frozenset(a for a in f.refs if a in self.owner) for f in facts]
        self.shown = [frozenset()] * self.fronts + [f.files for f in facts]
        self.hint = self._manifest()
        self.used: set[str] = set()  # cache keys this build needs
        self._estimates: dict[int, int] = {}

    @property
    def count(self) -> int:
        return len(self.ids)

    # -- page numbers --

    def _padded(self, pages: int) -> int:
        return pages + (pages % 2 if self.print_mode else 0)

    def starts(self, done: Mapping[int, Layout]) -> list[int | None]:
        """Return each part's first page number, None from the first part whose predecessors are unknown."""
        out: list[int | None] = []
        number: int | None = 1
        for part in range(self.count):
            out.append(number)
            number = None if number is None or part not in done else number + self._padded(done[part].pages)
        return out

    def inputs(self, part: int, done: Mapping[int, Layout], starts: list[int | None],
               guess: bool = False) -> tuple | None:
        """Return the page numbers part `part` prints (None while unknown, unless `guess`ing them)."""
        start = None
        if self.refs[part] & self.ids[part]:
            start = starts[part] if starts[part] is not None or not guess else self._guess_start(part, done)
            if start is None:
                return None
        numbers = []
        for anchor in sorted(self.refs[part] - self.ids[part]):
            owner = self.owner[anchor]
            if starts[owner] is not None and owner in done:
                numbers.append((anchor, starts[owner] + done[owner].anchors.get(anchor, 0)))
            elif guess:
                numbers.append((anchor, self.hint.get("pages", {}).get(anchor) or self._stand_in()))
            else:
                return None
        return start, tuple(numbers)

    def _guess_start(self, part: int, done: Mapping[int, Layout]) -> int:
        number = 1
        for earlier in range(part):
            known = done.get(earlier)
            number += self._padded(known.pages if known else self._estimate(earlier))
        return number

    def _estimate(self, part: int) -> int:
        """Return how many pages part `part` had last time, or will likely have."""
        if part not in self._estimates:
            self._estimates[part] = (self.hint.get("parts", {}).get(str(part))
                                     or 1 + len(self.html(part, None, {})) // CHARS_PER_PAGE)
        return self._estimates[part]

    def _stand_in(self) -> int:
        """Return a page number about as wide as the book's will be, for a layout before they are known."""
        total = self.hint.get("total") or sum(self._estimate(p) for p in range(self.count))
        return int("5" * len(str(max(total, 1))))

    # -- laying out --

    def _key(self, text: str, files: frozenset[Path] = frozenset()) -> str:
        h = hashlib.sha256(self.digest.encode())
        h.update(text.encode())
        if files:
            h.update(self.files(files).encode())
        return h.hexdigest()

    def _task(self, kind: str, html: str, files: frozenset[Path] = frozenset()) -> tuple[Task, Layout | None]:
        """Return the task that lays `html` out, and its layout when the cache already holds it."""
        key = self._key(kind + "\0" + html, files)
        self.used.add(key)
        task = Task(kind, html, self.cache / f"{key}.pdf", self.cache / f"{key}.json")
        try:
            if task.pdf.is_file():
                return task, Layout.load(json.loads(task.meta.read_text(encoding="utf-8")))  # type: ignore[union-attr]
        except (OSError, ValueError, KeyError):
            pass
        return task, None

    def lay_out(self, pool: Executor, window: int, worker: Worker) -> tuple[stitch.Plan, list[Layout]]:
        """Lay every part out with the page numbers of the finished book; return the stitch's plan and them.

        At most `window` parts are in the pool at once, so parts whose numbers become known while
        others are laid out still go early (the pool may be shared with other outputs).
        """
        self.cache.mkdir(parents=True, exist_ok=True)
        done: dict[int, Layout] = {}
        used: dict[int, tuple] = {}  # the numbers each part in `done` was laid out with
        pdfs: dict[int, Path] = {}  # each part's layout (not its task: the HTML would stay in memory)
        running: dict[Future, tuple[int, tuple]] = {}
        passes: Counter[int] = Counter()
        extras: dict[str, tuple[Task, Future | Layout]] = {}  # folio documents and the pad page
        self._prefetch(extras, done, pool, worker)

        def start(part: int, inputs: tuple, kind: str = "part") -> None:
            passes[part] += 1
            if passes[part] > MAX_PASSES:
                raise RenderError("the handbook's page numbers do not settle: a cross-reference's page number "
                                  "moves the text it is in, and back (reword the sentence around it)")
            start_page, numbers = inputs
            task, cached = self._task(kind, self.html(part, start_page, dict(numbers)), self.shown[part])
            if kind == "measure":
                inputs = ("measure",)  # never the numbers of the book: laid out again at the end
            else:
                pdfs[part] = task.pdf
            if cached is not None:
                done[part], used[part] = cached, inputs
            else:
                running[_submit(pool, worker, task)] = (part, inputs)

        # The front matter's page count places every chapter, but its numbers are known last: a quick
        # layout with stand-in numbers counts its pages first (a cache hit unless the contents changed).
        stand_in = self._stand_in()
        for front in range(self.fronts):
            start(front, (None, tuple((anchor, stand_in) for anchor in sorted(self.refs[front]))), "measure")
        while True:
            progress = True
            while progress:  # cache hits can make further parts' numbers known: go round until none do
                progress = False
                starts = self.starts(done)
                busy = {part for part, _ in running.values()}
                for part in range(self.count):
                    if len(running) >= window:
                        break
                    if part in busy:
                        continue
                    inputs = self.inputs(part, done, starts)
                    if inputs is None or (part in done and used[part] == inputs):
                        continue
                    before = len(done)
                    start(part, inputs)
                    progress = progress or len(done) != before
                    if progress:
                        break
            if not running:
                starts = self.starts(done)
                pending = [p for p in range(self.count) if p not in done or used[p] != self.inputs(p, done, starts)]
                if not pending:
                    break
                # Every part left waits for another one (a chapter refers to one after it, whose page
                # depends on its own length): lay the first out with estimated numbers, then check.
                first = next(p for p in pending if p not in done)
                start(first, self.inputs(first, done, starts, guess=True))  # type: ignore[arg-type]
                continue
            finished, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in finished:
                part, inputs = running.pop(future)
                done[part], used[part] = future.result(), inputs
            self._prefetch(extras, done, pool, worker)
        plan, furniture = self._plan(done, pdfs, pool, worker, extras)
        self._save_manifest(done)
        return plan, [done[p] for p in range(self.count)] + furniture

    def _prefetch(self, extras: dict, done: Mapping[int, Layout], pool: Executor, worker: Worker) -> None:
        """Start laying out the folio documents (and the pad page) the book will likely need, early.

        The book's length is what is laid out plus an estimate of the rest; a folio document costs
        little and is cached, so an estimate too long costs little more than one too short.
        """
        pages = sum(self._padded(done[p].pages) if p in done else self._estimate(p) for p in range(self.count))
        for chunk in range((pages + FOLIO_CHUNK - 1) // FOLIO_CHUNK):
            self._extra(extras, f"folio-{chunk}", pool, worker)
        if self.print_mode:
            self._extra(extras, "pad", pool, worker)

    def _extra(self, extras: dict, name: str, pool: Executor, worker: Worker) -> Task:
        """Return the task of a folio document ('folio-<i>') or the pad page ('pad'), started if need be."""
        if name not in extras:
            if name == "pad":
                task, cached = self._task("part", self.pad_html)
            else:
                chunk = int(name.split("-")[1])
                task, cached = self._task("folio", self.folio_html(1 + chunk * FOLIO_CHUNK, FOLIO_CHUNK))
            extras[name] = task, cached if cached is not None else _submit(pool, worker, task)
        return extras[name][0]

    def _plan(self, done: dict[int, Layout], pdfs: dict[int, Path], pool: Executor, worker: Worker,
              extras: dict[str, tuple[Task, Future | Layout]]) -> tuple[stitch.Plan, list[Layout]]:
        """Return the stitch's plan, and the layouts of the folio documents and pad page it uses."""
        sheets: list[stitch.Sheet] = []
        for part in range(self.count):
            layout = done[part]
            sheets += [stitch.Sheet(part, i, layout.numbered[i]) for i in range(layout.pages)]
            if self.print_mode and layout.pages % 2:
                sheets.append(stitch.Sheet(-1, 0, False))
        names = [f"folio-{c}" for c in range((len(sheets) + FOLIO_CHUNK - 1) // FOLIO_CHUNK)]
        names += ["pad"] if any(s.part < 0 for s in sheets) else []
        for name in names:
            self._extra(extras, name, pool, worker)
        layouts = [extra.result() if isinstance(extra, Future) else extra  # raise what the worker raised
                   for _, extra in (extras[name] for name in names)]
        folios = tuple(extras[name][0].pdf for name in names if name != "pad")
        pad = extras["pad"][0].pdf if "pad" in names else None
        plan = stitch.Plan(tuple(pdfs[p] for p in range(self.count)), tuple(sheets), pad, folios, FOLIO_CHUNK)
        return plan, layouts

    # -- what the last build knew --

    def _manifest_path(self) -> Path:
        return self.cache / f"{self.edition}.json"

    def _manifest(self) -> dict:
        """Return the page numbers of the last build of this edition, if laid out with the same styles."""
        try:
            data = json.loads(self._manifest_path().read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}
        return data if data.get("digest") == self.digest else {}

    def _save_manifest(self, done: dict[int, Layout]) -> None:
        starts = self.starts(done)
        pages = {anchor: starts[owner] + done[owner].anchors.get(anchor, 0)  # type: ignore[operator]
                 for anchor, owner in self.owner.items()}
        data = {"digest": self.digest, "keys": sorted(self.used), "pages": pages,
                "parts": {str(p): layout.pages for p, layout in done.items()},
                "total": sum(self._padded(layout.pages) for layout in done.values())}
        path = self._manifest_path()
        tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
        tmp.write_text(json.dumps(data, sort_keys=True), encoding="utf-8")
        os.replace(tmp, path)

    def collect_garbage(self, since: float) -> None:
        """Delete cached layouts no edition's last build used, except those made since `since` (epoch s)."""
        keep: set[str] = set()
        for manifest in self.cache.glob("*.json"):
            if len(manifest.stem) < 64:  # an edition's manifest, not a layout's
                try:
                    keep.update(json.loads(manifest.read_text(encoding="utf-8")).get("keys", ()))
                except (OSError, ValueError):
                    pass
        for path in self.cache.iterdir():
            key = path.name.split(".")[0]
            if (len(key) == 64 and key not in keep) or path.name.endswith(".tmp"):  # or a killed worker's
                try:
                    if path.stat().st_mtime < since:
                        path.unlink()
                except OSError:
                    pass

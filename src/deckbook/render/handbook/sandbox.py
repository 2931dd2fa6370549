"""What a handbook document may read: course and theme files under stable URLs, through a sandboxed fetcher.

Documents name files by virtual URLs (`virtual_uri`), so the same course built in two folders gives the
same PDF; `SandboxFetcher` maps them back and serves nothing outside the course and theme folders.
"""

from __future__ import annotations

import mimetypes
from pathlib import Path
from typing import NoReturn
from urllib.parse import unquote, urlsplit
from urllib.request import url2pathname

from . import engine  # noqa: F401 - first: WeasyPrint without its import-time warning
from weasyprint.urls import URLFetcher, URLFetcherResponse

from ...errors import RenderError


VIRTUAL = Path("/deckbook-files")
"""Where the course (`course/`) and the theme's folders (`theme1/` ...) appear in the URLs a document holds.

WeasyPrint names an image after the MD5 of its URL: with real paths, the same course built in two folders
gave two different PDFs. The fetcher maps these URLs back to the real files."""


def virtual_uri(path: Path, roots: tuple[Path, ...]) -> str:
    """Return the URL of `path` under VIRTUAL when it lies in one of `roots` (course first), else its own."""
    real = path.resolve()
    for index, root in enumerate(roots):
        if real.is_relative_to(root.resolve()):
            name = "course" if index == 0 else f"theme{index}"
            return (VIRTUAL / name / real.relative_to(root.resolve())).as_uri().rstrip("/")
    return real.as_uri()


def real_path(named: Path, roots: tuple[Path, ...]) -> Path:
    """Return the real path of a path under VIRTUAL (see `virtual_uri`); any other path as it is."""
    if not named.is_relative_to(VIRTUAL) or named == VIRTUAL:
        return named
    top, *rest = named.relative_to(VIRTUAL).parts
    index = 0 if top == "course" else int(top[5:]) if top[5:].isdigit() and top.startswith("theme") else -1
    if not 0 <= index < len(roots):
        return named
    return roots[index].joinpath(*rest)


class SandboxFetcher(URLFetcher):
    """A URL fetcher that serves files inside the given folders, `data:` URLs, and nothing else.

    Symlinks are resolved before the check, so neither `..` nor a link leads out. Anything refused
    stops the rendering; `refused` says what and why.
    """

    def __init__(self, roots: tuple[Path, ...]):
        super().__init__(fail_on_errors=True)
        self.roots = tuple(r.resolve() for r in roots)
        self.refused: list[tuple[Path | None, str, str]] = []

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == "file":
            named = real_path(Path(url2pathname(unquote(urlsplit(url).path))), self.roots)
            path = named.resolve()
            if not any(path.is_relative_to(root) for root in self.roots):
                self._refuse(path, f"file outside the course and theme folders: {named}",
                             "the handbook reads only files inside the course and its theme (links followed)")
            if not path.is_file():
                self._refuse(path, f"file not found: {named}", "check the path, relative to the course folder")
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})
        self._refuse(None, f"remote resource refused: {url}",
                     "the handbook never fetches from the network: copy the file into the course or theme")

    def _refuse(self, path: Path | None, message: str, hint: str) -> NoReturn:
        self.refused.append((path, message, hint))
        raise RenderError(message)

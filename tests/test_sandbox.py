"""Nothing is fetched: a loopback HTTP listener sees no request from a course and theme that link remote files."""

from __future__ import annotations

import http.server
import shutil
import threading
from pathlib import Path

import pytest

from deckbook.build import build
from deckbook.errors import DeckbookError


@pytest.fixture
def listener():
    """Yield (base URL, list of request paths) for an HTTP server on 127.0.0.1 that records every request."""
    seen: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the stdlib's name
            seen.append(self.path)
            self.send_response(200)
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", seen
    server.shutdown()
    server.server_close()


def test_remote_image_in_content_is_refused_unfetched(make_course, tmp_path, listener):
    url, seen = listener
    root = make_course({"01.md": f"# A\n\n![remote]({url}/img.png)\n\n[a link]({url}/page) is fine.\n"})
    with pytest.raises(DeckbookError) as info:
        build(root, tmp_path / "out", jobs=1)
    assert [d.message for d in info.value.diagnostics] == [f"image '{url}/img.png' is a URL"]
    assert seen == []


def test_remote_stylesheet_and_image_in_theme_are_refused_unfetched(make_course, tmp_path, listener, monkeypatch):
    url, seen = listener
    shipped = Path(__file__).parents[1] / "themes" / "default"
    theme = tmp_path / "themes" / "remote"
    shutil.copytree(shipped, theme)
    css = theme / "templates" / "handbook.css"
    css.write_text(f"@import url({url}/extra.css);\n" + css.read_text(encoding="utf-8")
                   + f"\n.cover {{ background: url({url}/bg.png) }}\n", encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    root = make_course({"01.md": "# A\n\ntext\n"}, course_yaml="title: T\nversion: '1'\ntheme: remote\n")
    with pytest.raises(DeckbookError) as info:
        build(root, tmp_path / "out", outputs=("handbook",), jobs=1)
    assert any("remote resource refused" in d.message for d in info.value.diagnostics)
    assert seen == []
    assert not (tmp_path / "out" / "course-1.pdf").exists()

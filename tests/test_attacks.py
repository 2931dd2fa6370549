"""Issue 16: a course or theme from someone else can do no harm, and a failed build never lies.

Each test is one cause of the issue with its minimal input, run through the command line the way a user
(or an attacker) would: the exit code, the `file:line: error:` message, and what is (not) on disk.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from deckbook import cli

SHIPPED = Path(__file__).parents[1] / "themes" / "default"
CHAPTER = "# Part\n\n## Slide\n\nSome text.\n"


def run(capsys, *args: str) -> tuple[int, str]:
    """Return the exit code and stderr of `deckbook ARGS`."""
    code = cli.main(list(args))
    return code, capsys.readouterr().err


@pytest.fixture
def theme(tmp_path, monkeypatch):
    """Return a copy of the shipped theme as ./themes/t (the current folder is tmp_path)."""
    monkeypatch.chdir(tmp_path)
    folder = tmp_path / "themes" / "t"
    shutil.copytree(SHIPPED, folder)
    return folder


def themed(make_course, files=None, extra: str = "") -> Path:
    return make_course(files or {"01.md": CHAPTER}, course_yaml=f"title: T\nversion: '1'\ntheme: t\n{extra}")


# --- 1. themes are data ------------------------------------------------------------------------------


def test_theme_template_cannot_run_code(make_course, theme, tmp_path, capsys):
    canary = tmp_path / "ran"
    template = theme / "templates" / "handbook.html.j2"
    template.write_text(template.read_text(encoding="utf-8")
                        + f"{{{{ lipsum.__globals__['os'].popen('touch {canary}').read() }}}}\n"
                        + f"{{{{ meta.__class__.__init__.__globals__ }}}}\n", encoding="utf-8")
    code, err = run(capsys, "handbook", str(themed(make_course)), "--out", str(tmp_path / "out"), "--jobs", "1")
    assert code == 1
    assert "handbook.html.j2:" in err and "error: handbook template:" in err
    assert not canary.exists()
    assert not list((tmp_path / "out").glob("*.pdf"))


def test_theme_template_has_no_mutation(make_course, theme, tmp_path, capsys):
    template = theme / "templates" / "handbook.html.j2"
    template.write_text("{{ meta.authors.append('x') }}" + template.read_text(encoding="utf-8"), encoding="utf-8")
    code, err = run(capsys, "handbook", str(themed(make_course)), "--out", str(tmp_path / "out"), "--jobs", "1")
    assert code == 1 and "handbook.html.j2:1:1: error: handbook template:" in err


@pytest.mark.parametrize("name", ["templates/handbook.html.j2", "templates/handbook.css", "theme.yaml"])
def test_theme_file_linking_outside_is_refused(make_course, theme, tmp_path, capsys, name):
    secret = tmp_path / "secret.txt"
    secret.write_text((theme / name).read_text(encoding="utf-8") + "\n/* SECRET-CANARY */\n", encoding="utf-8")
    (theme / name).unlink()
    (theme / name).symlink_to(secret)
    code, err = run(capsys, "build", str(themed(make_course)), "--out", str(tmp_path / "out"), "--jobs", "1")
    assert code == 1
    assert "SECRET-CANARY" not in err
    assert "outside" in err or "unknown theme 't'" in err
    assert not list((tmp_path / "out").glob("*.p*"))


def test_course_yaml_linking_outside_is_refused(make_course, tmp_path, capsys):
    root = make_course({"01.md": CHAPTER})
    secret = tmp_path / "secret.yaml"
    secret.write_text("title: T\nSECRET-KEY: 1\n", encoding="utf-8")
    (root / "course.yaml").unlink()
    (root / "course.yaml").symlink_to(secret)
    code, err = run(capsys, "check", str(root))
    assert code == 1
    assert "course.yaml:1:1: error: course.yaml links outside the course folder" in err
    assert "SECRET" not in err


# --- 2. names that become paths ----------------------------------------------------------------------


@pytest.mark.parametrize("version", ["1.0/../../x", "..", "1 0", "a\\\\b", "-1"])
def test_version_that_is_not_a_version_is_an_error_at_its_line(make_course, tmp_path, capsys, version):
    root = make_course({"01.md": CHAPTER}, course_yaml=f'title: T\nversion: "{version}"\n')
    code, err = run(capsys, "build", str(root), "--out", str(tmp_path / "b" / "out"))
    assert code == 1
    assert "course.yaml:2:" in err and "is not a version" in err
    assert not (tmp_path / "b").exists() and not list(tmp_path.glob("x*"))


def test_version_from_the_command_line_is_checked_too(make_course, tmp_path, capsys):
    root = make_course({"01.md": CHAPTER})
    code, err = run(capsys, "deck", str(root), "--version", "../x", "--out", str(tmp_path / "out"))
    assert code == 1 and "error: --version: '../x' is not a version" in err
    assert not list(tmp_path.rglob("x.pptx"))


def test_course_folder_name_that_is_not_utf8_is_an_error(make_course, tmp_path, capsys):
    root = make_course({"01.md": CHAPTER}, name=os.fsdecode(b"caf\xe9"))
    code, err = run(capsys, "check", str(root))
    assert code == 1 and "error: the course folder's name is not valid UTF-8" in err


# --- 6. inputs that ended in exit 70 ------------------------------------------------------------------


@pytest.mark.parametrize("escape", ["\\0", "\\uFFFE", "\\x01"])
def test_yaml_escape_of_a_forbidden_character_is_an_error(make_course, capsys, escape):
    root = make_course({"01.md": CHAPTER}, course_yaml=f'title: T\nsubtitle: "a{escape}b"\n')
    code, err = run(capsys, "check", str(root))
    assert code == 1 and "course.yaml:2:11: error: YAML: character U+" in err and "is not allowed in text" in err


@pytest.mark.parametrize("char, line, col", [("\ufffe", 5, 5), ("\u2029", 5, 5), ("\x01", 5, 5)])
def test_raw_forbidden_character_in_markdown_is_an_error(make_course, capsys, char, line, col):
    root = make_course({"01.md": f"# Part\n\n## Slide\n\nSome{char}text.\n"})
    code, err = run(capsys, "check", str(root))
    assert code == 1 and f"01.md:{line}:{col}: error: character U+{ord(char):04X}" in err


def test_date_beyond_what_a_pptx_can_hold_is_an_error(make_course, capsys):
    root = make_course({"01.md": CHAPTER}, course_yaml="title: T\ndate: 9999-12-31\n")
    code, err = run(capsys, "check", str(root))
    assert code == 1 and "course.yaml:2:1: error: 'date': a date up to 2107" in err


@pytest.mark.parametrize("epoch", ["99999999999999", "yesterday", "-5"])
def test_absurd_source_date_epoch_is_a_one_line_message(make_course, capsys, monkeypatch, epoch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", epoch)
    code, err = run(capsys, "check", str(make_course({"01.md": CHAPTER})))
    assert code == 1
    assert err.splitlines() == [f"deckbook: SOURCE_DATE_EPOCH={epoch!r} is not a time in seconds since 1970 up to "
                                "2107 (unset it, or set it as `date +%s` prints it); nothing was written"]


# --- 4. corporate templates ----------------------------------------------------------------------------

_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
_MASTER_RELS = "ppt/slideMasters/_rels/slideMaster1.xml.rels"


def template_theme(theme: Path, change) -> None:
    """Give theme `theme` a pptx_template: the shipped one with `change(entries)` applied (name → ZipInfo, data)."""
    import zipfile

    with zipfile.ZipFile(SHIPPED / "deck-template.pptx") as src:
        entries = {i.filename: (i, src.read(i)) for i in src.infolist()}
    change(entries)
    with zipfile.ZipFile(theme / "corp.pptx", "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in entries.values():
            if data is not None:
                out.writestr(info, data)
    _patch_headers(theme / "corp.pptx", entries)
    yaml = theme / "theme.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + "pptx_template: corp.pptx\n", encoding="utf-8")


def add_rel(entries, rel: str) -> None:
    info, data = entries[_MASTER_RELS]
    entries[_MASTER_RELS] = (info, data.replace(b"</Relationships>", rel.encode() + b"</Relationships>"))


def edit(name: str, old: bytes, new: bytes):
    def change(entries):
        info, data = entries[name]
        assert old in data
        entries[name] = (info, data.replace(old, new))
    return change


PATCH = "patch"


def _header(name: str, field: str, value: int):
    """Return a change that sets a field of entry `name`'s ZIP headers (zipfile rewrites them on writing)."""
    def change(entries):
        entries[PATCH] = ((name, field, value), None)
    return change


def _patch_headers(path: Path, entries) -> None:
    """Set `flags` or `method` of the entries marked by `_header`, in the local and central headers."""
    import struct

    if PATCH not in entries:
        return
    data = bytearray(path.read_bytes())
    (name, field, value), _ = entries[PATCH]
    name = name.encode()
    for signature, name_at, flags_at in ((b"PK\x03\x04", 30, 6), (b"PK\x01\x02", 46, 8)):
        at = data.index(signature)
        while data[at + name_at:at + name_at + len(name)] != name:
            at = data.index(signature, at + 4)
        struct.pack_into("<H", data, at + flags_at + (0 if field == "flags" else 2), value)
    path.write_bytes(bytes(data))


TEMPLATE_ATTACKS = {
    "linked picture": (lambda e: add_rel(e, f'<Relationship Id="rId90" Type="{_REL}image" '
                                            'Target="http://127.0.0.1:9/logo.png" TargetMode="External"/>'),
                       f"part {_MASTER_RELS}: a image linked from outside the package: 'http://127.0.0.1:9/logo.png'"),
    "linked OLE object": (lambda e: add_rel(e, f'<Relationship Id="rId91" Type="{_REL}oleObject" '
                                               'Target="file:///C:/x.xlsx" TargetMode="External"/>'),
                          f"part {_MASTER_RELS}: a oleObject linked from outside the package"),
    "file hyperlink": (lambda e: add_rel(e, f'<Relationship Id="rId92" Type="{_REL}hyperlink" '
                                            'Target="file:///etc/passwd" TargetMode="External"/>'),
                       f"part {_MASTER_RELS}: a hyperlink to 'file:///etc/passwd'"),
    "missing relationship": (lambda e: e.pop("ppt/_rels/presentation.xml.rels"),
                             "part ppt/_rels/presentation.xml.rels: the part is missing"),
    "no slide size": (edit("ppt/presentation.xml", b"<p:sldSz", b"<p:notSz"),
                      "part ppt/presentation.xml: it has no valid slide size (p:sldSz)"),
    "no cSld": (edit("ppt/slideLayouts/slideLayout1.xml", b"p:cSld", b"p:xSld"),
                "part ppt/slideLayouts/slideLayout1.xml: it has no common slide data (p:cSld)"),
    "encrypted entry": (_header("ppt/presentation.xml", "flags", 0x1), "part ppt/presentation.xml: it is encrypted"),
    "odd compression": (_header("ppt/presentation.xml", "method", 12),
                        "part ppt/presentation.xml: it is compressed with ZIP method 12"),
    "zip bomb": (lambda e: e.__setitem__("ppt/media/bomb.bin", (__import__("zipfile").ZipInfo("ppt/media/bomb.bin"),
                                                                b"\0" * (65 * 1024 * 1024))),
                 "part ppt/media/bomb.bin: it unpacks to more than a template can hold"),
}


@pytest.mark.parametrize("attack", TEMPLATE_ATTACKS)
def test_corporate_template_problems_name_the_part(make_course, theme, tmp_path, capsys, attack):
    change, expected = TEMPLATE_ATTACKS[attack]
    template_theme(theme, change)
    code, err = run(capsys, "build", str(themed(make_course)), "--out", str(tmp_path / "out"), "--jobs", "1")
    assert code == 1, err
    assert f"themes/t/corp.pptx:1:1: error: slide template, {expected}" in err
    assert not (tmp_path / "out").exists() or not list((tmp_path / "out").glob("*.p*"))


def test_corrupt_template_entry_is_an_error_naming_the_file(make_course, theme, tmp_path, capsys):
    template_theme(theme, lambda entries: None)
    data = bytearray((theme / "corp.pptx").read_bytes())
    at = data.index(b"ppt/presentation.xml") + 60  # inside the entry's compressed data
    data[at:at + 40] = b"\xff" * 40
    (theme / "corp.pptx").write_bytes(bytes(data))
    code, err = run(capsys, "check", str(themed(make_course)))
    assert code == 1, err
    assert "themes/t/corp.pptx:1:1: error:" in err and "slide template" in err


def test_template_hyperlink_to_the_web_is_kept(make_course, theme, tmp_path, capsys):
    template_theme(theme, lambda e: add_rel(e, f'<Relationship Id="rId93" Type="{_REL}hyperlink" '
                                               'Target="https://example.org/" TargetMode="External"/>'))
    code, err = run(capsys, "deck", str(themed(make_course)), "--out", str(tmp_path / "out"))
    assert code == 0, err


# --- 5. links in content -------------------------------------------------------------------------------


@pytest.mark.parametrize("target, message", [
    ("/etc/passwd", "link '/etc/passwd' leads nowhere: /etc/passwd leaves the course folder"),
    ("other.pdf", "link 'other.pdf' leads nowhere: other.pdf is not in the course"),
    ("//host/x", "link '//host/x' is protocol-relative"),
    ("smb://host/share", "link 'smb://host/share' uses the 'smb:' scheme"),
    ("ms-msdt:/id%20x", "link 'ms-msdt:/id%20x' uses the 'ms-msdt:' scheme"),
    ("https:/x", "link 'https:/x' has no host"),
])
def test_link_that_is_not_web_mail_or_course_is_an_error(make_course, capsys, target, message):
    root = make_course({"01.md": f"# Part\n\n## Slide\n\nSee [this]({target}).\n"})
    code, err = run(capsys, "check", str(root))
    assert code == 1
    assert f"01.md:5:12: error: {message}" in err


@pytest.mark.parametrize("target", ["https://example.org/a?b#c", "http://example.org", "mailto:a@example.org"])
def test_web_and_mail_links_are_fine(make_course, capsys, target):
    code, err = run(capsys, "check", str(make_course({"01.md": f"# Part\n\n## Slide\n\nSee [this]({target}).\n"})))
    assert code == 0, err


# --- 7 (issue). images decoded fully; theme files checked at load ---------------------------------------


def _png(size=(40, 30)) -> bytes:
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, "PNG")
    return buffer.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    import struct
    import zlib

    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _bomb(kind: bytes) -> bytes:
    import zlib

    png = _png()
    return png[:33] + _chunk(kind, b"k\0\0" + zlib.compress(b"\0" * 20_000_000, 9)) + png[33:]


IMAGE_ATTACKS = {
    "PNG cut in its pixels, IEND appended": (lambda: _png((200, 200))[:120] + _png()[-12:], "it is cut short"),
    "PNG zTXt bomb": (lambda: _bomb(b"zTXt"), "a metadata chunk unpacks to more than 1 MiB"),
    "PNG iCCP bomb": (lambda: _bomb(b"iCCP"), "a metadata chunk unpacks to more than 1 MiB"),
}


@pytest.mark.parametrize("attack", IMAGE_ATTACKS)
def test_image_that_cannot_be_decoded_is_an_error_at_its_line(make_course, capsys, attack):
    data, reason = IMAGE_ATTACKS[attack]
    root = make_course({"01.md": "# Part\n\n## Slide\n\n![a picture](bad.png)\n", "bad.png": data()})
    code, err = run(capsys, "check", str(root))
    assert code == 1
    assert f"01.md:5:1: error: image 'bad.png' is not a valid PNG file: {reason}" in err


@pytest.mark.parametrize("content, problem", [(b"", "is empty"), (b"not a font at all", "is not a font")])
def test_theme_font_that_is_not_a_font_is_an_error_at_its_line(make_course, theme, capsys, content, problem):
    (theme / "fonts" / "broken.ttf").write_bytes(content)
    yaml = theme / "theme.yaml"
    text = yaml.read_text(encoding="utf-8")
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row.strip().startswith("regular:"))
    yaml.write_text("\n".join(row if i != line else row.split(":")[0] + ": fonts/broken.ttf"
                              for i, row in enumerate(text.splitlines(), 1)) + "\n", encoding="utf-8")
    code, err = run(capsys, "check", str(themed(make_course)))
    assert code == 1
    assert f"themes/t/theme.yaml:{line}:" in err and f"broken.ttf {problem}" in err


@pytest.mark.parametrize("content", [b"<html>not an image</html>", None])
def test_theme_logo_that_is_not_an_image_is_an_error_at_its_line(make_course, theme, capsys, content):
    (theme / "logo.png").write_bytes(content if content is not None else _png((10_000, 10_000)))
    yaml = theme / "theme.yaml"
    yaml.write_text(yaml.read_text(encoding="utf-8") + "logo: logo.png\n", encoding="utf-8")
    code, err = run(capsys, "check", str(themed(make_course)))
    line = len(yaml.read_text(encoding="utf-8").splitlines())
    assert code == 1 and f"themes/t/theme.yaml:{line}:" in err and "image 'logo.png'" in err


@pytest.mark.parametrize("reference", [
    '<image href="file:///etc/passwd" width="10" height="10"/>',
    '<image xmlns:xlink="http://www.w3.org/1999/xlink" xlink:href="other.png" width="10" height="10"/>',
    '<style>@import "http://127.0.0.1:9/x.css";</style>',
    '<rect width="10" height="10" style="fill: url(/etc/passwd)"/>',
])
def test_svg_referring_outside_itself_is_an_error_at_its_line(make_course, capsys, tmp_path, reference):
    svg = f'<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20">{reference}</svg>\n'
    root = make_course({"01.md": "# Part\n\n## Slide\n\n![a drawing](d.svg)\n", "d.svg": svg, "other.png": _png()})
    code, err = run(capsys, "build", str(root), "--out", str(tmp_path / "out"), "--jobs", "1")
    assert code == 1
    assert "01.md:5:1: error: SVG 'd.svg' refers to '" in err
    assert not (tmp_path / "out").exists()


def test_svg_referring_to_itself_is_fine(make_course, capsys):
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="20" height="20"><defs><linearGradient id="g"/></defs>'
           '<rect width="10" height="10" style="fill: url(#g)"/><use href="#g"/></svg>\n')
    root = make_course({"01.md": "# Part\n\n## Slide\n\n![a drawing](d.svg)\n", "d.svg": svg})
    code, err = run(capsys, "check", str(root))
    assert code == 0, err


# --- 3. all or nothing: late failures leave every previous output as it was ---------------------------


def test_handbook_failing_late_leaves_the_deck_and_pdfs_unchanged(make_course, theme, tmp_path, capsys):
    root = themed(make_course)
    out = tmp_path / "out"
    assert run(capsys, "build", str(root), "--out", str(out), "--jobs", "2")[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")}
    (root / "01.md").write_text(CHAPTER + "\nA change, so that every output is rendered again.\n", encoding="utf-8")
    css = theme / "templates" / "handbook.css"
    css.write_text('@import url("http://127.0.0.1:9/x.css");\n' + css.read_text(encoding="utf-8"), encoding="utf-8")
    code, err = run(capsys, "build", str(root), "--out", str(out), "--jobs", "2")
    assert code == 1 and "remote resource refused" in err and "nothing was written" in err
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")}
    assert after == before
    assert not list(out.glob(".*.tmp"))


@pytest.fixture
def small_disk(tmp_path):
    """Yield a folder on a 480 KiB file system (a tmpfs; skipped where mounting is not allowed)."""
    import subprocess

    folder = tmp_path / "disk"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=480k", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small file system here")
    try:
        yield folder
    finally:
        subprocess.run(["umount", "-l", str(folder)], check=True)


def test_full_disk_is_one_line_and_leaves_outputs_unchanged(make_course, small_disk, capsys):
    root = make_course({"01.md": CHAPTER})
    out = small_disk / "out"
    assert run(capsys, "build", str(root), "--out", str(out), "--jobs", "2")[0] == 0
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")}
    (root / "01.md").write_text(CHAPTER + "\nChanged.\n", encoding="utf-8")
    code, err = run(capsys, "build", str(root), "--out", str(out), "--jobs", "2")
    assert code == 1, err
    last = err.strip().splitlines()[-1]
    assert last.startswith("deckbook: ") and ("full" in last or "No space left on device" in last), err
    assert "internal error" not in err and "Traceback" not in err
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file() and not p.name.startswith(".")}
    assert after == before


# --- 9. limits: check is linear in code length ----------------------------------------------------------


def test_check_work_grows_linearly_with_a_code_block(make_course, monkeypatch):
    """The deck's layout of a long code block asked for every remaining line's rows at each split (and hashed
    the whole block per line): 1 000 lines took 2 s, 4 000 took 24 s. Counting the row look-ups shows the growth
    without timing anything."""
    from deckbook.build import load
    from deckbook.render import deck
    from deckbook.render.deck.pieces import code

    calls = []
    real = code._code_rows
    monkeypatch.setattr(code, "_code_rows", lambda *args: calls.append(1) or real(*args))
    counts = {}
    for lines in (1000, 4000):
        body = "".join(f"let x{i} = {i};\n" for i in range(lines))
        root = make_course({"01.md": f"# A\n\n## B\n\n```rust\n{body}```\n"}, name=f"c{lines}")
        course, theme, _ = load(root)
        calls.clear()
        deck.report(course, theme)
        counts[lines] = len(calls)
    assert counts[4000] <= 4.5 * counts[1000], counts


# --- 11. metric values ---------------------------------------------------------------------------------


@pytest.mark.parametrize("row, message", [
    ("before: 0, after: 5", "'rows.0.before': Input should be greater than 0 (got 0)"),
    ("before: -3, after: 5", "'rows.0.before': Input should be greater than 0 (got -3)"),
    ("before: 1e308, after: 1", "'rows.0.before': Input should be less than or equal to 1000000000000000 "),
    ("before: 1, after: -1e308", "'rows.0.after': Input should be greater than or equal to -1000000000000000 "),
    ("before: 1, after: .nan", "'rows.0.after': Input should be a finite number"),
])
def test_metric_values_are_finite_and_before_is_positive(make_course, capsys, row, message):
    block = f"```metrics\nunit: ms\nlower_is_better: true\nrows:\n  - {{name: a, {row}}}\n```\n"
    code, err = run(capsys, "check", str(make_course({"01.md": f"# Part\n\n## Slide\n\n{block}"})))
    assert code == 1
    assert f"01.md:9:" in err and message in err


# --- 10. outputs do not depend on where the course is ------------------------------------------------------


def test_same_course_in_two_folders_gives_identical_files(mini, tmp_path):
    """WeasyPrint names each image after the MD5 of its URL, and the URL held the course's absolute path."""
    from deckbook.build import build

    built = []
    for folder in (tmp_path / "a", tmp_path / "somewhere" / "much" / "deeper"):
        shutil.copytree(mini, folder / "mini")
        files = build(folder / "mini", folder / "out", jobs=2).files
        built.append({name: path.read_bytes() for name, path in files.items()})
    assert built[0].keys() == built[1].keys() == {"deck", "handbook", "handbook-trainer"}
    for name in built[0]:
        assert built[0][name] == built[1][name], f"{name} differs between the two folders"


# --- 9. limits: caps with clear errors --------------------------------------------------------------------


def test_too_many_headings_in_a_chapter_is_an_error_before_parsing(make_course, capsys):
    code_block = "```python\n" + "# a comment, not a heading\n" * 6000 + "```\n"
    body = "".join(f"## H{i}\n\nx\n\n" for i in range(5001))
    root = make_course({"01.md": "# A\n\n" + code_block + body})
    code, err = run(capsys, "check", str(root))
    assert code == 1
    heading_5001 = 6005 + 4 * 4999  # "# A" is heading 1; "## H0" is on line 6005, after the code block
    assert f"01.md:{heading_5001}:1: error: more than 5000 headings in one chapter" in err


@pytest.mark.parametrize("key", ["title", "subtitle"])
def test_title_longer_than_a_pptx_holds_is_an_error_at_its_line(make_course, capsys, key):
    extra = "" if key == "title" else "title: T\n"
    root = make_course({"01.md": CHAPTER}, course_yaml=f"{extra}{key}: {'x' * 300}\n")
    code, err = run(capsys, "check", str(root))
    assert code == 1 and f"course.yaml:{1 + bool(extra)}:1: error: '{key}': String should have at most 255 characters" in err


@pytest.mark.parametrize("name, limit", [("course.yaml", "1 MiB"), ("01.md", "4 MiB")])
def test_huge_sparse_source_file_is_refused_by_its_size(make_course, capsys, name, limit):
    root = make_course({"01.md": CHAPTER})
    with open(root / name, "r+b") as handle:
        handle.truncate(2 * 1024 ** 3)  # 2 GiB, sparse: no disk used, and not read
    code, err = run(capsys, "check", str(root))
    assert code == 1 and f"{name}:1:1: error:" in err and f"larger than {limit}" in err


# --- 8 (issue). what WeasyPrint logs during layout points at the line that named the file --------------------


def test_layout_message_about_a_file_points_at_the_line_that_named_it(make_course):
    import logging

    from deckbook.build import load
    from deckbook.errors import Location
    from deckbook.render.handbook import _logged
    from deckbook.render.handbook.sandbox import virtual_uri

    root = make_course({"01.md": "# Part\n\n## Slide\n\n![a drawing](d.svg)\n",
                        "d.svg": '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>\n'})
    course, theme, _ = load(root)
    named = Location(root / "01.md", 5, 1)
    url = virtual_uri(root / "d.svg", (course.root, *theme.folders))
    found = _logged(f"Failed to load image at '{url}': ", logging.ERROR, {(root / "d.svg").resolve(): named},
                    course, theme)
    assert found.location == named
    assert found.message == ("WeasyPrint: Failed to load image at 'd.svg': (WeasyPrint gave no reason: "
                             "open the file in a browser to see what is wrong)")


# --- 12. only theme fonts are embedded -----------------------------------------------------------------------


def test_characters_the_theme_lacks_embed_no_system_font(make_course, tmp_path):
    import pikepdf

    from deckbook.build import build

    # Cuneiform: installed here (fonts-noto-core's Noto Sans Cuneiform), in no font of the default theme's chain.
    root = make_course({"01.md": "# Part\n\n## Slide\n\nCJK 漢字, emoji 😀, cuneiform 𒀀𒀁.\n"})
    pdf = build(root, tmp_path / "out", outputs=("handbook",), jobs=1).files["handbook"]
    with pikepdf.open(pdf) as doc:
        fonts = {str(font.get("/BaseFont")).split("+")[-1] for page in doc.pages
                 for font in page.Resources.get("/Font", {}).values()}
    assert fonts and all(name.startswith("db-") for name in fonts), fonts  # the theme's faces and its chain

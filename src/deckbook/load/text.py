"""Source bytes → text: UTF-8 checked with the bad byte's line:col, BOM dropped, line ends normalised."""

from __future__ import annotations

import itertools
import re
import unicodedata
from pathlib import Path

from ..errors import Diagnostics, Location

BOM = b"\xef\xbb\xbf"


def read(path: Path, diags: Diagnostics, max_bytes: int | None = None, what: str = "file",
         hint: str = "", separators: bool = True) -> str | None:
    """Return the text of `path`, or None after reporting why it cannot be used.

    With `separators` false, the Unicode line and paragraph separators are refused too (see `SEPARATORS`).
    """
    try:
        if path.is_dir():
            diags.error(Location(path), f"'{path.name}' is a folder, not a {what}", hint)
            return None
        if max_bytes is not None and path.stat().st_size > max_bytes:
            diags.error(Location(path), f"{what} is larger than {_size(max_bytes)}", hint)
            return None
        raw = path.read_bytes()
    except OSError as exc:
        diags.error(Location(path), f"cannot read {what}: {exc.strerror or exc}")
        return None
    return decode(raw, path, diags, separators)


def decode(raw: bytes, path: Path, diags: Diagnostics, separators: bool = True) -> str | None:
    """Return `raw` decoded as UTF-8 with '\\n' line ends, or None after reporting the first bad byte.

    CRLF and lone CR are accepted (editors on Windows and old Macs write them) and become '\\n', so every
    line number reported later counts lines the way the user's editor does.
    """
    if raw.startswith(BOM):
        diags.warning(Location(path), "file starts with a UTF-8 byte-order mark", "it is ignored; save without BOM")
        raw = raw[len(BOM):]
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        # The prefix up to the bad byte is valid UTF-8, so its last line gives the column in characters.
        before = raw[:exc.start].decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
        line = before.count("\n") + 1
        col = len(before) - (before.rfind("\n") + 1) + 1
        diags.error(Location(path, line, col), f"invalid UTF-8 (byte 0x{raw[exc.start]:02x})",
                    "save the file as UTF-8")
        return None
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    bad = list(itertools.islice((FORBIDDEN if separators else _FORBIDDEN_OR_SEPARATOR).finditer(text), MAX_REPORTED))
    for match in bad:
        line = text.count("\n", 0, match.start()) + 1
        col = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
        diags.error(Location(path, line, col), f"character {character_name(match.group())} is not allowed",
                    "delete it; a line break is a plain newline" if match.group() in SEPARATORS
                    else "delete it: no output format can hold it")
    return None if bad else text


#: Characters no output can hold: XML 1.0 forbids C0 controls but tab and newline, U+FFFE/U+FFFF and surrogates.
FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\ufffe\uffff\ud800-\udfff]")
#: The Unicode line and paragraph separators: editors do not show them as line breaks, but some parsers take
#: them as one, so line numbers after them would be wrong. Refused in Markdown (YAML counts them right).
SEPARATORS = "\u2028\u2029"
_FORBIDDEN_OR_SEPARATOR = re.compile(FORBIDDEN.pattern[:-1] + SEPARATORS + "]")
MAX_REPORTED = 10


def character_name(char: str) -> str:
    """Return 'U+XXXX (NAME)' for a character in a message."""
    name = unicodedata.name(char, "")
    return f"U+{ord(char):04X}" + (f" ({name})" if name else "")


def _size(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"

"""The theme's font fallback chain: which font draws each character, and which characters none can.

Both outputs use one chain: the theme's own faces first (body, heading, mono), then the fallback fonts
`theme.yaml` lists (`fonts.fallback`), each a file shipped in the theme or installed by a Debian package
(fonts-noto-*), found here at build time. A font's character map is read only when a character the
fonts before it lack needs it, so a course in Latin script never opens the CJK or emoji fonts.
"""

from __future__ import annotations

import os
import unicodedata
from dataclasses import dataclass, fields
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Iterable, Iterator

from ...errors import Diagnostics, Location
from . import fontmetrics

if TYPE_CHECKING:
    from ... import model as m
    from ...theme import Theme

#: Where Debian (and a user) installs fonts; a fallback font named by its file name is looked for here.
SYSTEM_FONT_DIRS = (Path("/usr/share/fonts"), Path("/usr/local/share/fonts"), Path.home() / ".local/share/fonts")
#: Characters no font needs to draw: controls, format characters (ZWJ, bidi marks), variation selectors.
_INVISIBLE = ("Cc", "Cf", "Zl", "Zp")
#: Text fields of the model that are not shown (anchors, languages, layouts, link targets).
_HIDDEN_FIELDS = {"anchor", "language", "layout", "target", "kind", "slug", "theme", "version"}
_RTL = ("R", "AL")


@dataclass(frozen=True)
class ChainFont:
    """One font of the chain: the family both outputs name, and its file (None when not installed)."""

    family: str
    file: Path | None
    bold: Path | None = None
    package: str = ""  # the Debian package that installs it, for the hint when it is missing


def _cmap(path: Path) -> dict[int, str]:
    """Return the character map of font file `path` (a collection: its first font), read once per process."""
    return fontmetrics.cmap(path)


@lru_cache(maxsize=1)
def _system_fonts() -> dict[str, Path]:
    """Return every font file in the system font folders by file name (the first found wins)."""
    found: dict[str, Path] = {}
    for base in SYSTEM_FONT_DIRS:
        for folder, _, names in sorted(os.walk(base)) if base.is_dir() else ():
            for name in sorted(names):
                found.setdefault(name, Path(folder) / name)
    return found


def find_font(name: str, theme_folders: tuple[Path, ...]) -> Path | None:
    """Return the file of fallback font `name`: inside the theme (its folders in order), else installed."""
    for folder in theme_folders:
        candidate = (folder / name).resolve()
        if candidate.is_file() and candidate.is_relative_to(folder.resolve()):
            return candidate
    if "/" in name or "\\" in name:
        return None  # a path names a file in the theme; only a bare file name is looked up among installed fonts
    return _system_fonts().get(name)


class Chain:
    """The fonts of one theme in fallback order: the theme's faces, then its fallback fonts."""

    def __init__(self, theme_name: str, primary: tuple[Path, ...], fallback: tuple[ChainFont, ...]):
        self.theme_name = theme_name
        self.primary = primary
        self.fallback = fallback

    @cached_property
    def _own(self) -> frozenset[int]:
        """The characters the theme's own faces have."""
        return frozenset().union(*(_cmap(p) for p in self.primary))

    def font_for(self, char: str) -> ChainFont | None | bool:
        """Return the fallback font that draws `char`; True when a theme face has it, None when no font does."""
        code = ord(char)
        if code in self._own:
            return True
        for font in self.fallback:
            if font.file is not None and code in _cmap(font.file):
                return font
        return None

    def missing(self, chars: Iterable[str]) -> list[str]:
        """Return the characters of `chars` (visible ones) that no font of the chain has, in order."""
        return [c for c in dict.fromkeys(chars) if drawn(c) and self.font_for(c) is None]

    def needed(self, chars: Iterable[str]) -> tuple[ChainFont, ...]:
        """Return the fallback fonts that draw some of `chars`, in chain order (the others stay unread)."""
        used = {font.family for c in set(chars) if drawn(c)
                for font in (self.font_for(c),) if isinstance(font, ChainFont)}
        return tuple(f for f in self.fallback if f.family in used)

    def segments(self, text: str) -> Iterator[tuple[str, ChainFont | None]]:
        """Split `text` into runs drawn by one font: (text, the fallback font, or None for the theme's own).

        Characters that need no glyph of their own (joiners, variation selectors) stay with the run they
        are in, so an emoji sequence is never cut in two. Spaces are the theme face's: a fallback font's
        space can be far wider (an emoji font's is), and a slide would show gaps.
        """
        own = self._own
        if not text or all(ord(c) in own for c in text):
            yield text, None  # the theme's faces draw it all (an empty run still carries its format)
            return
        current: ChainFont | None = None
        start = 0
        for i, char in enumerate(text):
            if not drawn(char):
                continue
            if i and text[i - 1] == "\u200d" and current is not None and current.file is not None \
                    and ord(char) in _cmap(current.file):
                continue  # joined to the character before (an emoji sequence): the same font
            found = None if char == " " else self.font_for(char)
            font = found if isinstance(found, ChainFont) else None
            if font is not current and i > start:
                yield text[start:i], current
                start = i
            current = font
        if start < len(text):
            yield text[start:], current


def chain(theme: Theme) -> Chain:
    """Return the fallback chain of `theme` (cheap: no font file is opened here)."""
    fonts = theme.spec.fonts
    # One face per family: a heading in the body's family has the body's characters.
    families = {getattr(fonts, role).family: getattr(fonts, role).regular for role in ("mono", "heading", "body")}
    primary = tuple(dict.fromkeys(families.values()))
    fallback = tuple(ChainFont(f.family, find_font(f.file, theme.folders),
                               find_font(f.bold, theme.folders) if f.bold else None, f.package)
                     for f in fonts.fallback)
    return Chain(theme.name, primary, fallback)


def drawn(char: str) -> bool:
    """Return whether `char` needs a glyph (controls, joiners and variation selectors do not)."""
    if unicodedata.category(char) in _INVISIBLE:
        return False
    code = ord(char)
    return not (0xFE00 <= code <= 0xFE0F or 0xE0100 <= code <= 0xE01EF or 0x1F3FB <= code <= 0x1F3FF)


def right_to_left(text: str) -> bool:
    """Return whether `text` reads right to left: its first strongly directional character is Arabic or Hebrew."""
    for char in text:
        direction = unicodedata.bidirectional(char)
        if direction in _RTL:
            return True
        if direction == "L":
            return False
    return False


# --- the course's characters ---------------------------------------------------------------------


def course_text(course: m.Course) -> str:
    """Return every piece of text the outputs show of `course`, joined (order does not matter)."""
    parts: list[str] = []
    meta = course.meta
    parts += [meta.title, meta.subtitle, meta.organisation, *meta.authors]
    for chapter in course.chapters:
        parts.append(chapter.title)
        _strings(chapter.slides, parts)
    return "\n".join(parts)


def _strings(node: object, out: list[str]) -> None:
    if isinstance(node, str):
        out.append(node)
    elif isinstance(node, (tuple, list)):
        for child in node:
            _strings(child, out)
    elif hasattr(node, "__dataclass_fields__"):
        for f in fields(node):  # type: ignore[arg-type]
            if f.name not in _HIDDEN_FIELDS:
                _strings(getattr(node, f.name), out)


def check(course: m.Course, theme: Theme, diags: Diagnostics) -> None:
    """Warn, per source line, of every character of `course` that no font of the theme's chain has.

    The characters come from what the outputs show (the model); each warning points at the line of a
    source file (chapter, course.yaml, included file) where they are written.
    """
    fonts = chain(theme)
    for font in fonts.fallback:
        if font.file is None:
            where = f"Debian package {font.package}" if font.package else "the theme folder"
            diags.warning(Location(theme.root / "theme.yaml"),
                          f"fallback font '{font.family}' of theme '{theme.name}' is not installed",
                          f"install {where} (`invoke setup` does); characters only it has are reported missing")
    missing = set(fonts.missing(course_text(course)))
    if not missing:
        return
    located: set[str] = set()
    for path in course.sources:
        try:
            lines = path.read_text(encoding="utf-8").split("\n")
        except (OSError, UnicodeDecodeError):
            continue
        for number, line in enumerate(lines, 1):
            if missing.isdisjoint(line):
                continue
            chars = [c for c in dict.fromkeys(line) if c in missing]
            located.update(chars)
            diags.warning(Location(path, number, line.index(chars[0]) + 1), _message(theme.name, chars),
                          "add a font that has it to fonts.fallback in theme.yaml, or it shows as an empty box")
    rest = [c for c in sorted(missing) if c not in located]
    if rest:
        diags.warning(Location(course.root / "course.yaml"), _message(theme.name, rest),
                      "add a font that has it to fonts.fallback in theme.yaml, or it shows as an empty box")


def _message(theme: str, chars: list[str]) -> str:
    named = ", ".join(f"'{c}' (U+{ord(c):04X})" for c in chars)
    return f"no font in theme '{theme}' has {named}"

"""Themes: one `theme.yaml` (with optional `extends:`) feeding both the deck and the handbook."""

from __future__ import annotations

import difflib
import io
import re
from functools import cached_property
from pathlib import Path
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, field_validator

from . import yamlsrc
from .errors import Diagnostics, Location, ThemeError
from .load import text as source_text
from .paths import confined

THEME_FILE = "theme.yaml"
MAX_THEME_FILE_BYTES = 1024 * 1024
#: The themes shipped with deckbook: the repository's themes/, which the package links to (src/deckbook/themes)
#: so a wheel carries them as package data.
SHIPPED_THEMES = (Path(__file__).parent / "themes").resolve()

_HEX = re.compile(r"^#[0-9A-Fa-f]{6}$")


def _colour(value: str) -> str:
    if not _HEX.match(value):
        raise ValueError("a colour is written '#RRGGBB', e.g. '#1B4F72'")
    return value.upper()


Colour = Annotated[str, AfterValidator(_colour)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Colours(_Strict):
    """The palette; every colour is '#RRGGBB'."""

    primary: Colour = "#1B4F72"
    """Titles, section slides, the cover, table headers."""
    accent: Colour = "#C0392B"
    """Rules and highlights."""
    text: Colour = "#1F2328"
    muted: Colour = "#57606A"
    """Footers, running heads, captions."""
    background: Colour = "#FFFFFF"
    code_background: Colour = "#F6F8FA"
    code_border: Colour = "#D0D7DE"
    highlight: Colour = "#FFF1A8"
    """Background of `hl_lines`."""
    table_header_text: Colour = "#FFFFFF"
    table_stripe: Colour = "#F2F4F7"
    tip: Colour = "#1A7F37"
    note: Colour = "#0969DA"
    warning: Colour = "#9A6700"
    yes: Colour = "#1A7F37"
    """Decision trees: the 'yes' connector label."""
    no: Colour = "#B42318"
    """Decision trees: the 'no' connector label."""


class Font(_Strict):
    """A font family and its files (relative to the theme folder; freely licensed, shipped)."""

    family: str
    regular: Path
    bold: Path
    italic: Path
    bold_italic: Path


class FallbackFont(_Strict):
    """A font of the fallback chain, for the characters the theme's own faces lack (scripts, emoji).

    `file` is a path inside the theme folder, or the file name of an installed font (Debian's
    fonts-noto-* put theirs under /usr/share/fonts), found at build time; `package` names the Debian
    package that installs it, so a machine without it is told what to install.
    """

    family: str
    file: str
    bold: str | None = None
    """The bold face's file, found like `file` (else the regular face is drawn for bold text)."""
    package: str = ""
    licence: str = ""
    """The font's licence (e.g. OFL-1.1): the handbook embeds it, so it must be freely licensed."""

    @field_validator("file", "bold")
    @classmethod
    def _inside(cls, value: str | None) -> str | None:
        if value is not None and (Path(value).is_absolute() or ".." in Path(value).parts or not value.strip()):
            raise ValueError("a path inside the theme folder, or the file name of an installed font")
        return value


class Fonts(_Strict):
    body: Font
    heading: Font
    mono: Font
    fallback: tuple[FallbackFont, ...] = ()
    """Fonts tried in order for a character the body, heading or mono face lacks (both outputs)."""


class Layouts(_Strict):
    """The slide layouts of the deck's template, by name, for each kind of slide.

    The defaults are the layouts of the shipped template (PowerPoint's English names); a theme with its own
    `pptx_template` names its layouts here. A slide can choose another one: `## Title {layout="Two Content"}`.
    """

    title: str = "Title Slide"
    """The cover: course title, subtitle, authors, version and date."""
    section: str = "Section Header"
    """Section dividers (headings above the slide level)."""
    content: str = "Title Only"
    """Slides with a title."""
    blank: str = "Blank"
    """Slides without a title (after a `---` break)."""


class Deck(_Strict):
    """Slide sizes in points; minimums are where shrinking stops and splitting starts."""

    cover_title_size: float = Field(40, gt=0)
    """The course title on the title slide."""
    title_size: float = Field(30, gt=0)
    section_size: float = Field(36, gt=0)
    body_size: float = Field(20, gt=0)
    min_body_size: float = Field(14, gt=0)
    code_size: float = Field(16, gt=0)
    min_code_size: float = Field(10, gt=0)
    table_size: float = Field(14, gt=0)
    """Tables start at the body size and come down to this before any other text shrinks."""
    min_table_size: float = Field(10, gt=0)
    footer_size: float = Field(10, gt=0)
    notes_size: float = Field(12, gt=0)
    margin: float = Field(0.5, ge=0)
    """Inches, on every side of the slide."""
    line_spacing: float = Field(1.2, gt=0)
    """Line pitch as a multiple of the font size (used to measure what fits)."""
    layouts: Layouts = Layouts()
    """Which layout of the template each kind of slide uses."""


class Margins(_Strict):
    """Page margins in millimetres (inner/outer become left/right when not printing duplex)."""

    top: float = 22
    bottom: float = 24
    inner: float = 24
    outer: float = 18


class Handbook(_Strict):
    """Handbook sizes in points."""

    body_size: float = Field(10, gt=0)
    code_size: float = Field(8.2, gt=0)
    line_height: float = Field(1.45, gt=0)
    h1_size: float = Field(24, gt=0)
    h2_size: float = Field(15, gt=0)
    h3_size: float = Field(12, gt=0)
    toc_depth: int = Field(3, ge=1, le=6)
    """Headings down to this depth are numbered and listed in the contents and the PDF bookmarks."""
    code_keep_lines: int = Field(30, ge=1)
    """Code blocks of at most this many (wrapped) lines never break across pages."""


class ThemeSpec(_Strict):
    """The schema of theme.yaml."""

    extends: str | None = None
    """A theme whose values this one starts from."""
    description: str = ""
    pygments_style: str = "friendly"
    """The Pygments style that colours code in both outputs."""
    colors: Colours = Colours()
    fonts: Fonts
    slide_size: Literal["16:9", "4:3"] = "16:9"
    paper: Literal["a4", "letter"] = "a4"
    margins: Margins = Margins()
    logo: Path | None = None
    pptx_template: Path | None = None
    """A corporate .pptx/.potx whose masters and layouts the deck uses."""
    deck: Deck = Deck()
    handbook: Handbook = Handbook()


class Theme:
    """A loaded theme: the validated spec plus the folders it came from (for templates and files)."""

    def __init__(self, name: str, spec: ThemeSpec, folders: tuple[Path, ...]):
        self.name = name
        self.spec = spec
        self.folders = folders  # this theme first, then what it extends

    def __getattr__(self, item: str):
        if item.startswith("__") or item == "spec":  # not yet set while unpickling in a worker
            raise AttributeError(item)
        return getattr(self.spec, item)

    @property
    def root(self) -> Path:
        return self.folders[0]

    @property
    def template_dirs(self) -> list[Path]:
        """Jinja2/CSS search path: the theme's own `templates/`, then its parents'."""
        return [f / "templates" for f in self.folders if (f / "templates").is_dir()]

    @cached_property
    def files(self) -> tuple[Path, ...]:
        """Every file the theme consists of (for cache keys and watch)."""
        found = []
        for folder in self.folders:  # a file linking out of the theme is not part of it (never opened)
            found += sorted(p for p in folder.rglob("*") if p.is_file() and confined(p, [folder]))
        return tuple(found)

    @property
    def slide_width_in(self) -> float:
        return 13.333 if self.spec.slide_size == "16:9" else 10.0

    @property
    def slide_height_in(self) -> float:
        return 7.5


def find_theme(name: str, search: tuple[Path, ...] = ()) -> Path | None:
    """Return the folder of theme `name`: `./themes/`, extra `search` folders, then shipped themes."""
    if not name or "/" in name or "\\" in name or name in (".", ".."):
        return None  # a theme is a folder name, never a path
    for base in _theme_bases(search):
        candidate = base / name
        if (candidate / THEME_FILE).is_file() and confined(candidate / THEME_FILE, [candidate]):
            return candidate.resolve()
    return None


def available_themes(search: tuple[Path, ...] = ()) -> list[str]:
    """Return the names of every theme `find_theme` can see."""
    names = set()
    for base in _theme_bases(search):
        if base.is_dir():
            names.update(p.name for p in base.iterdir() if (p / THEME_FILE).is_file())
    return sorted(names)


def _theme_bases(search: tuple[Path, ...]) -> tuple[Path, ...]:
    return (Path.cwd() / "themes", *search, SHIPPED_THEMES)


def load_theme(name: str, origin: Location, search: tuple[Path, ...] = ()) -> Theme:
    """Return theme `name` with its `extends:` chain merged; raise ThemeError listing every problem."""
    diags = Diagnostics()
    merged: dict = {}
    folders: list[Path] = []
    chain: list[str] = []
    current: str | None = name
    where = origin
    while current is not None:
        if current in chain:
            cycle = " → ".join([*chain[chain.index(current):], current])
            diags.error(where, f"themes extend each other in a cycle: {cycle}", "remove one 'extends:'")
            break
        folder = find_theme(current, search)
        if folder is None:
            diags.error(where, f"unknown theme '{current}'",
                        f"themes are looked up in ./themes/, then among the shipped ones; "
                        f"available: {', '.join(available_themes(search)) or 'none'}")
            break
        chain.append(current)
        folders.append(folder)
        path = folder / THEME_FILE
        content = source_text.read(path, diags, MAX_THEME_FILE_BYTES, "theme file")
        data = yamlsrc.parse(content, path, diags) if content is not None else None
        if data is None or not isinstance(data, dict):
            if data is not None:
                diags.error(Location(path), "theme.yaml must be a mapping of keys to values", "e.g. pygments_style: friendly")
            break
        _resolve_paths(data, folder, path, diags)
        merged = _deep_merge(merged, _with_origin(data, path))  # the theme named first wins
        current = data.get("extends")
        where = yamlsrc.locate(data, ("extends",), path)
        if current is not None and not isinstance(current, str):
            diags.error(where, "'extends' should be the name of one theme", "e.g. extends: default")
            break
    spec = None
    if not diags.errors:
        merged.pop("extends", None)
        spec = yamlsrc.validate(ThemeSpec, merged, folders[0] / THEME_FILE, diags, what="theme")
    if spec is not None:
        _check_files(spec, merged, folders[0] / THEME_FILE, diags)
        _check_style(spec.pygments_style, yamlsrc.locate(merged, ("pygments_style",), folders[0] / THEME_FILE), diags)
    diags.raise_if_errors(ThemeError)
    assert spec is not None
    return Theme(name, spec, tuple(folders))


_PATH_KEYS = {"regular", "bold", "italic", "bold_italic", "logo", "pptx_template"}


def _resolve_paths(data: dict, folder: Path, path: Path, diags: Diagnostics, keys: tuple = ()) -> None:
    """Make the file paths of one theme.yaml absolute, relative to the folder that names them.

    A theme may only use files inside its own folder (symbolic links followed), like a course.
    """
    for key, value in list(data.items()):
        if isinstance(value, dict):
            _resolve_paths(value, folder, path, diags, (*keys, key))
        elif key in _PATH_KEYS and isinstance(value, str):
            target = (folder / value).resolve()
            if Path(value).is_absolute() or not target.is_relative_to(folder):
                diags.error(yamlsrc.locate(data, (key,), path), f"'{'.'.join(map(str, (*keys, key)))}': "
                            f"'{value}' lies outside the theme folder", "ship the file inside the theme")
            data[key] = str(target)


def _with_origin(data: dict, path: Path) -> dict:
    """Mark every key of `data` (recursively) as coming from theme file `path`."""
    data.origins = {key: path for key in data}  # type: ignore[attr-defined]
    for value in data.values():
        if isinstance(value, dict):
            _with_origin(value, path)
    return data


def _deep_merge(child: dict, parent: dict) -> dict:
    """Return `parent` overlaid with `child` (mappings merge key by key; other values replace)."""
    out = yamlsrc.LineDict(parent)
    out.lines = {**getattr(parent, "lines", {}), **getattr(child, "lines", {})}
    out.cols = {**getattr(parent, "cols", {}), **getattr(child, "cols", {})}
    out.origins = {**getattr(parent, "origins", {}), **getattr(child, "origins", {})}
    out.line = getattr(child, "line", 1)
    for key, value in child.items():
        if isinstance(value, dict) and isinstance(parent.get(key), dict):
            out[key] = _deep_merge(value, parent[key])
        else:
            out[key] = value
    return out


def _check_files(spec: ThemeSpec, data: dict, path: Path, diags: Diagnostics) -> None:
    for role in ("body", "heading", "mono"):
        font: Font = getattr(spec.fonts, role)
        for face in ("regular", "bold", "italic", "bold_italic"):
            _check_file(getattr(font, face), f"fonts.{role}.{face}", ("fonts", role, face), data, path, diags)
    for key in ("logo", "pptx_template"):
        file = getattr(spec, key)
        if file is not None:
            _check_file(file, key, (key,), data, path, diags)


def _check_file(file: Path, what: str, keys: tuple, data: dict, path: Path, diags: Diagnostics) -> None:
    where = yamlsrc.locate(data, keys, path)
    if file.is_dir():
        diags.error(where, f"'{what}' names a folder, not a file: {file}", "name the file inside it")
    elif not file.is_file():
        diags.error(where, f"'{what}' file not found: {file}",
                    "paths are relative to the theme folder; ship the file inside it")
    elif what == "logo":
        from .load.includes import check_image

        check_image(file, where, diags)
    elif what.startswith("fonts."):
        problem = _font_problem(file)
        if problem:
            diags.error(where, f"'{what}': {file.name} {problem}", "ship a TrueType or OpenType font file (.ttf, .otf)")


MAX_FONT_BYTES = 50 * 1024 * 1024


def _font_problem(file: Path) -> str:
    """Return why `file` is not a usable font ('' when it is)."""
    from fontTools.ttLib import TTFont

    size = file.stat().st_size
    if size == 0:
        return "is empty"
    if size > MAX_FONT_BYTES:
        return f"is {size // (1024 * 1024)} MiB, more than a font of {MAX_FONT_BYTES // (1024 * 1024)} MiB"
    try:
        with TTFont(io.BytesIO(file.read_bytes()), lazy=True) as font:
            font["cmap"].getBestCmap()
            font["hmtx"]  # noqa: B018 - measuring needs the advances
    except Exception as exc:  # noqa: BLE001 - fontTools raises TTLibError, KeyError, struct.error, ...
        return f"is not a font fontTools can read ({type(exc).__name__}: {str(exc)[:80] or 'no detail'})"
    return ""


def _check_style(style: str, where: Location, diags: Diagnostics) -> None:
    from . import highlight

    if not highlight.has_style(style):
        close = difflib.get_close_matches(style, highlight.style_names(), n=1)
        diags.error(where, f"unknown Pygments style '{style}'",
                    f"did you mean '{close[0]}'?" if close else f"one of: {', '.join(highlight.style_names())}")

"""The handbook's styles: the theme as CSS (fonts, page, colours, code colours) and its stylesheets.

WeasyPrint receives the theme's tokens as custom properties (`tokens_css`); the theme's stylesheets
(`handbook.css` and the ones a kind of document adds) say what the writer's classes look like.
"""

from __future__ import annotations

from pathlib import Path

from ... import highlight
from ...errors import Diagnostic, Location, RenderError
from ...options import DEFAULT_PDF_VARIANT, Options
from ...paths import confined
from ...theme import Colours, Theme
from ..common import fontchain
from ..common.colours import tints
from . import codeblock, writer
from .template import template_dirs

STYLESHEET = "handbook.css"
PRINT_STYLESHEET = "handbook-print.css"  # bleed, crop marks, duplex margins, chapters on right pages
PART_STYLESHEET = "handbook-part.css"  # a part of a stitched book draws no folios...
FOLIO_STYLESHEET = "handbook-folio.css"  # ...a folio document draws only them
MEASURE_STYLESHEET = "handbook-measure.css"  # a quick layout of the contents, to count its pages
CODE_LINE_HEIGHT = 1.4  # code rows, as a multiple of the code size
TABLE_SCALE = 0.92  # table text, relative to the body size
FAMILIES = {"body": "db-body", "heading": "db-heading", "mono": "db-mono"}
_FACES = {"regular": (400, "normal"), "bold": (700, "normal"), "italic": (400, "italic"),
          "bold_italic": (700, "italic")}


def tokens_css(theme: Theme, options: Options, fallback: tuple[fontchain.ChainFont, ...] = ()) -> str:
    """Return the theme as CSS: @font-face rules, the page size, custom properties, the code colours.

    `fallback` are the fonts of the theme's fallback chain that the course needs (`fontchain.Chain.needed`):
    each family lists them after its own face, so only those are loaded and embedded.
    """
    spec = theme.spec
    rules = []
    for role, family in FAMILIES.items():
        font = getattr(spec.fonts, role)
        for face, (weight, style) in _FACES.items():
            rules.append(f'@font-face{{font-family:"{family}";src:url("{getattr(font, face).as_uri()}");'
                         f"font-weight:{weight};font-style:{style}}}")
    chain = ""
    for n, font in enumerate(fallback):
        assert font.file is not None  # `needed` returns installed fonts only
        for weight, file in ((400, font.file), (700, font.bold or font.file)):
            rules.append(f'@font-face{{font-family:"db-fallback-{n}";src:url("{file.as_uri()}");'
                         f"font-weight:{weight}}}")
        chain += f', "db-fallback-{n}"'
    rules.append(f"@page{{size:{options.paper or spec.paper}}}")
    props = {f"--c-{name.replace('_', '-')}": value for name, value in spec.colors}
    props.update(_tints(spec.colors))
    props["--c-code-text"] = highlight.palette(spec.pygments_style).text
    hb, m, ins = spec.handbook, spec.margins, writer.Insets()
    props.update({
        # Fonts fall back to the body face (it has arrows and symbols the mono face lacks), then to the
        # theme's fallback chain, never to another system font, so only theme fonts are embedded.
        "--f-body": f'"{FAMILIES["body"]}"{chain}',
        "--f-heading": f'"{FAMILIES["heading"]}", "{FAMILIES["body"]}"{chain}',
        "--f-mono": f'"{FAMILIES["mono"]}", "{FAMILIES["body"]}"{chain}',
        "--fs-body": f"{hb.body_size}pt",
        "--fs-small": f"{round(hb.body_size * 0.8, 2)}pt",
        "--fs-code": f"{hb.code_size}pt",
        "--fs-table": f"{round(hb.body_size * TABLE_SCALE, 2)}pt",
        "--fs-h1": f"{hb.h1_size}pt",
        "--fs-h2": f"{hb.h2_size}pt",
        "--fs-h3": f"{hb.h3_size}pt",
        "--lh": str(hb.line_height),
        "--code-lh": str(CODE_LINE_HEIGHT),
        "--m-top": f"{m.top}mm",
        "--m-bottom": f"{m.bottom}mm",
        "--m-inner": f"{m.inner}mm",
        "--m-outer": f"{m.outer}mm",
        # The HTML writer wraps code with these same insets (writer.Insets): keep them in one place.
        **{f"--{name.replace('_', '-')}": f"{getattr(ins, name)}pt" for name in ins.__dataclass_fields__},
    })
    rules.append(":root{" + ";".join(f"{k}:{v}" for k, v in props.items()) + "}")
    rules.append(codeblock.code_css(spec.pygments_style, ".code"))
    if (options.pdf_variant or DEFAULT_PDF_VARIANT).startswith("pdf/a"):
        # PDF/A forbids interpolated images (ISO 19005-3 6.2.8-3); WeasyPrint asks for interpolation
        # unless `image-rendering` says otherwise.
        rules.append("img{image-rendering:crisp-edges}")
    return "\n".join(rules) + "\n"


def _tints(colors: Colours) -> dict[str, str]:
    """Return light backgrounds derived from the palette (callouts, notes, answers, code titles)."""
    t = tints(colors)
    return {"--c-tip-bg": t.tip, "--c-note-bg": t.note, "--c-warning-bg": t.warning,
            "--c-exercise-bg": t.exercise,
            "--c-notes-bg": t.notes, "--c-code-head": t.code_head, "--c-rule": t.rule}


def stylesheet_paths(theme: Theme, options: Options, *extra: str) -> tuple[Path, ...]:
    """Return the theme's stylesheets for `options`, then `extra` ones, as found on the template path."""
    paths = []
    for name in [STYLESHEET] + ([PRINT_STYLESHEET] if options.print_mode else []) + list(extra):
        path = next((d / name for d in template_dirs(theme) if (d / name).is_file()), None)
        if path is None:
            raise RenderError([Diagnostic(Location(theme.root / "theme.yaml"), f"stylesheet '{name}' not found",
                                          f"looked in {', '.join(str(d) for d in template_dirs(theme))}")])
        if confined(path, [path.parent.parent]) is None:
            raise RenderError([Diagnostic(Location(path), f"stylesheet '{name}' links outside its theme",
                                          "a theme's files must live inside its folder; copy the file in")])
        paths.append(path)
    return tuple(paths)

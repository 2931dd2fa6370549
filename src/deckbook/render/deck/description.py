"""A text description of a .pptx (slide titles, shapes, texts, run formats) for tests and golden files."""

from __future__ import annotations

from pathlib import Path

from pptx import Presentation
from pptx.enum.shapes import MSO_SHAPE_TYPE
from pptx.oxml.ns import qn

from .xml import DECORATIVE_EXT


def describe(path: Path) -> str:
    """Return one block per slide: layout, title, every shape with its text and run colours, the notes."""
    prs = Presentation(str(path))
    out = [f"deck {prs.slide_width.pt:g}x{prs.slide_height.pt:g} pt"]
    for number, slide in enumerate(prs.slides, start=1):
        title_shape = slide.shapes.title
        title = title_shape.text_frame.text if title_shape is not None else ""
        hidden = " (hidden)" if title_shape is not None and _c_nv_pr(title_shape).get("hidden") == "1" else ""
        out.append(f"slide {number} [{slide.slide_layout.name}] {title!r}{hidden}")
        for shape in slide.shapes:
            out.extend("  " + line for line in _shape(shape))
        if slide.has_notes_slide and slide.notes_slide.notes_text_frame.text:
            out.append("  notes: " + repr(slide.notes_slide.notes_text_frame.text))
    return "\n".join(out) + "\n"


def _c_nv_pr(shape):
    return shape.element.find(f"./*/{qn('p:cNvPr')}")


def _accessibility(shape) -> str:
    """Return what a screen reader is told about a shape: its alternative text, or that it is decorative."""
    c_nv_pr = _c_nv_pr(shape)
    if c_nv_pr is None:
        return ""
    if c_nv_pr.find(f"{qn('a:extLst')}/{qn('a:ext')}[@uri='{DECORATIVE_EXT}']") is not None:
        return " decorative"
    descr = c_nv_pr.get("descr")
    return f" descr={descr!r}" if descr else ""


def _shape(shape) -> list[str]:
    head = f"{_kind(shape)} {shape.name!r}{_accessibility(shape)}"
    if shape.shape_type == MSO_SHAPE_TYPE.GROUP:
        return [head, *("  " + line for inner in shape.shapes for line in _shape(inner))]
    if shape.has_chart:
        chart = shape.chart
        series = ", ".join(f"{s.name}={list(s.values)}" for s in chart.plots[0].series)
        return [f"{head} {chart.chart_type.name} categories={list(chart.plots[0].categories)} {series}"]
    if shape.has_table:
        lines = [head]
        for row in shape.table.rows:
            lines.append("  | " + " | ".join(_paragraphs(cell.text_frame, inline=True) for cell in row.cells))
        return lines
    if shape.shape_type == MSO_SHAPE_TYPE.PICTURE:
        return [head]
    if not shape.has_text_frame or not shape.text_frame.text:
        return [head]
    return [head, *("  " + p for p in _paragraphs(shape.text_frame).split("\n"))]


def _kind(shape) -> str:
    if shape.is_placeholder:
        return "placeholder"
    if shape.shape_type == MSO_SHAPE_TYPE.AUTO_SHAPE:
        return f"autoshape:{shape.auto_shape_type.name.lower()}"
    return shape.shape_type.name.lower() if shape.shape_type is not None else "shape"


def _paragraphs(frame, inline: bool = False) -> str:
    lines = []
    counters: dict[int, int] = {}
    for p in frame.paragraphs:
        runs = _bullet(p, counters) + " ".join(_run(r) for r in p.runs)
        if "slidenum" in p._p.xml:
            runs += " {slidenum}"
        lines.append(runs)
    return " / ".join(lines) if inline else "\n".join(lines)


def _bullet(p, counters: dict[int, int]) -> str:
    """Return "• " or "3. " (indented two spaces per level) for a list paragraph, else ""."""
    ppr = p._p.pPr
    if ppr is None or ppr.get("marL") is None:
        counters.clear()
        return ""
    hang = -int(ppr.get("indent") or 0)
    level = round(int(ppr.get("marL")) / hang) - 1 if hang else 0
    for deeper in [lv for lv in counters if lv > level]:
        del counters[deeper]
    char, number = ppr.find(qn("a:buChar")), ppr.find(qn("a:buAutoNum"))
    if char is not None:
        counters.pop(level, None)
        return "  " * level + char.get("char") + " "
    if number is not None:  # PowerPoint counts on from startAt along a run of numbered paragraphs
        counters[level] = counters.get(level, int(number.get("startAt", "1")) - 1) + 1
        return "  " * level + f"{counters[level]}. "
    return "  " * (level + 1)


def _run(run) -> str:
    font = run.font
    marks = []
    if font.color and font.color.type is not None:
        marks.append(f"#{font.color.rgb}")
    if font.bold:
        marks.append("b")
    if font.italic:
        marks.append("i")
    if font.name and "Mono" in font.name:
        marks.append("mono")
    if run.hyperlink.address:
        marks.append(f"link={run.hyperlink.address}")
    return repr(run.text) + (f"[{' '.join(marks)}]" if marks else "")

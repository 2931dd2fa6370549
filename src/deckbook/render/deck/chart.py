"""Metrics as a native clustered column chart (python-pptx chart), coloured from the theme."""

from __future__ import annotations

from pptx.chart.data import CategoryChartData
from pptx.dml.color import RGBColor
from pptx.enum.chart import XL_CHART_TYPE, XL_LEGEND_POSITION, XL_LABEL_POSITION
from pptx.oxml.ns import qn
from pptx.slide import Slide
from pptx.util import Pt

from ...theme import Theme
from .frames import ChartFrame
from ..common.colours import tints
from .pieces.figures import BAR_GAP, chart_decimals


def draw(slide: Slide, frame: ChartFrame, theme: Theme):
    """Add a clustered column chart of `frame.metrics` (one category per row, before and after series); return it."""
    metrics, colors = frame.metrics, theme.spec.colors
    values = [v for row in metrics.rows for v in (row.before, row.after)]
    # Labels as `pieces.chart_number` measures them; ticks grouped where no decimal would be shown.
    decimals = chart_decimals(metrics)
    labels_format = "General" if decimals is None else "#,##0" + ("." + "0" * decimals if decimals else "")
    ticks_format = "#,##0" if max(map(abs, values), default=0) >= 1000 else "General"
    data = CategoryChartData(number_format=labels_format)
    data.categories = [row.name for row in metrics.rows]
    data.add_series(metrics.before_label, [row.before for row in metrics.rows])
    data.add_series(metrics.after_label, [row.after for row in metrics.rows])
    box = frame.box
    shape = slide.shapes.add_chart(XL_CHART_TYPE.COLUMN_CLUSTERED, Pt(box.x), Pt(box.y), Pt(box.w), Pt(box.h),
                                   data)
    shape.name = "Metrics chart"
    chart = shape.chart
    _renumber_axes(chart)
    chart.font.size = Pt(frame.size)
    chart.font.name = theme.spec.fonts.body.family
    chart.font.color.rgb = _rgb(colors.text)
    chart.has_legend = True
    chart.legend.position = XL_LEGEND_POSITION.BOTTOM
    chart.legend.include_in_layout = False
    for series, colour in zip(chart.plots[0].series, (tints(colors).before, colors.primary)):
        series.format.fill.solid()
        series.format.fill.fore_color.rgb = _rgb(colour)
    plot = chart.plots[0]
    plot.gap_width = round(BAR_GAP * 100)
    plot.has_data_labels = True
    labels = plot.data_labels
    labels.position = XL_LABEL_POSITION.OUTSIDE_END
    labels.font.size = Pt(frame.label_size)
    axis = chart.value_axis
    axis.has_major_gridlines = True
    axis.major_gridlines.format.line.color.rgb = _rgb(colors.code_border)
    axis.format.line.fill.background()
    # The unit goes on the tick labels, not in an axis title: LibreOffice repeats a title under the categories.
    unit = f'" {_quote(metrics.unit)}"' if metrics.unit else ""
    axis.tick_labels.number_format = ticks_format + unit
    axis.tick_labels.number_format_is_linked = False
    return shape


def _quote(text: str) -> str:
    return text.replace('"', "'")


AXIS_ID_BASE = 100_000  # axis ids count up from here (PowerPoint's own are of this order or larger)


def _renumber_axes(chart) -> None:
    """Give the axes small positive ids, in order of first appearance, references kept.

    python-pptx writes random negative ids; the schema says xsd:unsignedInt, and Microsoft's Open XML
    SDK (as PowerPoint) also rejects values above 2 147 483 647, so unsigned ids must stay below 2**31.
    """
    ids: dict[str, str] = {}
    for node in chart._chartSpace.iter(qn("c:axId"), qn("c:crossAx")):
        node.set("val", ids.setdefault(node.get("val"), str(AXIS_ID_BASE + len(ids))))


def _rgb(colour: str) -> RGBColor:
    return RGBColor.from_string(colour.lstrip("#"))

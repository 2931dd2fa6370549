"""Blocks as measurable pieces: each knows its height, how to split itself, and the frames it becomes.

A piece is what the paginator moves around: one per block (a bullet list's text is one piece, a code
block another), or a fragment of a block after a split. Sizes are in points; nothing here touches
python-pptx, so the overflow report costs only font measurement. One module per kind of thing measured:
`text`, `code`, `table`, `figures` (pictures, decision trees, metrics), `stack` (boxes, columns, stacking
and the block-type table); `base` holds what they share.
"""

from .base import SIZE_STEP, Context, Piece, Run, Sizes, round_size, run_face, runs
from .code import CodePiece
from .figures import ImagePiece, MetricsPiece, TreePiece, chart_decimals, chart_number
from .stack import BLOCKS, BoxPiece, ColumnsPiece, gap, pieces, place_stack, stack_height, take
from .table import Spans, TablePiece, share
from .text import ParaSpec, TextPiece, footnotes_piece

__all__ = ["SIZE_STEP", "Context", "Piece", "Run", "Sizes", "round_size", "run_face", "runs", "CodePiece",
           "ImagePiece", "MetricsPiece", "TreePiece", "chart_decimals", "chart_number", "BLOCKS",
           "BoxPiece", "ColumnsPiece", "gap", "pieces", "place_stack", "stack_height", "take", "Spans",
           "TablePiece", "share", "ParaSpec", "TextPiece", "footnotes_piece"]

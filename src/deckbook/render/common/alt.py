"""Alternative texts: what a figure says to someone who cannot see it, the same in the handbook and the deck.

The handbook puts them on its images and drawings (the tagged PDF's /Alt), the deck on its pictures,
charts, tables and diagrams (`descr`, what PowerPoint's accessibility checker reads). A new kind of
picture (an SVG, a formula) takes its text from here too, so both outputs stay in step.
"""

from __future__ import annotations

from typing import Sequence

from ...model import Answer, Image, Metrics, Question
from .labels import Labels
from .numbers import quantity


def image(block: Image) -> str:
    """Return a picture's text: the author's Markdown alt text, else its title, else its file name."""
    return block.alt or block.title or block.path.stem


def math(tex: str) -> str:
    """Return a formula's text: its TeX, which screen readers spell out and readers of TeX read as written."""
    return tex


def describe_tree(node: Question | Answer, yes: str = "yes", no: str = "no") -> str:
    """Return a decision tree as one sentence-like text."""
    if isinstance(node, Answer):
        return node.text
    return f"{node.text} {yes}: {describe_tree(node.yes, yes, no)}; {no}: {describe_tree(node.no, yes, no)}"


def decision_tree(root: Question | Answer, words: Labels) -> str:
    """Return the text of a decision tree drawing."""
    return f"{words.decision_tree}: {describe_tree(root, words.yes, words.no)}"


def chart(block: Metrics, words: Labels) -> str:
    """Return the text of a metrics chart: every row's before and after values."""
    return f"{words.chart}: " + "; ".join(
        f"{r.name}: {block.before_label} {quantity(r.before, block.unit)}, "
        f"{block.after_label} {quantity(r.after, block.unit)}" for r in block.rows)


def table(header: Sequence[str], rows: int, words: Labels) -> str:
    """Return a table's summary: its column headings and how many rows of data follow them."""
    return f"{words.table}: {', '.join(h for h in header if h)}; {rows} {words.rows}"

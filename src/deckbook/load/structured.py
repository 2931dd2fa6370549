"""Structured blocks: a fence of YAML that is a drawing, read into the model (`decision-tree`, `metrics`).

```` ```decision-tree ```` holds questions with yes/no branches down to answers; ```` ```metrics ````
holds measured rows (before, after). The YAML is validated with every problem at its file:line:col.
"""

from __future__ import annotations

from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, StrictBool, field_validator

from .. import model as m, yamlsrc
from ..errors import Diagnostics, Location

STRUCTURED = ("decision-tree", "metrics")
MAX_TREE_DEPTH = 12
"""Questions from the root to the deepest answer; deeper trees cannot be drawn legibly."""


class _DecisionNode(BaseModel):
    model_config = ConfigDict(extra="forbid")
    question: str | None = None
    answer: str | None = None
    yes: "_DecisionNode | None" = None
    no: "_DecisionNode | None" = None


class _DecisionSpec(_DecisionNode):
    title: str = ""


MAX_METRIC = 1e15
"""The largest magnitude of a metric value: differences, ratios and chart scales stay finite and exact enough."""


class _MetricRowSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str
    before: float = Field(allow_inf_nan=False, gt=0, le=MAX_METRIC)
    """Greater than 0: every row shows its change relative to it."""
    after: float = Field(allow_inf_nan=False, ge=-MAX_METRIC, le=MAX_METRIC)

    @field_validator("before", "after", mode="before")
    @classmethod
    def _not_bool(cls, value):
        if isinstance(value, bool):  # pydantic reads true as 1.0
            raise ValueError("a measured number, not true/false")
        return value


class _MetricsSpec(BaseModel):
    model_config = ConfigDict(extra="forbid")
    title: str = ""
    unit: str = ""
    lower_is_better: StrictBool
    before_label: str = "Before"
    after_label: str = "After"
    caption: str = ""
    rows: list[_MetricRowSpec] = Field(min_length=1)


def read(kind: str, body: str, path: Path, first_line: int, loc: Location, diags: Diagnostics) -> list[m.Block]:
    """Return the block of kind `kind` written as YAML in `body` (its first line is `first_line` of `path`)."""
    errors_before = len(diags.errors)
    data = yamlsrc.parse(body, path, diags, first_line)
    if data is None and len(diags.errors) > errors_before:
        return []
    if not isinstance(data, dict):
        diags.error(loc, f"a {kind} block holds a YAML mapping",
                    "key: value lines; see the content format in the README")
        return []
    if kind == "metrics":
        spec = yamlsrc.validate(_MetricsSpec, data, path, diags, first_line, "metrics")
        if spec is None:
            return []
        rows = tuple(m.MetricRow(r.name, r.before, r.after) for r in spec.rows)
        return [m.Metrics(spec.title, spec.unit, spec.lower_is_better, rows, spec.before_label,
                          spec.after_label, spec.caption, loc)]
    too_deep = _deeper_than(data, MAX_TREE_DEPTH)
    if too_deep is not None:
        diags.error(yamlsrc.locate(data, too_deep, path, first_line),
                    f"decision-tree deeper than {MAX_TREE_DEPTH} questions", "split it into several trees")
        return []
    spec = yamlsrc.validate(_DecisionSpec, data, path, diags, first_line, "decision-tree")
    if spec is None:
        return []
    root = _decision(spec, (), data, path, first_line, diags)
    return [m.DecisionTree(root, spec.title, loc)] if root is not None else []


def _decision(node: _DecisionNode, keys: tuple, data, path: Path, first_line: int, diags: Diagnostics):
    """Return the tree below `node` (at `keys` in `data`), or None after reporting what is wrong with it."""
    where = ".".join(keys) or "top level"
    shape = "a node is either {answer: ...} or {question: ..., yes: ..., no: ...}"
    if node.answer is not None:
        extra = [k for k in ("question", "yes", "no") if getattr(node, k) is not None]
        if extra:
            diags.error(yamlsrc.locate(data, (*keys, extra[0]), path, first_line),
                        f"decision-tree {where}: an answer cannot also have {', '.join(extra)}", shape)
            return None
        return m.Answer(node.answer)
    if node.question is None or node.yes is None or node.no is None:
        missing = [k for k in ("question", "yes", "no") if getattr(node, k) is None]
        diags.error(yamlsrc.locate(data, keys, path, first_line),
                    f"decision-tree {where}: missing {', '.join(missing)}", shape)
        return None
    yes = _decision(node.yes, (*keys, "yes"), data, path, first_line, diags)
    no = _decision(node.no, (*keys, "no"), data, path, first_line, diags)
    if yes is None or no is None:
        return None
    return m.Question(node.question, yes, no)


def _deeper_than(data, limit: int) -> tuple | None:
    """Return the key path of the first decision-tree node deeper than `limit` questions, or None."""
    stack = [((), data)]
    while stack:
        keys, node = stack.pop()
        if len(keys) > limit:
            return keys
        if isinstance(node, dict):
            stack += [((*keys, branch), node[branch]) for branch in ("no", "yes") if branch in node]
    return None

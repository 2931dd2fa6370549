"""YAML read with line numbers, and pydantic validation reported as diagnostics with file:line.

course.yaml, theme.yaml, front matter and the structured code blocks all go through here, so every
schema problem reads the same: the key path, the bad value, what is allowed, and "did you mean".
"""

from __future__ import annotations

import difflib
import re
from pathlib import Path
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import Diagnostics, Location

M = TypeVar("M", bound=BaseModel)


class LineDict(dict):
    """A mapping that remembers the 1-based line of each key (and its own)."""

    line: int = 1
    lines: dict[Any, int]
    cols: dict[Any, int]


class LineList(list):
    """A sequence that remembers the 1-based line of each item (and its own)."""

    line: int = 1
    lines: list[int]
    cols: list[int]


class _Loader(yaml.SafeLoader):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.lines = {}
    result.cols = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark)
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key] = key_node.start_mark.line + 1
        result.cols[key] = key_node.start_mark.column + 1
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.lines = [child.start_mark.line + 1 for child in node.value]
    result.cols = [child.start_mark.column + 1 for child in node.value]
    return result


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
# YAML 1.2 scalars: dates stay strings (pydantic parses them), and only true/false are booleans —
# YAML 1.1 reads `yes:`/`no:` (the decision tree's branch keys) and `on`/`off` as booleans.
_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool")]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))


def parse(text: str, path: Path, diags: Diagnostics, first_line: int = 1) -> Any:
    """Return the YAML document in `text`, or None after reporting a syntax error.

    `first_line` is the line of `text`'s first line in `path` (for front matter and code blocks).
    """
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = first_line + (mark.line if mark else 0)
        col = (mark.column + 1) if mark else 1
        problem = exc.problem or exc.context or "invalid YAML"
        diags.error(Location(path, line, col), f"YAML syntax: {problem}",
                    "check indentation, and quote values that contain ': ' or start with a special character")
    except yaml.YAMLError as exc:  # pragma: no cover - every PyYAML error we know is marked
        diags.error(Location(path, first_line), f"YAML: {exc}")
    return None


def line_of(data: Any, loc: tuple, first_line: int = 1) -> int:
    """Return the source line of the value at key path `loc` inside `data` (as deep as known)."""
    return position(data, loc, first_line)[0]


def position(data: Any, loc: tuple, first_line: int = 1) -> tuple[int, int]:
    """Return the source (line, column) of the key at path `loc` inside `data` (as deep as known)."""
    line, col = getattr(data, "line", 1), 1
    node = data
    for key in loc:
        if isinstance(node, LineDict) and key in node:
            line, col = node.lines[key], node.cols[key]
            node = node[key]
        elif isinstance(node, LineList) and isinstance(key, int) and 0 <= key < len(node):
            line, col = node.lines[key], node.cols[key]
            node = node[key]
        else:
            break
    return first_line - 1 + line, col


def validate(model: type[M], data: Any, path: Path, diags: Diagnostics, first_line: int = 1,
             what: str = "") -> M | None:
    """Return `data` validated as `model`, or None after reporting every problem with its line."""
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            key_path = ".".join(str(p) for p in loc) or (what or "document")
            line, col = position(data, loc, first_line)
            if err["type"] == "extra_forbidden":
                parent = _model_at(model, loc[:-1])
                allowed = sorted(parent.model_fields) if parent else []
                close = difflib.get_close_matches(str(loc[-1]), allowed, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}"
                diags.error(Location(path, line, col), f"unknown key '{key_path}'", hint)
            elif err["type"] == "missing":
                diags.error(Location(path, line, col), f"missing key '{key_path}'", "this key is required")
            else:
                value = err.get("input")
                shown = repr(value) if not isinstance(value, (dict, list)) else type(value).__name__
                diags.error(Location(path, line, col), f"'{key_path}': {err['msg']} (got {shown})".replace(") (", "; "),
                            _type_hint(err))
        return None


def _type_hint(err: dict) -> str:
    kind = err["type"]
    if kind.startswith("string"):
        return "write a text value; quote it if it looks like a number or a date"
    if kind in ("int_parsing", "int_type", "float_parsing", "float_type"):
        return "write a number without units"
    if kind.startswith("bool"):
        return "write true or false"
    if kind in ("list_type", "tuple_type"):
        return "write a YAML list (one '- item' per line)"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "write a YAML mapping (key: value lines)"
    return ""


def _model_at(model: type[BaseModel], loc: tuple) -> type[BaseModel] | None:
    """Return the pydantic model class found at key path `loc` of `model`, if any."""
    current: Any = model
    for key in loc:
        if isinstance(key, int):
            continue
        field = getattr(current, "model_fields", {}).get(key)
        if field is None:
            return None
        current = _unwrap(field.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(annotation: Any) -> Any:
    """Return the model class inside Optional[...] / list[...] / dict[str, ...] annotations."""
    args = getattr(annotation, "__args__", None)
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in args or ():
        found = _unwrap(arg)
        if isinstance(found, type) and issubclass(found, BaseModel):
            return found
    return annotation

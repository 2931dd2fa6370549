"""YAML read with line numbers, and pydantic validation reported as diagnostics with file:line.

course.yaml, theme.yaml, front matter and the structured code blocks all go through here, so every
schema problem reads the same: the key path, the bad value, what is allowed, and "did you mean".
"""

from __future__ import annotations

import bisect
import difflib
import re
from collections.abc import Hashable
from pathlib import Path
from typing import Any, Iterable, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from .errors import Diagnostics, Location
from .load import text as source_text

M = TypeVar("M", bound=BaseModel)


class LineDict(dict):
    """A mapping that remembers the 1-based line of each key (and its own).

    `origins` names the file a key came from when mappings of several files were merged (themes).
    """

    line: int = 1
    lines: dict[Any, int]
    cols: dict[Any, int]
    value_at: dict[Any, tuple[int, int]]  # where each key's value starts (line, column)
    origins: dict[Any, Path]


class LineList(list):
    """A sequence that remembers the 1-based line of each item (and its own)."""

    line: int = 1
    lines: list[int]
    cols: list[int]


class _ContentProblem(yaml.constructor.ConstructorError):
    """A well-formed YAML document that deckbook still refuses (its own hint, not the syntax one)."""

    def __init__(self, problem: str, mark: yaml.Mark, hint: str):
        super().__init__(None, None, problem, mark)
        self.hint = hint


MAX_DEPTH = 50
"""Levels of nested lists and mappings; PyYAML composes recursively, so depth costs stack."""


class _Lines:
    """Line and column of a character offset, counting only '\\n' as a line break.

    PyYAML's marks also break lines at U+0085, U+2028 and U+2029 (YAML 1.1), which editors and
    the Markdown parser do not; positions are therefore taken from the mark's offset.
    """

    def __init__(self, text: str):
        self.starts = [0] + [m.end() for m in re.finditer("\n", text)]

    def at(self, index: int) -> tuple[int, int]:
        """Return the 1-based (line, column) of character `index`."""
        line = bisect.bisect_right(self.starts, index)
        return line, index - self.starts[line - 1] + 1


class _Loader(yaml.SafeLoader):
    depth = 0

    def __init__(self, stream: str):
        super().__init__(stream)
        self.lines = _Lines(stream)

    def compose_node(self, parent, index):
        # An alias of a list or mapping shares one object between places; nested aliases of aliases
        # make a few lines expand to billions of nodes for validation ("billion laughs"). Scalars are
        # harmless (e.g. one colour reused), so only collections are refused.
        if self.check_event(yaml.AliasEvent):
            event = self.peek_event()
            target = self.anchors.get(event.anchor)
            if target is not None and not isinstance(target, yaml.ScalarNode):
                raise _ContentProblem(f"alias *{event.anchor} repeats a list or mapping", event.start_mark,
                                      "write the values out; aliases may only repeat single values")
        if self.depth >= MAX_DEPTH:
            raise _ContentProblem(f"nested more than {MAX_DEPTH} levels deep", self.peek_event().start_mark,
                                  "flatten the structure")
        self.depth += 1
        try:
            return super().compose_node(parent, index)
        finally:
            self.depth -= 1


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    loader.flatten_mapping(node)
    result = LineDict()
    result.line = loader.lines.at(node.start_mark.index)[0]
    result.lines = {}
    result.cols = {}
    result.value_at = {}
    result.origins = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, Hashable):
            raise _ContentProblem("a key must be a single value, not a list or mapping", key_node.start_mark,
                                  "write key: value")
        if key in result:
            raise _ContentProblem(f"duplicate key '{_key(key)}'", key_node.start_mark, "each key may appear only once")
        result[key] = loader.construct_object(value_node, deep=True)
        result.lines[key], result.cols[key] = loader.lines.at(key_node.start_mark.index)
        result.value_at[key] = loader.lines.at(value_node.start_mark.index)
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = loader.lines.at(node.start_mark.index)[0]
    positions = [loader.lines.at(child.start_mark.index) for child in node.value]
    result.lines = [line for line, _ in positions]
    result.cols = [col for _, col in positions]
    return result


def _construct_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    """Return a string scalar; an escape such as "\\0" or "\\uFFFE" for a character no output can hold is an error."""
    value = loader.construct_scalar(node)
    bad = source_text.FORBIDDEN.search(value)
    if bad:
        raise _ContentProblem(f"character {source_text.character_name(bad.group())} is not allowed in text",
                              node.start_mark, "remove the escape; no output format can hold it")
    return value


_Loader.add_constructor("tag:yaml.org,2002:str", _construct_text)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)
# YAML 1.2 scalars: dates stay strings (pydantic parses them), only true/false are booleans — YAML 1.1
# reads `yes:`/`no:` (the decision tree's branch keys) and `on`/`off` as booleans — and there are no
# base-60 numbers: YAML 1.1 reads `slide_size: 16:9` as the integer 969.
_REPLACED = ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int", "tag:yaml.org,2002:float")
_Loader.yaml_implicit_resolvers = {
    ch: [(tag, rx) for tag, rx in resolvers if tag not in _REPLACED]
    for ch, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_Loader.add_implicit_resolver("tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"),
                              list("tTfF"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+)$"),
    list("-+0123456789"))
_Loader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(r"^(?:[-+]?[0-9][0-9_]*\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?"
               r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"),
    list("-+0123456789."))


def parse(text: str, path: Path, diags: Diagnostics, first_line: int = 1) -> Any:
    """Return the YAML document in `text`, or None after reporting a syntax error.

    `first_line` is the line of `text`'s first line in `path` (for front matter and code blocks).
    """

    def at(index: int) -> Location:
        line, col = _Lines(text).at(index)
        return Location(path, first_line - 1 + line, col)

    too_deep = _flow_too_deep(text)
    if too_deep is not None:
        diags.error(at(too_deep), f"YAML: nested more than {MAX_DEPTH} levels deep", "flatten the structure")
        return None
    try:
        return yaml.load(text, Loader=_Loader)  # noqa: S506 - _Loader derives from SafeLoader
    except _ContentProblem as exc:
        diags.error(at(exc.problem_mark.index), f"YAML: {exc.problem}", exc.hint)
    except yaml.constructor.ConstructorError as exc:  # e.g. a !!python/object tag
        diags.error(at(exc.problem_mark.index), f"YAML: {exc.problem}", "deckbook reads plain YAML: remove the !tag")
    except yaml.MarkedYAMLError as exc:
        index, problem = _syntax_error(exc, text)
        diags.error(at(index), f"YAML syntax: {problem}",
                    "check indentation, and quote values that contain ': ' or start with a special character")
    except yaml.reader.ReaderError as exc:  # a control character: not marked, but it has a position
        diags.error(at(exc.position), f"YAML: control character U+{exc.character:04X} is not allowed",
                    "delete it, or write it as an escape in a double-quoted string")
    except RecursionError:  # a safety net: MAX_DEPTH stops the composer's recursion well before this
        diags.error(at(0), "YAML nested too deeply", "flatten the structure")
    return None


def _syntax_error(exc: yaml.MarkedYAMLError, text: str) -> tuple[int, str]:
    """Return where a syntax error is and what it is.

    A construct left open (`[`, `{`, a quote) is only noticed at the end of the text, which is past its
    last line: point at where the construct opened instead.
    """
    problem = (exc.problem or exc.context or "invalid YAML").replace("'<stream end>'", "the end")
    end = len(text.rstrip())
    if exc.context_mark and exc.problem_mark and exc.problem_mark.index >= end:
        index = exc.context_mark.index
        if index >= end:  # "while parsing a flow node": marked where the missing node would be
            index = next(reversed(_unclosed_brackets(text)), index)
        opener = text[index:index + 1]
        construct = f"'{opener}'" if opener in ("[", "{", "'", '"') else \
            re.sub(r"^while (parsing|scanning) ", "", exc.context or "a construct")
        return index, f"{construct} opened here is never closed ({problem})"
    mark = exc.problem_mark or exc.context_mark
    return (mark.index if mark else 0), problem


def _unclosed_brackets(text: str) -> list[int]:
    """Return the offsets of the `[` and `{` that `text` leaves open, outermost first (quotes are skipped)."""
    opened: list[int] = []
    quote = ""
    for index, char in enumerate(text):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"" and (index == 0 or text[index - 1] in " \t\n[{,:"):  # a quote that starts a scalar
            quote = char
        elif char in "[{":
            opened.append(index)
        elif char in "]}" and opened:
            opened.pop()
    return opened


def _flow_too_deep(text: str) -> int | None:
    """Return the offset where `[`/`{` nesting passes MAX_DEPTH, if it does.

    PyYAML's scanner is quadratic in the depth of flow collections (2 000 `[` take a second), so
    they are counted before it runs. Quotes are ignored: only absurd text errs on the safe side.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return None
    depth = 0
    for index, char in enumerate(text):
        if char in "[{":
            depth += 1
            if depth > MAX_DEPTH:
                return index
        elif char in "]}":
            depth = max(0, depth - 1)
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


def locate(data: Any, loc: tuple, path: Path, first_line: int = 1) -> Location:
    """Return the Location of the key at path `loc` in `data`, in the file that key came from."""
    node = data
    for key in loc:
        origins = getattr(node, "origins", None)
        if origins and key in origins:
            path = origins[key]
        if isinstance(node, LineDict) and key in node:
            node = node[key]
        elif isinstance(node, LineList) and isinstance(key, int) and 0 <= key < len(node):
            node = node[key]
        else:
            break
    line, col = position(data, loc, first_line)
    return Location(path, line, col)


def find(paths: Iterable[Path], keys: tuple, value: bool = False) -> Location | None:
    """Return where `keys` is set in the first of the YAML files `paths` that sets it (None: in none);
    with `value`, where its value starts.

    For messages about a value found after loading (a theme's `extends:` chain, course.yaml's `theme:`).
    """
    for path in paths:
        try:
            data = parse(path.read_text(encoding="utf-8"), path, Diagnostics())
        except (OSError, UnicodeDecodeError):
            continue
        node, parent = data, None
        for key in keys:
            node, parent = (node.get(key) if isinstance(node, dict) else None), node
        if node is not None and value and isinstance(parent, LineDict):
            return Location(path, *parent.value_at[keys[-1]])
        if node is not None:
            return locate(data, keys, path)
    return None


def validate(model: type[M], data: Any, path: Path, diags: Diagnostics, first_line: int = 1,
             what: str = "") -> M | None:
    """Return `data` validated as `model`, or None after reporting every problem with its line."""
    try:
        return model.model_validate(data if data is not None else {})
    except ValidationError as exc:
        for err in exc.errors():
            loc = tuple(err["loc"])
            key_path = ".".join(_key(p) for p in loc) or (what or "document")
            where = locate(data, loc, path, first_line)
            if err["type"] == "extra_forbidden":
                parent = _model_at(model, loc[:-1])
                allowed = sorted(parent.model_fields) if parent else []
                close = difflib.get_close_matches(str(loc[-1])[:100], allowed, n=1)
                hint = f"did you mean '{close[0]}'?" if close else f"allowed keys: {', '.join(allowed)}"
                diags.error(where, f"unknown key '{key_path}'", hint)
            elif err["type"] == "missing":
                diags.error(where, f"missing key '{key_path}'", "this key is required")
            else:
                diags.error(where, f"'{key_path}': {_message(err)} (got {_shown(err.get('input'))})", _type_hint(err))
        return None


# pydantic's wording names internal classes ("instance of _DecisionNode"); say what to write instead.
_MESSAGES = {
    "dict_type": "should be a mapping",
    "model_type": "should be a mapping",
    "model_attributes_type": "should be a mapping",
    "list_type": "should be a list",
    "string_type": "should be text",
}


def _message(err: dict) -> str:
    if err["type"] in _MESSAGES:
        return _MESSAGES[err["type"]]
    if err["type"] == "too_short":
        return f"needs at least {err.get('ctx', {}).get('min_length', 1)} item(s)"
    return err["msg"].removeprefix("Value error, ")


def _key(key: Any) -> str:
    """Return a key of untrusted YAML as a message may show it: short, one line, control characters escaped."""
    text = str(key)
    text = text if len(text) <= 40 else text[:37] + "..."
    return "".join(c if c.isprintable() else c.encode("unicode_escape").decode("ascii") for c in text)


def _shown(value: Any) -> str:
    """Return a short description of a bad value for a message."""
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list" if value else "an empty list"
    text = ascii(value) if isinstance(value, str) and not value.isprintable() else repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _type_hint(err: dict) -> str:
    kind = err["type"]
    if kind.startswith("string"):
        return "write a text value; quote it if it looks like a number or a date"
    if kind in ("int_parsing", "int_type", "float_parsing", "float_type"):
        return "write a number without units"
    if kind.startswith("bool"):
        return "write true or false"
    if kind in ("list_type", "tuple_type"):
        return "write a YAML list: one '- item' per line"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "write a YAML mapping: key: value lines"
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

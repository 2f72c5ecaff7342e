"""Safe YAML reading that keeps line numbers and rejects duplicate keys.

PyYAML's safe loader lets a second value for the same key win without a word; a policy team
editing the law must be told instead. Mappings and lists come back as `LineDict` / `LineList`,
which remember the line of each key and item so that validation errors can point at the line.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from engine.errors import Problem

# YAML bombs ("billion laughs") expand aliases; knowledge and case files have no use for them.
MAX_ALIASES = 0
_SURROGATES = re.compile("[\ud800-\udfff]")
# Nesting deeper than this is refused before PyYAML's recursive composer can exhaust the stack;
# the deepest knowledge entry (a rule condition) is far shallower.
MAX_DEPTH = 64


class LineDict(dict):
    """A mapping that remembers the line of the mapping and of each key (1-based)."""

    line: int = 0
    key_lines: dict


class LineList(list):
    """A list that remembers its own line and the line of each item (1-based)."""

    line: int = 0
    item_lines: list


class _Loader(yaml.SafeLoader):
    def __init__(self, stream, path: str):
        super().__init__(stream)
        self.path = path
        self.problems: list[Problem] = []
        self.alias_count = 0
        self.depth = 0

    def construct_object(self, node, deep=False):
        self._last_mark = node.start_mark.line + 1  # the line to name if this value cannot be built
        return super().construct_object(node, deep=deep)

    def compose_node(self, parent, index):
        self.depth += 1
        try:
            return self._compose_node(parent, index)
        finally:
            self.depth -= 1

    def _compose_node(self, parent, index):
        if self.depth > MAX_DEPTH:
            event = self.peek_event()
            raise yaml.YAMLError(
                f"line {event.start_mark.line + 1}: nested more than {MAX_DEPTH} levels deep; these files need far fewer"
            )
        if self.check_event(yaml.AliasEvent):
            self.alias_count += 1
            if self.alias_count > MAX_ALIASES:
                event = self.peek_event()
                raise yaml.YAMLError(
                    f"line {event.start_mark.line + 1}: YAML anchors and aliases (*name) are not allowed in these files"
                )
        return super().compose_node(parent, index)


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> LineDict:
    result = LineDict()
    result.line = node.start_mark.line + 1
    result.key_lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            loader.problems.append(Problem(loader.path, line, None, None, "a mapping key must be plain text"))
            continue
        if key in result:
            loader.problems.append(
                Problem(
                    loader.path,
                    line,
                    None,
                    str(key),
                    f"duplicate key '{key}' (first given on line {result.key_lines[key]}); "
                    "each key may appear only once in a mapping",
                )
            )
            continue
        result[key] = loader.construct_object(value_node, deep=True)
        result.key_lines[key] = line
    return result


def _construct_sequence(loader: _Loader, node: yaml.SequenceNode) -> LineList:
    result = LineList(loader.construct_object(child, deep=True) for child in node.value)
    result.line = node.start_mark.line + 1
    result.item_lines = [child.start_mark.line + 1 for child in node.value]
    return result


def _construct_text(loader: _Loader, node: yaml.ScalarNode) -> str:
    value = loader.construct_scalar(node)
    if _SURROGATES.search(value):
        # JSON escapes a character beyond U+FFFF as a surrogate pair ("\ud83d\ude00"): join each pair into
        # its character. An unpaired surrogate gives a string no encoder can write back out: refuse it.
        try:
            return value.encode("utf-16-le", "surrogatepass").decode("utf-16-le")
        except UnicodeDecodeError:
            raise yaml.constructor.ConstructorError(
                None, None, "the text holds an invalid character (an unpaired surrogate)", node.start_mark
            ) from None
    return value


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:str", _construct_text)
_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def parse_yaml_text(text: str, path: str) -> tuple[Any, list[Problem]]:
    """Parse YAML (or JSON, a subset) text; return the data and the problems found."""
    try:
        # The reader checks every character when it is built: a NUL or other control character
        # is a YAMLError from here, not from get_single_data.
        loader = _Loader(text, path)
    except yaml.YAMLError as err:
        return None, [Problem(path, None, None, None, f"this is not valid YAML: {err}")]
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as err:
        mark = err.problem_mark or err.context_mark
        line = mark.line + 1 if mark else None
        reason = err.problem or err.context or "invalid YAML"
        return None, [*loader.problems, Problem(path, line, None, None, f"this is not valid YAML: {reason}")]
    except yaml.YAMLError as err:
        return None, [*loader.problems, Problem(path, None, None, None, f"this is not valid YAML: {err}")]
    except (ValueError, OverflowError, RecursionError) as err:
        # A value PyYAML recognises but Python cannot hold: a date like 2026-13-45, an integer of
        # thousands of digits. Say which line, never show a traceback.
        mark = getattr(loader, "_last_mark", None)
        reason = str(err).split(":")[0]
        return None, [*loader.problems, Problem(path, mark, None, None, f"this value cannot be read: {reason}")]
    finally:
        loader.dispose()
    return data, loader.problems


def read_yaml(path: Path, display: str | None = None) -> tuple[Any, list[Problem]]:
    """Read a YAML file; a file that is not UTF-8 text is a problem, not a crash."""
    shown = display or str(path)
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as err:
        return None, [Problem(shown, None, None, None, f"the file is not UTF-8 text (byte {err.start})")]
    except OSError as err:
        return None, [Problem(shown, None, None, None, f"cannot read the file: {err.strerror}")]
    return parse_yaml_text(text, shown)


def line_of(data: Any, loc: tuple) -> int | None:
    """The line of the deepest element of `data` reachable along `loc` (a pydantic error location)."""
    line = getattr(data, "line", None) or None
    node = data
    for step in loc:
        if isinstance(node, LineDict) and step in node:
            line = node.key_lines.get(step, line)
            node = node[step]
        elif isinstance(node, LineList) and isinstance(step, int) and 0 <= step < len(node):
            line = node.item_lines[step]
            node = node[step]
        else:
            break
    return line

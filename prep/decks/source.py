"""YAML reading that remembers line numbers, so every fault can say ``path:line``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml


class LineMap(dict[Any, Any]):
    """A YAML mapping that knows its own line and the line of each key."""

    line: int = 0
    key_lines: dict[Any, int]

    def line_of(self, key: Any) -> int:
        """The line of ``key`` if present, else the mapping's own line."""
        return self.key_lines.get(key, self.line)


class LineList(list[Any]):
    """A YAML sequence that knows the line of each element."""

    line: int = 0
    item_lines: list[int]


@dataclass(frozen=True)
class Fault:
    """One problem in a deck file."""

    path: str
    line: int
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}: {self.message}"


@dataclass
class YamlDocument:
    """A parsed file, or the faults that stopped it parsing."""

    path: str
    data: Any = None
    faults: list[Fault] = field(default_factory=list)


class _LineLoader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]  # libyaml: ~5x faster; the base is chosen at import
    pass


def _construct_mapping(loader: _LineLoader, node: yaml.MappingNode) -> Iterator[LineMap]:
    mapping = LineMap()
    mapping.line = node.start_mark.line + 1
    mapping.key_lines = {}
    yield mapping
    loader.flatten_mapping(node)
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        line = key_node.start_mark.line + 1
        if not isinstance(key, str | int | bool | float):
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark
            )
        if key in mapping:
            loader.duplicate_keys.append((line, key))
        mapping[key] = loader.construct_object(value_node, deep=True)
        mapping.key_lines[key] = line


def _construct_sequence(loader: _LineLoader, node: yaml.SequenceNode) -> Iterator[LineList]:
    sequence = LineList()
    sequence.line = node.start_mark.line + 1
    sequence.item_lines = [child.start_mark.line + 1 for child in node.value]
    yield sequence
    sequence.extend(loader.construct_object(child, deep=True) for child in node.value)


_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_LineLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_SEQUENCE_TAG, _construct_sequence)


def read_yaml(path: Path, display: str) -> YamlDocument:
    """Parse one YAML file; syntax errors and duplicate keys become faults with lines."""
    document = YamlDocument(display)
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as error:
        document.faults.append(Fault(display, 1, f"not UTF-8 text ({error.reason})"))
        return document
    loader = _LineLoader(text)
    loader.duplicate_keys = []
    try:
        document.data = loader.get_single_data()
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark else 1
        problem = error.problem or "invalid YAML"
        context = f" ({error.context})" if error.context else ""
        document.faults.append(Fault(display, line, f"YAML error: {problem}{context}"))
    except yaml.YAMLError as error:
        document.faults.append(Fault(display, 1, f"YAML error: {error}"))
    finally:
        loader.dispose()
    for line, key in loader.duplicate_keys:
        document.faults.append(Fault(display, line, f"duplicate key {key!r}"))
    return document

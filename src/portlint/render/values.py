"""Which values key set which rendered number: sentinel values and their positions.

Every numeric leaf of the values (an int, or a string of digits) gets a unique sentinel
number that the normal rendering does not contain; rendering again with them and
comparing line by line tells which rendered line took its number from which key. The
key's position is the scalar in the last values file that set it (Helm's precedence).
"""

from __future__ import annotations

import difflib
import re
from typing import Any

import yaml

from portlint.source import Location, SourceFile
from portlint.yamlnodes import SafeLoader

_NUMBER = re.compile(r"\d+")
_DIGITS = re.compile(r"^\d+$")
FIRST_SENTINEL = 20011
LAST_SENTINEL = 65000

Path = tuple[str, ...]


def positions(source: SourceFile, prefix: Path = ()) -> dict[Path, Location]:
    """The scalar location of every mapping leaf of a values file, by key path."""
    try:
        root = yaml.compose(source.text, Loader=SafeLoader)
    except (yaml.YAMLError, RecursionError):  # RecursionError: pure-Python YAML
        return {}
    found: dict[Path, Location] = {}
    stack: list[tuple[Path, Any]] = [(prefix, root)]
    while stack:
        path, node = stack.pop()
        if isinstance(node, yaml.MappingNode):
            for key, value in node.value:
                if isinstance(key, yaml.ScalarNode):
                    stack.append(((*path, key.value), value))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                stack.append(((*path, str(index)), item))
        elif isinstance(node, yaml.ScalarNode) and path:
            start, end = node.start_mark, node.end_mark
            found[path] = Location(
                source.display, start.line + 1, start.column + 1, end.line + 1, end.column + 1
            )
    return found


def load(source: SourceFile) -> dict[str, Any]:
    try:
        data = yaml.load(source.text, Loader=SafeLoader)  # noqa: S506 - the safe loader
    except (yaml.YAMLError, RecursionError):  # RecursionError: pure-Python YAML
        return {}
    return data if isinstance(data, dict) else {}


def merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    """Helm's coalescing of a values file over another (null deletes a key)."""
    merged = dict(base)
    for key, value in override.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def with_sentinels(
    values: dict[str, Any], taken: set[int]
) -> tuple[dict[str, Any], dict[int, Path]]:
    """A copy of `values` with each numeric leaf replaced by a sentinel not in `taken`."""
    sentinels: dict[int, Path] = {}
    counter = [FIRST_SENTINEL]

    def next_number() -> int | None:
        while counter[0] in taken:
            counter[0] += 1
        if counter[0] > LAST_SENTINEL:
            return None
        number = counter[0]
        counter[0] += 1
        return number

    def walk(node: Any, path: Path) -> Any:
        if isinstance(node, dict):
            return {key: walk(value, (*path, str(key))) for key, value in node.items()}
        if isinstance(node, list):
            return [walk(value, (*path, str(index))) for index, value in enumerate(node)]
        if isinstance(node, bool):
            return node
        if isinstance(node, int) or (isinstance(node, str) and _DIGITS.match(node)):
            number = next_number()
            if number is None:
                return node
            sentinels[number] = path
            return number if isinstance(node, int) else str(number)
        return node

    return walk(values, ()), sentinels


def numbers_in(text: str) -> set[int]:
    return {int(match) for match in _NUMBER.findall(text) if len(match) <= 6}


def line_keys(normal: str, sentinel: str, sentinels: dict[int, Path]) -> dict[int, Path]:
    """1-based line of `normal` -> the values key whose sentinel stands there in
    `sentinel` (lines paired by a line diff; changed lines of equal-length runs)."""
    ours = normal.splitlines()
    theirs = sentinel.splitlines()
    found: dict[int, Path] = {}
    matcher = difflib.SequenceMatcher(None, ours, theirs, autojunk=False)
    for tag, a0, a1, b0, b1 in matcher.get_opcodes():
        if tag != "replace" or a1 - a0 != b1 - b0:
            continue
        for offset in range(a1 - a0):
            for match in _NUMBER.findall(theirs[b0 + offset]):
                path = sentinels.get(int(match)) if len(match) <= 6 else None
                if path is not None:
                    found[a0 + offset + 1] = path
                    break
    return found

"""JSON composed to the same positioned YAML nodes, for JSON that libyaml rejects.

JSON is nearly YAML, and the YAML composer reads almost every JSON file (tab indentation
included). It rejects one thing real JSON has: UTF-16 surrogate pairs such as
`"\\ud83d\\ude00"` (what `json.dumps` writes for an emoji). For such files the engine falls
back to this small composer, so parsers see the same nodes with exact marks.
"""

from __future__ import annotations

import json
import re

from yaml import Mark
from yaml.nodes import Node

from portlint.source import SourceFile
from portlint.yamlclasses import MappingNode, ScalarNode, SequenceNode
from portlint.yamlnodes import YamlDocument

_NUMBER = re.compile(r"-?(?:0|[1-9]\d*)(\.\d+)?([eE][-+]?\d+)?")
_SPACE = re.compile(r"[ \t\r\n]*")
_LITERALS = {"true": "bool", "false": "bool", "null": "null"}
_TAG = "tag:yaml.org,2002:"


class _Error(ValueError):
    pass


def compose_json(source: SourceFile) -> list[YamlDocument] | None:
    """The file as one document, or None when it is not valid JSON either."""
    if not source.text.lstrip().startswith(("{", "[")):
        return None
    try:
        json.loads(source.text)  # validates (and bounds) before composing
        node, end = _Composer(source).value(_skip(source.text, 0))
    except (ValueError, RecursionError):
        return None
    if _skip(source.text, end) != len(source.text):
        return None
    return [YamlDocument(source, node, 0)]


def _skip(text: str, position: int) -> int:
    match = _SPACE.match(text, position)
    return match.end() if match else position


class _Composer:
    def __init__(self, source: SourceFile) -> None:
        self.source = source
        self.text = source.text

    def mark(self, offset: int) -> Mark:
        line, column = self.source.offset_to_position(offset)
        return Mark(self.source.display, offset, line - 1, column - 1, None, None)  # type: ignore[arg-type]  # PyYAML's Mark takes no buffer here

    def value(self, start: int) -> tuple[Node, int]:
        char = self.text[start : start + 1]
        if char == "{":
            return self.mapping(start)
        if char == "[":
            return self.sequence(start)
        if char == '"':
            text, end = json.decoder.scanstring(self.text, start + 1)  # type: ignore[attr-defined]
            return self.scalar("str", text, start, end, '"'), end
        for word, tag in _LITERALS.items():
            if self.text.startswith(word, start):
                end = start + len(word)
                return self.scalar(tag, word, start, end), end
        match = _NUMBER.match(self.text, start)
        if not match:
            raise _Error(f"unexpected {char!r}")
        tag = "float" if match.group(1) or match.group(2) else "int"
        return self.scalar(tag, match.group(0), start, match.end()), match.end()

    def scalar(
        self, tag: str, value: str, start: int, end: int, style: str | None = None
    ) -> ScalarNode:
        return ScalarNode(_TAG + tag, value, self.mark(start), self.mark(end), style)

    def mapping(self, start: int) -> tuple[Node, int]:
        pairs: list[tuple[Node, Node]] = []
        position = _skip(self.text, start + 1)
        while self.text[position] != "}":
            key, position = self.value(position)
            position = _skip(self.text, _skip(self.text, position) + 1)  # past ':'
            value, position = self.value(position)
            pairs.append((key, value))
            position = _skip(self.text, position)
            if self.text[position] == ",":
                position = _skip(self.text, position + 1)
        end = position + 1
        node = MappingNode(_TAG + "map", pairs, self.mark(start), self.mark(end), True)
        return node, end

    def sequence(self, start: int) -> tuple[Node, int]:
        items: list[Node] = []
        position = _skip(self.text, start + 1)
        while self.text[position] != "]":
            item, position = self.value(position)
            items.append(item)
            position = _skip(self.text, position)
            if self.text[position] == ",":
                position = _skip(self.text, position + 1)
        end = position + 1
        return SequenceNode(_TAG + "seq", items, self.mark(start), self.mark(end), True), end

"""Text held in a YAML scalar (a ConfigMap's `data` value), parsed as a file of its own
with every position mapped back to the manifest.

The embedded text is parsed as a `SourceFile` of its own (its lines and columns counted
in the value), and every `Location` the parser made is then moved to where that
character is written in the manifest: a literal block scalar (`|`, `|-`, `|+`, with or
without an indentation indicator) keeps each line verbatim after its indentation, and a
plain or quoted one-line value is verbatim after its quote. Folded scalars, multi-line
flow scalars and values with escapes are not verbatim: their positions are the value's
start (the whole value is still parsed).
"""

from __future__ import annotations

from pathlib import Path

from portlint.model import ParseResult
from portlint.source import Location, SourceFile
from portlint.yamlnodes import ScalarNode


class PositionMap:
    """Value (line, column) -> manifest (line, column), per line of the value."""

    __slots__ = ("path", "lines", "fallback")

    def __init__(self, path: str, lines: list[tuple[int, int]], fallback: Location) -> None:
        self.path = path
        self.lines = lines  # per value line: (manifest line, columns to add)
        self.fallback = fallback  # where every position goes when the value is not verbatim

    @classmethod
    def of(cls, source: SourceFile, node: ScalarNode) -> PositionMap:
        start = node.start_mark
        whole = Location(
            source.display,
            start.line + 1,
            start.column + 1,
            node.end_mark.line + 1,
            node.end_mark.column + 1,
        )
        return cls(source.display, _verbatim_lines(source, node) or [], whole)

    def point(self, line: int, column: int) -> tuple[int, int]:
        if not self.lines:
            return self.fallback.line, self.fallback.column
        at, shift = self.lines[min(max(line, 1), len(self.lines)) - 1]
        return at, column + shift

    def location(self, where: Location) -> Location:
        if not self.lines:
            return self.fallback
        line, column = self.point(where.line, where.column)
        end_line, end_column = self.point(where.end_line, where.end_column)
        return Location(self.path, line, column, end_line, end_column)


def _verbatim_lines(source: SourceFile, node: ScalarNode) -> list[tuple[int, int]] | None:
    """Per value line, its manifest line and column shift, when the value is written
    verbatim; None otherwise."""
    start, end = node.start_mark, node.end_mark
    value_lines = node.value.split("\n")
    if node.style == "|":
        raw = source.text.split("\n", start.line + len(value_lines) + 1)
        mapped = []
        for number, text in enumerate(value_lines):
            line = start.line + 1 + number  # 0-based manifest line of this value line
            written = raw[line].rstrip("\r") if line < len(raw) else ""
            if text and not written.endswith(text):
                return None
            mapped.append((line + 1, len(written) - len(text) if text else 0))
        return mapped
    if len(value_lines) != 1 or start.line != end.line:
        return None
    quote = 1 if node.style in ('"', "'") else 0
    if node.style not in (None, "", '"', "'"):
        return None
    offset = start.index + quote
    if source.text[offset : offset + len(node.value)] != node.value:
        return None  # an escape (`\"`, `''`): the value is not its text
    return [(start.line + 1, start.column + quote)]


def embedded_source(manifest: SourceFile, key: str, text: str) -> SourceFile:
    """The value as a file named after its key beside the manifest: the name is what a
    parser that looks at names (`daemon_for`) reads; nothing is read from there."""
    return SourceFile(Path(manifest.path).parent / _safe_name(key), manifest.display, text)


def _safe_name(key: str) -> str:
    return key.replace("/", "_") or "_"


def remap(result: ParseResult, positions: PositionMap) -> ParseResult:
    """The parse result with every location moved into the manifest."""
    for binding in result.bindings:
        binding.location = positions.location(binding.location)
        binding.main_file = ""
    result.diagnostics = [
        d.replace(location=positions.location(d.location)) for d in result.diagnostics
    ]
    result.served = [
        fact.replace(where=tuple(positions.location(w) for w in fact.where))
        for fact in result.served
    ]
    result.suppressions = []  # comments inside a value silence nothing in the manifest
    return result

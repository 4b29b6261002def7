"""Source files and exact positions.

Parsers are the only code that computes positions; everything downstream copies the
`Location` a parser attached. Lines and columns are 1-based; `end_column` is exclusive
(the column after the last character), as in SARIF.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import NamedTuple

from portlint.records import Record


class Location(NamedTuple):
    """A span in a file. A NamedTuple, not a dataclass: parsers make one per port value,
    and a frozen dataclass costs several times more to build."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int

    @classmethod
    def point(cls, path: str, line: int, column: int = 1, length: int = 0) -> Location:
        """A location on one line, `length` characters wide."""
        return cls(path, line, column, line, column + length)

    def sub(self, offset: int, length: int) -> Location:
        """A span inside a one-line location (e.g. the host port inside "8080:80")."""
        if self.line != self.end_line:
            return self
        start = self.column + offset
        return Location(self.path, self.line, start, self.line, start + length)


class SourceFile(Record):
    """One file's text, read once; `display` is the path shown to users."""

    path: Path
    display: str
    text: str
    secret: bool  # never show its lines (e.g. .env files)

    _line_starts: list[int] | None

    __slots__ = ("path", "display", "text", "secret", "_line_starts")

    def __init__(
        self,
        path: Path,
        display: str,
        text: str,
        secret: bool = False,
        _line_starts: list[int] | None = None,
    ) -> None:
        self.path = path
        self.display = display
        self.text = text
        self.secret = secret
        self._line_starts = _line_starts

    def line_text(self, line: int) -> str:
        """The text of a 1-based line, without its newline ('' past the end)."""
        lines = self.text.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def offset_to_position(self, offset: int) -> tuple[int, int]:
        """1-based (line, column) of a character offset."""
        if self._line_starts is None:
            starts = [0]
            find = self.text.find
            pos = find("\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = find("\n", pos + 1)
            self._line_starts = starts
        import bisect

        index = bisect.bisect_right(self._line_starts, offset) - 1
        return index + 1, offset - self._line_starts[index] + 1

    def location(self, start: int, end: int) -> Location:
        """Location of the character range [start, end)."""
        line, col = self.offset_to_position(start)
        end_line, end_col = self.offset_to_position(end)
        return Location(self.display, line, col, end_line, end_col)


def display_path(path: Path | str, cwd: Path | None = None) -> str:
    """Relative to the current directory when under it, with forward slashes.

    Lexical (no syscall but one getcwd): `..` is folded, symlinks are kept as the user
    named them. A resolve() per file cost a stat per path component, 5% of a large check."""
    base = os.getcwd() if cwd is None else os.path.abspath(cwd)
    absolute = os.path.abspath(path)
    if absolute == base:
        return "."
    prefix = base if base.endswith(os.sep) else base + os.sep
    if absolute.startswith(prefix):
        return _posix(absolute[len(prefix) :])
    return _posix(absolute if os.path.isabs(path) else os.path.normpath(path))


def _posix(text: str) -> str:
    """A normalised path with forward slashes (what Path.as_posix() gives, without
    building a Path)."""
    return text if os.sep == "/" else text.replace(os.sep, "/")

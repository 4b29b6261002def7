"""From a rendered file back to the files a user edits.

A rendered manifest is parsed as a virtual file; its findings are moved, after the rules,
to the line of the template (or base, overlay, patch) that produced the line, and, when a
values key produced the value, to that key in values.yaml with the template as a related
location. Matching is by line text: a rendered line that appears verbatim in the origin
file is that line; one that does not (a `{{ }}` expression) is the next origin line with
the same key, else the last matched line.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Sequence
from functools import partial
from typing import Any

from portlint.findings import Finding, Related
from portlint.model import Suppression
from portlint.records import Record, field
from portlint.source import Location, SourceFile

_KEY = re.compile(r"^\s*(?:-\s+)?([\w.\-/\"']+)\s*:")


class Origin(Record):
    """Where one rendered line came from: a file's line, and maybe a values key."""

    source: SourceFile
    line: int
    value: Location | None = None  # the values.yaml scalar that set the line's value


class VirtualFile(Record):
    """A rendered file under a display name, with the origin of each of its lines."""

    rendered: SourceFile
    origins: list[Origin | None]  # index: rendered line - 1
    fallback: Location  # where a line with no origin is reported

    def locate(self, location: Location) -> tuple[Location, Location | None]:
        """The origin location of a rendered span, and the values key behind it."""
        index = location.line - 1
        origin = self.origins[index] if 0 <= index < len(self.origins) else None
        if origin is None:
            return self.fallback, None
        rendered_line = self.rendered.line_text(location.line)
        token = rendered_line[location.column - 1 : location.end_column - 1].strip()
        text = origin.source.line_text(origin.line)
        start = text.find(token) if token and location.line == location.end_line else -1
        if start >= 0:
            length = len(token)
        else:
            start = text.find("{{")
            end = text.find("}}", start) if start >= 0 else -1
            if start >= 0 and end >= 0:
                length = end + 2 - start
            else:
                start = len(text) - len(text.lstrip())
                length = len(text.strip())
        place = Location.point(origin.source.display, origin.line, start + 1, length)
        return place, origin.value


def match_lines(rendered: str, origin: SourceFile) -> list[Origin | None]:
    """Each rendered line's origin line in `origin` (see the module docstring)."""
    origin_lines = origin.text.splitlines()
    stripped = _positions([bare(line) for line in origin_lines])
    keys = _positions([_key(line) for line in origin_lines])
    result: list[Origin | None] = []
    cursor = 0  # index of the last matched origin line
    for line in rendered.splitlines():
        text = bare(line)
        if not text or text == "---" or text.startswith("#"):
            result.append(None)
            continue
        found = _find(stripped, text, cursor)
        if found is None:
            key = _key(line)
            found = _find(keys, key, cursor, wrap=False) if key else None
        if found is None:
            found = cursor
        else:
            cursor = found
        result.append(Origin(origin, found + 1))
    return result


def bare(line: str) -> str:
    """A line without indentation and list dash: renderers re-indent and reorder keys,
    so `- name: http` in the origin may be `name: http` in the output and back."""
    text = line.strip()
    return text[2:].lstrip() if text.startswith("- ") else text


def _positions(lines: list[str] | list[str | None]) -> dict[str, list[int]]:
    """Each line's indexes, ascending: a rendered file of n lines looked each up in a
    template of m lines one by one (n x m compares: a fifth of rendering a chart)."""
    positions: dict[str, list[int]] = {}
    for index, line in enumerate(lines):
        if line is not None:
            positions.setdefault(line, []).append(index)
    return positions


def _find(
    positions: dict[str, list[int]], wanted: str, start: int, wrap: bool = True
) -> int | None:
    """The first line from `start` on that is `wanted`, else (`wrap`) the first before."""
    found = positions.get(wanted)
    if not found:
        return None
    at = bisect_left(found, start)
    if at < len(found):
        return found[at]
    return found[0] if wrap else None


def _key(line: str) -> str | None:
    match = _KEY.match(line)
    return match.group(1) if match else None


class Remapper(Record):
    """Moves findings from virtual files to their origins (run after the rules)."""

    files: dict[str, VirtualFile] = field(default_factory=dict)  # virtual display -> file
    #: real files to show in reports (templates, values files), by display
    originals: dict[str, SourceFile] = field(default_factory=dict)

    def add(self, display: str, file: VirtualFile) -> None:
        self.files[display] = file

    def remap(
        self,
        findings: list[Finding],
        sources: dict[str, SourceFile],
        bindings: Sequence[Any] = (),
        suppressions: list[Suppression] | None = None,
    ) -> list[Finding]:
        """The findings at their origins; one finding where several renderings (two
        overlays of one base) put the same one on the same origin line. Bindings (what
        `portlint ports` lists) and a manifest's annotation suppressions move to their
        template lines too (comment suppressions are read from the originals)."""
        if not self.files:
            return findings
        for binding in bindings:
            if binding.location.path in self.files:
                binding.location = self._place(binding.location)[0]
        suppressions = [] if suppressions is None else suppressions
        for suppression in list(suppressions):
            if suppression.path in self.files and suppression.first_line:
                suppressions.extend(self._values_suppressions(suppression))
                first = self._place(Location.point(suppression.path, suppression.first_line))
                last = self._place(Location.point(suppression.path, suppression.last_line))
                if first[0].path == last[0].path:
                    suppression.path = first[0].path
                    suppression.first_line = min(first[0].line, last[0].line)
                    suppression.last_line = max(first[0].line, last[0].line)
        for finding in findings:
            related = []
            for item in finding.related:
                where, _value = self._place(item.location)
                related.append(Related(where, item.message))
            finding.message = self._message(finding.message)
            where, value = self._place(finding.location)
            if value is not None and finding.location.path in self.files:
                related.insert(0, Related(where, "rendered by this template"))
                where = value
            finding.location = where
            finding.related = related
        for display in self.files:
            sources.pop(display, None)
        for display, source in self.originals.items():
            sources[display] = source
        kept: list[Finding] = []
        seen: set[tuple[str, Location, str]] = set()
        for finding in findings:
            identity = (finding.rule, finding.location, finding.message)
            if identity not in seen:
                seen.add(identity)
                kept.append(finding)
        return kept

    def _values_suppressions(self, suppression: Suppression) -> list[Suppression]:
        """An object's annotation also silences its findings placed on values keys."""
        file = self.files[suppression.path]
        found = []
        for line in range(suppression.first_line, suppression.last_line + 1):
            origin = file.origins[line - 1] if 0 < line <= len(file.origins) else None
            if origin is not None and origin.value is not None:
                line_at = origin.value.line
                found.append(
                    suppression.replace(
                        path=origin.value.path, first_line=line_at, last_line=line_at
                    )
                )
        return found

    def _message(self, message: str) -> str:
        """A message that names a rendered `path:line` names its origin instead."""
        for display in self.files:
            if display + ":" not in message:
                continue
            pattern = re.compile(re.escape(display) + r":(\d+)")
            message = pattern.sub(partial(self._line_text, display), message)
        return message

    def _line_text(self, display: str, match: re.Match[str]) -> str:
        return _short(self._place(Location.point(display, int(match.group(1))))[0])

    def _place(self, location: Location) -> tuple[Location, Location | None]:
        file = self.files.get(location.path)
        if file is None:
            return location, None
        return file.locate(location)


def _short(location: Location) -> str:
    return f"{location.path}:{location.line}"

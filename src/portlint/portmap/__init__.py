"""`portlint ports --format html`: the port map, one self-contained HTML file.

Built from the rows `ports --format json` prints (the same `inventory()`), plus the PL101
collisions between them. The page's script and style are inline and it fetches nothing.
To stay small on a real tree the rows are stored column-interned: each distinct string
once, each row as a list of numbers (`encode`/`decode` are each other's inverse).
"""

from __future__ import annotations

import html
import json
import os
from typing import Any

from portlint.findings import Finding
from portlint.packaged import packaged_text

#: The JSON row's fields, in the order a packed row stores them; the string-valued ones
#: are indexes into the string table.
FIELDS = (
    "path",
    "line",
    "column",
    "format",
    "owner",
    "identity",
    "namespace",
    "role",
    "protocol",
    "address",
    "port",
    "end_port",
    "service",
    "known",
    "source",
)
_NUMBERS = frozenset({"line", "column", "port", "end_port"})


def encode(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Rows as a string table and lists of numbers (None stays None)."""
    strings: list[str] = []
    index: dict[str, int] = {}

    def intern(text: str | None) -> int | None:
        if text is None:
            return None
        found = index.get(text)
        if found is None:
            found = index[text] = len(strings)
            strings.append(text)
        return found

    packed = []
    for row in rows:
        cells: list[Any] = []
        for field in FIELDS:
            value: Any = row.get(field)
            if field in _NUMBERS:
                cells.append(value)
            elif field == "known":
                cells.append([intern(v) for v in value])
            else:
                cells.append(intern(value))
        packed.append(cells)
    return {"fields": list(FIELDS), "strings": strings, "rows": packed}


def decode(data: dict[str, Any]) -> list[dict[str, Any]]:
    """The rows `encode` packed (what the page's script does too)."""
    strings = data["strings"]
    rows = []
    for cells in data["rows"]:
        row: dict[str, Any] = {}
        for field, value in zip(data["fields"], cells, strict=True):
            if field in _NUMBERS:
                row[field] = value
            elif field == "known":
                row[field] = [strings[v] for v in value]
            else:
                row[field] = None if value is None else strings[value]
        rows.append(row)
    return rows


def collisions(rows: list[dict[str, Any]], findings: list[Finding]) -> list[list[int]]:
    """Pairs of row indexes that a PL101 finding names (its binding and each related one)."""
    at: dict[tuple[str, int, int], int] = {}
    for number, row in enumerate(rows):
        at.setdefault((row["path"], row["line"], row["column"]), number)
    pairs: set[tuple[int, int]] = set()
    for finding in findings:
        if finding.rule != "PL101":
            continue
        loc = finding.location
        first = at.get((loc.path, loc.line, loc.column))
        for related in finding.related:
            other = related.location
            second = at.get((other.path, other.line, other.column))
            if first is not None and second is not None and first != second:
                pairs.add((min(first, second), max(first, second)))
    return [list(pair) for pair in sorted(pairs)]


def render(
    rows: list[dict[str, Any]],
    findings: list[Finding],
    files: int,
    output: str | None,
    title: str = "portlint port map",
) -> str:
    """The page. Links to `path:line` are relative to where the page is written."""
    base = os.path.dirname(os.path.abspath(output)) if output else os.getcwd()
    packed = encode(rows)
    strings = packed["strings"]
    paths = {cells[0] for cells in packed["rows"]}
    data = {
        "version": 1,
        "files": files,
        **packed,
        # Each file's link once, by the index of its path in the string table.
        "links": {str(i): _href(strings[i], base) for i in sorted(paths)},
        "collisions": collisions(rows, findings),
    }
    payload = json.dumps(data, separators=(",", ":"), ensure_ascii=False).replace("</", "<\\/")
    page = packaged_text("portmap", "page.html")
    return (
        page.replace("{{TITLE}}", html.escape(title))
        .replace("/*{{STYLE}}*/", packaged_text("portmap", "page.css"))
        .replace("/*{{SCRIPT}}*/", packaged_text("portmap", "page.js"))
        .replace("{{DATA}}", payload)
    )


def _href(path: str, base: str) -> str:
    """A relative URL from the page's directory to the file (forward slashes, escaped)."""
    from urllib.parse import quote

    absolute = os.path.abspath(path)
    try:
        relative = os.path.relpath(absolute, base)
    except ValueError:  # another drive on Windows
        relative = absolute
    return quote(relative.replace(os.sep, "/"))

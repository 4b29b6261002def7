"""Fixes: text edits that resolve a finding, computed from the finding and its file's text.

One computation serves every consumer (the language server's code actions now, `--fix`,
`--diff` and SARIF `fixes` later). An edit replaces one span and keeps every other byte
of the file: comments, quoting, indentation and line endings. Positions are portlint's
(1-based lines, 1-based character columns, end exclusive), as in `Location`.

Safe fixes keep what the file means (PL004 quotes a mapping YAML 1.1 misreads; PL002
upper-cases a Kubernetes protocol); unsafe ones change behaviour (PL101 moves a port,
PL501 binds a published port to loopback) and are offered, never applied silently.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Literal

from portlint.findings import Finding
from portlint.records import FrozenRecord

_FREE_PORT = re.compile(r"nearest free port(?: in [^:;]*)?: (\d+)")
_PROTOCOL = re.compile(r"protocol '([A-Za-z]+)' is not one of TCP, UDP, SCTP \(upper case\)")
_WILDCARD_V4 = "0.0.0.0:"
_NO_COMMENTS = (".json",)
_TRAILING_COMMENTS = (".yaml", ".yml")


class TextEdit(FrozenRecord):
    """Replace [start, end) of `path` with `new_text` (an insertion when start == end)."""

    path: str
    line: int
    column: int
    end_line: int
    end_column: int
    new_text: str


class Fix(FrozenRecord):
    """What a code action or `--fix` applies: a title, whether it is safe, its edits."""

    rule: str
    title: str
    safe: bool
    edits: tuple[TextEdit, ...]


def fix_for(finding: Finding, text: str) -> Fix | None:
    """The fix for a finding in a file with this text, or None when there is none (or the
    text at the finding's span is not what the fix expects, e.g. it changed since)."""
    compute = _FIXERS.get(finding.rule)
    return compute(finding, _Lines(text)) if compute else None


def suppression_fix(finding: Finding, text: str) -> Fix | None:
    """The comment that silences the finding's rule on its line (joined to a directive
    already there). YAML takes a trailing `# portlint: disable=PLxxx`; other formats get
    `# portlint: disable-next-line=PLxxx` on a line of its own above, as Dockerfiles,
    systemd units, Apache and .properties files allow `#` only at the start of a line.
    None for JSON, which has no comments."""
    loc = finding.location
    path = loc.path.lower()
    if path.endswith(_NO_COMMENTS):
        return None
    lines = _Lines(text)
    line = lines.get(loc.line)
    if line is None:
        return None
    rule = finding.rule
    title = f"Disable {rule} for this line"
    trailing = path.endswith(_TRAILING_COMMENTS)
    if trailing or loc.line > 1:
        where, kind = (loc.line, "disable") if trailing else (loc.line - 1, "disable-next-line")
        joined = _join(finding, lines, where, kind, title)
        if joined is not None:
            return joined or None
    if trailing:
        return Fix(rule, title, True, (_trailing(loc.path, loc.line, line, rule),))
    indent = line[: len(line) - len(line.lstrip())]
    comment = f"{indent}# portlint: disable-next-line={rule}{lines.newline(loc.line)}"
    return Fix(rule, title, True, (_insert(loc.path, loc.line, 1, comment),))


def _join(
    finding: Finding, lines: _Lines, number: int, kind: str, title: str
) -> Fix | Literal[False] | None:
    """The rule added to a `kind` directive on that line; None when there is none there,
    False when the rule is already named (nothing to do)."""
    line = lines.get(number) or ""
    match = re.search(rf"(?:^|(?<=\s))#\s*portlint:\s*{kind}\s*=\s*[\w-]+(?:\s*,\s*[\w-]+)*", line)
    if match is None or (kind == "disable-next-line" and not line.lstrip().startswith("#")):
        return None
    if re.search(rf"\b{finding.rule}\b", match.group()):
        return False
    edit = _insert(finding.location.path, number, match.end() + 1, f",{finding.rule}")
    return Fix(finding.rule, title, True, (edit,))


def _trailing(path: str, number: int, line: str, rule: str) -> TextEdit:
    body = line.rstrip()
    new = f"  # portlint: disable={rule}" if body else f"# portlint: disable={rule}"
    return TextEdit(path, number, len(body) + 1, number, len(line) + 1, new)


def apply_edits(text: str, edits: Iterable[TextEdit]) -> str:
    """The text with the edits applied (they must not overlap); other bytes unchanged."""
    lines = _Lines(text)
    spans = sorted(
        (
            (lines.offset(e.line, e.column), lines.offset(e.end_line, e.end_column), e)
            for e in edits
        ),
        key=lambda s: s[0],
        reverse=True,
    )
    for start, end, edit in spans:
        text = text[:start] + edit.new_text + text[end:]
    return text


# --- the fixes ----------------------------------------------------------------------------


class _Lines:
    """Lines of a text without their line breaks, and offsets of 1-based positions."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.starts = [0]
        for index, char in enumerate(text):
            if char == "\n":
                self.starts.append(index + 1)

    def get(self, line: int) -> str | None:
        if not 0 < line <= len(self.starts):
            return None
        start = self.starts[line - 1]
        end = self.starts[line] - 1 if line < len(self.starts) else len(self.text)
        return self.text[start:end].removesuffix("\r")

    def newline(self, line: int) -> str:
        """The line break this line ends with ("\r\n" or "\n"; "\n" for the last)."""
        if line < len(self.starts):
            end = self.starts[line] - 1
            return "\r\n" if end > 0 and self.text[end - 1] == "\r" else "\n"
        return "\n"

    def offset(self, line: int, column: int) -> int:
        return self.starts[line - 1] + column - 1

    def span(self, finding: Finding) -> str | None:
        """The one-line text the finding points at (None for a multi-line span)."""
        loc = finding.location
        line = self.get(loc.line)
        if line is None or loc.end_line != loc.line or loc.end_column > len(line) + 1:
            return None
        return line[loc.column - 1 : loc.end_column - 1]


def _replace(finding: Finding, new_text: str) -> TextEdit:
    loc = finding.location
    return TextEdit(loc.path, loc.line, loc.column, loc.end_line, loc.end_column, new_text)


def _insert(path: str, line: int, column: int, new_text: str) -> TextEdit:
    return TextEdit(path, line, column, line, column, new_text)


def _quote_base60(finding: Finding, lines: _Lines) -> Fix | None:
    """PL004: `- 22:22` -> `- "22:22"` (what Compose meant; YAML 1.1 read a number)."""
    text = lines.span(finding)
    if not text or not re.fullmatch(r"[0-9:]+", text):
        return None
    return Fix(
        "PL004", f'Quote the port mapping: "{text}"', True, (_replace(finding, f'"{text}"'),)
    )


def _upper_protocol(finding: Finding, lines: _Lines) -> Fix | None:
    """PL002 (Kubernetes protocol in lower case): `tcp` -> `TCP`, quotes kept."""
    match = _PROTOCOL.search(finding.message)
    text = lines.span(finding)
    if match is None or text is None or match.group(1) not in text:
        return None
    word = match.group(1)
    if word.upper() not in ("TCP", "UDP", "SCTP"):
        return None
    new = text.replace(word, word.upper(), 1)
    return Fix("PL002", f"Upper-case the protocol: {word.upper()}", True, (_replace(finding, new),))


def _move_port(finding: Finding, lines: _Lines) -> Fix | None:
    """PL101: the colliding port -> the nearest free port the finding suggests."""
    match = _FREE_PORT.search(finding.message)
    text = lines.span(finding)
    if match is None or text is None or not text.isdigit():
        return None
    port = match.group(1)
    return Fix("PL101", f"Move to the nearest free port {port}", False, (_replace(finding, port),))


def _bind_loopback(finding: Finding, lines: _Lines) -> Fix | None:
    """PL501: publish on 127.0.0.1 only. Short syntax gets an address prefix (or has its
    0.0.0.0 replaced); long syntax gets a `host_ip` key beside `published`."""
    loc = finding.location
    text = lines.span(finding)
    line = lines.get(loc.line)
    if text is None or line is None or not text.isdigit():
        return None
    title = "Bind the published port to loopback (127.0.0.1)"
    before = line[: loc.column - 1]
    key = re.fullmatch(r"(\s*(?:-\s+)?)published:\s*[\"']?", before)
    if key is not None:
        indent = " " * len(key.group(1))
        newline = lines.newline(loc.line)
        edit = _insert(loc.path, loc.line, len(line) + 1, f"{newline}{indent}host_ip: 127.0.0.1")
        return Fix("PL501", title, False, (edit,))
    if before.endswith(_WILDCARD_V4):
        start = loc.column - len(_WILDCARD_V4)
        edit = TextEdit(loc.path, loc.line, start, loc.line, loc.column, "127.0.0.1:")
        return Fix("PL501", title, False, (edit,))
    if re.search(r"(?:^|[\s\"'\[,])$", before):  # the mapping starts with the host port
        return Fix("PL501", title, False, (_insert(loc.path, loc.line, loc.column, "127.0.0.1:"),))
    return None


_FIXERS: dict[str, Callable[[Finding, _Lines], Fix | None]] = {
    "PL004": _quote_base60,
    "PL002": _upper_protocol,
    "PL101": _move_port,
    "PL501": _bind_loopback,
}

#: Rules with a fix (`--statistics` marks them `[*]`, as ruff does).
FIXABLE = frozenset(_FIXERS)

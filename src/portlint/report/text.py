"""Text output in the style of ruff: `path:line:col: PL101 message`, related locations
indented below, a code frame on a terminal, and a summary line."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from portlint.findings import Finding, Severity
from portlint.rules.catalogue import BY_ID

if TYPE_CHECKING:
    from portlint.engine import Report
    from portlint.options import Options

_COLORS = {
    Severity.ERROR: "\x1b[31m",
    Severity.WARNING: "\x1b[33m",
    Severity.INFO: "\x1b[36m",
}
_BOLD, _DIM, _RESET = "\x1b[1m", "\x1b[2m", "\x1b[0m"

#: C0 and C1 controls, DEL, the Unicode line and paragraph separators, and the
#: bidirectional overrides: a file name or a token holding one could start a new line in a
#: CI log (`\n::error file=...` is a GitHub workflow command), move the terminal's cursor,
#: or make a line read differently from what it says.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u200e\u200f\u2028-\u202e\u2066-\u2069]")


#: Rules whose flagged text may be anything (unreadable files, values that are not ports).
_NO_FRAME = frozenset({"PL001", "PL002"})
#: ... unless the flagged text is plainly a port expression (`0`, `"80:80/tcp"`, `udp`).
_PORTLIKE = re.compile(r"[\s\d:./\-\"'\[\]]*(?:tcp|udp|sctp)?[\s\d:./\-\"'\]]*", re.I)


def escape(text: str) -> str:
    """`text` with every control character written as a visible escape (`\\n`, `\\x1b`)."""
    return _CONTROL.sub(_escaped, text)


def _escaped(match: re.Match[str]) -> str:
    return repr(match.group())[1:-1]


def render(
    report: Report,
    options: Options,
    color: bool = False,
    concise: bool = False,
    fixed: int = 0,
) -> str:
    """Each finding with its code frame (ruff's full output, colour or not: CI logs and
    pre-commit show frames too; `concise`: one line each), then the summary."""
    lines: list[str] = []
    for finding in report.findings:
        lines.extend(_finding_lines(finding, report, color, not concise))
    text = "\n".join(lines)
    if lines:
        text += "\n"
    return text + summary(report, color, fixed)


def _finding_lines(finding: Finding, report: Report, color: bool, frame: bool) -> list[str]:
    loc = finding.location
    where = f"{escape(loc.path)}:{loc.line}:{loc.column}:"
    severity = finding.severity or Severity.WARNING
    code = f"{finding.rule} [{severity.value}]"
    if color:
        where = f"{_BOLD}{where}{_RESET}"
        code = f"{_COLORS[severity]}{_BOLD}{finding.rule}{_RESET} {_DIM}[{severity.value}]{_RESET}"
    lines = [f"{where} {code} {escape(finding.message)}"]
    if frame:
        lines.extend(_code_frame(finding, report, color))
    for related in finding.related:
        rl = related.location
        lines.append(f"    {escape(rl.path)}:{rl.line}:{rl.column}: {escape(related.message)}")
    return lines


def _code_frame(finding: Finding, report: Report, color: bool) -> list[str]:
    """The offending line with a caret under the value; never for secret files, nor for
    a value that is not a port (PL001, PL002): that can be anything, a password too."""
    loc = finding.location
    source = report.sources.get(loc.path)
    if source is None or source.secret:
        return []
    line = source.line_text(loc.line)
    if not line or len(line) > 300:
        return []
    if finding.rule in _NO_FRAME and not _PORTLIKE.fullmatch(
        line[loc.column - 1 : loc.end_column - 1] if loc.end_line == loc.line else line
    ):
        return []
    width = max(1, (loc.end_column - loc.column) if loc.end_line == loc.line else len(line))
    start = len(escape(line[: loc.column - 1]))
    if loc.end_line == loc.line:
        width = max(1, len(escape(line[loc.column - 1 : loc.end_column - 1])))
    line = escape(line)
    gutter = f"{loc.line:>5} | "
    padding = " " * (len(gutter) - 2)
    if not color:
        return [f"{gutter}{line}", f"{padding}| {' ' * start}{'^' * width}"]
    caret_color = _COLORS[finding.severity or Severity.WARNING]
    return [
        f"{_DIM}{gutter}{_RESET}{line}",
        f"{padding}| {' ' * start}{caret_color}{'^' * width}{_RESET}",
    ]


def summary(report: Report, color: bool = False, fixed: int = 0) -> str:
    """The last line: counts per severity and rule; with `--fix`, what was fixed first."""
    head = ""
    if fixed:
        remaining = len(report.findings)
        head = f"Fixed {fixed} finding{'s' if fixed != 1 else ''} ({remaining} remaining).\n"
    return head + _tally(report)


def _tally(report: Report) -> str:
    count = Counter(f.severity for f in report.findings)
    files = f"{report.files} file{'s' if report.files != 1 else ''}"
    bindings = f"{report.bindings} port binding{'s' if report.bindings != 1 else ''}"
    if report.files == 0 and not report.findings:
        return "No files were read: no file under the given paths is one portlint checks.\n"
    if not report.findings:
        return f"No problems found in {files} ({bindings}).\n"
    parts = []
    for severity, word in (
        (Severity.ERROR, "error"),
        (Severity.WARNING, "warning"),
        (Severity.INFO, "info"),
    ):
        n = count.get(severity, 0)
        if n:
            parts.append(f"{n} {word}{'s' if n != 1 and word != 'info' else ''}")
    rules = Counter(f.rule for f in report.findings)
    # Every rule that fired, most frequent first (ties by ID): the line is the run's tally.
    tally = sorted(rules.items(), key=lambda item: (-item[1], item[0]))
    top = ", ".join(f"{rule} {BY_ID[rule].name} x{n}" for rule, n in tally)
    return f"Found {', '.join(parts)} in {files} ({bindings}): {top}.\n"


def statistics(findings: list[Finding]) -> str:
    """`--statistics`: findings per rule, most frequent first, as ruff prints them
    (count, rule, `[*]` when portlint can fix some, name)."""
    from portlint.fixes import FIXABLE

    rules = Counter(f.rule for f in findings)
    lines = [
        f"{n:>5}\t{rule}\t{'[*]' if rule in FIXABLE else '   '} {BY_ID[rule].name}"
        for rule, n in sorted(rules.items(), key=lambda item: (-item[1], item[0]))
    ]
    return "".join(f"{line}\n" for line in lines)

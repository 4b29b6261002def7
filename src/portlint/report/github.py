"""GitHub Actions workflow commands: one `::error`/`::warning`/`::notice` line per finding,
which GitHub turns into annotations on the pull request's diff.

Paths are relative to the repository (GitHub resolves them against the workspace), and
values are escaped as the Actions toolkit does: `%`, CR and LF everywhere, plus `:` and
`,` inside properties.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from portlint.findings import Finding, Severity
from portlint.report.repopath import repo_relative, repository_root
from portlint.rules.catalogue import BY_ID

if TYPE_CHECKING:
    from portlint.engine import Report
    from portlint.options import Options

_COMMANDS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "notice"}


def render(report: Report, options: Options, color: bool = False) -> str:
    root = repository_root()
    cwd = Path.cwd().resolve()
    return "".join(_command(finding, root, cwd) + "\n" for finding in report.findings)


def _command(finding: Finding, root: Path, cwd: Path) -> str:
    loc = finding.location
    properties = [
        ("file", repo_relative(loc.path, root, cwd)),
        ("line", str(loc.line)),
        ("col", str(loc.column)),
        ("endLine", str(max(loc.end_line, loc.line))),
    ]
    if loc.end_line == loc.line and loc.end_column > loc.column:
        properties.append(("endColumn", str(loc.end_column)))
    properties.append(("title", f"{finding.rule} {BY_ID[finding.rule].name}"))
    message = finding.message
    for related in finding.related:
        rl = related.location
        where = repo_relative(rl.path, root, cwd)
        message += f"\n  {where}:{rl.line}:{rl.column}: {related.message}"
    command = _COMMANDS[finding.severity or Severity.WARNING]
    props = ",".join(f"{name}={escape_property(value)}" for name, value in properties)
    return f"::{command} {props}::{escape_data(message)}"


def escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(text: str) -> str:
    return escape_data(text).replace(":", "%3A").replace(",", "%2C")

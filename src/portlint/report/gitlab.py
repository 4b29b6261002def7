"""GitLab Code Quality JSON: the subset of the Code Climate issue format that GitLab's
merge-request widget reads (description, check_name, fingerprint, severity,
location.path, location.lines.begin)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portlint.findings import Finding, Severity
from portlint.report.repopath import repo_relative, repository_root
from portlint.rules.catalogue import BY_ID

if TYPE_CHECKING:
    from portlint.engine import Report
    from portlint.options import Options

#: GitLab's scale is info, minor, major, critical, blocker; an error blocks a deployment
#: from starting, which is "major" in the convention of ESLint's and ruff's formatters.
_SEVERITY = {Severity.ERROR: "major", Severity.WARNING: "minor", Severity.INFO: "info"}


def render(report: Report, options: Options, color: bool = False) -> str:
    root = repository_root()
    cwd = Path.cwd().resolve()
    issues = [_issue(finding, root, cwd) for finding in report.findings]
    return json.dumps(issues, indent=2, ensure_ascii=False) + "\n"


def _issue(finding: Finding, root: Path, cwd: Path) -> dict[str, Any]:
    loc = finding.location
    name = BY_ID[finding.rule].name
    description = finding.message
    for related in finding.related:
        rl = related.location
        description += f" [{repo_relative(rl.path, root, cwd)}:{rl.line}: {related.message}]"
    description += f" ({finding.rule} {name})"
    return {
        "type": "issue",
        "description": description,
        "check_name": finding.rule,
        "categories": ["Bug Risk"],
        "fingerprint": finding.fingerprint,
        "severity": _SEVERITY[finding.severity or Severity.WARNING],
        "location": {
            "path": repo_relative(loc.path, root, cwd),
            "lines": {"begin": loc.line, "end": max(loc.end_line, loc.line)},
        },
    }

"""JSON output, exactly DESIGN.md's contract (`version`, `findings`, `files`, `bindings`)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from portlint.findings import Finding, Severity
from portlint.rules.catalogue import BY_ID

if TYPE_CHECKING:
    from portlint.engine import Report
    from portlint.options import Options


def finding_dict(finding: Finding) -> dict[str, Any]:
    loc = finding.location
    return {
        "rule": finding.rule,
        "name": BY_ID[finding.rule].name,
        "severity": (finding.severity or Severity.WARNING).value,
        "message": finding.message,
        "path": loc.path,
        "line": loc.line,
        "column": loc.column,
        "end_line": loc.end_line,
        "end_column": loc.end_column,
        "related": [
            {
                "path": r.location.path,
                "line": r.location.line,
                "column": r.location.column,
                "message": r.message,
            }
            for r in finding.related
        ],
        "fingerprint": finding.fingerprint,
    }


def render(report: Report, options: Options, color: bool = False) -> str:
    document = {
        "version": 1,
        "findings": [finding_dict(f) for f in report.findings],
        "files": report.files,
        "bindings": report.bindings,
    }
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"

"""JSON output, exactly DESIGN.md's contract (`version`, `findings`, `files`, `bindings`)."""

from __future__ import annotations

import json
from collections.abc import Iterator
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
    """One finding per line: `json.dumps(indent=...)` falls back to the pure-Python
    encoder, which cost more than the whole check on large trees; one compact object per
    line keeps the C encoder and stays readable and diffable."""
    return "".join(pieces(report, options))


def pieces(report: Report, options: Options, color: bool = False) -> Iterator[str]:
    """`render`'s text in pieces (a finding each), for writing as it is made: the whole
    document at once was the run's last memory peak on large trees."""
    encode = json.JSONEncoder(ensure_ascii=False, separators=(", ", ": ")).encode
    yield '{\n  "version": 1,\n  "findings": '
    if report.findings:
        separator = "[\n    "
        for finding in report.findings:
            yield separator + encode(finding_dict(finding))
            separator = ",\n    "
        yield "\n  ]"
    else:
        yield "[]"
    yield f',\n  "files": {report.files},\n  "bindings": {report.bindings}\n}}\n'

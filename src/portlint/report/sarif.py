"""SARIF 2.1.0 output for code scanning and editors (one run, every rule described).

Locations are relative to the `SRCROOT` base (the current directory); regions use our
1-based lines and code-point columns with an exclusive end column, which is SARIF's own
convention. `partialFingerprints` come from `Finding.fingerprint`, which never includes a
line number, so an alert survives edits that move it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from portlint import __version__, suppress
from portlint.docs import help_uri, rule_doc
from portlint.findings import Finding, Severity
from portlint.rules.catalogue import CATALOGUE, RuleInfo
from portlint.source import Location

if TYPE_CHECKING:
    from portlint.engine import Report
    from portlint.options import Options

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://github.com/portlint/portlint"
FINGERPRINT_KEY = "portlint/v1"
_LEVELS = {Severity.ERROR: "error", Severity.WARNING: "warning", Severity.INFO: "note"}
_RULE_INDEX = {info.id: index for index, info in enumerate(CATALOGUE)}


def render(report: Report, options: Options, color: bool = False) -> str:
    run: dict[str, Any] = {
        "tool": {"driver": _driver()},
        "originalUriBaseIds": {"SRCROOT": {"uri": _srcroot()}},
        "invocations": [_invocation(report)],
        "columnKind": "unicodeCodePoints",
        "results": [_result(finding) for finding in report.findings],
    }
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _driver() -> dict[str, Any]:
    return {
        "name": "portlint",
        "version": __version__,
        "semanticVersion": __version__,
        "informationUri": INFORMATION_URI,
        "rules": [_rule(info) for info in CATALOGUE],
    }


def _rule(info: RuleInfo) -> dict[str, Any]:
    doc = rule_doc(info)
    summary = _sentence(info.summary)
    configuration: dict[str, Any] = {"level": _LEVELS[info.default or Severity.WARNING]}
    if info.default is None:
        configuration["enabled"] = False
    return {
        "id": info.id,
        "name": info.name,
        "shortDescription": {"text": summary},
        "fullDescription": {"text": _what_it_flags(doc) or summary},
        "help": {"text": doc or summary, "markdown": doc or summary},
        "helpUri": help_uri(info),
        "defaultConfiguration": configuration,
    }


def _what_it_flags(doc: str | None) -> str | None:
    """The first paragraph of the page's `## What it flags` section, as one line."""
    if not doc:
        return None
    match = re.search(r"^## What it flags\s*\n(.*?)(?:\n\s*\n|\n#|\Z)", doc, re.M | re.S)
    if not match or not match.group(1).strip():
        return None
    return _sentence(" ".join(match.group(1).split()))


def _sentence(text: str) -> str:
    text = text.strip()
    return text if text.endswith((".", "!", "?")) else text + "."


def _result(finding: Finding) -> dict[str, Any]:
    severity = finding.severity or Severity.WARNING
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": _RULE_INDEX[finding.rule],
        "level": _LEVELS[severity],
        "message": {"text": _sentence(finding.message)},
        "locations": [{"physicalLocation": _physical(finding.location)}],
        "partialFingerprints": {FINGERPRINT_KEY: finding.fingerprint},
    }
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": index,
                "physicalLocation": _physical(related.location),
                "message": {"text": _sentence(related.message)},
            }
            for index, related in enumerate(finding.related, start=1)
        ]
    return result


def _physical(location: Location) -> dict[str, Any]:
    region: dict[str, Any] = {
        "startLine": location.line,
        "startColumn": location.column,
        "endLine": max(location.end_line, location.line),
    }
    if location.end_line > location.line or location.end_column > location.column:
        region["endColumn"] = location.end_column
    return {"artifactLocation": _artifact(location.path), "region": region}


def _artifact(path: str) -> dict[str, Any]:
    if Path(path).is_absolute():
        return {"uri": Path(path).as_uri()}
    return {"uri": quote(path), "uriBaseId": "SRCROOT"}


def _srcroot() -> str:
    uri = Path.cwd().resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _invocation(report: Report) -> dict[str, Any]:
    """Problems with portlint's own directives (unknown rules in suppressions) are tool
    configuration notifications, not results about the files."""
    invocation: dict[str, Any] = {"executionSuccessful": True}
    notices = suppress.unknown_rule_notices(report.suppressions)
    if notices:
        invocation["toolConfigurationNotifications"] = [
            {
                "descriptor": {"id": "unknown-rule"},
                "level": "warning",
                "message": {"text": _sentence(notice.message)},
                "locations": [{"physicalLocation": _physical(notice.location)}],
            }
            for notice in notices
        ]
    return invocation

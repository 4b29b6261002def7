"""SARIF 2.1.0 output for code scanning and editors (one run, every rule described).

Locations are relative to the `SRCROOT` base, the repository root (as GitHub's upload
resolves them, whatever directory portlint ran in); regions use our 1-based lines and
code-point columns with an exclusive end column, which is SARIF's own convention.
`partialFingerprints` come from `Finding.fingerprint`, which never includes a line number,
so an alert survives edits that move it; GitHub reads only `primaryLocationLineHash`, so
that key carries the same digest (with the occurrence counter GitHub's own hashes use).
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
from portlint.fixes import Fix, fix_for
from portlint.report.repopath import repo_relative, repository_root
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
#: Findings about exposure to the network: GitHub code scanning sorts results by
#: `security-severity` only for rules tagged "security" (scores on CVSS's 0-10 scale).
_SECURITY_SEVERITY = {"PL501": "7.5", "PL305": "6.5", "PL105": "5.0"}
#: How often a rule's finding is right when it fires (SARIF's `precision` property).
_PRECISION = {
    "PL001": "very-high",
    "PL002": "very-high",
    "PL004": "very-high",
    "PL005": "very-high",
    "PL101": "high",
    "PL301": "medium",
    "PL302": "medium",
}
_FAMILY_TAGS = {
    "PL0": "validity",
    "PL1": "collision",
    "PL2": "privileged-port",
    "PL3": "port-range",
    "PL4": "kubernetes-reference",
    "PL5": "exposure",
}


class _Paths:
    """Display paths (relative to the current directory) as repository-relative URIs."""

    def __init__(self) -> None:
        self.cwd = Path.cwd()
        self.root = repository_root(self.cwd)

    def relative(self, path: str) -> str:
        return repo_relative(path, self.root, self.cwd)


def render(report: Report, options: Options, color: bool = False) -> str:
    paths = _Paths()
    run: dict[str, Any] = {
        "tool": {"driver": _driver()},
        "automationDetails": {"id": "portlint/"},
        "originalUriBaseIds": {"SRCROOT": {"uri": _directory_uri(paths.root)}},
        "invocations": [_invocation(report, paths)],
        "columnKind": "unicodeCodePoints",
        "results": _results(report, paths),
    }
    document = {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [run]}
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def _driver() -> dict[str, Any]:
    return {
        "name": "portlint",
        "fullName": f"portlint {__version__}",
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
        "properties": _rule_properties(info),
    }


def _rule_properties(info: RuleInfo) -> dict[str, Any]:
    tags = ["ports", _FAMILY_TAGS.get(info.id[:3], "ports")]
    properties: dict[str, Any] = {"precision": _PRECISION.get(info.id, "high")}
    score = _SECURITY_SEVERITY.get(info.id)
    if score is not None:
        tags.append("security")
        properties["security-severity"] = score
    properties["tags"] = tags
    return properties


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


def _results(report: Report, paths: _Paths) -> list[dict[str, Any]]:
    occurrences: dict[str, int] = {}
    results = []
    for finding in report.findings:
        occurrence = occurrences[finding.fingerprint] = occurrences.get(finding.fingerprint, 0) + 1
        result = _result(finding, paths, occurrence)
        source = report.sources.get(finding.location.path)
        fix = fix_for(finding, source.text) if source is not None else None
        if fix is not None:
            result["fixes"] = [_fix(fix, paths)]
        results.append(result)
    return results


def _fix(fix: Fix, paths: _Paths) -> dict[str, Any]:
    """SARIF 3.55: the same edits as `--fix` (an unsafe one says so in its description)."""
    by_path: dict[str, list[dict[str, Any]]] = {}
    for edit in fix.edits:
        deleted: dict[str, Any] = {
            "startLine": edit.line,
            "startColumn": edit.column,
            "endLine": edit.end_line,
            "endColumn": edit.end_column,
        }
        by_path.setdefault(edit.path, []).append(
            {"deletedRegion": deleted, "insertedContent": {"text": edit.new_text}}
        )
    safety = (
        ""
        if fix.safe
        else " (unsafe: changes behaviour; portlint applies it only with --unsafe-fixes)"
    )
    return {
        "description": {"text": fix.title + safety},
        "artifactChanges": [
            {"artifactLocation": _artifact(path, paths), "replacements": replacements}
            for path, replacements in by_path.items()
        ],
    }


def _result(finding: Finding, paths: _Paths, occurrence: int) -> dict[str, Any]:
    severity = finding.severity or Severity.WARNING
    result: dict[str, Any] = {
        "ruleId": finding.rule,
        "ruleIndex": _RULE_INDEX[finding.rule],
        "level": _LEVELS[severity],
        "message": {"text": _linked_message(finding, paths)},
        "locations": [{"physicalLocation": _physical(finding.location, paths)}],
        "partialFingerprints": {
            FINGERPRINT_KEY: finding.fingerprint,
            "primaryLocationLineHash": f"{finding.fingerprint[:16]}:{occurrence}",
        },
    }
    if finding.related:
        result["relatedLocations"] = [
            {
                "id": index,
                "physicalLocation": _physical(related.location, paths),
                "message": {"text": _sentence(related.message)},
            }
            for index, related in enumerate(finding.related, start=1)
        ]
    return result


def _linked_message(finding: Finding, paths: _Paths) -> str:
    """The message with each related location as a SARIF link (`[text](id)`), so viewers
    make the other party of a collision clickable: a `path:line` the message already names
    becomes the link; otherwise the links follow the message."""
    text = _escape_brackets(_sentence(finding.message))
    appended = []
    for index, related in enumerate(finding.related, start=1):
        where = f"{related.location.path}:{related.location.line}"
        label = f"{paths.relative(related.location.path)}:{related.location.line}"
        escaped = _escape_brackets(where)
        if escaped in text:
            text = text.replace(escaped, f"[{_escape_brackets(label)}]({index})", 1)
        else:
            appended.append(f"[{_escape_brackets(label)}]({index})")
    if appended:
        text += " Related: " + ", ".join(appended) + "."
    return text


def _escape_brackets(text: str) -> str:
    """SARIF message text reads `[` and `]` as link syntax unless escaped (3.11.6)."""
    return text.replace("[", "\\[").replace("]", "\\]")


def _physical(location: Location, paths: _Paths) -> dict[str, Any]:
    region: dict[str, Any] = {
        "startLine": location.line,
        "startColumn": location.column,
        "endLine": max(location.end_line, location.line),
    }
    if location.end_line > location.line or location.end_column > location.column:
        region["endColumn"] = location.end_column
    return {"artifactLocation": _artifact(location.path, paths), "region": region}


def _artifact(path: str, paths: _Paths) -> dict[str, Any]:
    relative = paths.relative(path)
    if Path(relative).is_absolute():
        return {"uri": Path(relative).as_uri()}
    return {"uri": quote(relative), "uriBaseId": "SRCROOT"}


def _directory_uri(directory: Path) -> str:
    uri = directory.resolve().as_uri()
    return uri if uri.endswith("/") else uri + "/"


def _invocation(report: Report, paths: _Paths) -> dict[str, Any]:
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
                "locations": [{"physicalLocation": _physical(notice.location, paths)}],
            }
            for notice in notices
        ]
    return invocation

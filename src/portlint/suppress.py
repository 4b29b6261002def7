"""Suppressions: spans of lines (or whole files) where named rules are silenced.

Parsers record suppressions they know structurally (Kubernetes annotations) in
`ParseResult.suppressions`; comment forms (`# portlint: disable=...`) are read here from
the source text.
"""

from __future__ import annotations

from portlint.findings import Finding
from portlint.model import Suppression
from portlint.options import Options
from portlint.rules.catalogue import lookup
from portlint.source import SourceFile


def apply(
    findings: list[Finding],
    suppressions: list[Suppression],
    sources: dict[str, SourceFile],
    options: Options,
) -> tuple[list[Finding], list[Suppression]]:
    """Findings not suppressed, and every suppression (with `used` set)."""
    by_path: dict[str, list[Suppression]] = {}
    for suppression in suppressions:
        by_path.setdefault(suppression.path, []).append(suppression)
    kept: list[Finding] = []
    for finding in findings:
        if not _suppressed(finding, by_path.get(finding.location.path, ())):
            kept.append(finding)
    return kept, suppressions


def _suppressed(finding: Finding, suppressions) -> bool:
    hit = False
    for suppression in suppressions:
        whole_file = suppression.first_line == 0
        if not whole_file and not (
            suppression.first_line <= finding.location.line <= suppression.last_line
        ):
            continue
        if _names_rule(suppression, finding.rule):
            suppression.used = True
            hit = True
    return hit


def _names_rule(suppression: Suppression, rule_id: str) -> bool:
    for name in suppression.rules:
        info = lookup(name)
        if info is not None and info.id == rule_id:
            return True
    return False

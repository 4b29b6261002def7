"""Finding fingerprints: what a baseline remembers a finding by.

Stable across moved lines and reordered files: they hash the rule, the path and the
finding's subject (its key, else its message), never a line; equal subjects in one file
are told apart by their order.
"""

from __future__ import annotations

import hashlib
from collections import defaultdict

from portlint.findings import Finding


def fingerprint(findings: list[Finding]) -> None:
    """Set `finding.fingerprint` on each finding."""
    counts: dict[str, int] = defaultdict(int)
    for finding in sorted(findings, key=Finding.sort_key):
        subject = finding.key or finding.message
        base = f"{finding.rule}\0{finding.location.path}\0{subject}"
        counts[base] += 1
        digest = hashlib.sha256(f"{base}\0{counts[base]}".encode()).hexdigest()
        finding.fingerprint = digest[:32]

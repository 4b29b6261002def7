"""Baselines: accept today's findings, fail only on new ones.

`--write-baseline FILE` records every current finding by fingerprint (rule and path are
kept beside it for people reading the file) and accepts them: that run reports nothing and
exits 0. `--baseline FILE` drops findings whose fingerprint it lists. Fingerprints hash
rule, path and the finding's subject, never a line, so moving lines or reordering files
keeps a baseline valid. Paths are the display
paths, relative to the current directory: write and use a baseline from the same one.

`postprocess` is the CLI's hook after the engine: it also adds unused-suppression
findings (`--report-unused-suppressions`) so that a baseline can hold them too.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from portlint import suppress
from portlint.configfiles import LIMITS
from portlint.engine import Report
from portlint.errors import ConfigError
from portlint.findings import Finding
from portlint.fingerprints import fingerprint
from portlint.options import Options
from portlint.rules.catalogue import BY_ID
from portlint.source import ReadError, read_source

VERSION = 1


def postprocess(report: Report, args: argparse.Namespace, options: Options) -> Report:
    findings = list(report.findings)
    if getattr(args, "report_unused_suppressions", False):
        findings.extend(suppress.unused_findings(report.suppressions, options))
        fingerprint(findings)
        findings.sort(key=Finding.sort_key)
    if getattr(args, "write_baseline", None):
        write(Path(args.write_baseline), findings)
        args.recorded = len(findings)  # the CLI says so instead of "No problems found"
        findings = []  # recorded means accepted: nothing is new yet
    elif getattr(args, "baseline", None):
        known = load(Path(args.baseline))
        findings = [f for f in findings if f.fingerprint not in known]
    report.findings = findings
    return report


def write(path: Path, findings: list[Finding]) -> None:
    """The baseline file, sorted so that it diffs well."""
    entries = sorted(
        (
            {
                "fingerprint": f.fingerprint,
                "rule": f.rule,
                "name": BY_ID[f.rule].name,
                "path": f.location.path,
            }
            for f in findings
        ),
        key=lambda e: (e["path"], e["rule"], e["fingerprint"]),
    )
    document = {"version": VERSION, "tool": "portlint", "findings": entries}
    try:
        path.write_text(json.dumps(document, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        raise ConfigError(f"--write-baseline {path}: {error.strerror or error}") from None


def load(path: Path) -> set[str]:
    """The fingerprints a baseline file lists; a missing or malformed file is exit 2."""
    if not path.exists():
        raise ConfigError(f"--baseline {path}: no such file (create it with --write-baseline)")
    try:
        data: Any = json.loads(read_source(path, str(path), LIMITS.max_file_bytes).text)
    except (ReadError, ValueError) as error:
        raise ConfigError(f"--baseline {path}: not a portlint baseline: {error}") from None
    entries = data.get("findings") if isinstance(data, dict) else None
    if not isinstance(entries, list) or data.get("version") != VERSION:
        raise ConfigError(f"--baseline {path}: not a portlint baseline (version {VERSION})")
    fingerprints = {e.get("fingerprint") for e in entries if isinstance(e, dict)}
    return {f for f in fingerprints if isinstance(f, str)}

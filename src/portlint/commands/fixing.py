"""`check --fix`, `--unsafe-fixes` and `--diff`: the edits of portlint.fixes applied to
the files (or shown as a unified diff), as ruff does.

Safe fixes keep what a file means and are applied by `--fix`; unsafe ones (they move a
port or change an address) only with `--unsafe-fixes` too. Fixing runs to a fixed point:
apply, check again, apply what the new findings offer, until nothing changes (a PL101
collision is fixed on one side per pass, never on both). Every byte a fix does not
replace is kept; stdin and files outside the run's sources are never written.
"""

from __future__ import annotations

import difflib
from collections.abc import Callable

from portlint.engine import Report
from portlint.errors import ConfigError
from portlint.findings import Finding
from portlint.fixes import Fix, apply_edits, fix_for
from portlint.source import SourceFile

#: Passes before giving up on reaching a fixed point (ruff stops after 100).
MAX_PASSES = 10


def applicable(report: Report, unsafe: bool, stdin: str | None = None) -> dict[str, list[Fix]]:
    """Display path -> the fixes to apply there in one pass (non-overlapping); never in
    `stdin` (the display path `--stdin-filename` gave the text on stdin: a file of that
    name on disk is not what was checked)."""
    chosen: dict[str, list[Fix]] = {}
    moved: set[tuple[str, int, int]] = set()
    for finding in report.findings:
        source = report.sources.get(finding.location.path)
        if source is None or source.display == stdin or not source.path.is_file():
            continue
        fix = fix_for(finding, source.text)
        if fix is None or (not fix.safe and not unsafe):
            continue
        if finding.rule == "PL101" and _other_side_moved(finding, moved):
            continue
        edits = chosen.setdefault(finding.location.path, [])
        if any(_overlaps(fix, other) for other in edits):
            continue
        edits.append(fix)
        loc = finding.location
        moved.add((loc.path, loc.line, loc.column))
    return {path: fixes for path, fixes in chosen.items() if fixes}


def _other_side_moved(finding: Finding, moved: set[tuple[str, int, int]]) -> bool:
    return any(
        (r.location.path, r.location.line, r.location.column) in moved for r in finding.related
    )


def _overlaps(one: Fix, other: Fix) -> bool:
    return any(
        (a.line, a.column) < (b.end_line, b.end_column)
        and (b.line, b.column) < (a.end_line, a.end_column)
        or (a.line, a.column) == (b.line, b.column)
        for a in one.edits
        for b in other.edits
    )


def fixed_texts(report: Report, fixes: dict[str, list[Fix]]) -> dict[str, tuple[SourceFile, str]]:
    """Display path -> (the source, its text with the fixes applied)."""
    return {
        path: (source, apply_edits(source.text, [e for fix in chosen for e in fix.edits]))
        for path, chosen in fixes.items()
        if (source := report.sources[path])
    }


def fix_in_place(
    report: Report, rerun: Callable[[], Report], unsafe: bool, stdin: str | None = None
) -> tuple[Report, int]:
    """Apply fixes until none applies; (the final report, how many fixes were applied)."""
    applied = 0
    for _ in range(MAX_PASSES):
        fixes = applicable(report, unsafe, stdin)
        if not fixes:
            break
        for _path, (source, text) in fixed_texts(report, fixes).items():
            _write(source, text)
        applied += sum(len(chosen) for chosen in fixes.values())
        report = rerun()
    return report, applied


def _write(source: SourceFile, text: str) -> None:
    try:
        with open(source.path, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
    except OSError as error:
        raise ConfigError(f"{source.display}: cannot write the fix: {error.strerror}") from None


def unified_diff(report: Report, unsafe: bool, stdin: str | None = None) -> tuple[str, int]:
    """(the diff of what `--fix` would change in one pass, how many fixes it holds)."""
    fixes = applicable(report, unsafe, stdin)
    parts: list[str] = []
    for path, (source, text) in sorted(fixed_texts(report, fixes).items()):
        for line in difflib.unified_diff(
            source.text.splitlines(keepends=True),
            text.splitlines(keepends=True),
            fromfile=f"a/{path}",
            tofile=f"b/{path}",
        ):  # a last line without a line break is marked as `diff -u` does (patch reads it)
            parts.append(line if line.endswith("\n") else f"{line}\n\\ No newline at end of file\n")
    return "".join(parts), sum(len(chosen) for chosen in fixes.values())

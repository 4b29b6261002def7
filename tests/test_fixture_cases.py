"""Every fixture case `fixtures/<RULE>/<pass|fail>-<case>/` runs through the engine, and the
findings of that rule must be exactly the `expected` file's lines: `RULE path:line:col`,
path relative to the case directory. `config.yaml` in a case is its configuration."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from helpers import FIXTURES, run

CASES = sorted(
    case
    for rule_dir in FIXTURES.glob("PL[0-9][0-9][0-9]")
    for case in rule_dir.iterdir()
    if case.is_dir() and (case / "expected").is_file()
)


def _expected(case: Path) -> list[str]:
    lines = (case / "expected").read_text().splitlines()
    return sorted(line.strip() for line in lines if line.strip() and not line.startswith("#"))


def _actual(case: Path) -> list[str]:
    config_file = case / "config.yaml"
    config = yaml.safe_load(config_file.read_text()) if config_file.is_file() else {}
    report = run(case, config=config, config_path=config_file)
    rule = case.parent.name
    rows = []
    for finding in report.findings:
        if finding.rule != rule:
            continue
        path = Path(finding.location.path).resolve().relative_to(case.resolve()).as_posix()
        rows.append(f"{finding.rule} {path}:{finding.location.line}:{finding.location.column}")
    return sorted(rows)


@pytest.mark.parametrize("case", CASES, ids=lambda c: f"{c.parent.name}/{c.name}")
def test_fixture_case(case: Path) -> None:
    expected = _expected(case)
    if case.name.startswith("fail-"):
        assert expected, "a fail- case must expect at least one finding"
    else:
        assert case.name.startswith("pass-") and not expected
    assert _actual(case) == expected

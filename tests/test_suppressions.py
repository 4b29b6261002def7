"""Suppression comments end to end through the CLI: same line, next line, whole file, by ID
or by name, in YAML and in a service config; unknown rules warn; unused ones are reported
only when asked."""

from __future__ import annotations

import json

import pytest

from helpers import FIXTURES
from portlint.cli import main

CASES = FIXTURES / "suppress"


@pytest.fixture(autouse=True)
def in_cases(monkeypatch):
    monkeypatch.chdir(CASES)


def check(capsys, *args: str) -> tuple[int, list[tuple[str, str, int, int]], str]:
    code = main(["check", *args, "--format", "json"])
    captured = capsys.readouterr()
    rows = [
        (f["rule"], f["path"], f["line"], f["column"]) for f in json.loads(captured.out)["findings"]
    ]
    return code, rows, captured.err


def test_same_line_and_next_line_comments_silence_only_their_line(capsys):
    code, rows, _ = check(capsys, "yaml", "--select", "PL101")
    # api (line 9, same-line by ID) and worker (line 15, next-line by name, across a
    # comment line) are silenced; their parties web (5) and admin (19) still report.
    assert rows == [
        ("PL101", "yaml/compose.yaml", 5, 10),
        ("PL101", "yaml/compose.yaml", 19, 10),
    ]
    assert code == 1


def test_without_comments_all_four_parties_report(capsys, tmp_path):
    text = (CASES / "yaml" / "compose.yaml").read_text()
    stripped = "\n".join(line.split("#")[0].rstrip() for line in text.splitlines()) + "\n"
    (tmp_path / "compose.yaml").write_text(stripped)
    _, rows, _ = check(capsys, str(tmp_path), "--select", "PL101")
    assert [row[2] for row in rows] == [5, 9, 15, 19]


def test_unknown_rule_in_a_comment_is_a_warning_on_stderr_not_a_finding(capsys):
    code, rows, err = check(capsys, "yaml", "--select", "PL101")
    assert err == (
        "portlint: warning: yaml/compose.yaml:13:53: unknown rule 'PL999' in suppression\n"
    )
    assert all(rule == "PL101" for rule, *_ in rows)


def test_unknown_rule_warning_suggests_the_closest_name(capsys, tmp_path):
    (tmp_path / "compose.yaml").write_text(
        'services:\n  web:\n    ports: ["18080:80"]  # portlint: disable=port-colision\n'
    )
    code, rows, err = check(capsys, str(tmp_path))
    assert "unknown rule 'port-colision' in suppression; did you mean port-collision?" in err
    assert (code, rows) == (0, [])


def test_disable_file_silences_the_rule_everywhere_in_the_file(capsys):
    code, rows, _ = check(capsys, "file")
    assert (code, rows) == (0, [])


def test_unused_suppression_is_reported_only_with_the_flag(capsys):
    code, rows, _ = check(capsys, "file", "--report-unused-suppressions")
    # line 6 has `# portlint: disable=PL201` but publishes 18080: nothing to silence.
    assert rows == [("PL201", "file/compose.yaml", 6, 41)]
    assert code == 1
    main(["check", "file", "--report-unused-suppressions"])
    out = capsys.readouterr().out
    assert "file/compose.yaml:6:41: PL201 [warning] unused suppression: no PL201" in out


def test_used_suppressions_are_not_reported_as_unused(capsys):
    _, rows, _ = check(capsys, "yaml", "--select", "PL101", "--report-unused-suppressions")
    assert [row[2] for row in rows] == [5, 19]


def test_suppressions_of_rules_not_enabled_are_not_reported_as_unused(capsys):
    _, rows, _ = check(capsys, "file", "--report-unused-suppressions", "--ignore", "PL201")
    assert rows == []


def test_comments_in_an_nginx_config_silence_its_findings(capsys):
    code, rows, _ = check(capsys, "nginx", "--select", "PL101", "--report-unused-suppressions")
    # Both nginx listeners are silenced (next-line by name, same line by ID); the compose
    # side of each collision has no comment and still reports.
    assert rows == [
        ("PL101", "nginx/compose.yaml", 5, 10),
        ("PL101", "nginx/compose.yaml", 6, 10),
    ]
    assert code == 1


def test_names_and_ids_are_case_insensitive_and_may_be_spaced(capsys, tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    ports:\n"
        '      - "80:80"  # portlint: disable = pl201 , PORT-COLLISION\n'
    )
    (tmp_path / ".portlint.yaml").write_text("rootless: true\n")  # PL201: rootless only
    code, rows, err = check(capsys, str(tmp_path), "--report-unused-suppressions")
    # PL201 is silenced; the port-collision name silences nothing, so it is reported unused.
    assert [(r[0], r[2], r[3]) for r in rows] == [("PL101", 4, 48)]
    assert err == ""

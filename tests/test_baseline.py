"""`--write-baseline` / `--baseline` end to end: accepted findings stay accepted when lines
move or files are given in another order; a new finding still fails; `--output` writes the
report to a file."""

from __future__ import annotations

import json
import shutil

import pytest

from helpers import FIXTURES
from portlint.cli import main


@pytest.fixture
def project(tmp_path, monkeypatch):
    shutil.copytree(FIXTURES / "integrations" / "collision", tmp_path / "deploy")
    monkeypatch.chdir(tmp_path)
    return tmp_path / "deploy"


def findings(capsys, *args: str) -> tuple[int, list[tuple[str, str, int, int]]]:
    code = main(["check", *args, "--format", "json"])
    document = json.loads(capsys.readouterr().out)
    return code, [(f["rule"], f["path"], f["line"], f["column"]) for f in document["findings"]]


def test_written_baseline_lists_fingerprints_with_rule_and_path(project, capsys):
    code, _ = findings(capsys, "deploy", "--select", "PL101", "--write-baseline", "base.json")
    assert code == 0  # today's findings are accepted
    data = json.loads((project.parent / "base.json").read_text())
    assert data["version"] == 1
    assert [(e["rule"], e["name"], e["path"]) for e in data["findings"]] == [
        ("PL101", "port-collision", "deploy/api/compose.yaml"),
        ("PL101", "port-collision", "deploy/web/compose.yaml"),
    ]
    assert all(len(e["fingerprint"]) == 32 for e in data["findings"])


def test_baseline_survives_moved_lines_and_reordered_files(project, capsys):
    findings(capsys, "deploy/web", "deploy/api", "--write-baseline", "base.json")
    web = project / "web" / "compose.yaml"
    web.write_text(
        "# a header that moves every line down\n"
        "services:\n"
        "  web:\n"
        "    image: example/web:1\n"
        "    environment:\n"
        "      MODE: production\n"
        "    ports:\n"
        '      - "18080:80"\n'
    )
    api = project / "api" / "compose.yaml"
    lines = api.read_text().splitlines()
    lines[4], lines[5] = lines[5], lines[4]  # the colliding mapping is now first
    api.write_text("\n".join(lines) + "\n")
    # Without the baseline the collision is still there, on other lines...
    code, rows = findings(capsys, "deploy/api", "deploy/web", "--select", "PL101")
    assert (code, rows) == (
        1,
        [
            ("PL101", "deploy/api/compose.yaml", 5, 10),
            ("PL101", "deploy/web/compose.yaml", 8, 10),
        ],
    )
    # ...and with it, nothing is new.
    code, rows = findings(capsys, "deploy/api", "deploy/web", "--baseline", "base.json")
    assert (code, rows) == (0, [])


def test_a_new_finding_is_reported_despite_the_baseline(project, capsys):
    findings(capsys, "deploy", "--write-baseline", "base.json")
    (project / "web" / "compose.yaml").write_text(
        "services:\n  web:\n    image: example/web:1\n    ports:\n"
        '      - "18080:80"\n      - "127.0.0.1:19000:9090"\n'
    )
    code, rows = findings(capsys, "deploy", "--baseline", "base.json", "--select", "PL101")
    assert code == 1
    assert rows == [
        ("PL101", "deploy/api/compose.yaml", 5, 20),
        ("PL101", "deploy/web/compose.yaml", 6, 20),
    ]


def test_missing_or_malformed_baseline_is_a_usage_error(project, capsys):
    assert main(["check", "deploy", "--baseline", "missing.json"]) == 2
    assert "--baseline missing.json: no such file" in capsys.readouterr().err
    (project.parent / "bad.json").write_text('{"findings": 3}')
    assert main(["check", "deploy", "--baseline", "bad.json"]) == 2
    assert "not a portlint baseline" in capsys.readouterr().err


def test_output_writes_the_report_and_summarises_on_the_terminal(project, capsys):
    code = main(
        ["check", "deploy", "--select", "PL101", "--format", "sarif", "--output", "report.sarif"]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert out == "Found 2 errors in 2 files (6 port bindings): PL101 port-collision x2.\n"
    document = json.loads((project.parent / "report.sarif").read_text())
    assert len(document["runs"][0]["results"]) == 2


def test_output_with_text_format_writes_the_findings_to_the_file(project, capsys):
    main(["check", "deploy", "--select", "PL101", "--output", "report.txt"])
    out = capsys.readouterr().out
    text = (project.parent / "report.txt").read_text()
    assert text.startswith("deploy/api/compose.yaml:6:10: PL101 [error] ")
    assert out == text.splitlines(keepends=True)[-1]

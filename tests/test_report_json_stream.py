"""`--format json` is written to stdout as it is made (a finding at a time): the text is
exactly what `render` builds at once, with `--output` or without, and parses as the
documented document."""

from __future__ import annotations

import json

from helpers import FIXTURES
from portlint.cli import main
from portlint.config import build_options
from portlint.engine import check
from portlint.report import json as json_report
from portlint.report import render

CASE = FIXTURES / "integrations"


def test_streamed_stdout_equals_rendered_file(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(CASE)
    code = main(["check", "collision", "--format", "json", "--no-cache"])
    streamed = capsys.readouterr().out
    assert code == 1
    written = tmp_path / "report.json"
    assert main(["check", "collision", "--format", "json", "--no-cache", "-o", str(written)]) == 1
    assert streamed == written.read_text(encoding="utf-8")
    document = json.loads(streamed)
    assert [f["rule"] for f in document["findings"]] == ["PL101", "PL101"]
    assert (document["version"], document["files"]) == (1, 2)


def test_pieces_join_to_render_with_and_without_findings(monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "compose.yaml").write_text(
        'services:\n  a:\n    ports: ["8080:80"]\n  b:\n    ports: ["8080:81"]\n'
    )
    options = build_options({}, None)
    report = check(["."], options)
    assert [f.rule for f in report.findings] == ["PL101", "PL101"]
    pieces = list(json_report.pieces(report, options))
    assert len(pieces) == len(report.findings) + 3  # head, one per finding, "]", tail
    assert "".join(pieces) == render("json", report, options)
    (tmp_path / "compose.yaml").write_text("services:\n  web:\n    image: nginx\n")
    empty = check(["."], options)
    text = "".join(json_report.pieces(empty, options))
    assert text == render("json", empty, options)
    assert json.loads(text)["findings"] == []

"""`--format gitlab`: GitLab Code Quality JSON (the Code Climate subset GitLab reads)."""

from __future__ import annotations

import json

from helpers import FIXTURES
from portlint.cli import main

CASE = FIXTURES / "integrations"


def test_collision_issues_have_gitlabs_fields(capsys, monkeypatch):
    monkeypatch.setenv("CI_PROJECT_DIR", str(FIXTURES))
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    monkeypatch.chdir(CASE)
    assert main(["check", "collision", "--format", "gitlab", "--select", "PL101"]) == 1
    issues = json.loads(capsys.readouterr().out)
    assert [(i["check_name"], i["severity"], i["location"]) for i in issues] == [
        (
            "PL101",
            "major",
            {"path": "integrations/collision/api/compose.yaml", "lines": {"begin": 6, "end": 6}},
        ),
        (
            "PL101",
            "major",
            {"path": "integrations/collision/web/compose.yaml", "lines": {"begin": 5, "end": 5}},
        ),
    ]
    for issue in issues:
        assert issue["type"] == "issue"
        assert issue["description"].startswith("host port 18080/tcp")
        assert issue["description"].endswith("(PL101 port-collision)")
    # GitLab shows one issue per fingerprint: they must differ.
    assert len({i["fingerprint"] for i in issues}) == 2


def test_warning_maps_to_minor_and_empty_run_is_an_empty_list(capsys, monkeypatch, tmp_path):
    monkeypatch.setenv("CI_PROJECT_DIR", str(tmp_path))
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    (tmp_path / "compose.yaml").write_text('services:\n  web:\n    ports: ["80:80"]\n')
    (tmp_path / ".portlint.yaml").write_text("rootless: true\n")  # PL201: rootless only
    monkeypatch.chdir(tmp_path)
    main(["check", ".", "--format", "gitlab", "--select", "PL201"])
    [issue] = json.loads(capsys.readouterr().out)
    assert (issue["check_name"], issue["severity"], issue["location"]["lines"]["begin"]) == (
        "PL201",
        "minor",
        3,
    )
    assert main(["check", ".", "--format", "gitlab", "--select", "PL101"]) == 0
    assert json.loads(capsys.readouterr().out) == []

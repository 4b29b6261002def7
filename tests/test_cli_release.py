"""The command line added in this release (issue 16), end to end through `main` or a
subprocess: intermixed options, report files, colour and code frames, --exit-zero,
--statistics, --show-files, --show-settings, baselines, empty trees, suggestions."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import FIXTURES
from portlint.cli import main

SAME_FILE = FIXTURES / "PL101" / "fail-same-file"
COLLIDING = 'services:\n  {name}:\n    image: example/{name}:1\n    ports:\n      - "{port}:80"\n'


def _write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)
    return path


@pytest.fixture
def tree(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    # Two Compose projects are two hosts by default; these two run on one machine.
    _write(tmp_path / ".portlint.yaml", 'hosts:\n  - name: lab\n    paths: ["deploy/**"]\n')
    _write(tmp_path / "deploy/shop/compose.yaml", COLLIDING.format(name="shop", port=18080))
    _write(tmp_path / "deploy/edge/compose.yaml", COLLIDING.format(name="edge", port=18080))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "portlint", *args],
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
    )


def test_options_may_sit_between_paths(tree, capsys):
    assert main(["check", "deploy/shop", "--select", "PL1", "deploy/edge", "--concise"]) == 1
    out = capsys.readouterr().out
    assert out.splitlines()[0].startswith("deploy/edge/compose.yaml:5:10: PL101 [error]")
    assert "deploy/shop/compose.yaml:5:10: PL101" in out


def test_output_creates_missing_directories(tree, capsys):
    assert main(["check", ".", "--format", "sarif", "--output", "sub/dir/out.sarif"]) == 1
    assert json.loads((tree / "sub/dir/out.sarif").read_text())["version"] == "2.1.0"


def test_an_output_that_cannot_be_made_is_one_line_and_exit_2_before_checking(tree, capsys):
    (tree / "blocker").write_text("a file, not a directory\n")
    assert main(["check", ".", "--output", "blocker/out.txt"]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("portlint: error: --output blocker/out.txt: cannot create blocker")
    assert len(err.splitlines()) == 1


def test_code_frames_show_without_colour_and_concise_drops_them(tree):
    full = _run("check", "deploy", env={"NO_COLOR": "1"})
    assert "\x1b[" not in full.stdout
    assert '    5 |       - "18080:80"\n      |          ^^^^^\n' in full.stdout
    concise = _run("check", "--concise", "deploy")
    assert " | " not in concise.stdout and concise.returncode == 1


@pytest.mark.parametrize(
    ("args", "env", "colored"),
    [
        ((), {"NO_COLOR": "", "FORCE_COLOR": ""}, False),  # a pipe, nothing set
        ((), {"FORCE_COLOR": "1", "NO_COLOR": ""}, True),  # empty NO_COLOR is not set
        ((), {"FORCE_COLOR": "1", "NO_COLOR": "1"}, False),
        (("--color", "always"), {"NO_COLOR": "1"}, True),
        (("--color", "never"), {"FORCE_COLOR": "1"}, False),
        (("--no-color",), {"FORCE_COLOR": "1"}, False),
    ],
)
def test_color_choice_and_environment(tree, args, env, colored):
    result = _run("check", *args, "deploy", env=env)
    assert ("\x1b[" in result.stdout) is colored, result.stdout


def test_exit_zero_reports_and_exits_0(tree, capsys):
    assert main(["check", "--exit-zero", "deploy"]) == 0
    assert "PL101" in capsys.readouterr().out


def test_statistics_count_findings_per_rule(tree, capsys):
    _write(tree / "deploy/old/compose.yaml", COLLIDING.format(name="old", port=80))
    _write(tree / "deploy/old/.env.example", "")  # PL201 needs a rootless target:
    (tree / ".portlint.yaml").write_text((tree / ".portlint.yaml").read_text() + "rootless: true\n")
    assert main(["check", "--statistics", "--concise", "deploy"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert lines[-2:] == [
        "    2\tPL101\t[*] port-collision",
        "    1\tPL201\t    privileged-host-port",
    ]


def test_show_files_lists_path_and_parser_and_checks_nothing(tree, capsys):
    _write(tree / "deploy/edge/nginx.conf", "server { listen 18080; }\n")
    _write(tree / "deploy/notes.yaml", "title: not a deployment\n")
    assert main(["check", "--show-files", "deploy"]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "deploy/edge/compose.yaml\tcompose",
        "deploy/edge/nginx.conf\tnginx",
        "deploy/notes.yaml\t-",
        "deploy/shop/compose.yaml\tcompose",
    ]


def test_show_settings_prints_the_resolved_settings(tree, capsys):
    _write(tree / ".portlint.yaml", "select: [PL1]\nseverity:\n  PL101: warning\n")
    assert main(["check", "--show-settings", "deploy"]) == 0
    settings = json.loads(capsys.readouterr().out)
    assert settings["config"].endswith(".portlint.yaml")
    assert settings["enabled"] == ["PL101", "PL102", "PL103", "PL104", "PL105"]
    assert settings["severity"] == {"PL101": "warning"}


def test_write_baseline_says_what_it_recorded(tree, capsys):
    assert main(["check", "--write-baseline", "baseline.json", "deploy"]) == 0
    out = capsys.readouterr().out
    assert out == "Recorded 2 findings in baseline.json.\n"
    assert "No problems found" not in out
    assert main(["check", "--baseline", "baseline.json", "deploy"]) == 0


def test_an_empty_directory_says_no_files_were_read(tmp_path, capsys):
    (tmp_path / "empty").mkdir()
    assert main(["check", str(tmp_path / "empty")]) == 0
    assert capsys.readouterr().out == (
        "No files were read: no file under the given paths is one portlint checks.\n"
    )


def test_unknown_config_key_has_position_and_suggestion(tree, capsys):
    _write(tree / ".portlint.yaml", "fail-on: error\nselekt: [PL1]\n")
    assert main(["check", "deploy"]) == 2
    assert capsys.readouterr().err == (
        f"portlint: error: {tree / '.portlint.yaml'}:2:1: unknown key 'selekt'; "
        "did you mean 'select'?\n"
    )


def test_nested_config_errors_have_line_and_column(tree, capsys):
    _write(tree / ".portlint.yaml", "hosts:\n  - name: a\n    pathz: [x]\n")
    assert main(["check", "deploy"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"portlint: error: {tree / '.portlint.yaml'}:3:5: hosts.0: unknown key")
    assert err.endswith("did you mean 'paths'?\n")


def test_duplicate_config_keys_are_an_error_that_says_so(tree, capsys):
    _write(tree / ".portlint.yaml", "select: [PL1]\nselect: [PL2]\n")
    assert main(["check", "deploy"]) == 2
    assert capsys.readouterr().err == (
        f"portlint: error: {tree / '.portlint.yaml'}:2:1: duplicate key 'select' (first at "
        "line 1, column 1): a key may appear only once (YAML forbids repeats; portlint never "
        "picks one)\n"
    )


def test_unknown_rules_suggest_the_nearest(tree, capsys):
    assert main(["check", "--select", "PL999", "deploy"]) == 2
    assert capsys.readouterr().err == (
        "portlint: error: command line: unknown rule or prefix: 'PL999'; "
        "did you mean PL502 (unbound-interface)?\n"
    )
    assert main(["explain", "colision"]) == 2
    assert capsys.readouterr().err.endswith("did you mean PL101 (port-collision)?\n")

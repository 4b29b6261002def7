"""The command line as users meet it: exit codes, output contracts, one-line errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from helpers import FIXTURES
from portlint import __version__
from portlint.cli import main
from portlint.rules.catalogue import CATALOGUE

SAME_FILE = FIXTURES / "PL101" / "fail-same-file"
CLEAN = FIXTURES / "PL201" / "pass-unprivileged"


def test_findings_exit_1_and_clean_exit_0(capsys):
    assert main(["check", str(SAME_FILE)]) == 1
    assert main(["check", str(CLEAN)]) == 0
    assert "No problems found in 1 file" in capsys.readouterr().out


def test_check_is_the_default_verb(capsys):
    assert main([str(SAME_FILE)]) == 1
    assert "PL101" in capsys.readouterr().out


def test_fail_on_error_ignores_warnings(tmp_path):
    (tmp_path / "compose.yaml").write_text("services:\n  w:\n    ports: ['80:8080']\n")
    (tmp_path / ".portlint.yaml").write_text("rootless: true\n")  # PL201: rootless only
    assert main(["check", str(tmp_path)]) == 1  # PL201 is a warning
    assert main(["check", "--fail-on", "error", str(tmp_path)]) == 0


def test_text_output_is_ruff_style_with_related_lines(capsys):
    main(["check", "--no-color", str(SAME_FILE)])
    lines = capsys.readouterr().out.splitlines()
    path = os.path.relpath(SAME_FILE / "compose.yaml")
    assert lines[0].startswith(
        f"{path}:5:10: PL101 [error] host port 8080/tcp on the host of compose"
    )
    assert lines[1] == f"    {path}:9:10: service 'admin' binds 8080/tcp here"
    assert lines[-1].startswith("Found 2 errors in 1 file")
    assert "\x1b[" not in "\n".join(lines)


def test_json_output_follows_the_contract(capsys):
    assert main(["check", "--format", "json", str(SAME_FILE)]) == 1
    document = json.loads(capsys.readouterr().out)
    assert set(document) == {"version", "findings", "files", "bindings"}
    assert (document["version"], document["files"], document["bindings"]) == (1, 1, 4)
    first = document["findings"][0]
    assert set(first) == {
        "rule",
        "name",
        "severity",
        "message",
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "related",
        "fingerprint",
    }
    assert (first["rule"], first["name"], first["severity"]) == ("PL101", "port-collision", "error")
    assert (first["line"], first["column"], first["end_line"], first["end_column"]) == (
        5,
        10,
        5,
        14,
    )
    assert first["related"] == [
        {
            "path": first["path"],
            "line": 9,
            "column": 10,
            "message": "service 'admin' binds 8080/tcp here",
        }
    ]
    assert not first["path"].startswith("/")


def test_select_and_ignore(capsys):
    assert main(["check", "--ignore", "PL101", str(SAME_FILE)]) == 0
    assert main(["check", "--select", "port-collision", str(SAME_FILE)]) == 1
    assert main(["check", "--select", "PL2", str(SAME_FILE)]) == 0


def test_unknown_rule_in_select_is_a_usage_error(capsys):
    assert main(["check", "--select", "PL999", str(SAME_FILE)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "PL999" in err


def test_missing_path_is_one_line_exit_2(capsys):
    assert main(["check", "/no/such/dir"]) == 2
    err = capsys.readouterr().err
    assert err == "portlint: error: /no/such/dir: no such file or directory\n"


def test_bad_option_is_one_line_exit_2(capsys):
    assert main(["check", "--bogus"]) == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_invalid_config_names_the_file_and_key(tmp_path, capsys):
    (tmp_path / ".portlint.yaml").write_text("fail-on: sometimes\nbogus: 1\n")
    assert main(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert ".portlint.yaml" in err and ("bogus" in err or "fail-on" in err)
    assert err.count("\n") == 1


def test_config_in_pyproject_is_found(tmp_path, capsys):
    (tmp_path / "pyproject.toml").write_text('[tool.portlint]\nignore = ["PL101"]\n')
    (tmp_path / "compose.yaml").write_text(
        "services:\n  a:\n    ports: ['8080:80']\n  b:\n    ports: ['8080:81']\n"
    )
    assert main(["check", str(tmp_path)]) == 0


def test_config_severity_override_and_off(tmp_path):
    (tmp_path / "compose.yaml").write_text("services:\n  w:\n    ports: ['80:8080']\n")
    (tmp_path / ".portlint.yaml").write_text(
        "rootless: true\nseverity: {PL201: error}\nfail-on: error\n"
    )
    assert main(["check", str(tmp_path)]) == 1
    (tmp_path / ".portlint.yaml").write_text(
        "rootless: true\nseverity: {privileged-host-port: 'off'}\n"
    )
    assert main(["check", str(tmp_path)]) == 0


def test_rules_lists_the_catalogue(capsys):
    assert main(["rules"]) == 0
    out = capsys.readouterr().out
    assert all(info.id in out and info.name in out for info in CATALOGUE)


@pytest.mark.parametrize("name", ["PL101", "port-collision", "pl101"])
def test_explain_prints_the_rule_page(name, capsys):
    assert main(["explain", name]) == 0
    out = capsys.readouterr().out
    assert out.startswith("# PL101 port-collision") and "## Fix" in out


def test_explain_unknown_rule(capsys):
    assert main(["explain", "PL999"]) == 2


def test_version_and_python_dash_m():
    result = subprocess.run(
        [sys.executable, "-m", "portlint", "--version"], capture_output=True, text=True, check=True
    )
    assert result.stdout == f"portlint {__version__}\n"


def test_stdin_is_read_with_dash():
    text = (SAME_FILE / "compose.yaml").read_text()
    result = subprocess.run(
        [sys.executable, "-m", "portlint", "check", "--format", "json", "-"],
        input=text,
        capture_output=True,
        text=True,
    )
    document = json.loads(result.stdout)
    assert result.returncode == 1
    assert [(f["path"], f["line"], f["column"]) for f in document["findings"]] == [
        ("<stdin>", 5, 10),
        ("<stdin>", 9, 10),
    ]


def test_no_traceback_for_a_broken_file_and_others_still_checked(tmp_path):
    (tmp_path / "a").mkdir()
    (tmp_path / "a" / "compose.yaml").write_bytes(b"\xff\xfe\x00garbage\x00")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "compose.yaml").write_text("services:\n  w:\n    ports: ['80:8080']\n")
    (tmp_path / ".portlint.yaml").write_text("rootless: true\n")  # PL201: rootless only
    result = subprocess.run(
        [sys.executable, "-m", "portlint", "check", "--format", "json", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert "Traceback" not in result.stderr
    rules = sorted(f["rule"] for f in json.loads(result.stdout)["findings"])
    assert rules == ["PL001", "PL201"]


def test_color_only_on_a_terminal_and_never_with_no_color(tmp_path):
    env = dict(os.environ, NO_COLOR="1")
    result = subprocess.run(
        [sys.executable, "-m", "portlint", "check", str(SAME_FILE)],
        capture_output=True,
        text=True,
        env=env,
    )
    assert "\x1b[" not in result.stdout


def test_summary_tallies_every_rule_that_fired_most_frequent_first(tmp_path, capsys):
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  a:\n    ports: ['80:80', '0:1', '70000:2', '22:22', '8080:1']\n"
        "  b:\n    ports: ['8080:1', '${NOPE}:3', '50000:4']\n"
        "  c:\n    image: redis\n    ports: ['6379:6379']\n"
    )
    (tmp_path / ".portlint.yaml").write_text("rootless: true\n")  # PL201: rootless only
    main(["check", "--no-color", "--extend-select", "PL302", str(tmp_path)])
    last = capsys.readouterr().out.splitlines()[-1]
    assert last.endswith(
        "PL002 invalid-port x2, PL101 port-collision x2, PL201 privileged-host-port x2, "
        "PL003 unresolved-variable x1, PL302 ephemeral-port x1, PL501 sensitive-port-exposed x1."
    ), last

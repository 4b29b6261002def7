"""The GitHub Action's run step, executed with bash as the runner would (inputs as INPUT_*
variables, outputs through $GITHUB_OUTPUT), against the collision fixture."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import FIXTURES

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())


def _run_step(
    tmp_path: Path, portlint_bin: str | None = None, **inputs: str
) -> tuple[subprocess.CompletedProcess[str], str]:
    step = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "run")
    outputs = tmp_path / "github_output"
    outputs.write_text("")
    env = dict(os.environ)
    env.pop("PORTLINT_BIN", None)
    if portlint_bin:
        env["PORTLINT_BIN"] = portlint_bin
    env["PATH"] = f"{Path(sys.executable).parent}{os.pathsep}{env['PATH']}"
    env["GITHUB_OUTPUT"] = str(outputs)
    env["GITHUB_WORKSPACE"] = str(tmp_path)
    defaults = {name: spec.get("default", "") for name, spec in ACTION["inputs"].items()}
    for name, value in {**defaults, **inputs}.items():
        env[f"INPUT_{name.upper().replace('-', '_')}"] = value
    completed = subprocess.run(
        ["bash", "-e", "-c", step["run"]], cwd=tmp_path, env=env, capture_output=True, text=True
    )
    return completed, outputs.read_text()


pytestmark = pytest.mark.skipif(shutil.which("bash") is None, reason="needs bash")


def test_every_input_reaches_the_run_step_as_a_variable():
    step = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "run")
    passed = set(step["env"])
    expected = {f"INPUT_{n.upper().replace('-', '_')}" for n in ACTION["inputs"]}
    assert expected - {"INPUT_WORKING_DIRECTORY", "INPUT_PYTHON_VERSION"} == passed


def test_action_annotates_fails_and_writes_sarif(tmp_path):
    shutil.copytree(FIXTURES / "integrations" / "collision", tmp_path / "deploy")
    completed, outputs = _run_step(
        tmp_path, paths="deploy", sarif_file="portlint.sarif", args="--select PL101"
    )
    assert completed.returncode == 1, completed.stderr
    lines = completed.stdout.splitlines()
    assert [line.split(",")[0] for line in lines] == [
        "::error file=deploy/api/compose.yaml",
        "::error file=deploy/web/compose.yaml",
    ]
    assert outputs.splitlines() == ["exit-code=1", "sarif-file=portlint.sarif"]
    sarif = json.loads((tmp_path / "portlint.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["PL101", "PL101"]


def _wrapper(tmp_path: Path, body: str) -> str:
    script = tmp_path / "fake-portlint"
    script.write_text("#!/usr/bin/env bash\n" + body)
    script.chmod(0o755)
    return str(script)


def test_action_runs_the_check_once_for_log_and_sarif(tmp_path):
    shutil.copytree(FIXTURES / "integrations" / "collision", tmp_path / "deploy")
    calls = tmp_path / "calls"
    real = shutil.which("portlint", path=str(Path(sys.executable).parent)) or "portlint"
    wrapper = _wrapper(tmp_path, f'echo "$*" >> {calls}\nexec {real} "$@"\n')
    completed, outputs = _run_step(
        tmp_path, portlint_bin=wrapper, paths="deploy", sarif_file="out.sarif"
    )
    assert completed.returncode == 1, completed.stderr
    [call] = calls.read_text().splitlines()
    assert call.startswith("check --format github --sarif-file out.sarif")
    assert (tmp_path / "out.sarif").stat().st_size > 0


def test_action_fails_clearly_when_the_sarif_file_was_not_written(tmp_path):
    (tmp_path / "stale.sarif").write_text("{}")  # an old file must not pass for a new one
    wrapper = _wrapper(tmp_path, "echo 'portlint: error: no such option' >&2\nexit 2\n")
    completed, outputs = _run_step(tmp_path, portlint_bin=wrapper, sarif_file="stale.sarif")
    assert completed.returncode == 2
    assert "::error title=portlint::portlint did not write the SARIF file stale.sarif" in (
        completed.stdout
    )
    assert outputs.splitlines() == ["exit-code=2"]


def test_third_party_actions_are_pinned_by_commit_and_leave_the_jobs_python_alone():
    steps = ACTION["runs"]["steps"]
    uses = [step["uses"] for step in steps if "uses" in step]
    assert uses and all(re.fullmatch(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}", use) for use in uses)
    python = next(step for step in steps if step.get("id") == "python")
    assert python["with"]["update-environment"] is False
    install = next(step for step in steps if step.get("name") == "Install portlint")
    assert "-m venv" in install["run"] and "PORTLINT_BIN" in install["run"]


def test_action_passes_on_a_clean_tree_with_fail_on_error(tmp_path):
    (tmp_path / "compose.yaml").write_text('services:\n  web:\n    ports: ["80:80"]\n')
    (tmp_path / ".portlint.yaml").write_text("rootless: true\n")  # PL201: rootless only
    completed, outputs = _run_step(tmp_path, fail_on="error")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.startswith("::warning file=compose.yaml,line=3,col=14,")
    assert outputs.splitlines() == ["exit-code=0"]

"""The GitHub Action's run step, executed with bash as the runner would (inputs as INPUT_*
variables, outputs through $GITHUB_OUTPUT), against the collision fixture."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from helpers import FIXTURES

ROOT = Path(__file__).resolve().parents[1]
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())


def _run_step(tmp_path: Path, **inputs: str) -> tuple[subprocess.CompletedProcess[str], str]:
    step = next(s for s in ACTION["runs"]["steps"] if s.get("id") == "run")
    outputs = tmp_path / "github_output"
    outputs.write_text("")
    env = dict(os.environ)
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
    assert outputs.splitlines() == ["sarif-file=portlint.sarif", "exit-code=1"]
    sarif = json.loads((tmp_path / "portlint.sarif").read_text())
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]] == ["PL101", "PL101"]


def test_action_passes_on_a_clean_tree_with_fail_on_error(tmp_path):
    (tmp_path / "compose.yaml").write_text('services:\n  web:\n    ports: ["80:80"]\n')
    completed, outputs = _run_step(tmp_path, fail_on="error")
    assert completed.returncode == 0, completed.stdout + completed.stderr
    assert completed.stdout.startswith("::warning file=compose.yaml,line=3,col=14,")
    assert outputs.splitlines() == ["exit-code=0"]

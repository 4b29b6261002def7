"""The repository's own Dockerfile: portlint reads it without a finding, and where a Docker
daemon answers, it builds and the image checks a mounted tree."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from portlint.cli import main

ROOT = Path(__file__).resolve().parents[1]


def test_the_dockerfile_passes_portlint_and_runs_as_a_non_root_user(capsys):
    assert main(["check", str(ROOT / "Dockerfile"), "--format", "json"]) == 0
    assert '"findings": []' in capsys.readouterr().out
    text = (ROOT / "Dockerfile").read_text()
    assert "USER portlint" in text and 'ENTRYPOINT ["portlint"]' in text


def _docker_daemon() -> bool:
    if shutil.which("docker") is None:
        return False
    probe = subprocess.run(["docker", "info"], capture_output=True, timeout=30)
    return probe.returncode == 0


@pytest.mark.skipif(not _docker_daemon(), reason="no Docker daemon on this machine")
def test_the_image_builds_and_checks_a_mounted_tree(tmp_path):
    subprocess.run(["docker", "build", "-t", "portlint:test", str(ROOT)], check=True, timeout=900)
    (tmp_path / "compose.yaml").write_text(
        'services:\n  a:\n    ports: ["8080:80"]\n  b:\n    ports: ["8080:81"]\n'
    )
    run = subprocess.run(
        ["docker", "run", "--rm", "-v", f"{tmp_path}:/src:ro", "portlint:test"],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert run.returncode == 1 and "PL101" in run.stdout

"""The pre-commit hook, run by the real `pre-commit try-repo` in a scratch git repository.

`try-repo` clones a repository at HEAD and pip-installs it, so the hook repository is a
temporary git repository holding a copy of this working tree (committed or not). Needs
`git`, `pre-commit` (the test extra) and PyPI for the hook's dependencies.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
COPIED = ("pyproject.toml", "README.md", ".pre-commit-hooks.yaml", "src", "docs", "policies")

pytestmark = pytest.mark.skipif(
    shutil.which("git") is None or importlib.util.find_spec("pre_commit") is None,
    reason="needs git and pre-commit (pip install -e '.[test]')",
)


def _git(cwd: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True, env=_env())


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
        GIT_CONFIG_NOSYSTEM="1",
    )
    env.pop("GIT_DIR", None)
    env.pop("GIT_INDEX_FILE", None)
    return env


def _hook_repository(tmp: Path) -> Path:
    repo = tmp / "hook-repo"
    repo.mkdir()
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, repo / name, ignore=ignore)
        elif source.is_file():
            shutil.copy2(source, repo / name)
    _git(repo, "init", "-q")
    _git(repo, "add", "-A")
    _git(repo, "commit", "-q", "-m", "portlint under test")
    return repo


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> tuple[Path, Path]:
    tmp = tmp_path_factory.mktemp("precommit")
    hooks = _hook_repository(tmp)
    project = tmp / "project"
    project.mkdir()
    _git(project, "init", "-q")
    # Committed long ago: a service on 18080, and an old, unrelated privileged port.
    _write(
        project / "shop" / "compose.yaml",
        'services:\n  shop:\n    image: example/shop:1\n    ports:\n      - "18080:80"\n',
    )
    _write(
        project / "legacy" / "compose.yaml",
        'services:\n  old:\n    image: example/old:1\n    ports:\n      - "80:80"\n',
    )
    # One machine runs every project (each Compose project is its own host by default),
    # and it is rootless (PL201 applies to rootless engines only).
    _write(project / ".portlint.yaml", 'rootless: true\nhosts:\n  - {name: one, paths: ["**"]}\n')
    _git(project, "add", "-A")
    _git(project, "commit", "-q", "-m", "old state")
    # The change: a new service that publishes 18080 too.
    _write(
        project / "api" / "compose.yaml",
        "services:\n  api:\n    image: example/api:1\n    ports:\n"
        '      - "127.0.0.1:19000:9000"\n      - "18080:8000"\n',
    )
    _git(project, "add", "api/compose.yaml")
    return hooks, project


def _try_repo(hooks: Path, project: Path, *files: str) -> subprocess.CompletedProcess[str]:
    env = _env()
    env["PRE_COMMIT_HOME"] = str(project.parent / "pre-commit-home")
    env.pop("PRE_COMMIT", None)
    return subprocess.run(
        [sys.executable, "-m", "pre_commit", "try-repo", str(hooks), "portlint", "--files", *files],
        cwd=project,
        capture_output=True,
        text=True,
        env=env,
    )


def test_collision_between_changed_and_unchanged_file_is_reported_and_old_finding_is_not(
    scratch,
):
    hooks, project = scratch
    completed = _try_repo(hooks, project, "api/compose.yaml")
    output = completed.stdout + completed.stderr
    assert completed.returncode == 1, output
    findings = [m.group() for m in re.finditer(r"(?m)^\S+:\d+:\d+: PL\d+", output)]
    # Both parties of the collision, each once; nothing from legacy/ (PL201 on port 80).
    assert findings == [
        "api/compose.yaml:6:10: PL101",
        "shop/compose.yaml:5:10: PL101",
    ], output
    assert "legacy/" not in output


def test_an_unchanged_project_passes_when_the_changed_file_is_clean(scratch):
    hooks, project = scratch
    _write(project / "docs" / "notes.yaml", "title: not a deployment file\n")
    completed = _try_repo(hooks, project, "docs/notes.yaml")
    assert completed.returncode == 0, completed.stdout + completed.stderr

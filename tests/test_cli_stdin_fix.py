"""`--stdin-filename` for every format, and `--fix`/`--unsafe-fixes`/`--diff`, through the
CLI: findings name the given path; fixes are applied, re-checked, and keep other bytes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from portlint.cli import main

ROOT = Path(__file__).resolve().parents[1]
NGINX = "http {\n  server {\n    listen 0;\n  }\n}\n"


def _stdin(args: list[str], text: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "portlint", *args],
        input=text,
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, "NO_COLOR": "1"},
    )


def _findings(completed: subprocess.CompletedProcess[str]) -> list[tuple[str, str, int, int]]:
    return [
        (f["rule"], f["path"], f["line"], f["column"])
        for f in json.loads(completed.stdout)["findings"]
    ]


def test_nginx_on_stdin_is_parsed_as_the_named_file(tmp_path):
    args = ["check", "--format", "json", "--stdin-filename", "edge/nginx.conf", "-"]
    completed = _stdin(args, NGINX, tmp_path)
    assert _findings(completed) == [("PL002", "edge/nginx.conf", 3, 12)]
    plain = _stdin(["check", "--format", "json", "-"], NGINX, tmp_path)
    assert _findings(plain) == []  # read as YAML without it: nothing claims the text


def test_stdin_filename_reads_its_dotenv_config_and_suppressions(tmp_path):
    (tmp_path / ".git").mkdir()
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / ".env").write_text("P=80\n")
    (tmp_path / ".portlint.yaml").write_text("select: [PL2]\nrootless: true\n")
    compose = 'services:\n  a:\n    image: a\n    ports:\n      - "${P}:80"\n'
    args = ["check", "--format", "json", "--stdin-filename", "app/compose.yaml", "-"]
    assert _findings(_stdin(args, compose, tmp_path)) == [("PL201", "app/compose.yaml", 5, 9)]
    suppressed = compose.replace('80"\n', '80"  # portlint: disable=PL201\n')
    assert _findings(_stdin(args, suppressed, tmp_path)) == []


def test_stdin_filename_without_dash_is_a_usage_error(tmp_path, capsys, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--stdin-filename", "a/compose.yaml", "."]) == 2
    assert "--stdin-filename needs -" in capsys.readouterr().err


COMPOSE = """# ports of the shop  (comments, quoting and spacing must survive)
services:
  web:
    image: nginx
    ports:
      - 22:22      # ssh, base-60 in YAML 1.1
      - '18080:80'
  api:
    image: api
    ports: [ "18080:8080" ]
"""


@pytest.fixture
def project(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_diff_shows_the_safe_fixes_and_writes_nothing(project, capsys):
    assert main(["check", "--diff", "."]) == 1
    out, err = capsys.readouterr()
    assert out == (
        "--- a/compose.yaml\n+++ b/compose.yaml\n@@ -3,7 +3,7 @@\n   web:\n     image: nginx\n"
        "     ports:\n-      - 22:22      # ssh, base-60 in YAML 1.1\n"
        '+      - "22:22"      # ssh, base-60 in YAML 1.1\n'
        "       - '18080:80'\n   api:\n     image: api\n"
    )
    assert err == "Would fix 1 finding.\n"
    assert (project / "compose.yaml").read_text() == COMPOSE


def test_fix_applies_safe_fixes_only_and_keeps_every_other_byte(project, capsys):
    assert main(["check", "--fix", "--concise", "."]) == 1  # the collision remains
    out = capsys.readouterr().out
    assert (project / "compose.yaml").read_text() == COMPOSE.replace(
        "- 22:22      #", '- "22:22"      #'
    )
    assert "PL004" not in out
    # (PL201 on 22 is no finding by default any more: rootless engines are opt-in)
    assert "Fixed 1 finding (2 remaining).\n" in out
    assert main(["check", "--format", "json", "--select", "PL004", "."]) == 0


def test_unsafe_fixes_move_one_side_of_a_collision_and_recheck_clean(project, capsys):
    code = main(["check", "--fix", "--unsafe-fixes", "--select", "PL0,PL1", "."])
    out = capsys.readouterr().out
    assert code == 0, out
    fixed = (project / "compose.yaml").read_text()
    assert fixed == COMPOSE.replace("- 22:22      #", '- "22:22"      #').replace(
        "- '18080:80'", "- '18081:80'"
    )
    assert out.startswith("Fixed 2 findings (0 remaining).\nNo problems found in 1 file")
    assert main(["check", "--select", "PL0,PL1", "."]) == 0


def test_the_schema_published_in_the_repository_is_the_packaged_one():
    published = json.loads((ROOT / "schemas" / "portlint.schema.json").read_text())
    packaged = json.loads((ROOT / "src" / "portlint" / "config_schema.json").read_text())
    assert published == packaged
    assert published["$id"] == (
        "https://raw.githubusercontent.com/portlint/portlint/main/schemas/portlint.schema.json"
    )


def test_fix_never_writes_the_file_stdin_was_named_after(project):
    on_disk = (project / "compose.yaml").read_text()
    args = ["check", "--fix", "--stdin-filename", "compose.yaml", "-"]
    completed = _stdin(args, "services:\n  a:\n    ports:\n      - 22:22\n", project)
    assert "PL004" in completed.stdout
    assert (project / "compose.yaml").read_text() == on_disk


POD = """apiVersion: v1
kind: Pod
metadata:
  name: p
spec:
  containers:
    - name: c
      image: nginx
      ports:
        - containerPort: 8080
          protocol: tcp  # lower case
"""
REDIS = (
    'services:\n  cache:\n    image: redis:7\n    ports:\n      - "6379:6379"'  # no final newline
)


def test_protocol_is_a_safe_fix_and_loopback_an_unsafe_one(tmp_path, monkeypatch, capsys):
    (tmp_path / ".git").mkdir()
    (tmp_path / "pod.yaml").write_text(POD)
    (tmp_path / "compose.yaml").write_text(REDIS)
    monkeypatch.chdir(tmp_path)
    assert main(["check", "--diff", "--unsafe-fixes", "compose.yaml"]) == 1
    assert capsys.readouterr().out.endswith(
        '-      - "6379:6379"\n\\ No newline at end of file\n'
        '+      - "127.0.0.1:6379:6379"\n\\ No newline at end of file\n'
    )
    assert main(["check", "--fix", "."]) == 1  # PL501 is unsafe: it stays
    assert (tmp_path / "pod.yaml").read_text() == POD.replace("tcp  #", "TCP  #")
    assert (tmp_path / "compose.yaml").read_text() == REDIS
    assert "PL501" in capsys.readouterr().out
    assert main(["check", "--fix", "--unsafe-fixes", "."]) == 0
    assert (tmp_path / "compose.yaml").read_text() == REDIS.replace('"6379', '"127.0.0.1:6379')

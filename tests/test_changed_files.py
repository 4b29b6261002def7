"""`--changed-files` (the pre-commit hook's mode) through the CLI, without pre-commit:
which project is read, and which findings are kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from portlint.cli import main

PUBLISH = 'services:\n  {name}:\n    image: example/{name}:1\n    ports:\n      - "{port}:80"\n'


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text)


@pytest.fixture
def repo(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    _write(tmp_path / "shop" / "compose.yaml", PUBLISH.format(name="shop", port=18080))
    _write(tmp_path / "api" / "compose.yaml", PUBLISH.format(name="api", port=18080))
    _write(tmp_path / "legacy" / "compose.yaml", PUBLISH.format(name="old", port=80))
    # One rootless machine runs every project: by default each Compose project is its own
    # host, and PL201 applies to rootless engines only.
    _write(tmp_path / ".portlint.yaml", 'rootless: true\nhosts:\n  - {name: one, paths: ["**"]}\n')
    monkeypatch.chdir(tmp_path)
    return tmp_path


def rows(capsys, *args: str) -> list[tuple[str, str, int]]:
    main(["check", "--format", "json", *args])
    findings = json.loads(capsys.readouterr().out)["findings"]
    return [(f["rule"], f["path"], f["line"]) for f in findings]


def test_reads_the_repository_and_keeps_findings_touching_the_file(repo, capsys):
    assert rows(capsys, "--changed-files", "api/compose.yaml") == [
        ("PL101", "api/compose.yaml", 5),
        ("PL101", "shop/compose.yaml", 5),
    ]


def test_without_the_flag_a_single_file_is_read_alone(repo, capsys):
    assert rows(capsys, "api/compose.yaml") == []


def test_a_file_with_only_an_old_finding_elsewhere_reports_only_its_own(repo, capsys):
    assert rows(capsys, "--changed-files", "legacy/compose.yaml") == [
        ("PL201", "legacy/compose.yaml", 5),
    ]


def test_config_directory_bounds_the_project(repo, capsys):
    # .portlint.yaml in shop/: the project is shop/ only, api/ is not read.
    _write(repo / "shop" / ".portlint.yaml", 'hosts:\n  - {name: shop, paths: ["**"]}\n')
    _write(repo / "shop" / "more" / "compose.yaml", PUBLISH.format(name="more", port=18080))
    assert rows(capsys, "--changed-files", "shop/compose.yaml") == [
        ("PL101", "shop/compose.yaml", 5),
        ("PL101", "shop/more/compose.yaml", 5),
    ]


def test_outside_a_repository_the_given_files_are_read_alone(tmp_path, monkeypatch, capsys):
    _write(tmp_path / "a" / "compose.yaml", PUBLISH.format(name="a", port=18080))
    _write(tmp_path / "b" / "compose.yaml", PUBLISH.format(name="b", port=18080))
    monkeypatch.chdir(tmp_path)
    if any((p / ".git").exists() for p in tmp_path.parents):
        pytest.skip("the temporary directory is inside a git repository")
    assert rows(capsys, "--changed-files", "a/compose.yaml") == []


def test_unused_suppressions_in_untouched_files_are_not_reported(repo, capsys):
    _write(
        repo / "shop" / "compose.yaml",
        PUBLISH.format(name="shop", port=18080) + "# portlint: disable-file=PL305\n",
    )
    found = rows(capsys, "--changed-files", "legacy/compose.yaml", "--report-unused-suppressions")
    assert found == [("PL201", "legacy/compose.yaml", 5)]


SAMPLE_NAMES = [
    "compose.yaml",
    "k8s/deploy.yml",
    "envoy.json",
    "Dockerfile",
    "docker/Dockerfile.prod",
    "app.dockerfile",
    "Containerfile",
    "nginx/nginx.conf",
    "nginx/sites-enabled/default",
    "etc/nginx/conf.d/app.conf",
    "apache2/apache2.conf",
    "httpd.conf",
    "haproxy/haproxy.cfg",
    "systemd/app.socket",
    "app.socket.d/override.conf",
    "redis.conf",
    "sentinel.conf",
    "postgresql.conf",
    "postgresql.conf.sample",
    "my.cnf",
    "mysql/conf.d/server.cnf",
    "my.cnf.fallback",
    "sshd_config",
    "sshd_config.d/port.conf",
    "traefik.toml",
    "Caddyfile",
    "site.caddyfile",
    "application.properties",
    "application-prod.properties",
    ".env",
    "src/app.py",
    "README.md",
    "Makefile",
    "setup.cfg.txt",
]


def test_hook_files_pattern_covers_every_name_a_parser_reads():
    import re

    import yaml

    from portlint.discover import DOCUMENT_SUFFIXES
    from portlint.parsers import registry

    root = Path(__file__).resolve().parents[1]
    [hook] = yaml.safe_load((root / ".pre-commit-hooks.yaml").read_text())
    pattern = re.compile(hook["files"])
    parsers = registry().text
    missed = [
        name
        for name in SAMPLE_NAMES
        if (Path(name).suffix in DOCUMENT_SUFFIXES or any(p.matches(Path(name)) for p in parsers))
        and not pattern.search(name)
    ]
    assert missed == []
    assert not pattern.search("src/app.py") and not pattern.search("README.md")

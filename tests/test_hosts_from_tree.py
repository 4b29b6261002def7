"""Hosts from the tree's structure (portlint.hostgroups, portlint.compose_projects): each
Compose project is its own host, a service config joins the nearest project at or above
it, and `hosts:` in the config still groups explicitly and wins."""

from __future__ import annotations

from pathlib import Path

from helpers import FIXTURES, run

HOSTS = FIXTURES / "hosts"


def _collisions(*paths: Path, config: dict | None = None) -> list[tuple[str, int, int, str]]:
    report = run(*paths, config=config, config_path=HOSTS / ".portlint.yaml")
    return [
        (
            Path(f.location.path).resolve().relative_to(HOSTS).as_posix(),
            f.location.line,
            f.location.column,
            f.message,
        )
        for f in report.findings
        if f.rule == "PL101"
    ]


def test_sibling_compose_projects_are_separate_hosts():
    assert _collisions(HOSTS / "siblings") == []


def test_hosts_config_groups_explicitly_and_says_so():
    config = {"hosts": [{"name": "lab", "paths": ["siblings/**"]}]}
    found = _collisions(HOSTS / "siblings", config=config)
    assert [(path, line, column) for path, line, column, _ in found] == [
        ("siblings/a/compose.yaml", 5, 10),
        ("siblings/b/compose.yaml", 5, 10),
    ]
    assert "on host 'lab' (`hosts:` group 'lab' in " in found[0][3]


def test_an_alternative_compose_file_is_its_own_project():
    """docker-compose.yml and its override are one project (their 8080s collide between
    services), docker-compose-npm.yml is another: its 8080 collides with nobody."""
    found = _collisions(HOSTS / "alternatives")
    assert [(path, line, column) for path, line, column, _ in found] == [
        ("alternatives/docker-compose.override.yml", 8, 10),
        ("alternatives/docker-compose.yml", 5, 10),
    ]
    assert found[1][3].startswith(
        "host port 8080/tcp on the host of compose project "
        f"{run_display(HOSTS / 'alternatives')}/ is also bound by service 'admin'"
    )


def test_compose_file_in_dotenv_names_the_project_files():
    """`COMPOSE_FILE=base.yml;extra.yml` (separator `;`): those two are one project, and
    the directory's docker-compose.yml, which compose does not load, is another."""
    found = _collisions(HOSTS / "envfile")
    assert [(path, line, column) for path, line, column, _ in found] == [
        ("envfile/base.yml", 5, 10),
        ("envfile/extra.yml", 5, 10),
    ]


def test_a_service_config_joins_the_nearest_compose_project_above_it():
    found = _collisions(HOSTS / "nearest")
    assert [(path, line, column) for path, line, column, _ in found] == [
        ("nearest/compose.yaml", 5, 10),
        ("nearest/conf/nginx.conf", 4, 16),
    ]
    assert found[1][3].startswith(
        "port 0.0.0.0:9229/tcp on the host of compose project "
        f"{run_display(HOSTS / 'nearest')}/ is also bound by service 'api'"
    )


def test_configs_without_a_compose_project_share_the_scan_roots_host():
    found = _collisions(HOSTS / "loose")
    assert [(path, line, column) for path, line, column, _ in found] == [
        ("loose/one/nginx.conf", 4, 16),
        ("loose/two/haproxy.cfg", 2, 11),
    ]
    assert (
        "on host 'default' (the scan root's host: no Compose project at or above its "
        "files; split them with `hosts:`) is also bound by haproxy"
    ) in found[0][3]


def test_the_whole_tree_keeps_projects_apart():
    """Scanned together, only the collisions inside one host remain."""
    found = _collisions(HOSTS)
    assert [path for path, _, _, _ in found] == [
        "alternatives/docker-compose.override.yml",
        "alternatives/docker-compose.yml",
        "envfile/base.yml",
        "envfile/extra.yml",
        "loose/one/nginx.conf",
        "loose/two/haproxy.cfg",
        "nearest/compose.yaml",
        "nearest/conf/nginx.conf",
    ]


def run_display(path: Path) -> str:
    """How the engine prints a fixture directory (display paths are relative to cwd)."""
    from portlint.source import display_path

    return display_path(path)

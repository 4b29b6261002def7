"""Defaults a maintainer agrees with (issue 14, section 4) and configs an image build
copies in (section 1): exact rules, positions, severities and messages."""

from __future__ import annotations

from pathlib import Path

from helpers import FIXTURES, run
from portlint.findings import Severity
from portlint.model import Role
from portlint.parsers.dotenv import parse_dotenv
from portlint.source import display_path

DOCUMENTED = FIXTURES / "PL003" / "fail-documented-example"
COPIES = FIXTURES / "copies"


def _rows(report, rule: str, base: Path) -> list[tuple[str, int, int, Severity | None, str]]:
    return [
        (
            Path(f.location.path).resolve().relative_to(base.resolve()).as_posix(),
            f.location.line,
            f.location.column,
            f.severity,
            f.message,
        )
        for f in report.findings
        if f.rule == rule
    ]


def test_a_documented_variable_is_checked_with_its_example_value_and_says_so():
    rows = _rows(run(DOCUMENTED), "PL003", DOCUMENTED)
    example = display_path(DOCUMENTED / ".env.example")
    api_env = display_path(DOCUMENTED / "app" / "api.env")
    assert rows == [
        (
            "app/compose.yaml",
            5,
            9,
            Severity.INFO,
            "WEB_PORT has no value in .env: the port '${WEB_PORT}:80' is checked with "
            f"WEB_PORT=8080 as {example} documents it",
        ),
        (
            "app/compose.yaml",
            9,
            9,
            Severity.INFO,
            "ADMIN_PORT has no value: the port '${ADMIN_PORT}:9000' cannot be checked; set it "
            "in a .env file or give a default (${VAR:-8080})",
        ),
        (
            "app/compose.yaml",
            14,
            9,
            Severity.INFO,
            "API_PORT has no value in .env: the port '${API_PORT}:3000' is checked with "
            f"API_PORT=3000 as {api_env} documents it",
        ),
        (
            "app/compose.yaml",
            18,
            9,
            Severity.INFO,
            "WEB_PORT has no value in .env: the port '${WEB_PORT}:6000' is checked with "
            f"WEB_PORT=8080 as {example} documents it",
        ),
    ]


def test_the_assumed_value_is_checked_like_a_written_one():
    """WEB_PORT=8080 from .env.example: web and cache both publish 8080."""
    rows = _rows(run(DOCUMENTED), "PL101", DOCUMENTED)
    assert [(path, line, column) for path, line, column, _, _ in rows] == [
        ("app/compose.yaml", 5, 9),
        ("app/compose.yaml", 18, 9),
    ]


def test_an_unset_variable_with_a_broken_default_stays_a_warning(tmp_path):
    (tmp_path / "compose.yaml").write_text("services:\n  w:\n    ports: ['${PORT:?set PORT}:80']\n")
    [finding] = [f for f in run(tmp_path).findings if f.rule == "PL003"]
    assert finding.severity == Severity.WARNING


def test_an_empty_value_before_a_comment_is_empty():
    values = parse_dotenv("A= # set it\nB=1 # one\nC=#x\n")
    assert {k: v.value for k, v in values.items()} == {"A": "", "B": "1", "C": "#x"}


def test_a_config_the_services_build_copies_listens_in_its_container():
    """proxy/Dockerfile copies envoy.yaml: its 8080 is the container port "8080:8080"
    publishes, not a second listener on the host."""
    report = run(COPIES / "built")
    assert [f.rule for f in report.findings] == []
    [envoy] = [b for b in report.model.bindings if b.format == "envoy"]
    assert envoy.role == Role.CONTAINER
    assert envoy.namespace.key == f"container:{display_path(COPIES / 'built')}/proxy"
    assert envoy.label == "envoy in service 'proxy'"


def test_a_config_a_dockerfile_copies_is_in_that_image_not_on_the_host():
    """COPY Containers/edge/*.Caddyfile, written for the repository root as context."""
    report = run(COPIES / "image-only")
    assert [f.rule for f in report.findings] == []
    caddy = [b for b in report.model.bindings if b.format == "caddy"]
    dockerfile = display_path(COPIES / "image-only" / "Containers" / "edge" / "Dockerfile")
    assert [(b.port, b.role, b.namespace.key) for b in caddy] == [
        (80, Role.CONTAINER, f"dockerfile:{dockerfile}"),
        (8443, Role.CONTAINER, f"dockerfile:{dockerfile}"),
    ]


def test_a_locally_built_image_tag_is_not_known_software(tmp_path):
    """`build:` plus `image: redis:7-local`: the tag names the build, not Redis, so its
    6379 is neither Redis exposed (PL501) nor another software's port."""
    (tmp_path / "Dockerfile").write_text("FROM alpine\n")
    (tmp_path / "compose.yaml").write_text(
        "services:\n  api:\n    build: .\n    image: redis:7-local\n    ports: ['6379:6379']\n"
    )
    assert [f.rule for f in run(tmp_path).findings] == []
    (tmp_path / "compose.yaml").write_text(
        "services:\n  api:\n    image: redis:7\n    ports: ['6379:6379']\n"
    )
    assert [f.rule for f in run(tmp_path).findings] == ["PL501"]


def test_copy_sources_outside_the_roots_are_not_looked_at(tmp_path):
    from portlint.build_copies import copied_paths

    root = tmp_path / "repo"
    (root / "app").mkdir(parents=True)
    (tmp_path / "outside.conf").write_text("listen 80;\n")
    (root / "app" / "site.conf").write_text("listen 80;\n")
    looked: list[Path] = []

    def inside(path: Path) -> bool:
        looked.append(path)
        return root in (path, *path.parents)

    text = (
        "FROM nginx\nCOPY ../*.conf ../../outside.conf /etc/\nCOPY --from=b /x /y\nCOPY *.conf /\n"
    )
    found = copied_paths(text, [root / "app", root], inside)
    assert found == [root / "app" / "site.conf"]
    assert tmp_path / "outside.conf" in looked  # asked, and refused: never statted


def test_build_contexts_are_asked_once_each_and_only_as_far_up_as_a_source_needs(tmp_path):
    """The Dockerfile's directory first, then its parents: each costs a realpath, so a
    parent is asked only for a source not found below it, and once per Dockerfile."""
    from portlint.build_copies import copied_paths

    root = tmp_path / "repo"
    app = root / "svc" / "app"
    app.mkdir(parents=True)
    (app / "a.conf").write_text("listen 80;\n")
    (app / "b.conf").write_text("listen 81;\n")
    (root / "top.conf").write_text("listen 82;\n")
    contexts = [app, *app.parents]
    asked: list[Path] = []

    def inside(path: Path) -> bool:
        if path in contexts:
            asked.append(path)
        return root in (path, *path.parents)

    found = copied_paths("FROM x\nCOPY a.conf /\nCOPY b.conf /\n", contexts, inside)
    assert found == [app / "a.conf", app / "b.conf"]
    assert asked == [app]
    asked.clear()
    text = "FROM x\nCOPY top.conf /\nCOPY a.conf /\nCOPY missing.conf /\nCOPY top.conf /\n"
    found = copied_paths(text, contexts, inside)
    assert found == [root / "top.conf", app / "a.conf", root / "top.conf"]
    assert asked == contexts  # each once: the missing file asked every one, in order


def test_an_unset_address_keeps_the_binding_on_an_unknown_address(tmp_path):
    """`"${IP}:6060:6060"` with IP unset: the host port is known, the address is not. It
    still collides with a port on every address, and is not "published on all
    interfaces" (PL501): nobody can tell."""
    (tmp_path / "compose.yaml").write_text(
        "services:\n"
        "  a:\n    image: x/a\n    ports:\n      - '${IP}:6060:6060'\n"
        "  b:\n    image: x/b\n    ports:\n      - '6060:6061'\n"
        "  c:\n    image: redis:7\n    ports:\n      - '${IP}:6379:6379'\n"
    )
    report = run(tmp_path)
    rows = [(f.rule, f.location.line, f.location.column, f.severity) for f in report.findings]
    assert rows == [
        ("PL003", 5, 9, Severity.INFO),
        ("PL101", 5, 9, Severity.ERROR),
        ("PL101", 9, 10, Severity.ERROR),
        ("PL003", 13, 9, Severity.INFO),
    ]
    assert report.findings[0].message == (
        "IP has no value: the address of '${IP}:6060:6060' is unknown, so its port is "
        "checked as published on an unknown address"
    )
    [published] = [
        b for b in report.model.bindings if b.role == Role.PUBLISH and b.owner.endswith("/a")
    ]
    assert published.address is None and published.address_unknown

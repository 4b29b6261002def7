"""Every service config of the shared corpus (Debian packages, upstream examples) is read
without a crash, bindings come from every format, and the findings are the reviewed ones."""

from __future__ import annotations

import pytest

from helpers import CORPUS, run
from portlint.config import load_config

SERVICES = CORPUS / "services"
pytestmark = pytest.mark.skipif(not SERVICES.is_dir(), reason="shared corpus not present")

FORMATS = {
    "apache",
    "caddy",
    "compose",
    "dockerfile",
    "envoy",
    "haproxy",
    "mysql",
    "nginx",
    "postgresql",
    "redis",
    "spring",
    "sshd",
    "systemd",
    "traefik",
}

# Reviewed: a Caddy negative test (port 70000), Traefik's reference config with the
# placeholder `address: foobar`, and a Traefik fixture that is a Go template (PL007 at the
# `{{range}}` that breaks its TOML, not a syntax error).
REVIEWED = [
    (
        "PL002",
        "caddy/caddyserver-caddy/caddytest/integration/caddyfile_adapt/"
        "site_address_wss_invalid_port.caddyfiletest",
        1,
        19,
    ),
    ("PL002", "traefik/traefik/docs/content/reference/static-configuration/file.toml", 32, 16),
    ("PL002", "traefik/traefik/docs/content/reference/static-configuration/file.yaml", 37, 14),
    ("PL007", "traefik/traefik/integration/fixtures/acme/acme_tcp.toml", 15, 1),
]


def _report():
    config = CORPUS / ".portlint.yaml"
    return run(SERVICES, config=load_config(config), config_path=config)


def _relative(path: str) -> str:
    return path.split("corpus/services/", 1)[1]


def test_bindings_come_from_every_format():
    assert {b.format for b in _report().model.bindings} == FORMATS


def test_findings_are_the_reviewed_ones():
    report = _report()
    rows = [
        (f.rule, _relative(f.location.path), f.location.line, f.location.column)
        for f in report.findings
        if f.rule != "PL101"
    ]
    assert rows == REVIEWED
    # The corpus config makes each upstream repository one host, so example configs of
    # Envoy and Traefik integration fixtures collide with each other, and nothing else.
    collisions = [f for f in report.findings if f.rule == "PL101"]
    assert len(collisions) == 87
    for finding in collisions:
        paths = {_relative(finding.location.path)}
        paths |= {_relative(r.location.path) for r in finding.related}
        project = {p.split("/", 2)[0] + "/" + p.split("/", 2)[1] for p in paths}
        assert project in ({"envoy/envoyproxy-examples"}, {"traefik/traefik"}), paths

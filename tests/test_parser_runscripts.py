"""`docker run` / `podman run` publishes in shell scripts and Makefiles: every `-p` spelling,
each binding on its host port, a container without a fixed host port not reported."""

from __future__ import annotations

from pathlib import Path

from helpers import FIXTURES, findings, run

SCRIPTS = FIXTURES / "runscripts"


def test_every_publish_spelling_is_read_at_its_host_port() -> None:
    rows = sorted(
        (
            Path(b.location.path).name,
            b.location.line,
            b.location.column,
            b.port,
            None if b.address is None else str(b.address),
            b.protocol.value,
            b.owner.rsplit("/", 1)[-1],
            b.source,
        )
        for b in run(SCRIPTS).model.bindings
    )
    assert rows == [
        ("Makefile", 2, 21, 3000, None, "tcp", "grafana", "docker run -p"),
        ("install.sh", 4, 13, 80, None, "tcp", "nextcloud", "docker run -p"),
        ("install.sh", 4, 29, 8443, None, "tcp", "nextcloud", "docker run -p"),
        ("install.sh", 5, 15, 9000, "127.0.0.1", "udp", "nextcloud", "docker run -p"),
        ("install.sh", 7, 32, 5432, "::1", "tcp", "postgres", "docker run -p"),
    ]


def test_an_invalid_mapping_is_pl002() -> None:
    assert findings(SCRIPTS, rules={"PL002"}) == [("PL002", "install.sh", 8, 15)]

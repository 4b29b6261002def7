"""Podman quadlet units (`.container`, `.pod`): `PublishPort=` mappings on the host, and
`docker/podman run -p` in a systemd `ExecStart=`."""

from __future__ import annotations

from pathlib import Path

from helpers import FIXTURES, findings, run


def _rows(path: Path) -> list[tuple]:
    return sorted(
        (Path(b.location.path).name, b.location.line, b.location.column, b.port, b.role.value)
        for b in run(path).model.bindings
        if b.format in ("quadlet", "script")
    )


def test_publish_ports_of_container_and_pod_units() -> None:
    assert _rows(FIXTURES / "quadlet") == [
        ("db.pod", 2, 13, 5432, "publish"),
        ("web.container", 6, 13, 8080, "publish"),
        ("web.container", 7, 23, 8443, "publish"),
    ]
    assert findings(FIXTURES / "quadlet", rules={"PL002"}) == [("PL002", "web.container", 9, 13)]


def test_docker_run_in_exec_start() -> None:
    assert _rows(FIXTURES / "flags" / "systemd-docker") == [("web.service", 2, 50, 8080, "publish")]

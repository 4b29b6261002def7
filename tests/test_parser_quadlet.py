"""Podman quadlet units (`.container`, `.pod`): `PublishPort=` mappings on the host, and
`docker/podman run -p` in a systemd `ExecStart=`."""

from __future__ import annotations

from pathlib import Path

from cli_rows import check_rows, port_rows
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


def test_kube_units_publish_on_the_host(capsys) -> None:
    """`.kube` `PublishPort=` in `[Kube]` publishes like `.container` (another section's
    PublishPort is not the unit's); two units publishing 8088 collide."""
    path = FIXTURES / "quadlet-kube"
    app, other = (f"quadlet:tests/fixtures/quadlet-kube/{n}.kube" for n in ("app", "other"))
    assert port_rows(capsys, path) == [
        ("app.kube", 6, 13, None, 8088, "tcp", app),
        ("app.kube", 7, 19, "::1", 9444, "tcp", app),
        ("other.kube", 6, 13, None, 8088, "tcp", other),
    ]
    code, found = check_rows(capsys, path)
    assert code == 1
    assert [row[:4] for row in found] == [
        ("PL101", "app.kube", 6, 13),
        ("PL101", "other.kube", 6, 13),
        ("PL002", "other.kube", 7, 13),
    ]
    assert found[2][4] == "PublishPort: host port is not a number"

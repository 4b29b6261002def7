"""Podman quadlet units (`.container`, `.pod`): `PublishPort=` mappings on the host, and
`docker/podman run -p` in a systemd `ExecStart=`."""

from __future__ import annotations

from pathlib import Path

from cli_rows import check_rows, port_rows
from helpers import FIXTURES, findings, run
from portlint.cli import main


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
    PublishPort is not the unit's); the hostPorts of its `Yaml=` publish on the host as
    `podman kube play` runs them, owned by the unit; the YAML's 8090 collides with the
    other unit's PublishPort 8090."""
    path = FIXTURES / "quadlet-kube"
    app, other = (f"quadlet:tests/fixtures/quadlet-kube/{n}.kube" for n in ("app", "other"))
    published = [r for r in port_rows(capsys, path) if r[6].startswith("quadlet:")]
    assert published == [
        ("app.kube", 6, 13, None, 8088, "tcp", app),
        ("app.kube", 7, 19, "::1", 9444, "tcp", app),
        ("app.yaml", 11, 21, None, 8090, "tcp", app),  # the Pod's hostPort
        ("app.yaml", 13, 21, "127.0.0.1", 5300, "udp", app),  # hostIP, protocol UDP
        ("other.kube", 6, 13, None, 8090, "tcp", other),
        ("other.yaml", 11, 47, None, 8097, "tcp", other),  # a Deployment's pod template
    ]
    code, found = check_rows(capsys, path)
    assert code == 1
    assert [row[:4] for row in found] == [
        ("PL101", "app.yaml", 11, 21),
        ("PL101", "other.kube", 6, 13),
        ("PL002", "other.kube", 7, 13),
    ]
    assert found[2][4] == "PublishPort: host port is not a number"


def test_kube_play_source_is_shown(capsys) -> None:
    main(["ports", str(FIXTURES / "quadlet-kube")])
    assert "quadlet-kube/app.yaml:11:21 (podman kube play)" in capsys.readouterr().out


def test_kube_yaml_outside_the_roots_is_not_read(tmp_path, capsys) -> None:
    """`Yaml=../app.yaml` names a file outside the scanned directory: never read."""
    (tmp_path / "app.yaml").write_text(
        "kind: Pod\nspec:\n  containers:\n    - name: x\n      ports: [{hostPort: 8090}]\n"
    )
    (tmp_path / "units").mkdir()
    (tmp_path / "units" / "app.kube").write_text("[Kube]\nYaml=../app.yaml\n")
    assert port_rows(capsys, tmp_path / "units") == []

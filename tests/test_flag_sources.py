"""Listen ports set by flags where deployments write them: Kubernetes `command`/`args`,
Compose `entrypoint`/`command`, Dockerfile `ENTRYPOINT`/`CMD`, systemd `ExecStart=`; each
binding on the flag's value and listed by `portlint ports` with its source."""

from __future__ import annotations

import json
from pathlib import Path

from helpers import FIXTURES, findings, run
from portlint.cli import main

FLAGS = FIXTURES / "flags"


def _rows(path: Path) -> set[tuple]:
    report = run(path)
    return {
        (
            Path(b.location.path).name,
            b.location.line,
            b.location.column,
            b.location.end_column,
            b.port,
            None if b.address is None else str(b.address),
            b.role.value,
            b.source,
        )
        for b in report.model.bindings
        if b.source
    }


def test_kubernetes_args_command_and_sh_c() -> None:
    assert _rows(FLAGS / "kubernetes") == {
        ("exporters.yaml", 17, 46, 50, 9101, "127.0.0.1", "container", "flag --web.listen-address"),
        ("exporters.yaml", 17, 46, 50, 9101, "127.0.0.1", "listen", "flag --web.listen-address"),
        ("exporters.yaml", 20, 26, 30, 8081, "::", "container", "flag --port"),
        ("exporters.yaml", 20, 26, 30, 8081, "::", "listen", "flag --port"),
        ("exporters.yaml", 25, 53, 57, 8443, None, "container", "flag --metrics-bind-address"),
        ("exporters.yaml", 25, 53, 57, 8443, None, "listen", "flag --metrics-bind-address"),
    }


def test_a_flag_value_that_is_not_a_port_is_pl002_at_the_value() -> None:
    assert findings(FLAGS / "kubernetes") == [("PL002", "exporters.yaml", 20, 54)]
    (finding,) = run(FLAGS / "kubernetes").findings
    assert finding.message == "flag --telemetry-port: its value is not a number"


def test_compose_string_and_list_commands() -> None:
    assert _rows(FLAGS / "compose") == {
        ("compose.yaml", 4, 34, 38, 6380, None, "container", "flag --port"),
        ("compose.yaml", 7, 39, 43, 5433, None, "container", "flag -c"),
        ("compose.yaml", 10, 63, 67, 3001, None, "container", "flag --port"),
    }


def test_dockerfile_cmd_gives_the_entrypoint_its_arguments() -> None:
    assert _rows(FLAGS / "dockerfile") == {
        ("Dockerfile", 3, 57, 61, 9091, None, "container", "flag --web.listen-address")
    }


def test_systemd_exec_start_with_a_continuation_line() -> None:
    assert _rows(FLAGS / "systemd") == {
        ("prometheus.service", 6, 34, 38, 9095, "0.0.0.0", "listen", "flag --web.listen-address")
    }


def test_ports_lists_where_a_port_came_from(capsys) -> None:
    main(["ports", str(FLAGS / "systemd"), "--format", "json"])
    (row,) = json.loads(capsys.readouterr().out)["bindings"]
    assert row["source"] == "flag --web.listen-address"
    main(["ports", str(FLAGS / "systemd")])
    assert "prometheus.service:6:34 (flag --web.listen-address)" in capsys.readouterr().out


def test_documented_environment_variables() -> None:
    assert _rows(FLAGS / "environment") == {
        ("compose.yaml", 5, 29, 33, 3001, None, "container", "environment GF_SERVER_HTTP_PORT"),
        ("compose.yaml", 9, 14, 18, 8080, None, "container", "environment PORT"),
        ("deploy.yaml", 16, 23, 27, 8080, None, "container", "environment PORT"),
    }
    # A generic PORT in an image of known software (Redis) is not read; a value of a
    # software's own variable that is not a port is PL002 at the value.
    assert findings(FLAGS / "environment") == [("PL002", "compose.yaml", 14, 27)]


def test_host_network_service_without_ports_listens_on_its_default() -> None:
    assert _rows(FLAGS / "host-network") == {
        (
            "compose.yaml",
            4,
            19,
            23,
            27017,
            None,
            "listen",
            "default of MongoDB (host network, inferred)",
        )
    }

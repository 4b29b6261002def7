"""`portlint port` (look-up) and `portlint ports` (inventory) through the CLI."""

from __future__ import annotations

import json

import pytest

from helpers import FIXTURES
from portlint.cli import main
from portlint.source import display_path


def _json(capsys, *argv: str) -> dict:
    assert main(list(argv)) == 0
    return json.loads(capsys.readouterr().out)


def test_port_47808_udp_is_bacnet(capsys):
    assert main(["port", "47808/udp"]) == 0
    out = capsys.readouterr().out
    assert "bacnet" in out and "BACnet" in out
    assert "ephemeral (32768-60999)" in out


def test_port_9092_is_kafka_and_10250_is_kubelet(capsys):
    assert main(["port", "9092"]) == 0
    assert "Apache Kafka" in capsys.readouterr().out
    assert main(["port", "10250"]) == 0
    out = capsys.readouterr().out
    assert "kubelet" in out and "none (unassigned)" in out


def test_port_json_lists_registrations_known_software_and_ranges(capsys):
    info = _json(capsys, "port", "5432", "--format", "json")
    assert info["port"] == 5432 and info["protocols"] == ["tcp", "udp", "sctp"]
    assert {
        "protocol": "tcp",
        "service": "postgresql",
        "description": "PostgreSQL Database",
    } in info["iana"]
    assert [k["name"] for k in info["known"]] == ["postgresql"]
    assert info["known"][0]["sensitive"] is True
    assert info["ranges"] == ["registered (1024-49151)"]
    assert info["registry"]["source"]


def test_port_ranges_name_nodeport_dynamic_and_privileged(capsys):
    assert _json(capsys, "port", "31000/tcp", "--format", "json")["ranges"] == [
        "registered (1024-49151)",
        "Kubernetes NodePort (30000-32767)",
    ]
    assert _json(capsys, "port", "50000/udp", "--format", "json")["ranges"] == [
        "dynamic/private (49152-65535)",
        "ephemeral (32768-60999)",
        "ephemeral (49152-65535)",
    ]
    assert _json(capsys, "port", "22", "--format", "json")["ranges"] == [
        "well-known (0-1023)",
        "privileged (below 1024)",
    ]


@pytest.mark.parametrize("bad", ["70000", "abc", "53/icmp", "-1"])
def test_port_rejects_bad_input_with_exit_2(capsys, bad):
    assert main(["port", bad]) == 2
    assert "portlint: error:" in capsys.readouterr().err


HOST = display_path(FIXTURES / "PL304" / "fail-allocations")


def test_ports_json_inventory_has_every_field(capsys):
    data = _json(capsys, "ports", "--format", "json", str(FIXTURES / "PL304" / "fail-allocations"))
    assert data["version"] == 1
    rows = {(r["owner"].rsplit("/", 1)[-1], r["role"], r["port"]): r for r in data["bindings"]}
    row = rows[("search-api", "publish", 9050)]
    assert row["line"] == 9 and row["column"] == 10 and row["format"] == "compose"
    assert row["namespace"] == f"host:{HOST}" and row["protocol"] == "tcp"
    assert row["address"] is None and row["end_port"] == 9050
    assert row["identity"] == "search-api" and row["service"] == "versiera"
    assert row["path"].endswith("compose.yaml")
    assert rows[("web", "container", 80)]["service"] == "www-http"


def test_ports_table_groups_by_namespace_with_host_first(capsys):
    assert main(["ports", str(FIXTURES / "PL304" / "fail-allocations")]) == 0
    out = capsys.readouterr().out
    # The host is the Compose project's, and the header says why.
    assert out.startswith(f"host:{HOST} (3 bindings): host of compose project {HOST}/\n")
    assert "container:" in out and "9150/tcp" in out

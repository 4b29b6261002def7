"""Envoy static listeners in YAML and JSON; cluster endpoints are outbound."""

from __future__ import annotations

from portlint.model import Protocol
from service_helpers import binding_list, bindings, diagnostics


def test_listeners_and_admin():
    assert bindings("envoy") == [
        ("envoy.json", 4, 89, "0.0.0.0:8080/tcp", "envoy"),
        ("envoy.yaml", 7, 21, "0.0.0.0:10000/tcp", "envoy"),
        ("envoy.yaml", 13, 21, "[::]:5353/udp", "envoy"),
        ("envoy.yaml", 19, 22, "[::]:10001/tcp", "envoy"),
        ("envoy.yaml", 35, 54, "127.0.0.1:9901/tcp", "envoy"),
    ]


def test_ipv6_is_v6only_unless_ipv4_compat():
    by_line = {b.location.line: b for b in binding_list("envoy/yaml")}
    assert by_line[13].v6only is True and by_line[13].protocol is Protocol.UDP
    assert by_line[19].v6only is False


def test_port_zero_is_pl002():
    assert diagnostics("envoy") == [("PL002", "envoy.yaml", 24, 21)]

"""HAProxy bind lines in frontend/listen sections; server lines are outbound."""

from __future__ import annotations

from cli_rows import check_rows, port_rows
from helpers import FIXTURES
from service_helpers import binding_list, bindings, diagnostics


def test_bind_forms():
    assert bindings("haproxy/edge") == [
        ("haproxy.cfg", 5, 11, "0.0.0.0:80/tcp", "haproxy"),
        ("haproxy.cfg", 6, 12, "0.0.0.0:443/tcp", "haproxy"),
        ("haproxy.cfg", 7, 18, "0.0.0.0:8000-8010/tcp", "haproxy"),
        ("haproxy.cfg", 8, 16, "[::]:8081/tcp", "haproxy"),
        ("haproxy.cfg", 10, 19, "10.0.0.1:9000/tcp", "haproxy"),
        ("haproxy.cfg", 10, 33, "10.0.0.2:9000/tcp", "haproxy"),
        ("haproxy.cfg", 17, 13, "[::]:8404/tcp", "haproxy"),
        ("haproxy.cfg", 18, 17, "0.0.0.0:443/udp", "haproxy"),
    ]


def test_ipv6_follows_kernel_dual_stack_unless_v6only():
    by_line = {b.location.line: b for b in binding_list("haproxy/edge")}
    assert by_line[8].v6only is True
    assert by_line[17].v6only is False


def test_port_zero_is_pl002():
    assert diagnostics("haproxy/edge") == [("PL002", "haproxy.cfg", 19, 11)]


def test_address_prefixes_of_the_configuration_manual(capsys):
    """mptcp@/mptcp4@/mptcp6@ are TCP (dropped silently before), udp6@ is UDP; the
    socket families uxst@, uxdg@, abnsz@ and sockpair@ are not ports: skipped, no error."""
    path = FIXTURES / "haproxy" / "prefixes"
    owner = "haproxy@default"
    assert port_rows(capsys, path) == [
        ("haproxy.cfg", 2, 21, "::", 5000, "tcp", owner),
        ("haproxy.cfg", 3, 27, "127.0.0.1", 5001, "tcp", owner),
        ("haproxy.cfg", 4, 23, "::1", 5002, "tcp", owner),
        ("haproxy.cfg", 5, 16, "0.0.0.0", 5003, "tcp", owner),
        ("haproxy.cfg", 6, 20, "::", 5004, "udp", owner),
    ]
    code, found = check_rows(capsys, path)
    assert code == 1
    assert [row[:4] for row in found] == [("PL002", "haproxy.cfg", 11, 17)]

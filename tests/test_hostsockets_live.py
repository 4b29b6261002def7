"""`ports --live`, `port N --live` and `check --against-host` on this machine's real
sockets: the test process opens them, on loopback addresses only (never a wildcard)."""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from pathlib import Path

import pytest

from portlint.cli import main
from portlint.hostsockets import live

pytestmark = pytest.mark.skipif(not live.available(), reason="needs Linux /proc/net")

V6 = socket.has_ipv6 and Path("/proc/net/tcp6").is_file()


def _open(family: int, kind: int, address: str, v6only: bool | None = None) -> socket.socket:
    s = socket.socket(family, kind)
    if v6only is not None:
        s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, int(v6only))
    s.bind((address, 0))  # a free port the kernel picks
    if kind == socket.SOCK_STREAM:
        s.listen()
    return s


@pytest.fixture
def held() -> Iterator[dict[str, socket.socket]]:
    """TCP and UDP on 127.0.0.1, and on [::1] both v6-only and dual-stack."""
    opened = {
        "tcp4": _open(socket.AF_INET, socket.SOCK_STREAM, "127.0.0.1"),
        "udp4": _open(socket.AF_INET, socket.SOCK_DGRAM, "127.0.0.1"),
    }
    if V6:
        opened |= {
            "tcp6-v6only": _open(socket.AF_INET6, socket.SOCK_STREAM, "::1", True),
            "tcp6-dual": _open(socket.AF_INET6, socket.SOCK_STREAM, "::1", False),
            "udp6-v6only": _open(socket.AF_INET6, socket.SOCK_DGRAM, "::1", True),
            "udp6-dual": _open(socket.AF_INET6, socket.SOCK_DGRAM, "::1", False),
        }
    try:
        yield opened
    finally:
        for s in opened.values():
            s.close()


def _port(s: socket.socket) -> int:
    return s.getsockname()[1]


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _json(capsys, *argv: str) -> tuple[int, dict]:
    code = main(list(argv))
    return code, json.loads(capsys.readouterr().out)


def test_ports_live_lists_each_socket_with_this_process_and_pid(held, capsys):
    code, data = _json(capsys, "ports", "--live", "--format", "json")
    assert code == 0 and data["origin"] == "this host"
    rows = {(r["protocol"], r["address"], r["port"]): r for r in data["sockets"]}
    me = Path("/proc/self/comm").read_text().strip()
    for name, s in held.items():
        protocol = name[:3]
        address = "127.0.0.1" if name.endswith("4") else "::1"
        row = rows[(protocol, address, _port(s))]
        assert (row["pid"], row["process"]) == (os.getpid(), me), name
        assert "declared_by" not in row  # no PATHS: no tree to compare with


def test_ports_live_with_paths_names_the_declaring_binding(held, tmp_path, capsys):
    port = _port(held["tcp4"])
    (tmp_path / "compose.yaml").write_text(
        f'services:\n  web:\n    image: nginx\n    ports:\n      - "127.0.0.1:{port}:80"\n'
    )
    code, data = _json(capsys, "ports", "--live", "--format", "json", str(tmp_path))
    assert code == 0
    [row] = [r for r in data["sockets"] if r["port"] == port and r["protocol"] == "tcp"]
    assert row["declared_by"] == []  # python holds it, not nginx
    assert [(w["label"], w["line"], w["column"]) for w in row["wanted_by"]] == [
        ("compose service web", 5, 20)
    ]
    udp = [r for r in data["sockets"] if r["port"] == _port(held["udp4"])]
    assert udp and udp[0]["declared_by"] == [] and udp[0]["wanted_by"] == []
    assert main(["ports", "--live", str(tmp_path)]) == 0
    table = capsys.readouterr().out
    assert f"compose service web wants it ({tmp_path}/compose.yaml:5): PL105" in table
    assert "not declared anywhere in the tree" in table


def test_port_live_names_who_holds_it_now(held, capsys):
    port = _port(held["tcp4"])
    code, info = _json(capsys, "port", f"{port}/tcp", "--live", "--format", "json")
    assert code == 0
    assert [(r["address"], r["pid"]) for r in info["live"]] == [("127.0.0.1", os.getpid())]
    assert main(["port", str(_free_port()), "--live"]) == 0
    assert "on this machine now: free" in capsys.readouterr().out


def _check(capsys, tmp_path: Path, ports: list[str]) -> tuple[int, list[dict]]:
    lines = "".join(f'      - "{p}"\n' for p in ports)
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  web:\n    image: nginx\n    ports:\n{lines}"
    )
    code, data = _json(
        capsys, "check", "--format", "json", "--against-host", str(tmp_path / "compose.yaml")
    )
    return code, [f for f in data["findings"] if f["rule"] == "PL105"]


def test_check_against_host_reports_a_published_port_this_process_holds(held, tmp_path, capsys):
    port = _port(held["tcp4"])
    code, found = _check(capsys, tmp_path, [f"127.0.0.1:{port}:80", f"127.0.0.1:{_free_port()}:80"])
    assert code == 1
    assert [(f["line"], f["column"]) for f in found] == [(5, 20)]
    me = Path("/proc/self/comm").read_text().strip()
    assert f"{me} (pid {os.getpid()}) holds 127.0.0.1:{port}/tcp" in found[0]["message"]
    assert "already taken on this host" in found[0]["message"]


def test_a_wildcard_publish_is_taken_by_a_loopback_socket_but_not_another_protocol(
    held, tmp_path, capsys
):
    tcp, udp = _port(held["tcp4"]), _port(held["udp4"])
    _, found = _check(capsys, tmp_path, [f"{tcp}:80", f"{udp}:80", f"{udp}:80/udp"])
    assert [(f["line"], f["column"]) for f in found] == [(5, 10), (7, 10)]


def test_a_free_port_is_no_finding(held, tmp_path, capsys):
    code, found = _check(capsys, tmp_path, [f"127.0.0.1:{_free_port()}:80"])
    assert found == []


@pytest.mark.skipif(not V6, reason="no IPv6")
def test_ipv6_loopback_sockets_take_only_their_own_family(held, tmp_path, capsys):
    v6only, dual = _port(held["tcp6-v6only"]), _port(held["tcp6-dual"])
    _, found = _check(
        capsys,
        tmp_path,
        [f"[::1]:{v6only}:80", f"[::1]:{dual}:80", f"127.0.0.1:{v6only}:80", f"0.0.0.0:{dual}:80"],
    )
    # [::1] is one IPv6 address: with or without IPV6_V6ONLY it leaves IPv4 free.
    assert [(f["line"], f["column"]) for f in found] == [(5, 16), (6, 16)]


def test_against_host_live_uses_the_machines_port_ranges(held, tmp_path, capsys):
    start = int(Path("/proc/sys/net/ipv4/ip_unprivileged_port_start").read_text())
    if start <= 80:
        pytest.skip("this machine lets anyone bind port 80")
    (tmp_path / "compose.yaml").write_text(
        'services:\n  web:\n    image: nginx\n    ports:\n      - "80:80"\n'
    )
    (tmp_path / "rootless.yaml").write_text("rootless: true\n")  # PL201: rootless only
    config = ["--config", str(tmp_path / "rootless.yaml")]
    _, data = _json(capsys, "check", "--format", "json", *config, "--against-host", str(tmp_path))
    [pl201] = [f for f in data["findings"] if f["rule"] == "PL201"]
    assert f"ip_unprivileged_port_start={start}, read from this host)" in pl201["message"]

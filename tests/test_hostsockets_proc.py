"""The /proc reader on a made-up /proc tree: address decoding, listening/bound states, the
owning process from fd links, and the v6-only assumption for `::` sockets."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from portlint.hostsockets.live import read_live, read_ranges
from portlint.options import PortSpan

pytestmark = pytest.mark.skipif(sys.byteorder != "little", reason="rows written little-endian")

HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n"  # noqa: E501
ANY6 = "0" * 32
LOOP6 = "00000000000000000000000001000000"  # ::1 as four little-endian words


def _row(n: int, local: str, state: str, inode: int, remote: str = "00000000:0000") -> str:
    return (
        f"  {n}: {local} {remote} {state} 00000000:00000000 00:00000000 00000000  0 0 {inode} 1\n"
    )


def _proc(tmp_path: Path, bindv6only: str = "0") -> Path:
    proc = tmp_path / "proc"
    (proc / "net").mkdir(parents=True)
    (proc / "net" / "tcp").write_text(
        HEADER
        + _row(0, "0100007F:1538", "0A", 101)  # 127.0.0.1:5432 LISTEN
        + _row(1, "00000000:1F90", "0A", 102)  # 0.0.0.0:8080 LISTEN
        + _row(2, "0100007F:9C40", "01", 103, "0100007F:1538")  # an established connection
    )
    (proc / "net" / "tcp6").write_text(
        HEADER
        + _row(0, f"{ANY6}:0050", "0A", 201)  # [::]:80
        + _row(1, f"{ANY6}:1F90", "0A", 202)  # [::]:8080 beside 0.0.0.0:8080
        + _row(2, f"{LOOP6}:0016", "0A", 203)  # [::1]:22
        + _row(3, "0000000000000000FFFF00000100007F:0BB8", "0A", 204)  # ::ffff:127.0.0.1:3000
    )
    (proc / "net" / "udp").write_text(HEADER + _row(0, "3500007F:0035", "07", 301))  # 127.0.0.53:53
    (proc / "net" / "udp6").write_text(HEADER)
    (proc / "sys/net/ipv6").mkdir(parents=True)
    (proc / "sys/net/ipv6/bindv6only").write_text(bindv6only + "\n")
    (proc / "sys/net/ipv4").mkdir(parents=True)
    (proc / "sys/net/ipv4/ip_unprivileged_port_start").write_text("80\n")
    (proc / "sys/net/ipv4/ip_local_port_range").write_text("40000\t50000\n")
    (proc / "sys/net/ipv4/ip_local_reserved_ports").write_text("41000-41010,45000\n")
    for pid, name, inodes in ((812, "postgres", (101,)), (90, "nginx", (201, 202, 102))):
        (proc / str(pid) / "fd").mkdir(parents=True)
        (proc / str(pid) / "comm").write_text(name + "\n")
        for fd, inode in enumerate(inodes, 3):
            os.symlink(f"socket:[{inode}]", proc / str(pid) / "fd" / str(fd))
    return proc


def test_listening_and_bound_sockets_with_their_processes(tmp_path):
    found = {
        (s.protocol.value, str(s.address), s.port, s.v6only, s.pid, s.process)
        for s in read_live(_proc(tmp_path)).sockets
    }
    assert found == {
        ("tcp", "127.0.0.1", 5432, None, 812, "postgres"),
        ("tcp", "0.0.0.0", 8080, None, 90, "nginx"),
        ("tcp", "::", 80, False, 90, "nginx"),  # bindv6only=0: dual-stack
        ("tcp", "::", 8080, True, 90, "nginx"),  # an IPv4 socket holds 8080: v6-only
        ("tcp", "::1", 22, None, None, None),  # no readable fd: hidden process
        ("tcp", "127.0.0.1", 3000, None, None, None),  # IPv4-mapped, read as IPv4
        ("udp", "127.0.0.53", 53, None, None, None),
    }


def test_bindv6only_1_makes_wildcards_v6_only(tmp_path):
    sockets = read_live(_proc(tmp_path, bindv6only="1")).sockets
    assert [s.v6only for s in sockets if s.port == 80] == [True]


def test_the_kernels_port_ranges(tmp_path):
    ranges = read_ranges(_proc(tmp_path))
    assert ranges is not None
    assert ranges.unprivileged_port_start == 80
    assert ranges.local_port_range == PortSpan(40000, 50000)
    assert ranges.ephemeral() == (
        PortSpan(40000, 40999),
        PortSpan(41011, 44999),
        PortSpan(45001, 50000),
    )

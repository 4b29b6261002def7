"""PL105 as a pure function of the model and `Options.host_sockets`, and the host's own
port ranges replacing the policy's for PL201 and PL302."""

from __future__ import annotations

from pathlib import Path

from portlint.config import build_options
from portlint.engine import check
from portlint.hostsockets import HostRanges, HostSnapshot
from portlint.hostsockets.command import apply
from portlint.hostsockets.snapshot import read_snapshot
from portlint.options import PortSpan

COMPOSE = """\
services:
  db:
    image: postgres:16
    ports:
      - "5432:5432"
  web:
    image: nginx:1.27
    ports:
      - "0.0.0.0:80:80"
      - "127.0.0.1:8080:80"
  api:
    image: example/api
    ports:
      - "9000-9002:9000-9002"
"""


def _findings(tmp_path: Path, listing: str, rule: str = "PL105", files=None) -> list[tuple]:
    for name, text in (files or {"compose.yaml": COMPOSE}).items():
        (tmp_path / name).write_text(text)
    options = build_options({}, None)
    apply(options, read_snapshot(listing, "host.txt"))
    report = check([str(tmp_path)], options, debug=True)
    return [
        (f.rule, Path(f.location.path).name, f.location.line, f.location.column, f.message)
        for f in report.findings
        if f.rule == rule
    ]


def _ss(*rows: str) -> str:
    return "".join(f"{row}\n" for row in rows)


def test_the_declared_service_already_running_is_no_finding(tmp_path):
    listing = _ss(
        'tcp LISTEN 0 244 127.0.0.1:5432 0.0.0.0:* users:(("postgres",pid=812,fd=6))',
        'tcp LISTEN 0 511 0.0.0.0:80 0.0.0.0:* users:(("nginx",pid=90,fd=6))',
        'tcp LISTEN 0 4096 127.0.0.1:8080 0.0.0.0:* users:(("docker-proxy",pid=91,fd=4))',
        'tcp LISTEN 0 4096 0.0.0.0:9001 0.0.0.0:* users:(("rootlessport",pid=92,fd=4))',
    )
    assert _findings(tmp_path, listing) == []


def test_another_process_on_the_port_is_pl105_naming_it(tmp_path):
    listing = _ss(
        'tcp LISTEN 0 244 127.0.0.1:5432 0.0.0.0:* users:(("mysqld",pid=812,fd=6))',
        'tcp LISTEN 0 5 0.0.0.0:9002 0.0.0.0:* users:(("python3",pid=4242,fd=3))',
    )
    found = _findings(tmp_path, listing)
    assert [f[:4] for f in found] == [
        ("PL105", "compose.yaml", 5, 10),
        ("PL105", "compose.yaml", 14, 10),
    ]
    assert found[0][4].startswith(
        "host port 5432/tcp of compose service db is already taken on the host of snapshot "
        "host.txt: mysqld (pid 812) holds 127.0.0.1:5432/tcp, and nothing in the tree "
        "declares it; `docker compose up` will fail with 'address already in use'."
    )
    assert found[0][4].endswith("or use another port (free here and in the tree: 5433)")
    assert "python3 (pid 4242) holds 0.0.0.0:9002/tcp" in found[1][4]


def test_a_v6_only_wildcard_leaves_ipv4_free_and_a_dual_stack_one_does_not(tmp_path):
    v6only = _ss('tcp LISTEN 0 511 [::]:80 [::]:* users:(("caddy",pid=5,fd=7))')
    assert _findings(tmp_path, v6only) == []
    dual = _ss('tcp LISTEN 0 511 *:80 *:* users:(("caddy",pid=5,fd=7))')
    assert [f[:4] for f in _findings(tmp_path, dual)] == [("PL105", "compose.yaml", 9, 18)]


def test_loopback_and_wildcard_overlap_but_other_protocols_and_addresses_do_not(tmp_path):
    listing = _ss(
        'udp UNCONN 0 0 0.0.0.0:5432 0.0.0.0:* users:(("x",pid=1,fd=1))',
        'tcp LISTEN 0 5 127.0.0.2:8080 0.0.0.0:* users:(("x",pid=1,fd=1))',
        'tcp LISTEN 0 5 127.0.0.1:80 0.0.0.0:* users:(("x",pid=1,fd=1))',
    )
    assert [f[:4] for f in _findings(tmp_path, listing)] == [("PL105", "compose.yaml", 9, 18)]


def test_a_socket_another_declared_service_runs_is_left_to_pl101(tmp_path):
    files = {
        "compose.yaml": COMPOSE,
        "nginx.conf": "events {}\nhttp {\n  server {\n    listen 5432;\n  }\n}\n",
    }
    listing = _ss('tcp LISTEN 0 511 0.0.0.0:5432 0.0.0.0:* users:(("nginx",pid=3,fd=6))')
    assert _findings(tmp_path, listing, files=files) == []


def test_a_hidden_process_is_still_reported(tmp_path):
    listing = _ss("tcp LISTEN 0 5 0.0.0.0:5432 0.0.0.0:*")
    [found] = _findings(tmp_path, listing)
    assert "a process portlint may not inspect" in found[4]


def test_without_against_host_nothing(tmp_path):
    (tmp_path / "compose.yaml").write_text(COMPOSE)
    report = check([str(tmp_path)], build_options({}, None), debug=True)
    assert not [f for f in report.findings if f.rule == "PL105"]


def _with_ranges(tmp_path: Path, ranges: HostRanges, ports: list[int]) -> list[tuple]:
    lines = "".join(f'      - "{p}:80"\n' for p in ports)
    (tmp_path / "compose.yaml").write_text(
        f"services:\n  web:\n    image: example/web\n    ports:\n{lines}"
    )
    options = build_options({"rootless": True}, None)  # PL201 checks rootless targets only
    apply(options, HostSnapshot([], "this host", live=True, ranges=ranges))
    report = check([str(tmp_path)], options, debug=True)
    return [
        (f.rule, f.location.line, f.message)
        for f in report.findings
        if f.rule in ("PL201", "PL302")
    ]


def test_the_hosts_ranges_replace_the_policys_for_pl201_and_pl302(tmp_path):
    ranges = HostRanges(80, PortSpan(40000, 40100), (PortSpan(40050, 40060),))
    found = _with_ranges(tmp_path, ranges, [79, 80, 40010, 40055, 50000])
    assert [(rule, line) for rule, line, _ in found] == [("PL201", 5), ("PL302", 7)]
    assert "(net.ipv4.ip_unprivileged_port_start=80, read from this host)" in found[0][2]
    assert (
        "inside the ephemeral range 40000-40049 (this host's ip_local_port_range less "
        "reserved ports): the kernel" in found[1][2]
    )


def test_reserved_ports_are_cut_out_of_the_local_port_range():
    ranges = HostRanges(
        1024, PortSpan(32768, 60999), (PortSpan(40000, 40010), PortSpan(60999, 60999))
    )
    assert ranges.ephemeral() == (PortSpan(32768, 39999), PortSpan(40011, 60998))


def test_a_host_range_docker_picks_from_is_taken_only_when_every_port_is(tmp_path):
    files = {
        "compose.yaml": 'services:\n  app:\n    image: x\n    ports:\n      - "7000-7001:80"\n'
    }
    one = _ss('tcp LISTEN 0 5 0.0.0.0:7000 0.0.0.0:* users:(("java",pid=7,fd=3))')
    assert _findings(tmp_path, one, files=files) == []
    both = one + _ss('tcp LISTEN 0 5 0.0.0.0:7001 0.0.0.0:* users:(("java",pid=7,fd=4))')
    assert [row[:4] for row in _findings(tmp_path, both, files=files)] == [
        ("PL105", "compose.yaml", 5, 10)
    ]

"""Saved `ss` / `netstat` listings read back into sockets, told apart by content; PL001 at
the line of anything unreadable. Fixtures: tests/fixtures/hostsockets/README.md."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import FIXTURES
from portlint.hostsockets.snapshot import detect, read_snapshot

SNAPSHOTS = FIXTURES / "hostsockets"

#: What the Python process held when the Linux listings were captured (pid 12032).
CAPTURED = {
    ("udp", "127.0.0.1", 15353, None, 12032, "python3"),
    ("udp", "::1", 15354, None, 12032, "python3"),
    ("udp", "::1", 15355, None, 12032, "python3"),
    ("tcp", "127.0.0.1", 15432, None, 12032, "python3"),
    ("tcp", "0.0.0.0", 2024, None, None, None),
    ("tcp", "::1", 18081, None, 12032, "python3"),
    ("tcp", "::1", 18080, None, 12032, "python3"),
}


def _read(name: str):
    path = SNAPSHOTS / name
    return read_snapshot(path.read_text(encoding="utf-8"), name)


def _tuples(snapshot) -> set[tuple]:
    return {
        (s.protocol.value, str(s.address), s.port, s.v6only, s.pid, s.process)
        for s in snapshot.sockets
    }


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("ss-tulpn.txt", "ss"),
        ("ss-Htulpn.txt", "ss"),
        ("netstat-tulpn.txt", "netstat"),
        ("netstat-ano-windows.txt", "windows"),
    ],
)
def test_each_listing_is_recognised_by_its_content(name, kind):
    assert detect((SNAPSHOTS / name).read_text().splitlines()) == kind


@pytest.mark.parametrize("name", ["ss-tulpn.txt", "ss-Htulpn.txt", "netstat-tulpn.txt"])
def test_linux_listings_give_the_captured_sockets(name):
    snapshot = _read(name)
    assert snapshot.diagnostics == []
    assert _tuples(snapshot) == CAPTURED
    assert len(snapshot.sockets) == len(CAPTURED)


def test_ss_socket_lines_are_the_listing_lines():
    lines = {(s.port, s.protocol.value): s.location.line for s in _read("ss-tulpn.txt").sockets}
    assert lines == {
        (15353, "udp"): 2,
        (15354, "udp"): 3,
        (15355, "udp"): 4,
        (15432, "tcp"): 5,
        (2024, "tcp"): 6,
        (18081, "tcp"): 7,
        (18080, "tcp"): 8,
    }
    headless = {s.port: s.location.line for s in _read("ss-Htulpn.txt").sockets}
    assert headless[15353] == 1 and headless[18080] == 7


def test_windows_listing_keeps_listeners_and_udp_and_skips_connections():
    snapshot = _read("netstat-ano-windows.txt")
    assert snapshot.diagnostics == []
    assert _tuples(snapshot) == {
        ("tcp", "0.0.0.0", 135, None, 836, None),
        ("tcp", "0.0.0.0", 445, None, 4, None),
        ("tcp", "0.0.0.0", 3389, None, 344, None),
        ("tcp", "127.0.0.1", 5939, None, 4844, None),
        ("tcp", "192.0.2.10", 139, None, 4, None),
        ("tcp", "::", 135, True, 836, None),  # Windows binds [::] v6-only by default
        ("tcp", "::", 445, True, 4, None),
        ("tcp", "::1", 49669, None, 3004, None),
        ("udp", "0.0.0.0", 5353, None, 1564, None),
        ("udp", "127.0.0.1", 1900, None, 2512, None),
        ("udp", "::", 5353, True, 1564, None),
        ("udp", "fe80::1c2d:3e4f:5a6b:7c8d", 1900, None, 2512, None),
    }


def test_ss_star_is_dual_stack_and_bracketed_wildcard_is_v6_only():
    text = (
        'tcp LISTEN 0 4096 *:80 *:* users:(("nginx",pid=7,fd=6),("nginx",pid=8,fd=6))\n'
        'tcp LISTEN 0 128 [::]:22 [::]:* users:(("sshd",pid=9,fd=4))\n'
        'udp UNCONN 0 0 127.0.0.53%lo:53 0.0.0.0:* users:(("systemd-resolve",pid=5,fd=13))\n'
        'tcp ESTAB 0 0 192.0.2.1:22 198.51.100.2:50000 users:(("sshd",pid=10,fd=4))\n'
    )
    assert _tuples(read_snapshot(text, "host.txt")) == {
        ("tcp", "::", 80, False, 7, "nginx"),
        ("tcp", "::", 22, True, 9, "sshd"),
        ("udp", "127.0.0.53", 53, None, 5, "systemd-resolve"),
    }


def test_netstat_wildcard_is_dual_stack_unless_ipv4_holds_the_port():
    text = (
        "Active Internet connections (only servers)\n"
        "Proto Recv-Q Send-Q Local Address           Foreign Address         State       PID/Program name\n"  # noqa: E501
        "tcp        0      0 0.0.0.0:22              0.0.0.0:*               LISTEN      9/sshd\n"
        "tcp6       0      0 :::22                   :::*                    LISTEN      9/sshd\n"
        "tcp6       0      0 :::80                   :::*                    LISTEN      7/nginx: master\n"  # noqa: E501
    )
    found = {(s.port, str(s.address)): s.v6only for s in read_snapshot(text, "h").sockets}
    assert found == {(22, "0.0.0.0"): None, (22, "::"): True, (80, "::"): False}


def test_an_unreadable_line_is_pl001_at_its_line_and_the_rest_is_read():
    lines = (SNAPSHOTS / "ss-Htulpn.txt").read_text().splitlines()
    lines.insert(2, "tcp LISTEN 0 128 localhost:http 0.0.0.0:*")
    snapshot = read_snapshot("\n".join(lines) + "\n", "host.txt")
    assert [(d.rule, d.location.path, d.location.line, d.location.column)
            for d in snapshot.diagnostics] == [("PL001", "host.txt", 3, 1)]  # fmt: skip
    assert "not a port number" in snapshot.diagnostics[0].message
    assert len(snapshot.sockets) == len(CAPTURED)


def test_a_file_that_is_no_listing_is_one_pl001_naming_the_formats():
    snapshot = read_snapshot("\nhello: world\n", "host.txt")
    assert snapshot.sockets == []
    [problem] = snapshot.diagnostics
    assert (problem.rule, problem.location.line) == ("PL001", 2)
    assert "ss -Htulpn" in problem.message and "netstat -ano" in problem.message


def test_check_against_a_snapshot_reports_pl105_and_the_snapshot_pl001(tmp_path, capsys):
    import json

    from portlint.cli import main

    compose = tmp_path / "compose.yaml"
    compose.write_text(
        "services:\n"
        "  db:\n"
        "    image: redis:7\n"
        "    ports:\n"
        '      - "15432:6379"\n'
        '      - "15433:6379"\n'
    )
    snapshot = tmp_path / "host.txt"
    snapshot.write_text((SNAPSHOTS / "ss-Htulpn.txt").read_text() + "tcp LISTEN 0 1 x:y z\n")
    code = main(["check", "--format", "json", "--against-host", str(snapshot), str(compose)])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert code == 1
    rows = [
        (f["rule"], Path(f["path"]).name, f["line"], f["column"])
        for f in findings
        if f["rule"] in ("PL105", "PL001")
    ]
    assert rows == [("PL105", "compose.yaml", 5, 10), ("PL001", "host.txt", 8, 1)]
    [pl105] = [f for f in findings if f["rule"] == "PL105"]
    assert "is already taken on the host of snapshot" in pl105["message"]
    assert "python3 (pid 12032) holds 127.0.0.1:15432/tcp" in pl105["message"]
    assert [(Path(r["path"]).name, r["line"]) for r in pl105["related"]] == [("host.txt", 4)]


def test_against_host_with_a_missing_file_is_a_usage_error(tmp_path, capsys):
    from portlint.cli import main

    assert main(["check", "--against-host", str(tmp_path / "nope.txt"), str(tmp_path)]) == 2
    assert "--against-host" in capsys.readouterr().err


def test_a_listing_without_a_known_format_is_pl001_at_line_1_of_the_snapshot(tmp_path, capsys):
    import json

    from portlint.cli import main

    (tmp_path / "compose.yaml").write_text('services:\n  web:\n    ports: ["18080:80"]\n')
    snapshot = tmp_path / "host.txt"
    snapshot.write_text("this is not a listing\n")
    main(["check", "--format", "json", "--against-host", str(snapshot), str(tmp_path)])
    findings = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["rule"], Path(f["path"]).name, f["line"]) for f in findings] == [
        ("PL001", "host.txt", 1)
    ]

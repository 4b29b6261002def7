"""Postfix master.cf: `inet` services are TCP listeners of the postfix master on the
host; service names map through the services table; unix/fifo/pass are local."""

from __future__ import annotations

from cli_rows import check_rows, port_rows
from helpers import FIXTURES, run

POSTFIX = "postfix@default"


def test_inet_services_with_names_hosts_and_continuations(capsys) -> None:
    path = FIXTURES / "postfix" / "mail"
    assert port_rows(capsys, path) == [
        ("master.cf", 2, 1, None, 25, "tcp", POSTFIX),  # smtp
        ("master.cf", 3, 1, None, 587, "tcp", POSTFIX),  # submission, -o lines continue it
        ("master.cf", 7, 1, None, 465, "tcp", POSTFIX),  # smtps (the commented one is not)
        ("master.cf", 8, 11, "127.0.0.1", 10025, "tcp", POSTFIX),
        ("master.cf", 10, 7, "::1", 10026, "tcp", POSTFIX),
        ("master.cf", 11, 1, None, 2525, "tcp", POSTFIX),
    ]
    code, found = check_rows(capsys, path)
    assert code == 1
    assert found == [("PL002", "master.cf", 18, 1, "port 99999 is outside 1-65535")]


def test_inet_interfaces_of_main_cf_beside_it(capsys) -> None:
    """loopback-only with `inet_protocols = ipv4` (on a continuation line): 127.0.0.1;
    a service with its own host keeps it."""
    assert port_rows(capsys, FIXTURES / "postfix" / "null-client") == [
        ("master.cf", 1, 1, "127.0.0.1", 25, "tcp", POSTFIX),
        ("master.cf", 2, 7, "::1", 10026, "tcp", POSTFIX),
    ]


def test_inet_interfaces_with_a_parameter_is_an_unknown_address() -> None:
    (binding,) = run("postfix/by-name").model.bindings
    assert (binding.port, binding.address, binding.address_unknown) == (587, None, True)


def test_master_collides_with_another_daemon_on_the_host(capsys) -> None:
    code, found = check_rows(capsys, FIXTURES / "postfix" / "shared-host")
    assert code == 1
    assert [row[:4] for row in found] == [
        ("PL101", "haproxy.cfg", 2, 11),
        ("PL101", "master.cf", 1, 1),
    ]


def test_a_master_cf_of_another_tool_is_not_claimed(tmp_path) -> None:
    (tmp_path / "master.cf").write_text("[master]\nport = 25\n")
    report = run(tmp_path)
    assert report.model.bindings == [] and report.findings == []
    assert report.model.files == 0


def test_a_mounted_master_cf_listens_in_the_container(capsys) -> None:
    """Like nginx.conf: the mounted master.cf is the container's, so its smtp is the
    container port that "25:25" publishes; only the two Compose publishes collide."""
    path = FIXTURES / "postfix" / "mounted"
    mail = "tests/fixtures/postfix/mounted/mail"
    assert ("master.cf", 1, 1, None, 25, "tcp", mail) in port_rows(capsys, path)
    code, found = check_rows(capsys, path)
    assert [row[:4] for row in found] == [
        ("PL101", "compose.yaml", 5, 10),
        ("PL101", "compose.yaml", 11, 10),
    ]

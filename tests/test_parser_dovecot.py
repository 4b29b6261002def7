"""Dovecot inet_listener blocks: ports, addresses, built-in ports of listeners that set
none, `port = 0`, `protocols`, and `!include` inside the roots."""

from __future__ import annotations

from cli_rows import check_rows, port_rows
from helpers import FIXTURES, run

DOVECOT = "dovecot@default"


def _both(name: str, line: int, column: int, port: int) -> list[tuple]:
    """Top-level `listen = *, ::`: every IPv4 and every IPv6 address."""
    return [
        (name, line, column, "0.0.0.0", port, "tcp", DOVECOT),
        (name, line, column, "::", port, "tcp", DOVECOT),
    ]


def test_listeners_through_includes(capsys) -> None:
    """dovecot.conf includes conf.d/*.conf and (as /etc/dovecot/local.conf) local.conf;
    the included fragments are listed once, through the main file."""
    path = FIXTURES / "dovecot"
    assert port_rows(capsys, path) == sorted(
        [
            *_both("10-master.conf", 2, 17, 143),  # imap sets no port: the built-in 143
            *_both("10-master.conf", 6, 12, 993),
            # pop3 110 is not listed: `protocols` does not enable pop3
            # submission `port = 0` is disabled
            *_both("10-master.conf", 21, 38, 1465),  # one-line block
            ("10-master.conf", 27, 12, "127.0.0.1", 2424, "tcp", DOVECOT),
            ("10-master.conf", 27, 12, "::1", 2424, "tcp", DOVECOT),
            *_both("local.conf", 3, 13, 24190),  # quoted value
            ("20-submission.conf", 4, 12, None, 1587, "tcp", DOVECOT),  # a host name
        ]
    )
    code, found = check_rows(capsys, path)
    assert code == 1
    assert found == [("PL002", "local.conf", 8, 12, "port 70000 is outside 1-65535")]


def test_builtin_port_is_marked_default_and_ipv6_is_v6only() -> None:
    by_port = {}
    for b in run("dovecot").model.bindings:
        by_port.setdefault(b.port, []).append(b)
    assert [b.default for b in by_port[143]] == [True, True]
    assert by_port[143][0].source == "default of Dovecot (imap listener without port)"
    assert [b.default for b in by_port[993]] == [False, False]
    assert [b.v6only for b in by_port[993]] == [None, True]
    assert [(b.address, b.address_unknown) for b in by_port[1587]] == [(None, True)]


def test_a_fragment_alone_uses_the_default_listen(capsys) -> None:
    """Without the main file in the scan, no `protocols` is known: pop3 counts too."""
    rows = port_rows(capsys, FIXTURES / "dovecot" / "etc" / "conf.d")
    assert _both("10-master.conf", 13, 12, 110)[0] in rows
    assert len(rows) == 11


def test_unclosed_section_is_pl001(tmp_path, capsys) -> None:
    (tmp_path / "dovecot.conf").write_text("service imap-login {\n  inet_listener imap {\n")
    code, found = check_rows(capsys, tmp_path)
    assert code == 1
    assert found == [
        (
            "PL001",
            "dovecot.conf",
            3,
            1,
            "dovecot syntax error: section 'inet_listener' is not closed",
        )
    ]


def test_another_tools_dovecot_conf_is_not_claimed(tmp_path) -> None:
    """logwatch keeps a `services/dovecot.conf` of its own."""
    (tmp_path / "dovecot.conf").write_text('Title = "Dovecot"\nLogFile = maillog\n')
    (tmp_path / "dovecot").mkdir()
    (tmp_path / "dovecot" / "notes.conf").write_text("port = 143\n")
    report = run(tmp_path)
    assert report.model.files == 0 and report.findings == []

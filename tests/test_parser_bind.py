"""BIND named.conf: listen-on / listen-on-v6 of `options` on UDP and TCP, their ports
and address match lists, the defaults, and `include` inside the roots."""

from __future__ import annotations

from cli_rows import check_rows, port_rows
from helpers import FIXTURES, run

NAMED = "named@default"
OPTIONS = "named.conf.options"
#: rndc's channels of `controls` (named.conf.local): TCP, 953 unless `port` says.
CONTROLS = [
    ("named.conf.local", 7, 7, "127.0.0.1", 953, "tcp", NAMED),
    ("named.conf.local", 8, 14, "0.0.0.0", 9953, "tcp", NAMED),
]


def _dns(line: int, column: int, address: str | None, port: int) -> list[tuple]:
    return [
        (OPTIONS, line, column, address, port, "tcp", NAMED),
        (OPTIONS, line, column, address, port, "udp", NAMED),
    ]


def _sorted(rows: list[tuple]) -> list[tuple]:
    return sorted(rows, key=lambda row: tuple("" if v is None else v for v in row))


def test_listen_on_through_debian_includes(capsys) -> None:
    assert port_rows(capsys, FIXTURES / "bind" / "resolver") == _sorted(
        [
            *_dns(6, 17, "0.0.0.0", 5353),  # `{ 127.0.0.1; any; }`: every address
            *_dns(7, 2, "10.1.2.3", 53),  # no port: 53; the acl "internal" expanded
            *_dns(7, 2, "192.0.2.53", 53),
            (OPTIONS, 8, 17, "127.0.0.1", 853, "tcp", NAMED),  # DNS over TLS: TCP only
            (OPTIONS, 9, 2, "192.0.2.53", 443, "tcp", NAMED),  # tls + http: HTTPS, 443
            *_dns(10, 2, "::1", 53),  # `!fe80::1` is not a listener
            *_dns(10, 2, None, 53),  # trusted-nets: an ACL not in the scan
            *CONTROLS,
        ]
    )
    code, found = check_rows(capsys, FIXTURES / "bind" / "resolver")
    assert code == 1
    assert [f for f in found if f[0] != "PL301"] == [
        ("PL002", OPTIONS, 11, 20, "port 70000 is outside 1-65535")
    ]


def test_an_unresolved_acl_is_an_unknown_address() -> None:
    unknown = [b for b in run("bind/resolver").model.bindings if b.address is None]
    assert [b.address_unknown for b in unknown] == [True, True]
    v6 = [b for b in run("bind/resolver").model.bindings if b.location.line == 10]
    assert {b.v6only for b in v6 if b.address is not None} == {True}


def test_defaults_bound_at_options_and_none_listens_nowhere(capsys) -> None:
    """No listen-on: every IPv4 interface, port 53; `listen-on-v6 { none; }`: no IPv6."""
    assert port_rows(capsys, FIXTURES / "bind" / "defaults") == [
        ("named.conf", 1, 1, "0.0.0.0", 53, "tcp", NAMED),
        ("named.conf", 1, 1, "0.0.0.0", 53, "udp", NAMED),
    ]
    bindings = run("bind/defaults").model.bindings
    assert {(b.default, b.source) for b in bindings} == {(True, "default of BIND (no listen-on)")}
    by_line = {
        (b.location.path.rsplit("/", 1)[-1], b.location.line): b
        for b in run("bind/resolver").model.bindings
    }
    assert by_line[OPTIONS, 7].source == "default of BIND (listen-on without port)"
    assert by_line[OPTIONS, 6].source == ""
    assert by_line["named.conf.local", 7].source == "default of rndc (controls inet without port)"


def test_a_fragment_alone_binds_no_defaults(tmp_path, capsys) -> None:
    """Without the options statement in the scan, the defaults are not known to apply:
    only what the fragment writes (its controls)."""
    local = (FIXTURES / "bind" / "resolver" / "named.conf.local").read_text()
    (tmp_path / "named.conf.local").write_text(local)
    assert port_rows(capsys, tmp_path) == CONTROLS


def test_a_fragment_its_main_includes_is_read_through_the_main(capsys) -> None:
    """named.conf beside it includes it: nothing of its own (no duplicate listing)."""
    assert port_rows(capsys, FIXTURES / "bind" / "resolver" / "named.conf.local") == []


def test_syntax_errors_are_pl001(tmp_path, capsys) -> None:
    (tmp_path / "named.conf").write_text('options {\n\tlisten-on { any; }\n};\nzone "x" {\n')
    code, found = check_rows(capsys, tmp_path)
    assert code == 1
    assert found == [
        ("PL001", "named.conf", 3, 1, "named.conf syntax error: missing ';' after '}'")
    ]


def test_another_tools_named_conf_is_not_claimed(tmp_path) -> None:
    (tmp_path / "named.conf.example").write_text("[server]\nport = 53\n")
    report = run(tmp_path)
    assert report.model.files == 0 and report.findings == []


def test_templates_of_the_mail_and_dns_configs_are_pl007(tmp_path, capsys) -> None:
    """As for nginx.conf.j2: a Jinja template of a config portlint reads is noted."""
    for name in ("named.conf.j2", "master.cf.j2", "dovecot.conf.j2"):
        (tmp_path / name).write_text("{{ anything }}\n")
    code, found = check_rows(capsys, tmp_path)
    assert code == 0
    assert [row[:4] for row in found] == [
        ("PL007", "dovecot.conf.j2", 1, 1),
        ("PL007", "master.cf.j2", 1, 1),
        ("PL007", "named.conf.j2", 1, 1),
    ]

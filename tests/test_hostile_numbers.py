"""One number parser for every format (ASCII digits, bounded length) and PL002 messages that
never echo a value that may be a secret, nor any text derived from a `.env` value."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import run
from portlint import numbers
from portlint.options import Options
from portlint.report import render


def write(root: Path, relative: str, content: str) -> Path:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")
    return path


def found(root: Path) -> list[tuple[str, str, int, int, str]]:
    return [
        (
            f.rule,
            Path(f.location.path).relative_to(root).as_posix(),
            f.location.line,
            f.location.column,
            f.message,
        )
        for f in run(root).findings
    ]


# --- the parser ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [("80", 80), (" 8080 ", 8080), ("65535", 65535), ("0", 0), ("²", None), ("٣", None)],
)
def test_parse_int_reads_ascii_digits_only(text, expected):
    assert numbers.parse_int(text) == expected


def test_parse_int_refuses_more_digits_than_any_number_needs():
    assert numbers.parse_int("9" * numbers.MAX_DIGITS) == int("9" * numbers.MAX_DIGITS)
    assert numbers.parse_int("9" * (numbers.MAX_DIGITS + 1)) is None
    assert numbers.parse_int("9" * 5000) is None  # int() raises on this


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        ("80.5", "'80.5'"),
        ("127.0.0.1:8080:80/tcp", "'127.0.0.1:8080:80/tcp'"),
        ("${PORT}", "'${PORT}'"),
        ("postgresql://u:pw@h/db", "'postgresql://h/…'"),
        ("http://example.com:8080", "'http://example.com:8080'"),
        ("redis://:secret@cache:6379/0", "'redis://cache:6379/…'"),
        ("hunter2", None),
        ("${X:pw}", None),
        ("abc", None),
        ("1" * 61, None),
    ],
)
def test_a_value_is_quoted_only_when_short_and_harmless(text, shown):
    assert numbers.quote_value(text) == shown


# --- Unicode digits and long numbers in every parser ------------------------------------


def test_a_unicode_digit_scale_no_longer_loses_the_compose_project(tmp_path):
    write(tmp_path, "app/compose.yaml", 'services:\n  w:\n    scale: "²"\n    ports: ["0:80"]\n')
    assert found(tmp_path) == [
        (
            "PL002",
            "app/compose.yaml",
            4,
            14,
            "host port 0 is not a fixed port (0 asks the OS for any free port) in '0:80'",
        )
    ]


def test_a_five_thousand_digit_port_is_a_pl002_and_keeps_the_other_bindings(tmp_path):
    long = "9" * 5000
    write(
        tmp_path,
        "nginx/nginx.conf",
        f"http {{\n server {{\n  listen 80;\n  listen {long};\n }}\n}}\n",
    )
    write(tmp_path, "app/compose.yaml", f"services:\n  w:\n    ports: ['{long}:80', '0:81']\n")
    write(tmp_path, "pg/postgresql.conf", f"port = {long}\n")
    report = run(tmp_path)
    got = [
        (f.rule, Path(f.location.path).name, f.location.line, f.location.column, f.message)
        for f in report.findings
    ]
    assert got == [
        ("PL002", "compose.yaml", 3, 14, "host port of 5000 digits is out of range 1-65535"),
        (
            "PL002",
            "compose.yaml",
            3,
            5021,
            "host port 0 is not a fixed port (0 asks the OS for any free port) in '0:81'",
        ),
        ("PL002", "nginx.conf", 4, 10, "port of 5000 digits is outside 1-65535"),
        ("PL002", "postgresql.conf", 1, 8, "port of 5000 digits is outside 1-65535"),
    ]
    assert report.bindings == 3  # nginx 80, and the container side of compose's 0:81


def test_a_kubernetes_port_of_many_digits_is_a_pl002(tmp_path):
    write(
        tmp_path,
        "k8s/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
        f"  - name: c\n    image: x\n    ports:\n    - containerPort: {'9' * 5000}\n"
        "    - containerPort: 8080\n",
    )
    assert [(f.rule, f.location.line) for f in run(tmp_path).findings] == [("PL002", 10)]


# --- secrets written where a port belongs ----------------------------------------------


def test_secrets_written_where_a_port_belongs_are_described_not_echoed(tmp_path):
    write(tmp_path, "pg/postgresql.conf", "port = 'postgresql://u:pw@h/db'\n")
    write(
        tmp_path,
        "k8s/pod.yaml",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n"
        "  - name: c\n    image: x\n    ports:\n    - containerPort: hunter2\n",
    )
    write(tmp_path, "spring/application.properties", "server.port=${X:pw}\n")
    write(tmp_path, "app/compose.yaml", "services:\n  w:\n    ports: ['hunter2:80']\n")
    assert found(tmp_path) == [
        ("PL002", "app/compose.yaml", 3, 14, "host port is not a number"),
        (
            "PL002",
            "k8s/pod.yaml",
            10,
            22,
            "containerPort must be a port number (1-65535), not a text that is not a number",
        ),
        ("PL002", "pg/postgresql.conf", 1, 9, "'postgresql://h/…' is not a port number"),
        ("PL002", "spring/application.properties", 1, 17, "server port: the value is not a number"),
    ]
    report = run(tmp_path)
    for name in ("text", "json", "sarif", "github", "gitlab"):
        output = render(name, report, Options())
        assert "hunter2" not in output and "pw@" not in output and ":pw" not in output, name


# --- .env values: names, never values ---------------------------------------------------

ENV = "PW1=qzx-vwk:2\nPW2=\tjqf\\kzy \nPW3=' zpq: wqk '\nPW4=qqa:bbz-ccw\n"


def test_env_values_that_split_or_escape_never_reach_a_message(tmp_path):
    write(tmp_path, "app/.env", ENV)
    write(
        tmp_path,
        "app/compose.yaml",
        "services:\n  w:\n    ports:\n"
        "      - '${PW1}:80'\n"
        "      - '127.0.0.1:${PW4}:80'\n"
        "      - target: 80\n        published: '${PW2}'\n"
        "      - target: 80\n        host_ip: '${PW3}'\n"
        "      - target: 80\n        protocol: '${PW1}'\n"
        "      - '8080:80/${PW2}'\n"
        "    expose: ['${PW3}', '81/${PW4}']\n",
    )
    report = run(tmp_path)
    messages = [(f.rule, f.location.line, f.message) for f in report.findings]
    note = "(the value of ${{{}}} is not shown)"
    assert messages == [
        ("PL002", 4, f"host IP is not an IP address in '${{PW1}}:80' {note.format('PW1')}"),
        (
            "PL002",
            5,
            f"host IP is not an IP address in '127.0.0.1:${{PW4}}:80' {note.format('PW4')}",
        ),
        ("PL002", 7, f"published port is not a number in '${{PW2}}' {note.format('PW2')}"),
        ("PL002", 9, f"host_ip is not an IP address in '${{PW3}}' {note.format('PW3')}"),
        ("PL002", 11, f"protocol is not tcp, udp or sctp in '${{PW1}}' {note.format('PW1')}"),
        (
            "PL002",
            12,
            f"protocol is not tcp, udp or sctp in '8080:80/${{PW2}}' {note.format('PW2')}",
        ),
        ("PL002", 13, f"exposed port is not a number in '${{PW3}}' {note.format('PW3')}"),
        ("PL002", 13, f"protocol is not tcp, udp or sctp in '81/${{PW4}}' {note.format('PW4')}"),
    ]
    secrets = ["qzx", "vwk", "jqf", "kzy", "zpq", "wqk", "qqa", "bbz", "ccw"]
    for name in ("text", "json", "sarif", "github", "gitlab"):
        output = render(name, report, Options(), color=True)
        leaked = [s for s in secrets if s in output]
        assert leaked == [], (name, leaked)


def test_dockerfile_expose_quotes_only_harmless_tokens(tmp_path):
    write(tmp_path, "img/Dockerfile", "FROM x\nEXPOSE hunter2\nEXPOSE 80/htp\nEXPOSE 70000\n")
    assert [(f.rule, f.location.line, f.message) for f in run(tmp_path).findings] == [
        ("PL002", 2, "EXPOSE: the value is not a number"),
        ("PL002", 3, "EXPOSE 80/htp: unknown protocol 'htp' (tcp, udp or sctp)"),
        ("PL002", 4, "EXPOSE 70000: port 70000 is outside 1-65535"),
    ]


@pytest.mark.parametrize("fmt", ["text", "json", "sarif", "github", "gitlab"])
def test_env_values_stay_out_of_every_cli_format_with_debug(tmp_path, capsys, fmt):
    from portlint.cli import main

    write(tmp_path, "app/.env", ENV)
    write(
        tmp_path,
        "app/compose.yaml",
        "services:\n  w:\n    ports: ['${PW1}:80', '${PW4}:81', '${PW2}']\n"
        "    expose: ['${PW3}']\n",
    )
    assert main(["check", "--debug", "--format", fmt, str(tmp_path)]) == 1
    out, err = capsys.readouterr()
    secrets = ["qzx", "vwk", "jqf", "kzy", "zpq", "wqk", "qqa", "bbz", "ccw"]
    assert [s for s in secrets if s in out + err] == []
    assert "${PW1}" in out


LONG = "9" * 5000
EVERY_FORMAT = {
    "haproxy/haproxy.cfg": f"frontend a\n    bind :80\n    bind :{LONG}\n",
    "systemd/app.socket": f"[Socket]\nListenStream=80\nListenStream={LONG}\n",
    "redis/redis.conf": f"port 6379\ntls-port {LONG}\n",
    "ssh/sshd_config": f"Port 22\nPort {LONG}\n",
    "spring/application.properties": f"server.port=8080\nmanagement.server.port={LONG}\n",
    "envoy/envoy.yaml": (
        "static_resources:\n  listeners:\n"
        "  - name: a\n    address: {socket_address: {address: 0.0.0.0, port_value: 80}}\n"
        f"  - name: b\n    address: {{socket_address: {{address: 0.0.0.0, port_value: {LONG}}}}}\n"
    ),
    "traefik/traefik.toml": (
        f'[entryPoints.a]\naddress = ":80"\n[entryPoints.b]\naddress = ":{LONG}"\n'
    ),
    "caddy/Caddyfile": f"a.example:8443 {{\n}}\nb.example:{LONG} {{\n}}\n",
    "apache2/apache2.conf": f"Listen 80\nListen {LONG}\n",
    "img/Dockerfile": f"FROM x\nEXPOSE 80 {LONG}\n",
}


@pytest.mark.parametrize("relative", sorted(EVERY_FORMAT))
def test_a_five_thousand_digit_port_in_every_format_keeps_the_file(tmp_path, relative):
    write(tmp_path, relative, EVERY_FORMAT[relative])
    report = run(tmp_path)
    assert [f.rule for f in report.findings if f.rule in ("PL001", "PL002")] == ["PL002"]
    assert "digits" in next(f.message for f in report.findings if f.rule == "PL002")
    assert report.bindings >= 1

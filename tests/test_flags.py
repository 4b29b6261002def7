"""Listen ports read from command lines (portlint.flags): the per-program grammar, the
generic reading, shell strings and the exact place of each value."""

from __future__ import annotations

from ipaddress import ip_address
from pathlib import Path

import pytest

from portlint.flags import read, read_shell
from portlint.flags.grammar import PROGRAMS, by_image
from portlint.flags.words import Word, verbatim
from portlint.sockets import Protocol
from portlint.source import Location, SourceFile


def _shell(text: str, image: str | None = None):
    source = SourceFile(Path("t"), "t", text)
    return read_shell(verbatim(text, source, 0, Location.point("t", 1)), image)


def _argv(*args: str, image: str | None = None):
    text = " ".join(args)
    source = SourceFile(Path("t"), "t", text)
    words: list[Word] = []
    at = 0
    for arg in args:
        words.append(verbatim(arg, source, at, Location.point("t", 1)))
        at += len(arg) + 1
    return read(words, image)


def _ports(reading) -> list[tuple[int, str | None, str]]:
    return [(p.port, None if p.address is None else str(p.address), p.flag) for p in reading.ports]


@pytest.mark.parametrize(
    ("value", "address"),
    [
        (":9091", [None]),
        ("0.0.0.0:9091", ["0.0.0.0"]),
        ("[::]:9091", ["::"]),
        ("localhost:9091", ["127.0.0.1", "::1"]),
    ],
)
def test_address_forms(value: str, address: list[str | None]) -> None:
    reading = _argv("prometheus", f"--web.listen-address={value}")
    assert _ports(reading) == [(9091, a, "--web.listen-address") for a in address]
    assert reading.served() == {(9091, Protocol.TCP)}


def test_flag_then_value_and_go_single_dash() -> None:
    assert _ports(_argv("/bin/node_exporter", "-web.listen-address", "127.0.0.1:9101")) == [
        (9101, "127.0.0.1", "-web.listen-address")
    ]


def test_value_is_placed_on_its_characters() -> None:
    reading = _argv("redis-server", "--port", "6380")
    (port,) = reading.ports
    assert (port.location.column, port.location.end_column) == (21, 25)
    reading = _argv("prometheus", "--web.listen-address=0.0.0.0:9091")
    (port,) = reading.ports
    assert (port.location.column, port.location.end_column) == (41, 45)


def test_program_default_is_served_unless_a_flag_moves_it() -> None:
    assert _argv("prometheus", "--config.file=/p.yml").served() == {(9090, Protocol.TCP)}
    assert _argv("myapp", "--listen=localhost:12345").served() is None  # generic: unknown
    assert _argv("/tiller", "--listen=localhost:12345").served() == {
        (12345, Protocol.TCP),
        (44135, Protocol.TCP),
    }


def test_bare_arguments_use_the_image_program() -> None:
    reading = _argv("--port", "18080", "--grpc", "17070", image="docker.io/istio/app:1.2")
    assert _ports(reading) == [(18080, None, "--port"), (17070, None, "--grpc")]
    reading = _argv("server", "/data", "--console-address", ":9001", image="minio/minio")
    assert _ports(reading) == [(9001, None, "--console-address")]
    assert reading.served() == {(9001, Protocol.TCP), (9000, Protocol.TCP)}


def test_shell_form_through_wrappers() -> None:
    reading = _shell('/bin/sh -c "exec gunicorn -b 0.0.0.0:8000 app:app" && echo done')
    assert _ports(reading) == [(8000, "0.0.0.0", "-b")]
    (port,) = reading.ports
    assert (port.location.column, port.location.end_column) == (38, 42)
    assert _ports(_shell("tini -- gosu redis redis-server --port 6380")) == [(6380, None, "--port")]
    assert _ports(_shell("python -m uvicorn main:app --port 8001")) == [
        (8001, "127.0.0.1", "--port")
    ]


def test_host_flag_applies_to_port_flags() -> None:
    reading = _argv("kube-apiserver", "--bind-address=0.0.0.0", "--secure-port=6443")
    assert _ports(reading) == [(6443, "0.0.0.0", "--secure-port")]


def test_port_zero_turns_a_port_off() -> None:
    reading = _argv("kube-apiserver", "--secure-port=0", "--insecure-port=0")
    assert reading.ports == [] and reading.problems == []
    assert reading.served() == set()


def test_invalid_value_is_a_problem_at_the_value_never_echoing_secrets() -> None:
    reading = _argv("redis-server", "--port", "hunter2pw")
    (problem,) = reading.problems
    assert "hunter2pw" not in problem.message
    assert problem.message == "flag --port: its value is not a number"
    assert (problem.location.column, problem.location.end_column) == (21, 30)
    (problem,) = _argv("prometheus", "--web.listen-address=:99999").problems
    assert problem.message == "flag --web.listen-address: port 99999 is outside 1-65535"


def test_generic_reading_is_conservative() -> None:
    reading = _argv(
        "/manager",
        "--metrics-bind-address=127.0.0.1:8080",
        "--health-probe-bind-address",
        ":8081",
        "--db-port=5432",
        "--upstream=http://x:80",
        "--advertise-address=10.0.0.1:6443",
    )
    assert _ports(reading) == [
        (8080, "127.0.0.1", "--metrics-bind-address"),
        (8081, None, "--health-probe-bind-address"),
    ]
    assert _argv("app", "--port=abc").problems == []  # not known to be a port
    assert [p.message for p in _argv("app", "--port=70000").problems] == [
        "flag --port: port 70000 is outside 1-65535"
    ]


def test_urls_and_variables() -> None:
    reading = _argv("etcd", "--listen-client-urls=http://0.0.0.0:2379,http://127.0.0.1:4001")
    assert _ports(reading) == [
        (2379, "0.0.0.0", "--listen-client-urls"),
        (4001, "127.0.0.1", "--listen-client-urls"),
    ]
    assert _argv("prometheus", "--web.listen-address=:$(PORT)").ports == []
    assert _argv("app", "--listen=/run/app.sock").ports == []


def test_postgres_setting_flag() -> None:
    reading = _argv("postgres", "-c", "port=5433", "-c", "max_connections=10")
    assert _ports(reading) == [(5433, None, "-c")]


def test_image_matching() -> None:
    assert by_image("registry.k8s.io/ingress-nginx/controller:v1.9@sha256:abc").name == (
        "ingress-nginx"
    )
    assert by_image("example.com/team/controller:1") is None
    assert by_image("quay.io/prometheus/prometheus:v2.50.0").name == "prometheus"


def test_every_program_has_flags_and_valid_defaults() -> None:
    names = [p.name for p in PROGRAMS]
    assert len(names) == len(set(names))
    for program in PROGRAMS:
        assert program.flags, program.name
        for flag in program.flags:
            assert flag.kind in ("port", "address", "urls", "host"), flag
    assert ip_address("::")  # the generic host forms parse


def test_programs_with_ports_elsewhere_are_never_judged() -> None:
    """cert-manager is one name for several binaries, consul reads config files: their
    flags are read but PL405 never decides from them."""
    reading = _argv("cert-manager", "--secure-port=10250")
    assert _ports(reading) == [(10250, None, "--secure-port")]
    assert reading.served() is None

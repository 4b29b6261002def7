"""The Compose parser: every ports form becomes the right bindings at the right place."""

from __future__ import annotations

import ipaddress

import pytest

from helpers import FIXTURES, run
from portlint.model import Protocol, Role
from portlint.parsers.compose.ports import PortSyntaxError, parse_port_spec

EVERY_FORM = FIXTURES / "PL002" / "pass-every-form"


def _published() -> dict[int, object]:
    report = run(EVERY_FORM)
    return {b.location.line: b for b in report.model.bindings if b.role == Role.PUBLISH}


@pytest.mark.parametrize(
    ("text", "address", "host", "container", "protocol"),
    [
        ("3000", None, None, (3000, 3000), "tcp"),
        ("3000-3005", None, None, (3000, 3005), "tcp"),
        ("8000:8000", None, (8000, 8000), (8000, 8000), "tcp"),
        ("9090-9091:8080-8081", None, (9090, 9091), (8080, 8081), "tcp"),
        ("127.0.0.1:8001:8001", "127.0.0.1", (8001, 8001), (8001, 8001), "tcp"),
        ("127.0.0.1:5000-5010:5000-5010", "127.0.0.1", (5000, 5010), (5000, 5010), "tcp"),
        ("127.0.0.1::5000", "127.0.0.1", None, (5000, 5000), "tcp"),
        ("[::1]:6001:6001", "::1", (6001, 6001), (6001, 6001), "tcp"),
        ("::1:6000:6000", "::1", (6000, 6000), (6000, 6000), "tcp"),
        ("6060:6060/udp", None, (6060, 6060), (6060, 6060), "udp"),
        ("5000:5000/sctp", None, (5000, 5000), (5000, 5000), "sctp"),
    ],
)
def test_short_syntax_forms(text, address, host, container, protocol):
    spec = parse_port_spec(text)
    assert (spec.address, spec.protocol) == (
        ipaddress.ip_address(address) if address else None,
        Protocol(protocol),
    )
    assert ((spec.host.start, spec.host.end) if spec.host else None) == host
    assert (spec.container.start, spec.container.end) == container


@pytest.mark.parametrize(
    ("text", "offset", "length"),
    [
        ("8080:70000", 5, 5),
        ("abc:80", 0, 3),
        ("80/http", 3, 4),
        ("1.2.3.999:80:80", 0, 9),
        ("", 0, 0),
        ("8000-8001:80-82", 0, 15),
    ],
)
def test_short_syntax_errors_locate_the_bad_part(text, offset, length):
    with pytest.raises(PortSyntaxError) as error:
        parse_port_spec(text)
    assert (error.value.offset, error.value.length) == (offset, length)


def test_published_ports_point_at_the_host_part_of_each_form():
    published = _published()
    # line: (port, end_port, address, protocol, column)
    expected = {
        7: (8000, 8000, None, "tcp", 10),
        8: (9090, 9091, None, "tcp", 10),
        9: (8001, 8001, "127.0.0.1", "tcp", 20),
        10: (5000, 5010, "127.0.0.1", "tcp", 20),
        12: (6001, 6001, "::1", "tcp", 16),
        13: (6000, 6000, "::1", "tcp", 14),
        14: (6060, 6060, None, "udp", 10),
        16: (4001, 4001, None, "tcp", 9),
        18: (8081, 8081, "127.0.0.1", "tcp", 20),
        25: (8082, 8083, None, "tcp", 20),
    }
    actual = {
        line: (
            b.port,
            b.end_port,
            str(b.address) if b.address else None,
            b.protocol.value,
            b.location.column,
        )
        for line, b in published.items()
    }
    assert actual == expected


def test_container_ports_and_expose_live_in_the_service_namespace():
    report = run(EVERY_FORM)
    roles = {
        (b.role, b.port, b.location.line)
        for b in report.model.bindings
        if b.role in (Role.CONTAINER, Role.EXPOSE)
    }
    assert (Role.CONTAINER, 3000, 5) in roles
    assert (Role.CONTAINER, 5000, 11) in roles  # "127.0.0.1::5000": no host port
    assert (Role.EXPOSE, 7000, 27) in roles
    assert (Role.EXPOSE, 7003, 29) in roles
    namespaces = {b.namespace for b in report.model.bindings if b.role == Role.CONTAINER}
    (namespace,) = namespaces
    assert namespace.kind == "container" and namespace.key.endswith("/all-forms")


def test_explicit_ipv6_wildcard_is_v6_only_like_docker(tmp_path):
    (tmp_path / "compose.yaml").write_text(
        'services:\n  a:\n    ports: ["0.0.0.0:8200:8200", "[::]:8201:8201", "8202:8202"]\n'
    )
    bindings = {b.port: b for b in run(tmp_path).model.bindings if b.role == Role.PUBLISH}
    assert bindings[8200].address == ipaddress.ip_address("0.0.0.0")
    assert bindings[8201].v6only is True
    assert bindings[8202].address is None  # Docker's default: every address, both families


def test_network_mode_host_turns_container_ports_into_host_listeners(tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "services:\n  mon:\n    network_mode: host\n    ports: ['9100:9100']\n"
    )
    (binding,) = run(tmp_path).model.bindings
    assert (binding.role, binding.namespace.key, binding.port) == (
        Role.LISTEN,
        "host:default",
        9100,
    )


def test_network_mode_service_joins_the_other_namespace(tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "services:\n  app:\n    expose: [80]\n  side:\n    network_mode: 'service:app'\n"
        "    expose: [81]\n"
    )
    namespaces = {b.port: b.namespace for b in run(tmp_path).model.bindings}
    assert namespaces[80] == namespaces[81]


def test_merge_keys_are_followed(tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "x-web: &web\n  image: example/web\n  ports: ['8080:80']\n"
        "services:\n  a:\n    <<: *web\n  b:\n    <<: *web\n"
    )
    report = run(tmp_path)
    published = [b for b in report.model.bindings if b.role == Role.PUBLISH]
    assert {b.owner.rsplit("/", 1)[1] for b in published} == {"a", "b"}
    assert {(f.rule, f.location.line) for f in report.findings if f.rule == "PL101"} == {
        ("PL101", 3)
    }


def test_yaml_that_is_not_compose_is_not_claimed(tmp_path):
    (tmp_path / "config.yaml").write_text("services:\n  auth:\n    url: http://x:8080\n")
    report = run(tmp_path)
    assert report.model.bindings == [] and report.findings == []


def test_other_compose_names_are_claimed(tmp_path):
    (tmp_path / "docker-compose.prod.yml").write_text("services:\n  a:\n    ports: ['80']\n")
    (tmp_path / "stack.yaml").write_text("services:\n  b:\n    image: x\n    ports: ['81']\n")
    ports = sorted(b.port for b in run(tmp_path).model.bindings)
    assert ports == [80, 81]


def test_shell_environment_is_ignored_unless_asked(tmp_path, monkeypatch):
    monkeypatch.setenv("SHELL_PORT", "8080")
    (tmp_path / "compose.yaml").write_text("services:\n  a:\n    ports: ['${SHELL_PORT}:80']\n")
    assert [f.rule for f in run(tmp_path).findings] == ["PL003"]
    report = run(tmp_path, config={"env-from-shell": True})
    assert [b.port for b in report.model.bindings if b.role == Role.PUBLISH] == [8080]


def test_three_thousand_services_on_one_port_name_a_bounded_number_of_others(tmp_path):
    services = "".join(f"  s{i}:\n    ports: ['8080:80']\n" for i in range(3000))
    (tmp_path / "compose.yaml").write_text("services:\n" + services)
    findings = [f for f in run(tmp_path).findings if f.rule == "PL101"]
    assert len(findings) == 3000
    assert max(len(f.related) for f in findings) == 3
    assert "and 2998 others" in findings[0].message

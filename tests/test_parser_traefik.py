"""Traefik static config (YAML, TOML) and the --entrypoints flags Compose commands carry."""

from __future__ import annotations

from portlint.model import Protocol
from portlint.parsers.traefik import EntryPointAddress, entrypoint_from_flag


def test_flag_with_port_only():
    arg = "--entrypoints.web.address=:80"
    found = entrypoint_from_flag(arg)
    assert found == EntryPointAddress("web", None, 80, Protocol.TCP, 27, 2)
    assert arg[found.port_offset : found.port_offset + found.port_length] == "80"


def test_flag_with_host_and_udp_in_camel_case():
    arg = "--entryPoints.dns.address=10.0.0.1:53/udp"
    found = entrypoint_from_flag(arg)
    assert found is not None
    assert (found.name, found.address, found.port, found.protocol) == (
        "dns",
        "10.0.0.1",
        53,
        Protocol.UDP,
    )
    assert arg[found.port_offset : found.port_offset + found.port_length] == "53"


def test_flag_with_ipv6_host():
    arg = "--entrypoints.websecure.address=[::1]:8443"
    found = entrypoint_from_flag(arg)
    assert found is not None and found.address == "[::1]" and found.port == 8443
    assert arg[found.port_offset : found.port_offset + 4] == "8443"


def test_out_of_range_port_is_returned_for_the_caller_to_report():
    found = entrypoint_from_flag("--entrypoints.web.address=:70000")
    assert found is not None and found.port == 70000


def test_other_flags_and_variables_are_not_entrypoints():
    assert entrypoint_from_flag("--providers.docker") is None
    assert (
        entrypoint_from_flag("--entrypoints.web.http.redirections.entrypoint.to=websecure") is None
    )
    assert entrypoint_from_flag("--entrypoints.web.address=:${PORT}") is None
    assert entrypoint_from_flag("--entrypoints.web.address=:80/quic") is None


def test_yaml_and_toml_entry_points():
    from service_helpers import bindings

    assert bindings("traefik") == [
        ("traefik.toml", 3, 17, "80/tcp", "traefik"),
        ("traefik.toml", 6, 26, "127.0.0.1:8082/tcp", "traefik"),
        ("traefik.yml", 3, 16, "80/tcp", "traefik"),
        ("traefik.yml", 5, 16, "53/udp", "traefik"),
        ("traefik.yml", 7, 23, "10.0.0.1:8080/tcp", "traefik"),
    ]


def test_template_is_pl003_and_a_name_is_pl002():
    from service_helpers import diagnostics

    assert diagnostics("traefik") == [
        ("PL003", "traefik.toml", 9, 14),
        ("PL002", "traefik.yml", 9, 15),
    ]


def test_a_toml_go_template_is_pl007_at_its_action_and_a_broken_toml_is_pl001(tmp_path):
    """A static config that only a template engine can make TOML (Traefik's own test
    fixtures) is not a syntax error: one PL007 at the action that breaks it."""
    from helpers import run

    (tmp_path / "templated").mkdir()
    (tmp_path / "templated" / "traefik.toml").write_text(
        '[entryPoints]\n  [entryPoints.web]\n    address = "{{ .PortHTTP }}"\n\n'
        "{{range $name, $r := .Acme }}\n[certificatesResolvers.{{ $name }}.acme]\n{{end}}\n"
    )
    (tmp_path / "broken").mkdir()
    (tmp_path / "broken" / "traefik.toml").write_text('[entryPoints]\n  web = "\n')
    rows = [
        (f.rule, f.location.path.split(str(tmp_path) + "/")[-1], f.location.line)
        for f in run(tmp_path).findings
    ]
    assert rows == [("PL001", "broken/traefik.toml", 2), ("PL007", "templated/traefik.toml", 5)]
    (note,) = [f for f in run(tmp_path).findings if f.rule == "PL007"]
    assert (note.location.column, note.location.end_column) == (1, 30)

"""Spring Boot server.port / management.server.port in properties and YAML."""

from __future__ import annotations

from service_helpers import binding_list, bindings, diagnostics


def test_properties_and_yaml_profiles():
    assert bindings("spring") == [
        ("application-local.properties", 1, 15, "8080/tcp", "spring"),
        ("application.properties", 2, 20, "8085/tcp", "spring"),
        ("application.properties", 3, 24, "127.0.0.1:9091/tcp", "spring"),
        ("application-dev.yml", 2, 9, "8086/tcp", "spring"),
    ]


def test_one_application_is_one_owner():
    assert {b.owner for b in binding_list("spring")} == {
        "spring:" + b for b in {binding_list("spring")[0].owner.removeprefix("spring:")}
    }


def test_out_of_range_is_pl002():
    assert diagnostics("spring") == [("PL002", "application-dev.yml", 9, 10)]

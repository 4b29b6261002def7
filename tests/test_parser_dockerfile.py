"""Dockerfile EXPOSE: ports, ranges, protocols, ARG/ENV variables, continuation lines."""

from __future__ import annotations

from portlint.model import Role
from service_helpers import binding_list, bindings, diagnostics


def test_expose_forms_and_variables():
    assert bindings("dockerfile/multi") == [
        ("Dockerfile", 3, 8, "3000/tcp", "dockerfile"),
        ("Dockerfile", 9, 8, "80/tcp", "dockerfile"),
        ("Dockerfile", 9, 11, "443/tcp", "dockerfile"),
        ("Dockerfile", 9, 19, "53/udp", "dockerfile"),
        ("Dockerfile", 10, 8, "8000-8010/tcp", "dockerfile"),
        ("Dockerfile", 10, 18, "8080/tcp", "dockerfile"),
        ("Dockerfile", 10, 28, "9000/tcp", "dockerfile"),
        ("Dockerfile", 11, 19, "7070/tcp", "dockerfile"),
    ]


def test_expose_is_documentation_in_its_own_namespace():
    for binding in binding_list("dockerfile/multi"):
        assert binding.role is Role.EXPOSE
        assert binding.namespace.key.startswith("dockerfile:")


def test_unresolved_variable_is_pl003():
    assert diagnostics("dockerfile/multi") == [("PL003", "Dockerfile", 11, 8)]


def test_invalid_ports_are_pl002_each_at_its_token():
    assert diagnostics("dockerfile/bad") == [
        ("PL002", "Dockerfile", 2, 8),
        ("PL002", "Dockerfile", 2, 10),
        ("PL002", "Dockerfile", 2, 16),
        ("PL002", "Dockerfile", 2, 24),
    ]

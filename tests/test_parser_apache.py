"""Apache Listen lines, followed through Include inside the roots; VirtualHost binds nothing."""

from __future__ import annotations

from service_helpers import binding_list, bindings, diagnostics


def test_listen_forms_through_includes():
    assert bindings("apache") == [
        ("ports.conf", 1, 8, "80/tcp", "apache"),
        ("ports.conf", 2, 18, "192.0.2.1:8080/tcp", "apache"),
        ("ports.conf", 3, 39, "[2001:db8::a00:20ff:fea7:ccea]:80/tcp", "apache"),
        ("ports.conf", 5, 9, "443/tcp", "apache"),
    ]


def test_included_file_is_not_reported_twice():
    assert len(binding_list("apache")) == 4


def test_invalid_port_is_pl002():
    assert diagnostics("apache") == [("PL002", "ports.conf", 8, 8)]

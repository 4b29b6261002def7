"""Caddyfile site addresses, bind and global ports."""

from __future__ import annotations

from service_helpers import bindings, diagnostics


def test_site_addresses():
    assert bindings("caddy") == [
        ("Caddyfile", 5, 1, "443/tcp", "caddy"),
        ("Caddyfile", 5, 1, "8080/tcp", "caddy"),  # redirects on the global http_port
        ("Caddyfile", 9, 2, "127.0.0.1:9000/tcp", "caddy"),
        ("Caddyfile", 14, 1, "8080/tcp", "caddy"),
        ("Caddyfile", 14, 30, "2015/tcp", "caddy"),
    ]


def test_env_placeholder_is_pl003():
    assert diagnostics("caddy") == [("PL003", "Caddyfile", 18, 1)]

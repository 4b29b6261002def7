"""redis, postgresql, mysql and sshd: port keys, address keys, daemon defaults."""

from __future__ import annotations

from service_helpers import binding_list, bindings


def test_redis_bind_port_and_tls_port():
    assert bindings("keyvalue/redis/redis.conf") == [
        ("redis.conf", 3, 6, "127.0.0.1:6379/tcp", "redis"),
        ("redis.conf", 4, 10, "127.0.0.1:6380/tcp", "redis"),
        ("redis.conf", 3, 6, "[::1]:6379/tcp", "redis"),
        ("redis.conf", 4, 10, "[::1]:6380/tcp", "redis"),
    ]


def test_redis_port_zero_disables_tcp():
    assert bindings("keyvalue/redis/redis-notcp.conf") == []


def test_sentinel_without_port_uses_its_default_and_says_so():
    (sentinel,) = binding_list("keyvalue/redis/sentinel.conf")
    assert (sentinel.port, sentinel.location.line, sentinel.location.column) == (26379, 1, 1)
    assert sentinel.default is True and sentinel.identity == "redis-sentinel"


def test_redis_and_sentinel_are_different_owners():
    owners = {b.owner for b in binding_list("keyvalue/redis")}
    assert len(owners) == 2


def test_postgresql_commented_port_and_listen_addresses_default_to_localhost():
    found = binding_list("keyvalue/postgresql")
    assert [(b.location.line, b.location.column, b.socket_text()) for b in found] == [
        (3, 9, "127.0.0.1:5432/tcp"),
        (3, 9, "[::1]:5432/tcp"),
    ]
    assert all(b.default for b in found)


def test_mysql_reads_server_groups_only():
    assert bindings("keyvalue/mysql") == [
        ("server.cnf", 6, 8, "127.0.0.1:3310/tcp", "mysql"),
        ("server.cnf", 6, 8, "[::1]:3310/tcp", "mysql"),
    ]


def test_sshd_listen_address_with_and_without_port():
    assert bindings("keyvalue/sshd") == [
        ("sshd_config", 3, 7, "192.0.2.10:22/tcp", "sshd"),
        ("sshd_config", 6, 29, "[2001:db8::1]:2222/tcp", "sshd"),
    ]

"""Issue 4's host tree: collisions across nginx, systemd, HAProxy, redis and Compose."""

from __future__ import annotations

from pathlib import Path

from helpers import FIXTURES, run

#: The tree is one machine's configs. By default the Compose project in app/ would be a
#: host of its own (hosts follow the tree), so the config says they share one.
ONE_HOST = {"hosts": [{"name": "box", "paths": ["**"]}]}


def _collisions():
    report = run("host-tree", config=ONE_HOST, config_path=FIXTURES / "host-tree" / "x.yaml")
    return [f for f in report.findings if f.rule == "PL101"]


def test_exactly_the_three_cross_format_collisions_each_side_reported():
    found = sorted(
        (
            Path(f.location.path).name,
            f.location.line,
            f.location.column,
            Path(f.related[0].location.path).name,
            f.related[0].location.line,
        )
        for f in _collisions()
    )
    assert found == [
        ("compose.yaml", 5, 20, "redis.conf", 3),
        ("haproxy.cfg", 9, 11, "sites.conf", 12),
        ("metrics.socket", 5, 14, "nginx.conf", 5),
        ("nginx.conf", 5, 16, "metrics.socket", 5),
        ("redis.conf", 3, 6, "compose.yaml", 5),
        ("sites.conf", 12, 22, "haproxy.cfg", 9),
    ]


def test_collision_messages_name_the_assumed_host():
    assert all("on host 'box' (`hosts:` group 'box' in " in f.message for f in _collisions())


def test_virtual_hosts_sharing_listen_80_do_not_collide():
    assert not [f for f in _collisions() if f.location.line in (2, 7)]

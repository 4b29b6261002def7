"""PL501 and PL502 name the host they assumed and why, in PL101's words
(`Namespace.describe` with the model's host reasons)."""

from __future__ import annotations

from helpers import run
from portlint.source import display_path

SHOP = "services:\n  cache:\n    image: redis:7\n    ports: ['6379:6379']\n"


def _messages(root, rule: str, config: dict | None = None) -> list[str]:
    config = {"extend-select": ["PL502"], **(config or {})}
    return [f.message for f in run(root, config=config).findings if f.rule == rule]


def test_pl501_and_pl502_name_the_compose_project_host(tmp_path):
    shop = tmp_path / "deploy" / "shop"
    shop.mkdir(parents=True)
    (shop / "compose.yaml").write_text(SHOP)
    where = f"on the host of compose project {display_path(shop)}/"
    assert _messages(tmp_path, "PL501") == [
        f"Redis port of service 'cache' {where} is published on all interfaces as 6379/tcp: "
        "anyone who can reach the host can connect (Docker bypasses host firewalls); bind it "
        'to loopback ("127.0.0.1:6379:6379") or drop the mapping and reach it over the '
        "Compose network"
    ]
    assert _messages(tmp_path, "PL502") == [
        f"host port 6379/tcp of service 'cache' {where} is published on all interfaces; name "
        'the interface it is meant for ("127.0.0.1:6379:..." for local use)'
    ]


def test_pl501_names_a_hosts_group_and_where_it_is_configured(tmp_path):
    (tmp_path / "shop").mkdir()
    (tmp_path / "shop" / "compose.yaml").write_text(SHOP)
    config = {"hosts": [{"name": "edge", "paths": ["**"]}]}
    report = run(tmp_path, config=config, config_path=tmp_path / ".portlint.yaml")
    (message,) = [f.message for f in report.findings if f.rule == "PL501"]
    assert message.startswith(
        "Redis port of service 'cache' on host 'edge' (`hosts:` group 'edge' in "
        f"{display_path(tmp_path / '.portlint.yaml')}) is published on all interfaces"
    )

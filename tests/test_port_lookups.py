"""`port NAME`, `port N PATHS`, port ranges, and the `ports` filters through the CLI."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from portlint.cli import main

PUBLISH = 'services:\n  {name}:\n    image: example/{name}:1\n    ports:\n      - "{port}:80"\n'


@pytest.fixture
def tree(tmp_path, monkeypatch):
    (tmp_path / ".git").mkdir()
    # Compose projects are hosts of their own by default; these share one machine.
    (tmp_path / ".portlint.yaml").write_text(
        'hosts:\n  - name: default\n    paths: ["deploy/**"]\n'
    )
    for name, port in (("shop", 18080), ("edge", 18080), ("api", 19000)):
        path = tmp_path / "deploy" / name / "compose.yaml"
        path.parent.mkdir(parents=True)
        path.write_text(PUBLISH.format(name=name, port=port))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _json(capsys) -> dict:
    return json.loads(capsys.readouterr().out)


def test_port_by_service_name(capsys):
    assert main(["port", "postgresql", "--format", "json"]) == 0
    ports = [(e["port"], e["protocol"]) for e in _json(capsys)["ports"]]
    assert (5432, "tcp") in ports
    assert main(["port", "no-such-service-anywhere"]) == 2
    assert "is not a port, a range (8000-8100) or a service name" in capsys.readouterr().err


def test_port_range_lists_registrations_inside_it(capsys):
    assert main(["port", "5432-5433", "--format", "json"]) == 0
    document = _json(capsys)
    assert (document["start"], document["end"]) == (5432, 5433)
    assert {e["port"] for e in document["ports"]} <= {5432, 5433}
    assert any(e["service"] == "postgresql" for e in document["ports"])
    assert main(["port", "90-80"]) == 2


def test_port_with_paths_lists_who_binds_it(tree, capsys):
    assert main(["port", "18080", "deploy", "--format", "json"]) == 0
    rows = _json(capsys)["bindings"]
    assert [(r["path"], r["port"], r["role"]) for r in rows] == [
        ("deploy/edge/compose.yaml", 18080, "publish"),
        ("deploy/shop/compose.yaml", 18080, "publish"),
    ]
    assert main(["port", "18000-19500", "deploy", "--format", "json"]) == 0
    assert {r["port"] for r in _json(capsys)["bindings"]} == {18080, 19000}
    assert main(["port", "1234", "deploy"]) == 1
    assert capsys.readouterr().out == "port 1234: nothing in deploy binds it\n"


def _rows(capsys, *args: str) -> list[tuple[str, int]]:
    assert main(["ports", "--format", "json", *args]) == 0
    return [(r["owner"], r["port"]) for r in _json(capsys)["bindings"]]


def test_ports_filters(tree, capsys):
    assert _rows(capsys, "--port", "19000", "deploy") == [("deploy/api/api", 19000)]
    assert _rows(capsys, "--collisions", "deploy") == [
        ("deploy/edge/edge", 18080),
        ("deploy/shop/shop", 18080),
    ]
    assert _rows(capsys, "--host", "default", "--port", "18000-18100", "deploy") == [
        ("deploy/edge/edge", 18080),
        ("deploy/shop/shop", 18080),
    ]
    assert _rows(capsys, "--host", "elsewhere", "deploy") == []


def test_ports_owners_are_relative_to_the_repository(tree, capsys, monkeypatch):
    outside = tree.parent / "elsewhere"
    outside.mkdir(exist_ok=True)
    monkeypatch.chdir(outside)
    owners = {owner for owner, _ in _rows(capsys, str(tree / "deploy"))}
    assert owners == {"deploy/api/api", "deploy/edge/edge", "deploy/shop/shop"}
    assert not any(Path(owner).is_absolute() for owner in owners)

"""`portlint server` end to end: a subprocess spoken to in LSP over stdio, as an editor
does (initialize, didOpen, publishDiagnostics, didChange, codeAction, hover, shutdown)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("pygls")

from lsp_client import LspClient  # noqa: E402

COMPOSE = """\
services:
  web:
    image: nginx
    ports:
      - 2222:22
      - "8080:80"
  api: {image: "ex/é🚀", ports: ["8080:8080"]}
  db:
    image: postgres:16
    ports: ["127.0.0.1:5432:5432", "9000:9000"]
"""
CLEAN = COMPOSE.replace("- 2222:22", '- "2222:22"').replace('["8080:8080"]', '["8090:8080"]')
CLEAN = CLEAN.replace('"9000:9000"', '"9010:9000"')
NGINX = "events {}\nhttp {\n  server {\n    listen 9000;\n  }\n}\n"


def _range(line: int, start: int, end: int) -> dict:
    return {"start": {"line": line, "character": start}, "end": {"line": line, "character": end}}


def _summary(diagnostics: list[dict]) -> list[tuple]:
    return sorted(
        (
            d["code"],
            d["range"]["start"]["line"],
            d["range"]["start"]["character"],
            d["range"]["end"]["character"],
            d["severity"],
        )
        for d in diagnostics
    )


@pytest.fixture
def session(tmp_path: Path):
    (tmp_path / "compose.yaml").write_text(COMPOSE, encoding="utf-8")
    (tmp_path / "nginx.conf").write_text(NGINX)
    client = LspClient(tmp_path)
    result = client.request(
        "initialize",
        {"processId": None, "rootUri": tmp_path.as_uri(), "capabilities": {}},
    )
    assert result["capabilities"]["hoverProvider"]
    assert result["serverInfo"]["name"] == "portlint"
    client.notify("initialized", {})
    yield client, tmp_path
    if client.process.poll() is None:
        client.process.kill()
        client.process.wait()


def _open(client: LspClient, uri: str, text: str, language: str = "yaml") -> None:
    client.notify(
        "textDocument/didOpen",
        {"textDocument": {"uri": uri, "languageId": language, "version": 1, "text": text}},
    )


def test_diagnostics_actions_hover_and_shutdown(session):
    client, root = session
    uri = (root / "compose.yaml").as_uri()
    nginx_uri = (root / "nginx.conf").as_uri()
    _open(client, uri, COMPOSE)
    diagnostics = client.diagnostics(uri)
    # 1 = Error. Line 7 holds é and 🚀 before the port: 33 characters, 34 UTF-16 units.
    assert _summary(diagnostics) == [
        ("PL004", 4, 8, 15, 1),
        ("PL101", 5, 9, 13, 1),
        ("PL101", 6, 34, 38, 1),
        ("PL101", 9, 36, 40, 1),
    ]
    collision = next(d for d in diagnostics if d["range"]["start"]["line"] == 9)
    assert collision["codeDescription"]["href"].endswith("docs/rules/PL101-port-collision.md")
    assert collision["source"] == "portlint"
    # The other side is in nginx.conf, which is not open.
    [related] = collision["relatedInformation"]
    assert related["location"] == {"uri": nginx_uri, "range": _range(3, 11, 15)}
    assert related["message"] == "nginx binds 0.0.0.0:9000/tcp here"
    # ...and nginx.conf gets its side of the collision.
    assert _summary(client.diagnostics(nginx_uri)) == [("PL101", 3, 11, 15, 1)]

    actions = client.request(
        "textDocument/codeAction",
        {
            "textDocument": {"uri": uri},
            "range": _range(4, 10, 10),
            "context": {"diagnostics": []},
        },
    )
    titles = [a["title"] for a in actions]
    assert titles == ['Quote the port mapping: "2222:22"', "Disable PL004 for this line"]
    assert actions[0]["edit"]["changes"][uri] == [
        {"range": _range(4, 8, 15), "newText": '"2222:22"'}
    ]
    assert actions[0]["isPreferred"] is True
    assert actions[1]["edit"]["changes"][uri] == [
        {"range": _range(4, 15, 15), "newText": "  # portlint: disable=PL004"}
    ]

    hover = client.request(
        "textDocument/hover",
        {"textDocument": {"uri": uri}, "position": {"line": 9, "character": 24}},
    )
    text = hover["contents"]["value"]
    assert text.startswith("**5432/tcp** — publish by `./db`")
    assert "IANA: postgresql" in text
    assert "Commonly deployed: PostgreSQL (sensitive)" in text
    assert "Also in this workspace" not in text  # its own container side is not "else"

    client.notify(
        "textDocument/didChange",
        {
            "textDocument": {"uri": uri, "version": 2},
            "contentChanges": [{"text": CLEAN}],
        },
    )
    assert client.diagnostics(uri) == []
    assert client.diagnostics(nginx_uri) == []
    assert client.close() == 0


def test_an_edit_re_parses_only_its_directory(tmp_path, monkeypatch):
    from portlint.lsp.workspace import Workspace

    # An nginx config below a Compose project is on that project's host.
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "compose.yaml").write_text('services:\n  x:\n    ports: ["8080:80"]\n')
    (tmp_path / "a" / "b" / "nginx.conf").write_text(
        "events {}\nhttp { server { listen 8080; } }\n"
    )
    monkeypatch.chdir(tmp_path)
    model = Workspace(tmp_path)
    first = model.check()
    assert [(f.rule, f.location.path) for f in first.findings] == [
        ("PL101", "a/b/nginx.conf"),
        ("PL101", "a/compose.yaml"),
    ]
    assert len(model.parsed_directories) == 2
    model.set_overlay(
        str(tmp_path / "a" / "compose.yaml"), 'services:\n  x:\n    ports: ["8081:80"]\n'
    )
    assert model.check().findings == []
    assert model.parsed_directories[2:] == [str(tmp_path / "a")]
    model.check()
    assert len(model.parsed_directories) == 3  # nothing changed: nothing parsed
    model.set_overlay(str(tmp_path / "a" / "compose.yaml"), None)  # closed: the disk counts
    assert [f.rule for f in model.check().findings] == ["PL101", "PL101"]


def test_configuration_is_reloaded(tmp_path, monkeypatch):
    from portlint.lsp.workspace import Workspace

    (tmp_path / "compose.yaml").write_text(
        'services:\n  x:\n    ports: ["8080:80"]\n  y:\n    ports: ["8080:81"]\n'
    )
    monkeypatch.chdir(tmp_path)
    model = Workspace(tmp_path)
    assert [f.rule for f in model.check().findings] == ["PL101", "PL101"]
    config = tmp_path / ".portlint.yaml"
    config.write_text("ignore: [PL101]\n")
    assert model.is_config(str(config))
    model.reload_config()
    assert model.check().findings == []
    config.write_text("selekt: [PL101]\n")
    model.reload_config()
    problem, *others = model.check().findings  # the defaults apply meanwhile
    assert [f.rule for f in others] == ["PL101", "PL101"]
    assert (problem.rule, problem.location.path) == ("PL001", ".portlint.yaml")
    assert "configuration not used" in problem.message


def test_configuration_change_republishes(session):
    client, root = session
    uri = (root / "compose.yaml").as_uri()
    _open(client, uri, COMPOSE)
    assert {d["code"] for d in client.diagnostics(uri)} == {"PL004", "PL101"}
    assert [d["code"] for d in client.diagnostics((root / "nginx.conf").as_uri())] == ["PL101"]
    config = root / ".portlint.yaml"
    config.write_text("ignore: [PL101]\n")
    client.notify(
        "workspace/didChangeWatchedFiles", {"changes": [{"uri": config.as_uri(), "type": 1}]}
    )
    assert {d["code"] for d in client.diagnostics(uri)} == {"PL004"}
    assert client.diagnostics((root / "nginx.conf").as_uri()) == []  # its PL101 went too
    assert client.close() == 0


def test_the_server_runs_with_the_cycle_collector_on(monkeypatch):
    """`portlint` pauses it for one-shot runs; a server that checks on every edit for
    hours would keep every cycle it ever made."""
    import argparse
    import gc

    from portlint.commands import server
    from portlint.lsp import server as lsp_server

    seen: list[bool] = []
    monkeypatch.setattr(lsp_server, "serve", lambda debug: seen.append(gc.isenabled()))
    gc.disable()
    try:
        assert server.run(argparse.Namespace(debug=False)) == 0
    finally:
        gc.enable()
    assert seen == [True]

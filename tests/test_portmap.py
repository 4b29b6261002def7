"""`portlint ports --format html`: the port map agrees with `ports --format json` binding
for binding, fetches nothing, and renders in a real headless browser (Debian's chromium;
skipped when it is not installed) with every binding and the collision marked."""

from __future__ import annotations

import html.parser
import json
import os
import re
import subprocess
from pathlib import Path

import pytest

from portlint.cli import main
from portlint.portmap import decode, encode

COMPOSE = """\
services:
  web:
    image: nginx
    ports:
      - "8080:80"
      - "22:22"
  api:
    image: example/api
    ports:
      - "8080:8080"
      - "9000-9010:9000-9010"
"""
SERVICE = """\
apiVersion: v1
kind: Service
metadata: {name: shop}
spec:
  type: NodePort
  selector: {app: shop}
  ports:
    - {name: http, port: 80, targetPort: 8080, nodePort: 30080}
"""
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture
def tree(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "deploy"
    root.mkdir()
    (root / "compose.yaml").write_text(COMPOSE)
    (root / "k8s").mkdir()
    (root / "k8s" / "service.yaml").write_text(SERVICE)
    monkeypatch.chdir(tmp_path)
    return root


def _json_rows(capsys) -> list[dict]:
    assert main(["ports", "deploy", "--format", "json"]) == 0
    return json.loads(capsys.readouterr().out)["bindings"]


def _page_data(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="portmap-data">(.*?)</script>', page)
    assert match is not None
    return json.loads(match.group(1))


def test_the_map_holds_the_json_rows_binding_for_binding(tree, capsys):
    rows = _json_rows(capsys)
    assert main(["ports", "deploy", "--format", "html", "--output", "map.html"]) == 0
    assert capsys.readouterr().out == ""
    page = Path("map.html").read_text(encoding="utf-8")
    data = _page_data(page)
    assert decode(data) == rows
    assert {r["namespace"] for r in rows} >= {"host:deploy", "k8s-nodeports:default"}
    # The collision: the two 8080 host bindings, by row index.
    [pair] = data["collisions"]
    assert [(rows[i]["owner"], rows[i]["port"], rows[i]["line"]) for i in pair] == [
        ("deploy/web", 8080, 5),
        ("deploy/api", 8080, 10),
    ]
    # Links are relative to the page: map.html sits beside deploy/.
    assert set(data["links"].values()) == {r["path"] for r in rows}


def test_the_map_is_self_contained(tree, capsys):
    assert main(["ports", "deploy", "--format", "html", "--output", "map.html"]) == 0
    page = Path("map.html").read_text(encoding="utf-8")
    assert "<script src" not in page and "<link" not in page and "@import" not in page
    assert not re.search(r"""(?:src|href)=["']?https?:""", page)
    assert "url(" not in page


def test_encoding_round_trips_and_interns_strings():
    rows = [
        {"path": "a", "line": 1, "column": 2, "format": "compose", "owner": "o", "identity": None,
         "namespace": "host:default", "role": "publish", "protocol": "tcp", "address": None,
         "port": 80, "end_port": 80, "service": "http", "known": ["nginx", "o"],
         "source": "flag --port"},
    ] * 3  # fmt: skip
    packed = encode(rows)
    assert decode(packed) == rows
    assert len(packed["strings"]) == len(set(packed["strings"])) == 9


class _Dom(html.parser.HTMLParser):
    """The elements the map's script made: bindings and collision marks."""

    def __init__(self) -> None:
        super().__init__()
        self.bindings: list[dict[str, str]] = []
        self.collisions: list[dict[str, str]] = []
        self._in_collision = False

    def handle_starttag(self, tag, attrs):
        attributes = {k: v or "" for k, v in attrs}
        classes = attributes.get("class", "").split()
        if tag == "a" and "binding" in classes:
            self.bindings.append(attributes)
        if tag == "span" and "collision" in classes:
            self.collisions.append(attributes)
            self._in_collision = True

    def handle_data(self, data):
        if self._in_collision:
            self.collisions[-1]["text"] = data
            self._in_collision = False


def _chromium(*args: str, profile: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={profile}", *args],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )


@pytest.mark.skipif(not os.path.exists(CHROMIUM), reason="chromium is not installed")
def test_the_map_renders_in_a_headless_browser(tree, tmp_path, capsys):
    rows = _json_rows(capsys)
    assert main(["ports", "deploy", "--format", "html", "--output", "map.html"]) == 0
    url = Path("map.html").resolve().as_uri()
    dom = _Dom()
    dom.feed(_chromium("--dump-dom", url, profile=tmp_path / "profile-dom").stdout)
    # Every binding is drawn, once, with its port, owner and place.
    drawn = sorted((int(b["data-port"]), b["data-owner"], b["data-where"]) for b in dom.bindings)
    assert drawn == sorted((r["port"], r["owner"], f"{r['path']}:{r['line']}") for r in rows)
    assert {b["href"] for b in dom.bindings} == {r["path"] for r in rows}
    clashing = [b for b in dom.bindings if "clash" in b["class"].split()]
    assert sorted(b["data-where"] for b in clashing) == [
        "deploy/compose.yaml:10",
        "deploy/compose.yaml:5",
    ]
    [mark] = dom.collisions
    assert mark["text"] == "\u26a0 8080/tcp: deploy/web \u00d7 deploy/api"

    # The filter (prefilled from the URL: #filter=...): a port and an owner.
    dom = _Dom()
    dom.feed(_chromium("--dump-dom", url + "#filter=8080%20api", profile=tmp_path / "f").stdout)
    assert sorted(b["data-where"] for b in dom.bindings) == [
        "deploy/compose.yaml:10",
        "deploy/compose.yaml:10",
    ]
    assert dom.collisions == []  # one side of it is filtered out

    artifacts = Path(
        os.environ.get("PORTLINT_ARTIFACTS") or Path(__file__).parents[1] / "build" / "artifacts"
    )
    artifacts.mkdir(parents=True, exist_ok=True)
    screenshot = artifacts / "portmap.png"
    screenshot.unlink(missing_ok=True)
    _chromium(
        f"--screenshot={screenshot}",
        "--window-size=1280,800",
        url,
        profile=tmp_path / "profile-shot",
    )
    assert screenshot.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    # A narrow window: the same page, each lane's label above its track.
    narrow = artifacts / "portmap-narrow.png"
    _chromium(f"--screenshot={narrow}", "--window-size=500,900", url, profile=tmp_path / "narrow")
    assert narrow.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"

"""Third-party parsers registered under the `portlint.parsers` entry-point group."""

from __future__ import annotations

from pathlib import Path

import pytest

import portlint.parsers as parsers
from helpers import run
from portlint.model import Binding, Namespace, ParseResult, Protocol, Role
from portlint.source import Location


class FakeParser:
    format = "fake"

    def matches(self, path: Path) -> bool:
        return path.name == "haproxy.cfg"

    def parse(self, source, ctx) -> ParseResult:
        location = Location.point(source.display, 1, 1, 1)
        return ParseResult(
            bindings=[
                Binding(
                    4242,
                    Protocol.TCP,
                    Namespace.host(),
                    Role.LISTEN,
                    "fake",
                    "fake",
                    location,
                )
            ]
        )


@pytest.fixture
def fake_registry(monkeypatch):
    monkeypatch.setattr(parsers, "_entry_point_parsers", lambda: [FakeParser()])
    monkeypatch.setattr(parsers, "_REGISTRY", None)
    yield
    parsers._REGISTRY = None


def test_entry_point_parser_is_registered_after_the_built_ins(fake_registry):
    registry = parsers.registry()
    assert isinstance(registry.text[-1], FakeParser)


def test_built_in_parsers_win_for_their_files(fake_registry):
    formats = {b.format for b in run("haproxy").model.bindings}
    assert formats == {"haproxy"}


PLUGIN = """
from pathlib import Path

from portlint.model import ParseResult


class Parser:
    format = "plugin"

    def matches(self, path: Path) -> bool:
        return path.name == "plugin.ports"

    def parse(self, source, ctx) -> ParseResult:
        return ParseResult()
"""


def test_an_installed_distribution_declaring_the_group_is_loaded(tmp_path, monkeypatch):
    # A real distribution on sys.path, found by importlib.metadata after the prefilter.
    (tmp_path / "portlint_plugin_demo.py").write_text(PLUGIN)
    info = tmp_path / "portlint_plugin_demo-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: portlint-plugin-demo\nVersion: 1.0\n"
    )
    (info / "entry_points.txt").write_text(
        "[portlint.parsers]\ndemo = portlint_plugin_demo:Parser\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.setattr(parsers, "_REGISTRY", None)
    try:
        assert parsers._may_declare_entry_points([str(tmp_path)])
        assert parsers.registry().text[-1].format == "plugin"
    finally:
        parsers._REGISTRY = None


def test_no_declaring_distribution_means_no_metadata_scan(tmp_path):
    info = tmp_path / "other-1.0.dist-info"
    info.mkdir()
    (info / "entry_points.txt").write_text("[console_scripts]\nother = other:main\n")
    assert not parsers._may_declare_entry_points([str(tmp_path), str(tmp_path / "missing")])
    (tmp_path / "bundle.zip").write_bytes(b"PK")
    assert parsers._may_declare_entry_points([str(tmp_path / "bundle.zip")])

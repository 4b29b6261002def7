"""Third-party parsers registered under the `portlint.parsers` entry-point group."""

from __future__ import annotations

from pathlib import Path

import pytest

import portlint.parsers as parsers
from helpers import run
from portlint.model import Binding, ParseResult, Protocol, Role
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
                    "host:default",
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

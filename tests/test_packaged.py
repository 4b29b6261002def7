"""Packaged files are read beside the modules, and through importlib.resources when the
package does not sit in a directory (imported from a zip)."""

from __future__ import annotations

import json

import pytest

from portlint import packaged


def test_schema_is_read_beside_the_module():
    schema = json.loads(packaged.packaged_text("config_schema.json"))
    assert schema["type"] == "object"
    assert packaged.packaged_text("registry", "iana.tsv").startswith("#")
    with pytest.raises(OSError):
        packaged.packaged_text("registry", "no-such-file.tsv")


def test_falls_back_to_importlib_resources(monkeypatch, tmp_path):
    beside = packaged.packaged_text("policy_schema.json")
    monkeypatch.setattr(packaged, "_HERE", str(tmp_path / "not-a-directory.zip"))
    assert packaged.packaged_text("policy_schema.json") == beside
    with pytest.raises(OSError):
        packaged.packaged_text("no-such-file.json")

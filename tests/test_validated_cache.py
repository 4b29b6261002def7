"""A configuration that passed its schema once is not validated (nor jsonschema imported)
again; one that failed is reported every time."""

from __future__ import annotations

import sys

import pytest

from portlint.config import ConfigError, schema, validate
from portlint.validated import cache_dir

GOOD = {"hosts": [{"name": "web", "paths": ["web/**"]}]}
BAD = {"hosts": [{"name": "web"}]}


def test_valid_data_is_remembered_and_skips_jsonschema(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path))
    validate(GOOD, schema(), "cfg")
    assert len(list((cache_dir() / "validated").iterdir())) == 1
    monkeypatch.setitem(sys.modules, "jsonschema", None)  # importing it now fails
    validate(GOOD, schema(), "cfg")
    with pytest.raises(ImportError):
        validate({"hosts": []}, schema(), "cfg")  # other data: validated again


def test_invalid_data_is_never_remembered(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path))
    for _ in range(2):
        with pytest.raises(ConfigError, match="hosts.0: 'paths' is a required property"):
            validate(BAD, schema(), "cfg")
    assert not (tmp_path / "validated").exists()


def test_an_unwritable_cache_only_means_validating_again(monkeypatch, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("")
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(blocker / "sub"))
    validate(GOOD, schema(), "cfg")
    with pytest.raises(ConfigError):
        validate(BAD, schema(), "cfg")

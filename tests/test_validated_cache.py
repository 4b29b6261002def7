"""A configuration that passed its schema once is not validated (nor jsonschema imported)
again; one that failed is reported every time."""

from __future__ import annotations

import os
import sys
from pathlib import Path

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


def _digest_marker(data) -> Path:
    from portlint.validated import _digest

    directory = cache_dir() / "validated"
    directory.mkdir(parents=True, exist_ok=True, mode=0o700)
    return directory / _digest(schema(), data)


def test_a_planted_marker_does_not_skip_validation(monkeypatch, tmp_path):
    """What the old cache trusted: a file named by the digest, of any contents."""
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path))
    _digest_marker(BAD).touch()
    with pytest.raises(ConfigError, match="hosts.0: 'paths' is a required property"):
        validate(BAD, schema(), "cfg")


def test_a_marker_that_is_a_symlink_or_not_ours_is_a_miss(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path))
    validate(GOOD, schema(), "cfg")  # a real marker, for its exact bytes
    real = next((cache_dir() / "validated").iterdir())
    planted = _digest_marker(BAD)
    twin = tmp_path / "twin"
    twin.write_bytes(real.read_bytes().replace(real.name.encode(), planted.name.encode()))
    twin.chmod(0o600)
    planted.symlink_to(twin)  # the right bytes, behind a symlink
    with pytest.raises(ConfigError):
        validate(BAD, schema(), "cfg")
    if os.geteuid() != 0:
        return  # only root can give a file to another user
    planted.unlink()
    twin.rename(planted)
    os.chown(planted, 12345, 12345)  # the right bytes, in another user's file
    with pytest.raises(ConfigError):
        validate(BAD, schema(), "cfg")
    os.chown(planted, os.getuid(), os.getgid())  # and the same file as ours is a hit
    validate(BAD, schema(), "cfg")


def test_a_cache_directory_others_can_write_is_not_trusted(monkeypatch, tmp_path):
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path))
    validate(GOOD, schema(), "cfg")
    (cache_dir() / "validated").chmod(0o777)
    monkeypatch.setitem(sys.modules, "jsonschema", None)
    with pytest.raises(ImportError):  # validated again, not skipped
        validate(GOOD, schema(), "cfg")

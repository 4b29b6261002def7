"""The same input gives byte-identical JSON and SARIF: across runs, across hash seeds
(set and dict order), and whatever order the paths are given in."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import CORPUS, FIXTURES


def _portlint(*args: str, seed: str, cwd: Path) -> bytes:
    env = {**os.environ, "PYTHONHASHSEED": seed, "NO_COLOR": "1"}
    done = subprocess.run(
        [sys.executable, "-m", "portlint", "check", *args],
        cwd=cwd,
        env=env,
        capture_output=True,
        check=False,
    )
    assert done.returncode in (0, 1), done.stderr.decode()
    return done.stdout


@pytest.mark.parametrize("fmt", ["json", "sarif"])
def test_corpus_output_is_byte_identical_across_hash_seeds(fmt):
    if not CORPUS.is_dir():
        pytest.skip("shared corpus not present")
    first = _portlint("--format", fmt, ".", seed="1", cwd=CORPUS)
    second = _portlint("--format", fmt, ".", seed="4242", cwd=CORPUS)
    assert first == second
    assert len(first) > 1000


def test_fixture_output_does_not_depend_on_path_order():
    names = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir())[:12]
    forward = _portlint("--format", "json", *names, seed="7", cwd=FIXTURES)
    backward = _portlint("--format", "json", *reversed(names), seed="8", cwd=FIXTURES)
    assert forward == backward

"""DisplayPaths (one display per directory) must give what display_path gives."""

from __future__ import annotations

import pytest

from portlint.source import DisplayPaths, display_path

CASES = [
    "deploy/compose.yaml",
    "compose.yaml",
    "./compose.yaml",
    "a//b/../c.yml",
    "../outside.yml",
    "../../a/b.yml",
    "/x.yml",
    "//x.yml",
    "..",
    ".",
    "deploy/..",
]


@pytest.fixture
def workdir(tmp_path, monkeypatch):
    inside = tmp_path / "work" / "repo"
    inside.mkdir(parents=True)
    monkeypatch.chdir(inside)
    return inside


@pytest.mark.parametrize("path", CASES)
def test_same_display_as_display_path(workdir, path):
    assert DisplayPaths()(path) == display_path(path)


def test_absolute_paths_inside_outside_and_beside_the_working_directory(workdir):
    displays = DisplayPaths()
    assert displays(workdir / "deploy" / "compose.yaml") == "deploy/compose.yaml"
    assert displays(workdir / "compose.yaml") == "compose.yaml"
    beside = workdir.parent / "repo2" / "compose.yaml"  # a prefix of the name, not a parent
    assert displays(beside) == beside.as_posix()
    assert displays(workdir.parent / "x.yml") == (workdir.parent / "x.yml").as_posix()


def test_a_directory_seen_twice_gives_each_file_its_own_name(workdir):
    displays = DisplayPaths()
    assert displays("deploy/a.yml") == "deploy/a.yml"
    assert displays("deploy/b.yml") == "deploy/b.yml"
    assert displays("deploy/../c.yml") == "c.yml"

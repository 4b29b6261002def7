"""One glob dialect (portlint.globs) for `exclude:` and `hosts:`/`clusters:`: every
pattern form is asserted through both mechanisms, end to end, on the same tree."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import run
from portlint.globs import glob_match, relative_posix

#: One Compose project per directory, each publishing its own port.
FILES = {
    "a.yaml": 8001,
    "deploy/a.yaml": 8002,
    "deploy/sub/b.yaml": 8003,
    "other/deploy/c.yaml": 8004,
    "deployx/d.yaml": 8005,
}
ALL = set(FILES)

#: pattern -> the files it matches.
TABLE = {
    "/deploy/*.yaml": {"deploy/a.yaml"},
    "deploy/*.yaml": {"deploy/a.yaml"},  # a "/" inside anchors too; "*" stops at "/"
    "deploy/**": {"deploy/a.yaml", "deploy/sub/b.yaml"},
    "/deploy": {"deploy/a.yaml", "deploy/sub/b.yaml"},  # a directory covers what is below
    "deploy": {"deploy/a.yaml", "deploy/sub/b.yaml", "other/deploy/c.yaml"},  # any depth
    "deploy/": {"deploy/a.yaml", "deploy/sub/b.yaml", "other/deploy/c.yaml"},
    "**/deploy/**": {"deploy/a.yaml", "deploy/sub/b.yaml", "other/deploy/c.yaml"},
    "deploy/a.yaml/**": {"deploy/a.yaml"},  # dir/** matches dir itself
    "deploy/**/b.yaml": {"deploy/sub/b.yaml"},
    "deploy/**/a.yaml": {"deploy/a.yaml"},  # ** is zero or more directories
    "*.yaml": ALL,
    "/*.yaml": {"a.yaml"},
    "a.yaml": {"a.yaml", "deploy/a.yaml"},
    "deploy*/*.yaml": {"deploy/a.yaml", "deployx/d.yaml"},
    "deploy?/*.yaml": {"deployx/d.yaml"},
    "[cd].yaml": {"other/deploy/c.yaml", "deployx/d.yaml"},
    "[!ab].yaml": {"other/deploy/c.yaml", "deployx/d.yaml"},
    "**": ALL,
    "**/*.yaml": ALL,
    "Deploy/**": set(),  # case-sensitive
}


@pytest.fixture(scope="module")
def tree(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("globs")
    for name, port in FILES.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"services:\n  s:\n    image: x\n    ports: ['{port}:80']\n")
    return root


def _ports(tree: Path, config: dict) -> dict[int, str | None]:
    report = run(tree, config=config, config_path=tree / ".portlint.yaml")
    return {b.port: b.namespace.group for b in report.model.bindings if b.port in FILES.values()}


@pytest.mark.parametrize("pattern", sorted(TABLE))
def test_exclude_and_hosts_read_every_glob_form_the_same(tree, pattern):
    expected = TABLE[pattern]
    kept = _ports(tree, {"exclude": [pattern]})
    excluded = {name for name, port in FILES.items() if port not in kept}
    hosts = _ports(tree, {"hosts": [{"name": "grouped", "paths": [pattern]}]})
    grouped = {name for name, port in FILES.items() if hosts[port] == "grouped"}
    assert excluded == expected
    assert grouped == expected
    assert {name for name in FILES if glob_match(name, pattern)} == expected


def test_clusters_use_the_same_dialect(tmp_path):
    (tmp_path / "k8s" / "a").mkdir(parents=True)
    (tmp_path / "k8s" / "a" / "pod.yaml").write_text(
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n"
        "  - name: c\n    image: x\n    ports: [{containerPort: 80, hostPort: 8080}]\n"
    )
    config = {"clusters": [{"name": "edge", "paths": ["/k8s/*/pod.yaml"]}]}
    report = run(tmp_path, config=config, config_path=tmp_path / ".portlint.yaml")
    assert {b.namespace.key for b in report.model.bindings if b.port == 8080} == {"k8s-node:edge"}


def test_paths_outside_the_base_match_no_pattern(tmp_path):
    assert relative_posix(tmp_path / "a" / "b.yaml", tmp_path) == "a/b.yaml"
    assert relative_posix(tmp_path.parent / "x.yaml", tmp_path) is None


def test_a_base_named_through_a_symlink_still_matches(tmp_path):
    (tmp_path / "real").mkdir()
    (tmp_path / "link").symlink_to(tmp_path / "real")
    assert relative_posix(tmp_path / "real" / "x.yaml", tmp_path / "link") == "x.yaml"

"""The hostile-input limits (`limits:` in the config, docs/limits.md): each one, set from
the config file, turns a file over it into a PL001 finding that names the limit."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import run
from portlint.cli import main
from portlint.options import Limits

OK = "services:\n  web:\n    ports: ['0:80']\n"


def _pl001(root: Path, config: dict | None = None) -> list[tuple[str, int, int, str]]:
    return [
        (Path(f.location.path).name, f.location.line, f.location.column, f.message)
        for f in run(root, config=config).findings
        if f.rule == "PL001"
    ]


def test_documented_defaults():
    assert Limits() == Limits(
        max_file_bytes=10 * 1024 * 1024,
        max_yaml_nodes=1_000_000,
        max_depth=500,
        max_aliases=10_000,
    )


def test_max_file_bytes(tmp_path):
    (tmp_path / "compose.yaml").write_text(OK + "#" * 2000 + "\n")
    assert _pl001(tmp_path, {"limits": {"max-file-bytes": 2000}}) == [
        ("compose.yaml", 1, 1, "file is 2,038 bytes, over the limit of 2,000 (max-file-bytes)")
    ]
    assert _pl001(tmp_path, {"limits": {"max-file-bytes": 2038}}) == []


def test_max_yaml_nodes_counts_alias_expansion(tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "x-ports: &p ['1:1', '2:2', '3:3', '4:4', '5:5', '6:6', '7:7', '8:8', '9:9']\n"
        "x-all: &all [*p, *p, *p, *p, *p, *p, *p, *p, *p, *p, *p, *p]\n"
        "services:\n  web:\n    ports: ['0:80']\n"
    )
    # 1 + 12 * 10 = 121 nodes under x-all; the whole document is 132.
    assert _pl001(tmp_path, {"limits": {"max-yaml-nodes": 120}}) == [
        (
            "compose.yaml",
            2,
            8,
            "YAML not checked: alias expansion exceeds 120 nodes (max-yaml-nodes)",
        )
    ]
    assert _pl001(tmp_path, {"limits": {"max-yaml-nodes": 200}}) == []


def test_max_depth(tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "services:\n  web:\n    x: " + "[" * 9 + "]" * 9 + "\n    ports: ['0:80']\n"
    )
    # Levels: root, services, web, then the nine lists (levels 4-12).
    assert _pl001(tmp_path, {"limits": {"max-depth": 11}}) == [
        (
            "compose.yaml",
            3,
            16,
            "YAML not checked: nesting deeper than the limit of 11 levels (max-depth)",
        )
    ]
    assert _pl001(tmp_path, {"limits": {"max-depth": 12}}) == []


def test_max_aliases(tmp_path):
    (tmp_path / "compose.yaml").write_text(
        "x-a: &a {image: nginx}\n"
        "services:\n  a: *a\n  b: *a\n  c: *a\n  web:\n    ports: ['0:80']\n"
    )
    assert _pl001(tmp_path, {"limits": {"max-aliases": 2}}) == [
        ("compose.yaml", 1, 6, "YAML not checked: more than 2 aliases (max-aliases)")
    ]
    assert _pl001(tmp_path, {"limits": {"max-aliases": 3}}) == []


def test_limits_are_read_from_the_config_file(tmp_path, capsys):
    (tmp_path / ".portlint.yaml").write_text("limits:\n  max-file-bytes: 1024\n")
    (tmp_path / "compose.yaml").write_text(OK + "#" * 2000 + "\n")
    assert main(["check", "--no-color", str(tmp_path)]) == 1
    assert "over the limit of 1,024 (max-file-bytes)" in capsys.readouterr().out


@pytest.mark.parametrize(
    "limits, key",
    [
        ("max-depth: 5", "limits.max-depth"),
        ("max-file-bytes: ten", "limits.max-file-bytes"),
        ("max-nodes: 5", "limits"),
    ],
)
def test_invalid_limits_are_a_usage_error_naming_the_key(tmp_path, capsys, limits, key):
    (tmp_path / ".portlint.yaml").write_text(f"limits:\n  {limits}\n")
    (tmp_path / "compose.yaml").write_text(OK)
    assert main(["check", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and f": {key}: " in err


def _big_compose(services: int) -> str:
    """About 370 bytes a service: 60,000 services make 22 MB."""
    parts = ["services:\n"]
    for i in range(services):
        parts.append(
            f"  svc{i:05d}:\n"
            f"    image: registry.example.com/team/service-{i:05d}:1.0.0\n"
            "    environment:\n"
            f"      SERVICE_NAME: service-{i:05d}-{'x' * 120}\n"
            f"      SERVICE_ROLE: worker-{'y' * 60}\n"
            "    ports:\n"
            f'      - "127.{i // 62500}.{i // 250 % 250}.{i % 250 + 1}:8080:80"\n'
        )
    parts.append("  clash-a:\n    ports: ['9000:80']\n  clash-b:\n    ports: ['9000:80']\n")
    return "".join(parts)


@pytest.fixture(scope="module")
def huge(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("huge")
    (root / "compose.yaml").write_text(_big_compose(60_000))
    return root


def test_a_20_mb_compose_file_is_over_the_default_limit(huge):
    assert (huge / "compose.yaml").stat().st_size > 20_000_000
    assert _pl001(huge) == [
        (
            "compose.yaml",
            1,
            1,
            "file is 22,266,658 bytes, over the limit of 10,485,760 (max-file-bytes)",
        )
    ]


def test_a_20_mb_compose_file_with_60000_services_is_checked_when_allowed(huge):
    # Every service on its own 127.x address: no clash among them, only the last two.
    # (A step quadratic in bindings would take hours here, not seconds.)
    report = run(huge, config={"limits": {"max-file-bytes": 64 * 1024 * 1024}})
    assert [(f.rule, f.location.line, f.location.column) for f in report.findings] == [
        ("PL101", 420003, 14),
        ("PL101", 420005, 14),
    ]
    assert report.bindings == 2 * 60_002


def test_the_prefix_prefilter_agrees_with_the_prefix_pattern():
    """`_check_depth` looks for the wide-prefix pattern only where a run of prefix
    characters starts a line: on the first line, on a later one, after `--- `, and with
    a run that starts mid-line (not a prefix) it must decide as the pattern alone."""
    import random

    from portlint.yamllimits import _may_have_wide_prefix, _wide_prefix

    width = 12
    rng = random.Random(5)
    units = [" ", "\t", "- ", "? ", ": ", "--- ", "x", "-", ":", "\n"]
    for _ in range(3000):
        text = "".join(rng.choice(units) for _ in range(rng.randint(0, 40)))
        if _wide_prefix(width).search(text) is not None:
            assert _may_have_wide_prefix(text, width), repr(text)
    assert _may_have_wide_prefix("- " * 12 + "a: 1\n", width)
    assert _may_have_wide_prefix("a: 1\n" + "  " * 12 + "b: 2\n", width)
    assert not _may_have_wide_prefix("a: " + " " * 40 + "b\n", width)


def test_the_expansion_walk_runs_only_where_an_alias_names_an_anchor(monkeypatch):
    """`&&` and `*string` in prose are no anchor and no alias: the walk of every node
    (a tenth of the corpus's YAML time, on CRDs) is skipped, and still runs for `*a`."""
    from portlint import yamlnodes
    from portlint.source import SourceFile

    walked: list[object] = []
    monkeypatch.setattr(yamlnodes, "check_expansion", lambda node, limits: walked.append(node))
    prose = "description: 'a && b, or *string, or &x with *y'\nitems: [&z 1, *w2]\n"
    assert not yamlnodes._aliases_an_anchor(prose)
    aliased = "x: &base {a: 1}\ny: [1, *base]\n"
    for text in (prose.replace("*w2", "2"), aliased):
        yamlnodes.compose_documents(SourceFile(Path("t.yaml"), "t.yaml", text), Limits())
    assert len(walked) == 1  # the aliased document only

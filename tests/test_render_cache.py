"""Renders kept in the result cache (portlint.render.memo): a warm run starts no engine
and reports what a cold one does; an edited template, values file, base or engine renders
again; a symlinked directory, a kept entry of the wrong shape or a render that did not
start is never trusted."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from helpers import FIXTURES
from portlint.config import build_options
from portlint.engine import check
from portlint.render import helm, kustomize

RENDER = FIXTURES / "render"
needs_helm = pytest.mark.skipif(helm.renderer() is None, reason="no Helm engine installed")
needs_kustomize = pytest.mark.skipif(kustomize.renderer() is None, reason="no kustomize")


@pytest.fixture(autouse=True)
def own_cache(tmp_path, monkeypatch):
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path / "cache"))


def _rows(root: Path) -> list[tuple[str, str, int, int, str]]:
    report = check([str(root)], build_options({}, None), use_cache=True)
    return [
        (
            f.rule,
            Path(f.location.path).relative_to(root).as_posix(),
            f.location.line,
            f.location.column,
            f.message,
        )
        for f in report.findings
    ]


@pytest.fixture
def helm_calls(monkeypatch) -> list[Path]:
    """Charts the engine was asked to render (the real engine still renders them)."""
    calls: list[Path] = []
    real = helm.renderer

    def counting() -> tuple[str, helm.Render] | None:
        engine = real()
        if engine is None:
            return None
        name, render = engine

        def render_counted(chart: Path, values: dict) -> dict[str, str]:
            calls.append(chart)
            return render(chart, values)

        return name, render_counted

    monkeypatch.setattr(helm, "renderer", counting)
    return calls


@pytest.fixture
def kustomize_calls(monkeypatch) -> list[Path]:
    calls: list[Path] = []
    real = kustomize._build

    def counting(command: list[str], directory: Path) -> subprocess.CompletedProcess[str]:
        calls.append(directory)
        return real(command, directory)

    monkeypatch.setattr(kustomize, "_build", counting)
    return calls


@needs_helm
def test_a_warm_run_renders_no_chart_and_reports_the_same(tmp_path, helm_calls):
    shutil.copytree(RENDER / "chart", tmp_path / "tree")
    cold = _rows(tmp_path / "tree")
    assert len(helm_calls) == 2  # the chart, and again with sentinels for values keys
    assert [(rule, path, line) for rule, path, line, _c, _m in cold] == [
        ("PL401", "web/charts/cache/values.yaml", 2),
        ("PL401", "web/templates/service.yaml", 14),
        ("PL401", "web/values.yaml", 5),
    ]
    assert _rows(tmp_path / "tree") == cold
    assert len(helm_calls) == 2  # nothing rendered the second time


@needs_helm
def test_an_edited_values_file_renders_the_chart_again(tmp_path, helm_calls):
    shutil.copytree(RENDER / "chart", tmp_path / "tree")
    _rows(tmp_path / "tree")
    values = tmp_path / "tree" / "web" / "values.yaml"
    values.write_text(values.read_text().replace("targetPort: 8081", "targetPort: 8080"))
    after = _rows(tmp_path / "tree")
    assert len(helm_calls) == 4
    assert ("PL401", "web/values.yaml", 5) not in [(r, p, line) for r, p, line, _c, _m in after]


@needs_helm
def test_a_chart_with_a_symlinked_directory_is_never_kept(tmp_path, helm_calls):
    shutil.copytree(RENDER / "chart", tmp_path / "tree")
    # Inside the scanned tree (a link leading out of it is not rendered at all).
    (tmp_path / "tree" / "elsewhere").mkdir()
    (tmp_path / "tree" / "web" / "linked").symlink_to(tmp_path / "tree" / "elsewhere")
    _rows(tmp_path / "tree")
    _rows(tmp_path / "tree")
    assert len(helm_calls) == 4  # what Helm reads behind the link is not digested


@needs_kustomize
def test_a_warm_run_builds_no_kustomization_until_a_base_changes(tmp_path, kustomize_calls):
    shutil.copytree(RENDER / "kustomize", tmp_path / "tree")
    cold = _rows(tmp_path / "tree")
    assert [(rule, path, line) for rule, path, line, _c, _m in cold] == [
        ("PL005", "overlay/ports.yaml", 11),
        ("PL401", "overlay/service-patch.yaml", 9),
    ]
    assert _rows(tmp_path / "tree") == cold
    assert len(kustomize_calls) == 1
    base = tmp_path / "tree" / "base" / "deployment.yaml"
    base.write_text(base.read_text() + "# edited\n")
    assert _rows(tmp_path / "tree") == cold
    assert len(kustomize_calls) == 2  # the base is one of the render's inputs


@needs_kustomize
def test_a_build_that_did_not_start_is_not_kept(tmp_path, monkeypatch):
    shutil.copytree(RENDER / "kustomize", tmp_path / "tree")
    monkeypatch.setattr(kustomize, "renderer", lambda: ["/nonexistent/kustomize", "build"])
    failed = _rows(tmp_path / "tree")
    assert [rule for rule, *_ in failed] == ["PL007", "PL005"]
    assert "No such file or directory" in failed[0][4]
    monkeypatch.undo()
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path / "cache"))
    assert [rule for rule, *_ in _rows(tmp_path / "tree")] == ["PL005", "PL401"]


@needs_kustomize
def test_a_kept_entry_of_the_wrong_shape_is_a_miss(tmp_path, kustomize_calls, monkeypatch):
    shutil.copytree(RENDER / "kustomize", tmp_path / "tree")
    cold = _rows(tmp_path / "tree")
    from portlint import unitcache

    real_get = unitcache.UnitCache.get

    def tampered(self, key, shared=False):
        value = real_get(self, key, shared)
        return ("not", "a", ["render"]) if isinstance(value, tuple) and len(value) == 3 else value

    monkeypatch.setattr(unitcache.UnitCache, "get", tampered)
    assert _rows(tmp_path / "tree") == cold
    assert len(kustomize_calls) == 2  # built again, not trusted


def test_without_the_cache_nothing_is_kept(tmp_path, monkeypatch):
    calls: list[Path] = []
    script = tmp_path / "fake.py"
    script.write_text("print('apiVersion: v1\\nkind: Service\\nmetadata: {name: a}')\n")
    monkeypatch.setattr(kustomize, "renderer", lambda: [sys.executable, str(script)])
    real = kustomize._build
    monkeypatch.setattr(kustomize, "_build", lambda c, d: calls.append(d) or real(c, d))
    (tmp_path / "k").mkdir()
    (tmp_path / "k" / "kustomization.yaml").write_text("resources: []\n")
    for _ in range(2):
        check([str(tmp_path / "k")], build_options({}, None), use_cache=False)
    assert len(calls) == 2
    for _ in range(2):
        check([str(tmp_path / "k")], build_options({}, None), use_cache=True)
    assert len(calls) == 3


def _refuse(*_args, **_kwargs):
    raise AssertionError("mapped a kept render again")


@needs_helm
def test_a_warm_run_maps_no_chart_again_and_keeps_its_values_keys(tmp_path, monkeypatch):
    """Mapping a render back (template lines, values keys) is kept with the render: a
    warm run does none of it and places every finding where the cold run did."""
    from portlint import render
    from portlint.render import charts

    shutil.copytree(RENDER / "chart", tmp_path / "tree")
    cold = _rows(tmp_path / "tree")
    monkeypatch.setattr(render, "match_lines", _refuse)
    monkeypatch.setattr(charts, "_value_keys", _refuse)
    assert _rows(tmp_path / "tree") == cold
    assert ("PL401", "web/values.yaml", 5) in [(r, p, line) for r, p, line, _c, _m in cold]


@needs_helm
def test_a_values_file_outside_the_chart_moved_by_a_comment_is_mapped_again(tmp_path):
    """The same values (so the same render) from a values file whose lines moved: the
    values key is found where it now is, as a run without the cache finds it."""
    shutil.copytree(RENDER / "chart", tmp_path / "tree")
    values = tmp_path / "tree" / "prod.yaml"
    values.write_text((RENDER / "values" / "prod.yaml").read_text())

    def placed(use_cache: bool) -> list[tuple[str, int, int]]:
        options = build_options({}, None)
        options.helm_values = [str(values)]
        report = check([str(tmp_path / "tree")], options, use_cache=use_cache)
        return [
            (Path(f.location.path).name, f.location.line, f.location.column)
            for f in report.findings
        ]

    assert ("prod.yaml", 2, 15) in placed(True)
    values.write_text("# production\n" + values.read_text())
    assert ("prod.yaml", 3, 15) in placed(True)
    assert placed(True) == placed(False)


@needs_kustomize
def test_a_warm_run_maps_no_kustomization_again_until_a_patch_moves(tmp_path, monkeypatch):
    shutil.copytree(RENDER / "kustomize", tmp_path / "tree")
    cold = _rows(tmp_path / "tree")
    monkeypatch.setattr(kustomize, "_origins", _refuse)
    assert _rows(tmp_path / "tree") == cold
    monkeypatch.undo()
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path / "cache"))
    patch = tmp_path / "tree" / "overlay" / "service-patch.yaml"
    patch.write_text("# moved\n" + patch.read_text())
    moved = [(r, p, line) for r, p, line, _c, _m in _rows(tmp_path / "tree")]
    assert ("PL401", "overlay/service-patch.yaml", 10) in moved

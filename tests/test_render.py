"""Helm charts and kustomizations are rendered by their own engines and checked on the
output; findings land on the template line, the values key or the base/overlay/patch."""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest

from helpers import FIXTURES, run
from portlint.render import charts, helm, kustomize
from portlint.source import display_path

RENDER = FIXTURES / "render"
WEB = RENDER / "chart" / "web"
needs_helm = pytest.mark.skipif(helm.renderer() is None, reason="no Helm engine installed")
needs_kustomize = pytest.mark.skipif(kustomize.renderer() is None, reason="no kustomize")


def rows(report, base: Path = RENDER):
    return [
        (
            f.rule,
            Path(f.location.path).resolve().relative_to(base).as_posix(),
            f.location.line,
            f.location.column,
            [
                (Path(r.location.path).name, r.location.line, r.location.column, r.message)
                for r in f.related
            ],
        )
        for f in report.findings
    ]


@needs_helm
def test_a_chart_is_rendered_and_findings_land_on_the_template_or_the_values_key():
    assert rows(run(RENDER / "chart")) == [
        # The subchart's values.yaml set the broken targetPort (and .helmignore kept the
        # unparsable templates/scratch.yaml out: no PL001).
        (
            "PL401",
            "chart/web/charts/cache/values.yaml",
            2,
            14,
            [
                ("cache.yaml", 29, 19, "rendered by this template"),
                ("cache.yaml", 4, 9, "selected by Service default/release-name-cache"),
            ],
        ),
        # A literal in the template: the template's line.
        (
            "PL401",
            "chart/web/templates/service.yaml",
            14,
            19,
            [("deployment.yaml", 4, 9, "selected by Service default/release-name-web")],
        ),
        # {{ .Values.service.targetPort }}: the key in values.yaml, where a user changes it.
        (
            "PL401",
            "chart/web/values.yaml",
            5,
            15,
            [
                ("service.yaml", 11, 19, "rendered by this template"),
                ("deployment.yaml", 4, 9, "selected by Service default/release-name-web"),
            ],
        ),
    ]


@needs_helm
def test_values_files_from_the_config_override_values_yaml_and_take_the_finding():
    config = {"helm": {"values": [str(RENDER / "values" / "prod.yaml")]}}
    report = run(RENDER / "chart", config=config)
    placed = [(r[1], r[2], r[3]) for r in rows(report) if r[0] == "PL401"]
    assert ("values/prod.yaml", 2, 15) in placed
    assert ("chart/web/values.yaml", 5, 15) not in placed
    assert any("8082/TCP" in f.message for f in report.findings)


def test_without_a_helm_engine_one_info_per_chart_and_no_parse_errors(monkeypatch):
    monkeypatch.setattr(helm, "renderer", lambda: None)
    report = run(RENDER / "chart")
    assert [
        (f.rule, f.severity.value, f.location.line, f.location.column) for f in report.findings
    ] == [("PL007", "info", 1, 1)]
    finding = report.findings[0]
    assert Path(finding.location.path).name == "Chart.yaml"
    assert finding.message == (
        "Helm chart web not rendered, so its ports are not checked: " + charts.INSTALL_HINT
    )


@needs_helm
def test_a_chart_that_does_not_render_is_one_info_naming_helms_error(tmp_path):
    chart = tmp_path / "bad"
    shutil.copytree(WEB, chart)
    (chart / "templates" / "service.yaml").write_text('{{ required "set port" .Values.nope }}\n')
    report = run(tmp_path)
    assert [(f.rule, Path(f.location.path).name) for f in report.findings] == [
        ("PL007", "Chart.yaml")
    ]
    assert "set port" in report.findings[0].message


@needs_helm
def test_helm_template_output_on_stdin_is_attributed_to_the_source_file(monkeypatch):
    rendered = helm.renderer()[1](WEB, {})
    stream = "".join(f"---\n# Source: {path}\n{text}" for path, text in sorted(rendered.items()))
    monkeypatch.chdir(WEB.parent)  # `# Source: web/templates/...` is relative to here
    report = run("-", stdin=stream)
    placed = [
        (f.rule, f.location.path, f.location.line, f.location.column) for f in report.findings
    ]
    assert ("PL401", "web/templates/service.yaml", 14, 19) in placed


@needs_kustomize
def test_a_kustomize_overlay_is_one_object_with_findings_in_the_patch_that_set_them():
    assert rows(run(RENDER / "kustomize")) == [
        ("PL005", "kustomize/overlay/ports.yaml", 11, 21, []),
        (
            "PL401",
            "kustomize/overlay/service-patch.yaml",
            9,
            19,
            [("deployment.yaml", 4, 3, "selected by Service default/prod-api")],
        ),
    ]  # base and overlay never collide (hostPort 8443 is one object's)


def test_without_kustomize_one_info_per_top_level_kustomization(monkeypatch):
    monkeypatch.setattr(kustomize, "renderer", lambda: None)
    report = run(RENDER / "kustomize")
    overlay = RENDER / "kustomize" / "overlay"
    assert [(f.rule, f.location.path, f.message) for f in report.findings] == [
        (
            "PL007",
            display_path(overlay / "kustomization.yaml"),
            f"kustomization {display_path(overlay)}/ not rendered, so its ports are not "
            "checked: install kubectl or kustomize",
        )
    ]


@needs_kustomize
def test_a_kustomization_that_fails_to_build_is_one_info_and_its_files_are_read_alone(tmp_path):
    shutil.copytree(RENDER / "kustomize", tmp_path / "k")
    (tmp_path / "k" / "overlay" / "kustomization.yaml").write_text(
        "resources:\n  - ../base\n  - missing.yaml\n"
    )
    report = run(tmp_path)
    assert [(f.rule, f.location.path, f.location.line) for f in report.findings] == [
        ("PL007", str(tmp_path / "k/overlay/kustomization.yaml"), 1),
        ("PL005", str(tmp_path / "k/overlay/ports.yaml"), 11),  # no longer a patch
    ]
    assert "missing.yaml" in report.findings[0].message
    assert report.findings[0].message.endswith("; its files are checked one by one")
    assert report.files == 6  # base files read on their own again


@needs_helm
def test_bindings_of_a_rendered_chart_are_listed_at_their_template_lines():
    report = run(RENDER / "chart")
    where = sorted(
        (Path(b.location.path).name, b.location.line, b.port)
        for b in report.model.bindings
        if Path(b.location.path).name == "service.yaml"
    )
    assert where == [("service.yaml", 10, 80), ("service.yaml", 13, 9000)]


def test_the_helm_binary_is_preferred_and_given_the_chart_values_and_namespace(
    tmp_path, monkeypatch
):
    # A stand-in `helm` that records its arguments and prints a `helm template` stream.
    log = tmp_path / "args"
    stream = (
        "---\n# Source: web/templates/service.yaml\n"
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n"
        "  selector: {app: none}\n  ports:\n    - port: 9000\n      targetPort: 9999\n"
    )
    (tmp_path / "stream").write_text(stream)
    fake = tmp_path / "bin" / "helm"
    fake.parent.mkdir()
    fake.write_text(f'#!/bin/sh\necho "$@" >> {log}\ncat {tmp_path / "stream"}\n')
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{fake.parent}:/usr/bin:/bin")
    name, _render = helm.renderer()
    assert name == "helm template"
    report = run(RENDER / "chart")
    calls = log.read_text().splitlines()
    assert calls[0] == f"template release-name {WEB} --namespace default"
    assert "--values" in calls[1]  # the second rendering: the sentinel values
    # The Service from the binary's stream is read, at the template's lines.
    assert [
        (Path(b.location.path).name, b.location.line, b.location.column, b.port)
        for b in report.model.bindings
    ] == [("service.yaml", 13, 13, 9000)]


def test_an_overlay_scanned_without_its_base_is_not_rendered_beyond_the_scanned_paths():
    overlay = RENDER / "kustomize" / "overlay"
    report = run(overlay)
    assert [(f.rule, Path(f.location.path).name, f.location.line) for f in report.findings] == [
        ("PL007", "kustomization.yaml", 1),
        ("PL005", "ports.yaml", 11),  # the patch, read on its own
    ]
    assert "it uses ../base/deployment.yaml, outside the scanned paths" in (
        report.findings[0].message
    )


def test_a_remote_base_is_never_fetched(tmp_path, monkeypatch):
    (tmp_path / "kustomization.yaml").write_text(
        "resources:\n  - https://github.com/example/app//deploy?ref=v1\n"
    )
    monkeypatch.setattr(kustomize, "renderer", lambda: ["/bin/false"])  # must not run
    report = run(tmp_path)
    assert [f.rule for f in report.findings] == ["PL007"]
    assert "it uses https://github.com/example/app//deploy?ref=v1, outside" in (
        report.findings[0].message
    )


@needs_helm
def test_values_on_the_command_line_render_the_chart_and_take_the_finding(capsys):
    from portlint.cli import main

    values = RENDER / "values" / "prod.yaml"
    code = main(["check", "--values", str(values), "--format", "json", str(RENDER / "chart")])
    out = capsys.readouterr().out
    assert code == 1
    placed = [(Path(f["path"]).name, f["line"], f["column"]) for f in json.loads(out)["findings"]]
    assert ("prod.yaml", 2, 15) in placed


@needs_helm
def test_a_comment_on_the_values_key_suppresses_the_finding_placed_there(tmp_path):
    chart = tmp_path / "web"
    shutil.copytree(WEB, chart)
    values = (chart / "values.yaml").read_text()
    (chart / "values.yaml").write_text(
        values.replace("  targetPort: 8081", "  targetPort: 8081  # portlint: disable=PL401")
    )
    placed = [(Path(f.location.path).name, f.location.line) for f in run(tmp_path).findings]
    assert placed == [("values.yaml", 2), ("service.yaml", 14)]  # the subchart's, the literal


@needs_helm
def test_an_ignore_annotation_in_a_template_silences_the_object_wherever_its_findings_land(
    tmp_path,
):
    chart = tmp_path / "web"
    shutil.copytree(WEB, chart)
    service = (chart / "templates" / "service.yaml").read_text()
    (chart / "templates" / "service.yaml").write_text(
        service.replace(
            '  name: {{ include "web.name" . }}\nspec:',
            '  name: {{ include "web.name" . }}\n'
            '  annotations:\n    portlint.dev/ignore: "PL401"\nspec:',
        )
    )
    placed = [(Path(f.location.path).parent.name, f.location.line) for f in run(tmp_path).findings]
    assert placed == [("cache", 2)]  # only the subchart's Service is left


_FAKE_KUSTOMIZE = """
import os, sys, time
started = os.path.join(os.path.dirname(os.path.abspath(__file__)), "started")
os.makedirs(started, exist_ok=True)
open(os.path.join(started, os.path.basename(sys.argv[1])), "w").close()
deadline = time.monotonic() + 20
while len(os.listdir(started)) < 2:  # the other render has not started: run alone
    if time.monotonic() > deadline:
        sys.exit("rendered alone")
    time.sleep(0.01)
name = os.path.basename(sys.argv[1])
print("apiVersion: v1\\nkind: Service\\nmetadata:\\n  name: " + name)
print("spec:\\n  type: NodePort\\n  ports:\\n    - port: 80\\n      nodePort: 80")
"""


def test_top_level_kustomizations_render_side_by_side_and_report_in_order(tmp_path, monkeypatch):
    """Each fake render waits until another has started, so one after another would
    fail them all; the findings still come in the kustomizations' order."""
    script = tmp_path / "tools" / "kustomize.py"
    script.parent.mkdir()
    script.write_text(_FAKE_KUSTOMIZE)
    monkeypatch.setattr(kustomize, "renderer", lambda: [sys.executable, str(script)])
    for name in ("b-overlay", "a-overlay"):
        (tmp_path / "deploy" / name).mkdir(parents=True)
        (tmp_path / "deploy" / name / "kustomization.yaml").write_text("resources: []\n")
    report = run(tmp_path / "deploy")
    assert [(f.rule, Path(f.location.path).parent.name) for f in report.findings] == [
        ("PL101", "a-overlay"),  # each render's nodePort 80, one cluster
        ("PL303", "a-overlay"),
        ("PL101", "b-overlay"),
        ("PL303", "b-overlay"),
    ]
    assert sorted(p.name for p in (script.parent / "started").iterdir()) == [
        "a-overlay",
        "b-overlay",
    ]


SERVICE = """\
apiVersion: v1
kind: Service
metadata:
  name: leaked  # SECRET-TOKEN
spec:
  type: NodePort
  ports:
    - port: 80
      nodePort: 80
"""


def _chart_with_link(tmp_path: Path, target: Path) -> Path:
    root = tmp_path / "repo"
    chart = root / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: linked\nversion: 1.0.0\n")
    (chart / "templates" / "service.yaml").symlink_to(target)
    (root / "compose.yaml").write_text(
        "services:\n  a:\n    image: x\n    ports: ['8080:80']\n"
        "  b:\n    image: x\n    ports: ['8080:81']\n"
    )
    return root


@needs_helm
def test_a_chart_with_a_symlink_out_of_the_roots_is_not_rendered_and_the_rest_is_checked(
    tmp_path, monkeypatch, capsys
):
    """Helm follows a chart's symlinks: one leading out of the scanned paths would hand it
    (and the snippets) a file portlint must not read."""
    (tmp_path / "outside").mkdir()
    secret = tmp_path / "outside" / "service.yaml"
    secret.write_text(SERVICE)
    root = _chart_with_link(tmp_path, secret)
    monkeypatch.chdir(root)
    from portlint.cli import main

    assert main(["check", "--no-cache", "--format", "json", "."]) == 1
    out = json.loads(capsys.readouterr().out)
    assert [(f["rule"], f["path"], f["line"], f["column"]) for f in out["findings"]] == [
        ("PL007", "chart/Chart.yaml", 1, 1),
        ("PL101", "compose.yaml", 4, 14),
        ("PL101", "compose.yaml", 7, 14),
    ]
    assert out["findings"][0]["message"] == (
        "Helm chart linked not rendered: chart/templates/service.yaml is a symlink leading "
        "outside the scanned paths (Helm would follow it; portlint reads nothing else), so "
        "its ports are not checked"
    )
    assert "SECRET-TOKEN" not in json.dumps(out) and "leaked" not in json.dumps(out)


@needs_helm
def test_a_chart_with_a_symlink_inside_the_roots_is_rendered_and_helm_logs_nothing(
    tmp_path, monkeypatch, capfd
):
    """Helm's Go loader logs each symlink it follows to the process's standard error
    (a time-stamped INFO line); none of it reaches portlint's."""
    root = tmp_path / "repo"
    (root / "shared").mkdir(parents=True)
    (root / "shared" / "service.txt").write_text(SERVICE)  # not a file portlint parses
    _chart_with_link(tmp_path, root / "shared" / "service.txt")
    monkeypatch.chdir(root)
    report = run(root)
    rows = [(f.rule, display_path(f.location.path), f.location.line) for f in report.findings]
    assert ("PL303", "chart/templates/service.yaml", 9) in rows
    assert not [r for r in rows if r[0] == "PL007"]
    assert capfd.readouterr().err == ""


@needs_kustomize
@pytest.mark.parametrize(
    ("kustomization", "why"),
    [
        ("resources: [service.yaml]\npatches: 5\n", "cannot unmarshal number"),
        ("resources: 5\npatchesStrategicMerge: 7\n", "cannot unmarshal number"),
        ("resources: [service.yaml]\npatchesJson6902: [{path: [x]}, 3]\n", "cannot unmarshal"),
    ],
)
def test_a_kustomization_with_fields_of_the_wrong_type_is_one_info_not_a_crash(
    tmp_path, monkeypatch, capsys, kustomization, why
):
    """Lists that are not lists: kustomize's error to report (PL007), and the files are
    checked one by one; portlint used to stop with an internal error."""
    (tmp_path / "k").mkdir()
    (tmp_path / "k" / "kustomization.yaml").write_text(kustomization)
    (tmp_path / "k" / "service.yaml").write_text(SERVICE)
    monkeypatch.chdir(tmp_path)
    from portlint.cli import main

    assert main(["check", "--no-cache", "--format", "json", "."]) == 1
    out = json.loads(capsys.readouterr().out)
    rows = [(f["rule"], f["path"], f["line"], f["column"]) for f in out["findings"]]
    assert rows[0] == ("PL007", "k/kustomization.yaml", 1, 1)
    assert why in out["findings"][0]["message"]
    assert ("PL303", "k/service.yaml", 9, 17) in rows  # checked alone: nodePort 80


@pytest.mark.parametrize("loader", ["libyaml", "pure-python"])
def test_a_chart_nested_too_deep_is_one_info_not_a_crash(tmp_path, monkeypatch, loader):
    """Chart.yaml and values.yaml are loaded for the chart's name and its values keys:
    on deep nesting the pure-Python composer raises RecursionError (which stopped the
    run), libyaml an error of its own."""
    if loader == "pure-python":
        import yaml

        from portlint.render import values

        monkeypatch.setattr(values, "SafeLoader", yaml.SafeLoader)
        monkeypatch.setattr("portlint.yamlnodes.SafeLoader", yaml.SafeLoader)
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("name: " + "[" * 5000 + "]" * 5000 + "\n")
    (chart / "values.yaml").write_text("a: " + "[" * 5000 + "]" * 5000 + "\n")
    (chart / "templates" / "service.yaml").write_text(SERVICE)
    (tmp_path / "compose.yaml").write_text(
        "services:\n  a:\n    image: x\n    ports: ['8080:80']\n"
        "  b:\n    image: x\n    ports: ['8080:81']\n"
    )
    report = run(tmp_path)
    rows = [(f.rule, Path(f.location.path).name, f.location.line) for f in report.findings]
    assert rows == [
        ("PL007", "Chart.yaml", 1),
        ("PL101", "compose.yaml", 4),
        ("PL101", "compose.yaml", 7),
    ]


@pytest.mark.parametrize("cache", [False, True])
def test_a_fifo_in_a_chart_or_a_kustomization_does_not_hang_the_run(
    tmp_path, monkeypatch, capsys, cache
):
    """portlint's own reads of a chart's files never block (nor the cache's digest of
    them), and a chart holding a FIFO is not handed to Helm, whose loader would wait on
    it; a FIFO named like a kustomization is passed by, as discovery passes any FIFO."""
    chart = tmp_path / "chart"
    (chart / "templates").mkdir(parents=True)
    (chart / "Chart.yaml").write_text("apiVersion: v2\nname: piped\nversion: 1.0.0\n")
    os.mkfifo(chart / "values.yaml")
    (chart / "templates" / "service.yaml").write_text(SERVICE)
    (tmp_path / "k").mkdir()
    os.mkfifo(tmp_path / "k" / "kustomization.yaml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("PORTLINT_CACHE_DIR", str(tmp_path / "cache"))
    from portlint.cli import main

    main(["check", "--format", "json", ".", *([] if cache else ["--no-cache"])])
    out = json.loads(capsys.readouterr().out)
    rows = [(f["rule"], f["path"], f["line"]) for f in out["findings"]]
    assert rows == [("PL007", "chart/Chart.yaml", 1)]  # discovery passes FIFOs by
    message = next(f["message"] for f in out["findings"] if f["path"] == "chart/Chart.yaml")
    if helm.renderer() is not None:
        assert message == (
            "Helm chart piped not rendered: chart/values.yaml is not a regular file (a FIFO, "
            "socket or device: Helm would wait on it or read it), so its ports are not checked"
        )


def test_a_source_path_on_stdin_leading_out_of_the_current_directory_is_never_read(
    tmp_path, monkeypatch
):
    """`# Source:` paths are the stream's own words: the file one names outside the
    current directory is not opened, and its lines never reach the report."""
    outside = tmp_path / "outside" / "templates"
    outside.mkdir(parents=True)
    (outside / "svc.yaml").write_text(SERVICE.replace("nodePort: 80", "nodePort: 80  # SECRET"))
    (tmp_path / "here").mkdir()
    monkeypatch.chdir(tmp_path / "here")
    stream = "---\n# Source: ../outside/templates/svc.yaml\n" + SERVICE.replace(
        " # SECRET-TOKEN", ""
    )
    from portlint.config import build_options
    from portlint.report import render

    text = render("text", run("-", stdin=stream), build_options({}, None))
    assert "../outside/templates/svc.yaml:9:17: PL303" in text
    assert "SECRET" not in text


def test_a_charts_files_are_taken_out_and_a_sibling_sharing_its_name_prefix_is_kept(tmp_path):
    """Files under a chart (and its subcharts) are the chart's; `web-extra/` beside the
    chart `web/` is not under it, though its path starts with the chart's."""
    from portlint.discover import Candidate
    from portlint.render import Prepared

    names = [
        "web/Chart.yaml",
        "web/values.yaml",
        "web/templates/deep/service.yaml",
        "web/charts/db/Chart.yaml",
        "web/charts/db/templates/db.yaml",
        "web-extra/compose.yaml",
        "webapp.yaml",
        "other/Chart.yaml",
        "other/x.yaml",
    ]
    prepared = Prepared([Candidate(tmp_path / name, None) for name in names], None)
    found = charts.split(prepared)
    assert found == [str(tmp_path / "other"), str(tmp_path / "web")]
    kept = [c.path.relative_to(tmp_path).as_posix() for c in prepared.candidates]
    assert kept == ["web-extra/compose.yaml", "webapp.yaml"]


@pytest.mark.parametrize(
    ("fields", "fifo"),
    [
        ("resources:\n  - service.yaml\n  - pipe.yaml\n", "pipe.yaml"),
        (
            "resources:\n  - service.yaml\n"
            "configMapGenerator:\n  - name: c\n    files:\n      - app.conf=pipe.conf\n",
            "pipe.conf",
        ),
        (
            "resources:\n  - service.yaml\n"
            "secretGenerator:\n  - name: s\n    envs:\n      - pipe.env\n",
            "pipe.env",
        ),
    ],
    ids=["resource", "generator-files", "generator-envs"],
)
def test_a_kustomization_using_a_fifo_is_not_handed_to_kustomize(
    tmp_path, monkeypatch, capsys, fields, fifo
):
    """kustomize reading a FIFO a kustomization uses (a resource, a generator's input)
    waited for its whole timeout; it is not run, one PL007 says why, and the files are
    checked one by one."""
    (tmp_path / "k").mkdir()
    (tmp_path / "k" / "kustomization.yaml").write_text(fields)
    (tmp_path / "k" / "service.yaml").write_text(SERVICE)
    os.mkfifo(tmp_path / "k" / fifo)
    monkeypatch.setattr(kustomize, "TIMEOUT_SECONDS", 5)  # the old code: fails, not hangs
    monkeypatch.chdir(tmp_path)
    from portlint.cli import main

    main(["check", "--format", "json", "--no-cache", "."])
    out = json.loads(capsys.readouterr().out)
    rows = [(f["rule"], f["path"], f["line"], f["column"]) for f in out["findings"]]
    assert rows == [("PL007", "k/kustomization.yaml", 1, 1), ("PL303", "k/service.yaml", 9, 17)]
    assert out["findings"][0]["message"] == (
        f"kustomization k/ not rendered: it uses {fifo}, not a regular file (a FIFO, socket "
        "or device: kustomize would wait on it); its files are checked one by one"
    )


@pytest.mark.parametrize(("limit", "line"), [(None, 12), (64, 9)])
def test_a_rendered_files_origin_is_read_within_max_file_bytes(tmp_path, monkeypatch, limit, line):
    """The template a `# Source:` names is read as any file is, within the run's
    `max-file-bytes`: one over it is not read, and the finding stays on the stream's
    line (9) instead of moving to the template's (12)."""
    (tmp_path / "web" / "templates").mkdir(parents=True)
    (tmp_path / "web" / "templates" / "svc.yaml").write_text("# a template\n" * 3 + SERVICE)
    monkeypatch.chdir(tmp_path)
    stream = "---\n# Source: web/templates/svc.yaml\n" + SERVICE
    config = {} if limit is None else {"limits": {"max-file-bytes": limit}}
    report = run("-", stdin=stream, config=config)
    assert [(f.rule, f.location.path, f.location.line) for f in report.findings] == [
        ("PL303", "web/templates/svc.yaml", line)
    ]

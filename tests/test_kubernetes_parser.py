"""The Kubernetes parser: which bindings a manifest makes (namespaces, owners, roles,
extras), List/JSON/stdin input, copies of one object, templates, and the annotation."""

from __future__ import annotations

from pathlib import Path

from helpers import FIXTURES, findings, run
from portlint.findings import Severity
from portlint.model import Role

K8S = FIXTURES / "kubernetes"


def _bindings(path: Path | str, **kwargs):
    return run(path, **kwargs).model.bindings


def test_container_ports_share_the_pod_namespace_but_plain_init_containers_do_not():
    by_owner = {
        (b.owner, b.port): b.namespace.key
        for b in _bindings(K8S / "pod")
        if b.role == Role.CONTAINER
    }
    pod = "pod:default/shop/Deployment/web"
    assert by_owner[("Deployment/shop/web/app", 8080)] == pod
    assert by_owner[("Deployment/shop/web/proxy", 9901)] == pod  # sidecar
    assert by_owner[("Deployment/shop/web/migrate", 8080)] == pod + "#init/migrate"


def test_init_container_on_an_app_port_is_not_a_collision():
    rows = findings(K8S / "pod", rules={"PL101"})
    assert ("PL101", "web.yaml", 18, 30) not in rows  # migrate's 8080
    assert ("PL101", "web.yaml", 28, 30) in rows  # app's 8080 vs metrics


def test_host_ports_and_host_network_bind_the_node_with_kind_and_replicas():
    node = [b for b in _bindings(K8S / "nodes") if b.namespace.key == "k8s-node:default"]
    summary = {
        (
            b.owner,
            b.role,
            b.port,
            str(b.address),
            b.replicas,
            b.workload_kind,
            b.node_name,
        )
        for b in node
    }
    assert summary == {
        ("DaemonSet/monitoring/node-exporter", Role.LISTEN, 9100, "None", None, "DaemonSet", None),
        (
            "DaemonSet/monitoring/other-exporter",
            Role.HOST_PORT,
            9100,
            "None",
            None,
            "DaemonSet",
            None,
        ),
        ("Deployment/edge/ingress", Role.HOST_PORT, 9100, "10.0.0.5", 3, "Deployment", None),
        ("Pod/default/static-a", Role.HOST_PORT, 7000, "None", 1, "Pod", "node-1"),
        ("Pod/default/static-b", Role.HOST_PORT, 7000, "None", 1, "Pod", "node-1"),
    }


def test_daemonsets_collide_as_errors_and_other_workloads_as_scheduling_warnings():
    report = run(K8S / "nodes")
    severities = {(f.location.line, f.severity) for f in report.findings if f.rule == "PL101"}
    assert severities == {
        (18, Severity.ERROR),
        (37, Severity.ERROR),
        (57, Severity.WARNING),
        (71, Severity.ERROR),
        (87, Severity.ERROR),
    }
    (warning,) = [f for f in report.findings if f.rule == "PL101" and f.location.line == 57]
    assert "scheduling constraint" in warning.message


def test_nodeports_are_cluster_wide_and_zero_means_allocated():
    nodeports = [b for b in _bindings(K8S / "nodeports") if b.role == Role.NODE_PORT]
    assert sorted((b.owner, b.port, b.namespace.key) for b in nodeports) == [
        ("Service/default/web", 30080, "k8s-nodeports:default"),
        ("Service/ops/admin", 30080, "k8s-nodeports:default"),
    ]


def test_nodeport_collision_is_an_error():
    report = run(K8S / "nodeports")
    severities = {
        f.severity for f in report.findings if f.rule == "PL101" and f.location.column == 17
    }
    assert severities == {Severity.ERROR}


def test_service_ports_are_one_namespace_per_service_and_file():
    ports = [b for b in _bindings(K8S / "nodeports") if b.role == Role.SERVICE_PORT]
    namespaces = {b.namespace.key for b in ports}
    assert namespaces == {
        "service:default/default/web@" + _display(K8S / "nodeports" / "services.yaml"),
        "service:default/ops/admin@" + _display(K8S / "nodeports" / "services.yaml"),
    }
    assert {b.owner for b in ports if "admin" in b.owner} == {
        "Service/ops/admin#0",
        "Service/ops/admin#1",
    }


def _display(path: Path) -> str:
    from portlint.source import display_path

    return display_path(path)


def test_copies_of_one_object_in_two_files_never_collide():
    assert findings(K8S / "overlay" / "base", K8S / "overlay" / "prod" / "api.yaml") == []


def test_a_strategic_merge_patch_is_not_judged_on_what_it_leaves_out():
    assert findings(K8S / "overlay") == []


def test_list_items_are_objects():
    assert findings(K8S / "list") == [("PL401", "list.yaml", 15, 23)]


def test_tab_indented_json_and_surrogate_escapes_are_read():
    assert findings(K8S / "json") == [("PL401", "service.json", 8, 31)]


def test_stdin_gives_the_same_findings_as_the_file():
    text = (K8S / "list" / "list.yaml").read_text()
    report = run("-", stdin=text)
    assert [
        (f.rule, f.location.path, f.location.line, f.location.column) for f in report.findings
    ] == [("PL401", "<stdin>", 15, 23)]


def test_helm_template_stream_on_stdin_is_read_document_by_document():
    stream = (
        "---\n# Source: chart/templates/svc.yaml\n"
        + (K8S / "nodeports" / "services.yaml").read_text()
    )
    file_rows = [(r, line, col) for r, _, line, col in findings(K8S / "nodeports")]
    report = run("-", stdin=stream)
    # Attributed to the `# Source:` file (not in this directory: the stream's own lines).
    assert {f.location.path for f in report.findings} == {"chart/templates/svc.yaml"}
    stdin_rows = [(f.rule, f.location.line, f.location.column) for f in report.findings]
    assert stdin_rows == file_rows


def test_templates_are_unrendered_template_notes_that_say_to_render():
    report = run(K8S / "templates")
    messages = {Path(f.location.path).name: f.message for f in report.findings}
    assert set(messages) == {"deployment.yaml", "mustache.yaml", "quoted.yaml"}
    assert all("render it" in m for m in messages.values())
    assert {(f.rule, f.severity.value) for f in report.findings} == {("PL007", "info")}


def test_annotation_on_the_pod_template_suppresses_only_the_named_rules():
    text = (
        (K8S / "pod" / "web.yaml")
        .read_text()
        .replace(
            "      labels: {app: web}\n    spec:",
            "      labels: {app: web}\n      annotations:\n"
            '        portlint.dev/ignore: "port-collision"\n    spec:',
        )
    )
    assert [f.rule for f in run("-", stdin=text).findings] == []
    text = text.replace('"port-collision"', '"PL202"')
    assert {f.rule for f in run("-", stdin=text).findings} == {"PL101"}


def test_clusters_split_bindings_by_path():
    config = {"clusters": [{"name": "{parent}", "paths": ["**"]}]}
    report = run(K8S / "nodes", K8S / "nodeports", config=config)
    by_cluster = {b.namespace.group.rsplit("/", 1)[-1] for b in report.model.bindings}
    assert by_cluster == {"nodes", "nodeports"}
    node_ports = {
        b.namespace.key.rsplit("/", 1)[-1]
        for b in report.model.bindings
        if b.role == Role.NODE_PORT
    }
    assert node_ports == {"nodeports"}


def test_pl202_extras_follow_container_over_pod_security_context():
    extras = {
        (b.container.name, b.port): (b.container.non_root, b.container.net_bind_dropped)
        for b in _bindings(FIXTURES / "PL202" / "fail-k8s-non-root")
        if b.role == Role.CONTAINER and b.container is not None
    }
    assert extras == {
        ("nginx", 80): (True, False),
        ("nginx", 8080): (True, False),
        ("tls", 443): (True, False),
        ("dns", 53): (None, True),
    }


def test_numeric_target_port_is_a_warning_and_named_an_error():
    report = run(FIXTURES / "PL401" / "fail-k8s-target-ports")
    assert [(f.location.line, f.severity) for f in report.findings if f.rule == "PL401"] == [
        (34, Severity.ERROR),
        (36, Severity.WARNING),
        (39, Severity.ERROR),
    ]


def test_wrong_types_everywhere_are_diagnostics_not_crashes():
    rows = [(rule, line, col) for rule, _, line, col in findings(K8S / "hostile")]
    assert rows == [
        ("PL002", 20, 34),
        ("PL002", 20, 57),
        ("PL002", 20, 96),
        ("PL005", 20, 106),
        ("PL002", 20, 140),
        ("PL002", 20, 146),
        ("PL002", 21, 40),
        ("PL002", 21, 62),
        # `{port: ~}` is a port without a number (PL002) that still makes the Service a
        # two-port one, so the unnamed port 80 is PL404.
        ("PL404", 30, 18),
        ("PL002", 30, 34),
        ("PL002", 30, 49),
        ("PL002", 30, 58),
        ("PL002", 36, 74),
    ]


def test_yaml_11_yes_turns_host_network_on():
    listeners = [b for b in _bindings(K8S / "hostile") if b.role == Role.LISTEN]
    assert [(b.port, b.location.column) for b in listeners] == [(80, 80), (81, 126)]  # 0x50

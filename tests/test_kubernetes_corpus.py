"""The Kubernetes examples corpus: every file is read without a crash, and the findings
are the ones reviewed in the Kubernetes report (each a true positive, see NOTES.md)."""

from __future__ import annotations

from pathlib import Path

import pytest

from helpers import CORPUS, run

K8S = CORPUS / "kubernetes"

pytestmark = pytest.mark.skipif(not K8S.is_dir(), reason="shared corpus not present")

#: (rule, path below kubernetes/examples/, line, column) of the reviewed findings.
EXPECTED_K8S_RULES = {
    # PL401 checks each selected workload: the examples share the default namespace, and
    # these Services also select another example's pods that lack the port (true if both
    # examples are deployed together, as the scan assumes).
    ("PL401", "_archived/elasticsearch/es-svc.yaml", 13, 11),
    ("PL401", "_archived/https-nginx/nginx-app.yaml", 13, 11),
    ("PL401", "web/guestbook-go/guestbook-service.yaml", 10, 17),
    ("PL401", "web/guestbook-go/redis-master-service.yaml", 11, 17),
    ("PL401", "web/guestbook-go/redis-replica-service.yaml", 11, 17),
    # A repeated mapping key (YAML forbids it; kubectl rejects the file), at the second key.
    ("PL001", "_archived/openshift-origin/etcd-controller.yaml", 12, 3),
    ("PL001", "_archived/openshift-origin/etcd-discovery-controller.yaml", 12, 3),
    ("PL001", "_archived/openshift-origin/openshift-controller.yaml", 12, 3),
    ("PL001", "_archived/persistent-volume-provisioning/quobyte/quobyte-admin-secret.yaml", 9, 1),
    ("PL001", "_archived/volumes/scaleio/sc-pvc.yaml", 12, 3),
    ("PL007", "_archived/newrelic-infrastructure/newrelic-config-template.yaml", 7, 11),
    ("PL007", "_archived/newrelic/newrelic-config-template.yaml", 7, 11),
    ("PL007", "_archived/storage/vitess/etcd-controller-template.yaml", 4, 14),
    ("PL007", "_archived/storage/vitess/etcd-service-template.yaml", 4, 14),
    ("PL007", "_archived/storage/vitess/vtctld-controller-template.yaml", 47, 15),
    ("PL007", "_archived/storage/vitess/vtgate-controller-template.yaml", 6, 13),
    ("PL007", "_archived/storage/vitess/vttablet-pod-template.yaml", 4, 18),
    ("PL002", "_archived/podsecuritypolicy/rbac/policies.yaml", 24, 10),
    ("PL002", "_archived/volumes/aws_ebs/aws-ebs-web.yaml", 12, 21),
    ("PL002", "_archived/volumes/cinder/cinder-web.yaml", 12, 21),
    ("PL401", "_archived/volumes/flocker/flocker-pod-with-rc.yml", 11, 17),
}
OWN_RULES = {"PL001", "PL002", "PL007", "PL005", "PL202", "PL401", "PL402", "PL403", "PL404"}


def test_every_manifest_is_read_without_an_internal_error():
    report = run(K8S)
    # Every file is checked but five that hold no object portlint models: four Prometheus
    # custom resources (ServiceMonitor, PrometheusRule) and a New Relic agent config.
    assert report.files == sum(1 for p in K8S.rglob("*") if p.is_file()) - 5
    assert not [f for f in report.findings if "internal error" in f.message]


def test_findings_of_the_kubernetes_rules_are_the_reviewed_ones():
    report = run(K8S)
    examples = (K8S / "examples").resolve()
    rows = {
        (
            f.rule,
            Path(f.location.path).resolve().relative_to(examples).as_posix(),
            f.location.line,
            f.location.column,
        )
        for f in report.findings
        if f.rule in OWN_RULES
    }
    assert rows == EXPECTED_K8S_RULES


def test_template_placeholders_are_unrendered_templates_not_parse_errors():
    report = run(K8S)
    assert not [
        f for f in report.findings if f.rule == "PL001" and "duplicate key" not in f.message
    ]
    templates = {f.location.path.rsplit("/", 1)[-1] for f in report.findings if f.rule == "PL007"}
    assert all(name.endswith("-template.yaml") for name in templates)
    assert len(templates) == 6

"""ConfigMaps in Kubernetes manifests: app configs parsed with positions inside the value,
bindings only in the containers that mount them, ConfigMap environment, ports a mounted
config sets (PL401), full objects without `image:`, containers of one name, hostNetwork
defaults."""

from __future__ import annotations

from pathlib import Path

from helpers import FIXTURES, findings, run
from portlint.config import build_options
from portlint.parsers import ParseContext
from portlint.parsers.kubernetes.configmaps import mentioned_ports
from portlint.parsers.kubernetes.patches import is_patch_file
from portlint.source import SourceFile

CASES = FIXTURES / "configmaps"


def _bindings(case: str) -> list[tuple[str, int, str, str, str, int, int]]:
    """(namespace kind, port, protocol, owner, file, line, column) of every binding."""
    report = run(CASES / case)
    return sorted(
        (
            b.namespace.kind,
            b.port,
            b.protocol.value,
            b.owner,
            Path(b.location.path).name,
            b.location.line,
            b.location.column,
        )
        for b in report.model.bindings
    )


def test_mounted_configs_bind_in_the_mounting_container_at_their_exact_positions() -> None:
    bindings = [b for b in _bindings("mounted") if b[4] == "configmap.yaml"]
    assert bindings == [
        # redis.conf (`|2-`, an indentation indicator) through a projected volume's items
        ("pod", 6380, "tcp", "Deployment/shop/web/cache", "configmap.yaml", 17, 12),
        # nginx.conf (`|`) via subPath, only in the nginx container
        ("pod", 8080, "tcp", "Deployment/shop/web/nginx", "configmap.yaml", 11, 16),
        ("pod", 8081, "tcp", "Deployment/shop/web/nginx", "configmap.yaml", 12, 26),
        # a quoted one-line value, mounted as a directory
        ("pod", 8082, "tcp", "Deployment/shop/web/nginx", "configmap.yaml", 25, 39),
    ]
    # The unused ConfigMap's `listen 9090` is on no host.
    assert not any(b[1] == 9090 for b in _bindings("mounted"))


def test_mounted_config_ports_are_served_for_pl401() -> None:
    assert findings(CASES / "mounted", rules={"PL401"}) == [("PL401", "deployment.yaml", 65, 19)]


def test_otel_collector_receivers_in_a_configmap() -> None:
    bindings = [b for b in _bindings("otel") if b[0] == "pod" and b[5] < 30]
    assert bindings == [
        ("pod", 4317, "tcp", "Deployment/default/collector/collector", "collector.yaml", 11, 31),
        ("pod", 5317, "tcp", "Deployment/default/collector/collector", "collector.yaml", 15, 32),
        ("pod", 6831, "udp", "Deployment/default/collector/collector", "collector.yaml", 19, 24),
    ]
    # 5317 is served by the otlp/secured receiver; 8888 by nothing.
    assert findings(CASES / "otel", rules={"PL401"}) == [("PL401", "collector.yaml", 73, 19)]


def test_ports_an_unparsed_mounted_config_sets_count_as_possibly_served() -> None:
    # bundle_endpoint { port = 8443 } serves targetPort 8443; 9000 is nowhere. The Deployment
    # that declares no ports is not judged because of its config either.
    assert findings(CASES / "hcl", rules={"PL401"}) == [("PL401", "server.yaml", 57, 19)]


def test_mentioned_ports() -> None:
    text = 'bind_port = "8081"\nport: 8443\n  listen 127.0.0.1 9000;\nurl = "http://db:5432"\n'
    assert mentioned_ports(text) == {8081, 8443, 9000, 5432}
    assert mentioned_ports("timeout = 30\nretries: 3\n") == set()


def test_configmap_environment_feeds_documented_listen_ports() -> None:
    bindings = [b for b in _bindings("envfrom") if b[0] == "pod"]
    assert bindings == [
        ("pod", 8080, "tcp", "Deployment/default/api/api", "app.yaml", 6, 10),  # envFrom
        ("pod", 9090, "tcp", "Deployment/default/api/admin", "app.yaml", 14, 17),  # keyRef
    ]
    report = run(CASES / "envfrom")
    problems = [(f.rule, f.location.line, f.location.column, f.message) for f in report.findings]
    assert (
        "PL002",
        15,
        25,
        "environment variable GF_SERVER_HTTP_PORT: port 70000 is outside 1-65535",
    ) in problems
    assert findings(CASES / "envfrom", rules={"PL401"}) == [("PL401", "app.yaml", 66, 19)]


def test_full_object_without_image_is_checked_and_a_partial_document_is_not() -> None:
    # app.yaml: a whole Deployment whose container has no image; patch.yaml: no selector.
    assert findings(CASES / "no-image", rules={"PL401"}) == [("PL401", "app.yaml", 27, 19)]


def test_a_file_a_kustomization_names_as_a_patch_is_a_patch(tmp_path: Path) -> None:
    (tmp_path / "kustomization.yaml").write_text(
        "resources: [base.yaml]\npatches:\n  - path: patches/web.yaml\n"
        "patchesStrategicMerge:\n  - other.yaml\n"
    )
    (tmp_path / "patches").mkdir()
    for name in ("patches/web.yaml", "other.yaml", "base.yaml"):
        (tmp_path / name).write_text("kind: Deployment\n")

    def read(path: Path) -> SourceFile | None:
        return SourceFile(path, str(path), path.read_text())

    ctx = ParseContext(build_options({}, None), [tmp_path], read)
    assert is_patch_file(SourceFile(tmp_path / "patches/web.yaml", "w", ""), ctx)
    assert is_patch_file(SourceFile(tmp_path / "other.yaml", "o", ""), ctx)
    assert not is_patch_file(SourceFile(tmp_path / "base.yaml", "b", ""), ctx)


def test_containers_of_one_name_are_two_owners() -> None:
    assert findings(CASES / "same-name", rules={"PL006", "PL101"}) == [
        ("PL101", "pod.yaml", 10, 26),
        ("PL006", "pod.yaml", 11, 13),
        ("PL101", "pod.yaml", 14, 26),
    ]
    owners = {b[3] for b in _bindings("same-name")}
    assert owners == {"Pod/default/twins/app", "Pod/default/twins/app#2"}


def test_host_network_known_software_without_ports_binds_its_default() -> None:
    node = [b for b in _bindings("hostnet") if b[0] == "k8s-node"]
    assert node == [
        ("k8s-node", 6379, "tcp", "DaemonSet/infra/cache", "daemonset.yaml", 16, 18),
        ("k8s-node", 6379, "tcp", "DaemonSet/infra/other-cache", "daemonset.yaml", 37, 25),
    ]
    report = run(CASES / "hostnet")
    inferred = [b for b in report.model.bindings if b.default]
    assert [b.source for b in inferred] == ["default of Redis (host network, inferred)"]


def _positions(manifest: str) -> list[tuple[int, int, int, int]]:
    """Where (line, column) value line 1 column 1 and value line 2 column 3 go."""
    import yaml

    from portlint.parsers.kubernetes.embedded import PositionMap
    from portlint.source import Location

    source = SourceFile(Path("m.yaml"), "m.yaml", manifest)
    node = yaml.compose(manifest).value[0][1]
    positions = PositionMap.of(source, node)
    first = positions.location(Location("m.yaml", 1, 1, 1, 2))
    second = positions.location(Location("m.yaml", 2, 3, 2, 4))
    return [(first.line, first.column, second.line, second.column)]


def test_value_positions_map_into_the_manifest() -> None:
    assert _positions("key: |+\n    ab\n    cdef\n\n") == [(2, 5, 3, 7)]
    assert _positions("key: |-\n  ab\n    cdef\n") == [(2, 3, 3, 5)]  # more indented line
    assert _positions("key: |1\n   ab\n   cdef\n") == [(2, 2, 3, 4)]  # indicator: 1 space
    assert _positions('key: "abc"\n') == [(1, 7, 1, 9)]
    assert _positions("key: abc\n") == [(1, 6, 1, 8)]
    # Not verbatim (folded, an escaped quote): the value's start.
    assert _positions("key: >\n  ab\n  cd\n") == [(1, 6, 1, 6)]
    assert _positions("key: 'it''s'\n") == [(1, 6, 1, 6)]


def test_a_bad_port_in_a_configmap_config_is_pl002_at_its_characters(tmp_path: Path) -> None:
    (tmp_path / "cm.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n"
        "  nginx.conf: |\n    http {\n      server {\n        listen 99999;\n      }\n    }\n"
    )
    assert findings(tmp_path, rules={"PL002"}) == [("PL002", "cm.yaml", 9, 16)]


def test_a_host_network_pod_mounting_a_config_listens_on_the_node(tmp_path: Path) -> None:
    (tmp_path / "ds.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n"
        "  redis.conf: |\n    port 7000\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  hostNetwork: true\n"
        "  containers:\n    - name: redis\n      image: redis:7\n"
        "      volumeMounts: [{name: c, mountPath: /etc/redis}]\n"
        "  volumes: [{name: c, configMap: {name: c}}]\n"
    )
    report = run(tmp_path)
    node = [
        (b.port, b.location.line, b.location.column, b.default)
        for b in report.model.bindings
        if b.namespace.kind == "k8s-node"
    ]
    assert node == [(7000, 7, 10, False)]  # the config's port, not Redis's default 6379


def test_resolving_again_does_not_accumulate() -> None:
    """The language server merges the same parse results anew and resolves them after
    every edit: what the resolve stage sets on a container is set afresh."""
    from portlint.k8s_mounts import mount_configmaps
    from portlint.model import ParseResult
    from portlint.parsers.kubernetes import KubernetesParser
    from portlint.yamlnodes import compose_documents

    options = build_options({}, None)
    text = (CASES / "envfrom" / "app.yaml").read_text()
    source = SourceFile(CASES / "envfrom" / "app.yaml", "app.yaml", text)
    parsed = KubernetesParser().parse(
        compose_documents(source, options.limits), ParseContext(options, [CASES])
    )
    for _ in range(2):
        result = ParseResult()
        result.extend(parsed)
        mount_configmaps(result, lambda path: "default")
    api = parsed.workloads[0].containers[0]
    assert [p.number for p in api.env_ports] == [8080]


def test_a_non_root_container_listening_below_1024_by_its_configmap_is_pl202(
    tmp_path: Path,
) -> None:
    (tmp_path / "web.yaml").write_text(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\ndata:\n"
        "  nginx.conf: |\n    http {\n      server {\n        listen 80;\n      }\n    }\n---\n"
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n"
        "  securityContext: {runAsNonRoot: true}\n"
        "  containers:\n    - name: web\n      image: nginx:1.27\n"
        "      volumeMounts: [{name: c, mountPath: /etc/nginx/nginx.conf, subPath: nginx.conf}]\n"
        "  volumes: [{name: c, configMap: {name: c}}]\n"
    )
    assert findings(tmp_path, rules={"PL202"}) == [("PL202", "web.yaml", 9, 16)]

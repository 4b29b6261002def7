"""Property-based tests (hypothesis): generated Compose and Kubernetes documents and port
strings never crash the check, every finding points inside its file, the Compose short and
long port syntaxes agree, and the depth pre-scan agrees with the real nesting."""

from __future__ import annotations

import string
import tempfile
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from helpers import run
from portlint.engine import Report
from portlint.options import Limits
from portlint.source import SourceFile
from portlint.yamlnodes import YamlLimitError, compose_documents

SETTINGS = settings(
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)

# --- strategies ----------------------------------------------------------------------

port_numbers = st.one_of(
    st.integers(-3, 70_000),
    st.sampled_from([0, 1, 22, 53, 80, 443, 1023, 1024, 5432, 8080, 30000, 32768, 65535]),
)
addresses = st.sampled_from(["", "127.0.0.1", "0.0.0.0", "10.1.2.3", "[::1]", "[::]", "::", "x"])
protocols = st.sampled_from(["", "/tcp", "/udp", "/sctp", "/TCP", "/quic", "/"])


@st.composite
def port_strings(draw) -> str:
    """Mostly well-formed Compose short syntax, sometimes noise."""
    if draw(st.integers(0, 5)) == 0:
        return draw(st.text(alphabet="0123456789:-/.[]abcdptu${}_ ", max_size=30))
    target = str(draw(port_numbers))
    if draw(st.booleans()):
        target += f"-{draw(port_numbers)}"
    parts = [target]
    if draw(st.booleans()):
        published = str(draw(port_numbers))
        if draw(st.integers(0, 3)) == 0:
            published += f"-{draw(port_numbers)}"
        if draw(st.integers(0, 4)) == 0:
            published = "${PORT:-" + published + "}"
        parts.insert(0, published)
        address = draw(addresses)
        if address:
            parts.insert(0, address)
    return ":".join(parts) + draw(protocols)


scalars = st.one_of(
    st.none(),
    st.booleans(),
    port_numbers,
    st.text(max_size=12),
    port_strings(),
    st.floats(allow_nan=True),
)
any_value = st.recursive(
    scalars,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=6), children, max_size=3)
    ),
    max_leaves=8,
)
long_ports = st.dictionaries(
    st.sampled_from(["target", "published", "host_ip", "protocol", "mode", "name", "x"]),
    st.one_of(port_numbers, port_strings(), addresses, st.none(), any_value),
    max_size=5,
)
port_entries = st.one_of(port_strings(), port_numbers, long_ports, any_value)
services = st.one_of(
    st.none(),
    any_value,
    st.fixed_dictionaries(
        {},
        optional={
            "image": st.sampled_from(["nginx", "postgres:16", "redis", "bitnami/kafka", ""]),
            "ports": st.one_of(st.lists(port_entries, max_size=4), port_entries),
            "expose": st.one_of(
                st.lists(st.one_of(port_numbers, port_strings()), max_size=3), any_value
            ),
            "network_mode": st.sampled_from(
                ["host", "bridge", "none", "service:s0", "container:x", "service:"]
            ),
            "deploy": st.one_of(
                st.fixed_dictionaries(
                    {"replicas": st.one_of(st.integers(-1, 4), st.text(max_size=3))}
                ),
                any_value,
            ),
            "profiles": st.one_of(st.lists(st.text(max_size=4), max_size=2), any_value),
            "extends": any_value,
        },
    ),
)
service_names = st.text(
    alphabet=string.ascii_lowercase + string.digits + "-_", min_size=1, max_size=6
)
compose_documents_ = st.one_of(
    st.fixed_dictionaries({"services": st.dictionaries(service_names, services, max_size=4)}),
    st.fixed_dictionaries({"services": any_value}),
    any_value,
)

k8s_ports = st.one_of(
    st.fixed_dictionaries(
        {},
        optional={
            "name": st.one_of(st.text(alphabet="abc-xyz019", max_size=17), any_value),
            "containerPort": st.one_of(port_numbers, any_value),
            "hostPort": st.one_of(port_numbers, any_value),
            "protocol": st.one_of(st.sampled_from(["TCP", "UDP", "SCTP", "tcp", "X"]), any_value),
            "hostIP": st.one_of(addresses, any_value),
        },
    ),
    any_value,
)
probe = st.one_of(
    st.fixed_dictionaries(
        {
            "httpGet": st.fixed_dictionaries(
                {
                    "port": st.one_of(
                        port_numbers, st.text(alphabet="abcxyz-", max_size=8), any_value
                    )
                }
            )
        }
    ),
    st.fixed_dictionaries(
        {"tcpSocket": st.fixed_dictionaries({"port": st.one_of(port_numbers, st.text(max_size=5))})}
    ),
    any_value,
)
containers = st.lists(
    st.one_of(
        st.fixed_dictionaries(
            {"name": st.sampled_from(["a", "b"])},
            optional={
                "image": st.sampled_from(["nginx", "postgres", "envoyproxy/envoy"]),
                "ports": st.one_of(st.lists(k8s_ports, max_size=3), any_value),
                "readinessProbe": probe,
                "livenessProbe": probe,
                "securityContext": st.one_of(
                    st.fixed_dictionaries({"runAsNonRoot": st.booleans()}), any_value
                ),
            },
        ),
        any_value,
    ),
    max_size=3,
)
pod_specs = st.one_of(
    st.fixed_dictionaries(
        {"containers": containers},
        optional={
            "hostNetwork": st.one_of(st.booleans(), any_value),
            "initContainers": containers,
        },
    ),
    any_value,
)
metadata = st.one_of(
    st.fixed_dictionaries(
        {"name": st.sampled_from(["web", "db"])},
        optional={
            "namespace": st.sampled_from(["default", "prod"]),
            "labels": st.fixed_dictionaries({"app": st.sampled_from(["web", "db"])}),
        },
    ),
    any_value,
)
service_spec = st.fixed_dictionaries(
    {},
    optional={
        "type": st.sampled_from(["ClusterIP", "NodePort", "LoadBalancer", "X"]),
        "selector": st.one_of(
            st.fixed_dictionaries({"app": st.sampled_from(["web", "db"])}), any_value
        ),
        "ports": st.one_of(
            st.lists(
                st.one_of(
                    st.fixed_dictionaries(
                        {},
                        optional={
                            "name": st.text(alphabet="abc-", max_size=5),
                            "port": st.one_of(port_numbers, any_value),
                            "targetPort": st.one_of(
                                port_numbers, st.sampled_from(["http", "x"]), any_value
                            ),
                            "nodePort": st.one_of(port_numbers, any_value),
                            "protocol": st.sampled_from(["TCP", "UDP"]),
                        },
                    ),
                    any_value,
                ),
                max_size=3,
            ),
            any_value,
        ),
    },
)
k8s_objects = st.one_of(
    st.fixed_dictionaries(
        {
            "apiVersion": st.just("v1"),
            "kind": st.just("Pod"),
            "metadata": metadata,
            "spec": pod_specs,
        }
    ),
    st.fixed_dictionaries(
        {
            "apiVersion": st.just("apps/v1"),
            "kind": st.sampled_from(["Deployment", "StatefulSet", "DaemonSet"]),
            "metadata": metadata,
            "spec": st.one_of(
                st.fixed_dictionaries(
                    {
                        "template": st.one_of(
                            st.fixed_dictionaries({"metadata": metadata, "spec": pod_specs}),
                            any_value,
                        )
                    }
                ),
                any_value,
            ),
        }
    ),
    st.fixed_dictionaries(
        {
            "apiVersion": st.just("v1"),
            "kind": st.just("Service"),
            "metadata": metadata,
            "spec": st.one_of(service_spec, any_value),
        }
    ),
    st.fixed_dictionaries(
        {
            "apiVersion": st.sampled_from(["v1", 5]),
            "kind": st.sampled_from(["Ingress", "List", "Pod"]),
            "metadata": metadata,
            "spec": any_value,
            "items": any_value,
        }
    ),
)


def _dump(documents: list, flow: bool | None) -> str:
    return yaml.safe_dump_all(
        documents, default_flow_style=flow, sort_keys=False, allow_unicode=True
    )


# --- the properties ------------------------------------------------------------------


def _positions_inside(report: Report, files: dict[str, str]) -> None:
    """Every finding and related location names a line and column that exist."""
    for finding in report.findings:
        locations = [finding.location, *(r.location for r in finding.related)]
        for loc in locations:
            name = Path(loc.path).name
            if name not in files:
                continue
            lines = files[name].split("\n")
            assert 1 <= loc.line <= len(lines), (finding, loc)
            assert 1 <= loc.column <= len(lines[loc.line - 1]) + 1, (finding, loc)
            assert (loc.end_line, loc.end_column) >= (loc.line, loc.column), (finding, loc)
            assert loc.end_line <= len(lines), (finding, loc)


@pytest.fixture(scope="module")
def workdir():
    with tempfile.TemporaryDirectory() as directory:
        yield Path(directory)


def _check_text(workdir: Path, name: str, text: str) -> Report:
    for old in workdir.iterdir():
        old.unlink()
    (workdir / name).write_text(text, encoding="utf-8")
    report = run(workdir)  # debug=True: a parser or rule crash fails the example
    _positions_inside(report, {name: text})
    return report


@SETTINGS
@given(
    documents=st.lists(compose_documents_, min_size=1, max_size=2),
    flow=st.sampled_from([None, True, False]),
)
def test_generated_compose_files_never_crash_and_point_inside(workdir, documents, flow):
    _check_text(workdir, "compose.yaml", _dump(documents, flow))


@SETTINGS
@given(entries=st.lists(st.one_of(port_strings(), st.text(max_size=20)), min_size=1, max_size=5))
def test_any_port_string_plain_or_quoted(workdir, entries):
    # Written by hand, not dumped: plain scalars reach the YAML 1.1 edge cases (22:22).
    lines = ["services:", "  web:", "    ports:"]
    for i, entry in enumerate(entries):
        if "\n" in entry or "\r" in entry or not entry.isprintable():
            continue
        text = entry if i % 2 else yaml.safe_dump(entry, default_style='"').strip()
        lines.append(f"      - {text}")
    try:
        yaml.compose(("\n".join(lines) + "\n"), Loader=yaml.CSafeLoader)
    except yaml.YAMLError:
        assume(False)  # a plain scalar that is not valid YAML: PL001, covered elsewhere
    _check_text(workdir, "compose.yaml", "\n".join(lines) + "\n")


@SETTINGS
@given(objects=st.lists(k8s_objects, min_size=1, max_size=4), flow=st.sampled_from([None, False]))
def test_generated_kubernetes_manifests_never_crash_and_point_inside(workdir, objects, flow):
    _check_text(workdir, "k8s.yaml", _dump(objects, flow))


@st.composite
def mappings(draw) -> dict:
    """One port mapping: Compose long-syntax fields (no variables, valid values)."""
    target = draw(st.integers(1, 65535))
    mapping: dict = {"target": target}
    if draw(st.booleans()):
        published = draw(st.integers(1, 65535))
        if draw(st.integers(0, 3)) == 0:
            published_text = f"{published}-{min(65535, published + draw(st.integers(0, 3)))}"
        else:
            published_text = str(published)
        mapping["published"] = published_text
        if draw(st.booleans()):
            mapping["host_ip"] = draw(st.sampled_from(["127.0.0.1", "0.0.0.0", "::1", "::"]))
    if draw(st.booleans()):
        mapping["protocol"] = draw(st.sampled_from(["tcp", "udp", "sctp"]))
    return mapping


def _short(mapping: dict) -> str:
    text = str(mapping["target"])
    if "published" in mapping:
        text = f"{mapping['published']}:{text}"
        address = mapping.get("host_ip")
        if address:
            text = f"[{address}]:{text}" if ":" in address else f"{address}:{text}"
    if "protocol" in mapping:
        text += "/" + mapping["protocol"]
    return text


def _bindings(report: Report) -> list[tuple]:
    return sorted(
        (
            b.role.value,
            b.protocol.value,
            str(b.address),
            b.port,
            b.end_port,
            b.v6only,
            b.namespace.kind,
        )
        for b in report.model.bindings
    )


@SETTINGS
@given(mapping=mappings())
def test_short_and_long_compose_syntax_agree(workdir, mapping):
    short = yaml.safe_dump({"services": {"svc": {"ports": [_short(mapping)]}}})
    long = yaml.safe_dump({"services": {"svc": {"ports": [mapping]}}})
    short_report = _check_text(workdir, "compose.yaml", short)
    long_report = _check_text(workdir, "compose.yaml", long)
    assert _bindings(short_report) == _bindings(long_report)
    assert sorted(f.rule for f in short_report.findings) == sorted(
        f.rule for f in long_report.findings
    )


# --- the depth pre-scan agrees with the real nesting -----------------------------------

nested = st.recursive(
    st.sampled_from([1, "x", None]),
    lambda children: (
        st.lists(children, min_size=1, max_size=2)
        | st.dictionaries(st.sampled_from(["a", "b"]), children, min_size=1, max_size=2)
    ),
    max_leaves=30,
)


def _depth(value) -> int:
    if isinstance(value, list):
        return 1 + max(_depth(v) for v in value)
    if isinstance(value, dict):
        return 1 + max(_depth(v) for v in value.values())
    return 0


@settings(max_examples=300, deadline=None)
@given(
    value=nested,
    flow=st.sampled_from([None, True, False]),
    indent=st.integers(2, 5),
    limit=st.integers(10, 14),
)
def test_depth_limit_fires_exactly_when_nesting_exceeds_it(value, flow, indent, limit):
    text = yaml.safe_dump(value, default_flow_style=flow, indent=indent)
    source = SourceFile(Path("x.yaml"), "x.yaml", text)
    try:
        compose_documents(source, Limits(max_depth=limit))
        fired = False
    except YamlLimitError:
        fired = True
    assert fired == (_depth(value) > limit)

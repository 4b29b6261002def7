"""Shapes that once made the collision search and Service selection quadratic, on sizes
where that took minutes (1,000 services on one range: 226 s; 10,000 Services over 10,000
Deployments: 258 s). No time is asserted: the counts and the bounded messages are, and
the suite finishing normally is the rest (benchmarks/hostile_scale.py prints growth)."""

from __future__ import annotations

import random
from collections import Counter
from ipaddress import ip_address
from pathlib import Path

from helpers import run
from portlint.model import Binding, Namespace, Protocol, Role
from portlint.rules import clash_search
from portlint.source import Location


def _compose_ranges(tree: Path, n: int) -> Path:
    lines = ["services:"]
    for i in range(n):
        lines += [f"  s{i}:", "    image: example/app", '    ports: ["20000-20999:20000-20999"]']
    (tree / "compose.yaml").write_text("\n".join(lines) + "\n")
    return tree


def _selecting_services(tree: Path, n: int) -> Path:
    docs = []
    for i in range(n):
        docs.append(
            f"apiVersion: apps/v1\nkind: Deployment\nmetadata: {{name: d{i}}}\nspec:\n"
            "  template:\n    metadata: {labels: {app: shop}}\n    spec:\n"
            "      containers: [{name: app, image: example/app, ports: [{containerPort: 8080}]}]\n"
        )
        docs.append(
            f"apiVersion: v1\nkind: Service\nmetadata: {{name: s{i}}}\n"
            "spec: {selector: {app: shop}, ports: [{port: 80, targetPort: 9090}]}\n"
        )
    (tree / "manifests.yaml").write_text("---\n".join(docs))
    return tree


def test_a_thousand_services_on_one_range_each_collide_with_a_bounded_list(tmp_path):
    report = run(_compose_ranges(tmp_path, 1000))
    assert Counter(f.rule for f in report.findings) == {"PL101": 1000}
    first = report.findings[0]
    assert (first.location.line, first.location.column) == (4, 14)
    assert first.message == (
        f"host port 20000-20999/tcp on the host of compose project {tmp_path}/ is also bound "
        "by service 's1' "
        f"({tmp_path / 'compose.yaml'}:7) and 998 others; move one of them to a free range"
    )
    assert [r.location.line for r in first.related] == [7, 10, 13]
    assert all(len(f.related) == 3 and "and 998 others" in f.message for f in report.findings)


def test_ten_thousand_services_selecting_the_same_deployments_name_three_of_them(tmp_path):
    report = run(_selecting_services(tmp_path, 10_000))
    found = [f for f in report.findings if f.rule == "PL401"]
    assert len(found) == len(report.findings) == 10_000
    assert found[0].message == (
        "targetPort 9090/TCP of Service default/s0 is not among the ports the selected pods "
        "(Deployment/default/d0, Deployment/default/d1, Deployment/default/d2 and 9997 "
        "others) declare (8080/TCP); traffic goes to a port nothing may listen on. Point "
        "targetPort at a declared port or declare it"
    )
    assert [r.location.line for r in found[0].related] == [3, 17, 31]
    assert all(len(f.related) == 3 for f in found)


def _random_bindings(rng: random.Random) -> list[Binding]:
    bindings = []
    for i in range(rng.randint(2, 25)):
        on_node = rng.random() < 0.4
        port = rng.choice([80, 81, 82, 8080])
        end = port + rng.choice([0, 0, 1, 2, 3])
        if rng.random() < 0.05:
            port, end = 1, 5000  # a wide range: compared as an interval
        bindings.append(
            Binding(
                port,
                Protocol.TCP,
                Namespace("k8s-node" if on_node else "host", "default"),
                rng.choice([Role.PUBLISH, Role.HOST_PORT, Role.LISTEN]),
                f"owner{rng.randint(0, 6)}",
                "test",
                Location.point("f", i + 1),
                end_port=end,
                address=rng.choice([None, None, *map(ip_address, ("127.0.0.1", "0.0.0.0", "::"))]),
                v6only=rng.choice([None, True, False]),
                profiles=rng.choice([frozenset(), frozenset(), frozenset("a"), frozenset("b")]),
                project=rng.choice(["p", "q"]),
                workload_kind=rng.choice(["DaemonSet", "Deployment", None]),
                node_name=rng.choice([None, "node-1"]),
            )
        )
    return bindings


def test_shared_party_lists_and_skipped_repeat_buckets_find_what_the_full_search_finds(
    monkeypatch,
):
    """The two shortcuts of the collision search against the plain search (every bucket,
    every binding walking every party), on random mixes of ranges, addresses, profiles
    and Kubernetes node ports."""
    rng = random.Random(12)
    cases = [_random_bindings(rng) for _ in range(1500)]

    def summary(bindings: list[Binding]) -> list[tuple]:
        return [
            (id(b), [id(o) for o in c.others], c.count, c.severe)
            for b, c in clash_search.collisions(bindings)
        ]

    fast = [summary(case) for case in cases]
    plain_bucket = clash_search._bucket_clashes
    monkeypatch.setattr(clash_search, "_in_one_bucket", lambda ranges, content: set())
    monkeypatch.setattr(
        clash_search,
        "_distinct_buckets",
        # a bucket of one binding holds it alone, not in a list
        lambda buckets: ([b for b in buckets.values() if isinstance(b, list)], {}),
    )
    monkeypatch.setattr(
        clash_search,
        "_bucket_clashes",
        lambda bucket, clashes, alone, wide: plain_bucket(
            bucket, clashes, alone, {(bucket[0].namespace, bucket[0].protocol): []}
        ),
    )
    assert [summary(case) for case in cases] == fast
    assert sum(1 for found in fast if found) > 500  # the cases do collide

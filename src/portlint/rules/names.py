"""PL006: names that must be unique inside one Kubernetes object. Two ports of one
container or one Service with the same name, or two containers of one pod with the same
name: the API server rejects the object (`Duplicate value`), and a targetPort or probe
naming the port could mean either. Each copy of an object (a base, an overlay) is checked
on its own; copies are not merged here.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from portlint.findings import Finding, Related
from portlint.k8s_objects import PodTemplate, Service
from portlint.model import Model
from portlint.options import Options
from portlint.rules import check
from portlint.source import Location


@check("PL006")
def duplicate_names(model: Model, options: Options) -> Iterator[Finding]:
    for pod in model.workloads:
        kind, namespace, name = pod.ident
        subject = f"{kind}/{namespace}/{name}"
        containers = [(c.name, c.name_location) for c in pod.containers if c.name != "?"]
        yield from _duplicates(containers, f"container name in {subject}", subject)
        for container in pod.containers:
            ports = [(p.name, p.location) for p in container.ports if p.name]
            yield from _duplicates(
                ports, f"port name in container {container.name!r} of {subject}", subject
            )
    for service in model.services:
        _, namespace, name = service.ident
        subject = f"Service/{namespace}/{name}"
        ports = [(p.name, p.location) for p in service.ports if p.name]
        yield from _duplicates(ports, f"port name in {subject}", subject)


def _duplicates(
    named: Iterable[tuple[str | None, Location | None]], what: str, subject: str
) -> Iterator[Finding]:
    first: dict[str, Location] = {}
    for name, where in named:
        if name is None or where is None:
            continue
        if name not in first:
            first[name] = where
            continue
        yield Finding(
            "PL006",
            f"duplicate {what}: {name!r} is used twice; the API server rejects the object "
            "and a reference by name is ambiguous. Give each a unique name",
            where,
            related=[Related(first[name], f"{name!r} first used here")],
            key=f"{subject}|{what}|{name}",
        )


# --- PL104 ---------------------------------------------------------------------------


@check("PL104")
def duplicate_objects(model: Model, options: Options) -> Iterator[Finding]:
    """One object (cluster, kind, namespace, name) written twice in one manifest file (what
    `kubectl apply -f` applies as one) with different ports: the later definition replaces
    the earlier, so only one set of ports takes effect. Copies in other files (alternative
    samples side by side, environments, a kustomize base and its overlay) and patches
    (partial copies) are not compared."""
    groups: dict[tuple, list[PodTemplate | Service]] = defaultdict(list)
    facts: list[PodTemplate | Service] = [*model.workloads, *model.services]
    for fact in facts:
        if isinstance(fact, PodTemplate) and fact.partial:
            continue
        groups[(fact.cluster, *fact.ident, fact.location.path)].append(fact)
    for copies in groups.values():
        if len(copies) < 2:
            continue
        first = copies[0]
        for copy in copies[1:]:
            if _ports(copy) == _ports(first):
                continue
            kind, namespace, name = copy.ident
            yield Finding(
                "PL104",
                f"{kind} {namespace}/{name} is defined twice in this file with different ports: "
                "applied together, the later definition replaces the earlier one, so only "
                "one set of ports takes effect. Keep one definition",
                copy.location,
                related=[Related(first.location, f"{kind} {namespace}/{name} first defined here")],
                key=f"{kind}/{namespace}/{name}|duplicate-object",
            )


def _ports(fact: PodTemplate | Service) -> frozenset[tuple]:
    """What two copies must agree on: every declared port, by container or Service port."""
    if isinstance(fact, Service):
        return frozenset((p.port, p.name, p.protocol, p.target) for p in fact.ports)
    return frozenset(
        (c.name, p.number, p.name, p.protocol) for c in fact.containers for p in c.ports
    )

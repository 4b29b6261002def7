"""PL006: names that must be unique inside one Kubernetes object. Two ports of one
container or one Service with the same name, or two containers of one pod with the same
name: the API server rejects the object (`Duplicate value`), and a targetPort or probe
naming the port could mean either. Each copy of an object (a base, an overlay) is checked
on its own; copies are not merged here.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

from portlint.findings import Finding, Related
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

"""PL405: a declared port the process does not serve. When a container's own command line
says what its (known) program listens on, a containerPort or a published container port
outside that set reaches nothing: `tiller --listen=localhost:12345` behind a containerPort
44134, a Compose `9090:9090` to a prometheus on `--web.listen-address=:9091`.

Only `Served` facts judge: parsers report one only when the program is in the flag
grammar and a flag set a port, so an unknown program or a generic reading never does.
Another container of the same pod serving the port is enough.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

from portlint.findings import Finding, Related
from portlint.model import Binding, Model, Protocol, Role, Served
from portlint.options import Options
from portlint.rules import check


@check("PL405")
def ports_not_served(model: Model, options: Options) -> Iterator[Finding]:
    if not model.served:
        return
    own: dict[tuple[str, str], Served] = {}
    by_pod: dict[tuple[str, str], set[tuple[int, Protocol]]] = defaultdict(set)
    for fact in model.served:
        own[(fact.owner, fact.path)] = fact
        by_pod[(fact.pod, fact.path)] |= fact.ports
    for binding in model.bindings:
        if binding.source:
            continue  # set by a flag or variable: served by definition
        served = own.get((binding.owner, binding.location.path)) or own.get((binding.owner, ""))
        if served is None:
            continue
        declared = _declared(binding)
        if declared is None:
            continue
        start, end, what = declared
        pod = by_pod[(served.pod, served.path)]
        missing = [
            p for p in range(start, min(end, start + 64) + 1) if (p, binding.protocol) not in pod
        ]
        if not missing or len(missing) != end - start + 1:
            continue  # a range partly served is not judged
        yield _finding(binding, served, what, start)


def _declared(binding: Binding) -> tuple[int, int, str] | None:
    """The container-side ports a binding declares, and how to name them."""
    if binding.role != Role.CONTAINER:
        return None
    if binding.format == "kubernetes":
        return binding.port, binding.end_port, "containerPort"
    if binding.format == "compose":  # the container side of a `ports:` mapping
        return binding.port, binding.end_port, "published container port"
    return None


def _finding(binding: Binding, served: Served, what: str, port: int) -> Finding:
    listens = ", ".join(f"{p}/{proto.value}" for p, proto in sorted(served.ports)) or "no port"
    return Finding(
        "PL405",
        f"{what} {port}/{binding.protocol.value} of {binding.owner_label()} is not served: "
        f"its command line makes {served.program} listen on {listens}, so traffic to "
        f"{port} reaches nothing. Declare the port the process listens on, or change its flag",
        binding.location,
        related=[Related(where, f"{served.program} listens here") for where in served.where],
        key=f"{binding.owner}|{port}/{binding.protocol.value}",
    )

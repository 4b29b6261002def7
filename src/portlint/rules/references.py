"""PL401-PL404: Kubernetes references to ports that nobody declares — a Service's
targetPort, a probe's named port, an Ingress backend's Service port — and multi-port
Services with an unnamed port.

Resolution works on the Kubernetes objects (`portlint.k8s_objects`); which workloads a
Service selects is decided by the resolve stage (`Service.selected`). Copies of one object
(same cluster, kind, namespace and name: a base and its overlay, or a strategic-merge
patch) are merged: a port declared by any copy counts, and a reference that can only be
resolved against partial copies (patches without containers or images) is not judged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from portlint.findings import Finding, Related, Severity
from portlint.k8s_objects import Container, PodTemplate, Selection, Service, ServicePort
from portlint.model import Model, Protocol
from portlint.options import Options
from portlint.rules import check

_Key = tuple[str, str, str, str]  # (cluster, kind, namespace, name)

#: How many selected workloads a PL401 message names (and relates): a Service over 4,000
#: Deployments says "and 3,997 others", not 4,000 names per port.
MAX_LISTED = 3


def _by_object(facts: Iterable[PodTemplate | Service]) -> dict[_Key, list]:
    groups: dict[_Key, list] = defaultdict(list)
    for fact in facts:
        groups[(fact.cluster, *fact.ident)].append(fact)
    return groups


def _workload(copies: list[PodTemplate]) -> str:
    kind, namespace, name = copies[0].ident
    return f"{kind}/{namespace}/{name}"


# --- PL401 ---------------------------------------------------------------------------


@check("PL401")
def unknown_target_ports(model: Model, options: Options) -> Iterator[Finding]:
    """A Service whose targetPort no selected container declares sends traffic nowhere
    (named: the endpoint is never created) or to a port that may not be listening."""
    for service in model.services:
        selected = service.selected
        if selected is None or not selected.workloads:
            continue  # selects nothing scanned: its pods are deployed from elsewhere
        for port in service.ports:
            finding = _check_target(service, port, selected)
            if finding is not None:
                yield finding


def _check_target(service: Service, port: ServicePort, selected: Selection) -> Finding | None:
    """Each selected workload is checked on its own: a Service over two Deployments, one of
    which lacks the port, sends part of its traffic nowhere."""
    target = port.target if port.target is not None else port.port
    if target is None:
        return None
    proto = port.protocol
    # Patches: the base may declare the port; injected pods: the webhook does.
    judged = [w for w in selected.each if not w.partial and not w.injected]
    if isinstance(target, str):
        failing = [w for w in judged if proto not in w.names.get(target, ())]
    else:
        # Containers that declare no ports at all say nothing either way.
        # A number a mounted config sets is possibly served: not judged either way.
        failing = [
            w
            for w in judged
            if w.numbers and (target, proto) not in w.numbers and target not in w.possible
        ]
    if not failing:
        return None
    where = port.target_location or port.location
    _, namespace, name = service.ident
    listed_workloads = failing[:MAX_LISTED]
    workloads = ", ".join(_workload(w.copies) for w in listed_workloads)
    more = len(failing) - len(listed_workloads)
    if more:
        workloads += f" and {more} other{'s' if more != 1 else ''}"
    if len(failing) < len(selected.each):
        workloads += f"; {len(failing)} of the {len(selected.each)} selected workloads"
    related = [
        Related(w.copies[0].location, f"selected by Service {namespace}/{name}")
        for w in listed_workloads
    ]
    if isinstance(target, str):
        names: dict[str, set[Protocol]] = {}
        for w in failing:
            for known, declared in w.names.items():
                names.setdefault(known, set()).update(declared)
        protocols_named = names.get(target)
        if protocols_named:
            protocols = "/".join(sorted(p.name for p in protocols_named))
            problem = f"name port {target!r} only for {protocols}, not {proto.name}"
        else:
            problem = f"declare no port named {target!r}" + (
                f" (their named ports: {', '.join(sorted(names))})" if names else ""
            )
        return Finding(
            "PL401",
            f"targetPort {target!r} of Service {namespace}/{name} resolves to nothing: the "
            f"selected pods ({workloads}) {problem}, so the Service gets no endpoints for "
            "this port. Name the containerPort or fix the targetPort",
            where,
            related=related,
            key=f"Service/{namespace}/{name}|{target}/{proto.value}",
        )
    numbers = {n for w in failing for n in w.numbers}
    listed = ", ".join(sorted({f"{number}/{p.name}" for number, p in numbers}))
    return Finding(
        "PL401",
        f"targetPort {target}/{proto.name} of Service {namespace}/{name} is not among the "
        f"ports the selected pods ({workloads}) declare ({listed}); traffic goes to a "
        "port nothing may listen on. Point targetPort at a declared port or declare it",
        where,
        severity=Severity.WARNING,
        related=related,
        key=f"Service/{namespace}/{name}|{target}/{proto.value}",
    )


# --- PL402 ---------------------------------------------------------------------------


@check("PL402")
def unknown_probe_ports(model: Model, options: Options) -> Iterator[Finding]:
    """A probe or hook naming a port its container does not declare: the kubelet cannot
    resolve it, so the probe fails and the pod never becomes ready (or restarts)."""
    for copies in _by_object(model.workloads).values():
        containers: dict[str, list[Container]] = defaultdict(list)
        for copy in copies:
            for container in copy.containers:
                containers[container.name].append(container)
        for copy in copies:
            for container in copy.containers:
                yield from _probe_findings(copy, container, containers[container.name])


def _probe_findings(
    pod: PodTemplate, container: Container, same: list[Container]
) -> Iterator[Finding]:
    if all(c.partial for c in same):
        return
    names = {p.name for c in same for p in c.ports if p.name}
    tcp_names = {p.name for c in same for p in c.ports if p.name and p.protocol != Protocol.UDP}
    for use in container.uses:
        if not isinstance(use.value, str) or use.value in tcp_names:
            continue
        kind, namespace, name = pod.ident
        if use.value in names:  # declared, but only for UDP: probes connect over TCP
            yield Finding(
                "PL402",
                f"{use.where} of container {container.name!r} in {kind}/{namespace}/{name} "
                f"uses port {use.value!r}, which is declared UDP; httpGet, tcpSocket and "
                "grpc checks connect over TCP, so the check fails. Probe a TCP port",
                use.location,
                key=f"{kind}/{namespace}/{name}/{container.name}|{use.where}",
            )
            continue
        listed = f" (declared: {', '.join(sorted(names))})" if names else ""
        kind, namespace, name = pod.ident
        yield Finding(
            "PL402",
            f"{use.where} of container {container.name!r} in {kind}/{namespace}/{name} uses "
            f"port {use.value!r}, which that container does not declare{listed}; the kubelet "
            "cannot resolve it and the check fails. Name the containerPort or use a number",
            use.location,
            key=f"{kind}/{namespace}/{name}/{container.name}|{use.where}",
        )


# --- PL403 ---------------------------------------------------------------------------


@check("PL403")
def unknown_backend_ports(model: Model, options: Options) -> Iterator[Finding]:
    """An Ingress backend port the Service does not define: the controller has no
    endpoints for the rule and answers 503."""
    services = _by_object(model.services)
    for backend in model.backends:
        namespace = backend.ingress[1]
        copies = services.get((backend.cluster, "Service", namespace, backend.service))
        if not copies or not any(copy.ports for copy in copies):
            continue  # a Service not scanned, or a patch without its ports
        ports = [p for copy in copies for p in copy.ports]
        if isinstance(backend.port, int):
            if any(p.port == backend.port for p in ports):
                continue
            listed = ", ".join(sorted({str(p.port) for p in ports if p.port is not None}))
        else:
            if any(p.name == backend.port for p in ports):
                continue
            listed = ", ".join(sorted({p.name for p in ports if p.name})) or "no named ports"
        yield Finding(
            "PL403",
            f"Ingress {namespace}/{backend.ingress[2]} sends traffic to port "
            f"{backend.port!r} of Service {namespace}/{backend.service}, which defines "
            f"{listed}; the backend has no endpoints. Use one of the Service's ports",
            backend.location,
            related=[Related(copies[0].location, f"Service {namespace}/{backend.service}")],
            key=f"Ingress/{namespace}/{backend.ingress[2]}|{backend.service}:{backend.port}",
        )


# --- PL404 ---------------------------------------------------------------------------


@check("PL404")
def unnamed_service_ports(model: Model, options: Options) -> Iterator[Finding]:
    """A Service with several ports must name every one: the API server rejects it."""
    for copies in _by_object(model.services).values():
        named: set[tuple[int | None, Protocol]] = {
            (p.port, p.protocol) for copy in copies for p in copy.ports if p.name
        }
        for service in copies:
            if len(service.ports) < 2:
                continue
            for port in service.ports:
                if port.name or port.port is None or (port.port, port.protocol) in named:
                    continue  # a port without a number is already a PL002
                _, namespace, name = service.ident
                yield Finding(
                    "PL404",
                    f"port {port.port}/{port.protocol.name} of Service {namespace}/{name} "
                    f"has no name, but the Service has {len(service.ports)} ports: the API "
                    "server rejects it (spec.ports[].name is required). Add a name",
                    port.location,
                    key=f"Service/{namespace}/{name}|{port.port}",
                )

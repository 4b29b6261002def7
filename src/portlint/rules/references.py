"""PL401-PL404: Kubernetes references to ports that nobody declares — a Service's
targetPort, a probe's named port, an Ingress backend's Service port — and multi-port
Services with an unnamed port.

Resolution works on the Kubernetes facts (`parsers.k8s_model`). Copies of one object
(same cluster, kind, namespace and name: a base and its overlay, or a strategic-merge
patch) are merged: a port declared by any copy counts, and a reference that can only be
resolved against partial copies (patches without containers or images) is not judged.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator

from portlint.findings import Finding, Related, Severity
from portlint.model import Model, Protocol
from portlint.options import Options
from portlint.parsers.k8s_model import (
    Container,
    ContainerPort,
    IngressBackend,
    PodTemplate,
    Service,
)
from portlint.rules import check

_Key = tuple[str, str, str, str]  # (cluster, kind, namespace, name)


def _facts(model: Model, kind: type) -> list:
    return [fact for fact in model.facts.get("kubernetes", ()) if isinstance(fact, kind)]


def _by_object(facts: Iterable[PodTemplate | Service]) -> dict[_Key, list]:
    groups: dict[_Key, list] = defaultdict(list)
    for fact in facts:
        groups[(fact.cluster, *fact.ident)].append(fact)
    return groups


def _selects(selector: dict[str, str], labels: dict[str, str]) -> bool:
    return all(labels.get(key) == value for key, value in selector.items())


def _workload(copies: list[PodTemplate]) -> str:
    kind, namespace, name = copies[0].ident
    return f"{kind}/{namespace}/{name}"


# --- PL401 ---------------------------------------------------------------------------


@check("PL401")
def unknown_target_ports(model: Model, options: Options) -> Iterator[Finding]:
    """A Service whose targetPort no selected container declares sends traffic nowhere
    (named: the endpoint is never created) or to a port that may not be listening."""
    index = _LabelIndex(_by_object(_facts(model, PodTemplate)).values())
    for service in _facts(model, Service):
        if service.type == "ExternalName" or not service.selector:
            continue
        selected = index.selected(service)
        if not selected:
            continue  # selects nothing scanned: its pods are deployed from elsewhere
        for port in service.ports:
            finding = _check_target(service, port, selected)
            if finding is not None:
                yield finding


class _LabelIndex:
    """Workloads by (cluster, namespace) and by label, so a Service looks only at the
    workloads carrying its rarest selector label: scanning a namespace's every workload
    for every Service was quadratic (1,000 Services and Deployments in one namespace:
    50,000 label comparisons)."""

    def __init__(self, workloads: Iterable[list[PodTemplate]]) -> None:
        self.groups: dict[tuple, list[list[PodTemplate]]] = defaultdict(list)
        self.postings: dict[tuple, dict[tuple[str, str], list[int]]] = defaultdict(dict)
        for copies in workloads:
            cluster, (_kind, namespace, _name) = copies[0].cluster, copies[0].ident
            place = (cluster, namespace)
            number = len(self.groups[place])
            self.groups[place].append(copies)
            postings = self.postings[place]
            for copy in copies:
                for label in copy.labels.items():
                    found = postings.setdefault(label, [])
                    if not found or found[-1] != number:
                        found.append(number)

    def selected(self, service: Service) -> list[list[PodTemplate]]:
        """The workloads (all copies of each) whose pods the Service selects, in order."""
        place = (service.cluster, service.ident[1])
        postings = self.postings.get(place, {})
        lists = [postings.get(label, []) for label in service.selector.items()]
        groups = self.groups.get(place, [])
        return [
            groups[number]
            for number in min(lists, key=len)
            if any(_selects(service.selector, copy.labels) for copy in groups[number])
        ]


def _serving_ports(copies: list[PodTemplate]) -> list[ContainerPort]:
    return [p for copy in copies for c in copy.serving() for p in c.ports]


def _check_target(service: Service, port, selected: list[list[PodTemplate]]) -> Finding | None:
    target = port.target if port.target is not None else port.port
    if target is None:
        return None
    # Workloads known only from patches may declare the port in a base that is not here.
    if any(all(copy.partial for copy in copies) for copies in selected):
        return None
    declared = [(p, copies) for copies in selected for p in _serving_ports(copies)]
    where = port.target_location or port.location
    _, namespace, name = service.ident
    workloads = ", ".join(_workload(copies) for copies in selected)
    related = [
        Related(copies[0].location, f"selected by Service {namespace}/{name}")
        for copies in selected
    ]
    proto = port.protocol
    if isinstance(target, str):
        same_name = [p for p, _ in declared if p.name == target]
        if any(p.protocol == proto for p in same_name):
            return None
        if same_name:
            protocols = "/".join(sorted({p.protocol.name for p in same_name}))
            problem = f"name port {target!r} only for {protocols}, not {proto.name}"
        else:
            names = sorted({p.name for p, _ in declared if p.name})
            problem = f"declare no port named {target!r}" + (
                f" (their named ports: {', '.join(names)})" if names else ""
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
    numbers = [p for p, _ in declared if p.number is not None]
    if not numbers or any(p.number == target and p.protocol == proto for p in numbers):
        return None  # containers that declare no ports at all say nothing either way
    listed = ", ".join(sorted({f"{p.number}/{p.protocol.name}" for p in numbers}))
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
    for copies in _by_object(_facts(model, PodTemplate)).values():
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
    for use in container.uses:
        if not isinstance(use.value, str) or use.value in names:
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
    services = _by_object(_facts(model, Service))
    for backend in _facts(model, IngressBackend):
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
    for copies in _by_object(_facts(model, Service)).values():
        named: set[tuple[int | None, Protocol]] = {
            (p.port, p.protocol) for copy in copies for p in copy.ports if p.name
        }
        for service in copies:
            if len(service.ports) < 2:
                continue
            for port in service.ports:
                if port.name or (port.port, port.protocol) in named:
                    continue
                _, namespace, name = service.ident
                yield Finding(
                    "PL404",
                    f"port {port.port}/{port.protocol.name} of Service {namespace}/{name} "
                    f"has no name, but the Service has {len(service.ports)} ports: the API "
                    "server rejects it (spec.ports[].name is required). Add a name",
                    port.location,
                    key=f"Service/{namespace}/{name}|{port.port}",
                )

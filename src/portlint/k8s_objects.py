"""Kubernetes objects the reference rules (PL401-PL404) need beyond bindings.

The Kubernetes parser puts these in `ParseResult.workloads`, `.services` and `.backends`;
the resolve stage sets their cluster and each Service's selected workloads. They are
deliberately small: only what resolving a Service to its pods, a probe to its container
and an Ingress to its Service needs, each value with the location where it is written.

Several files may hold the same object (a kustomize base and its overlay, two
environments): `ident` (kind, namespace, name) is what makes them the same object, and
rules merge copies instead of comparing them with each other.
"""

from __future__ import annotations

from portlint.records import Record, field
from portlint.sockets import Protocol
from portlint.source import Location

Ident = tuple[str, str, str]  # (kind, namespace, name)


class ContainerPort(Record):
    number: int | None  # None: missing or invalid (already a PL002)
    name: str | None
    protocol: Protocol
    location: Location  # the containerPort value (the name's when it has no number)


class PortUse(Record):
    """A probe or lifecycle hook port: a number, or a name resolved in its container."""

    value: int | str
    where: str  # e.g. "readinessProbe.httpGet"
    location: Location


class Container(Record):
    name: str
    role: str  # "container", "init", "sidecar" (init with restartPolicy: Always), "ephemeral"
    ports: list[ContainerPort] = field(default_factory=list)
    uses: list[PortUse] = field(default_factory=list)
    has_ports_key: bool = False  # `ports:` written (a patch may leave it to its base)
    partial: bool = False  # no image: a strategic-merge patch of a container


class PodTemplate(Record):
    """A workload's pod template (or a bare Pod)."""

    ident: Ident
    cluster: str  # set by the resolve stage
    labels: dict[str, str]
    containers: list[Container]
    location: Location  # the object's metadata.name (or kind) value
    partial: bool = False  # no containers, or a container without image

    def serving(self) -> list[Container]:
        """Containers whose ports a Service can reach: app containers and sidecars."""
        return [c for c in self.containers if c.role in ("container", "sidecar")]


class ServicePort(Record):
    port: int | None
    name: str | None
    protocol: Protocol
    target: int | str | None  # None: no targetPort written (defaults to port)
    location: Location  # the port value
    target_location: Location | None  # the targetPort value, when written


class Selection(Record):
    """The workloads a Service selects (every copy of each, in order), shared by the
    Services with the same selector, and what PL401 asks of them, computed once."""

    workloads: list[list[PodTemplate]]
    partial: bool  # a workload known only from patches (its ports may be in a base)
    ports: list[ContainerPort]  # the serving containers' ports, every copy
    names: dict[str, set[Protocol]]  # port name -> protocols it is declared for
    numbers: set[tuple[int, Protocol]]

    @classmethod
    def of(cls, workloads: list[list[PodTemplate]]) -> Selection:
        ports = [
            p for copies in workloads for copy in copies for c in copy.serving() for p in c.ports
        ]
        names: dict[str, set[Protocol]] = {}
        for port in ports:
            if port.name:
                names.setdefault(port.name, set()).add(port.protocol)
        return cls(
            workloads,
            partial=any(all(copy.partial for copy in copies) for copies in workloads),
            ports=ports,
            names=names,
            numbers={(p.number, p.protocol) for p in ports if p.number is not None},
        )


class Service(Record):
    ident: Ident
    cluster: str  # set by the resolve stage
    type: str  # ClusterIP, NodePort, LoadBalancer, ExternalName
    selector: dict[str, str] | None  # None: no selector (endpoints managed elsewhere)
    ports: list[ServicePort]
    location: Location
    has_ports_key: bool = False
    selected: Selection | None = None  # set by the resolve stage (None: selects by no labels)


class IngressBackend(Record):
    ingress: Ident
    cluster: str  # set by the resolve stage
    service: str
    port: int | str
    location: Location  # the port number or name value

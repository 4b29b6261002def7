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
    #: Ports the container's command line sets (`--port=8080`): declared for PL401.
    flag_ports: list[ContainerPort] = field(default_factory=list)
    name_location: Location | None = None  # the `name:` value (PL006)


class PodTemplate(Record):
    """A workload's pod template (or a bare Pod)."""

    ident: Ident
    cluster: str  # set by the resolve stage
    labels: dict[str, str]
    containers: list[Container]
    location: Location  # the object's metadata.name (or kind) value
    partial: bool = False  # no containers, or a container without image
    #: An injection webhook fills the pod in at admission (Istio's gateway injection:
    #: `image: auto` or an `inject.istio.io/templates` annotation): its ports are unknown.
    injected: bool = False

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


class WorkloadPorts(Record):
    """What one selected workload (every copy of it) declares, for PL401."""

    copies: list[PodTemplate]
    partial: bool  # known only from patches (its ports may be in a base)
    names: dict[str, set[Protocol]]  # port name -> protocols it is declared for
    numbers: set[tuple[int, Protocol]]  # containerPorts and ports set by flags
    injected: bool = False  # a webhook fills its ports in (PodTemplate.injected)

    @classmethod
    def of(cls, copies: list[PodTemplate]) -> WorkloadPorts:
        names: dict[str, set[Protocol]] = {}
        numbers: set[tuple[int, Protocol]] = set()
        for copy in copies:
            for container in copy.serving():
                for port in container.ports:
                    if port.name:
                        names.setdefault(port.name, set()).add(port.protocol)
                    if port.number is not None:
                        numbers.add((port.number, port.protocol))
                for port in container.flag_ports:
                    if port.number is not None:
                        numbers.add((port.number, port.protocol))
        partial = all(copy.partial for copy in copies)
        return cls(copies, partial, names, numbers, any(copy.injected for copy in copies))


class Selection(Record):
    """The workloads a Service selects (every copy of each, in order), shared by the
    Services with the same selector, and what PL401 asks of each of them, computed once."""

    workloads: list[list[PodTemplate]]
    partial: bool  # a workload known only from patches (its ports may be in a base)
    each: list[WorkloadPorts]  # per selected workload, in order
    names: dict[str, set[Protocol]]  # port name -> protocols, over every workload
    numbers: set[tuple[int, Protocol]]  # over every workload

    @classmethod
    def of(cls, workloads: list[list[PodTemplate]]) -> Selection:
        each = [WorkloadPorts.of(copies) for copies in workloads]
        names: dict[str, set[Protocol]] = {}
        numbers: set[tuple[int, Protocol]] = set()
        for ports in each:
            for name, protocols in ports.names.items():
                names.setdefault(name, set()).update(protocols)
            numbers |= ports.numbers
        return cls(
            workloads,
            partial=any(ports.partial for ports in each),
            each=each,
            names=names,
            numbers=numbers,
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

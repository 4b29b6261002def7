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

from portlint.records import Record
from portlint.sockets import Protocol
from portlint.source import Location

Ident = tuple[str, str, str]  # (kind, namespace, name)


class ContainerPort(Record):
    number: int | None  # None: missing or invalid (already a PL002)
    name: str | None
    protocol: Protocol
    location: Location  # the containerPort value (the name's when it has no number)

    __slots__ = ("number", "name", "protocol", "location")

    def __init__(
        self,
        number: int | None,
        name: str | None,
        protocol: Protocol,
        location: Location,
    ) -> None:
        self.number = number
        self.name = name
        self.protocol = protocol
        self.location = location


class PortUse(Record):
    """A probe or lifecycle hook port: a number, or a name resolved in its container."""

    value: int | str
    where: str  # e.g. "readinessProbe.httpGet"
    location: Location

    __slots__ = ("value", "where", "location")

    def __init__(self, value: int | str, where: str, location: Location) -> None:
        self.value = value
        self.where = where
        self.location = location


class Container(Record):
    name: str
    role: str  # "container", "init", "sidecar" (init with restartPolicy: Always), "ephemeral"
    ports: list[ContainerPort]
    uses: list[PortUse]
    has_ports_key: bool  # `ports:` written (a patch may leave it to its base)
    partial: bool  # no image: a strategic-merge patch of a container

    __slots__ = ("name", "role", "ports", "uses", "has_ports_key", "partial")

    def __init__(
        self,
        name: str,
        role: str,
        ports: list[ContainerPort] | None = None,
        uses: list[PortUse] | None = None,
        has_ports_key: bool = False,
        partial: bool = False,
    ) -> None:
        self.name = name
        self.role = role
        self.ports = [] if ports is None else ports
        self.uses = [] if uses is None else uses
        self.has_ports_key = has_ports_key
        self.partial = partial


class PodTemplate(Record):
    """A workload's pod template (or a bare Pod)."""

    ident: Ident
    cluster: str  # set by the resolve stage
    labels: dict[str, str]
    containers: list[Container]
    location: Location  # the object's metadata.name (or kind) value
    partial: bool  # no containers, or a container without image

    __slots__ = ("ident", "cluster", "labels", "containers", "location", "partial")

    def __init__(
        self,
        ident: Ident,
        cluster: str,
        labels: dict[str, str],
        containers: list[Container],
        location: Location,
        partial: bool = False,
    ) -> None:
        self.ident = ident
        self.cluster = cluster
        self.labels = labels
        self.containers = containers
        self.location = location
        self.partial = partial

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

    __slots__ = ("port", "name", "protocol", "target", "location", "target_location")

    def __init__(
        self,
        port: int | None,
        name: str | None,
        protocol: Protocol,
        target: int | str | None,
        location: Location,
        target_location: Location | None,
    ) -> None:
        self.port = port
        self.name = name
        self.protocol = protocol
        self.target = target
        self.location = location
        self.target_location = target_location


class Selection(Record):
    """The workloads a Service selects (every copy of each, in order), shared by the
    Services with the same selector, and what PL401 asks of them, computed once."""

    workloads: list[list[PodTemplate]]
    partial: bool  # a workload known only from patches (its ports may be in a base)
    ports: list[ContainerPort]  # the serving containers' ports, every copy
    names: dict[str, set[Protocol]]  # port name -> protocols it is declared for
    numbers: set[tuple[int, Protocol]]

    __slots__ = ("workloads", "partial", "ports", "names", "numbers")

    def __init__(
        self,
        workloads: list[list[PodTemplate]],
        partial: bool,
        ports: list[ContainerPort],
        names: dict[str, set[Protocol]],
        numbers: set[tuple[int, Protocol]],
    ) -> None:
        self.workloads = workloads
        self.partial = partial
        self.ports = ports
        self.names = names
        self.numbers = numbers

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
    has_ports_key: bool
    selected: Selection | None  # set by the resolve stage (None: selects by no labels)

    __slots__ = (
        "ident",
        "cluster",
        "type",
        "selector",
        "ports",
        "location",
        "has_ports_key",
        "selected",
    )

    def __init__(
        self,
        ident: Ident,
        cluster: str,
        type: str,
        selector: dict[str, str] | None,
        ports: list[ServicePort],
        location: Location,
        has_ports_key: bool = False,
        selected: Selection | None = None,
    ) -> None:
        self.ident = ident
        self.cluster = cluster
        self.type = type
        self.selector = selector
        self.ports = ports
        self.location = location
        self.has_ports_key = has_ports_key
        self.selected = selected


class IngressBackend(Record):
    ingress: Ident
    cluster: str  # set by the resolve stage
    service: str
    port: int | str
    location: Location  # the port number or name value

    __slots__ = ("ingress", "cluster", "service", "port", "location")

    def __init__(
        self,
        ingress: Ident,
        cluster: str,
        service: str,
        port: int | str,
        location: Location,
    ) -> None:
        self.ingress = ingress
        self.cluster = cluster
        self.service = service
        self.port = port
        self.location = location

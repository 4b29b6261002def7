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

from collections.abc import Set as AbstractSet
from functools import lru_cache
from typing import TYPE_CHECKING

from portlint.records import Record, field
from portlint.sockets import Protocol
from portlint.source import Location

if TYPE_CHECKING:
    from portlint.facts import PodContainer
    from portlint.model import Binding

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


class ConfigMount(Record):
    """A ConfigMap key a container sees as a file (a `configMap` or `projected` volume
    mounted by `volumeMounts`, narrowed by `items` and `subPath`)."""

    configmap: str  # the ConfigMap's name (same namespace as the pod)
    key: str | None  # None: every key of the ConfigMap (a volume without `items`)
    path: str  # where the file is in the container (mountPath, + the item path)


class EnvRef(Record):
    """Environment a container takes from a ConfigMap: `envFrom.configMapRef` (every key,
    with a prefix) or `env[].valueFrom.configMapKeyRef` (one key as one variable)."""

    configmap: str
    key: str | None  # None: envFrom (every key becomes a variable)
    variable: str = ""  # the variable's name (configMapKeyRef)
    prefix: str = ""  # envFrom's `prefix`
    shadowed: frozenset[str] = frozenset()  # variables `env` sets itself (they win)


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
    #: The binding owner ("Deployment/ns/web/app"; a second container of the same name
    #: gets "#2": two containers are never one process).
    owner: str = ""
    image: str | None = None
    facts: PodContainer | None = None  # what PL202 reads of its bindings
    mounts: list[ConfigMount] = field(default_factory=list)
    env_refs: list[EnvRef] = field(default_factory=list)
    #: Set by the resolve stage (`portlint.k8s_mounts`), afresh on every run:
    #: port numbers a mounted config sets (parsed, or written `port = 8443`), possibly
    #: served, so PL401 does not call a targetPort unserved (never a reason to judge);
    config_ports: frozenset[int] = frozenset()
    #: and ports ConfigMap environment sets (`envFrom`, `configMapKeyRef`): declared.
    env_ports: list[ContainerPort] = field(default_factory=list)

    def shrink(self) -> None:
        """Every empty list its parser filled replaced by one shared empty tuple, once the
        parse is done (most containers have no port uses, flags, mounts or ConfigMap
        environment: 56 bytes a list). `env_ports` stays: the resolve stage appends."""
        for name in _SHRUNK:
            if not getattr(self, name):
                setattr(self, name, ())


_SHRUNK = ("ports", "uses", "flag_ports", "mounts", "env_refs")


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
    replicas: int | None = 1
    host_network: bool = False
    node_name: str | None = None

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
    names: dict[str, AbstractSet[Protocol]]  # port name -> protocols it is declared for
    numbers: AbstractSet[tuple[int, Protocol]]  # containerPorts and ports set by flags
    injected: bool = False  # a webhook fills its ports in (PodTemplate.injected)
    possible: frozenset[int] = frozenset()  # set by mounted configs (Container.config_ports)

    @classmethod
    def of(cls, copies: list[PodTemplate]) -> WorkloadPorts:
        names: dict[str, AbstractSet[Protocol]] = {}
        numbers: set[tuple[int, Protocol]] = set()
        possible: frozenset[int] = _NO_PORTS
        for copy in copies:
            for container in copy.serving():
                if container.config_ports:
                    possible |= container.config_ports
                for port in container.ports:
                    if port.name:
                        names[port.name] = _protocols(names.get(port.name), port.protocol)
                    if port.number is not None:
                        numbers.add(_pair(port.number, port.protocol))
                for port in (*container.flag_ports, *container.env_ports):
                    if port.number is not None:
                        numbers.add(_pair(port.number, port.protocol))
        partial = all(copy.partial for copy in copies)
        injected = any(copy.injected for copy in copies)
        return cls(copies, partial, names, numbers, injected, possible)


class Selection(Record):
    """The workloads a Service selects (every copy of each, in order), shared by the
    Services with the same selector, and what PL401 asks of each of them, computed once."""

    workloads: list[list[PodTemplate]]
    partial: bool  # a workload known only from patches (its ports may be in a base)
    each: list[WorkloadPorts]  # per selected workload, in order
    names: dict[str, AbstractSet[Protocol]]  # port name -> protocols, over every workload
    numbers: AbstractSet[tuple[int, Protocol]]  # over every workload

    @classmethod
    def of(cls, workloads: list[list[PodTemplate]]) -> Selection:
        each = [WorkloadPorts.of(copies) for copies in workloads]
        if len(each) == 1:  # the usual case: the workload's own values (never changed)
            names, numbers = each[0].names, each[0].numbers
        else:
            names = {}
            merged: set[tuple[int, Protocol]] = set()
            for ports in each:
                for name, protocols in ports.names.items():
                    names[name] = _protocols(names.get(name), *protocols)
                merged |= ports.numbers
            numbers = merged
        return cls(
            workloads,
            partial=any(ports.partial for ports in each),
            each=each,
            names=names,
            numbers=numbers,
        )


# Shared values: a set per port name and a tuple per port were most of the memory the
# resolve stage added on a large tree; these are never changed once made.
_NO_PORTS: frozenset[int] = frozenset()


@lru_cache(maxsize=64)
def _protocol_set(protocols: frozenset[Protocol]) -> frozenset[Protocol]:
    return protocols


def _protocols(known: AbstractSet[Protocol] | None, *more: Protocol) -> AbstractSet[Protocol]:
    """`known` with `more` added, as one shared frozenset per combination."""
    together = frozenset(more) if known is None else known | frozenset(more)
    return _protocol_set(together)


@lru_cache(maxsize=4096)
def _pair(number: int, protocol: Protocol) -> tuple[int, Protocol]:
    return (number, protocol)


class Service(Record):
    ident: Ident
    cluster: str  # set by the resolve stage
    type: str  # ClusterIP, NodePort, LoadBalancer, ExternalName
    selector: dict[str, str] | None  # None: no selector (endpoints managed elsewhere)
    ports: list[ServicePort]
    location: Location
    has_ports_key: bool = False
    selected: Selection | None = None  # set by the resolve stage (None: selects by no labels)


class ConfigEntry(Record):
    """One `data` key of a ConfigMap: what a pod mounting it gets."""

    key: str
    #: Listeners of the config it holds, parsed by that format's parser, positioned in
    #: the manifest (host-namespace bindings until the resolve stage moves them into the
    #: containers that mount the key).
    bindings: list[Binding] = field(default_factory=list)
    #: Port numbers the text sets explicitly (`port = 8443`, `listen 8443`, `host:8443`).
    ports: frozenset[int] = frozenset()
    value: str | None = None  # a one-line value (an environment variable's)
    value_location: Location | None = None


class ConfigMap(Record):
    ident: Ident  # ("ConfigMap", namespace, name)
    cluster: str  # set by the resolve stage
    entries: list[ConfigEntry]
    location: Location


class IngressBackend(Record):
    ingress: Ident
    cluster: str  # set by the resolve stage
    service: str
    port: int | str
    location: Location  # the port number or name value

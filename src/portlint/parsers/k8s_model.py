"""Kubernetes objects the reference rules (PL401-PL404) need beyond bindings.

The parser puts these in `ParseResult.facts["kubernetes"]`. They are deliberately small:
only what resolving a Service to its pods, a probe to its container and an Ingress to its
Service needs, each value with the location where it is written.

Several files may hold the same object (a kustomize base and its overlay, two
environments): `ident` (kind, namespace, name) is what makes them the same object, and
rules merge copies instead of comparing them with each other.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from portlint.model import Protocol
from portlint.pickling import pickled_by_constructor
from portlint.source import Location

Ident = tuple[str, str, str]  # (kind, namespace, name)


@pickled_by_constructor
@dataclass(slots=True)
class ContainerPort:
    number: int | None  # None: missing or invalid (already a PL002)
    name: str | None
    protocol: Protocol
    location: Location  # the containerPort value (the name's when it has no number)


@pickled_by_constructor
@dataclass(slots=True)
class PortUse:
    """A probe or lifecycle hook port: a number, or a name resolved in its container."""

    value: int | str
    where: str  # e.g. "readinessProbe.httpGet"
    location: Location


@pickled_by_constructor
@dataclass(slots=True)
class Container:
    name: str
    role: str  # "container", "init", "sidecar" (init with restartPolicy: Always), "ephemeral"
    ports: list[ContainerPort] = field(default_factory=list)
    uses: list[PortUse] = field(default_factory=list)
    has_ports_key: bool = False  # `ports:` written (a patch may leave it to its base)
    partial: bool = False  # no image: a strategic-merge patch of a container


@pickled_by_constructor
@dataclass(slots=True)
class PodTemplate:
    """A workload's pod template (or a bare Pod)."""

    ident: Ident
    cluster: str
    labels: dict[str, str]
    containers: list[Container]
    location: Location  # the object's metadata.name (or kind) value
    partial: bool = False  # no containers, or a container without image

    def serving(self) -> list[Container]:
        """Containers whose ports a Service can reach: app containers and sidecars."""
        return [c for c in self.containers if c.role in ("container", "sidecar")]


@pickled_by_constructor
@dataclass(slots=True)
class ServicePort:
    port: int | None
    name: str | None
    protocol: Protocol
    target: int | str | None  # None: no targetPort written (defaults to port)
    location: Location  # the port value
    target_location: Location | None  # the targetPort value, when written


@pickled_by_constructor
@dataclass(slots=True)
class Service:
    ident: Ident
    cluster: str
    type: str  # ClusterIP, NodePort, LoadBalancer, ExternalName
    selector: dict[str, str] | None  # None: no selector (endpoints managed elsewhere)
    ports: list[ServicePort]
    location: Location
    has_ports_key: bool = False


@pickled_by_constructor
@dataclass(slots=True)
class IngressBackend:
    ingress: Ident
    cluster: str
    service: str
    port: int | str
    location: Location  # the port number or name value

"""Typed facts parsers report beside the socket itself: what a published port forwards to,
the container a Kubernetes port belongs to, the host paths a Compose service mounts.

Each is a field a rule reads by name (and mypy checks), where the parsers once put string
keys into a dictionary.
"""

from __future__ import annotations

from pathlib import Path

from portlint.namespaces import Namespace
from portlint.records import FrozenRecord
from portlint.sockets import Protocol
from portlint.source import Location


class Target(FrozenRecord):
    """Where a port sends its traffic: a Compose mapping's container port range
    (`"8080:80"` -> 80-80), or a Kubernetes Service's targetPort, a number or a name."""

    start: int  # 0 for a named target
    end: int
    name: str  # a port name ("" for numbers)

    __slots__ = ("start", "end", "name")

    def __init__(self, start: int = 0, end: int = -1, name: str = "") -> None:
        self.start = start
        self.end = start if end < 0 else end
        self.name = name

    @classmethod
    def of(cls, value: int | str) -> Target:
        """A Kubernetes IntOrString targetPort."""
        return cls(name=value) if isinstance(value, str) else cls(value)

    @property
    def is_range(self) -> bool:
        return self.end != self.start

    def text(self) -> str:
        """ "80", "80-81", "http"; "?" when nothing is known."""
        if self.name or not self.start:
            return self.name or "?"
        return str(self.start) if not self.is_range else f"{self.start}-{self.end}"


class PodContainer(FrozenRecord):
    """The Kubernetes container a containerPort belongs to, and what decides whether it may
    bind a port below 1024 (PL202)."""

    name: str
    non_root: bool | None = None  # runAsNonRoot / a non-zero runAsUser (None: unknown, Windows)
    net_bind_service: bool = False  # capabilities.add NET_BIND_SERVICE
    net_bind_dropped: bool = False  # capabilities.drop ALL or NET_BIND_SERVICE, and not added
    unprivileged_port_start: int | None = None  # the pod's sysctl (None: the policy's default)


class Mount(FrozenRecord):
    """A host path a Compose service mounts (or uses as a config)."""

    source: Path  # absolute, normalised
    namespace: Namespace  # the service's container namespace
    owner: str
    label: str


class Served(FrozenRecord):
    """What a process's own command line (or environment) says it listens on, when its
    program is known: a declared port outside `ports` is not served (PL405)."""

    owner: str  # the binding owner of its container ("Deployment/ns/x/c", "proj/svc")
    pod: str  # the network namespace's owners share it ("Deployment/ns/x"; Compose: owner)
    path: str  # the file it is written in (copies of one object in other files differ)
    program: str  # "Prometheus"
    ports: frozenset[tuple[int, Protocol]]
    where: tuple[Location, ...]  # the flags that set them (empty: the program's defaults)

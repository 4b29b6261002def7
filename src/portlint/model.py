"""The port model: bindings in network namespaces, references to ports, and diagnostics.

A port is unique only inside a network namespace, so every `Binding` names the namespace
it lives in. Namespace keys (see DESIGN.md):

- ``host:<group>``                      Compose published ports, service-config listeners
- ``container:<project>/<service>``     a Compose service's own namespace
- ``pod:<k8s-ns>/<Kind>/<name>``        every container of one pod template
- ``k8s-node:<cluster>``                hostPort and hostNetwork ports
- ``k8s-nodeports:<cluster>``           the cluster's NodePorts
- ``service:<cluster>/<k8s-ns>/<name>`` one Service's ports
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from portlint.pickling import pickled_by_constructor
from portlint.source import Location

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

MAX_PORT = 65535


class Protocol(str, Enum):
    TCP = "tcp"
    UDP = "udp"
    SCTP = "sctp"

    @classmethod
    def parse(cls, text: str) -> Protocol | None:
        try:
            return cls(text.strip().lower())
        except ValueError:
            return None


class Role(str, Enum):
    PUBLISH = "publish"  # host side of a container port mapping
    LISTEN = "listen"  # a process binds it directly (nginx listen, hostNetwork pod)
    CONTAINER = "container"  # container side of a mapping / containerPort
    EXPOSE = "expose"  # documentation only (Dockerfile EXPOSE, compose expose)
    SERVICE_PORT = "service-port"
    NODE_PORT = "node-port"
    HOST_PORT = "host-port"


#: Roles whose port is reachable on a host's own interfaces.
HOST_FACING = frozenset({Role.PUBLISH, Role.LISTEN, Role.HOST_PORT})


def parse_address(text: str | None) -> IPAddress | None:
    """An address literal, or None for a wildcard ('', '*', 0.0.0.0 stays explicit)."""
    if text is None:
        return None
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if text in ("", "*"):
        return None
    return ipaddress.ip_address(text)


def is_wildcard(address: IPAddress | None) -> bool:
    return address is None or address.is_unspecified


@pickled_by_constructor
@dataclass(slots=True)
class Binding:
    """Something that occupies a socket or declares one, at the exact place it is written."""

    port: int
    protocol: Protocol
    namespace: str
    role: Role
    owner: str
    format: str
    location: Location
    end_port: int = -1  # -1: same as port
    address: IPAddress | None = None  # None: every address (IPv4 and IPv6)
    v6only: bool | None = None  # for an IPv6 wildcard: does it also take IPv4?
    identity: str | None = None  # the software, e.g. "postgresql"
    image: str | None = None
    host: str | None = None  # host group name, for messages
    replicas: int | None = None
    #: Free-form facts a parser knows and a rule may use (e.g. "target": 80,
    #: "pick_one": True for a host range Docker picks one port from, "kind": "DaemonSet").
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.end_port < 0:
            self.end_port = self.port

    @property
    def is_range(self) -> bool:
        return self.end_port != self.port

    def port_text(self) -> str:
        ports = f"{self.port}-{self.end_port}" if self.is_range else str(self.port)
        return f"{ports}/{self.protocol.value}"

    def address_text(self) -> str:
        if self.address is None:
            return "*"
        if self.address.version == 6:
            return f"[{self.address}]"
        return str(self.address)

    def socket_text(self) -> str:
        if self.address is None:
            return self.port_text()
        return f"{self.address_text()}:{self.port_text()}"


def addresses_overlap(a: Binding, b: Binding) -> bool:
    """Whether two bindings' addresses can be the same socket address."""
    return _covers(a, b) or _covers(b, a)


def _covers(a: Binding, b: Binding) -> bool:
    """Whether a's address set includes b's address (or all of it, for wildcards)."""
    if a.address is None:
        # None: every address of both families (e.g. Compose "8080:80", a k8s hostPort).
        return True
    if b.address is None:
        return False
    if a.address == b.address:
        return True
    if not a.address.is_unspecified:
        return False
    if a.address.version == b.address.version:
        return True
    # :: covers IPv4 only when dual-stack.
    return a.address.version == 6 and a.v6only is False and b.address.version == 4


@pickled_by_constructor
@dataclass(slots=True)
class PortRef:
    """A reference to a port by number or name, resolved against `target`."""

    value: int | str
    kind: str  # e.g. "target-port", "probe", "ingress-backend"
    owner: str
    format: str
    location: Location
    target: str = ""  # what it should resolve against (a selector, a container, a Service)
    extra: dict[str, Any] = field(default_factory=dict)


@pickled_by_constructor
@dataclass(slots=True)
class Diagnostic:
    """A problem a parser found in the text itself (PL001-PL005), turned into a finding."""

    rule: str
    message: str
    location: Location
    key: str = ""  # stable subject for the fingerprint (e.g. the port text)


@pickled_by_constructor
@dataclass(slots=True)
class Suppression:
    """Rules silenced for a span of lines in one file (comments, k8s annotations)."""

    path: str
    first_line: int  # 1-based, inclusive; 0 for the whole file
    last_line: int  # inclusive; 0 for the whole file
    rules: frozenset[str]  # IDs (PL101) or names (port-collision); empty: none
    location: Location | None = None  # where the suppression is written
    used: bool = False


@dataclass(slots=True)
class ParseResult:
    """What one parser made of one file or one Compose project."""

    bindings: list[Binding] = field(default_factory=list)
    refs: list[PortRef] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    #: Format-specific objects rules may need (e.g. "kubernetes": [objects...]).
    facts: dict[str, list[Any]] = field(default_factory=dict)

    def extend(self, other: ParseResult) -> None:
        self.bindings.extend(other.bindings)
        self.refs.extend(other.refs)
        self.diagnostics.extend(other.diagnostics)
        self.suppressions.extend(other.suppressions)
        for key, values in other.facts.items():
            self.facts.setdefault(key, []).extend(values)


@dataclass(slots=True)
class Model:
    """Everything parsed in one run; rules are pure functions of it."""

    bindings: list[Binding] = field(default_factory=list)
    refs: list[PortRef] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    facts: dict[str, list[Any]] = field(default_factory=dict)
    files: int = 0
    _used_ports: Any = None

    def used_ports(self) -> Any:
        """The ports taken per namespace (`freeports.UsedPorts`), built once per run and
        shared by every rule that suggests a free port."""
        if self._used_ports is None:
            from portlint.freeports import UsedPorts

            self._used_ports = UsedPorts(self.bindings)
        return self._used_ports

    @classmethod
    def from_result(cls, result: ParseResult, files: int) -> Model:
        return cls(result.bindings, result.refs, result.diagnostics, result.facts, files)

    def by_namespace(self) -> dict[str, list[Binding]]:
        groups: dict[str, list[Binding]] = {}
        for binding in self.bindings:
            groups.setdefault(binding.namespace, []).append(binding)
        return groups

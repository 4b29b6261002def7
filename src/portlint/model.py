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
from enum import Enum
from typing import Any

from portlint.records import Record
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


class Binding(Record):
    """Something that occupies a socket or declares one, at the exact place it is written."""

    port: int
    protocol: Protocol
    namespace: str
    role: Role
    owner: str
    format: str
    location: Location
    end_port: int  # -1: same as port
    address: IPAddress | None  # None: every address (IPv4 and IPv6)
    v6only: bool | None  # for an IPv6 wildcard: does it also take IPv4?
    identity: str | None  # the software, e.g. "postgresql"
    image: str | None
    host: str | None  # host group name, for messages
    replicas: int | None
    #: Free-form facts a parser knows and a rule may use (e.g. "target": 80,
    #: "pick_one": True for a host range Docker picks one port from, "kind": "DaemonSet").
    extra: dict[str, Any]

    __slots__ = (
        "port",
        "protocol",
        "namespace",
        "role",
        "owner",
        "format",
        "location",
        "end_port",
        "address",
        "v6only",
        "identity",
        "image",
        "host",
        "replicas",
        "extra",
    )

    def __init__(
        self,
        port: int,
        protocol: Protocol,
        namespace: str,
        role: Role,
        owner: str,
        format: str,
        location: Location,
        end_port: int = -1,
        address: IPAddress | None = None,
        v6only: bool | None = None,
        identity: str | None = None,
        image: str | None = None,
        host: str | None = None,
        replicas: int | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.port = port
        self.protocol = protocol
        self.namespace = namespace
        self.role = role
        self.owner = owner
        self.format = format
        self.location = location
        self.end_port = port if end_port < 0 else end_port
        self.address = address
        self.v6only = v6only
        self.identity = identity
        self.image = image
        self.host = host
        self.replicas = replicas
        self.extra = {} if extra is None else extra

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


class PortRef(Record):
    """A reference to a port by number or name, resolved against `target`."""

    value: int | str
    kind: str  # e.g. "target-port", "probe", "ingress-backend"
    owner: str
    format: str
    location: Location
    target: str  # what it should resolve against (a selector, a container, a Service)
    extra: dict[str, Any]

    __slots__ = ("value", "kind", "owner", "format", "location", "target", "extra")

    def __init__(
        self,
        value: int | str,
        kind: str,
        owner: str,
        format: str,
        location: Location,
        target: str = "",
        extra: dict[str, Any] | None = None,
    ) -> None:
        self.value = value
        self.kind = kind
        self.owner = owner
        self.format = format
        self.location = location
        self.target = target
        self.extra = {} if extra is None else extra


class Diagnostic(Record):
    """A problem a parser found in the text itself (PL001-PL005), turned into a finding."""

    rule: str
    message: str
    location: Location
    key: str  # stable subject for the fingerprint (e.g. the port text)

    __slots__ = ("rule", "message", "location", "key")

    def __init__(self, rule: str, message: str, location: Location, key: str = "") -> None:
        self.rule = rule
        self.message = message
        self.location = location
        self.key = key


class Suppression(Record):
    """Rules silenced for a span of lines in one file (comments, k8s annotations)."""

    path: str
    first_line: int  # 1-based, inclusive; 0 for the whole file
    last_line: int  # inclusive; 0 for the whole file
    rules: frozenset[str]  # IDs (PL101) or names (port-collision); empty: none
    location: Location | None  # where the suppression is written
    used: bool

    __slots__ = ("path", "first_line", "last_line", "rules", "location", "used")

    def __init__(
        self,
        path: str,
        first_line: int,
        last_line: int,
        rules: frozenset[str],
        location: Location | None = None,
        used: bool = False,
    ) -> None:
        self.path = path
        self.first_line = first_line
        self.last_line = last_line
        self.rules = rules
        self.location = location
        self.used = used


class ParseResult(Record):
    """What one parser made of one file or one Compose project."""

    bindings: list[Binding]
    refs: list[PortRef]
    diagnostics: list[Diagnostic]
    suppressions: list[Suppression]
    #: Format-specific objects rules may need (e.g. "kubernetes": [objects...]).
    facts: dict[str, list[Any]]

    __slots__ = ("bindings", "refs", "diagnostics", "suppressions", "facts")

    def __init__(
        self,
        bindings: list[Binding] | None = None,
        refs: list[PortRef] | None = None,
        diagnostics: list[Diagnostic] | None = None,
        suppressions: list[Suppression] | None = None,
        facts: dict[str, list[Any]] | None = None,
    ) -> None:
        self.bindings = [] if bindings is None else bindings
        self.refs = [] if refs is None else refs
        self.diagnostics = [] if diagnostics is None else diagnostics
        self.suppressions = [] if suppressions is None else suppressions
        self.facts = {} if facts is None else facts

    def extend(self, other: ParseResult) -> None:
        self.bindings.extend(other.bindings)
        self.refs.extend(other.refs)
        self.diagnostics.extend(other.diagnostics)
        self.suppressions.extend(other.suppressions)
        for key, values in other.facts.items():
            self.facts.setdefault(key, []).extend(values)


class Model(Record):
    """Everything parsed in one run; rules are pure functions of it."""

    bindings: list[Binding]
    refs: list[PortRef]
    diagnostics: list[Diagnostic]
    facts: dict[str, list[Any]]
    files: int
    _used_ports: Any

    __slots__ = ("bindings", "refs", "diagnostics", "facts", "files", "_used_ports")

    def __init__(
        self,
        bindings: list[Binding] | None = None,
        refs: list[PortRef] | None = None,
        diagnostics: list[Diagnostic] | None = None,
        facts: dict[str, list[Any]] | None = None,
        files: int = 0,
        _used_ports: Any = None,
    ) -> None:
        self.bindings = [] if bindings is None else bindings
        self.refs = [] if refs is None else refs
        self.diagnostics = [] if diagnostics is None else diagnostics
        self.facts = {} if facts is None else facts
        self.files = files
        self._used_ports = _used_ports

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

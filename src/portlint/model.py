"""The port model: bindings in network namespaces, and the diagnostics and facts parsers
report. Parsers fill `ParseResult`s; `portlint.resolve.build` turns them into the `Model`
the rules read (host groups, clusters, mounted configs and Service selection decided once).
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

from portlint.facts import Mount, PodContainer, Served, Target
from portlint.k8s_objects import ConfigMap, IngressBackend, PodTemplate, Service
from portlint.namespaces import Namespace
from portlint.records import Record, field
from portlint.sockets import (
    HOST_FACING,
    MAX_PORT,
    IPAddress,
    Protocol,
    Role,
    address_text,
    is_wildcard,
    parse_address,
)
from portlint.source import Location

if TYPE_CHECKING:
    from portlint.freeports import UsedPorts

__all__ = [
    "HOST_FACING",
    "MAX_PORT",
    "Binding",
    "Diagnostic",
    "IPAddress",
    "Model",
    "Mount",
    "Namespace",
    "ParseResult",
    "PodContainer",
    "Served",
    "Protocol",
    "Role",
    "Suppression",
    "Target",
    "addresses_overlap",
    "is_wildcard",
    "parse_address",
]


class Binding(Record):
    """Something that occupies a socket or declares one, at the exact place it is written.

    Parsers fill in what the text says; the resolve stage fills the namespace's group, the
    per-host owner of a `daemon`, and moves listeners of mounted configs into containers.
    """

    port: int
    protocol: Protocol
    namespace: Namespace
    role: Role
    owner: str
    format: str
    location: Location
    end_port: int  # -1: same as port
    address: IPAddress | None  # None: every address (IPv4 and IPv6)
    v6only: bool | None  # for an IPv6 wildcard: does it also take IPv4?
    identity: str | None  # the software, e.g. "postgresql"
    image: str | None
    replicas: int | None
    #: How messages name the owner when its key is not what users call it: a Compose
    #: service ("service 'web'"), a config mounted into one ("nginx in service 'web'").
    label: str | None
    #: What a published port or Service port forwards to.
    target: Target | None
    pick_one: bool  # a host range Docker picks one free port from ("8000-8010:80")
    publish_mode: str | None  # Compose long syntax `mode` ("ingress": swarm's routing mesh)
    project: str | None  # the Compose project (profiles are alternatives inside one)
    profiles: frozenset[str]  # Compose profiles (empty: always started)
    workload_kind: str | None  # the Kubernetes kind ("DaemonSet", "Service", ...)
    node_name: str | None  # a pod pinned to one node (`spec.nodeName`)
    container: PodContainer | None  # the Kubernetes container of a containerPort
    default: bool  # not written: the software's default port (a missing `listen`)
    #: One process of this daemon per host group: the resolve stage names the owner
    #: `<daemon>@<host>` (nginx, apache, sshd, ...).
    daemon: str | None
    #: The main config when the binding is written in a file it includes ("": its own
    #: file): the host group follows the file the daemon is started with.
    main_file: str
    #: What the port itself says it serves: a Compose `app_protocol`/`name`, a Kubernetes
    #: port's `appProtocol`/`name` ("smtp" on 25 is SMTP whatever the image).
    port_name: str | None
    #: `"${IP}:6060:6060"` with IP unset: published, on an address nobody can tell.
    address_unknown: bool
    #: Where the port is written when it is not a port list: "flag --port",
    #: "environment PORT", "default of mongodb (host network)" ("": the format's own port
    #: syntax).
    source: str

    #: The fields, in the order written above (`__slots__` leaves the rare ones out).
    _record_fields = tuple(__annotations__)
    # The location's parts (after `_record_fields`: not fields of their own).
    _path: str
    _line: int
    _column: int
    _end_column: int
    _end_line: int
    #: Fields a binding seldom sets: class defaults, stored per binding (in its `__dict__`,
    #: made on first use) only when set; every other field has a slot. 80 bytes less a
    #: binding, most of a large run's memory.
    _rare_fields = frozenset(
        {
            "v6only",
            "pick_one",
            "publish_mode",
            "profiles",
            "node_name",
            "default",
            "daemon",
            "main_file",
            "port_name",
            "address_unknown",
            "source",
        }
    )
    # (sorted by the field order: a comprehension would not see the class's names)
    # `location` is a property over four slots (`_location_slots`), set below.
    __slots__ = (
        *sorted(set(_record_fields) - _rare_fields - {"location"}, key=_record_fields.index),
        "_path",
        "_line",
        "_column",
        "_end_column",
        "__dict__",
    )

    def __init__(
        self,
        port: int,
        protocol: Protocol,
        namespace: Namespace,
        role: Role,
        owner: str,
        format: str,
        location: Location,
        end_port: int = -1,
        address: IPAddress | None = None,
        v6only: bool | None = None,
        identity: str | None = None,
        image: str | None = None,
        replicas: int | None = None,
        label: str | None = None,
        target: Target | None = None,
        pick_one: bool = False,
        publish_mode: str | None = None,
        project: str | None = None,
        profiles: frozenset[str] = frozenset(),
        workload_kind: str | None = None,
        node_name: str | None = None,
        container: PodContainer | None = None,
        default: bool = False,
        daemon: str | None = None,
        main_file: str = "",
        port_name: str | None = None,
        address_unknown: bool = False,
        source: str = "",
    ) -> None:
        self.port = port
        self.protocol = protocol
        self.namespace = namespace
        self.role = role
        self.owner = owner
        self.format = sys.intern(format)
        self.location = location
        self.end_port = port if end_port < 0 or end_port == port else end_port
        self.address = address
        if v6only is not None:
            self.v6only = v6only
        self.identity = identity if identity is None else sys.intern(identity)
        self.image = image if image is None else sys.intern(image)
        self.replicas = replicas
        # Shared values: parsers make a label and a target per port, and a large tree
        # has a few dozen distinct ones (3 MB a 10,000-file tree each, until shared).
        self.label = label if label is None else sys.intern(label)
        self.target = target if target is None else _shared_target(target)
        if pick_one:
            self.pick_one = pick_one
        if publish_mode is not None:
            self.publish_mode = publish_mode
        self.project = project
        if profiles:
            self.profiles = profiles
        self.workload_kind = workload_kind if workload_kind is None else sys.intern(workload_kind)
        if node_name is not None:
            self.node_name = node_name
        self.container = container
        if default:
            self.default = default
        if daemon is not None:
            self.daemon = daemon
        if main_file:
            self.main_file = main_file
        if port_name is not None:
            self.port_name = port_name
        if address_unknown:
            self.address_unknown = address_unknown
        if source:
            self.source = source

    def owner_label(self) -> str:
        """The owner as users name it, quoted when it is a key ("'Deployment/ns/x/c'")."""
        return self.label or f"'{self.owner}'"

    def party_label(self) -> str:
        """The other party of a collision: a Compose service or Kubernetes object, else
        the software (its file is named beside it)."""
        if self.label:
            return self.label
        if self.format in ("compose", "kubernetes"):
            return self.owner
        return self.identity or self.format

    def target_text(self) -> str:
        """What the port forwards to ("80", "80-81", a port name; "?" when unknown)."""
        return "?" if self.target is None else self.target.text()

    @property
    def is_range(self) -> bool:
        return self.end_port != self.port

    def port_text(self) -> str:
        ports = f"{self.port}-{self.end_port}" if self.is_range else str(self.port)
        return f"{ports}/{self.protocol.value}"

    def address_text(self) -> str:
        return address_text(self.address)

    def socket_text(self) -> str:
        if self.address is None:
            return self.port_text()
        return f"{self.address_text()}:{self.port_text()}"


#: The fields Binding keeps as class defaults (not slots): what a binding that never sets
#: them reads.
_RARE_DEFAULTS: dict[str, object] = {
    "v6only": None,
    "pick_one": False,
    "publish_mode": None,
    "profiles": frozenset(),
    "node_name": None,
    "default": False,
    "daemon": None,
    "main_file": "",
    "port_name": None,
    "address_unknown": False,
    "source": "",
}
for _name, _default in _RARE_DEFAULTS.items():
    setattr(Binding, _name, _default)


# A binding's location, kept in the binding itself: a Location tuple per binding was 80
# bytes, the four slots (path, line, columns) are 24 more in the binding; a location
# over several lines (rare) keeps its end line among the rare fields.
def _get_location(binding: Binding) -> Location:
    line = binding._line
    end_line = binding._end_line
    return _new_tuple(  # Location's own __new__ is one Python call more (read 270,000 times)
        Location,
        (
            binding._path,
            line,
            binding._column,
            line if end_line < 0 else end_line,
            binding._end_column,
        ),
    )


_new_tuple = tuple.__new__


def _set_location(binding: Binding, location: Location) -> None:
    binding._path, binding._line, binding._column, end_line, binding._end_column = location
    if end_line != binding._line:
        binding._end_line = end_line
    elif binding._end_line >= 0:
        del binding._end_line


Binding._end_line = -1  # the location's own line
Binding.location = property(_get_location, _set_location)  # type: ignore[assignment]


_TARGETS: dict[Target, Target] = {}


def _shared_target(target: Target) -> Target:
    """One Target object per value (a Target is never changed once made), bounded: a
    long-lived language server forgets them all now and then."""
    shared = _TARGETS.get(target)
    if shared is None:
        if len(_TARGETS) >= 4096:
            _TARGETS.clear()
        shared = _TARGETS[target] = target
    return shared


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


#: A diagnostic key starting with this says a package the parser needs is missing (a
#: broken install): the same for every file of that format, so one finding a run says it
#: (portlint.rules.validity).
MISSING_PACKAGE = "missing-package:"


class Diagnostic(Record):
    """A problem a parser found in the text itself (PL001-PL005), turned into a finding."""

    rule: str
    message: str
    location: Location
    key: str = ""  # stable subject for the fingerprint (e.g. the port text)
    severity: str = ""  # "info", "warning", "error": the finding's; "": the rule's default


class Suppression(Record):
    """Rules silenced for a span of lines in one file (comments, k8s annotations)."""

    path: str
    first_line: int  # 1-based, inclusive; 0 for the whole file
    last_line: int  # inclusive; 0 for the whole file
    rules: frozenset[str]  # IDs (PL101) or names (port-collision); empty: none
    location: Location | None = None  # where the suppression is written
    used: bool = False


class ParseResult(Record):
    """What one parser made of one file or one Compose project."""

    bindings: list[Binding] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    suppressions: list[Suppression] = field(default_factory=list)
    workloads: list[PodTemplate] = field(
        default_factory=list
    )  # Kubernetes pod templates (workloads and bare Pods)
    services: list[Service] = field(default_factory=list)  # Kubernetes Services
    backends: list[IngressBackend] = field(default_factory=list)  # Kubernetes Ingress backends
    mounts: list[Mount] = field(default_factory=list)  # host paths Compose services mount
    served: list[Served] = field(default_factory=list)  # what known processes listen on
    configmaps: list[ConfigMap] = field(default_factory=list)  # Kubernetes ConfigMaps
    #: host ports written as one variable with no value (`"${WEB_PORT}:80"`): port 0, the
    #: variable in `source`; kept apart from `bindings`, for PL101 alone
    variable_ports: list[Binding] = field(default_factory=list)

    def shrink(self) -> None:
        """Every empty list replaced by one shared empty tuple: for a result that is only
        read or merged (`extend`) from now on, such as a document group's, kept until its
        chunk is merged (most of a group's ten lists are empty: 0.5 KB a group). The
        same for its Kubernetes containers' lists (`Container.shrink`)."""
        for name in self._names:
            if not getattr(self, name):
                setattr(self, name, ())
        for workload in self.workloads:
            for container in workload.containers:
                container.shrink()

    def extend(self, other: ParseResult) -> None:
        self.bindings.extend(other.bindings)
        self.diagnostics.extend(other.diagnostics)
        self.suppressions.extend(other.suppressions)
        self.workloads.extend(other.workloads)
        self.services.extend(other.services)
        self.backends.extend(other.backends)
        self.mounts.extend(other.mounts)
        self.served.extend(other.served)
        self.configmaps.extend(other.configmaps)
        self.variable_ports.extend(other.variable_ports)


class Model(Record):
    """Everything parsed in one run, resolved (`portlint.resolve.build`): rules are pure
    functions of it."""

    bindings: list[Binding] = field(default_factory=list)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    workloads: list[PodTemplate] = field(default_factory=list)
    services: list[Service] = field(default_factory=list)  # each with `selected` filled in
    backends: list[IngressBackend] = field(default_factory=list)
    files: int = 0
    #: host group -> why its bindings are there ("host of compose project deploy/")
    hosts: dict[str, str] = field(default_factory=dict)
    served: list[Served] = field(default_factory=list)
    variable_ports: list[Binding] = field(default_factory=list)  # see ParseResult
    _used_ports: UsedPorts | None = None

    def used_ports(self) -> UsedPorts:
        """The ports taken per namespace, built once per run and shared by every rule that
        suggests a free port."""
        if self._used_ports is None:
            from portlint.freeports import UsedPorts

            self._used_ports = UsedPorts(self.bindings)
        return self._used_ports

    def by_namespace(self) -> dict[Namespace, list[Binding]]:
        groups: dict[Namespace, list[Binding]] = {}
        for binding in self.bindings:
            groups.setdefault(binding.namespace, []).append(binding)
        return groups

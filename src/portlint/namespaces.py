"""Network namespaces as values: what a port is unique inside, built by the parsers
without a group and completed by the resolve stage (`portlint.resolve`)."""

from __future__ import annotations

from collections.abc import Mapping
from functools import lru_cache

from portlint.records import FrozenRecord

#: Namespace kinds whose group is a host group (`hosts:` in the config) or a cluster
#: (`clusters:`); the resolve stage fills the group in.
HOST_KINDS = frozenset({"host"})
CLUSTER_KINDS = frozenset({"pod", "k8s-node", "k8s-nodeports", "service"})


class Namespace(FrozenRecord):
    """A network namespace: a port is unique only inside one. Its `key` is the string the
    JSON output and fingerprints show (see DESIGN.md):

    - ``host:<group>``                           Compose published ports, service configs
    - ``container:<project>/<service>``          a Compose service's own namespace
    - ``pod:<cluster>/<k8s-ns>/<Kind>/<name>``   every container of one pod template
    - ``k8s-node:<cluster>``                     hostPort and hostNetwork ports
    - ``k8s-nodeports:<cluster>``                the cluster's NodePorts
    - ``service:<cluster>/<k8s-ns>/<name>@<file>``  one Service's ports in one file
    - ``dockerfile:<file>``                      a Dockerfile's EXPOSE lines

    Parsers build namespaces without a group; `portlint.resolve` sets it.
    """

    kind: str
    group: str  # host group or cluster ("" until resolved, and for other kinds)
    path: str  # inside the group: "<project>/<service>", "<k8s-ns>/<Kind>/<name>", ...
    file: str  # a Service's file: one namespace per Service and file ("" otherwise)

    # Its hash is kept: every rule groups bindings by namespace, so a large tree hashed
    # the same few values millions of times (a tuple of four strings each time).
    __slots__ = ("kind", "group", "path", "file", "_hash")
    _record_fields = ("kind", "group", "path", "file")

    def __init__(self, kind: str, group: str = "", path: str = "", file: str = "") -> None:
        self.kind = kind
        self.group = group
        self.path = path
        self.file = file
        self._hash = hash((kind, group, path, file))

    def __hash__(self) -> int:  # type: ignore[override]  # Record is unhashable on purpose
        return self._hash

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if type(other) is not Namespace:
            return NotImplemented
        return self._hash == other._hash and self._values() == other._values()

    # The constructors return one shared value for equal arguments (a Namespace is never
    # changed once made; the resolve stage replaces it): a value per binding was a tenth of
    # a large run's memory until resolving.

    @classmethod
    def host(cls) -> Namespace:
        return _HOST

    @classmethod
    def container(cls, path: str) -> Namespace:
        return cls("container", path=path)

    @classmethod
    def pod(cls, k8s_namespace: str, kind: str, name: str, init: str | None = None) -> Namespace:
        """`init`: a plain init container, which runs alone in a namespace of its own."""
        return _pod(k8s_namespace, kind, name, init)

    @classmethod
    def node(cls) -> Namespace:
        return _NODE

    @classmethod
    def node_ports(cls) -> Namespace:
        return _NODE_PORTS

    @classmethod
    def service(cls, k8s_namespace: str, name: str, file: str) -> Namespace:
        return _service(k8s_namespace, name, file)

    @classmethod
    def dockerfile(cls, file: str) -> Namespace:
        return cls("dockerfile", path=file)

    @property
    def key(self) -> str:
        body = "/".join(part for part in (self.group, self.path) if part)
        return f"{self.kind}:{body}@{self.file}" if self.file else f"{self.kind}:{body}"

    def __str__(self) -> str:
        return self.key

    @property
    def is_node(self) -> bool:
        """A Kubernetes node's own ports (hostPort, hostNetwork)."""
        return self.kind == "k8s-node"

    def describe(self, reasons: Mapping[str, str] | None = None, split_hint: bool = False) -> str:
        """Where a port is, as a message says it ("on host 'edge'", "in pod ns/Kind/x").

        With `reasons` (`Model.hosts`: host group -> why portlint put files there), a host
        says which it assumed and why: "on the host of compose project deploy/", "on host
        'default' (the scan root's host: ...)"; `split_hint` adds how to split a host the
        tree's structure made (not `hosts:`), for parties in different directories."""
        if self.kind == "host":
            text = f"on host '{self.group}'"
            reason = reasons.get(self.group) if reasons else None
            if reason is None:
                return text
            if reason.startswith("host of compose project"):
                return f"on the {reason}"
            if split_hint and not reason.startswith("`hosts:`"):
                reason += "; split them with `hosts:`"
            return f"{text} ({reason})"
        if self.kind == "container":
            return f"in the network namespace of service '{self.path.rsplit('/', 1)[-1]}'"
        if self.kind == "pod":
            return f"in pod {self.path}"
        if self.kind == "k8s-node":
            return "on the node"
        if self.kind == "k8s-nodeports":
            return "in the cluster's NodePorts"
        if self.kind == "service":
            return f"in Service {self.path}"
        return f"in {self.key}"


_HOST = Namespace("host")
_NODE = Namespace("k8s-node")
_NODE_PORTS = Namespace("k8s-nodeports")


# Small: the ports of one object are read one after another.
@lru_cache(maxsize=64)
def _pod(k8s_namespace: str, kind: str, name: str, init: str | None) -> Namespace:
    path = f"{k8s_namespace}/{kind}/{name}"
    return Namespace("pod", path=path if init is None else f"{path}#init/{init}")


@lru_cache(maxsize=64)
def _service(k8s_namespace: str, name: str, file: str) -> Namespace:
    return Namespace("service", path=f"{k8s_namespace}/{name}", file=file)

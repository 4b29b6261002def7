"""Workloads: the pod template of every workload kind, its containers' ports, host ports,
hostNetwork listeners, security context (for PL202) and probe/hook ports (for PL402).

Namespaces (see the Kubernetes parser): app containers, sidecars (initContainers with
`restartPolicy: Always`) and ephemeral containers share the pod's network namespace;
a plain init container runs alone before them, so it gets a namespace of its own.
"""

from __future__ import annotations

from portlint.k8s_objects import Container, ContainerPort, PodTemplate, PortUse
from portlint.model import Binding, Namespace, PodContainer, Protocol, Role, parse_address
from portlint.numbers import parse_int
from portlint.parsers.kubernetes.values import (
    ObjectContext,
    check_svc_name,
    int_or_name,
    is_true,
    port_number,
    protocol,
    scalar_text,
)
from portlint.records import Record
from portlint.registry import identify
from portlint.yamlnodes import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    as_dict,
    get,
    is_plain_int,
)

#: Where each workload kind keeps its pod template, as a path of keys.
TEMPLATE_PATHS: dict[str, tuple[str, ...]] = {
    "Pod": (),
    "PodTemplate": ("template",),
    "Deployment": ("spec", "template"),
    "StatefulSet": ("spec", "template"),
    "DaemonSet": ("spec", "template"),
    "ReplicaSet": ("spec", "template"),
    "ReplicationController": ("spec", "template"),
    "Job": ("spec", "template"),
    "CronJob": ("spec", "jobTemplate", "spec", "template"),
}
_REPLICATED = frozenset({"Deployment", "StatefulSet", "ReplicaSet", "ReplicationController"})
_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_HOOKS = ("postStart", "preStop")
_UNPRIVILEGED_SYSCTL = "net.ipv4.ip_unprivileged_port_start"


def template_of(document: MappingNode, kind: str) -> Node | None:
    """The node holding `metadata` and `spec` of the pod (the document itself for a Pod)."""
    node: Node | None = document
    for key in TEMPLATE_PATHS[kind]:
        node = get(node, key)
    return node


class _Security(Record):
    """What decides whether a container may bind below the unprivileged start."""

    run_as_user: int | None = None
    run_as_non_root: bool | None = None

    def merged(self, node: Node | None) -> _Security:
        user = get(node, "runAsUser")
        non_root = get(node, "runAsNonRoot")
        return _Security(
            _count(user, self.run_as_user),
            is_true(non_root)
            if isinstance(non_root, ScalarNode)
            and not non_root.style
            and non_root.tag.endswith(":bool")
            else self.run_as_non_root,
        )

    @property
    def non_root(self) -> bool | None:
        """True/False when the manifest says; None when the image's USER decides."""
        if self.run_as_user is not None:
            return self.run_as_user != 0
        return True if self.run_as_non_root else None


def parse_workload(ctx: ObjectContext, document: MappingNode) -> PodTemplate | None:
    """Bindings for one workload's pod template; its facts, or None when it has no pod
    spec (a patch that only changes, say, replicas)."""
    template = template_of(document, ctx.kind)
    spec = get(template, "spec")
    if not isinstance(spec, MappingNode):
        return None
    labels = _labels(get(get(template, "metadata"), "labels"))
    pod = _PodReader(ctx, spec, _replicas(ctx.kind, document))
    containers = pod.read()
    name_node = get(get(document, "metadata"), "name") or get(document, "kind") or document
    return PodTemplate(
        ident=ctx.ident,
        cluster="",  # decided by the resolve stage
        labels=labels,
        containers=containers,
        location=ctx.loc(name_node),
        partial=not containers or any(c.partial for c in containers),
    )


def _labels(node: Node | None) -> dict[str, str]:
    labels: dict[str, str] = {}
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and isinstance(value, ScalarNode):
                labels[key.value] = value.value
    return labels


def _replicas(kind: str, document: MappingNode) -> int | None:
    """Pods of this workload that may run at once (None: one per node, a DaemonSet)."""
    if kind == "DaemonSet":
        return None
    spec = get(document, "spec")
    if kind in _REPLICATED:
        node = get(spec, "replicas")
    elif kind in ("Job", "CronJob"):
        job_spec = get(get(spec, "jobTemplate"), "spec") if kind == "CronJob" else spec
        node = get(job_spec, "parallelism")
    else:
        return 1
    return _count(node, 1)


class _PodReader:
    """Reads one pod spec's containers into bindings and `Container` facts."""

    def __init__(self, ctx: ObjectContext, spec: MappingNode, replicas: int | None) -> None:
        self.ctx = ctx
        self.fields = fields = as_dict(spec)  # one pass over the pod spec's keys
        self.replicas = replicas
        self.host_network = is_true(fields.get("hostNetwork"))
        self.node_name = scalar_text(fields.get("nodeName"))
        security = fields.get("securityContext")
        self.security = _Security().merged(security)
        self.windows = (scalar_text(get(fields.get("os"), "name")) or "").lower() == "windows"
        self.unprivileged_start = _sysctl_start(get(security, "sysctls"))
        self.node_namespace = Namespace.node()

    def read(self) -> list[Container]:
        containers: list[Container] = []
        for key, role in (
            ("containers", "container"),
            ("initContainers", "init"),
            ("ephemeralContainers", "ephemeral"),
        ):
            entries = self.fields.get(key)
            if not isinstance(entries, SequenceNode):
                continue
            for entry in entries.value:
                if isinstance(entry, MappingNode):
                    containers.append(self._container(entry, role))
        return containers

    def _container(self, node: MappingNode, role: str) -> Container:
        fields = as_dict(node)  # one pass over the container's keys
        name = scalar_text(fields.get("name")) or "?"
        if role == "init" and scalar_text(fields.get("restartPolicy")) == "Always":
            role = "sidecar"
        image = scalar_text(fields.get("image"))
        ports_node = fields.get("ports")
        container = Container(
            name, role, has_ports_key=ports_node is not None, partial=image is None
        )
        security_node = fields.get("securityContext")
        security = self.security.merged(security_node)
        net_bind_service, net_bind_dropped = _capabilities(get(security_node, "capabilities"))
        facts = PodContainer(
            name,
            non_root=None if self.windows else security.non_root,
            net_bind_service=net_bind_service,
            net_bind_dropped=net_bind_dropped,
            unprivileged_port_start=None if self.host_network else self.unprivileged_start,
        )
        if isinstance(ports_node, SequenceNode):
            for entry in ports_node.value:
                if isinstance(entry, MappingNode):
                    port = self._port(entry, container, image, facts)
                    if port is not None:
                        container.ports.append(port)
        container.uses.extend(self._uses(fields))
        return container

    def _port(
        self, entry: MappingNode, container: Container, image: str | None, facts: PodContainer
    ) -> ContainerPort | None:
        ctx = self.ctx
        fields = as_dict(entry)  # one pass over the entry's keys
        number_node = fields.get("containerPort")
        number = port_number(ctx, number_node, "containerPort")
        name_node = fields.get("name")
        name = scalar_text(name_node)  # kept even when invalid (PL005): it still resolves
        if isinstance(name_node, ScalarNode) and name is not None:
            check_svc_name(ctx, name_node, "port name")
        proto = protocol(ctx, fields.get("protocol"))
        if number_node is None and not container.partial:
            ctx.diag("PL002", f"a port of container {container.name!r} has no containerPort", entry)
        if number is None or number_node is None:
            return ContainerPort(None, name, proto, ctx.loc(name_node or entry)) if name else None
        identity = identify(image=image, name=container.name)
        owner = f"{ctx.owner}/{container.name}"
        init = container.name if container.role == "init" else None
        namespace = Namespace.pod(ctx.namespace, ctx.kind, ctx.name, init)
        ctx.bindings.append(
            Binding(
                number,
                proto,
                namespace,
                Role.CONTAINER,
                owner,
                location=ctx.loc(number_node),
                replicas=self.replicas,
                workload_kind=ctx.kind,
                container=facts,
                format="kubernetes",
                identity=identity,
                image=image,
            )
        )
        self._host_side(fields, number_node, number, proto, identity, image)
        return ContainerPort(number, name, proto, ctx.loc(number_node))

    def _host_side(
        self,
        fields: dict[str, Node],
        number_node: Node,
        number: int,
        proto: Protocol,
        identity: str | None,
        image: str | None,
    ) -> None:
        """A hostPort, or a hostNetwork listener: both occupy the node's own ports (`fields`:
        the port entry's keys)."""
        ctx = self.ctx
        host_node = fields.get("hostPort")
        host_port = port_number(ctx, host_node, "hostPort", zero_means_unset=True)
        if host_node is not None and host_port and self.host_network and host_port != number:
            ctx.diag(
                "PL002",
                f"hostPort {host_port} must equal containerPort {number} with hostNetwork: true",
                host_node,
            )
        if host_port and host_node is not None:
            ip_node = fields.get("hostIP")
            address = None
            text = scalar_text(ip_node)
            if text and ip_node is not None:
                try:
                    address = parse_address(text)
                except ValueError:
                    ctx.diag("PL002", f"hostIP {text!r} is not an IP address", ip_node)
            ctx.bindings.append(
                Binding(
                    host_port,
                    proto,
                    self.node_namespace,
                    Role.HOST_PORT,
                    ctx.owner,
                    location=ctx.loc(host_node),
                    address=address,
                    replicas=self.replicas,
                    workload_kind=ctx.kind,
                    node_name=self.node_name or None,
                    format="kubernetes",
                    identity=identity,
                    image=image,
                )
            )
        elif self.host_network:
            ctx.bindings.append(
                Binding(
                    number,
                    proto,
                    self.node_namespace,
                    Role.LISTEN,
                    ctx.owner,
                    location=ctx.loc(number_node),
                    replicas=self.replicas,
                    workload_kind=ctx.kind,
                    node_name=self.node_name or None,
                    format="kubernetes",
                    identity=identity,
                    image=image,
                )
            )

    def _uses(self, fields: dict[str, Node]) -> list[PortUse]:
        """Ports of probes and lifecycle hooks (httpGet, tcpSocket, grpc), from the
        container's keys."""
        uses: list[PortUse] = []
        handlers = [(key, fields.get(key)) for key in _PROBES]
        lifecycle = fields.get("lifecycle")
        if lifecycle is not None:
            handlers += [(f"lifecycle.{key}", get(lifecycle, key)) for key in _HOOKS]
        for where, handler in handlers:
            if not isinstance(handler, MappingNode):
                continue
            actions = as_dict(handler)
            for action in ("httpGet", "tcpSocket", "grpc"):
                port_node = get(actions.get(action), "port")
                if port_node is None:
                    continue
                label = f"{where}.{action}.port"
                value = (
                    port_number(self.ctx, port_node, label)
                    if action == "grpc"
                    else int_or_name(self.ctx, port_node, label)
                )
                if value is not None:
                    uses.append(PortUse(value, f"{where}.{action}", self.ctx.loc(port_node)))
        return uses


def _capabilities(node: Node | None) -> tuple[bool, bool]:
    """NET_BIND_SERVICE added, and whether a drop (ALL or NET_BIND_SERVICE) removes it."""

    def names(key: str) -> set[str]:
        items = get(node, key)
        if not isinstance(items, SequenceNode):
            return set()
        found = set()
        for item in items.value:
            text = scalar_text(item)
            if text:
                found.add(text.upper().removeprefix("CAP_"))
        return found

    added = "NET_BIND_SERVICE" in names("add")
    dropped = bool(names("drop") & {"ALL", "NET_BIND_SERVICE"})
    return added, dropped and not added


def _sysctl_start(node: Node | None) -> int | None:
    """The pod's `net.ipv4.ip_unprivileged_port_start` sysctl, when it sets one."""
    if not isinstance(node, SequenceNode):
        return None
    for item in node.value:
        if scalar_text(get(item, "name")) == _UNPRIVILEGED_SYSCTL:
            value = scalar_text(get(item, "value"))
            if value is not None and parse_int(value) is not None:
                return parse_int(value)
    return None


def _count(node: Node | None, default: int | None) -> int | None:
    """A plain YAML int written with ASCII digits only (a user ID, a replica count)."""
    if isinstance(node, ScalarNode) and is_plain_int(node):
        value = parse_int(node.value)
        if value is not None:
            return value
    return default

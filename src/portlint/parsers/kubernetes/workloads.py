"""Workloads: the pod template of every workload kind, its containers' ports, host ports,
hostNetwork listeners, security context (for PL202) and probe/hook ports (for PL402).

Namespaces (see the Kubernetes parser): app containers, sidecars (initContainers with
`restartPolicy: Always`) and ephemeral containers share the pod's network namespace;
a plain init container runs alone before them, so it gets a namespace of its own.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache
from typing import Any

from portlint.k8s_objects import Container, ContainerPort, PodTemplate, PortUse
from portlint.model import Binding, Namespace, PodContainer, Protocol, Role, parse_address
from portlint.parsers.kubernetes.listening import flag_ports, host_network_default
from portlint.parsers.kubernetes.security import Security, capabilities, count, sysctl_start
from portlint.parsers.kubernetes.values import (
    ObjectContext,
    check_svc_name,
    int_or_name,
    is_true,
    port_number,
    protocol,
    scalar_text,
)
from portlint.parsers.kubernetes.volumes import container_mounts, env_refs, pod_volumes
from portlint.registry import identify
from portlint.yamlnodes import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    as_dict,
    get,
    is_null,
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
_SELECTED = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet"})
_PROBES = ("livenessProbe", "readinessProbe", "startupProbe")
_HOOKS = ("postStart", "preStop")


def template_of(document: MappingNode, kind: str) -> Node | None:
    """The node holding `metadata` and `spec` of the pod (the document itself for a Pod)."""
    node: Node | None = document
    for key in TEMPLATE_PATHS[kind]:
        node = get(node, key)
    return node


def parse_workload(
    ctx: ObjectContext,
    document: MappingNode,
    patch_document: Callable[[], bool] = lambda: False,
) -> PodTemplate | None:
    """Bindings for one workload's pod template; its facts, or None when it has no pod
    spec (a patch that only changes, say, replicas). `patch_document`: a kustomization
    names the file as a strategic-merge patch."""
    template = template_of(document, ctx.kind)
    spec = get(template, "spec")
    if not isinstance(spec, MappingNode):
        return None
    metadata = get(template, "metadata")
    labels = _labels(get(metadata, "labels"))
    patch = _imageless(spec) and (_partial_document(ctx.kind, document) or patch_document())
    pod = PodReader(ctx, spec, _replicas(ctx.kind, document), patch)
    containers = pod.read()
    annotations = _labels(get(metadata, "annotations"))
    name_node = get(get(document, "metadata"), "name") or get(document, "kind") or document
    return PodTemplate(
        ident=ctx.ident,
        cluster="",  # decided by the resolve stage
        labels=labels,
        containers=containers,
        location=ctx.loc(name_node),
        partial=not containers or any(c.partial for c in containers),
        injected="inject.istio.io/templates" in annotations or pod.auto_image,
        replicas=pod.replicas,
        host_network=pod.host_network,
        node_name=pod.node_name or None,
    )


def _imageless(spec: MappingNode) -> bool:
    """Whether a container of the pod spec has no `image:` (only then is it a question
    whether the document is a patch)."""
    for key in ("containers", "initContainers"):
        entries = get(spec, key)
        for entry in entries.value if isinstance(entries, SequenceNode) else ():
            if isinstance(entry, MappingNode) and get(entry, "image") is None:
                return True
    return False


def _partial_document(kind: str, document: MappingNode) -> bool:
    """A workload written as a patch: a controller without the `spec.selector` its API
    requires (a strategic-merge patch carries only what it changes)."""
    return kind in _SELECTED and get(get(document, "spec"), "selector") is None


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
    return count(node, 1)


class PodReader:
    """Reads one pod spec's containers into bindings and `Container` facts."""

    def __init__(
        self, ctx: ObjectContext, spec: MappingNode, replicas: int | None, patch: bool
    ) -> None:
        self.ctx = ctx
        self.patch = patch  # containers without `image:` are patches of a base's
        self.fields = fields = as_dict(spec)  # one pass over the pod spec's keys
        self.replicas = replicas
        self.auto_image = False  # a container's `image: auto` (Istio injection)
        self.host_network = is_true(fields.get("hostNetwork"))
        self.node_name = scalar_text(fields.get("nodeName"))
        security = fields.get("securityContext")
        self.security = Security().merged(security)
        self.windows = (scalar_text(get(fields.get("os"), "name")) or "").lower() == "windows"
        self.unprivileged_start = sysctl_start(get(security, "sysctls"))
        self.node_namespace = Namespace.node()
        self.volumes = pod_volumes(fields.get("volumes"))
        self.names: dict[str, int] = {}  # container name -> containers of that name so far

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
        if image == "auto":  # Istio's injection replaces it with the proxy image
            self.auto_image = True
        ports_node = fields.get("ports")
        name_node = fields.get("name")
        seen = self.names[name] = self.names.get(name, 0) + 1
        container = Container(
            name,
            role,
            has_ports_key=ports_node is not None,
            partial=image is None and self.patch,
            name_location=self.ctx.loc(name_node) if name_node is not None else None,
            owner=f"{self.ctx.owner}/{name}" + (f"#{seen}" if seen > 1 else ""),
            image=image,
            mounts=container_mounts(fields.get("volumeMounts"), self.volumes),
            env_refs=env_refs(fields.get("env"), fields.get("envFrom")),
        )
        security_node = fields.get("securityContext")
        security = self.security.merged(security_node)
        net_bind_service, net_bind_dropped = capabilities(get(security_node, "capabilities"))
        facts = PodContainer(
            name,
            non_root=None if self.windows else security.non_root,
            net_bind_service=net_bind_service,
            net_bind_dropped=net_bind_dropped,
            unprivileged_port_start=None if self.host_network else self.unprivileged_start,
        )
        container.facts = facts
        if isinstance(ports_node, SequenceNode):
            for entry in ports_node.value:
                if isinstance(entry, MappingNode):
                    port = self._port(entry, container, image, facts)
                    if port is not None:
                        container.ports.append(port)
        if "command" in fields or "args" in fields or "env" in fields:
            flag_ports(self, fields, container, image, facts)
        if self.host_network and not container.ports and not container.flag_ports:
            host_network_default(self, fields, container, image)
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
        if (number_node is None or is_null(number_node)) and not container.partial:
            ctx.diag("PL002", f"a port of container {container.name!r} has no containerPort", entry)
        if number is None or number_node is None:
            return ContainerPort(None, name, proto, ctx.loc(name_node or entry)) if name else None
        identity = identify(image=image, name=container.name)
        owner = container.owner
        init = container.name if container.role == "init" else None
        namespace = Namespace.pod(ctx.namespace, ctx.kind, ctx.name, init)
        where = ctx.loc(number_node)  # one Location for the binding and the port
        ctx.bindings.append(
            Binding(
                number,
                proto,
                namespace,
                Role.CONTAINER,
                owner,
                location=where,
                replicas=self.replicas,
                workload_kind=ctx.kind,
                container=facts,
                format="kubernetes",
                identity=identity,
                image=image,
            )
        )
        self._host_side(fields, number_node, number, proto, identity, image, _port_name(fields))
        return ContainerPort(number, name, proto, where)

    def _host_side(
        self,
        fields: dict[str, Node],
        number_node: Node,
        number: int,
        proto: Protocol,
        identity: str | None,
        image: str | None,
        port_name: str | None = None,
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
                self.node_binding(
                    host_port,
                    proto,
                    Role.HOST_PORT,
                    host_node,
                    identity,
                    image,
                    address=address,
                    port_name=port_name,
                )
            )
        elif self.host_network:
            ctx.bindings.append(
                self.node_binding(number, proto, Role.LISTEN, number_node, identity, image)
            )

    def node_binding(
        self,
        port: int,
        protocol: Protocol,
        role: Role,
        node: Node,
        identity: str | None,
        image: str | None,
        **fields: Any,
    ) -> Binding:
        """A binding of this pod on its node (a hostPort, or a port of a host-network
        container), placed on `node`."""
        ctx = self.ctx
        return Binding(
            port,
            protocol,
            self.node_namespace,
            role,
            ctx.owner,
            location=ctx.loc(node),
            replicas=self.replicas,
            workload_kind=ctx.kind,
            node_name=self.node_name or None,
            format="kubernetes",
            identity=identity,
            image=image,
            **fields,
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
                    uses.append(PortUse(value, _use_key(where, action), self.ctx.loc(port_node)))
        return uses


@cache  # a few dozen keys: one string each for every probe
def _use_key(where: str, action: str) -> str:
    return f"{where}.{action}"


def _port_name(fields: dict[str, Node]) -> str | None:
    """A port's `appProtocol`, else its `name`: what it says it serves."""
    for key in ("appProtocol", "name"):
        text = scalar_text(fields.get(key))
        if text:
            return text.lower()
    return None

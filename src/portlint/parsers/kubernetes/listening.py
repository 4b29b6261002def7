"""Ports a container's process listens on without a `ports:` entry: those its command
line and environment set (`portlint.flags`), and with `hostNetwork: true` the documented
default of known software that declares no port (shown as inferred, as for a Compose
`network_mode: host` service).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portlint.k8s_objects import Container, ContainerPort
from portlint.model import Binding, Namespace, PodContainer, Protocol, Role
from portlint.registry import identify
from portlint.source import Location
from portlint.yamlnodes import Node

if TYPE_CHECKING:
    from portlint.parsers.kubernetes.workloads import PodReader


def flag_ports(
    reader: PodReader,
    fields: dict[str, Node],
    container: Container,
    image: str | None,
    facts: PodContainer,
) -> None:
    """Listen ports the container's `command`/`args` and `env` set (`portlint.flags`)."""
    from portlint.flags.sources import (
        emit,
        environment_reading,
        kubernetes_env,
        kubernetes_reading,
    )

    ctx = reader.ctx
    reading = kubernetes_reading(ctx.source, fields.get("command"), fields.get("args"), image)
    reading.extend(environment_reading(ctx.source, kubernetes_env(fields.get("env")), image))
    if not reading.ports and not reading.problems:
        return
    owner = container.owner
    init = container.name if container.role == "init" else None
    namespace = Namespace.pod(ctx.namespace, ctx.kind, ctx.name, init)
    identity = identify(image=image, name=container.name)
    common = dict(
        replicas=reader.replicas,
        workload_kind=ctx.kind,
        format="kubernetes",
        identity=identity,
        image=image,
    )

    def binding(port: int, proto: Protocol, where: Location) -> Binding:
        return Binding(
            port,
            proto,
            namespace,
            Role.CONTAINER,
            owner,
            location=where,
            container=facts,
            **common,  # type: ignore[arg-type]
        )

    made = emit(ctx.result, reading, binding, owner, ctx.owner, ctx.source.display, ctx.bindings)
    declared = {(p.number, p.protocol) for p in container.ports}
    for b in made:
        container.flag_ports.append(ContainerPort(b.port, None, b.protocol, b.location))
        if reader.host_network and (b.port, b.protocol) not in declared:
            listen = Binding(
                b.port,
                b.protocol,
                reader.node_namespace,
                Role.LISTEN,
                ctx.owner,
                location=b.location,
                address=b.address,
                source=b.source,
                node_name=reader.node_name or None,
                **common,  # type: ignore[arg-type]
            )
            ctx.bindings.append(listen)


def host_network_default(
    reader: PodReader, fields: dict[str, Node], container: Container, image: str | None
) -> None:
    """A `hostNetwork: true` container of known software that declares no port, sets none
    by flag and takes no ConfigMap listens on its documented default on the node, placed
    on `image:`."""
    from portlint import registry

    image_node = fields.get("image")
    if container.role not in ("container", "sidecar") or image_node is None:
        return
    if container.mounts or container.env_refs:
        return  # a mounted config or ConfigMap environment may move the port
    identity = identify(image=image, name=container.name)
    known = registry.host_network_default(identity)
    if known is None:
        return
    port, protocol, inferred = known
    reader.ctx.bindings.append(
        reader.node_binding(
            port,
            Protocol(protocol),
            Role.LISTEN,
            image_node,
            identity,
            image,
            default=True,
            source=inferred,
        )
    )

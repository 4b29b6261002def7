"""Services and Ingresses: Service ports (one namespace per Service), NodePorts (one
namespace per cluster), and the facts PL401/PL403/PL404 resolve (selectors, targetPorts,
Ingress backends in both the networking.k8s.io/v1 and the older serviceName form)."""

from __future__ import annotations

from portlint.k8s_objects import IngressBackend, Service, ServicePort
from portlint.model import Binding, Namespace, Role, Target
from portlint.numbers import is_digits
from portlint.parsers.kubernetes.values import (
    ObjectContext,
    check_dns_label,
    int_or_name,
    port_number,
    protocol,
    scalar_text,
)
from portlint.registry import identify
from portlint.yamlnodes import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    as_dict,
    get,
    is_null,
    is_plain_int,
)

_NODE_PORT_TYPES = frozenset({"NodePort", "LoadBalancer"})


def parse_service(ctx: ObjectContext, document: MappingNode) -> Service:
    spec = get(document, "spec")
    service_type = scalar_text(get(spec, "type")) or "ClusterIP"
    selector_node = get(spec, "selector")
    selector = None
    if isinstance(selector_node, MappingNode) and selector_node.value:
        selector = {
            k.value: v.value
            for k, v in selector_node.value
            if isinstance(k, ScalarNode) and isinstance(v, ScalarNode)
        }
    ports_node = get(spec, "ports")
    service = Service(
        ident=ctx.ident,
        cluster="",  # decided by the resolve stage
        type=service_type,
        selector=selector,
        ports=[],
        location=ctx.loc(get(get(document, "metadata"), "name") or document),
        has_ports_key=ports_node is not None,
    )
    if isinstance(ports_node, SequenceNode):
        for index, entry in enumerate(ports_node.value):
            if isinstance(entry, MappingNode):
                port = _service_port(ctx, entry, index, service_type)
                if port is not None:
                    service.ports.append(port)
    return service


def _service_port(
    ctx: ObjectContext, entry: MappingNode, index: int, service_type: str
) -> ServicePort | None:
    fields = as_dict(entry)  # one pass over the entry's keys
    port_node = fields.get("port")
    number = port_number(ctx, port_node, "port")
    name_node = fields.get("name")
    name = scalar_text(name_node)  # kept even when invalid (PL005)
    check_dns_label(ctx, name_node, "Service port name")
    proto = protocol(ctx, fields.get("protocol"))
    target_node = fields.get("targetPort")
    target = int_or_name(ctx, target_node, "targetPort")
    node_port_node = fields.get("nodePort")
    node_port = port_number(ctx, node_port_node, "nodePort", zero_means_unset=True)
    if port_node is None or is_null(port_node):
        ctx.diag("PL002", f"port {index + 1} of Service {ctx.name!r} has no port", entry)
        # Still an entry of the Service: it counts for PL404's "several ports".
        where = ctx.loc(target_node) if target is not None and target_node is not None else None
        return ServicePort(None, name, proto, target, ctx.loc(entry), where)
    if number is None:
        return None
    identity = identify(name=ctx.name)
    where = ctx.loc(port_node)  # one Location for the binding and the port
    ctx.bindings.append(
        Binding(
            number,
            proto,
            Namespace.service(ctx.namespace, ctx.name, _file_of(ctx)),
            Role.SERVICE_PORT,
            f"{ctx.owner}#{index}",
            location=where,
            workload_kind="Service",
            target=None if target is None else Target.of(target),
            format="kubernetes",
            identity=identity,
        )
    )
    if node_port and node_port_node is not None and service_type in _NODE_PORT_TYPES:
        ctx.bindings.append(
            Binding(
                node_port,
                proto,
                Namespace.node_ports(),
                Role.NODE_PORT,
                ctx.owner,
                location=ctx.loc(node_port_node),
                workload_kind="Service",
                format="kubernetes",
                identity=identity,
            )
        )
    return ServicePort(
        number,
        name,
        proto,
        target,
        where,
        ctx.loc(target_node) if target is not None and target_node is not None else None,
    )


def parse_ingress(ctx: ObjectContext, document: MappingNode) -> list[IngressBackend]:
    """Every backend of an Ingress that names a Service port."""
    spec = get(document, "spec")
    backends: list[Node | None] = [get(spec, "defaultBackend"), get(spec, "backend")]
    rules = get(spec, "rules")
    if isinstance(rules, SequenceNode):
        for rule in rules.value:
            paths = get(get(rule, "http"), "paths")
            if isinstance(paths, SequenceNode):
                backends.extend(get(path, "backend") for path in paths.value)
    found: list[IngressBackend] = []
    for backend in backends:
        resolved = _backend(ctx, backend)
        if resolved is not None:
            found.append(resolved)
    return found


def _backend(ctx: ObjectContext, backend: Node | None) -> IngressBackend | None:
    service = get(backend, "service")
    if service is not None:  # networking.k8s.io/v1
        name = scalar_text(get(service, "name"))
        port = get(service, "port")
        number_node, name_node = get(port, "number"), get(port, "name")
        if number_node is not None:
            value: int | str | None = port_number(ctx, number_node, "service.port.number")
            node: Node | None = number_node
        else:
            value, node = scalar_text(name_node), name_node
    else:  # extensions/v1beta1, networking.k8s.io/v1beta1
        name = scalar_text(get(backend, "serviceName"))
        node = get(backend, "servicePort")
        value = _service_port_ref(ctx, node)
    if name is None or value is None or node is None:
        return None
    return IngressBackend(ctx.ident, "", name, value, ctx.loc(node))


def _service_port_ref(ctx: ObjectContext, node: Node | None) -> int | str | None:
    """`servicePort`: a Service port number, or a Service port name (a DNS label)."""
    if node is None or not isinstance(node, ScalarNode):
        return None
    if is_plain_int(node):
        return port_number(ctx, node, "servicePort")
    text = scalar_text(node)
    if text is not None and is_digits(text):
        ctx.diag(
            "PL002",
            f"servicePort {text!r} is a string, so Kubernetes reads it as a "
            "port name: write the number without quotes",
            node,
        )
        return None
    return text


def _file_of(ctx: ObjectContext) -> str:
    """The file part of a Service's namespace: a second definition in the same file is
    another object for collisions (PL104 reports the duplicate)."""
    return ctx.source.display if ctx.copy == 1 else f"{ctx.source.display}#{ctx.copy}"

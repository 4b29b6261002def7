"""Bindings from a merged service's `ports` (short and long syntax) and `expose`
entries: the container port in the service's namespace and, when published, the host
port in the host namespace, each located at its own part of the written value."""

from __future__ import annotations

from portlint.model import (
    Binding,
    Diagnostic,
    IPAddress,
    Namespace,
    Protocol,
    Role,
    Target,
)
from portlint.numbers import mention, mention_protocol, parse_int
from portlint.parsers.compose.commands import bind_command, bind_flags
from portlint.parsers.compose.ports import (
    PortSpec,
    PortSyntaxError,
    parse_long_spec,
    parse_port_range,
    parse_port_spec,
)
from portlint.parsers.compose.project import Project, Service
from portlint.parsers.compose.spans import verbatim_start
from portlint.parsers.interpolation import Interpolated
from portlint.source import Location, SourceFile
from portlint.yamlnodes import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    get,
    is_null,
    is_plain_int,
    kind_name,
    location,
)

#: `bind_flags`'s arguments, in order.
_FLAG_KEYS = ("entrypoint", "command", "environment", "env_file")


def bind_service(project: Project, service: Service) -> None:
    """Every binding of one service, in the order its files wrote the entries."""
    mode = service.network_mode or ""
    if mode == "none":
        return
    before = len(project.result.bindings)
    last: dict[str, tuple[SourceFile, Node]] = {}
    for source, key, node in service.entries:
        if key in ("command", "entrypoint", "environment", "env_file"):
            last[key] = (source, node)
            if key == "command":
                bind_command(project, service, source, node)
            continue
        if not isinstance(node, SequenceNode):
            project.error(
                "PL002",
                source,
                node,
                f"'{key}' of service {service.name!r} must be a list, not {kind_name(node)}",
            )
            continue
        for entry in node.value:
            if key == "ports":
                _bind_port(project, service, source, entry)
            else:
                _bind_expose(project, service, source, entry)
    if last or service.build is not None:
        bind_flags(project, service, *(last.get(key) for key in _FLAG_KEYS))
    if mode == "host" and len(project.result.bindings) == before:
        _host_network_default(project, service)


def _host_network_default(project: Project, service: Service) -> None:
    """A `network_mode: host` service of known software that declares no port listens on
    its documented default on the host (mongo: 27017), placed on `network_mode`."""
    from portlint import registry
    from portlint.model import Protocol, Role

    common = project.common(service)
    known = registry.host_network_default(common["identity"])
    if known is None or service.network_mode_at is None:
        return
    port, protocol, inferred = known
    source, node = service.network_mode_at
    project.result.bindings.append(
        Binding(
            port=port,
            protocol=Protocol(protocol),
            namespace=project.network_namespace(service),
            role=Role.LISTEN,
            location=location(source, node),
            default=True,
            source=inferred,
            **common,
        )
    )


def _bind_port(project: Project, service: Service, source: SourceFile, node: Node) -> None:
    if isinstance(node, MappingNode):
        _bind_long_port(project, service, source, node)
        return
    if not isinstance(node, ScalarNode) or is_null(node):
        project.error(
            "PL002",
            source,
            node,
            f"a port of service {service.name!r} must be a string, a number or a "
            f"mapping, not {kind_name(node)}",
        )
        return
    if is_plain_int(node) and ":" in node.value:
        _base60(project, source, node)
    unset_address = project.without_unset_address(source, node)
    if unset_address is not None:
        resolved: Interpolated | None = Interpolated(unset_address)
    else:
        resolved = project.interpolate(source, node)
    if resolved is None:
        from portlint.parsers.compose.variables import bind_variable_host

        bind_variable_host(project, service, source, node)
        return
    exact = resolved.value == node.value
    try:
        spec = parse_port_spec(resolved.value.strip())
    except PortSyntaxError as error:
        where = _part(source, node, error.offset, error.length, exact)
        message = _message(error, node.value, resolved.used, f"{error}{_in(node.value)}")
        project.invalid(where, message, node.value)
        return
    _emit(project, service, source, node, spec, exact, resolved, None, unset_address is not None)


def _base60(project: Project, source: SourceFile, node: ScalarNode) -> None:
    value = _sexagesimal(node.value)
    project.result.diagnostics.append(
        Diagnostic(
            "PL004",
            f"unquoted {node.value} is read by YAML 1.1 parsers as the base-60 "
            f'{value}, not a port mapping; quote it: "{node.value}"',
            location(source, node),
            key=f"{project.key}:{node.value}",
        )
    )


def _bind_long_port(
    project: Project, service: Service, source: SourceFile, node: MappingNode
) -> None:
    target_node = get(node, "target")
    if target_node is None or is_null(target_node):  # `target: null` too
        project.error(
            "PL002",
            source,
            node,
            f"a long-syntax port of service {service.name!r} needs 'target'",
        )
        return
    parts: dict[str, str] = {}
    raw: dict[str, str] = {}
    used: list[str] = []
    for key in ("target", "published", "host_ip", "protocol", "mode"):
        value_node = get(node, key)
        if value_node is None or is_null(value_node):
            continue
        if not isinstance(value_node, ScalarNode):
            project.error(
                "PL002",
                source,
                value_node,
                f"'{key}' must be a scalar, not {kind_name(value_node)}",
            )
            return
        resolved = project.interpolate(source, value_node)
        if resolved is None:
            if key == "published":
                from portlint.parsers.compose.variables import bind_variable_published

                bind_variable_published(project, service, source, node, value_node)
            return
        parts[key] = resolved.value.strip()
        raw[key] = value_node.value
        used += resolved.used
    try:
        spec = parse_long_spec(parts)
    except PortSyntaxError as error:
        bad = get(node, error.key) or node
        message = _message(error, raw.get(error.key, ""), used, str(error))
        project.invalid(location(source, bad), message, str(raw))
        return
    target_loc = location(source, target_node)
    published_node = get(node, "published")
    published_loc = location(source, published_node) if published_node else target_loc
    names = [project.scalar_text(source, get(node, key)) for key in ("app_protocol", "name")]
    _add_bindings(
        project,
        service,
        source,
        spec,
        target_loc,
        published_loc,
        mode=parts.get("mode"),
        port_name=next((n.lower() for n in names if n), None),
    )


def _emit(
    project: Project,
    service: Service,
    source: SourceFile,
    node: ScalarNode,
    spec: PortSpec,
    exact: bool,
    resolved: Interpolated,
    mode: str | None,
    address_unknown: bool = False,
) -> None:
    whole = location(source, node)
    start = _verbatim(source, node, whole, exact)  # once for both parts
    container_loc = _within(whole, start, spec.container.offset, spec.container.length)
    host = spec.host
    host_loc = container_loc if host is None else _within(whole, start, host.offset, host.length)
    _add_bindings(
        project,
        service,
        source,
        spec,
        container_loc,
        host_loc,
        mode,
        address_unknown=address_unknown,
    )


def _add_bindings(
    project: Project,
    service: Service,
    source: SourceFile,
    spec: PortSpec,
    container_loc: Location,
    host_loc: Location,
    mode: str | None,
    port_name: str | None = None,
    address_unknown: bool = False,
) -> None:
    mapping = (
        service.name,
        spec.address,
        spec.protocol,
        spec.container.start,
        spec.container.end,
        spec.host and (spec.host.start, spec.host.end),
    )
    first_file = project.mappings.setdefault(mapping, source.display)
    if first_file != source.display:
        return  # an override repeating the base file's mapping: Compose merges them
    common = project.common(service)
    bindings = project.result.bindings
    if service.network_mode == "host":
        bindings.append(
            Binding(
                port=spec.container.start,
                end_port=spec.container.end,
                protocol=spec.protocol,
                namespace=Namespace.host(),
                role=Role.LISTEN,
                location=container_loc,
                **common,
            )
        )
        return
    bindings.append(
        Binding(
            port=spec.container.start,
            end_port=spec.container.end,
            protocol=spec.protocol,
            namespace=project.container_namespace(service),
            role=Role.CONTAINER,
            location=container_loc,
            **common,
        )
    )
    # `- "5432"` (no host port): Docker publishes it on an ephemeral host port, on every
    # interface unless an address is given. Port 0, picked by Docker: no collision, no range
    # rule; the exposure rules (PL501, PL502) apply.
    host = spec.host
    bindings.append(
        Binding(
            port=0 if host is None else host.start,
            end_port=0 if host is None else host.end,
            protocol=spec.protocol,
            namespace=Namespace.host(),
            role=Role.PUBLISH,
            location=container_loc if host is None else host_loc,
            address=spec.address,
            v6only=_docker_v6only(spec.address),
            replicas=service.replicas,
            target=Target(spec.container.start, spec.container.end),
            pick_one=True if host is None else spec.pick_one,
            publish_mode=mode or None,
            port_name=port_name,
            address_unknown=host is not None and address_unknown,
            **common,
        )
    )


def _bind_expose(project: Project, service: Service, source: SourceFile, node: Node) -> None:
    if not isinstance(node, ScalarNode) or is_null(node):
        project.error(
            "PL002",
            source,
            node,
            f"an 'expose' entry of service {service.name!r} must be a port, not {kind_name(node)}",
        )
        return
    resolved = project.interpolate(source, node)
    if resolved is None:
        return
    text = resolved.value.strip()
    port_text, _, proto_text = text.partition("/")
    protocol = Protocol.parse(proto_text) if proto_text else Protocol.TCP
    try:
        if protocol is None:
            raise PortSyntaxError(
                f"unknown protocol{mention_protocol(proto_text)}",
                what="protocol",
                reason="is not tcp, udp or sctp",
            )
        start, end = parse_port_range(port_text, "exposed port")
    except PortSyntaxError as error:
        message = _message(error, node.value, resolved.used, str(error))
        project.invalid(location(source, node), message, node.value)
        return
    loc = _part(source, node, 0, len(port_text), resolved.value == node.value)
    host_mode = service.network_mode == "host"
    project.result.bindings.append(
        Binding(
            port=start,
            end_port=end,
            protocol=protocol,
            namespace=project.network_namespace(service),
            role=Role.LISTEN if host_mode else Role.EXPOSE,
            location=loc,
            **project.common(service),
        )
    )


def _part(source: SourceFile, node: ScalarNode, offset: int, length: int, exact: bool) -> Location:
    """The location of value[offset:offset+length] when the text is written verbatim on
    one line; else the whole value."""
    whole = location(source, node)
    return _within(whole, _verbatim(source, node, whole, exact), offset, length)


def _within(whole: Location, start: int | None, offset: int, length: int) -> Location:
    """value[offset:offset+length] of a value whose text starts at `start` on its line;
    the whole value when that is not known (None)."""
    return whole if start is None else whole.sub(start + offset, length)


def _verbatim(source: SourceFile, node: ScalarNode, whole: Location, exact: bool) -> int | None:
    """Where the value's text starts on its line when it is written there verbatim (one
    line, no interpolation changed it), else None."""
    if not exact or whole.line != whole.end_line:
        return None
    return verbatim_start(source, node)


def _message(error: PortSyntaxError, written: str, variables: list[str], plain: str) -> str:
    """The PL002 message: when any variable gave part of the value, one built from the
    error's constant parts and the variable names alone (a mistyped variable may hold a
    password, and .env values are never printed); else `plain`."""
    return error.without_value(written, variables) if variables else plain


def _in(written: str) -> str:
    """` in '<value>'` when the written value may be quoted (see portlint.numbers)."""
    shown = mention(written)
    return f" in{shown}" if shown else ""


def _docker_v6only(address: IPAddress | None) -> bool | None:
    """Docker publishes an explicit [::] port v6-only (0.0.0.0 and [::] never collide)."""
    if address is not None and address.version == 6 and address.is_unspecified:
        return True
    return None


def _sexagesimal(text: str) -> str:
    """The base-60 number a YAML 1.1 loader reads, as message text."""
    value = 0
    for part in text.replace("_", "").split(":"):
        digit = parse_int(part)
        if digit is None:
            return "number " + "too large to show"
        value = value * 60 + digit
    return f"number {value}"

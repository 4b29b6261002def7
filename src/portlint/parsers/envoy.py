"""Envoy static bootstrap (YAML or JSON): `static_resources.listeners[].address` and
`additional_addresses`, plus the `admin` listener.

Envoy facts encoded: `0.0.0.0` is every IPv4 address; `::` is IPv6 only unless
`ipv4_compat: true`; `protocol: UDP` is UDP; `pipe` addresses are not ports.
Owner: one Envoy process per bootstrap file, `envoy:<path>`.
"""

from __future__ import annotations

from portlint.model import ParseResult, Protocol
from portlint.parsers import ParseContext
from portlint.parsers.hostconf import (
    HostBindings,
    Listener,
    is_templated,
    parse_port,
    port_problem,
    resolve_host,
)
from portlint.source import SourceFile
from portlint.yamlnodes import (
    Node,
    ScalarNode,
    SequenceNode,
    YamlDocument,
    get,
    location,
)


class EnvoyParser:
    format = "envoy"
    group_by_directory = False

    def claims(self, document: YamlDocument) -> bool:
        return get(document.node, "static_resources") is not None

    def parse(self, documents: list[YamlDocument], ctx: ParseContext) -> ParseResult:
        result = ParseResult()
        for document in documents:
            source = document.source
            out = HostBindings(source, ctx, "envoy", "envoy", f"envoy:{source.display}")
            listeners = get(get(document.node, "static_resources"), "listeners")
            if isinstance(listeners, SequenceNode):
                for listener in listeners.value:
                    name = _text(get(listener, "name")) or "listener"
                    _address(source, out, get(listener, "address"), name)
                    extra = get(listener, "additional_addresses")
                    if isinstance(extra, SequenceNode):
                        for item in extra.value:
                            _address(source, out, get(item, "address"), name)
            admin = get(document.node, "admin")
            _address(source, out, get(admin, "address"), "admin")
            result.extend(out.result)
        return result


def _text(node: Node | None) -> str | None:
    return node.value if isinstance(node, ScalarNode) else None


def _address(source: SourceFile, out: HostBindings, node: Node | None, name: str) -> None:
    socket = get(node, "socket_address")
    if socket is None:
        return
    port_node = get(socket, "port_value")
    if not isinstance(port_node, ScalarNode):
        return
    port_text = port_node.value
    where = location(source, port_node)
    if port_node.style in ("'", '"'):
        where = where.sub(1, len(port_text))
    if is_templated(port_text):
        out.diagnostic(
            "PL003",
            f"listener '{name}' port {port_text!r} is a placeholder; the port cannot be checked",
            where,
            key=f"{name}:{port_text}",
        )
        return
    port = parse_port(port_text)
    if port is None:
        out.diagnostic(
            "PL002",
            f"listener '{name}': {port_problem(port_text)}",
            where,
            key=f"{name}:{port_text}",
        )
        return
    protocol = (
        Protocol.UDP if (_text(get(socket, "protocol")) or "").upper() == "UDP" else (Protocol.TCP)
    )
    host = _text(get(socket, "address")) or "0.0.0.0"
    addresses = resolve_host(host)
    if addresses is None:
        return
    compat = (_text(get(socket, "ipv4_compat")) or "").lower() == "true"
    for address in addresses:
        v6only = (not compat) if address is not None and address.version == 6 else None
        out.add(Listener(port, where, protocol, address, v6only))


PARSERS = [EnvoyParser()]

"""OpenTelemetry Collector configuration: the `endpoint` of each receiver a pipeline uses
(`receivers.<name>.endpoint`, `receivers.<name>.protocols.<grpc|http|...>.endpoint`).

Collector facts encoded: a receiver runs only when a `service.pipelines` entry names it
(a config without pipelines: every receiver); `endpoint` is `host:port`, `:port` or
`[v6]:port`, and a host that is a variable (`${env:MY_POD_IP}:4317`) or a name is every
address as far as a port check goes. An endpoint not written is not read (the default
differs between collector versions). Owner: one collector per file, `otel:<path>`.

Not registered for files on disk (collector configs have no name of their own): the
Kubernetes parser uses it for ConfigMap values that are collector configs.
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
    split_host_port,
)
from portlint.source import SourceFile
from portlint.yamlnodes import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    YamlDocument,
    get,
    location,
)

#: The Jaeger receiver's Thrift-over-UDP protocols (the others are TCP).
_UDP_PROTOCOLS = frozenset({"thrift_compact", "thrift_binary"})


class OtelCollectorParser:
    format = "otel"
    group_by_directory = False

    def claims(self, document: YamlDocument) -> bool:
        """A mapping with `receivers` and `service.pipelines`."""
        node = document.node
        return isinstance(get(node, "receivers"), MappingNode) and isinstance(
            get(get(node, "service"), "pipelines"), MappingNode
        )

    def parse(self, documents: list[YamlDocument], ctx: ParseContext) -> ParseResult:
        result = ParseResult()
        for document in documents:
            source = document.source
            out = HostBindings(
                source, ctx, "otel", "opentelemetry-collector", f"otel:{source.display}"
            )
            used = _used_receivers(document.node)
            receivers = get(document.node, "receivers")
            for key, receiver in receivers.value if isinstance(receivers, MappingNode) else ():
                name = key.value if isinstance(key, ScalarNode) else ""
                if used is not None and name not in used:
                    continue
                endpoints = [(get(receiver, "endpoint"), Protocol.TCP)]
                protocols = get(receiver, "protocols")
                for kind, protocol in protocols.value if isinstance(protocols, MappingNode) else ():
                    udp = isinstance(kind, ScalarNode) and kind.value in _UDP_PROTOCOLS
                    endpoints.append(
                        (get(protocol, "endpoint"), Protocol.UDP if udp else Protocol.TCP)
                    )
                for endpoint, transport in endpoints:
                    if isinstance(endpoint, ScalarNode) and endpoint.value:
                        _endpoint(out, source, endpoint, name, transport)
            result.extend(out.result)
        return result


def _used_receivers(node: Node) -> set[str] | None:
    pipelines = get(get(node, "service"), "pipelines")
    if not isinstance(pipelines, MappingNode):
        return None
    used: set[str] = set()
    for _, pipeline in pipelines.value:
        names = get(pipeline, "receivers")
        for item in names.value if isinstance(names, SequenceNode) else ():
            if isinstance(item, ScalarNode):
                used.add(item.value)
    return used


def _endpoint(
    out: HostBindings, source: SourceFile, node: ScalarNode, receiver: str, protocol: Protocol
) -> None:
    text = node.value.strip()
    if "://" in text:
        return  # a URL is a client's target, not a listen endpoint
    host, port_text, offset = split_host_port(text)
    if host is None:
        return  # no port written
    where = location(source, node)
    if node.style in ("'", '"'):
        where = where.sub(1, len(node.value))
    where = where.sub(offset, len(port_text))
    if is_templated(port_text):
        return
    port = parse_port(port_text)
    if port is None:
        out.diagnostic(
            "PL002",
            f"receiver '{receiver}' endpoint: {port_problem(port_text)}",
            where,
            key=f"{receiver}:{port_text}",
        )
        return
    addresses = None if is_templated(host) else resolve_host(host or None)
    for address in addresses or [None]:
        out.add(Listener(port, where, protocol, address=address))


PARSERS: list[object] = []  # not claimed on disk; see the module docstring

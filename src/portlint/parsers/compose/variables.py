"""A host port written as one variable with no value (`"${WEB_PORT}:80"`,
`"127.0.0.1:$WEB_PORT:80/udp"`): its number is unknown (PL003 says so), but two services
publishing the same variable bind the same port whatever it is set to. Each such entry
becomes a port-0 `Binding` in `ParseResult.variable_ports`, with the variable in `source`,
for PL101 to compare; no other rule sees it.
"""

from __future__ import annotations

import re

from portlint.model import Binding, Namespace, Role, Target
from portlint.parsers.compose.ports import (
    PortSpec,
    PortSyntaxError,
    parse_long_spec,
    parse_port_spec,
)
from portlint.parsers.compose.project import Project, Service
from portlint.parsers.compose.spans import verbatim_start
from portlint.parsers.interpolation import interpolate
from portlint.source import SourceFile
from portlint.yamlnodes import MappingNode, ScalarNode, get, location

_NAME = r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?P<bare>[A-Za-z_][A-Za-z0-9_]*))"
#: `$VAR` or `${VAR}` alone.
_VARIABLE = re.compile(_NAME)
#: `[address:]$VAR:rest` or `[address:]${VAR}:rest`: the host port is the variable alone.
_VARIABLE_HOST = re.compile(
    r"(?P<address>(?:\[[^\]]*\]|[^:$\[\]]*):)?" + _NAME + r":(?P<rest>[^:]+)"
)


def bind_variable_host(
    project: Project, service: Service, source: SourceFile, node: ScalarNode
) -> None:
    """Record the entry when its host port is one unset variable and the rest resolves."""
    text = node.value.strip()
    match = _VARIABLE_HOST.fullmatch(text)
    if match is None or service.network_mode == "host":
        return
    name = match.group("braced") or match.group("bare")
    env = project.env_for(source)
    if name in env:
        return  # set (to something unusable): PL002 or PL003 said why
    address = (match.group("address") or "").rstrip(":")
    rest = interpolate(match.group("rest"), env)
    if rest.missing or rest.errors or "$" in address:
        return
    try:
        spec = parse_port_spec(f"{address + ':' if address else ''}1:{rest.value.strip()}")
    except PortSyntaxError:
        return
    _record(project, service, source, node, match, spec)


def bind_variable_published(
    project: Project,
    service: Service,
    source: SourceFile,
    entry: MappingNode,
    published: ScalarNode,
) -> None:
    """The long syntax: `published: ${WEB_PORT}` unset, the other keys resolved."""
    match = _VARIABLE.fullmatch(published.value.strip())
    if match is None or service.network_mode == "host":
        return
    if (match.group("braced") or match.group("bare")) in project.env_for(source):
        return
    parts = {"published": "1"}
    for key in ("target", "host_ip", "protocol"):
        value = get(entry, key)
        text = project.scalar_text(source, value)
        if value is not None and text is None:
            return  # unset too, or not a scalar
        if text is not None:
            parts[key] = text.strip()
    try:
        spec = parse_long_spec(parts)
    except PortSyntaxError:
        return
    _record(project, service, source, published, match, spec)


def _record(
    project: Project,
    service: Service,
    source: SourceFile,
    node: ScalarNode,
    match: re.Match[str],
    spec: PortSpec,
) -> None:
    name = match.group("braced") or match.group("bare")
    text = node.value.strip()
    group = "braced" if match.group("braced") else "bare"
    first = match.start(group) - (2 if group == "braced" else 1)  # the `$`
    last = match.end(group) + (1 if group == "braced" else 0)
    where = location(source, node)
    start = verbatim_start(source, node)
    if start is not None and where.line == where.end_line and node.value == text:
        where = where.sub(start + first, last - first)
    project.result.variable_ports.append(
        Binding(
            port=0,
            protocol=spec.protocol,
            namespace=Namespace.host(),
            role=Role.PUBLISH,
            location=where,
            address=spec.address,
            target=Target(spec.container.start, spec.container.end),
            source=f"variable {name}",
            **project.common(service),
        )
    )

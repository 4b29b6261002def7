"""Traefik's `--entrypoints.<name>.address=:80` flags in a service's `command`: a Traefik
container listens where its flags say, which only the command line tells."""

from __future__ import annotations

import re
from collections.abc import Iterator

from portlint.model import Binding, Protocol, Role, parse_address
from portlint.parsers.compose.project import Project, Service
from portlint.parsers.compose.spans import verbatim_start
from portlint.parsers.traefik import entrypoint_from_flag
from portlint.source import Location, SourceFile
from portlint.yamlnodes import Node, ScalarNode, SequenceNode, location


def bind_command(project: Project, service: Service, source: SourceFile, node: Node) -> None:
    """One binding per entrypoint flag, at the port inside the flag when it is written on
    one line."""
    for text, loc in _command_words(source, node):
        if "entrypoints." not in text.lower():
            continue
        entry = entrypoint_from_flag(text)
        if entry is None:
            continue
        port_loc = (
            loc.sub(entry.port_offset, entry.port_length) if loc.line == loc.end_line else loc
        )
        host_mode = service.network_mode == "host"
        address = None
        if entry.address:
            try:
                address = parse_address(entry.address)
            except ValueError:
                address = None
        project.result.bindings.append(
            Binding(
                port=entry.port,
                protocol=entry.protocol,
                namespace=project.network_namespace(service),
                role=Role.LISTEN if host_mode else Role.CONTAINER,
                location=port_loc,
                address=address,
                **project.common(service),
            )
        )


def _command_words(source: SourceFile, node: Node) -> Iterator[tuple[str, Location]]:
    """The words of a `command` (a list, or one string split at spaces), each with its
    location when the text holds it verbatim, else the whole scalar's."""
    if isinstance(node, SequenceNode):
        for item in node.value:
            if isinstance(item, ScalarNode):
                whole = location(source, item)
                start = verbatim_start(source, item)
                yield item.value, whole.sub(start, len(item.value)) if start is not None else whole
    elif isinstance(node, ScalarNode):
        whole = location(source, node)
        start = verbatim_start(source, node)
        exact = start is not None and "\n" not in node.value
        for match in re.finditer(r"\S+", node.value):
            word = match.group().strip("'\"")
            yield word, whole.sub((start or 0) + match.start(), len(word)) if exact else whole


def bind_flags(
    project: Project,
    service: Service,
    entrypoint: tuple[SourceFile, Node] | None,
    command: tuple[SourceFile, Node] | None,
    environment: tuple[SourceFile, Node] | None = None,
    env_file: tuple[SourceFile, Node] | None = None,
) -> None:
    """Listen ports the service's `entrypoint`/`command` flags and documented
    environment variables set (`portlint.flags`; from `environment:`, `env_file:` and a
    locally built image's `ENV`: portlint.parsers.compose.service_env), each on its
    value; `command` gives the entrypoint's arguments."""
    from portlint.flags.sources import compose_reading, emit, environment_reading
    from portlint.parsers.compose.service_env import environment_layers

    reading = compose_reading(entrypoint, command, service.image)
    for source, pairs, image in environment_layers(project, service, environment, env_file):
        reading.extend(environment_reading(source, pairs, image))
    if not reading.ports and not reading.problems:
        return
    common = project.common(service)
    host_mode = service.network_mode == "host"
    namespace = project.network_namespace(service)

    def binding(port: int, protocol: Protocol, where: Location) -> Binding:
        return Binding(
            port=port,
            protocol=protocol,
            namespace=namespace,
            role=Role.LISTEN if host_mode else Role.CONTAINER,
            location=where,
            **common,
        )

    owner = common["owner"]
    emit(project.result, reading, binding, owner, owner, "")

"""The Kubernetes YAML of a Podman quadlet `.kube` unit, as `podman kube play` runs it:
each container port with a `hostPort` is published on the machine's host (with `hostIP`
as its address), owned by the unit. Ports without a `hostPort` are not published.

The YAML (`Yaml=`, relative to the unit's directory) is read only inside the scanned
roots; a file that is missing or does not parse gives no bindings here (the Kubernetes
parser reports its own problems where it walks the file). Kinds `podman kube play`
accepts: Pod, and the pod templates of Deployment, DaemonSet, StatefulSet, ReplicaSet
and Job.
"""

from __future__ import annotations

from pathlib import Path

from yaml.nodes import Node, ScalarNode, SequenceNode

from portlint.model import Binding, Namespace, Protocol, Role, parse_address
from portlint.parsers import ParseContext
from portlint.source import SourceFile

_TEMPLATED = frozenset({"Deployment", "DaemonSet", "StatefulSet", "ReplicaSet", "Job"})


def host_ports(unit: SourceFile, yaml_name: str, ctx: ParseContext) -> list[Binding]:
    """The published hostPorts of the YAML a `.kube` unit plays."""
    import yaml

    from portlint import registry
    from portlint.numbers import parse_port
    from portlint.yamlnodes import YamlLimitError, compose_documents, get, location

    path = Path(yaml_name)
    if not path.is_absolute():
        path = unit.path.parent / path
    played = ctx.read(path) if ctx.read is not None else None
    if played is None:
        return []
    try:
        documents = compose_documents(played, ctx.options.limits)
    except (yaml.YAMLError, YamlLimitError):
        return []
    found: list[Binding] = []
    for document in documents:
        kind = _text(get(document.node, "kind"))
        spec = get(document.node, "spec")
        if kind in _TEMPLATED:
            spec = get(get(spec, "template"), "spec")
        elif kind != "Pod":
            continue
        for container in _sequence(get(spec, "containers")):
            image = _text(get(container, "image")) or None
            name = _text(get(container, "name"))
            for port in _sequence(get(container, "ports")):
                host_port = get(port, "hostPort")
                number = parse_port(_text(host_port))
                if host_port is None or number is None:
                    continue  # not published (an invalid one is the Kubernetes parser's)
                protocol = Protocol.parse(_text(get(port, "protocol")) or "tcp")
                try:
                    address = parse_address(_text(get(port, "hostIP")))
                except ValueError:
                    address = None
                found.append(
                    Binding(
                        port=number,
                        protocol=protocol or Protocol.TCP,
                        namespace=Namespace.host(),
                        role=Role.PUBLISH,
                        owner=f"quadlet:{unit.display}",
                        format="quadlet",
                        location=location(played, host_port),
                        address=address,
                        identity=registry.identify(image=image, name=name),
                        image=image,
                        label=f"quadlet {unit.path.stem!r}",
                        main_file=unit.display,
                        source="podman kube play",
                    )
                )
    return found


def _text(node: Node | None) -> str:
    return node.value.strip() if isinstance(node, ScalarNode) else ""


def _sequence(node: Node | None) -> list[Node]:
    return list(node.value) if isinstance(node, SequenceNode) else []

"""The document parsers' quick tests (portlint.parsers.catalogue): each true of every
document its parser claims, asked before the parser is imported. A module of their own
because they read YAML nodes: it is imported with the first document, so a check of text
formats only never imports PyYAML."""

from __future__ import annotations

from portlint.compose_projects import is_compose_name
from portlint.yamlnodes import MappingNode, YamlDocument, get, items


def compose(document: YamlDocument) -> bool:
    node = document.node
    if not isinstance(node, MappingNode):
        return is_compose_name(document.source.path.name)
    return get(node, "services") is not None or get(node, "include") is not None


def kubernetes(document: YamlDocument) -> bool:
    node = document.node
    return get(node, "apiVersion") is not None and get(node, "kind") is not None


def envoy(document: YamlDocument) -> bool:
    return get(document.node, "static_resources") is not None


def traefik(document: YamlDocument) -> bool:
    return any(key.lower() == "entrypoints" for key, _, _ in items(document.node))


def spring_yaml(document: YamlDocument) -> bool:
    name = document.source.path.name.lower()
    return name.startswith("application") and name.endswith((".yml", ".yaml"))

"""Docker Compose: every `ports` form of the Compose specification, `expose`,
`network_mode`, replicas, profiles, and `${VAR}` interpolation from the project's `.env`.

The compose files of one directory are one project (a base file and its overrides): a
service defined in several of them is one owner, so its ports are merged, never a
collision. Owners are `<project dir>/<service>`; published ports live in the host
namespace, container ports in `container:<project dir>/<service>` (or the namespace of the
service named by `network_mode: service:x`).

Modules by job: `project` (files, overrides, `.env`, merged services), `bindings` (`ports`
and `expose`), `commands` (Traefik flags in `command`), `ports` (the port syntaxes),
`spans` (where a value sits in its file).
"""

from __future__ import annotations

from portlint.compose_projects import is_compose_name
from portlint.model import ParseResult
from portlint.parsers import ParseContext
from portlint.parsers.compose.bindings import bind_service
from portlint.parsers.compose.project import FORMAT, Project
from portlint.yamlnodes import MappingNode, YamlDocument, get, items

#: Keys that make a `services:` entry look like a Compose service.
_SERVICE_KEYS = frozenset(
    {
        "image",
        "build",
        "ports",
        "expose",
        "command",
        "environment",
        "volumes",
        "depends_on",
        "networks",
        "network_mode",
        "deploy",
        "restart",
        "container_name",
        "healthcheck",
        "labels",
        "entrypoint",
        "env_file",
        "profiles",
        "scale",
        "extends",
        "working_dir",
        "user",
        "hostname",
    }
)


class ComposeParser:
    format = FORMAT
    group_by_directory = True

    def claims(self, document: YamlDocument) -> bool:
        node = document.node
        if not isinstance(node, MappingNode):
            return is_compose_name(document.source.path.name) and document.index == 0
        if get(node, "apiVersion") is not None and get(node, "kind") is not None:
            return False
        services = get(node, "services")
        if services is None:
            # a compose file that only includes others (`include:`, named as Compose)
            return get(node, "include") is not None and is_compose_name(document.source.path.name)
        if is_compose_name(document.source.path.name):
            return True
        if not isinstance(services, MappingNode):
            return False
        return any(
            isinstance(service, MappingNode)
            and any(key in _SERVICE_KEYS for key, _, _ in items(service))
            for _, _, service in items(services)
        )

    def parse(self, documents: list[YamlDocument], ctx: ParseContext) -> ParseResult:
        project = Project(documents, ctx)
        for service in project.services():
            bind_service(project, service)
            project.record_mounts(service)
        return project.result


__all__ = ["PARSERS", "ComposeParser", "is_compose_name"]

PARSERS = [ComposeParser()]

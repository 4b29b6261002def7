"""Merging a project's files into its services: override files in reading order (`!reset`,
`!override`), then the files its top-level `include:` loads (a service an included file
defines is a service of the project; one the project defines already is Compose's
conflict error), and each service's `extends:` (the base service first, then the
extending one, so `ports` append as Compose merges them).

Relative paths (bind mounts, `configs:` files, build contexts) are kept relative to the
project directory for its own files and made absolute for an included or extended-from
file, whose paths Compose resolves against that file's own directory.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

from portlint.parsers import ParseContext
from portlint.records import Record, field
from portlint.source import SourceFile
from portlint.yamlnodes import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    YamlDocument,
    as_dict,
    get,
    is_null,
    items,
    kind_name,
)

_RESET, _OVERRIDE = "!reset", "!override"
#: The service fields whose entries bindings are built from.
ENTRY_KEYS = ("ports", "expose", "command", "entrypoint", "environment", "env_file")


class Service(Record):
    """What all files of the project say about one service (later files win)."""

    name: str
    image: str | None = None
    replicas: int | None = None
    network_mode: str | None = None
    profiles: frozenset[str] = frozenset()
    mounts: list[str] = field(default_factory=list)  # host paths of bind mounts and configs
    #: `build:` (context, Dockerfile) of a locally built image: its `image:` is only the tag
    build: tuple[str, str] | None = None
    build_target: str | None = None  # `build: {target: stage}`: the stage it builds
    entries: list[tuple[SourceFile, str, Node]] = field(default_factory=list)  # (src, key, node)
    network_mode_at: tuple[SourceFile, Node] | None = None  # where `network_mode` is written


class ServiceMerging:
    """The merging half of `Project` (portlint.parsers.compose.project)."""

    ctx: ParseContext
    documents: list[YamlDocument]
    #: documents the project's `include:` entries loaded, in loading order
    included: list[YamlDocument]
    #: display path of an included or extended-from file -> its resolved directory
    base_dirs: dict[str, Path]
    config_files: dict[str, str]

    def scalar_text(self, source: SourceFile, node: Node | None) -> str | None:
        raise NotImplementedError  # portlint.parsers.compose.environment

    def _int_value(self, source: SourceFile, node: Node | None) -> int | None:
        raise NotImplementedError

    def error(self, rule: str, source: SourceFile, node: Node | None, message: str) -> None:
        raise NotImplementedError

    def services(self) -> list[Service]:
        """The project's services, every file merged into them in reading order."""
        from portlint.parsers.compose.includes import load_includes

        self.included = load_includes(self)  # type: ignore[arg-type]
        services: dict[str, Service] = {}
        for document in [*self.documents, *self.included]:
            for name, _key, config in items(get(document.node, "configs")):
                file = self.scalar_text(document.source, get(config, "file"))
                if file:
                    self.config_files[name] = self.project_path(document.source, file)
        for document in self.documents:
            self._collect(document, services)
        own = set(services)
        for document in self.included:
            self._collect(document, services, own)
        return list(services.values())

    def project_path(self, source: SourceFile, path: str) -> str:
        """A relative path as the project resolves it: against the project directory for
        its own files, against its own directory for an included or extended-from one."""
        base = self.base_dirs.get(source.display)
        if base is None or os.path.isabs(path):
            return path
        return os.path.normpath(base / path)

    def _collect(
        self,
        document: YamlDocument,
        services: dict[str, Service],
        defined: set[str] | None = None,
    ) -> None:
        """Merge one file's services in; `defined`: an included file's, which must not
        redefine the project's own services (`defined`)."""
        source, root = document.source, document.node
        if not isinstance(root, MappingNode):
            self.error(
                "PL001", source, root, f"a Compose file must be a mapping, not {kind_name(root)}"
            )
            return
        services_node = get(root, "services")
        if is_null(services_node):
            return
        if not isinstance(services_node, MappingNode):
            self.error(
                "PL001",
                source,
                services_node,
                f"'services' must be a mapping, not {kind_name(services_node)}",
            )
            return
        for name, key_node, node in items(services_node):
            if defined is not None and name in defined:
                self.error(
                    "PL001",
                    source,
                    key_node,
                    f"service {name!r} of an included file is defined by the project "
                    "already: Compose refuses to load conflicting services",
                )
                continue
            if node.tag == _RESET:  # `web: !reset {}` removes what earlier files said
                services.pop(name, None)
                continue
            if node.tag == _OVERRIDE:  # replaces the earlier definition instead of merging
                services.pop(name, None)
            if is_null(node):
                services.setdefault(name, Service(name))
                continue
            if not isinstance(node, MappingNode):
                self.error(
                    "PL001",
                    source,
                    node,
                    f"service {name!r} must be a mapping, not {kind_name(node)}",
                )
                continue
            service = services.setdefault(name, Service(name))
            self._extended(source, root, name, node, service, set())

    def _extended(
        self,
        source: SourceFile,
        root: Node,
        name: str,
        node: MappingNode,
        service: Service,
        seen: set[tuple[str, str]],
    ) -> None:
        """Merge `node` into `service`, after the service it `extends:` (recursively)."""
        extends = get(node, "extends")
        if extends is not None and not is_null(extends):
            from portlint.parsers.compose.includes import extended_base

            seen.add((os.path.realpath(source.path), name))
            base = extended_base(self, source, root, extends, seen)  # type: ignore[arg-type]
            if base is not None:
                base_source, base_root, base_name, base_node = base
                self._extended(base_source, base_root, base_name, base_node, service, seen)
        self._collect_service(source, node, service)

    def _collect_service(self, source: SourceFile, node: MappingNode, service: Service) -> None:
        fields = as_dict(node)
        reset = {key for key, field in fields.items() if field.tag == _RESET}
        if reset:
            _reset_fields(service, reset)
            fields = {key: field for key, field in fields.items() if key not in reset}
        _reset_fields(service, {key for key, field in fields.items() if field.tag == _OVERRIDE})
        image = self.scalar_text(source, fields.get("image"))
        if image:
            service.image = image
        mode = self.scalar_text(source, fields.get("network_mode"))
        if mode:
            service.network_mode = mode
            service.network_mode_at = (source, fields["network_mode"])
        replicas = self._int_value(source, get(fields.get("deploy"), "replicas"))
        scale = self._int_value(source, fields.get("scale"))
        if replicas is not None or scale is not None:
            service.replicas = scale if scale is not None else replicas
        profiles = fields.get("profiles")
        if isinstance(profiles, SequenceNode):
            service.profiles = frozenset(
                p.value for p in profiles.value if isinstance(p, ScalarNode)
            )
        for key in ENTRY_KEYS:
            value = fields.get(key)
            if value is not None and not is_null(value):
                service.entries.append((source, key, value))
        service.mounts.extend(self._bind_mounts(source, fields.get("volumes")))
        service.mounts.extend(self._config_files(source, fields.get("configs")))
        build = self._build(source, fields.get("build"))
        if build is not None:
            service.build = build
            service.build_target = self.scalar_text(source, get(fields.get("build"), "target"))

    def _build(self, source: SourceFile, node: Node | None) -> tuple[str, str] | None:
        """(context, Dockerfile) of `build: ./dir` or `build: {context, dockerfile}`."""
        if isinstance(node, ScalarNode):
            context, dockerfile = self.scalar_text(source, node), "Dockerfile"
        elif isinstance(node, MappingNode):
            context = self.scalar_text(source, get(node, "context")) or "."
            dockerfile = self.scalar_text(source, get(node, "dockerfile")) or "Dockerfile"
        else:
            return None
        if not context or "://" in context or context.startswith("git@"):
            return None  # a remote context: nothing on disk
        return self.project_path(source, context), dockerfile

    # -- mounts ----------------------------------------------------------------------

    def _bind_mounts(self, source: SourceFile, volumes: Node | None) -> Iterator[str]:
        """Host paths of `./x:/y` and `{type: bind, source: ./x}` volumes."""
        if not isinstance(volumes, SequenceNode):
            return
        for entry in volumes.value:
            if isinstance(entry, ScalarNode):
                text = self.scalar_text(source, entry) or ""
                host = text.split(":", 1)[0] if ":" in text else ""
            else:
                if self.scalar_text(source, get(entry, "type")) != "bind":
                    continue
                host = self.scalar_text(source, get(entry, "source")) or ""
            if host.startswith((".", "/")):
                yield self.project_path(source, host)

    def _config_files(self, source: SourceFile, configs: Node | None) -> Iterator[str]:
        """Files of the top-level `configs:` a service uses."""
        if not isinstance(configs, SequenceNode):
            return
        for entry in configs.value:
            name_node = entry if isinstance(entry, ScalarNode) else get(entry, "source")
            name = self.scalar_text(source, name_node)
            if name and name in self.config_files:
                yield self.config_files[name]


def _reset_fields(service: Service, keys: set[str]) -> None:
    """Forget what earlier files said for `keys` (Compose's `!reset`; `!override` is a
    reset followed by the new value). Mounts are one list for `volumes` and `configs`, so
    resetting one of them keeps the other's earlier mounts."""
    if "image" in keys:
        service.image = None
    if "network_mode" in keys:
        service.network_mode = None
        service.network_mode_at = None
    if "scale" in keys or "deploy" in keys:
        service.replicas = None
    if "profiles" in keys:
        service.profiles = frozenset()
    if keys & set(ENTRY_KEYS):
        service.entries = [entry for entry in service.entries if entry[1] not in keys]


def file_order(document: YamlDocument) -> tuple[int, str, int]:
    """Base files first, overrides after, as `docker compose` reads them by default."""
    name = document.source.path.name
    return (1 if ".override." in name else 0, name, document.index)

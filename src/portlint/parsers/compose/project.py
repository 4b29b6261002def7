"""What the compose files of one directory say, merged: which files form the project and
in which order, override merging (`!reset`, `!override`), the `.env` it interpolates from,
and each service's image, network mode, replicas, profiles, mounts and port entries.

Bindings are built from the merged services afterwards (portlint.parsers.compose.bindings).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from portlint import registry
from portlint.compose_projects import ProjectKeys
from portlint.env_examples import Documented
from portlint.model import Diagnostic, Mount, Namespace, ParseResult
from portlint.numbers import parse_int
from portlint.parsers import ParseContext
from portlint.parsers.dotenv import EnvValue, parse_dotenv
from portlint.parsers.interpolation import Interpolated, interpolate
from portlint.records import Record, field
from portlint.source import Location, SourceFile
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
    location,
)

FORMAT = "compose"
_RESET, _OVERRIDE = "!reset", "!override"


#: "6060:6060", "8000-8010:80/udp": what is left of a mapping whose address was unset.
_HOST_AND_CONTAINER = re.compile(r"\d+(?:-\d+)?:\d+(?:-\d+)?(?:/[a-z]+)?")


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
    entries: list[tuple[SourceFile, str, Node]] = field(default_factory=list)  # (src, key, node)
    network_mode_at: tuple[SourceFile, Node] | None = None  # where `network_mode` is written


class Project:
    """One Compose project: its documents in the order `docker compose` reads them, its
    environment, and the `ParseResult` every stage appends to."""

    def __init__(self, documents: list[YamlDocument], ctx: ParseContext) -> None:
        self.documents = sorted(documents, key=_file_order)
        self.ctx = ctx
        first = self.documents[0].source
        self.directory = first.path.parent
        self.key = ProjectKeys(ctx.read).key(first.path, first.display)
        self.result = ParseResult()
        self.env, self.env_file = self._load_env()
        #: variable -> value, as interpolation reads it (built once per project)
        self.env_values = {k: v.value for k, v in self.env.items()}
        self._resolved_directory: Path | None = None
        self._documented: Documented | None = None
        #: what every binding of a service shares, made once (one owner string per service)
        self._shared: dict[tuple, Any] = {}
        #: top-level `configs:` name -> file
        self.config_files: dict[str, str] = {}
        #: (service, mapping) -> the file that declared it first
        self.mappings: dict[tuple, str] = {}

    # -- environment -----------------------------------------------------------------

    def _load_env(self) -> tuple[dict[str, EnvValue], SourceFile | None]:
        env: dict[str, EnvValue] = {}
        source = self.ctx.read(self.directory / ".env") if self.ctx.read else None
        if source is not None:
            source.secret = True
            env = parse_dotenv(source.text)
        if self.ctx.options.env_from_shell:
            env.update({k: EnvValue(v, 0) for k, v in os.environ.items()})
        return env, source

    def interpolate(self, source: SourceFile, node: ScalarNode) -> Interpolated | None:
        """The node's value with variables resolved; None (and PL003) when one has none."""
        text = node.value
        if "$" not in text:
            return Interpolated(text)
        result = interpolate(text, self.env_values)
        if result.missing or result.errors:
            names = ", ".join(dict.fromkeys(result.missing)) or "a variable"
            assumed = None if result.errors else self._assumed(text, result.missing)
            if assumed is not None:
                values, files = assumed
                self.result.diagnostics.append(
                    Diagnostic(
                        "PL003",
                        f"{names} has no value in .env: the port {text!r} is checked with "
                        f"{values} as {files} documents it",
                        location(source, node),
                        key=f"{self.key}:{text}",
                    )
                )
                return interpolate(text, {**self.documented().defaults(), **self.env_values})
            detail = f" ({'; '.join(result.errors)})" if result.errors else ""
            where = f"in {self.env_file.display}" if self.env_file else "in a .env file"
            self.result.diagnostics.append(
                Diagnostic(
                    "PL003",
                    f"{names} has no value{detail}: the port {text!r} cannot be checked; "
                    f"set it {where} or give a default (${{VAR:-8080}})",
                    location(source, node),
                    key=f"{self.key}:{text}",
                    # documented nowhere: a note; a broken `${VAR:?}` or syntax: a warning
                    severity="warning" if result.errors else "",
                )
            )
            return None
        return result

    def without_unset_address(self, source: SourceFile, node: ScalarNode) -> str | None:
        """`"${IP}:6060:6060"` with IP unset and documented nowhere: "6060:6060", the
        mapping without its address (and a PL003 note); None for any other text."""
        text = node.value
        result = interpolate(text, self.env_values)
        if not result.missing or result.errors:
            return None
        missing = list(dict.fromkeys(result.missing))
        if self.documented().assumed(missing) is not None:
            return None
        blank = interpolate(text, {**self.env_values, **{name: "" for name in missing}})
        rest = blank.value[1:]
        if blank.missing or blank.errors or not blank.value.startswith(":"):
            return None
        if not _HOST_AND_CONTAINER.fullmatch(rest.strip()):
            return None  # a port was unset too: nothing to check
        self.result.diagnostics.append(
            Diagnostic(
                "PL003",
                f"{', '.join(missing)} has no value: the address of {text!r} is unknown, so "
                "its port is checked as published on an unknown address",
                location(source, node),
                key=f"{self.key}:{text}",
            )
        )
        return rest

    def documented(self) -> Documented:
        """Values the repository documents (example env files, `env_file:`), read once."""
        if self._documented is None:
            env_files = [
                name
                for document in self.documents
                for _, _, service in items(get(document.node, "services"))
                for name in _env_file_names(get(service, "env_file"))
            ]
            self._documented = Documented(
                self.directory, env_files, self.ctx.read, self.ctx.inside_roots
            )
        return self._documented

    def _assumed(self, text: str, missing: list[str]) -> tuple[str, str] | None:
        """("API_PORT=8080", ".env.example") when every missing variable is documented."""
        found = self.documented().assumed(list(dict.fromkeys(missing)))
        if not found:
            return None
        values = ", ".join(f"{name}={value}" for name, (value, _) in found.items())
        files = ", ".join(dict.fromkeys(file for _, file in found.values()))
        return values, files

    def scalar_text(self, source: SourceFile, node: Node | None) -> str | None:
        if not isinstance(node, ScalarNode) or is_null(node):
            return None
        if "$" not in node.value:
            return node.value
        resolved = interpolate(node.value, self.env_values)
        return None if resolved.missing or resolved.errors else resolved.value

    def _int_value(self, source: SourceFile, node: Node | None) -> int | None:
        text = self.scalar_text(source, node)
        return parse_int(text) if text is not None else None

    # -- merging the files -----------------------------------------------------------

    def services(self) -> list[Service]:
        """The project's services, every file merged into them in reading order."""
        services: dict[str, Service] = {}
        for document in self.documents:
            for name, _key, config in items(get(document.node, "configs")):
                file = self.scalar_text(document.source, get(config, "file"))
                if file:
                    self.config_files[name] = file
        for document in self.documents:
            self._collect(document, services)
        return list(services.values())

    def _collect(self, document: YamlDocument, services: dict[str, Service]) -> None:
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
        for name, _key_node, node in items(services_node):
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
        for key in ("ports", "expose", "command", "entrypoint", "environment"):
            value = fields.get(key)
            if value is not None and not is_null(value):
                service.entries.append((source, key, value))
        service.mounts.extend(self._bind_mounts(source, fields.get("volumes")))
        service.mounts.extend(self._config_files(source, fields.get("configs")))
        build = self._build(source, fields.get("build"))
        if build is not None:
            service.build = build

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
        return context, dockerfile

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
                yield host

    def _config_files(self, source: SourceFile, configs: Node | None) -> Iterator[str]:
        """Files of the top-level `configs:` a service uses."""
        if not isinstance(configs, SequenceNode):
            return
        for entry in configs.value:
            name_node = entry if isinstance(entry, ScalarNode) else get(entry, "source")
            name = self.scalar_text(source, name_node)
            if name and name in self.config_files:
                yield self.config_files[name]

    def record_mounts(self, service: Service) -> None:
        """The service's mounted files as `Mount` facts, for the resolve stage."""
        if service.network_mode == "host":
            return  # a host-network container listens on the host itself
        mounts = self.result.mounts
        for host_path in [*service.mounts, *self._build_copies(service)]:
            if self._resolved_directory is None:
                self._resolved_directory = self.directory.resolve()
            path = Path(os.path.normpath(self._resolved_directory / host_path))
            mounts.append(
                Mount(
                    path,
                    self.container_namespace(service),
                    f"{self.key}/{service.name}",
                    f"service '{service.name}'",
                )
            )

    def _build_copies(self, service: Service) -> list[str]:
        """What the service's image build copies from its context (portlint.build_copies)."""
        if service.build is None or self.ctx.read is None:
            return []
        from portlint.build_copies import copied_paths

        context = Path(os.path.normpath(self.directory.resolve() / service.build[0]))
        dockerfile = self.ctx.read(Path(os.path.normpath(context / service.build[1])))
        if dockerfile is None:
            return []
        return [str(p) for p in copied_paths(dockerfile.text, [context], self.ctx.inside_roots)]

    # -- what every binding of a service shares --------------------------------------

    def common(self, service: Service) -> dict[str, Any]:
        key = ("common", service.name, service.build is not None, service.image, service.profiles)
        found = self._shared.get(key)
        if found is None:
            found = self._shared[key] = self._common(service)
        return found  # type: ignore[no-any-return]

    def _common(self, service: Service) -> dict[str, Any]:
        return {
            "owner": f"{self.key}/{service.name}",
            "format": FORMAT,
            # A locally built image's `image:` is the tag the build gives it, not known
            # software: only a service named after known software says what it is.
            "identity": registry.identify(name=service.name)
            if service.build is not None
            else registry.identify(image=service.image, name=service.name),
            "image": None if service.build is not None else service.image,
            "label": f"service '{service.name}'",
            "project": self.key,
            "profiles": service.profiles,
        }

    def container_namespace(self, service: Service) -> Namespace:
        key = ("namespace", service.name, service.network_mode)
        found = self._shared.get(key)
        if found is None:
            found = self._shared[key] = self._container_namespace(service)
        return found  # type: ignore[no-any-return]

    def _container_namespace(self, service: Service) -> Namespace:
        mode = service.network_mode or ""
        if mode.startswith("service:"):
            return Namespace.container(f"{self.key}/{mode[len('service:') :]}")
        if mode.startswith("container:"):
            return Namespace.container(mode[len("container:") :])
        return Namespace.container(f"{self.key}/{service.name}")

    def network_namespace(self, service: Service) -> Namespace:
        """Where the service's own sockets listen: the host for `network_mode: host`."""
        if service.network_mode == "host":
            return Namespace.host()
        return self.container_namespace(service)

    # -- problems --------------------------------------------------------------------

    def invalid(self, where: Location, message: str, key: str) -> None:
        self.result.diagnostics.append(Diagnostic("PL002", message, where, key=f"{self.key}:{key}"))

    def error(self, rule: str, source: SourceFile, node: Node | None, message: str) -> None:
        where = location(source, node) if node is not None else Location.point(source.display, 1)
        self.result.diagnostics.append(Diagnostic(rule, message, where, key=message))


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
    if keys & {"ports", "expose", "command", "entrypoint", "environment"}:
        service.entries = [entry for entry in service.entries if entry[1] not in keys]


def _file_order(document: YamlDocument) -> tuple[int, str, int]:
    """Base files first, overrides after, as `docker compose` reads them by default."""
    name = document.source.path.name
    return (1 if ".override." in name else 0, name, document.index)


def _env_file_names(node: Node | None) -> list[str]:
    """`env_file: a.env`, `[a.env, b.env]` or `[{path: a.env}]`."""
    entries = node.value if isinstance(node, SequenceNode) else [node]
    names = []
    for entry in entries:
        if isinstance(entry, MappingNode):
            entry = get(entry, "path")
        if isinstance(entry, ScalarNode) and entry.value and "$" not in entry.value:
            names.append(entry.value)
    return names

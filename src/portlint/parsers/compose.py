"""Docker Compose: every `ports` form of the Compose specification, `expose`,
`network_mode`, replicas, profiles, and `${VAR}` interpolation from the project's `.env`.

The compose files of one directory are one project (a base file and its overrides): a
service defined in several of them is one owner, so its ports are merged, never a
collision. Owners are `<project dir>/<service>`; published ports live in the host
namespace, container ports in `container:<project dir>/<service>` (or the namespace of the
service named by `network_mode: service:x`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

from portlint import registry
from portlint.compose_projects import ProjectKeys
from portlint.model import (
    Binding,
    Diagnostic,
    IPAddress,
    Mount,
    Namespace,
    ParseResult,
    Protocol,
    Role,
    Target,
)
from portlint.numbers import mention, mention_protocol, parse_int
from portlint.parsers import ParseContext
from portlint.parsers.compose_ports import (
    PortSpec,
    PortSyntaxError,
    parse_long_spec,
    parse_port_range,
    parse_port_spec,
)
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
    is_plain_int,
    items,
    kind_name,
    location,
)

_COMPOSE_NAME = re.compile(r"(?:docker-)?compose(?:[.\-_][\w.\-]*)?\.ya?ml")
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
FORMAT = "compose"


def is_compose_name(name: str) -> bool:
    return bool(_COMPOSE_NAME.fullmatch(name))


class _Service(Record):
    """What all files of the project say about one service (later files win)."""

    name: str
    image: str | None = None
    replicas: int | None = None
    network_mode: str | None = None
    profiles: frozenset[str] = frozenset()
    mounts: list[str] = field(default_factory=list)  # host paths of bind mounts and configs
    entries: list[tuple[SourceFile, str, Node]] = field(default_factory=list)  # (src, key, node)


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
            return False
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
        return _Project(documents, ctx).parse()


class _Project:
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

    def _interpolate(self, source: SourceFile, node: ScalarNode) -> Interpolated | None:
        """The node's value with variables resolved; None (and PL003) when one has none."""
        text = node.value
        if "$" not in text:
            return Interpolated(text)
        result = interpolate(text, self.env_values)
        if result.missing or result.errors:
            names = ", ".join(dict.fromkeys(result.missing)) or "a variable"
            detail = f" ({'; '.join(result.errors)})" if result.errors else ""
            where = f"in {self.env_file.display}" if self.env_file else "in a .env file"
            self.result.diagnostics.append(
                Diagnostic(
                    "PL003",
                    f"{names} has no value{detail}: the port {text!r} cannot be checked; "
                    f"set it {where} or give a default (${{VAR:-8080}})",
                    location(source, node),
                    key=f"{self.key}:{text}",
                )
            )
            return None
        return result

    # -- parsing ---------------------------------------------------------------------

    def parse(self) -> ParseResult:
        services: dict[str, _Service] = {}
        for document in self.documents:
            for name, _key, config in items(get(document.node, "configs")):
                file = self._scalar_text(document.source, get(config, "file"))
                if file:
                    self.config_files[name] = file
        for document in self.documents:
            self._collect(document, services)
        for service in services.values():
            self._bind(service)
            self._record_mounts(service)
        return self.result

    def _record_mounts(self, service: _Service) -> None:
        if service.network_mode == "host":
            return  # a host-network container listens on the host itself
        mounts = self.result.mounts
        for host_path in service.mounts:
            if self._resolved_directory is None:
                self._resolved_directory = self.directory.resolve()
            path = Path(os.path.normpath(self._resolved_directory / host_path))
            mounts.append(
                Mount(
                    path,
                    self._container_namespace(service),
                    f"{self.key}/{service.name}",
                    f"service '{service.name}'",
                )
            )

    def _collect(self, document: YamlDocument, services: dict[str, _Service]) -> None:
        source, root = document.source, document.node
        if not isinstance(root, MappingNode):
            self._error(
                "PL001", source, root, f"a Compose file must be a mapping, not {kind_name(root)}"
            )
            return
        services_node = get(root, "services")
        if is_null(services_node):
            return
        if not isinstance(services_node, MappingNode):
            self._error(
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
                services.setdefault(name, _Service(name))
                continue
            if not isinstance(node, MappingNode):
                self._error(
                    "PL001",
                    source,
                    node,
                    f"service {name!r} must be a mapping, not {kind_name(node)}",
                )
                continue
            service = services.setdefault(name, _Service(name))
            self._collect_service(source, node, service)

    def _collect_service(self, source: SourceFile, node: MappingNode, service: _Service) -> None:
        fields = as_dict(node)
        reset = {key for key, field in fields.items() if field.tag == _RESET}
        if reset:
            _reset_fields(service, reset)
            fields = {key: field for key, field in fields.items() if key not in reset}
        _reset_fields(service, {key for key, field in fields.items() if field.tag == _OVERRIDE})
        image = self._scalar_text(source, fields.get("image"))
        if image:
            service.image = image
        mode = self._scalar_text(source, fields.get("network_mode"))
        if mode:
            service.network_mode = mode
        replicas = self._int_value(source, get(fields.get("deploy"), "replicas"))
        scale = self._int_value(source, fields.get("scale"))
        if replicas is not None or scale is not None:
            service.replicas = scale if scale is not None else replicas
        profiles = fields.get("profiles")
        if isinstance(profiles, SequenceNode):
            service.profiles = frozenset(
                p.value for p in profiles.value if isinstance(p, ScalarNode)
            )
        for key in ("ports", "expose", "command"):
            value = fields.get(key)
            if value is not None and not is_null(value):
                service.entries.append((source, key, value))
        service.mounts.extend(self._bind_mounts(source, fields.get("volumes")))
        service.mounts.extend(self._config_files(source, fields.get("configs")))

    def _bind_mounts(self, source: SourceFile, volumes: Node | None) -> Iterator[str]:
        """Host paths of `./x:/y` and `{type: bind, source: ./x}` volumes."""
        if not isinstance(volumes, SequenceNode):
            return
        for entry in volumes.value:
            if isinstance(entry, ScalarNode):
                text = self._scalar_text(source, entry) or ""
                host = text.split(":", 1)[0] if ":" in text else ""
            else:
                if self._scalar_text(source, get(entry, "type")) != "bind":
                    continue
                host = self._scalar_text(source, get(entry, "source")) or ""
            if host.startswith((".", "/")):
                yield host

    def _config_files(self, source: SourceFile, configs: Node | None) -> Iterator[str]:
        """Files of the top-level `configs:` a service uses."""
        if not isinstance(configs, SequenceNode):
            return
        for entry in configs.value:
            name_node = entry if isinstance(entry, ScalarNode) else get(entry, "source")
            name = self._scalar_text(source, name_node)
            if name and name in self.config_files:
                yield self.config_files[name]

    def _scalar_text(self, source: SourceFile, node: Node | None) -> str | None:
        if not isinstance(node, ScalarNode) or is_null(node):
            return None
        if "$" not in node.value:
            return node.value
        resolved = interpolate(node.value, self.env_values)
        return None if resolved.missing or resolved.errors else resolved.value

    def _int_value(self, source: SourceFile, node: Node | None) -> int | None:
        text = self._scalar_text(source, node)
        return parse_int(text) if text is not None else None

    # -- bindings --------------------------------------------------------------------

    def _bind(self, service: _Service) -> None:
        mode = service.network_mode or ""
        if mode == "none":
            return
        for source, key, node in service.entries:
            if key == "command":
                self._bind_command(service, source, node)
                continue
            if not isinstance(node, SequenceNode):
                self._error(
                    "PL002",
                    source,
                    node,
                    f"'{key}' of service {service.name!r} must be a list, not {kind_name(node)}",
                )
                continue
            for entry in node.value:
                if key == "ports":
                    self._bind_port(service, source, entry)
                else:
                    self._bind_expose(service, source, entry)

    def _bind_port(self, service: _Service, source: SourceFile, node: Node) -> None:
        if isinstance(node, MappingNode):
            self._bind_long_port(service, source, node)
            return
        if not isinstance(node, ScalarNode) or is_null(node):
            self._error(
                "PL002",
                source,
                node,
                f"a port of service {service.name!r} must be a string, a number or a "
                f"mapping, not {kind_name(node)}",
            )
            return
        if is_plain_int(node) and ":" in node.value:
            self._base60(source, node)
        resolved = self._interpolate(source, node)
        if resolved is None:
            return
        exact = resolved.value == node.value
        try:
            spec = parse_port_spec(resolved.value.strip())
        except PortSyntaxError as error:
            where = self._part(source, node, error.offset, error.length, exact)
            message = _message(error, node.value, resolved.used, f"{error}{_in(node.value)}")
            self._diagnose_invalid(source, where, message, node.value)
            return
        self._emit(service, source, node, spec, exact, resolved, mode=None)

    def _base60(self, source: SourceFile, node: ScalarNode) -> None:
        value = _sexagesimal(node.value)
        self.result.diagnostics.append(
            Diagnostic(
                "PL004",
                f"unquoted {node.value} is read by YAML 1.1 parsers as the base-60 "
                f'{value}, not a port mapping; quote it: "{node.value}"',
                location(source, node),
                key=f"{self.key}:{node.value}",
            )
        )

    def _bind_long_port(self, service: _Service, source: SourceFile, node: MappingNode) -> None:
        target_node = get(node, "target")
        if target_node is None or is_null(target_node):  # `target: null` too
            self._error(
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
                self._error(
                    "PL002",
                    source,
                    value_node,
                    f"'{key}' must be a scalar, not {kind_name(value_node)}",
                )
                return
            resolved = self._interpolate(source, value_node)
            if resolved is None:
                return
            parts[key] = resolved.value.strip()
            raw[key] = value_node.value
            used += resolved.used
        try:
            spec = parse_long_spec(parts)
        except PortSyntaxError as error:
            bad = get(node, error.key) or node
            message = _message(error, raw.get(error.key, ""), used, str(error))
            self._diagnose_invalid(source, location(source, bad), message, str(raw))
            return
        target_loc = location(source, target_node)
        published_node = get(node, "published")
        published_loc = location(source, published_node) if published_node else target_loc
        self._add_bindings(service, source, spec, target_loc, published_loc, mode=parts.get("mode"))

    def _emit(
        self,
        service: _Service,
        source: SourceFile,
        node: ScalarNode,
        spec: PortSpec,
        exact: bool,
        resolved: Interpolated,
        mode: str | None,
    ) -> None:
        container_loc = self._part(
            source, node, spec.container.offset, spec.container.length, exact
        )
        host_loc = (
            self._part(source, node, spec.host.offset, spec.host.length, exact)
            if spec.host
            else container_loc
        )
        self._add_bindings(service, source, spec, container_loc, host_loc, mode)

    def _add_bindings(
        self,
        service: _Service,
        source: SourceFile,
        spec: PortSpec,
        container_loc: Location,
        host_loc: Location,
        mode: str | None,
    ) -> None:
        mapping = (
            service.name,
            spec.address,
            spec.protocol,
            spec.container.start,
            spec.container.end,
            spec.host and (spec.host.start, spec.host.end),
        )
        first_file = self.mappings.setdefault(mapping, source.display)
        if first_file != source.display:
            return  # an override repeating the base file's mapping: Compose merges them
        common = self._common(service)
        network_mode = service.network_mode or ""
        if network_mode == "host":
            self.result.bindings.append(
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
        self.result.bindings.append(
            Binding(
                port=spec.container.start,
                end_port=spec.container.end,
                protocol=spec.protocol,
                namespace=self._container_namespace(service),
                role=Role.CONTAINER,
                location=container_loc,
                **common,
            )
        )
        if spec.host is None:
            return
        self.result.bindings.append(
            Binding(
                port=spec.host.start,
                end_port=spec.host.end,
                protocol=spec.protocol,
                namespace=Namespace.host(),
                role=Role.PUBLISH,
                location=host_loc,
                address=spec.address,
                v6only=_docker_v6only(spec.address),
                replicas=service.replicas,
                target=Target(spec.container.start, spec.container.end),
                pick_one=spec.pick_one,
                publish_mode=mode or None,
                **common,
            )
        )

    def _bind_expose(self, service: _Service, source: SourceFile, node: Node) -> None:
        if not isinstance(node, ScalarNode) or is_null(node):
            self._error(
                "PL002",
                source,
                node,
                f"an 'expose' entry of service {service.name!r} must be a port, not "
                f"{kind_name(node)}",
            )
            return
        resolved = self._interpolate(source, node)
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
            self._diagnose_invalid(source, location(source, node), message, node.value)
            return
        loc = self._part(source, node, 0, len(port_text), resolved.value == node.value)
        host_mode = service.network_mode == "host"
        self.result.bindings.append(
            Binding(
                port=start,
                end_port=end,
                protocol=protocol,
                namespace=Namespace.host() if host_mode else self._container_namespace(service),
                role=Role.LISTEN if host_mode else Role.EXPOSE,
                location=loc,
                **self._common(service),
            )
        )

    def _bind_command(self, service: _Service, source: SourceFile, node: Node) -> None:
        """Traefik-style `--entrypoints.<name>.address=:80` flags in `command`."""
        try:
            from portlint.parsers.traefik import entrypoint_from_flag
        except ImportError:
            return
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
                    from portlint.model import parse_address

                    address = parse_address(entry.address)
                except ValueError:
                    address = None
            self.result.bindings.append(
                Binding(
                    port=entry.port,
                    protocol=entry.protocol,
                    namespace=Namespace.host() if host_mode else self._container_namespace(service),
                    role=Role.LISTEN if host_mode else Role.CONTAINER,
                    location=port_loc,
                    address=address,
                    **self._common(service),
                )
            )

    # -- helpers ---------------------------------------------------------------------

    def _common(self, service: _Service) -> dict:
        return {
            "owner": f"{self.key}/{service.name}",
            "format": FORMAT,
            "identity": registry.identify(image=service.image, name=service.name),
            "image": service.image,
            "label": f"service '{service.name}'",
            "project": self.key,
            "profiles": service.profiles,
        }

    def _container_namespace(self, service: _Service) -> Namespace:
        mode = service.network_mode or ""
        if mode.startswith("service:"):
            return Namespace.container(f"{self.key}/{mode[len('service:') :]}")
        if mode.startswith("container:"):
            return Namespace.container(mode[len("container:") :])
        return Namespace.container(f"{self.key}/{service.name}")

    def _part(
        self, source: SourceFile, node: ScalarNode, offset: int, length: int, exact: bool
    ) -> Location:
        """The location of value[offset:offset+length] when the text is written verbatim
        on one line; else the whole value."""
        whole = location(source, node)
        if not exact or whole.line != whole.end_line:
            return whole
        start, end = node.start_mark.index, node.end_mark.index
        raw = source.text[start:end]
        quote = 1 if node.style in ('"', "'") else 0
        if raw[quote : quote + len(node.value)] != node.value:
            return whole
        return whole.sub(quote + offset, length)

    def _diagnose_invalid(
        self, source: SourceFile, where: Location, message: str, key: str
    ) -> None:
        self.result.diagnostics.append(Diagnostic("PL002", message, where, key=f"{self.key}:{key}"))

    def _error(self, rule: str, source: SourceFile, node: Node | None, message: str) -> None:
        where = location(source, node) if node is not None else Location.point(source.display, 1)
        self.result.diagnostics.append(Diagnostic(rule, message, where, key=message))


_RESET, _OVERRIDE = "!reset", "!override"


def _reset_fields(service: _Service, keys: set[str]) -> None:
    """Forget what earlier files said for `keys` (Compose's `!reset`; `!override` is a
    reset followed by the new value). Mounts are one list for `volumes` and `configs`, so
    resetting one of them keeps the other's earlier mounts."""
    if "image" in keys:
        service.image = None
    if "network_mode" in keys:
        service.network_mode = None
    if "scale" in keys or "deploy" in keys:
        service.replicas = None
    if "profiles" in keys:
        service.profiles = frozenset()
    if keys & {"ports", "expose", "command"}:
        service.entries = [entry for entry in service.entries if entry[1] not in keys]


def _message(error: PortSyntaxError, written: str, variables: list[str], plain: str) -> str:
    """The PL002 message: when any variable gave part of the value, one built from the
    error's constant parts and the variable names alone (a mistyped variable may hold a
    password, and .env values are never printed); else `plain`."""
    return error.without_value(written, variables) if variables else plain


def _in(written: str) -> str:
    """` in '<value>'` when the written value may be quoted (see portlint.numbers)."""
    shown = mention(written)
    return f" in{shown}" if shown else ""


def _file_order(document: YamlDocument) -> tuple[int, str, int]:
    """Base files first, overrides after, as `docker compose` reads them by default."""
    name = document.source.path.name
    return (1 if ".override." in name else 0, name, document.index)


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


def _command_words(source: SourceFile, node: Node) -> Iterator[tuple[str, Location]]:
    if isinstance(node, SequenceNode):
        for item in node.value:
            if isinstance(item, ScalarNode):
                whole = location(source, item)
                raw = source.text[item.start_mark.index : item.end_mark.index]
                quote = 1 if item.style in ('"', "'") else 0
                exact = raw[quote : quote + len(item.value)] == item.value
                yield item.value, whole.sub(quote, len(item.value)) if exact else whole
    elif isinstance(node, ScalarNode):
        whole = location(source, node)
        raw = source.text[node.start_mark.index : node.end_mark.index]
        quote = 1 if node.style in ('"', "'") else 0
        exact = raw[quote : quote + len(node.value)] == node.value and "\n" not in node.value
        for match in re.finditer(r"\S+", node.value):
            word = match.group().strip("'\"")
            yield word, whole.sub(quote + match.start(), len(word)) if exact else whole


PARSERS = [ComposeParser()]

"""Spring Boot `application*.properties` and `application*.yml|yaml`: `server.port` and
`management.server.port` (with `server.address` / `management.server.address`).

Spring facts encoded: `${PORT:8080}` uses its default (no default: PL003); port 0 picks a
random free port and -1 disables the listener (no binding); no address is every address
of both families (the JVM opens a dual-stack socket). A file that mentions `server.port`
only in a comment gets the default 8080 there; a file that never mentions it gets nothing,
because profile files and non-web applications inherit or need no port.

Owner: one application per resources directory, `spring:<dir>` (its profile files are
the same process).
"""

from __future__ import annotations

import re
from pathlib import Path

from portlint.model import ParseResult
from portlint.parsers import ParseContext
from portlint.parsers.hostconf import (
    HostBindings,
    Listener,
    iter_lines,
    parse_port,
    port_problem,
    resolve_host,
)
from portlint.source import Location, SourceFile
from portlint.yamlnodes import MappingNode, ScalarNode, YamlDocument, items, location

DEFAULT_PORT = 8080
_KEYS = {"server.port": "server", "management.server.port": "management"}
_ADDRESS_KEYS = {"server.address": "server", "management.server.address": "management"}
_PROPERTY = re.compile(r"^(\s*)([#!]\s*)?([\w.\-\[\]]+)\s*[=:]\s*(.*?)\s*$")
_PLACEHOLDER = re.compile(r"^\$\{([^:}]+)(?::([^}]*))?\}$")


def _is_application_file(path: Path, suffixes: tuple[str, ...]) -> bool:
    name = path.name.lower()
    return name.startswith("application") and name.endswith(suffixes)


def _owner(source: SourceFile) -> str:
    return "spring:" + (Path(source.display).parent.as_posix() or ".")


class SpringPropertiesParser:
    format = "spring"

    def matches(self, path: Path) -> bool:
        return _is_application_file(path, (".properties",))

    def parse(self, source: SourceFile, ctx: ParseContext) -> ParseResult:
        out = HostBindings(source, ctx, "spring", "spring", _owner(source))
        ports: dict[str, tuple[str, Location]] = {}
        hosts: dict[str, str] = {}
        commented: Location | None = None
        for offset, line in iter_lines(source.text):
            match = _PROPERTY.match(line)
            if not match:
                continue
            key = _relaxed(match.group(3))
            start = offset + match.start(4)
            where = source.location(start, start + len(match.group(4)))
            if match.group(2):
                if key == "server.port" and commented is None:
                    commented = where
                continue
            if key in _KEYS:
                ports[_KEYS[key]] = (match.group(4), where)
            elif key in _ADDRESS_KEYS:
                hosts[_ADDRESS_KEYS[key]] = match.group(4)
        _emit(out, ports, hosts, commented)
        return out.result


class SpringYamlParser:
    """Claims documents of `application*.yml|yaml` files by name only."""

    format = "spring"
    group_by_directory = False

    def claims(self, document: YamlDocument) -> bool:
        return _is_application_file(document.source.path, (".yml", ".yaml")) and isinstance(
            document.node, MappingNode
        )

    def parse(self, documents: list[YamlDocument], ctx: ParseContext) -> ParseResult:
        result = ParseResult()
        for document in documents:
            source = document.source
            out = HostBindings(source, ctx, "spring", "spring", _owner(source))
            ports: dict[str, tuple[str, Location]] = {}
            hosts: dict[str, str] = {}
            for key, node in _flatten(document.node, ""):
                where = location(source, node)
                if node.style in ("'", '"'):
                    where = where.sub(1, len(node.value))
                if key in _KEYS:
                    ports[_KEYS[key]] = (node.value, where)
                elif key in _ADDRESS_KEYS:
                    hosts[_ADDRESS_KEYS[key]] = node.value
            commented = _commented_yaml_port(source) if document.index == 0 else None
            _emit(out, ports, hosts, commented)
            result.extend(out.result)
        return result


def _flatten(node, prefix: str, depth: int = 0):
    if depth > 20:
        return
    for key, _, value in items(node):
        path = _relaxed(f"{prefix}.{key}" if prefix else key)
        if isinstance(value, ScalarNode):
            yield path, value
        elif isinstance(value, MappingNode):
            yield from _flatten(value, path, depth + 1)


def _relaxed(key: str) -> str:
    """Spring's relaxed binding: server.PORT, server_port are server.port."""
    return key.lower().replace("_", ".") if "." not in key else key.lower().replace("_", "")


def _commented_yaml_port(source: SourceFile) -> Location | None:
    match = re.search(r"(?m)^\s*#\s*(?:server\.)?port\s*:\s*(\S+)", source.text)
    if not match or "server" not in source.text[: match.start() + 40]:
        return None
    return source.location(match.start(1), match.end(1))


def _emit(
    out: HostBindings,
    ports: dict[str, tuple[str, Location]],
    hosts: dict[str, str],
    commented: Location | None,
) -> None:
    if "server" not in ports and commented is not None:
        _listener(out, str(DEFAULT_PORT), commented, hosts.get("server"), "server", True)
    for which, (text, where) in ports.items():
        _listener(out, text, where, hosts.get(which), which, False)


def _listener(
    out: HostBindings, text: str, where: Location, host: str | None, which: str, default: bool
) -> None:
    text = text.strip().strip("'\"")
    placeholder = _PLACEHOLDER.match(text)
    if placeholder:
        if placeholder.group(2) is None:
            out.diagnostic(
                "PL003",
                f"{which} port {text}: no default value; the port cannot be checked",
                where,
                key=text,
            )
            return
        default_text = placeholder.group(2)
        offset = text.rfind(default_text)
        where = where.sub(offset, len(default_text))
        text = default_text
    if text in ("0", "-1"):
        return  # random port / disabled
    port = parse_port(text)
    if port is None:
        out.diagnostic("PL002", f"{which} port: {port_problem(text)}", where, key=text)
        return
    addresses = resolve_host(host) if host and host not in ("0.0.0.0", "::") else [None]
    for address in addresses or []:
        # default: server.port is commented out, and Spring Boot uses 8080
        out.add(Listener(port, where, address=address, default=default))


PARSERS = [SpringPropertiesParser(), SpringYamlParser()]

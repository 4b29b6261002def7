"""Traefik static configuration: `entryPoints.<name>.address` in YAML and TOML, and the
`--entrypoints.<name>.address=` command-line flags (read by the Compose parser).

An address is `[host]:port[/tcp|/udp]`. Traefik is a Go program: a wildcard host ('',
`0.0.0.0` or `::`) makes Go open one dual-stack socket, so each is every address of both
families. Owner: one Traefik process per static-config file, `traefik:<path>`.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from portlint.model import ParseResult, Protocol
from portlint.numbers import MAX_DIGITS, is_digits, mention, parse_int
from portlint.parsers import ParseContext
from portlint.parsers.hostconf import (
    HostBindings,
    Listener,
    is_templated,
    parse_port,
    port_problem,
    read_head,
    resolve_host,
    split_host_port,
)
from portlint.records import FrozenRecord
from portlint.source import Location, SourceFile
from portlint.yamlnodes import MappingNode, ScalarNode, YamlDocument, items, location


def _tomllib():
    """Imported on first use: most runs read no TOML."""
    if sys.version_info >= (3, 11):
        import tomllib
    else:  # pragma: no cover
        import tomli as tomllib
    return tomllib


_FLAG = re.compile(r"--entrypoints\.([^.=\s]+)\.address=", re.IGNORECASE)
_GO_WILDCARDS = ("", "0.0.0.0", "::", "[::]")


class EntryPointAddress(FrozenRecord):
    """One entry point's address; `port_offset`/`port_length` locate the port digits in
    the text it was read from (the whole flag for `entrypoint_from_flag`)."""

    name: str
    address: str | None  # host part; None or '' = every address
    port: int
    protocol: Protocol
    port_offset: int
    port_length: int


def entrypoint_from_flag(arg: str) -> EntryPointAddress | None:
    """`--entrypoints.web.address=:80` (any case, optional `/udp`) -> its address.

    None when `arg` is not such a flag or its port is not a number (a variable, a typo);
    `port` may be out of range (e.g. 0 or 70000): the caller reports it as PL002.
    """
    match = _FLAG.match(arg.strip())
    if match is None:
        return None
    lead = len(arg) - len(arg.lstrip())
    return parse_entrypoint(match.group(1), arg.strip()[match.end() :], lead + match.end())


def parse_entrypoint(name: str, value: str, offset: int = 0) -> EntryPointAddress | None:
    """Parse an address value; offsets are shifted by `offset` (where value starts)."""
    body, _, proto_text = value.partition("/")
    protocol = Protocol.parse(proto_text) if proto_text else Protocol.TCP
    if protocol is None:
        return None
    host, port_text, port_at = split_host_port(body)
    if not is_digits(port_text) or port_text != port_text.strip():
        return None
    port = parse_int(port_text)
    if port is None:  # more digits than any number: out of range, as 99999 is
        port = 10**MAX_DIGITS
    return EntryPointAddress(name, host or None, port, protocol, offset + port_at, len(port_text))


def add_entrypoint(
    out: HostBindings, name: str, value: str, value_location: Location, value_offset: int
) -> None:
    """Turn one address value (whose first character is at `value_location` column +
    `value_offset`) into a binding or a diagnostic."""
    where = value_location.sub(value_offset, len(value))
    if is_templated(value):
        out.diagnostic(
            "PL003",
            f"entry point '{name}' address {value!r} is a template: the port cannot be checked",
            where,
            key=f"{name}:{value}",
        )
        return
    parsed = parse_entrypoint(name, value)
    if parsed is None:
        out.diagnostic(
            "PL002",
            f"entry point '{name}' address{mention(value)} is not [host]:port[/tcp|/udp]",
            where,
            key=f"{name}:{value}",
        )
        return
    port_location = value_location.sub(value_offset + parsed.port_offset, parsed.port_length)
    port_text = value[parsed.port_offset : parsed.port_offset + parsed.port_length]
    if parse_port(port_text) is None:
        out.diagnostic("PL002", port_problem(port_text), port_location, key=f"{name}:{value}")
        return
    host = parsed.address or ""
    addresses = [None] if host in _GO_WILDCARDS else resolve_host(host)
    if addresses is None:
        return  # a host name: its address cannot be known from the config
    for address in addresses:
        out.add(
            Listener(
                parsed.port,
                port_location,
                parsed.protocol,
                address,
            )
        )


# --- YAML ----------------------------------------------------------------------------


class TraefikYamlParser:
    """Static configuration documents with a top-level `entryPoints` mapping."""

    format = "traefik"
    group_by_directory = False

    def claims(self, document: YamlDocument) -> bool:
        # A mapping of entry points: typedoc.json's `entryPoints` is a list of files.
        return any(
            key.lower() == "entrypoints" and isinstance(value, MappingNode)
            for key, _, value in items(document.node)
        )

    def parse(self, documents: list[YamlDocument], ctx: ParseContext) -> ParseResult:
        result = ParseResult()
        for document in documents:
            source = document.source
            out = HostBindings(source, ctx, "traefik", "traefik", f"traefik:{source.display}")
            for key, _, entry_points in items(document.node):
                if key.lower() != "entrypoints":
                    continue
                for name, _, entry in items(entry_points):
                    for field_name, _, value in items(entry):
                        if field_name.lower() == "address" and isinstance(value, ScalarNode):
                            loc = location(source, value)
                            quoted = 1 if value.style in ("'", '"') else 0
                            loc = loc.sub(quoted, len(value.value)) if quoted else loc
                            add_entrypoint(out, name, value.value, loc, 0)
            result.extend(out.result)
        return result


# --- TOML ----------------------------------------------------------------------------

_TABLE = re.compile(r"^\s*\[\s*([^\[\]]+?)\s*\]\s*(?:#.*)?$")
_KEY_VALUE = re.compile(r"""^\s*([A-Za-z0-9_.\-"' ]+?)\s*=\s*(["'])(.*?)\2""")
_TOML_ERROR_AT = re.compile(r"at line (\d+), column (\d+)")


class TraefikTomlParser:
    """`traefik*.toml`, or a `.toml` file that defines `entryPoints` (Traefik's own
    camel-case key, which no other common TOML format uses)."""

    format = "traefik"

    def matches(self, path: Path) -> bool:
        name = path.name.lower()
        if not name.endswith(".toml"):
            return False
        if name.startswith("traefik"):
            return True
        head = read_head(path)
        return b"[entryPoints" in head or b"\nentryPoints." in head

    def parse(self, source: SourceFile, ctx: ParseContext) -> ParseResult:
        out = HostBindings(source, ctx, "traefik", "traefik", f"traefik:{source.display}")
        tomllib = _tomllib()
        try:
            tomllib.loads(source.text)
        except tomllib.TOMLDecodeError as error:
            found = _TOML_ERROR_AT.search(str(error))
            error_line, column = (
                (parse_int(found.group(1)) or 1, parse_int(found.group(2)) or 1)
                if found
                else (1, 1)
            )
            message = str(error).split(" (at ")[0]
            if "{{" in source.text:
                message += "; this looks like a template: render it first"
            at = Location.point(source.display, error_line, column)
            out.syntax_error(f"TOML syntax error: {message}", at)
            return out.result
        table: list[str] = []
        offset = 0
        for raw in source.text.splitlines(keepends=True):
            line = raw.rstrip("\r\n")
            header = _TABLE.match(line)
            if header and not line.lstrip().startswith("[["):
                table = _dotted(header.group(1))
            else:
                pair = _KEY_VALUE.match(line)
                if pair:
                    path = [p.lower() for p in table + _dotted(pair.group(1))]
                    if len(path) == 3 and path[0] == "entrypoints" and path[2] == "address":
                        name = (table + _dotted(pair.group(1)))[1]
                        start = offset + pair.start(3)
                        loc = source.location(start, start + len(pair.group(3)))
                        add_entrypoint(out, name, pair.group(3), loc, 0)
            offset += len(raw)
        return out.result


def _dotted(key: str) -> list[str]:
    return [part.strip().strip("\"'") for part in key.split(".")]


PARSERS = [TraefikYamlParser(), TraefikTomlParser()]

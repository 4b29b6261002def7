"""Daemons configured by `key value` lines: redis (and Sentinel), postgresql, mysql /
mariadb, sshd. One small table per daemon says which keys hold the port and the addresses,
its defaults, and where the keys are read.

Defaults encoded (each daemon's own documentation):
- redis: port 6379 (Sentinel 26379); no `bind` = every address; `bind *` = 0.0.0.0,
  `::*` = :: (redis sets IPV6_V6ONLY); a leading `-` marks an optional address; `port 0`
  disables TCP; `tls-port` is a second listener.
- postgresql: port 5432; `listen_addresses` default `localhost` (127.0.0.1 and ::1), `*`
  = every address, `''` = Unix sockets only.
- mysql/mariadb: port 3306, `bind-address` default every address, read in `[mysqld]`,
  `[mariadb]`, `[server]`, `[galera]` and their versioned forms; client groups are not.
- sshd: `Port` (repeatable) default 22, `ListenAddress host[:port]` default every address.

When the port line is absent or commented out, the default port is bound at the commented
line (else at the address line, else line 1) with `Binding.default` set.

Owners: redis and postgresql run one process per config file (`redis:<path>`, so
redis.conf and sentinel.conf are two owners); mysql reads every option file into one
server and sshd is one daemon per host (`mysql@<host>`, `sshd@<host>`).
"""

from __future__ import annotations

import re
from pathlib import Path

from portlint.model import ParseResult
from portlint.parsers import ParseContext
from portlint.parsers.hostconf import (
    HostBindings,
    Listener,
    is_templated,
    iter_lines,
    parse_port,
    port_problem,
    resolve_host,
    split_host_port,
)
from portlint.records import FrozenRecord
from portlint.source import Location, SourceFile

_KV_SPACE = re.compile(r"^(\s*)(#\s*)?([A-Za-z][\w.-]*)\s+(.*?)\s*$")
_KV_EQUALS = re.compile(r"^(\s*)(#\s*)?([A-Za-z][\w.-]*)\s*(?:=\s*|\s+)(.*?)\s*$")
_SECTION = re.compile(r"^\s*\[([^\]]+)\]")
_TRAILING_COMMENT = re.compile(r"\s+#.*$")
_VALUE_LIKE = re.compile(r"['\"]?[\w.:\[\]*,\s/%-]*['\"]?")
_ANGLE = re.compile(r"[<>]")
_MYSQL_SERVER = re.compile(r"^(mysqld|mariadb|server|galera|mariadbd)(-[\d.]+)?$", re.I)


class Value(FrozenRecord):
    text: str
    start: int  # offset of text in the file
    commented: bool


class Daemon(FrozenRecord):
    format: str
    identity: str
    default_port: int
    port_keys: tuple[str, ...]
    address_key: str
    equals: bool  # `key = value` (postgresql, mysql) or `key value`
    per_host: bool  # one process per host group, or one per file
    sections: bool = False  # mysql: only server option groups count
    default_addresses: tuple[str | None, ...] = (None,)


REDIS = Daemon("redis", "redis", 6379, ("port", "tls-port"), "bind", False, False)
SENTINEL = Daemon("redis", "redis-sentinel", 26379, ("port", "tls-port"), "bind", False, False)
POSTGRES = Daemon(
    "postgresql",
    "postgresql",
    5432,
    ("port",),
    "listen_addresses",
    True,
    False,
    default_addresses=("127.0.0.1", "::1"),
)
MYSQL = Daemon("mysql", "mysql", 3306, ("port",), "bind-address", True, True, sections=True)
SSHD = Daemon("sshd", "sshd", 22, ("port",), "listenaddress", False, True)


def daemon_for(path: Path) -> Daemon | None:
    name = path.name.lower()
    if name.endswith((".yaml", ".yml", ".json")):
        return None  # the common case, decided before building the parents list
    parents = [p.lower() for p in path.parent.parts[-4:]]
    if name in ("sentinel.conf", "redis-sentinel.conf"):
        return SENTINEL
    if name.startswith("redis") and name.endswith(".conf"):
        return REDIS
    if name in ("postgresql.conf", "postgresql.conf.sample", "postgresql.auto.conf"):
        return POSTGRES
    if name in ("my.cnf", "my.cnf.fallback", "mariadb.cnf", "mysqld.cnf", "server.cnf"):
        return MYSQL
    if name.endswith(".cnf") and any(p.startswith(("mysql", "mariadb")) for p in parents):
        return MYSQL
    if name == "sshd_config" or (name.endswith(".conf") and "sshd_config.d" in parents):
        return SSHD
    return None


class KeyValueParser:
    format = "keyvalue"

    def matches(self, path: Path) -> bool:
        return daemon_for(path) is not None

    def parse(self, source: SourceFile, ctx: ParseContext) -> ParseResult:
        daemon = daemon_for(source.path)
        assert daemon is not None
        if daemon.per_host:
            out = HostBindings(source, ctx, daemon.format, daemon.identity, daemon=daemon.format)
        else:
            owner = f"{daemon.format}:{source.display}"
            out = HostBindings(source, ctx, daemon.format, daemon.identity, owner)
        ports, addresses, in_server = _read(source, daemon)
        if daemon.sections and not in_server:
            return out.result  # a client-only option file
        active_ports = [v for v in ports if not v.commented]
        active_addresses = [v for v in addresses if not v.commented]
        if (
            daemon.sections
            and not active_ports
            and not active_addresses
            and not any(v for v in ports)
        ):
            return out.result  # server groups that say nothing about networking
        listeners = _ports(source, out, daemon, active_ports)
        if listeners is None:
            return out.result
        if not listeners:
            where = (
                _value_location(source, ports[-1])
                if ports
                else _value_location(source, active_addresses[0])
                if active_addresses
                else Location.point(source.display, 1, 1)
            )
            listeners = [(daemon.default_port, where, True)]
        _bind(source, out, daemon, listeners, active_addresses)
        return out.result


def _read(source: SourceFile, daemon: Daemon) -> tuple[list[Value], list[Value], bool]:
    pattern = _KV_EQUALS if daemon.equals else _KV_SPACE
    ports: list[Value] = []
    addresses: list[Value] = []
    in_server = not daemon.sections
    any_server = in_server
    for offset, line in iter_lines(source.text):
        section = _SECTION.match(line)
        if section and daemon.sections:
            in_server = bool(_MYSQL_SERVER.match(section.group(1).strip()))
            any_server = any_server or in_server
            continue
        match = pattern.match(line)
        if not match or not in_server:
            continue
        key = (
            match.group(3).lower().replace("_", "-") if daemon.sections else match.group(3).lower()
        )
        if key not in daemon.port_keys and key != daemon.address_key:
            continue  # most lines: decided before the value is looked at
        commented = match.group(2) is not None
        text = _TRAILING_COMMENT.sub("", match.group(4))
        if commented and not _looks_like_value(text):
            continue  # prose in a comment
        value = Value(text, offset + match.start(4), commented)
        if key in daemon.port_keys:
            ports.append(value)
        else:
            addresses.append(value)
    return ports, addresses, any_server


def _looks_like_value(text: str) -> bool:
    return bool(_VALUE_LIKE.fullmatch(text)) and not _ANGLE.search(text)


def _value_location(source: SourceFile, value: Value) -> Location:
    return source.location(value.start, value.start + len(value.text))


def _ports(
    source: SourceFile, out: HostBindings, daemon: Daemon, values: list[Value]
) -> list[tuple[int, Location, bool]] | None:
    """(port, location, defaulted) per port line; None when TCP is disabled (port 0)."""
    found: list[tuple[int, Location, bool]] = []
    disabled = False
    if daemon.format != "sshd":
        values = _last_per_key(source, values)
    for value in values:
        text = value.text.strip("'\"")
        start = value.start + (1 if value.text[:1] in "'\"" else 0)
        location = source.location(start, start + len(text))
        if is_templated(text):
            out.diagnostic(
                "PL003", f"port {text}: a variable, the port cannot be checked", location, key=text
            )
            continue
        if text == "0" and daemon.identity.startswith("redis"):
            disabled = True  # `port 0`: redis does not listen on plain TCP
            continue
        port = parse_port(text)
        if port is None:
            out.diagnostic("PL002", port_problem(text), location, key=text)
            continue
        found.append((port, location, False))
    return None if disabled and not found else found


def _key_at(source: SourceFile, value: Value) -> str:
    line, _ = source.offset_to_position(value.start)
    words = source.line_text(line).split()
    return words[0].lower() if words else ""


def _last_per_key(source: SourceFile, values: list[Value]) -> list[Value]:
    """Daemons other than sshd keep the last assignment of each key."""
    last: dict[str, Value] = {}
    for value in values:
        last[_key_at(source, value)] = value
    return list(last.values())


def _bind(
    source: SourceFile,
    out: HostBindings,
    daemon: Daemon,
    ports: list[tuple[int, Location, bool]],
    addresses: list[Value],
) -> None:
    specs: list[tuple[str | None, int | None, Location | None]] = []
    if daemon.format in ("postgresql", "mysql"):
        addresses = addresses[-1:]
    for value in addresses:
        specs.extend(_address_specs(source, daemon, value))
    if not addresses:
        specs = [(a, None, None) for a in daemon.default_addresses]
    if not specs:
        return  # e.g. listen_addresses = '': Unix sockets only
    for host, own_port, own_location in specs:
        targets = [(own_port, own_location, False)] if own_port else ports
        resolved = resolve_host(host)
        if resolved is None:
            continue
        for port, location, defaulted in targets:
            for address in resolved:
                v6only = True if address is not None and address.version == 6 else None
                out.add(
                    Listener(
                        port,
                        location or ports[0][1],
                        address=address,
                        v6only=v6only,
                        default=defaulted,  # the daemon's default port
                    )
                )


def _address_specs(
    source: SourceFile, daemon: Daemon, value: Value
) -> list[tuple[str | None, int | None, Location | None]]:
    specs: list[tuple[str | None, int | None, Location | None]] = []
    text = value.text
    quote = 1 if text[:1] in "'\"" else 0
    body = text[quote : len(text) - quote] if quote else text
    separator = r"\s+" if daemon.format == "redis" else r"\s*,\s*"
    if daemon.format == "sshd":
        separator = r"\s+"
    position = 0
    for part in re.split(separator, body.strip()):
        if not part:
            continue
        position = body.find(part, position)
        item = part.lstrip("-")
        if daemon.format == "redis":
            host = {"*": "0.0.0.0", "::*": "::"}.get(item, item)
            specs.append((host, None, None))
        elif daemon.format == "postgresql" or daemon.format == "mysql":
            specs.append((None if item == "*" else item, None, None))
        else:  # sshd: host[:port]
            host, port_text, offset = split_host_port(item)
            if host is None or port_text == "":
                specs.append((item, None, None))
            else:
                port = parse_port(port_text)
                at = value.start + quote + position + offset
                specs.append((host, port, source.location(at, at + len(port_text))))
        position += len(part)
    return specs


PARSERS = [KeyValueParser()]

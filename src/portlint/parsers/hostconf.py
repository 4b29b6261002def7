"""Shared pieces of the service-config parsers: host-namespace bindings, port and address
parsing, and default-port bindings.

Every service-config listener lives in the host namespace of the file's host group, so all
formats meet there and collide across formats. Positions always point at the port text.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

from portlint import numbers, source
from portlint.model import (
    Binding,
    Diagnostic,
    IPAddress,
    Namespace,
    ParseResult,
    Protocol,
    Role,
    parse_address,
)
from portlint.parsers import ParseContext
from portlint.records import Record
from portlint.source import Location, SourceFile

_PORT = re.compile(r"\d+")
_VARIABLE = re.compile(r"\$\{?[A-Za-z_]|\{\{|%\{|\$\(")

#: Host names resolved the way a Linux /etc/hosts resolves them; other names cannot be
#: checked (their address is not knowable from the config).
LOOPBACK_NAMES = {
    "localhost": ("127.0.0.1", "::1"),
    "ip6-localhost": ("::1",),
    "ip6-loopback": ("::1",),
}


class Listener(Record):
    """One socket a daemon binds, before it becomes a `Binding`."""

    port: int
    location: Location
    protocol: Protocol = Protocol.TCP
    address: IPAddress | None = None
    v6only: bool | None = None
    end_port: int = -1
    default: bool = False  # not written: the software's default port


class HostBindings:
    """Collects one file's host-namespace listeners for one owner and software."""

    def __init__(
        self,
        source: SourceFile,
        ctx: ParseContext,
        fmt: str,
        identity: str,
        owner: str = "",
        daemon: str | None = None,
    ) -> None:
        """`daemon`: one process per host group, owner `<daemon>@<host>` (the resolve
        stage decides the host); else `owner` names the process."""
        self.source = source
        self.namespace = Namespace.host()
        self.daemon = daemon
        self.format = fmt
        self.identity = identity
        self.owner = owner or (daemon or "")
        self.result = ParseResult()

    def add(self, listener: Listener, location_source: SourceFile | None = None) -> Binding:
        binding = Binding(
            port=listener.port,
            end_port=listener.end_port,
            protocol=listener.protocol,
            namespace=self.namespace,
            role=Role.LISTEN,
            owner=self.owner,
            format=self.format,
            location=listener.location,
            address=listener.address,
            v6only=listener.v6only,
            identity=self.identity,
            default=listener.default,
            daemon=self.daemon,
            main_file="" if listener.location.path == self.source.display else self.source.display,
        )
        self.result.bindings.append(binding)
        return binding

    def diagnostic(self, rule: str, message: str, location: Location, key: str = "") -> None:
        self.result.diagnostics.append(Diagnostic(rule, message, location, key or message))

    def syntax_error(self, message: str, location: Location) -> None:
        """PL001 for a file that does not parse, unless a Go template action breaks it
        (consul-template's `{{ range service "web" }}`): then the template's PL007, as
        for YAML (portlint.filekinds.template_instead)."""
        from portlint.filekinds import template_instead

        note = template_instead(self.source, location)
        if note is not None:
            self.result.diagnostics.append(note)
        else:
            self.diagnostic("PL001", message, location)


def read_head(path: Path, size: int = 65536) -> bytes:
    """The first `size` bytes of a file, for `matches()` to sniff a config by content
    (b"" when it cannot be read: the file is then not claimed)."""
    return source.read_head(path, size)  # the guarded reader: never blocks on a FIFO


def is_templated(text: str) -> bool:
    """Whether text holds a variable or template placeholder (`$X`, `${X}`, `{{ }}`)."""
    return bool(_VARIABLE.search(text))


def parse_port(text: str) -> int | None:
    """A decimal port 1-65535, or None (not a number, or out of range)."""
    return numbers.parse_port(text)


def port_problem(text: str, what: str = "") -> str:
    """Why `text` is not a valid port, for PL002 messages (never echoes a secret)."""
    return numbers.port_problem(text, what)


def resolve_host(text: str | None) -> list[IPAddress | None] | None:
    """Addresses a listen host stands for: [None] for a wildcard ('', '*'), the literal,
    loopback names; None when it is a host name whose address cannot be known here."""
    if text is None:
        return [None]
    text = text.strip()
    lowered = text.lower()
    if lowered in LOOPBACK_NAMES:
        return [ipaddress.ip_address(a) for a in LOOPBACK_NAMES[lowered]]
    inner = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    if "%" in inner:  # fe80::1%eth0: the zone does not change the address
        inner = inner.split("%", 1)[0]
    try:
        return [parse_address(inner)]
    except ValueError:
        return None


def split_host_port(text: str) -> tuple[str | None, str, int]:
    """Split `host:port`, `[v6]:port`, `:port` or `port` into (host, port text, offset of
    the port text in `text`); host is None when absent ('' stays '' for ':80')."""
    if text.startswith("["):
        close = text.find("]")
        if close != -1 and text[close + 1 : close + 2] == ":":
            return text[: close + 1], text[close + 2 :], close + 2
        if close != -1:
            return text[: close + 1], "", len(text)
    if text.count(":") == 1:
        host, _, port = text.partition(":")
        return host, port, len(host) + 1
    if ":" in text:  # a bare IPv6 address without a port
        return text, "", len(text)
    return None, text, 0


def line_location(source: SourceFile, line_start: int, column: int, length: int) -> Location:
    """Location of `length` characters at 0-based `column` of the line starting at offset."""
    start = line_start + column
    return source.location(start, start + length)


def iter_lines(text: str):
    """(line start offset, line text without newline) for each line."""
    offset = 0
    for line in text.splitlines(keepends=True):
        yield offset, line.rstrip("\r\n")
        offset += len(line)

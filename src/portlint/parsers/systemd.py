"""systemd `.socket` units: `ListenStream` (TCP), `ListenDatagram` (UDP) and
`ListenSequentialPacket` (SCTP for IP addresses) in the `[Socket]` section.

systemd facts encoded: a bare port listens on `[::]` and, unless `BindIPv6Only=ipv6-only`,
on IPv4 too (the default follows the kernel's dual-stack); `addr:port` and `[v6]:port`
bind one address; paths, `@abstract` names, `vsock:` and other `Listen*` kinds are not
ports. An empty assignment (`ListenStream=`) resets the list, as systemd does.

Owner and identity: the unit, `systemd:<path>`, and the software it activates: its
`Service=` (`rsyslog` for `Service=rsyslog.service`), else its name (`ssh` for
`ssh.socket`) — PL301 judges the port against that software.
A socket that activates a daemon portlint also reads (ssh.socket -> sshd, mariadb.socket
-> mysql) hands its file descriptor to that daemon: it is the same process, so it takes
that daemon's owner (`sshd@<host>`) and never collides with the daemon's own config.
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

from portlint.model import ParseResult, Protocol
from portlint.parsers import ParseContext
from portlint.parsers.hostconf import (
    HostBindings,
    Listener,
    iter_lines,
    parse_port,
    port_problem,
    resolve_host,
    split_host_port,
)
from portlint.source import Location, SourceFile

_KINDS = {
    "listenstream": Protocol.TCP,
    "listendatagram": Protocol.UDP,
    "listensequentialpacket": Protocol.SCTP,
}
#: Socket units whose service is a daemon with its own parser, and that daemon's format.
ACTIVATES = {"ssh": "sshd", "sshd": "sshd", "mariadb": "mysql", "mysql": "mysql", "mysqld": "mysql"}
_ASSIGNMENT = re.compile(r"^\s*([A-Za-z0-9]+)\s*=\s*(.*?)\s*$")


class SystemdSocketParser:
    format = "systemd"

    def matches(self, path: Path) -> bool:
        return path.suffix == ".socket" or (
            path.suffix == ".conf" and path.parent.name.endswith(".socket.d")
        )

    def parse(self, source: SourceFile, ctx: ParseContext) -> ParseResult:
        unit = source.path.name
        if source.path.parent.name.endswith(".socket.d"):
            unit = source.path.parent.name[: -len(".d")]
        identity = _service_of(source.text) or unit.rsplit(".", 1)[0].rstrip("@")
        daemon = ACTIVATES.get(identity)
        if daemon:
            out = HostBindings(source, ctx, "systemd", identity, daemon=daemon)
        else:
            out = HostBindings(source, ctx, "systemd", identity, f"systemd:{source.display}")
        section = ""
        pending: list[tuple[Protocol, Location, int, str | None]] = []
        v6only: bool | None = False
        for line_start, line in iter_lines(source.text):
            stripped = line.strip()
            if not stripped or stripped[0] in "#;":
                continue
            if stripped.startswith("[") and stripped.endswith("]"):
                section = stripped[1:-1]
                continue
            match = _ASSIGNMENT.match(line)
            if section != "Socket" or not match:
                continue
            key, value = match.group(1).lower(), match.group(2)
            if key == "bindipv6only":
                v6only = {"ipv6-only": True, "both": False}.get(value.lower(), False)
                continue
            if key not in _KINDS:
                continue
            if value == "":
                pending = [p for p in pending if p[0] != _KINDS[key]]
                continue
            if value.startswith(("/", "@", "vsock:")) or "%" in value:
                continue
            start = line_start + match.start(2)
            host, port_text, offset = split_host_port(value)
            location = source.location(start + offset, start + offset + len(port_text))
            port = parse_port(port_text)
            if port is None:
                out.diagnostic("PL002", port_problem(port_text or value), location, key=value)
                continue
            pending.append((_KINDS[key], location, port, host))  # type: ignore[arg-type]
        for protocol, location, port, host in pending:
            # a bare port listens on [::] (and IPv4 when dual-stack)
            addresses = [ipaddress.ip_address("::")] if host is None else resolve_host(host) or []
            for address in addresses:
                is_v6 = address is not None and address.version == 6
                out.add(Listener(port, location, protocol, address, v6only if is_v6 else None))
        return out.result


def _service_of(text: str) -> str | None:
    """The software a socket activates, from `[Socket] Service=` (`rsyslog.service` ->
    rsyslog, `mariadb@%i.service` -> mariadb): its port is that software's own. Without
    `Service=`, systemd activates the service of the socket's own name."""
    section, found = "", None
    for _start, line in iter_lines(text):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section = stripped[1:-1]
            continue
        match = _ASSIGNMENT.match(line)
        if section == "Socket" and match and match.group(1).lower() == "service":
            name = match.group(2).strip()
            found = name.rsplit(".", 1)[0].split("@", 1)[0] if name.endswith(".service") else None
    return found or None


PARSERS = [SystemdSocketParser()]

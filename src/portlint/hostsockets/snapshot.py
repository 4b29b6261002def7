"""A saved socket listing, read back: `ss -tulpn`, `ss -Htulpn`, `netstat -tulpn`
(net-tools) or `netstat -ano` (Windows), told apart by content, never by file name.

Kept: listening TCP sockets and bound UDP ones. Other rows a wider listing may hold
(established connections, UNIX sockets) are skipped; a row that looks like a socket but
cannot be read is a PL001 diagnostic at its line, and the other rows are still read.

IPv6 wildcards: modern `ss` prints a dual-stack `::` socket as `*` and a v6-only one as
`[::]`. net-tools' `netstat` prints both as `:::port`; it is read as dual-stack (Linux's
default) unless an IPv4 socket holds the same port. Windows sockets are v6-only by
default, so Windows' `[::]` is v6-only.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable

from portlint.hostsockets import HostSnapshot, Socket
from portlint.model import Diagnostic, IPAddress, Protocol
from portlint.source import Location

_ANY6 = ipaddress.IPv6Address("::")

_SS_ROW = re.compile(
    r"^(?:(?P<netid>[a-z_0-9]+)\s+)?(?P<state>[A-Z][A-Z0-9_-]*)\s+(?P<recvq>\d+)\s+"
    r"(?P<sendq>\d+)\s+(?P<local>\S+)\s+(?P<peer>\S+)(?:\s+(?P<process>.*))?$"
)
_SS_USER = re.compile(r'\("((?:[^"\\]|\\.)*)",pid=(\d+)')
_NETSTAT_ROW = re.compile(
    r"^(?P<proto>tcp6?|udp6?|udpl(?:ite)?6?)\s+(?P<recvq>\d+)\s+(?P<sendq>\d+)\s+"
    r"(?P<local>\S+)\s+(?P<foreign>\S+)(?:\s+(?P<state>[A-Z][A-Z0-9_]*))?"
    r"(?:\s+(?P<program>\S.*?))?\s*$"
)
_WINDOWS_ROW = re.compile(
    r"^\s*(?P<proto>TCP|UDP)\s+(?P<local>\S+)\s+(?P<foreign>\S+)\s+"
    r"(?:(?P<state>\S+)\s+)?(?P<pid>\d+)\s*$"
)
_SS_HEADERS = ("Netid", "State")
_NETSTAT_HEADERS = ("Active Internet connections", "Proto Recv-Q", "Active UNIX")
_SS_NETIDS = frozenset({"tcp", "udp", "sctp", "raw", "u_str", "u_dgr", "u_seq", "nl",
                        "p_raw", "p_dgr", "mptcp", "tipc", "v_str", "v_dgr", "xdp"})  # fmt: skip

FORMATS = ("ss", "netstat", "windows")


class _Bad(ValueError):
    """A row that looks like a socket but cannot be read; the message says why."""


def read_snapshot(text: str, display: str) -> HostSnapshot:
    """The sockets of a saved listing; PL001 diagnostics for what cannot be read."""
    lines = text.splitlines()
    kind = detect(lines)
    diagnostics: list[Diagnostic] = []
    sockets: list[Socket] = []
    if kind is None:
        first = next((n for n, line in enumerate(lines, 1) if line.strip()), 1)
        diagnostics.append(
            Diagnostic(
                "PL001",
                f"{display} is not a socket listing portlint reads: save the output of "
                "`ss -Htulpn`, `ss -tulpn`, `netstat -tulpn` or (Windows) `netstat -ano`",
                Location.point(display, first, 1, len(lines[first - 1]) if lines else 0),
                key="snapshot-format",
            )
        )
        return HostSnapshot([], display, live=False, diagnostics=diagnostics)
    row_reader = _READERS[kind]
    for number, line in enumerate(lines, 1):
        if not line.strip() or _is_header(line, kind):
            continue
        location = Location.point(display, number, 1, len(line))
        try:
            socket = row_reader(line)
        except _Bad as error:
            diagnostics.append(
                Diagnostic(
                    "PL001",
                    f"cannot read this line of the {_NAMES[kind]} listing: {error}",
                    location,
                    key=f"snapshot-line|{line.strip()[:80]}",
                )
            )
            continue
        if socket is not None:
            socket.location = location
            sockets.append(socket)
    if kind != "windows":
        _infer_dual_stack(sockets)
    return HostSnapshot(sockets, display, live=False, diagnostics=diagnostics)


_NAMES = {"ss": "ss", "netstat": "netstat -tulpn", "windows": "netstat -ano"}


def detect(lines: list[str]) -> str | None:
    """'ss', 'netstat' or 'windows', from the first line that tells them apart."""
    for line in lines[:50]:
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith(_SS_HEADERS) and "Address:Port" in stripped:
            return "ss"
        if stripped.startswith(_NETSTAT_HEADERS):
            return "netstat"
        if _WINDOWS_ROW.match(line) or (stripped.startswith("Proto") and stripped.endswith("PID")):
            return "windows"
        if _NETSTAT_ROW.match(stripped):
            return "netstat"
        match = _SS_ROW.match(stripped)
        if match and (match["netid"] in _SS_NETIDS or match["netid"] is None):
            return "ss"
    return None


def _is_header(line: str, kind: str) -> bool:
    stripped = line.strip()
    if kind == "ss":
        return stripped.startswith(_SS_HEADERS) and "Address:Port" in stripped
    if kind == "netstat":
        return stripped.startswith(_NETSTAT_HEADERS)
    return not _WINDOWS_ROW.match(line) and not stripped.startswith(("TCP", "UDP"))


# --- ss ---------------------------------------------------------------------------------


def _ss_row(line: str) -> Socket | None:
    match = _SS_ROW.match(line.strip())
    if match is None:
        raise _Bad("expected Netid State Recv-Q Send-Q Local:Port Peer:Port [Process]")
    netid, state = match["netid"], match["state"]
    if netid is None:  # one protocol asked for (`ss -tlnp`): the state tells which
        netid = {"LISTEN": "tcp", "UNCONN": "udp"}.get(state)
    protocol = {"tcp": Protocol.TCP, "udp": Protocol.UDP, "sctp": Protocol.SCTP}.get(netid or "")
    if protocol is None:
        return None  # a UNIX, raw or netlink socket: no port
    if state != ("UNCONN" if protocol is Protocol.UDP else "LISTEN"):
        return None  # a connection, not a listener
    address, v6only, port = _ss_endpoint(match["local"])
    if port is None:
        return None
    process, pid = None, None
    user = _SS_USER.search(match["process"] or "")
    if user:
        process, pid = user[1], int(user[2])
    return Socket(protocol, address, port, v6only, pid, process)


def _ss_endpoint(text: str) -> tuple[IPAddress, bool | None, int | None]:
    """`127.0.0.1:80`, `[::1]:80`, `*:80` (dual-stack ::), `[::]:80` (v6-only),
    `127.0.0.53%lo:53` (bound to an interface)."""
    host, _, port_text = text.rpartition(":")
    if not host:
        raise _Bad(f"{text!r} has no address:port")
    if port_text == "*":
        return _ANY6, None, None
    port = _port(port_text, text)
    host = host.split("%", 1)[0]
    if host == "*":
        return _ANY6, False, port
    address = _address(host.strip("[]"), text)
    v6only = True if address == _ANY6 else None
    return _unmapped(address), v6only, port


# --- netstat (net-tools) ------------------------------------------------------------------


def _netstat_row(line: str) -> Socket | None:
    match = _NETSTAT_ROW.match(line.strip())
    if match is None:
        if line.lstrip().startswith(("unix", "raw", "sctp")):
            return None
        raise _Bad("expected Proto Recv-Q Send-Q Local Foreign [State] PID/Program")
    protocol = Protocol.UDP if match["proto"].startswith("udp") else Protocol.TCP
    state = match["state"]
    if protocol is Protocol.TCP and state != "LISTEN":
        return None
    if protocol is Protocol.UDP and state not in (None, "CLOSE"):
        return None  # a connected UDP socket (ESTABLISHED)
    host, _, port_text = match["local"].rpartition(":")
    if not host or port_text == "*":
        raise _Bad(f"{match['local']!r} has no address:port")
    port = _port(port_text, match["local"])
    address = _address(host.split("%", 1)[0], match["local"])
    pid, process = None, None
    program = (match["program"] or "").strip()
    if program and program != "-":
        pid_text, _, name = program.partition("/")
        if not pid_text.isdigit():
            raise _Bad(f"{program!r} is not PID/Program name")
        pid, process = int(pid_text), name.strip() or None
    return Socket(protocol, _unmapped(address), port, None, pid, process)


# --- netstat -ano (Windows) ---------------------------------------------------------------


def _windows_row(line: str) -> Socket | None:
    match = _WINDOWS_ROW.match(line)
    if match is None:
        raise _Bad("expected Proto Local-Address Foreign-Address [State] PID")
    protocol = Protocol.TCP if match["proto"] == "TCP" else Protocol.UDP
    foreign = match["foreign"]
    # A listening TCP socket has no peer: 0.0.0.0:0 or [::]:0, whatever the language of
    # the State column (LISTENING, ABHÖREN, ...).
    if protocol is Protocol.TCP and foreign not in ("0.0.0.0:0", "[::]:0"):
        return None
    if protocol is Protocol.UDP and foreign != "*:*":
        return None
    host, _, port_text = match["local"].rpartition(":")
    if not host:
        raise _Bad(f"{match['local']!r} has no address:port")
    port = _port(port_text, match["local"])
    address = _address(host.split("%", 1)[0].strip("[]"), match["local"])
    v6only = True if address == _ANY6 else None
    return Socket(protocol, address, port, v6only, int(match["pid"]), None)


_READERS: dict[str, Callable[[str], Socket | None]] = {
    "ss": _ss_row,
    "netstat": _netstat_row,
    "windows": _windows_row,
}


# --- shared -------------------------------------------------------------------------------


def _port(text: str, where: str) -> int:
    if not text.isdigit() or not 0 < int(text) <= 65535:
        raise _Bad(f"{where!r}: {text!r} is not a port number")
    return int(text)


def _address(text: str, where: str) -> IPAddress:
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        raise _Bad(f"{where!r}: {text!r} is not an IP address (save the listing with -n)") from None


def _unmapped(address: IPAddress) -> IPAddress:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


def _infer_dual_stack(sockets: list[Socket]) -> None:
    """`::` sockets whose v6only the listing does not say: v6-only when an IPv4 socket
    holds the same port (the kernel would have refused a dual-stack bind), else
    dual-stack as Linux binds them by default."""
    ipv4 = {
        (s.protocol, s.port) for s in sockets if s.address is not None and s.address.version == 4
    }
    for s in sockets:
        if s.address == _ANY6 and s.v6only is None:
            s.v6only = (s.protocol, s.port) in ipv4

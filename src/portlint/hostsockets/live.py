"""The sockets listening on this machine now, read from the Linux kernel's own tables.

`/proc/net/{tcp,tcp6,udp,udp6}` list every socket of this network namespace: listening
TCP sockets (state 0A) and bound, unconnected UDP ones (state 07) are what `ss -tuln`
shows. The owning process comes from the socket inodes in `/proc/PID/fd`, readable for
one's own processes (all of them as root), and its name from `/proc/PID/comm`.

Read directly rather than through psutil: the files are a stable kernel interface, the
code is short, and portlint gains no compiled dependency (see README, Runtime
dependencies). Other systems: use a snapshot file (`--against-host FILE`).

IPv6 wildcard sockets: /proc does not show IPV6_V6ONLY. A `::` socket is taken to follow
`/proc/sys/net/ipv6/bindv6only` (0, dual-stack, unless changed), except when an IPv4
socket holds the same port and protocol: then the kernel has already shown that the
`::` socket leaves IPv4 free, so it is v6-only.
"""

from __future__ import annotations

import ipaddress
import os
import sys
from pathlib import Path

from portlint.hostsockets import HostRanges, HostSnapshot, Socket
from portlint.model import IPAddress, Protocol
from portlint.options import PortSpan

PROC = Path("/proc")
_TABLES = (("tcp", Protocol.TCP, 4), ("tcp6", Protocol.TCP, 6), ("udp", Protocol.UDP, 4),
           ("udp6", Protocol.UDP, 6))  # fmt: skip
_LISTEN, _UDP_UNCONNECTED = "0A", "07"


def available(proc: Path = PROC) -> bool:
    return (proc / "net" / "tcp").is_file()


def read_live(proc: Path = PROC) -> HostSnapshot:
    """This machine's listening sockets and port ranges (empty where /proc is missing)."""
    dual_stack = _read_int(proc / "sys/net/ipv6/bindv6only", 0) == 0
    found: list[tuple[Socket, int]] = []
    for name, protocol, family in _TABLES:
        for socket, inode in _table(proc / "net" / name, protocol, family):
            found.append((socket, inode))
    owners = _owners({inode for _, inode in found if inode}, proc)
    ipv4_ports = {
        (s.protocol, s.port) for s, _ in found if s.address is not None and s.address.version == 4
    }
    sockets = []
    for socket, inode in found:
        if (
            socket.address is not None
            and socket.address.version == 6
            and socket.address.is_unspecified
        ):
            socket.v6only = (socket.protocol, socket.port) in ipv4_ports or not dual_stack
        pid, process = owners.get(inode, (None, None))
        socket.pid, socket.process = pid, process
        sockets.append(socket)
    sockets.sort(key=_order)
    return HostSnapshot(sockets, "this host", live=True, ranges=read_ranges(proc))


def _order(s: Socket) -> tuple:
    return (s.protocol.value, s.port, str(s.address))


def _table(path: Path, protocol: Protocol, family: int) -> list[tuple[Socket, int]]:
    try:
        lines = path.read_text(encoding="ascii", errors="replace").splitlines()[1:]
    except OSError:
        return []
    wanted = _LISTEN if protocol is Protocol.TCP else _UDP_UNCONNECTED
    rows = []
    seen: set[tuple] = set()
    for line in lines:
        fields = line.split()
        if len(fields) < 10 or fields[3] != wanted:
            continue
        try:
            address, port = _endpoint(fields[1], family)
            inode = int(fields[9])
        except ValueError:
            continue  # a row the kernel format does not allow; nothing to report
        if port == 0 or (address, port, inode) in seen:
            continue
        seen.add((address, port, inode))
        rows.append((Socket(protocol, address, port), inode))
    return rows


def _endpoint(text: str, family: int) -> tuple[IPAddress, int]:
    """'0100007F:3039' -> (127.0.0.1, 12345): the address as 32-bit words in the host's
    byte order, the port in hex. IPv4-mapped IPv6 addresses are read as IPv4."""
    hex_address, _, hex_port = text.partition(":")
    raw = bytes.fromhex(hex_address)
    if len(raw) != (4 if family == 4 else 16):
        raise ValueError(text)
    if sys.byteorder == "little":
        raw = b"".join(raw[i : i + 4][::-1] for i in range(0, len(raw), 4))
    address: IPAddress = ipaddress.ip_address(raw)
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address, int(hex_port, 16)


def _owners(inodes: set[int], proc: Path) -> dict[int, tuple[int, str | None]]:
    """inode -> (pid, process name) for the sockets whose process we may inspect."""
    if not inodes:
        return {}
    owners: dict[int, tuple[int, str | None]] = {}
    try:
        pids = sorted(int(entry) for entry in os.listdir(proc) if entry.isdigit())
    except OSError:
        return {}
    for pid in pids:
        fd_dir = proc / str(pid) / "fd"
        try:
            fds = os.listdir(fd_dir)
        except OSError:
            continue  # another user's process, or gone
        for fd in fds:
            try:
                target = os.readlink(fd_dir / fd)
            except OSError:
                continue
            if not target.startswith("socket:["):
                continue
            inode = int(target[8:-1])
            if inode in inodes and inode not in owners:
                owners[inode] = (pid, _process_name(proc, pid))
    return owners


def _process_name(proc: Path, pid: int) -> str | None:
    try:
        name = (proc / str(pid) / "comm").read_text(errors="replace").strip()
    except OSError:
        name = ""
    if len(name) == 15:  # comm is cut at 15 characters: argv[0] has the whole name
        try:
            argv0 = (proc / str(pid) / "cmdline").read_bytes().split(b"\0", 1)[0]
            whole = os.path.basename(argv0.decode(errors="replace"))
            if whole.startswith(name):
                name = whole
        except OSError:
            pass
    return name or None


def read_ranges(proc: Path = PROC) -> HostRanges | None:
    """net.ipv4.ip_unprivileged_port_start, ip_local_port_range, ip_local_reserved_ports."""
    base = proc / "sys/net/ipv4"
    start = _read_int(base / "ip_unprivileged_port_start", None)
    try:
        low, high = (int(v) for v in (base / "ip_local_port_range").read_text().split())
        local = PortSpan(low, high)
    except (OSError, ValueError):
        return None
    if start is None:
        start = 1024  # kernels before 4.11 have no sysctl: the fixed historical value
    try:
        reserved = _reserved((base / "ip_local_reserved_ports").read_text())
    except (OSError, ValueError):
        reserved = ()
    return HostRanges(start, local, reserved)


def _reserved(text: str) -> tuple[PortSpan, ...]:
    """'8080,9000-9010' -> spans ('' -> none)."""
    return tuple(PortSpan.parse(part) for part in text.strip().split(",") if part.strip())


def _read_int(path: Path, default: int | None) -> int | None:
    try:
        return int(path.read_text().strip())
    except (OSError, ValueError):
        return default

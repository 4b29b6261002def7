"""The host as it is: the sockets listening on a machine now (`live`) or in a saved
`ss` / `netstat` listing (`snapshot`), as data the command reads before any rule runs.

This package's top level holds only records and small helpers, so rule modules may
import it cheaply; readers and parsers are imported by the commands that need them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from portlint.model import IPAddress, Protocol
from portlint.options import PortSpan
from portlint.records import Record, field
from portlint.sockets import address_text
from portlint.source import Location

if TYPE_CHECKING:
    from portlint.model import Binding, Diagnostic
    from portlint.options import Options


class Socket(Record):
    """A socket a process holds: a listening TCP socket or a bound UDP one."""

    protocol: Protocol
    address: IPAddress | None  # None: every address of both families (`ss` prints `*`)
    port: int
    v6only: bool | None = None  # for `::`: whether it leaves IPv4 free; None where unknown
    pid: int | None = None
    process: str | None = None  # the process name (`comm`), where visible
    location: Location | None = None  # the snapshot line it was read from

    def address_text(self) -> str:
        return address_text(self.address)

    def socket_text(self) -> str:
        return f"{self.address_text()}:{self.port}/{self.protocol.value}"

    def holder_text(self) -> str:
        """'postgres (pid 812)', 'pid 812', or what to do when the owner is hidden."""
        if self.process and self.pid is not None:
            return f"{self.process} (pid {self.pid})"
        if self.process:
            return self.process
        if self.pid is not None:
            return f"pid {self.pid}"
        return "a process portlint may not inspect (another user's or another PID namespace's)"


class HostRanges(Record):
    """The kernel's port ranges, read from /proc/sys/net/ipv4 (Linux, live only)."""

    unprivileged_port_start: int
    local_port_range: PortSpan
    reserved: tuple[PortSpan, ...] = ()  # ip_local_reserved_ports: never handed out

    def ephemeral(self) -> tuple[PortSpan, ...]:
        """The ports the kernel may hand to outgoing connections: the local port range
        less the reserved ports."""
        spans = [self.local_port_range]
        for hole in sorted(self.reserved, key=lambda s: s.start):
            kept: list[PortSpan] = []
            for span in spans:
                if not span.overlaps(hole.start, hole.end):
                    kept.append(span)
                    continue
                if span.start < hole.start:
                    kept.append(PortSpan(span.start, hole.start - 1))
                if hole.end < span.end:
                    kept.append(PortSpan(hole.end + 1, span.end))
            spans = kept
        return tuple(spans)


class HostSnapshot(Record):
    """What `--against-host` read: the sockets, where from, and problems reading them."""

    sockets: list[Socket]
    origin: str  # "this host" or the snapshot file's display path
    live: bool
    diagnostics: list[Diagnostic] = field(
        default_factory=list
    )  # PL001 at the snapshot lines that could not be read
    ranges: HostRanges | None = None

    def where(self) -> str:
        return "this host" if self.live else f"the host of snapshot {self.origin}"


def is_host_binding(binding: Binding) -> bool:
    """Whether a binding lives in a host's own network namespace."""
    return binding.namespace.kind == "host"


def ranges_note(options: Options, text: str) -> str:
    """`text` when --against-host replaced the policy's ranges with the machine's own
    (so PL201 and PL302 messages say where their numbers came from), else ''."""
    host = options.host_sockets
    return text if host is not None and host.ranges is not None else ""

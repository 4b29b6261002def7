"""The Compose short port syntax: `[[IP:](HOST|HOST-RANGE|):]CONTAINER[-RANGE][/PROTOCOL]`.

Follows Docker's own splitting (go-connections `ParsePortSpec`): the last two `:`-parts
are host and container, everything before them is the IP, so both `[::1]:6001:6001` and
`::1:6000:6000` read as IP `::1`. Every part keeps its character offset in the value, so
findings can point at the host port or the container port exactly.
"""

from __future__ import annotations

from portlint.model import MAX_PORT, IPAddress, Protocol
from portlint.numbers import is_digits, mention, mention_protocol, parse_int
from portlint.records import FrozenRecord
from portlint.sockets import ip_address


class PortSyntaxError(ValueError):
    """The value is not a valid port mapping; `offset`/`length` locate the bad part of a
    short-syntax value, `key` the bad field of a long-syntax mapping.

    `what` (the part at fault) and `reason` are built from constants only, never from the
    value: a message about a value that came from a variable uses them alone."""

    def __init__(
        self,
        message: str,
        offset: int = 0,
        length: int = 0,
        key: str = "",
        what: str = "port mapping",
        reason: str = "is not valid",
    ) -> None:
        super().__init__(message)
        self.offset = offset
        self.length = length
        self.key = key
        self.what = what
        self.reason = reason

    def without_value(self, written: str, variables: list[str]) -> str:
        """The message for a value that came from `variables`: names them and quotes only
        `written` (the text of the Compose file), never anything derived from the value."""
        names = ", ".join(f"${{{name}}}" for name in dict.fromkeys(variables))
        return f"{self.what} {self.reason} in {written!r} (the value of {names} is not shown)"


class Part(FrozenRecord):
    """A port or range inside the value, with where it is written."""

    start: int
    end: int
    offset: int
    length: int


class PortSpec(FrozenRecord):
    container: Part
    host: Part | None  # None: Docker picks a free host port
    address: IPAddress | None
    protocol: Protocol
    address_offset: int = 0
    address_length: int = 0

    @property
    def pick_one(self) -> bool:
        """A host range mapped to one container port: Docker takes one free port of it."""
        return (
            self.host is not None
            and self.host.start != self.host.end
            and self.container.start == self.container.end
        )


def parse_port_spec(value: str) -> PortSpec:
    """Parse one short-syntax entry; raises PortSyntaxError."""
    if not value.strip():
        raise PortSyntaxError("empty port mapping", 0, len(value), reason="is empty")
    body, slash, proto_text = value.partition("/")
    protocol = Protocol.TCP
    if slash:
        parsed = Protocol.parse(proto_text) if proto_text else Protocol.TCP
        if parsed is None or "/" in proto_text:
            raise PortSyntaxError(
                f"unknown protocol{mention_protocol(proto_text)} (use tcp, udp or sctp)",
                len(body) + 1,
                len(proto_text),
                what="protocol",
                reason="is not tcp, udp or sctp",
            )
        protocol = parsed
    parts = body.split(":")
    offsets = []
    position = 0
    for part in parts:
        offsets.append(position)
        position += len(part) + 1
    container_text, container_offset = parts[-1], offsets[-1]
    host_text = parts[-2] if len(parts) >= 2 else None
    host_offset = offsets[-2] if len(parts) >= 2 else 0
    ip_text = ":".join(parts[:-2]) if len(parts) >= 3 else None

    address = None
    address_length = 0
    if ip_text is not None:
        address_length = len(ip_text)
        raw = ip_text[1:-1] if ip_text.startswith("[") and ip_text.endswith("]") else ip_text
        try:
            address = ip_address(raw) if raw else None
        except ValueError:
            raise PortSyntaxError(
                f"{mention(ip_text).strip() or 'the host IP'} is not an IP address",
                0,
                len(ip_text),
                what="host IP",
                reason="is not an IP address",
            ) from None

    container = _part(container_text, container_offset, "container port")
    host = None
    if host_text:
        host = _part(host_text, host_offset, "host port")
        host_len = host.end - host.start
        container_len = container.end - container.start
        if host_len != container_len and container_len != 0:
            raise PortSyntaxError(
                f"host range {host_text} and container range {container_text} differ in length",
                host_offset,
                len(host_text) + 1 + len(container_text),
                what="host range",
                reason="differs in length from the container range",
            )
    return PortSpec(container, host, address, protocol, 0, address_length)


def _part(text: str, offset: int, what: str) -> Part:
    if not text:
        raise PortSyntaxError(f"missing {what}", offset, 0, what=what, reason="is missing")
    first, dash, last = text.partition("-")
    start = _number(first, offset, what)
    end = _number(last, offset + len(first) + 1, what) if dash else start
    if end < start:
        raise PortSyntaxError(
            f"reversed {what} range {text}", offset, len(text), what=what, reason="is reversed"
        )
    return Part(start, end, offset, len(text))


def _number(text: str, offset: int, what: str) -> int:
    if not is_digits(text):
        raise PortSyntaxError(
            f"{what}{mention(text)} is not a number",
            offset,
            len(text),
            what=what,
            reason="is not a number",
        )
    number = parse_int(text)
    if number == 0:
        raise PortSyntaxError(
            f"{what} 0 is not a fixed port (0 asks the OS for any free port)",
            offset,
            len(text),
            what=what,
            reason="is 0, not a fixed port",
        )
    if number is None or number > MAX_PORT:
        shown = f"of {len(text)} digits" if number is None else str(number)
        raise PortSyntaxError(
            f"{what} {shown} is out of range 1-65535",
            offset,
            len(text),
            what=what,
            reason="is out of range 1-65535",
        )
    return number


def parse_long_spec(fields: dict[str, str]) -> PortSpec:
    """The long syntax (`target`, `published`, `host_ip`, `protocol`), values already
    interpolated; a PortSyntaxError's `key` names the field at fault."""
    target = _field(fields, "target", "target port")
    protocol = Protocol.TCP
    if "protocol" in fields:
        parsed = Protocol.parse(fields["protocol"])
        if parsed is None:
            raise PortSyntaxError(
                f"unknown protocol{mention_protocol(fields['protocol'])} (tcp, udp, sctp)",
                key="protocol",
                what="protocol",
                reason="is not tcp, udp or sctp",
            )
        protocol = parsed
    host = _field(fields, "published", "published port") if fields.get("published") else None
    address = None
    if fields.get("host_ip"):
        raw = fields["host_ip"].strip("[]")
        try:
            address = ip_address(raw) if raw not in ("", "*") else None
        except ValueError:
            raise PortSyntaxError(
                f"host_ip{mention(fields['host_ip'])} is not an IP address",
                key="host_ip",
                what="host_ip",
                reason="is not an IP address",
            ) from None
    if host is not None:
        container_width = target.end - target.start
        if container_width and host.end - host.start != container_width:
            raise PortSyntaxError(
                "published and target ranges differ in length",
                key="published",
                what="published range",
                reason="differs in length from the target range",
            )
    return PortSpec(target, host, address, protocol)


def _field(fields: dict[str, str], key: str, what: str) -> Part:
    try:
        start, end = parse_port_range(fields[key], what)
    except PortSyntaxError as error:
        raise PortSyntaxError(str(error), key=key, what=error.what, reason=error.reason) from None
    return Part(start, end, 0, 0)


def parse_port_range(text: str, what: str = "port") -> tuple[int, int]:
    """'8080' or '8080-8081' (used by the long syntax `published`)."""
    part = _part(text.strip(), 0, what)
    return part.start, part.end

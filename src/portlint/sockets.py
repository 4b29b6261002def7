"""What a socket is made of: protocols, roles, addresses. The vocabulary every other model
module (bindings, Kubernetes objects, facts) is written in, so none of them imports another."""

from __future__ import annotations

import ipaddress
from enum import Enum
from functools import lru_cache

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

#: `ipaddress.ip_address`, memoised: the same few literals (127.0.0.1, 0.0.0.0, ::1) are
#: written in every project, and parsing one is tens of Python calls. The objects are
#: immutable; a text that is no address raises ValueError every time (never cached).
ip_address = lru_cache(maxsize=4096)(ipaddress.ip_address)

MAX_PORT = 65535


class Protocol(str, Enum):
    TCP = "tcp"
    UDP = "udp"
    SCTP = "sctp"

    @classmethod
    def parse(cls, text: str) -> Protocol | None:
        # The enum's own value table (a dict): calling the class per binding was a
        # Python-level lookup through EnumMeta each time.
        found: Protocol | None = cls._value2member_map_.get(text.strip().lower())  # type: ignore[assignment]
        return found


class Role(str, Enum):
    PUBLISH = "publish"  # host side of a container port mapping
    LISTEN = "listen"  # a process binds it directly (nginx listen, hostNetwork pod)
    CONTAINER = "container"  # container side of a mapping / containerPort
    EXPOSE = "expose"  # documentation only (Dockerfile EXPOSE, compose expose)
    SERVICE_PORT = "service-port"
    NODE_PORT = "node-port"
    HOST_PORT = "host-port"


#: Roles whose port is reachable on a host's own interfaces.
HOST_FACING = frozenset({Role.PUBLISH, Role.LISTEN, Role.HOST_PORT})


def parse_address(text: str | None) -> IPAddress | None:
    """An address literal, or None for a wildcard ('', '*', 0.0.0.0 stays explicit)."""
    if text is None:
        return None
    text = text.strip()
    if text.startswith("[") and text.endswith("]"):
        text = text[1:-1]
    if text in ("", "*"):
        return None
    return ip_address(text)


def is_wildcard(address: IPAddress | None) -> bool:
    return address is None or address.is_unspecified


def address_text(address: IPAddress | None) -> str:
    """An address as messages write it: `*` for every address, IPv6 in brackets."""
    if address is None:
        return "*"
    if address.version == 6:
        return f"[{address}]"
    return str(address)

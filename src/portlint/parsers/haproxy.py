"""HAProxy: `bind` lines of `frontend` and `listen` sections. `server` lines are outbound
connections to backends, not binds.

HAProxy facts encoded: `:80`, `*:80` and `0.0.0.0:80` bind every IPv4 address; `::` (or
`:::80`, `ipv6@:80`) binds IPv6 and, following the kernel's default, IPv4 too unless the
`v6only` option is set (`v4v6` forces dual-stack). Address prefixes (the configuration
manual's "Address formats"): `ipv4@`, `ipv6@`, `tcp@`/`tcp4@`/`tcp6@` and Multipath TCP's
`mptcp@`/`mptcp4@`/`mptcp6@` are TCP; `udp@`/`udp4@`/`udp6@` and `quic4@`/`quic6@` are
UDP; `unix@`, `abns@`, `abnsz@`, `uxst@`, `uxdg@`, `fd@`, `sockpair@`, `rhttp@` and
paths are not network ports and are skipped; a port may be a range.

Owner: one HAProxy process per host group, `haproxy@<host>`.
"""

from __future__ import annotations

import re
from pathlib import Path

from portlint.model import ParseResult, Protocol
from portlint.parsers import ParseContext
from portlint.parsers.hostconf import (
    HostBindings,
    Listener,
    is_templated,
    iter_lines,
    parse_port,
    port_problem,
    read_head,
    resolve_host,
)
from portlint.source import SourceFile

_SECTIONS = (
    "global",
    "defaults",
    "frontend",
    "backend",
    "listen",
    "peers",
    "userlist",
    "resolvers",
    "cache",
    "program",
    "http-errors",
    "ring",
    "mailers",
    "crt-store",
    "traces",
    "log-forward",
)
_BINDING_SECTIONS = ("frontend", "listen", "log-forward")
_SNIFF = re.compile(rb"(?m)^(frontend|listen|backend)\s+\S+")
_NOT_PORTS = (
    "unix@",
    "abns@",
    "abnsz@",
    "uxst@",
    "uxdg@",
    "fd@",
    "sockpair@",
    "/",
    "rhttp@",
)
_FAMILIES = {
    "ipv4@": ("4", Protocol.TCP),
    "ipv6@": ("6", Protocol.TCP),
    "tcp@": ("", Protocol.TCP),
    "tcp4@": ("4", Protocol.TCP),
    "tcp6@": ("6", Protocol.TCP),
    "mptcp@": ("", Protocol.TCP),
    "mptcp4@": ("4", Protocol.TCP),
    "mptcp6@": ("6", Protocol.TCP),
    "udp@": ("", Protocol.UDP),
    "udp4@": ("4", Protocol.UDP),
    "udp6@": ("6", Protocol.UDP),
    "quic4@": ("4", Protocol.UDP),
    "quic6@": ("6", Protocol.UDP),
}


class HAProxyParser:
    format = "haproxy"

    def matches(self, path: Path) -> bool:
        name = path.name.lower()
        if not name.endswith(".cfg"):
            return False
        if name.startswith("haproxy") or any(
            "haproxy" in part.lower() for part in path.parent.parts[-5:]
        ):
            return True
        head = read_head(path)
        return bool(_SNIFF.search(head) and b"bind" in head)

    def parse(self, source: SourceFile, ctx: ParseContext) -> ParseResult:
        out = HostBindings(source, ctx, "haproxy", "haproxy", daemon="haproxy")
        section = ""
        for line_start, line in iter_lines(source.text):
            words = _words(line)
            if not words:
                continue
            first = words[0][1].lower()
            if (
                first in _SECTIONS
                and not line[:1].isspace()
                or (first in _SECTIONS and len(words) <= 2 and first != "bind")
            ):
                section = first
                continue
            if first == "bind" and section in _BINDING_SECTIONS and len(words) > 1:
                options = [w.lower() for _, w in words[2:]]
                at, value = words[1]
                _bind(source, out, line_start + at, value, options, section)
        return out.result


_WORD = re.compile(r'"[^"]*"|\'[^\']*\'|[^\s#"\']+|#')


def _words(line: str) -> list[tuple[int, str]]:
    """(column, word) up to an unquoted '#'."""
    found: list[tuple[int, str]] = []
    for match in _WORD.finditer(line):
        if match.group() == "#":
            break
        text = match.group()
        if text[:1] in "\"'":
            found.append((match.start() + 1, text[1:-1]))
        else:
            found.append((match.start(), text))
    return found


def _bind(
    source: SourceFile,
    out: HostBindings,
    start: int,
    value: str,
    options: list[str],
    section: str,
) -> None:
    offset = 0
    for part in value.split(","):
        _bind_one(source, out, start + offset, part, options, section)
        offset += len(part) + 1


def _bind_one(
    source: SourceFile,
    out: HostBindings,
    start: int,
    text: str,
    options: list[str],
    section: str,
) -> None:
    if not text or text.lower().startswith(_NOT_PORTS):
        return
    where = source.location(start, start + len(text))
    if is_templated(text):
        out.diagnostic(
            "PL003",
            f"bind {text}: an environment variable, the port cannot be checked",
            where,
            key=text,
        )
        return
    family, protocol = "", Protocol.UDP if section == "log-forward" else Protocol.TCP
    prefix_length = 0
    lowered = text.lower()
    for prefix, (fam, proto) in _FAMILIES.items():
        if lowered.startswith(prefix):
            family, protocol, prefix_length = fam, proto, len(prefix)
            break
    body = text[prefix_length:]
    colon = body.rfind(":")
    if colon < 0:
        return  # an address without a port (only valid with a port range elsewhere)
    host, port_text = body[:colon], body[colon + 1 :]
    port_at = start + prefix_length + colon + 1
    first, dash, last = port_text.partition("-")
    location = source.location(port_at, port_at + len(port_text))
    port, end = parse_port(first), parse_port(last) if dash else parse_port(first)
    if port is None or end is None or end < port:
        problem = (
            port_problem(first if port is None else last)
            if (port is None or end is None)
            else f"range {port_text} is reversed"
        )
        out.diagnostic("PL002", problem, location, key=text)
        return
    host = host.strip("[]")
    if host in ("", "*"):
        host = "::" if family == "6" else "0.0.0.0"
    addresses = resolve_host(host)
    if addresses is None:
        return
    v6only = "v6only" in options
    for address in addresses:
        out.add(
            Listener(
                port,
                location,
                protocol,
                address,
                v6only if address is not None and address.version == 6 else None,
                end_port=end,
            )
        )


PARSERS = [HAProxyParser()]

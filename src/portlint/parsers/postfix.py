"""Postfix `master.cf`: the `inet` services, each a TCP listener of the postfix master.

Postfix facts encoded (master(5)): an entry is `service type private unpriv chroot wakeup
maxproc command...`; a line that starts with whitespace continues the previous entry and
a line whose first non-blank character is `#` is a comment. Only type `inet` is a
network socket (`unix`, `unix-dgram`, `fifo` and `pass` are local). The service field is
`[host:]port`: `127.0.0.1:10025`, `[::1]:10025`, `localhost:10025` or a bare port; a
port is a number or a name from the services table (`smtp` 25, `submission` 587,
`submissions`/`smtps` 465, ...). A service without a host listens on `inet_interfaces`
of the `main.cf` beside master.cf (read inside the scanned roots): `all` (the default)
is every address, `loopback-only` 127.0.0.1 and ::1, else the listed addresses; a value
with a `$parameter` or a host name is an address that cannot be known here
(`Binding.address_unknown`). `inet_protocols = ipv4` (or `ipv6`) keeps one family.

Owner: the master process, one per host group (`postfix@<host>`).
"""

from __future__ import annotations

import ipaddress
import re
from pathlib import Path

from portlint.model import IPAddress, ParseResult
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

#: A service line of master.cf: what tells it from another tool's `master.cf`.
_ENTRY = re.compile(rb"(?m)^\S+[ \t]+(?:inet|unix|unix-dgram|fifo|pass)[ \t]+[-yn][ \t]")
_FIELD = re.compile(r"\S+")
#: Service names of master.cf and their ports (/etc/services as Debian and RHEL ship it).
SERVICE_PORTS = {
    "smtp": 25,
    "submission": 587,
    "submissions": 465,
    "smtps": 465,
    "urd": 465,
    "lmtp": 24,
    "qmqp": 628,
}


class PostfixParser:
    format = "postfix"

    def matches(self, path: Path) -> bool:
        if path.name != "master.cf":
            return False
        head = read_head(path)  # b"": the inner name of a template (master.cf.j2)
        return not head or bool(_ENTRY.search(head))

    def parse(self, source: SourceFile, ctx: ParseContext) -> ParseResult:
        out = HostBindings(source, ctx, "postfix", "postfix", daemon="postfix")
        interfaces = _interfaces(_main_cf(source, ctx))
        for line_start, line in iter_lines(source.text):
            if not line or line[0].isspace() or line[0] == "#":
                continue  # a continuation (options of the entry above), blank or comment
            fields = list(_FIELD.finditer(line))
            if len(fields) < 2 or fields[1].group() != "inet":
                continue
            at = line_start + fields[0].start()
            _service(source, out, at, fields[0].group(), interfaces)
        return out.result


def _main_cf(source: SourceFile, ctx: ParseContext) -> dict[str, str]:
    """The parameters of the main.cf beside master.cf ({} when it is not in the scan)."""
    path = source.path.parent / "main.cf"
    try:
        if ctx.read is None or not ctx.inside_roots(path):
            return {}
    except (OSError, RuntimeError):
        return {}
    main = ctx.read(path)
    if main is None:
        return {}
    parameters: dict[str, str] = {}
    key = ""
    for _, line in iter_lines(main.text):
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if line[0].isspace():
            if key:
                parameters[key] += " " + line.strip()  # a continuation line
            continue
        name, equals, value = line.partition("=")
        key = name.strip().lower() if equals else ""
        if key:
            parameters[key] = value.strip()
    return parameters


def _interfaces(parameters: dict[str, str]) -> list[IPAddress | None] | None:
    """The addresses `inet_interfaces` stands for ([None]: all); None when unknowable."""
    value = parameters.get("inet_interfaces", "all").strip().lower()
    protocols = parameters.get("inet_protocols", "all").replace(",", " ").lower().split()
    if "$" in value:
        return None
    found: list[IPAddress | None] = []
    for item in value.replace(",", " ").split() or ["all"]:
        if item == "all":
            found.append(None)
        elif item == "loopback-only":
            found.extend(ipaddress.ip_address(a) for a in ("127.0.0.1", "::1"))
        else:
            resolved = resolve_host(item)
            if resolved is None:
                return None
            found.extend(resolved)
    if protocols in (["ipv4"], ["ipv6"]):
        version = 4 if protocols == ["ipv4"] else 6
        wildcard = ipaddress.ip_address("0.0.0.0" if version == 4 else "::")
        found = [wildcard if a is None else a for a in found if a is None or a.version == version]
    return list(dict.fromkeys(found))


def _service(
    source: SourceFile,
    out: HostBindings,
    start: int,
    text: str,
    interfaces: list[IPAddress | None] | None,
) -> None:
    host, port_text, offset = _split(text)
    where = source.location(start + offset, start + offset + len(port_text))
    if is_templated(text):
        out.diagnostic(
            "PL003", f"service {text}: a parameter, the port cannot be checked", where, key=text
        )
        return
    port = parse_port(port_text) if port_text.isdigit() else SERVICE_PORTS.get(port_text)
    if port is None:
        if port_text.isdigit() or not port_text:
            out.diagnostic("PL002", port_problem(port_text), where, key=text)
        return  # a service name this table does not know: resolved on the host only
    if host is None:
        if interfaces is None:  # inet_interfaces cannot be known: address unknown
            out.add(Listener(port, where)).address_unknown = True
            return
        addresses: list[IPAddress | None] = interfaces
    else:
        addresses = resolve_host(host) or []
    for address in addresses:
        v6only = True if address is not None and address.version == 6 else None
        out.add(Listener(port, where, address=address, v6only=v6only))


def _split(text: str) -> tuple[str | None, str, int]:
    """(host or None, port text, offset of the port text) of a service field."""
    if text.startswith("["):
        close = text.find("]:")
        if close != -1:
            return text[1:close], text[close + 2 :], close + 2
    host, colon, port = text.rpartition(":")
    if not colon:
        return None, text, 0
    return host, port, len(host) + 1


PARSERS = [PostfixParser()]

"""Caddyfile: site addresses and `bind`, plus the global `http_port`, `https_port` and
`default_bind` options. (`*.caddyfiletest`, Caddy's own adapter tests, are read up to
their `-----` separator.)

Caddy facts encoded: `:8080` and `host:8080` listen on that port; `http://host` on the
HTTP port (80); a site without scheme or port on the HTTPS port (443) and, for its
automatic HTTP->HTTPS redirects, on the HTTP port; no `bind` is every address of both
families (Go's dual-stack socket); `bind tcp4/0.0.0.0`, `udp/...` and addresses pick
the family; `unix/` and `fd/` are not ports. Env placeholders (`{$PORT}`) are PL003.

Owner: one Caddy process per host group, `caddy@<host>` (sites sharing :443 are one
server).
"""

from __future__ import annotations

import re
from pathlib import Path

from portlint.model import ParseResult, Protocol
from portlint.numbers import is_digits, label
from portlint.parsers import ParseContext
from portlint.parsers.hostconf import (
    HostBindings,
    Listener,
    parse_port,
    port_problem,
    resolve_host,
    split_host_port,
)
from portlint.source import Location, SourceFile

_TOKEN = re.compile(r'"(?:[^"\\]|\\.)*"|`[^`]*`|[^\s"`]+')
_PLACEHOLDER = re.compile(r"\{\$|\{env\.")


class CaddyParser:
    format = "caddy"

    def matches(self, path: Path) -> bool:
        name = path.name.lower()
        return (
            name == "caddyfile"
            or name.startswith("caddyfile.")
            or name.endswith((".caddyfile", ".caddyfiletest"))
        )

    def parse(self, source: SourceFile, ctx: ParseContext) -> ParseResult:
        out = HostBindings(source, ctx, "caddy", "caddy", daemon="caddy")
        lines = _lines(source)
        http_port, https_port = 80, 443
        default_bind: list[str] = []
        sites: list[tuple[list[tuple[str, Location]], list[str]]] = []
        depth = 0
        index = 0
        current: tuple[list[tuple[str, Location]], list[str]] | None = None
        single_site = False
        while index < len(lines):
            tokens = lines[index]
            index += 1
            words = [t for t, _ in tokens]
            if depth == 0 and not single_site:
                if words == ["{"] and not sites:
                    index, options, bind = _global(lines, index, out)
                    http_port = options.get("http_port", http_port)
                    https_port = options.get("https_port", https_port)
                    default_bind = [] if bind is None else bind
                    continue
                if words[0].startswith(("(", "&(")):
                    depth += words.count("{") - words.count("}")
                    continue
                opens = words[-1] == "{"
                addresses = [(t.rstrip(","), loc) for t, loc in tokens[: -1 if opens else None]]
                addresses = [(a, loc) for a, loc in addresses if a and a != ","]
                current = (addresses, [])
                sites.append(current)
                if opens:
                    depth = 1
                else:
                    single_site = True
                continue
            if words and words[0] == "bind" and current is not None and (depth == 1 or single_site):
                current[1].extend(words[1:])
            depth += sum(1 for w in words if w == "{") - sum(1 for w in words if w == "}")
            depth = max(depth, 0)
        for addresses, binds in sites:
            for text, location in addresses:
                _site(out, text, location, binds or default_bind, http_port, https_port)
        return out.result


def _lines(source: SourceFile) -> list[list[tuple[str, Location]]]:
    text = source.text
    if source.path.name.lower().endswith(".caddyfiletest"):
        cut = re.search(r"(?m)^-{5,}\s*$", text)
        text = text[: cut.start()] if cut else text
    found: list[list[tuple[str, Location]]] = []
    offset = 0
    for raw in text.splitlines(keepends=True):
        line = raw.rstrip("\r\n")
        tokens = []
        for match in _TOKEN.finditer(line):
            if match.group().startswith("#"):
                break
            start = offset + match.start()
            tokens.append((match.group(), source.location(start, start + len(match.group()))))
        if tokens:
            found.append(tokens)
        offset += len(raw)
    return found


def _global(lines, index: int, out: HostBindings) -> tuple[int, dict[str, int], list[str] | None]:
    """The global options block: (index after it, http_port/https_port, default_bind)."""
    ports: dict[str, int] = {}
    bind: list[str] | None = None
    depth = 1
    while index < len(lines) and depth > 0:
        words = [t for t, _ in lines[index]]
        if depth == 1 and len(words) >= 2 and words[0] in ("http_port", "https_port"):
            port = parse_port(words[1])
            if port is None:
                out.diagnostic("PL002", f"{words[0]}: {port_problem(words[1])}", lines[index][1][1])
            else:
                ports[words[0]] = port
        if depth == 1 and words[0] == "default_bind":
            bind = words[1:]
        depth += words.count("{") - words.count("}")
        index += 1
    return index, ports, bind


def _site(
    out: HostBindings,
    text: str,
    location: Location,
    binds: list[str],
    http_port: int,
    https_port: int,
) -> None:
    if _PLACEHOLDER.search(text):
        out.diagnostic(
            "PL003",
            f"site address {text}: a placeholder, the port cannot be checked",
            location,
            key=text,
        )
        return
    scheme, _, rest = text.rpartition("://")
    rest = rest.split("/", 1)[0]
    host, port_text, offset = split_host_port(rest)
    if port_text and not is_digits(port_text) and host is None:
        port_text, offset = "", len(rest)  # a bare host name
    scheme_length = len(scheme) + 3 if scheme else 0
    if port_text:
        port_location = location.sub(scheme_length + offset, len(port_text))
        port = parse_port(port_text)
        if port is None:
            out.diagnostic(
                "PL002",
                f"{label('site address', text)}: {port_problem(port_text)}",
                port_location,
                key=text,
            )
            return
        ports: list[tuple[int, bool]] = [(port, False)]
    elif scheme.lower() in ("http", "ws"):
        ports, port_location = [(http_port, True)], location
    else:
        port_location = location
        ports = [(https_port, True), (http_port, True)]  # and the automatic HTTP->HTTPS redirect
    for address, protocol, v6only in _bind_addresses(binds):
        for port, default in ports:
            out.add(Listener(port, port_location, protocol, address, v6only, default=default))


def _bind_addresses(binds: list[str]):
    if not binds:
        yield None, Protocol.TCP, None
        return
    for item in binds:
        network, slash, host = item.partition("/")
        if not slash:
            network, host = "tcp", item
        network = network.lower()
        if network.startswith(("unix", "fd")):
            continue
        protocol = Protocol.UDP if network.startswith("udp") else Protocol.TCP
        host = host.strip("[]")
        if network.endswith("6") and host in ("", "::"):
            host = "::"
        elif network.endswith("4") and host in ("", "0.0.0.0"):
            host = "0.0.0.0"
        elif host in ("", "0.0.0.0", "::"):
            yield None, protocol, None  # Go: one dual-stack socket
            continue
        resolved = resolve_host(host) or []
        for address in resolved:
            v6only = (
                True
                if address is not None and address.version == 6 and network.endswith("6")
                else None
            )
            yield address, protocol, v6only


PARSERS = [CaddyParser()]

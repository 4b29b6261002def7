"""Dovecot: `inet_listener` blocks of `service` sections (`dovecot.conf`, `conf.d/*.conf`).

Dovecot facts encoded (doc.dovecot.org, service configuration): a listener binds `port`
on its `address` (2.3; `listen` in 2.4), else on the top-level `listen` (default
`*, ::`: every IPv4 address and, v6-only as dovecot sets it, every IPv6 address; a
host name or a `$variable` is an address that cannot be known here);
`port = 0` disables the listener; a listener that sets no port keeps the built-in one of
its service (imap-login: imap 143, imaps 993; pop3-login: pop3 110, pop3s 995;
submission-login: submission 587, submissions 465; managesieve-login: sieve 4190),
bound at the listener's name with `Binding.default` set; any other listener without a
port listens nowhere. When `protocols =` is written, a login service of a protocol it
does not list does not run. `!include` and `!include_try` name files relative to the
including file (globs allowed; `/etc/dovecot/...` against the main config's directory),
read only inside the scanned roots. A `conf.d` file that a `dovecot.conf` beside or
above it includes is read through that main file only.

Owner: one dovecot process per host group (`dovecot@<host>`).
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
from pathlib import Path

from portlint.model import ParseResult
from portlint.parsers import ParseContext
from portlint.parsers.hostconf import (
    HostBindings,
    Listener,
    is_templated,
    parse_port,
    port_problem,
    read_head,
    resolve_host,
)
from portlint.parsers.includes import expand, included_by_main
from portlint.records import Record, field
from portlint.source import Location, SourceFile

MAX_INCLUDE_DEPTH = 16
_MAIN = "dovecot.conf"
_SNIFF_MAIN = re.compile(rb"(?m)^\s*(?:service\s+\S+\s*\{|protocols\s*=|listen\s*=|!include)")
_SNIFF_FRAGMENT = re.compile(rb"(?m)^\s*inet_listener\b")
_PIECE = re.compile(r'"[^"\n]*"|[{};]|[^{};"#\n]+|#.*')
_SETTING = re.compile(r"\s*([A-Za-z_][\w-]*)\s*=[ \t]*")
_INCLUDE = re.compile(r"\s*!(include|include_try)\s+(\S+)\s*$")
#: (service, listener) -> the port dovecot's built-in settings give the listener.
BUILTIN_PORTS = {
    ("imap-login", "imap"): 143,
    ("imap-login", "imaps"): 993,
    ("pop3-login", "pop3"): 110,
    ("pop3-login", "pop3s"): 995,
    ("submission-login", "submission"): 587,
    ("submission-login", "submissions"): 465,
    ("managesieve-login", "sieve"): 4190,
}
#: Login services and the `protocols` entry that makes dovecot start them.
_PROTOCOL_OF = {
    "imap-login": "imap",
    "pop3-login": "pop3",
    "submission-login": "submission",
    "managesieve-login": "sieve",
    "lmtp": "lmtp",
}


class Setting(Record):
    value: str
    location: Location


class InetListener(Record):
    service: str
    name: str
    name_location: Location
    port: Setting | None = None
    addresses: Setting | None = None


class Config(Record):
    """What the parse of a main file (and its includes) found."""

    listeners: list[InetListener] = field(default_factory=list)
    listen: Setting | None = None
    protocols: str | None = None
    files: set[Path] = field(default_factory=set)


class DovecotSyntaxError(Exception):
    def __init__(self, message: str, location: Location) -> None:
        super().__init__(message)
        self.location = location


class DovecotParser:
    format = "dovecot"

    def matches(self, path: Path) -> bool:
        name = path.name.lower()
        if not name.endswith(".conf"):
            return False
        if name == _MAIN:
            head = read_head(path)  # b"": the inner name of a template (dovecot.conf.j2)
            return not head or bool(_SNIFF_MAIN.search(head))
        if not any("dovecot" in part.lower() for part in path.parent.parts[-4:]):
            return False
        return bool(_SNIFF_FRAGMENT.search(read_head(path)))

    def parse(self, source: SourceFile, ctx: ParseContext) -> ParseResult:
        out = HostBindings(source, ctx, "dovecot", "dovecot", daemon="dovecot")
        directory = source.path.parent
        mains = [
            folder / _MAIN for folder in (directory, directory.parent, directory.parent.parent)
        ]
        if source.path.name.lower() != _MAIN and included_by_main(
            source, ctx, mains, lambda _, main: _files_read_by(main, ctx)
        ):
            return out.result
        config = Config()
        try:
            _read(source, ctx, config, source.path.parent, depth=0)
        except DovecotSyntaxError as error:
            out.syntax_error(f"dovecot syntax error: {error}", error.location)
            return out.result
        _bind(out, config)
        return out.result


def _read(
    source: SourceFile, ctx: ParseContext, config: Config, main_dir: Path, depth: int
) -> None:
    """Walk one file's sections into `config`, following includes inside the roots."""
    config.files.add(source.path.resolve())
    stack: list[tuple[str, str]] = []  # (section type, name)
    services: list[str] = []  # the enclosing service's name, per level of `stack`
    current: InetListener | None = None
    for start, text in _statements(source.text):
        stripped = text.strip()
        if stripped == "}":
            if not stack:
                raise DovecotSyntaxError("unexpected '}'", source.location(start, start + 1))
            kind, _ = stack.pop()
            services.pop()
            if kind == "inet_listener":
                current = None
            continue
        if stripped.endswith("{"):
            words = stripped[:-1].split()
            kind, name = (words + ["", ""])[:2] if words else ("", "")
            service = services[-1] if services else ""
            stack.append((kind, name))
            services.append(name if kind == "service" else service)
            if kind == "inet_listener":
                at = start + text.index(name, text.index(kind) + len(kind)) if name else start
                current = InetListener(service, name, source.location(at, at + len(name)))
                config.listeners.append(current)
            continue
        include = _INCLUDE.match(text)
        if include:
            _include(source, ctx, config, main_dir, depth, include.group(2))
            continue
        setting = _SETTING.match(text)
        if not setting:
            continue
        key, value = setting.group(1).lower(), text[setting.end() :].rstrip()
        at = start + setting.end()
        if len(value) > 1 and value[0] == value[-1] == '"':
            value, at = value[1:-1], at + 1
        found = Setting(value, source.location(at, at + len(value)))
        if current is not None and len(stack) and stack[-1][0] == "inet_listener":
            if key == "port":
                current.port = found
            elif key in ("address", "listen"):
                current.addresses = found
        elif not stack and key == "listen":
            config.listen = found
        elif not stack and key == "protocols":
            config.protocols = None if is_templated(value) else value
    if stack:
        end = len(source.text)
        raise DovecotSyntaxError(
            f"section '{stack[-1][0]}' is not closed", source.location(end, end)
        )


def _statements(text: str):
    """(offset, text) of each statement: a line's pieces split at `{`, `}` and `;` (the
    opening brace stays with its header), comments dropped. A statement is sliced from
    the line once (never grown piece by piece: a line of many quoted strings)."""
    for line_start, line in _lines(text):
        first = last = -1  # the pending statement's span in the line
        for match in _PIECE.finditer(line):
            piece = match.group()
            if piece.startswith("#"):
                break
            if piece not in ("{", "}", ";"):
                first = match.start() if first < 0 else first
                last = match.end()
                continue
            pending = line[first:last] if first >= 0 else ""
            if piece == "{":
                at = first if first >= 0 else match.start()
                yield line_start + at, pending + "{"
            elif pending.strip():
                yield line_start + first, pending
            if piece == "}":
                yield line_start + match.start(), "}"
            first = last = -1
        if first >= 0 and line[first:last].strip():
            yield line_start + first, line[first:last]


def _lines(text: str):
    offset = 0
    for line in text.splitlines(keepends=True):
        yield offset, line.rstrip("\r\n")
        offset += len(line)


def _include(
    source: SourceFile, ctx: ParseContext, config: Config, main_dir: Path, depth: int, pattern: str
) -> None:
    if depth >= MAX_INCLUDE_DEPTH or ctx.read is None:
        return
    for path in _included_paths(pattern.strip('"'), source.path.parent, main_dir, ctx):
        if path.resolve() in config.files:
            continue  # an include loop, or a file already read
        included = ctx.read(path)
        if included is not None:
            _read(included, ctx, config, main_dir, depth + 1)


def _included_paths(pattern: str, directory: Path, main_dir: Path, ctx: ParseContext) -> list[Path]:
    if pattern.startswith("/etc/dovecot/"):
        pattern = str(main_dir / pattern[len("/etc/dovecot/") :])
    elif not pattern.startswith("/"):
        pattern = str(directory / pattern)
    return expand(pattern, ctx).paths


def _mains(source: SourceFile) -> list[Path]:
    """Where a `dovecot.conf` that may include this file lies: beside it or up to two up."""
    folder = source.path.parent
    return [folder / _MAIN, folder.parent / _MAIN, folder.parent.parent / _MAIN]


def _files_read_by(main: SourceFile, ctx: ParseContext) -> set[Path]:
    """`dovecot.conf` and the files it includes (its own parse reports a syntax error)."""
    config = Config()
    with contextlib.suppress(DovecotSyntaxError):
        _read(main, ctx, config, main.path.parent, depth=0)
    return config.files


def _enabled(listener: InetListener, protocols: str | None) -> bool:
    wanted = _PROTOCOL_OF.get(listener.service)
    if protocols is None or wanted is None:
        return True
    return wanted in protocols.replace(",", " ").split()


def _bind(out: HostBindings, config: Config) -> None:
    for listener in config.listeners:
        if not _enabled(listener, config.protocols):
            continue
        port_setting = listener.port
        default = False
        if port_setting is None:
            builtin = BUILTIN_PORTS.get((listener.service, listener.name))
            if builtin is None:
                continue  # no port: the listener listens nowhere
            port, location, default = builtin, listener.name_location, True
        else:
            text, location = port_setting.value, port_setting.location
            if is_templated(text) or text.startswith("<"):
                out.diagnostic(
                    "PL003",
                    f"port {text}: a variable, the port cannot be checked",
                    location,
                    key=text,
                )
                continue
            if text == "0":
                continue  # `port = 0`: the listener is disabled
            parsed = parse_port(text)
            if parsed is None:
                out.diagnostic("PL002", port_problem(text), location, key=text)
                continue
            port = parsed
        for address, v6only, unknown in _addresses(listener.addresses or config.listen):
            binding = out.add(
                Listener(port, location, address=address, v6only=v6only, default=default)
            )
            binding.address_unknown = unknown
            if default:
                binding.source = f"default of Dovecot ({listener.name} listener without port)"


def _addresses(setting: Setting | None):
    """(address, v6only, unknown) per address of a `listen`/`address` value (default
    `*, ::`); a `$variable` or a host name is one address that cannot be known here."""
    value = setting.value if setting is not None else "*, ::"
    if is_templated(value):
        yield None, None, True
        return
    for item in value.replace(",", " ").split():
        if item == "*":
            yield ipaddress.ip_address("0.0.0.0"), None, False
        elif item in ("::", "[::]"):
            yield ipaddress.ip_address("::"), True, False
        else:
            resolved = resolve_host(item)
            if resolved is None:
                yield None, None, True
                continue
            for address in resolved:
                is_v6 = address is not None and address.version == 6
                yield address, True if is_v6 else None, False


PARSERS = [DovecotParser()]

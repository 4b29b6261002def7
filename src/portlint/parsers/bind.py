"""BIND 9 `named.conf`: `listen-on` and `listen-on-v6` of `options`, and `controls`.

BIND facts encoded (the BIND 9 ARM, `listen-on` and `controls`): each listener serves
DNS on UDP and TCP; the port is 53 unless `port N` is given (853 with `tls`, 80 or 443
with `http`: TCP only); with no `listen-on` the server listens on every IPv4 interface,
with no `listen-on-v6` on every IPv6 interface (v6-only sockets), both on port 53. The
address match list: addresses, `any` (as are `localhost` and `localnets` here:
listen-on only ever uses the host's own addresses), `none` (no listener), `!`
negations (not listeners), prefixes and ACL names: an `acl` defined in the files read
is expanded, any other name or a prefix listens on addresses that cannot be known from
the config (`Binding.address_unknown`). A `controls` `inet ADDRESS [port N]` channel is
rndc's, TCP, port 953 by default (`*`: every IPv4 address). `include "file";` is
followed inside the scanned roots (relative to the including file; `/etc/bind/...` and
`/etc/named/...` against the main config's directory). A `named.conf.*` fragment that a
`named.conf` beside it includes is read through it only. Defaults are bound only where
an `options` statement was read, at its keyword.

Owner: one named process per host group (`named@<host>`).
"""

from __future__ import annotations

import contextlib
import ipaddress
import re
from pathlib import Path

from portlint.model import Binding, ParseResult, Protocol
from portlint.parsers import ParseContext
from portlint.parsers.hostconf import HostBindings, Listener, parse_port, port_problem, read_head
from portlint.parsers.includes import expand, included_by_main
from portlint.records import Record, field
from portlint.source import Location, SourceFile

MAX_INCLUDE_DEPTH = 16
_MAIN = "named.conf"
_SNIFF = re.compile(rb"(?m)^\s*(?:options|zone|include|acl|view|controls|logging)\s*[\"{\w]")
_TOKEN = re.compile(
    r"(?P<skip>\s+|//[^\n]*|#[^\n]*)"
    r"|(?P<comment>/\*(?:.*?\*/|.*))"  # an unclosed comment runs to the end: one scan
    r'|(?P<string>"[^"]*")|(?P<punct>[{};])|(?P<word>[^\s{};"]+)',
    re.S,
)
_ETC = ("/etc/bind/", "/etc/named/")
_WILDCARD_NAMES = ("any", "localhost", "localnets")


class Token(Record):
    text: str
    start: int
    source: SourceFile
    quoted: bool = False


class Statement(Record):
    words: list[Token] = field(default_factory=list)
    block: list[Statement] | None = None
    more: list[list[Statement]] = field(default_factory=list)  # blocks after the first


class NamedSyntaxError(Exception):
    def __init__(self, message: str, location: Location) -> None:
        super().__init__(message)
        self.location = location


class Config(Record):
    listens: list[tuple[Statement, int]] = field(default_factory=list)  # (statement, family)
    controls: list[Statement] = field(default_factory=list)  # `inet` channels of rndc
    acls: dict[str, list[Statement]] = field(default_factory=dict)
    options: Token | None = None
    files: set[Path] = field(default_factory=set)


class BindParser:
    format = "bind"

    def matches(self, path: Path) -> bool:
        name = path.name.lower()
        if not (name == _MAIN or name.startswith(_MAIN + ".")):
            return False
        head = read_head(path)  # b"": the inner name of a template (named.conf.j2)
        return not head or bool(_SNIFF.search(head))

    def parse(self, source: SourceFile, ctx: ParseContext) -> ParseResult:
        out = HostBindings(source, ctx, "bind", "bind", daemon="named")
        if source.path.name.lower() != _MAIN and included_by_main(
            source, ctx, [source.path.parent / _MAIN], lambda _, main: _files_read_by(main, ctx)
        ):
            return out.result
        config = Config()
        try:
            _read(source, ctx, config, source.path.parent, 0)
        except NamedSyntaxError as error:
            out.syntax_error(f"named.conf syntax error: {error}", error.location)
            return out.result
        _bind(out, config)
        return out.result


def _location(token: Token) -> Location:
    return token.source.location(token.start, token.start + len(token.text))


def _tokens(source: SourceFile) -> list[Token]:
    found = []
    for match in _TOKEN.finditer(source.text):
        if match.lastgroup == "skip":
            continue
        if match.lastgroup == "comment":
            if not match.group().endswith("*/"):
                raise NamedSyntaxError(
                    "unclosed comment", source.location(match.start(), match.start() + 2)
                )
            continue
        if match.lastgroup == "string":
            found.append(Token(match.group()[1:-1], match.start() + 1, source, quoted=True))
        else:
            found.append(Token(match.group(), match.start(), source))
    return found


def _tree(source: SourceFile) -> list[Statement]:
    """The statement tree of one file; raises NamedSyntaxError with the position. A
    statement may go on after its block (`inet * allow { any; } keys { k; };`): the
    words join it, a later block is in `more`."""
    root: list[Statement] = []
    stack: list[list[Statement]] = [root]
    current = Statement()  # not in the tree yet
    closed: Statement | None = None  # in the tree, its block closed: waits for `;`
    for token in _tokens(source):
        punct = "" if token.quoted else token.text if token.text in "{};" else ""
        if punct == "{":
            owner = closed or current
            if owner is current:
                stack[-1].append(current)
            block: list[Statement] = []
            if owner.block is None:
                owner.block = block
            else:
                owner.more.append(block)
            stack.append(block)
            current, closed = Statement(), None
        elif punct == "}":
            if closed is not None:
                raise NamedSyntaxError("missing ';' after '}'", _location(token))
            if current.words:
                raise NamedSyntaxError("missing ';' before '}'", _location(token))
            if len(stack) == 1:
                raise NamedSyntaxError("unexpected '}'", _location(token))
            stack.pop()
            parent = stack[-1]
            closed = parent[-1]
        elif punct == ";":
            if closed is None and current.words:
                stack[-1].append(current)
            current, closed = Statement(), None
        elif closed is not None:
            closed.words.append(token)
        else:
            current.words.append(token)
    if len(stack) > 1 or current.words or closed is not None:
        end = len(source.text)
        raise NamedSyntaxError(
            "unexpected end of file, expecting ';' or '}'", source.location(end, end)
        )
    return root


def _read(
    source: SourceFile, ctx: ParseContext, config: Config, main_dir: Path, depth: int
) -> None:
    config.files.add(source.path.resolve())
    for statement in _tree(source):
        keyword = statement.words[0].text.lower() if statement.words else ""
        if keyword == "include" and len(statement.words) > 1:
            _include(source, ctx, config, main_dir, depth, statement.words[1].text)
        elif keyword == "acl" and len(statement.words) > 1 and statement.block is not None:
            config.acls[statement.words[1].text.lower()] = statement.block
        elif keyword == "controls" and statement.block is not None:
            config.controls.extend(
                inner
                for inner in statement.block
                if len(inner.words) > 1 and inner.words[0].text.lower() == "inet"
            )
        elif keyword == "options" and statement.block is not None:
            config.options = statement.words[0]
            for inner in statement.block:
                name = inner.words[0].text.lower() if inner.words else ""
                if name in ("listen-on", "listen-on-v6"):
                    config.listens.append((inner, 6 if name.endswith("v6") else 4))


def _include(
    source: SourceFile, ctx: ParseContext, config: Config, main_dir: Path, depth: int, name: str
) -> None:
    if depth >= MAX_INCLUDE_DEPTH or ctx.read is None:
        return
    for prefix in _ETC:
        if name.startswith(prefix):
            name = str(main_dir / name[len(prefix) :])
    pattern = name if name.startswith("/") else str(source.path.parent / name)
    for path in expand(pattern, ctx).paths:
        if path.resolve() in config.files:
            continue
        included = ctx.read(path)
        if included is not None:
            _read(included, ctx, config, main_dir, depth + 1)


def _files_read_by(main: SourceFile, ctx: ParseContext) -> set[Path]:
    """`named.conf` and the files it includes (its own parse reports a syntax error)."""
    config = Config()
    with contextlib.suppress(NamedSyntaxError):
        _read(main, ctx, config, main.path.parent, 0)
    return config.files


def _bind(out: HostBindings, config: Config) -> None:
    families = {family for _, family in config.listens}
    for statement, family in config.listens:
        _listen(out, config, statement, family)
    for channel in config.controls:
        _control(out, channel)
    if config.options is None:
        return  # no options statement read: the defaults belong to a file not in the scan
    where = _location(config.options)
    for family in (4, 6):
        if family not in families:
            what = "listen-on" if family == 4 else "listen-on-v6"
            _add(out, 53, where, [_any(family)], family, default=f"default of BIND (no {what})")


def _control(out: HostBindings, channel: Statement) -> None:
    """`inet ADDRESS [port N]` of `controls`: rndc's TCP channel, port 953 by default;
    `*` is every IPv4 address."""
    address_token = channel.words[1]
    words = [w.text.lower() for w in channel.words]
    port_token = next((channel.words[i + 1] for i, w in enumerate(words[:-1]) if w == "port"), None)
    port = 953
    if port_token is not None:
        parsed = parse_port(port_token.text)
        if parsed is None:
            where = _location(port_token)
            out.diagnostic("PL002", port_problem(port_token.text), where, key=port_token.text)
            return
        port = parsed
    text = address_token.text
    try:
        address = ipaddress.ip_address("0.0.0.0" if text == "*" else text)
    except ValueError:
        return  # not an address literal: named refuses it
    where = _location(port_token or address_token)
    binding = out.add(
        Listener(
            port,
            where,
            Protocol.TCP,
            address,
            v6only=True if address.version == 6 else None,
            default=port_token is None,
        )
    )
    if port_token is None:
        binding.source = "default of rndc (controls inet without port)"


def _listen(out: HostBindings, config: Config, statement: Statement, family: int) -> None:
    words = [w.text.lower() for w in statement.words]
    port_token = next(
        (statement.words[i + 1] for i, w in enumerate(words[:-1]) if w == "port"), None
    )
    where = _location(port_token or statement.words[0])
    tls_name = next((words[i + 1] for i, w in enumerate(words[:-1]) if w == "tls"), None)
    tls, http = tls_name not in (None, "none"), "http" in words
    if port_token is not None:
        port = parse_port(port_token.text)
        if port is None:
            out.diagnostic("PL002", port_problem(port_token.text), where, key=port_token.text)
            return
    else:
        port = 443 if http and tls else 80 if http else 853 if tls else 53
    addresses = _match_list(statement.block or [], config, family, {})
    protocols = (Protocol.TCP,) if tls or http else (Protocol.UDP, Protocol.TCP)
    why = "" if port_token is not None else f"default of BIND ({words[0]} without port)"
    _add(out, port, where, addresses, family, protocols, default=why)


Addresses = list[ipaddress.IPv4Address | ipaddress.IPv6Address | None]


def _match_list(
    elements: list[Statement], config: Config, family: int, acls: dict[str, Addresses]
) -> Addresses:
    """Addresses an address match list listens on; None stands for "unknown". `acls`
    memoises each ACL (an ACL met again while it is expanded, a loop, is empty)."""
    found: Addresses = []
    for element in elements:
        negated = bool(element.words) and element.words[0].text == "!"
        if element.block is not None:
            if not negated:  # `! { ... }` excludes what the inner list matches
                found.extend(_match_list(element.block, config, family, acls))
            continue
        text = element.words[0].text.lower() if element.words else ""
        if not text or text.startswith("!") or text == "none" or text == "key":
            continue
        if text in _WILDCARD_NAMES:
            found.append(_any(family))
        elif text in config.acls:
            if text not in acls:
                acls[text] = []  # in progress
                acls[text] = _match_list(config.acls[text], config, family, acls)
            found.extend(acls[text])
        else:
            try:
                address = ipaddress.ip_address(text)
            except ValueError:
                found.append(None)  # a prefix or an ACL not read: address unknown
                continue
            if address.version == family:
                found.append(address)
    unique = list(dict.fromkeys(found))
    wildcard = _any(family)
    if wildcard in unique:  # `{ 127.0.0.1; any; }`: a socket on every address, all of them
        return [wildcard]
    return unique


def _any(family: int) -> ipaddress.IPv4Address | ipaddress.IPv6Address:
    return ipaddress.ip_address("0.0.0.0" if family == 4 else "::")


def _add(
    out: HostBindings,
    port: int,
    where: Location,
    addresses: Addresses,
    family: int,
    protocols: tuple[Protocol, ...] = (Protocol.UDP, Protocol.TCP),
    default: str = "",
) -> None:
    """Listeners on each address (DNS over TLS and HTTPS: TCP only); `default`: why the
    port is BIND's default (shown by `portlint ports`), "" when it is written."""
    for address in addresses:
        for protocol in protocols:
            binding: Binding = out.add(
                Listener(
                    port,
                    where,
                    protocol,
                    address,
                    v6only=True if family == 6 and address is not None else None,
                    default=bool(default),
                )
            )
            binding.source = default
            if address is None:
                binding.address_unknown = True


PARSERS = [BindParser()]

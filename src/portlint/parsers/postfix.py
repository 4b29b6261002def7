"""Postfix `master.cf`: the `inet` services, each a TCP listener of the postfix master.

Postfix facts encoded (master(5)): an entry is `service type private unpriv chroot wakeup
maxproc command...`; a line that starts with whitespace continues the previous entry and
a line whose first non-blank character is `#` is a comment. Only type `inet` is a
network socket (`unix`, `unix-dgram`, `fifo` and `pass` are local). The service field is
`[host:]port`: `127.0.0.1:10025`, `[::1]:10025`, `localhost:10025` or a bare port; a
port is a number or a name from the services table (`smtp` 25, `submission` 587,
`submissions`/`smtps` 465, ...). A service without a host listens on `inet_interfaces`,
every address by default.

Owner: the master process, one per host group (`postfix@<host>`).
"""

from __future__ import annotations

import re
from pathlib import Path

from portlint.model import ParseResult
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
        for line_start, line in iter_lines(source.text):
            if not line or line[0].isspace() or line[0] == "#":
                continue  # a continuation (options of the entry above), blank or comment
            fields = list(_FIELD.finditer(line))
            if len(fields) < 2 or fields[1].group() != "inet":
                continue
            _service(source, out, line_start + fields[0].start(), fields[0].group())
        return out.result


def _service(source: SourceFile, out: HostBindings, start: int, text: str) -> None:
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
    addresses = resolve_host(host)
    for address in addresses or ():
        out.add(Listener(port, where, address=address))


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

"""Apache httpd: `Listen [addr:]port [protocol]`, following `Include`/`IncludeOptional`
inside the scanned roots. `<VirtualHost>` addresses select requests; they bind nothing.

Apache facts encoded: `Listen 80` binds every address of both families (httpd opens one
dual-stack socket on Linux); `Listen 192.0.2.1:8080` and `Listen [2001:db8::1]:80` bind
one address. Relative includes resolve against ServerRoot, i.e. the main config's
directory (`/etc/apache2/...` and `/etc/httpd/...` map onto it).

Owner: one httpd per host group, `apache@<host>`; a file that a nearby main config
(`apache2.conf`, `httpd.conf`) includes is skipped, its listeners come through the main file.
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
    split_host_port,
)
from portlint.parsers.includes import Expansion, expand, included_by_main
from portlint.source import SourceFile

MAIN_NAMES = ("apache2.conf", "httpd.conf")
_TREE_NAMES = ("apache", "apache2", "httpd")
_DIRECTIVE = re.compile(r"^(\s*)(Listen|Include|IncludeOptional)\s+(\S+)(.*)$", re.IGNORECASE)
_SNIFF_LISTEN = re.compile(rb"(?m)^\s*Listen\s+\S+\s*$")
_SNIFF_BLOCK = re.compile(rb"(?m)^\s*<(VirtualHost|IfModule|Directory)\b")
MAX_DEPTH = 16


class ApacheParser:
    format = "apache"

    def matches(self, path: Path) -> bool:
        name = path.name.lower()
        if name in MAIN_NAMES:
            return True
        if not name.endswith(".conf"):
            return False
        if any(part.lower() in _TREE_NAMES for part in path.parent.parts[-4:]):
            return True
        head = read_head(path)
        return bool(_SNIFF_LISTEN.search(head) and _SNIFF_BLOCK.search(head))

    def parse(self, source: SourceFile, ctx: ParseContext) -> ParseResult:
        out = HostBindings(source, ctx, "apache", "apache", daemon="apache")
        if source.path.name.lower() not in MAIN_NAMES and included_by_main(
            source, ctx, _mains(source), lambda path, main: _closure(path, main, ctx)
        ):
            return out.result
        root = source.path.parent
        _scan(source, ctx, out, root, (source.path.resolve(),), {source.path.resolve()})
        return out.result


def _scan(
    source: SourceFile,
    ctx: ParseContext,
    out: HostBindings | None,
    root: Path,
    stack: tuple[Path, ...],
    closure: set[Path],
) -> None:
    """Listen lines of one file and of what it includes (out=None: only the closure).

    `closure` holds every file scanned so far in this parse: each is read once, so files
    that include each other's directory are not walked in every permutation (and a
    `Listen` line is bound once, however many includes name its file)."""
    for line_start, line in _logical_lines(source.text):
        match = _DIRECTIVE.match(line)
        if not match:
            continue
        keyword = match.group(2).lower()
        if keyword == "listen":
            if out is not None:
                _listen(source, out, line_start + match.start(3), match.group(3), match.group(4))
            continue
        if len(stack) > MAX_DEPTH or ctx.read is None:
            continue
        expansion = resolve_include(match.group(3).strip("\"'"), root, ctx)
        if out is not None:
            for problem in expansion.problems:
                start = line_start + match.start(2)
                where = source.location(start, start + len(match.group(2)))
                out.diagnostic("PL001", f"{match.group(2)} {problem}", where)
        for path in expansion.paths:
            resolved = path.resolve()
            if resolved in closure:
                continue
            closure.add(resolved)
            included = ctx.read(path)
            if included is not None:
                _scan(included, ctx, out, root, stack + (resolved,), closure)


def _listen(source: SourceFile, out: HostBindings, start: int, value: str, rest: str) -> None:
    where = source.location(start, start + len(value))
    if is_templated(value):
        out.diagnostic(
            "PL003", f"Listen {value}: a variable, the port cannot be checked", where, key=value
        )
        return
    host, port_text, offset = split_host_port(value)
    port = parse_port(port_text)
    location = source.location(start + offset, start + offset + len(port_text))
    if port is None:
        out.diagnostic("PL002", port_problem(port_text or value), location, key=value)
        return
    addresses = resolve_host(host)
    if addresses is None:
        return
    for address in addresses:
        v6only = False if address is not None and address.version == 6 else None
        out.add(Listener(port, location, address=address, v6only=v6only))


def _logical_lines(text: str):
    """(offset, line) with comments dropped; a trailing backslash joins lines (offsets of
    the first physical line, which is where Listen values are written)."""
    pending: tuple[int, str] | None = None
    for offset, line in iter_lines(text):
        if pending is not None:
            start, head = pending
            line = head + line
            offset = start
            pending = None
        if line.endswith("\\"):
            pending = (offset, line[:-1])
            continue
        if line.lstrip().startswith("#"):
            continue
        yield offset, line


def resolve_include(pattern: str, root: Path, ctx: ParseContext) -> Expansion:
    """Files an Include names (a directory: the files in it), inside the roots only."""
    for prefix in ("/etc/apache2/", "/etc/httpd/", "/usr/local/apache2/"):
        if pattern.startswith(prefix):
            pattern = str(root / pattern[len(prefix) :])
            break
    else:
        if not pattern.startswith("/"):
            pattern = str(root / pattern)
    return expand(pattern, ctx, directory_lists=True)


def _mains(source: SourceFile) -> list[Path]:
    """Where a main config that may include this fragment lies: up to three levels up."""
    return [
        folder / name for folder in list(source.path.resolve().parents)[:3] for name in MAIN_NAMES
    ]


def _closure(main: Path, main_source: SourceFile, ctx: ParseContext) -> set[Path]:
    """Every file `main` includes, transitively, and itself."""
    closure: set[Path] = {main.resolve()}
    _scan(main_source, ctx, None, main.parent, (main.resolve(),), closure)
    return closure


PARSERS = [ApacheParser()]

"""nginx: `listen` in `server` blocks of the `http`, `stream` and `mail` contexts.

Tokens come from crossplane's lexer (run on the text portlint decoded); the block tree
and includes are portlint's own, so an include is read only inside the scanned roots
(`ctx.read`) and include loops stop. Relative includes resolve against the main config's
directory, as nginx's prefix does, and `/etc/nginx/...` against the main config's
directory too (repositories keep `/etc/nginx` as their `nginx/` folder).

nginx facts encoded: `listen 80` and `listen *:80` bind 0.0.0.0 (IPv4 only); `[::]` is
v6-only unless `ipv6only=off`; an address without a port means port 80; `quic` and `udp`
are UDP; `unix:` is not a port; a `server` without `listen` listens on *:80.

Owner: one nginx process per host group, `nginx@<host>`, so server blocks sharing a
`listen` (virtual hosts) and a `conf.d` file both included and walked never collide with
themselves. A fragment (no `http`/`events`/`stream` at its top level) that a nearby
`nginx.conf` includes is skipped: its listeners are reported through that main file.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from portlint.model import MISSING_PACKAGE, ParseResult, Protocol
from portlint.numbers import is_digits
from portlint.parsers import ParseContext
from portlint.parsers.catalogue import NGINX_FRAGMENT_DIRS
from portlint.parsers.hostconf import (
    HostBindings,
    Listener,
    parse_port,
    port_problem,
    read_head,
    resolve_host,
    split_host_port,
)
from portlint.parsers.includes import Expansion, expand, included_by_main
from portlint.records import Record, field
from portlint.source import Location, SourceFile

MAX_INCLUDE_DEPTH = 16
_LISTEN_CONTEXTS = {"http": Protocol.TCP, "stream": Protocol.TCP, "mail": Protocol.TCP}
_FRAGMENT_DIRS = NGINX_FRAGMENT_DIRS  # one set: the registry's stand-in tests it too
_SERVER_BLOCK = re.compile(rb"(?m)^\s*server\s*\{")
_LISTEN_LINE = re.compile(rb"(?m)^\s*listen\s+[^;\n]+;")
#: A broken install (crossplane missing) is the user's to fix: an error naming the package.
MISSING_CROSSPLANE = (
    "nginx config not checked: portlint's nginx parser needs the `crossplane` package, "
    "which is not installed (`pip install crossplane`, or reinstall portlint)"
)


class Directive(Record):
    name: str
    args: list[str]
    line: int
    source: SourceFile
    children: list[Directive] | None = None
    quoted: list[bool] = field(default_factory=list)


class NginxSyntaxError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def lex_tree(source: SourceFile) -> list[Directive]:
    """The directive tree of one file; raises NginxSyntaxError with the line."""
    # Imported here: a run with no nginx config (every Compose-only pre-commit) skips it.
    from crossplane.errors import NgxParserBaseException  # type: ignore[import-untyped]
    from crossplane.lexer import _lex_file_object  # type: ignore[import-untyped]

    try:
        tokens = list(_lex_file_object(io.StringIO(source.text)))
    except NgxParserBaseException as error:
        raise NginxSyntaxError(error.strerror, error.lineno or 1) from None
    root: list[Directive] = []
    stack: list[list[Directive]] = [root]
    words: list[tuple[str, int, bool]] = []
    for token, line, quoted in tokens:
        if not quoted and token.startswith("#"):
            continue
        if not quoted and token in (";", "{"):
            if not words:
                raise NginxSyntaxError(f"unexpected '{token}'", line)
            directive = Directive(
                words[0][0],
                [w for w, _, _ in words[1:]],
                words[0][1],
                source,
                quoted=[q for _, _, q in words[1:]],
            )
            stack[-1].append(directive)
            if token == "{":
                directive.children = []
                stack.append(directive.children)
            words = []
        elif not quoted and token == "}":
            if words:
                raise NginxSyntaxError(f"directive '{words[0][0]}' has no ending ';'", line)
            if len(stack) == 1:
                raise NginxSyntaxError("unexpected '}'", line)
            stack.pop()
        else:
            words.append((token, line, quoted))
    if words:
        raise NginxSyntaxError(f"directive '{words[0][0]}' has no ending ';'", words[0][1])
    if len(stack) > 1:
        raise NginxSyntaxError(
            "unexpected end of file, expecting '}'", len(source.text.splitlines()) or 1
        )
    return root


class NginxParser:
    format = "nginx"

    def matches(self, path: Path) -> bool:
        name = path.name.lower()
        if name.startswith("nginx") and name.endswith(".conf"):
            return True
        is_conf = name.endswith(".conf")
        if not is_conf and path.parent.name not in _FRAGMENT_DIRS:
            return False  # most files: decided before looking at the directory names
        in_nginx_tree = any("nginx" in part.lower() for part in path.parent.parts[-4:])
        if in_nginx_tree:
            return not name.endswith((".types", ".params")) and "apache" not in str(path.parent)
        if not is_conf:
            return False
        # An unnamed .conf counts only when it is unmistakably an nginx server block.
        head = read_head(path)
        return bool(_SERVER_BLOCK.search(head) and _LISTEN_LINE.search(head))

    def parse(self, source: SourceFile, ctx: ParseContext) -> ParseResult:
        out = HostBindings(source, ctx, "nginx", "nginx", daemon="nginx")
        try:
            tree = lex_tree(source)
        except ImportError:  # lex_tree imports crossplane: missing from this install
            where = Location.point(source.display, 1)
            out.diagnostic("PL001", MISSING_CROSSPLANE, where, key=MISSING_PACKAGE + "crossplane")
            return out.result
        except NginxSyntaxError as error:
            where = Location.point(source.display, error.line)
            out.syntax_error(f"nginx syntax error: {error}", where)
            return out.result
        if _is_fragment(tree) and included_by_main(
            source,
            ctx,
            [folder / "nginx.conf" for folder in list(source.path.resolve().parents)[:3]],
            lambda path, _: _read_closure(path, ctx),
        ):
            return out.result
        walker = _Walker(out, ctx, source.path.parent)
        top = "http" if _is_fragment(tree) else None
        walker.walk(tree, top, in_server=False, stack=(source.path.resolve(),))
        return out.result


def _is_fragment(tree: list[Directive]) -> bool:
    return not any(d.name in ("http", "events", "stream", "mail") for d in tree)


class _Walker:
    def __init__(self, out: HostBindings, ctx: ParseContext, prefix: Path) -> None:
        self.out = out
        self.ctx = ctx
        self.prefix = prefix
        self.seen: set[tuple[str, int, int, str]] = set()
        #: Each file is read and lexed once per parse, and walked once per context:
        #: fragments that each `include conf.d/*.conf` are otherwise walked in every
        #: permutation.
        self.trees: dict[Path, list[Directive] | None] = {}
        self.walked: set[tuple[Path, str | None]] = set()
        self.lines: dict[str, list[str]] = {}

    def line_text(self, source: SourceFile, line: int) -> str:
        """A line of a file, split once per file (not once per `listen`)."""
        lines = self.lines.get(source.display)
        if lines is None:
            lines = self.lines[source.display] = source.text.splitlines()
        return lines[line - 1] if 0 < line <= len(lines) else ""

    def walk(
        self, tree: list[Directive], context: str | None, in_server: bool, stack: tuple[Path, ...]
    ) -> None:
        for directive in tree:
            if directive.name == "include" and directive.args:
                for path, included in self._includes(directive, stack):
                    if (path, context) in self.walked:
                        continue
                    self.walked.add((path, context))
                    self.walk(included, context, in_server, stack + (path,))
            elif directive.children is not None:
                if directive.name in _LISTEN_CONTEXTS and context is None:
                    self.walk(directive.children, directive.name, False, stack)
                elif directive.name == "server" and context is not None and not in_server:
                    self._server(directive, context, stack)
                elif context is not None and not in_server:
                    self.walk(directive.children, context, in_server, stack)

    def _server(self, server: Directive, context: str, stack: tuple[Path, ...]) -> None:
        listens: list[Directive] = []
        self._collect_listens(server.children or [], listens, stack, set())
        for listen in listens:
            self._listen(listen, context)
        if not listens and context == "http":
            self.out.add(
                Listener(
                    80,
                    _word_location(
                        server.source,
                        server.line,
                        "server",
                        None,
                        self.line_text(server.source, server.line),
                    ),
                    address=resolve_host("0.0.0.0")[0],  # type: ignore[index]
                    default=True,  # a server without listen listens on *:80
                )
            )

    def _collect_listens(
        self,
        tree: list[Directive],
        listens: list[Directive],
        stack: tuple[Path, ...],
        visited: set[Path],
    ) -> None:
        """The server's listens, each included file looked at once per server."""
        for directive in tree:
            if directive.name == "listen":
                listens.append(directive)
            elif directive.name == "include" and directive.args:
                for path, included in self._includes(directive, stack):
                    if path not in visited:
                        visited.add(path)
                        self._collect_listens(included, listens, stack + (path,), visited)

    def _listen(self, listen: Directive, context: str) -> None:
        source = listen.source
        if not listen.args:
            return
        value = listen.args[0]
        if value.startswith("unix:"):
            return
        params = [a.lower() for a in listen.args[1:]]
        protocol = Protocol.UDP if ("udp" in params or "quic" in params) else Protocol.TCP
        host, port_text, port_at = split_host_port(value)
        if port_text == "" or (host is None and not is_digits(port_text)):
            host, port_text, port_at = (value if host is None else host), "", -1
        value_loc = _word_location(
            source, listen.line, "listen", value, self.line_text(source, listen.line)
        )
        if port_at < 0:
            port, location, defaulted = 80, value_loc, True
        else:
            location = value_loc.sub(port_at, len(port_text))
            parsed = parse_port(port_text)
            defaulted = False
            if parsed is None:
                self.out.diagnostic("PL002", port_problem(port_text), location, key=value)
                return
            port = parsed
        addresses = resolve_host("0.0.0.0" if host in (None, "", "*") else host)
        if addresses is None:
            return  # a host name: its address cannot be known from the config
        v6only = "ipv6only=off" not in params
        for address in addresses:
            key = (location.path, location.line, location.column, f"{address}/{protocol}")
            if key in self.seen:
                continue
            self.seen.add(key)
            self.out.add(
                Listener(
                    port,
                    location,
                    protocol,
                    address,
                    v6only if address is not None and address.version == 6 else None,
                    default=defaulted,  # no port given: nginx listens on 80
                )
            )

    def _includes(
        self, directive: Directive, stack: tuple[Path, ...]
    ) -> list[tuple[Path, list[Directive]]]:
        found: list[tuple[Path, list[Directive]]] = []
        if len(stack) > MAX_INCLUDE_DEPTH:
            return found
        expansion = resolve_include(directive.args[0], self.prefix, self.ctx)
        for problem in expansion.problems:
            where = _word_location(
                directive.source,
                directive.line,
                "include",
                None,
                self.line_text(directive.source, directive.line),
            )
            self.out.diagnostic("PL001", f"include {problem}", where)
        for path in expansion.paths:
            resolved = path.resolve()
            if resolved in stack or self.ctx.read is None:
                continue  # an include loop, or no reader
            if resolved not in self.trees:
                self.trees[resolved] = self._lex(path)
            tree = self.trees[resolved]
            if tree is not None:
                found.append((resolved, tree))
        return found

    def _lex(self, path: Path) -> list[Directive] | None:
        included = self.ctx.read(path) if self.ctx.read is not None else None
        if included is None:
            return None
        try:
            return lex_tree(included)
        except NginxSyntaxError as error:
            self.out.diagnostic(
                "PL001",
                f"nginx syntax error: {error}",
                Location.point(included.display, error.line),
            )
            return None


def resolve_include(pattern: str, prefix: Path, ctx: ParseContext) -> Expansion:
    """Files an include pattern names, mapped onto the repository's copy of /etc/nginx,
    matched inside the scanned roots only."""
    if pattern.startswith("/etc/nginx/"):
        pattern = str(prefix / pattern[len("/etc/nginx/") :])
    elif not pattern.startswith("/"):
        pattern = str(prefix / pattern)
    return expand(pattern, ctx)


def _read_closure(main: Path, ctx: ParseContext) -> set[Path]:
    closure: set[Path] = set()
    pending = [main]
    while pending and len(closure) < 1000:
        path = pending.pop()
        resolved = path.resolve()
        if resolved in closure:
            continue
        closure.add(resolved)
        source = ctx.read(path) if ctx.read else None
        if source is None:
            continue
        try:
            tree = lex_tree(source)
        except NginxSyntaxError:
            continue
        todo = list(tree)
        while todo:
            directive = todo.pop()
            if directive.name == "include" and directive.args:
                pending.extend(resolve_include(directive.args[0], main.parent, ctx).paths)
            todo.extend(directive.children or [])
    return closure


def _word_location(
    source: SourceFile, line: int, name: str, word: str | None, text: str
) -> Location:
    """Where `word` (after directive `name`) is written on `line` (whose text is `text`);
    the name if None."""
    start = _find_word(text, name, 0)
    if start < 0:
        return Location.point(source.display, line, 1, len(text))
    if word is None:
        return Location.point(source.display, line, start + 1, len(name))
    at = text.find(word, start + len(name))
    if at < 0:
        return Location.point(source.display, line, start + 1, len(name))
    return Location.point(source.display, line, at + 1, len(word))


def _find_word(text: str, word: str, start: int) -> int:
    match = re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])").search(text, start)
    return match.start() if match else -1


PARSERS = [NginxParser()]

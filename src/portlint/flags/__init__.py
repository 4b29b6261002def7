"""Listen ports set on a command line: `prometheus --web.listen-address=:9091`,
`redis-server --port 6380`, `sh -c "exec gunicorn -b 0.0.0.0:8000 app"`.

`read(words, image)` finds the simple commands in an argument list (through `sh -c`,
`exec`, `env`, tini/dumb-init/gosu and entrypoint scripts), recognises the program by its
executable or, for bare arguments, by the image (`portlint.flags.grammar`), and reads the
flags that grammar lists; for other programs only a conservative generic set
(`--port`, `--listen`, `--bind`, `--metrics-bind-address`, ...). Each port is placed on the
characters of its value; a value that is not a port is a problem (PL002) at the value.
"""

from __future__ import annotations

import re

from portlint.flags.grammar import (
    GENERIC_ADDRESS,
    GENERIC_PORT,
    GENERIC_WORDS,
    Flag,
    Program,
    by_image,
    by_name,
)
from portlint.flags.words import Word, split_commands
from portlint.numbers import is_digits, parse_int, parse_port, port_problem
from portlint.records import Record, field
from portlint.sockets import IPAddress, Protocol
from portlint.source import Location

__all__ = ["FlagPort", "FlagProblem", "Reading", "Word", "read", "read_shell"]


class FlagPort(Record):
    """A port a flag makes the process listen on."""

    port: int
    protocol: Protocol
    address: IPAddress | None
    location: Location  # the port's characters in the flag's value
    flag: str  # as written, without its value ("--web.listen-address")
    program: str  # the grammar's program ("prometheus"; "" for the generic reading)
    what: str = ""  # what it serves ("metrics")
    via: str = "flag"  # "flag", or "environment" for a variable (`flag` is then its name)

    def source_text(self) -> str:
        return f"{self.via} {self.flag}"


class FlagProblem(Record):
    message: str
    location: Location
    key: str


class Reading(Record):
    """What one command line says its process listens on."""

    program: Program | None = None
    ports: list[FlagPort] = field(default_factory=list)
    problems: list[FlagProblem] = field(default_factory=list)
    #: Ports the known program listens on by default because no flag moved them.
    defaults: list[tuple[int, Protocol]] = field(default_factory=list)

    def extend(self, other: Reading) -> None:
        self.program = self.program or other.program
        self.ports.extend(other.ports)
        self.problems.extend(other.problems)
        self.defaults.extend(other.defaults)

    def served(self) -> set[tuple[int, Protocol]] | None:
        """Every port the process listens on, when its program is known (else None: a
        generic reading never says what a process does not serve)."""
        if self.program is None or self.program.partial:
            return None
        return {(p.port, p.protocol) for p in self.ports} | set(self.defaults)


_ASSIGNMENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*=")
_SHELLS = frozenset({"sh", "bash", "ash", "dash", "zsh", "ksh"})
_SKIP_ONE = frozenset({"exec", "nohup", "time", "command", "nice"})
_INITS = frozenset({"tini", "tini-static", "dumb-init", "catatonit", "docker-init"})
_USER_SWITCH = frozenset({"gosu", "su-exec"})
_PYTHONS = re.compile(r"python[0-9.]*")
_TEMPLATED = re.compile(r"\$|\{\{|%\(")


def read(words: list[Word], image: str | None = None) -> Reading:
    """What an argument list (exec form: command followed by arguments) listens on."""
    reading = Reading()
    for command in _commands(words):
        reading.extend(_read_command(command, image))
    return reading


def read_shell(word: Word, image: str | None = None) -> Reading:
    """What a shell string listens on (every simple command in it)."""
    reading = Reading()
    for command in split_commands(word):
        reading.extend(read(command, image))
    return reading


def _base(text: str) -> str:
    return text.rsplit("/", 1)[-1]


def _commands(words: list[Word], depth: int = 0) -> list[list[Word]]:
    """The simple commands an argument list runs: wrappers removed, `sh -c` split."""
    i = 0
    while i < len(words):
        text = words[i].text
        name = _base(text)
        if _ASSIGNMENT.match(text) or name in _SKIP_ONE or name == "env":
            i += 1
        elif name in _INITS:
            i += 1
            while i < len(words) and words[i].text.startswith("-"):
                i += 1
        elif name in _USER_SWITCH:
            i += 2
        elif name in _SHELLS and depth < 3:
            for j in range(i + 1, len(words)):
                flag = words[j].text
                if flag.startswith("-") and not flag.startswith("--") and "c" in flag:
                    if j + 1 < len(words):
                        return [
                            c
                            for command in split_commands(words[j + 1])
                            for c in _commands(command, depth + 1)
                        ]
                    return []
                if not flag.startswith("-"):
                    return []  # a script file: not read
            return []
        elif "entrypoint" in name.lower() and name.endswith(".sh") or name == "/init":
            i += 1
        else:
            break
    return [words[i:]] if i < len(words) else []


def _program(words: list[Word], image: str | None) -> tuple[Program | None, int]:
    """The program and the index of its first argument."""
    first = words[0].text
    if first.startswith("-"):
        return (by_image(image) if image else None), 0
    name = _base(first)
    if _PYTHONS.fullmatch(name) and len(words) > 2 and words[1].text == "-m":
        return by_name(words[2].text), 3
    program = by_name(name)
    if program is None and image and name in ("server", "agent", "run"):
        image_program = by_image(image)
        if image_program is not None and image_program.subcommand == name:
            return image_program, 0  # `args: [server, --address, ...]` to the entrypoint
    return program, 1


def _read_command(words: list[Word], image: str | None) -> Reading:
    program, start = _program(words, image)
    reader = _FlagReader(program)
    if program is not None and program.subcommand:
        positional = {w.text for w in words[:start]} | {
            w.text for w in words[start:] if not w.text.startswith("-")
        }
        if program.subcommand not in positional:
            return Reading()
    reader.read(words[start:])
    return reader.reading


class _FlagReader:
    def __init__(self, program: Program | None) -> None:
        self.program = program
        self.reading = Reading(program)
        self.specs = {f.name: f for f in program.flags} if program else {}
        self.host: list[IPAddress | None] | None = None
        self.given: set[Flag] = set()
        self.unaddressed: list[int] = []  # ports of `port` flags (take the host flag)

    def read(self, words: list[Word]) -> None:
        i = 0
        while i < len(words):
            word = words[i]
            text = word.text
            i += 1
            if text == "--":
                break
            if not text.startswith("-") or text == "-":
                if self.program is not None and self.program.interpreter:
                    # `node server.js --port 3001`: the script's flags, read generically
                    self.program = self.reading.program = None
                    self.specs = {}
                continue
            name, eq, value = text.partition("=")
            spec = self._spec(name)
            if spec is None:
                continue
            if eq:
                self._value(spec, name, word, len(name) + 1)
            elif i < len(words) and (self.program or not words[i].text.startswith("-")):
                self._value(spec, name, words[i], 0)
                i += 1
        self._finish()

    def _spec(self, name: str) -> Flag | None:
        program = self.program
        if program is not None:
            bare = name[2:] if name.startswith("--") else name[1:]
            if program.go and bare in self.specs:
                return self.specs[bare]
            return self.specs.get(name)
        bare = name[2:] if name.startswith("--") else name[1:]
        if bare in GENERIC_PORT or _generic_word(bare, "-port"):
            return Flag(bare, "port")
        if bare in GENERIC_ADDRESS or any(
            _generic_word(bare, suffix) for suffix in ("-address", "-addr", "-bind-address")
        ):
            return Flag(bare, "address")
        return None

    def _value(self, spec: Flag, name: str, word: Word, at: int) -> None:
        self.given.add(spec)
        value = word.text[at:]
        if spec.key:
            key, eq, rest = value.partition("=")
            if not eq or key.strip() != spec.key:
                return
            at += len(key) + 1
            value = rest
        if not value or _TEMPLATED.search(value):
            return  # a variable: its value is not known here
        if spec.kind == "host":
            self.host = _addresses(value)
        elif spec.kind == "port":
            self._port(spec, name, word, at, value, None, addressed=False)
        elif spec.kind == "address":
            self._address(spec, name, word, at, value)
        elif spec.kind == "urls":
            offset = at
            for part in value.split(","):
                match = _URL.match(part)
                if match and match.group("port") is not None:
                    self._port(
                        spec,
                        name,
                        word,
                        offset + match.start("port"),
                        match.group("port"),
                        _addresses(match.group("host")),
                    )
                offset += len(part) + 1

    def _address(self, spec: Flag, name: str, word: Word, at: int, value: str) -> None:
        from portlint.parsers.hostconf import split_host_port

        if value.startswith(("/", "unix:", "@", "fd:")):
            return  # a socket file, not a port
        scheme = value.find("://")
        if scheme != -1:
            at, value = at + scheme + 3, value[scheme + 3 :]
        host, port_text, port_at = split_host_port(value)
        if not port_text:
            return
        port_text = port_text.split("/", 1)[0]
        self._port(spec, name, word, at + port_at, port_text, _addresses(host))

    def _port(
        self,
        spec: Flag,
        name: str,
        word: Word,
        at: int,
        text: str,
        addresses: list[IPAddress | None] | None,
        addressed: bool = True,
    ) -> None:
        where = word.span(at, at + len(text))
        port = parse_port(text)
        if port is None:
            if parse_int(text) == 0:
                return  # 0: the port is turned off (kube components) or picked by the OS
            if self.program is None and not is_digits(text):
                return  # a generic flag holding something else: not ours to judge
            self.reading.problems.append(
                FlagProblem(
                    f"flag {name}: {port_problem(text, 'its value')}",
                    where,
                    key=f"{name}",
                )
            )
            return
        protocol = Protocol.UDP if spec.protocol == "udp" else Protocol.TCP
        program = self.program.name if self.program else ""
        for address in addresses or [None]:
            if not addressed:
                self.unaddressed.append(len(self.reading.ports))
            self.reading.ports.append(
                FlagPort(port, protocol, address, where, name, program, spec.what)
            )

    def _finish(self) -> None:
        program = self.program
        if program is None:
            return
        host = self.host
        if host is None:
            host_flag = next((f for f in program.flags if f.kind == "host" and f.default), None)
            host = _addresses(host_flag.default) if host_flag else None
        if host:
            ports = self.reading.ports
            taken = set(self.unaddressed)
            kept = [p for i, p in enumerate(ports) if i not in taken]
            for i in self.unaddressed:
                kept.extend(ports[i].replace(address=address) for address in host)
            self.reading.ports = kept
        given_ports = {(p.what, p.port) for p in self.reading.ports}
        for spec in program.flags:
            if spec in self.given or not spec.default or spec.kind == "host":
                continue
            if any(what == spec.what for what, _ in given_ports):
                continue  # another spelling of the same flag was given (`-p`, `--port`)
            port = _default_port(spec)
            if port is not None:
                protocol = Protocol.UDP if spec.protocol == "udp" else Protocol.TCP
                self.reading.defaults.append((port, protocol))


_URL = re.compile(r"[A-Za-z][A-Za-z0-9+.-]*://(?P<host>\[[^\]]*\]|[^:/,]*)(?::(?P<port>[^/,]*))?")


def _generic_word(bare: str, suffix: str) -> bool:
    return bare.endswith(suffix) and bare[: -len(suffix)] in GENERIC_WORDS


def _addresses(host: str | None) -> list[IPAddress | None] | None:
    """The addresses a host stands for ([None]: every address, or a name not known here)."""
    from portlint.parsers.hostconf import resolve_host

    if host is None or _TEMPLATED.search(host):
        return [None]
    found = resolve_host(host)
    return found if found is not None else [None]


def _default_port(spec: Flag) -> int | None:
    from portlint.parsers.hostconf import split_host_port

    value = spec.default
    if spec.kind == "urls":
        match = _URL.match(value)
        return parse_port(match.group("port") or "") if match else None
    if spec.kind == "address":
        return parse_port(split_host_port(value)[1])
    return parse_port(value)

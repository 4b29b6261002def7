"""Where command lines are written, turned into `Word`s: Kubernetes `command`/`args` and
Compose `entrypoint`/`command` (YAML sequences or strings), Dockerfile `ENTRYPOINT`/`CMD`
(exec and shell form), systemd `ExecStart=`; and what a parser adds for a reading
(`emit`): a binding per port on the flag's value, a PL002 per bad value, and a `Served`
fact when a known program's flag set a port.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from portlint.facts import Served
from portlint.flags import Reading, read, read_shell
from portlint.flags.words import Word, verbatim
from portlint.model import Binding, Diagnostic, ParseResult, Protocol
from portlint.source import Location, SourceFile
from portlint.yamlnodes import Node, ScalarNode, SequenceNode, location


def yaml_words(source: SourceFile, node: Node | None) -> list[Word]:
    """The words of a YAML sequence of strings (a scalar is one word)."""
    items = node.value if isinstance(node, SequenceNode) else [node] if node else []
    words = []
    for item in items:
        if isinstance(item, ScalarNode):
            words.append(_scalar_word(source, item))
    return words


def _scalar_word(source: SourceFile, node: ScalarNode) -> Word:
    whole = location(source, node)
    start = node.start_mark.index
    quote = 1 if node.style in ('"', "'") else 0
    raw = source.text[start + quote : start + quote + len(node.value)]
    exact = raw == node.value and node.style in (None, "", '"', "'")
    return verbatim(node.value, source, start + quote if exact else None, whole)


def kubernetes_reading(
    source: SourceFile, command: Node | None, args: Node | None, image: str | None
) -> Reading:
    """`command` replaces the image's entrypoint, `args` its CMD."""
    words = yaml_words(source, command) + yaml_words(source, args)
    return read(words, image) if words else Reading()


def compose_reading(
    entrypoint: tuple[SourceFile, Node] | None,
    command: tuple[SourceFile, Node] | None,
    image: str | None,
) -> Reading:
    """A string `command:`/`entrypoint:` is split as a shell would (Compose splits it
    shell-like); a list is taken word for word."""
    words: list[Word] = []
    for source, node in (entrypoint or (None, None), command or (None, None)):
        if source is None:
            continue
        if isinstance(node, ScalarNode):
            from portlint.flags.words import split_commands

            for simple in split_commands(_scalar_word(source, node)):
                words.extend(simple)
        else:
            words.extend(yaml_words(source, node))
    return read(words, image) if words else Reading()


_JSON_STRING = re.compile(r'"((?:[^"\\]|\\.)*)"')


def instruction_words(
    source: SourceFile, args: str, offsets: list[int], fallback: Location
) -> list[Word] | Word:
    """A Dockerfile ENTRYPOINT/CMD: the words of its exec form (a JSON array), or its shell
    form as one shell-string word."""
    text = args.strip()
    lead = len(args) - len(args.lstrip())
    if text.startswith("["):
        words = []
        for match in _JSON_STRING.finditer(text):
            value = match.group(1)
            at = lead + match.start(1)
            exact = "\\" not in value
            places = tuple(offsets[at : at + len(value)]) if exact else None
            words.append(
                Word(value if exact else value.replace('\\"', '"'), source, places, fallback)
            )
        return words
    return Word(text, source, tuple(offsets[lead : lead + len(text)]), fallback)


def dockerfile_reading(
    entrypoint: list[Word] | Word | None, cmd: list[Word] | Word | None
) -> Reading:
    """What the image's process listens on: CMD's words are ENTRYPOINT's arguments (exec
    form); a shell-form ENTRYPOINT ignores CMD."""
    if isinstance(entrypoint, Word):
        return read_shell(entrypoint)
    words = list(entrypoint or [])
    if isinstance(cmd, Word):
        if words:
            return read(words)
        return read_shell(cmd)
    words += list(cmd or [])
    return read(words) if words else Reading()


def exec_line_reading(word: Word) -> Reading:
    """A systemd `ExecStart=` value (its `-@:+!` prefixes dropped)."""
    skip = len(word.text) - len(word.text.lstrip("-@:+!"))
    if skip:
        offsets = word.offsets[skip:] if word.offsets is not None else None
        word = Word(word.text[skip:], word.source, offsets, word.fallback)
    return read_shell(word)


def emit(
    result: ParseResult,
    reading: Reading,
    binding: Callable[[int, Protocol, Location], Binding],
    owner: str,
    pod: str,
    path: str,
    into: list[Binding] | None = None,
) -> list[Binding]:
    """Add the reading's bindings (built by `binding(port, protocol, where)` and given their
    address and source; to `into`, else `result.bindings`), problems and `Served` fact to
    `result`; returns the bindings."""
    made = []
    for port in reading.ports:
        made_binding = binding(port.port, port.protocol, port.location)
        made_binding.address = port.address
        made_binding.source = port.source_text()
        made.append(made_binding)
    (result.bindings if into is None else into).extend(made)
    for problem in reading.problems:
        result.diagnostics.append(
            Diagnostic("PL002", problem.message, problem.location, key=f"{owner}|{problem.key}")
        )
    served = reading.served()
    if served is not None and reading.ports and reading.program is not None:
        result.served.append(
            Served(
                owner,
                pod,
                path,
                reading.program.title,
                frozenset(served),
                tuple(dict.fromkeys(p.location for p in reading.ports)),
            )
        )
    return made


def environment_reading(
    source: SourceFile, pairs: list[tuple[str, ScalarNode]], image: str | None
) -> Reading:
    """Ports set by documented environment variables (`portlint.flags.environment`):
    `pairs` are (name, value node)."""
    from portlint.flags import FlagPort, FlagProblem
    from portlint.flags.environment import applies, value_problem
    from portlint.numbers import parse_port

    reading = Reading()
    for name, node in pairs:
        known = applies(name, image)
        if known is None or "$" in node.value or "{{" in node.value:
            continue
        word = _scalar_word(source, node)
        where = word.span(0, len(node.value))
        problem = value_problem(known, node.value)
        if problem is not None:
            reading.problems.append(FlagProblem(problem, where, key=name))
            continue
        port = parse_port(node.value)
        if port is not None:
            reading.ports.append(
                FlagPort(port, Protocol.TCP, None, where, name, "", known.what, via="environment")
            )
    return reading


def kubernetes_env(node: Node | None) -> list[tuple[str, ScalarNode]]:
    """(name, value node) of a container's `env` entries with a literal value."""
    from portlint.yamlnodes import get

    pairs = []
    for entry in node.value if isinstance(node, SequenceNode) else []:
        name, value = get(entry, "name"), get(entry, "value")
        if isinstance(name, ScalarNode) and isinstance(value, ScalarNode):
            pairs.append((name.value, value))
    return pairs


def compose_env(node: Node | None) -> list[tuple[str, ScalarNode]]:
    """(name, value node) of a Compose `environment:` mapping; list entries `NAME=value`
    become a node narrowed to the value."""
    from portlint.yamlnodes import MappingNode

    pairs: list[tuple[str, ScalarNode]] = []
    if isinstance(node, MappingNode):
        for key, value in node.value:
            if isinstance(key, ScalarNode) and isinstance(value, ScalarNode):
                pairs.append((key.value, value))
    elif isinstance(node, SequenceNode):
        for item in node.value:
            if isinstance(item, ScalarNode) and "=" in item.value:
                name, _, rest = item.value.partition("=")
                pairs.append((name, _suffix(item, len(name) + 1, rest)))
    return pairs


def _suffix(node: ScalarNode, at: int, text: str) -> ScalarNode:
    """A scalar node standing for `node.value[at:]`, with marks moved to it when the
    value is written verbatim (else the marks of the whole value)."""
    from yaml.error import Mark

    mark = node.start_mark
    start = Mark(mark.name, mark.index + at, mark.line, mark.column + at, "", 0)
    return ScalarNode(node.tag, text, start, node.end_mark, style=node.style)


def synthetic_node(source: SourceFile, offset: int, value: str, style: str | None) -> ScalarNode:
    """A scalar node standing for `value` written at `offset` of a non-YAML file (at its
    opening quote when `style` is one), for readers that take YAML nodes."""
    from yaml.error import Mark

    line = source.text.count("\n", 0, offset)
    column = offset - (source.text.rfind("\n", 0, offset) + 1)
    length = len(value) + (2 if style else 0)
    start = Mark(source.display, offset, line, column, "", 0)
    end = Mark(source.display, offset + length, line, column + length, "", 0)
    return ScalarNode("tag:yaml.org,2002:str", value, start, end, style=style)

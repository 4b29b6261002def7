"""Dockerfile `EXPOSE`: the container ports an image documents.

`EXPOSE 80 443/tcp 53/udp 8000-8010 $PORT`; variables resolve from `ARG`/`ENV` defaults
in the same stage (a stage's `ARG NAME` without a value inherits a global `ARG` before
the first `FROM`), `${VAR:-default}` uses its default, and an unresolved variable is
PL003. Role `expose`, namespace `dockerfile:<path>`, one owner per file: EXPOSE is
documentation, it never binds a host port, so it never collides with one.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from portlint.model import Binding, Diagnostic, Mount, Namespace, ParseResult, Protocol, Role
from portlint.numbers import label, mention_protocol
from portlint.parsers import ParseContext
from portlint.parsers.hostconf import parse_port, port_problem
from portlint.source import Location, SourceFile

_VARIABLE = re.compile(r"\$(?:\{([A-Za-z_]\w*)(?::?([-+])([^}]*))?\}|([A-Za-z_]\w*))")
_TOKEN = re.compile(r"\S+")
_ESCAPE_DIRECTIVE = re.compile(r"^#\s*escape\s*=\s*([`\\])\s*$", re.IGNORECASE)


class DockerfileParser:
    format = "dockerfile"

    def matches(self, path: Path) -> bool:
        name = path.name.lower()
        return (
            name in ("dockerfile", "containerfile")
            or name.startswith(("dockerfile.", "containerfile."))
            or name.endswith((".dockerfile", ".containerfile"))
        )

    def parse(self, source: SourceFile, ctx: ParseContext) -> ParseResult:
        result = ParseResult()
        owner = f"dockerfile:{source.display}"
        global_args: dict[str, str] = {}
        scope: dict[str, str] = {}
        stage = -1
        commands: dict[str, tuple[str, list[int]]] = {}  # ENTRYPOINT / CMD of the stage
        for keyword, args, offsets in _instructions(source.text):
            if keyword in ("ENTRYPOINT", "CMD"):
                commands[keyword] = (args, offsets)
                if keyword == "ENTRYPOINT":
                    commands.pop("CMD", None)  # a new ENTRYPOINT resets an inherited CMD
            if keyword == "FROM":
                stage += 1
                scope = {}
                commands = {}
            elif keyword in ("ARG", "ENV"):
                target = global_args if stage < 0 else scope
                for name, value in _assignments(keyword, args):
                    if value is None:
                        if name in global_args and stage >= 0:
                            target[name] = global_args[name]
                    else:
                        target[name] = _substitute(value, scope if stage >= 0 else global_args)[0]
            elif keyword == "EXPOSE":
                for match in _TOKEN.finditer(args):
                    start = offsets[match.start()]
                    location = source.location(start, offsets[match.end() - 1] + 1)
                    _expose(result, owner, source, match.group(), location, scope, stage)
        if commands:
            _command_flags(result, owner, source, commands)
        if "ENV" in source.text:
            _environment_ports(result, owner, source)
        _record_copies(result, owner, source, ctx)
        return result


def _record_copies(result: ParseResult, owner: str, source: SourceFile, ctx: ParseContext) -> None:
    """Configs the image copies in listen in its containers, not on the host."""
    if "COPY" not in source.text.upper() and "ADD" not in source.text.upper():
        return
    from portlint.build_copies import copied_paths

    start = Path(os.path.abspath(source.path)).parent
    namespace = Namespace.dockerfile(source.display)
    label = f"the image of {source.display}"
    for path in copied_paths(source.text, (start, *start.parents), ctx.inside_roots):
        result.mounts.append(Mount(path, namespace, owner, label))


def _command_flags(
    result: ParseResult, owner: str, source: SourceFile, commands: dict[str, tuple[str, list[int]]]
) -> None:
    """Listen ports the final stage's ENTRYPOINT/CMD flags set (`portlint.flags`)."""
    from portlint.flags.sources import dockerfile_reading, emit, instruction_words

    words = {}
    for keyword, (args, offsets) in commands.items():
        fallback = (
            source.location(offsets[0], offsets[-1])
            if offsets
            else Location.point(source.display, 1)
        )
        words[keyword] = instruction_words(source, args, offsets, fallback)
    reading = dockerfile_reading(words.get("ENTRYPOINT"), words.get("CMD"))

    emit(result, reading, _image_binding(source, owner), owner, owner, source.display)


def _instructions(text: str):
    """(KEYWORD, argument text, source offset of each argument character), joining
    continuation lines and skipping comment lines inside them."""
    escape = "\\"
    lines = text.splitlines(keepends=True)
    offset = 0
    index = 0
    starts: list[int] = []
    for line in lines:
        starts.append(offset)
        offset += len(line)
    for line in lines[:5]:
        directive = _ESCAPE_DIRECTIVE.match(line.strip())
        if directive:
            escape = directive.group(1)
            break
        if not line.startswith("#"):
            break
    while index < len(lines):
        line = lines[index].rstrip("\r\n")
        stripped = line.lstrip()
        if not stripped or stripped.startswith("#"):
            index += 1
            continue
        chars: list[str] = []
        positions: list[int] = []
        base = starts[index] + (len(line) - len(stripped))
        current = stripped
        while True:
            continued = current.rstrip().endswith(escape)
            body = current.rstrip()[:-1] if continued else current
            chars.extend(body)
            positions.extend(range(base, base + len(body)))
            index += 1
            if not continued or index >= len(lines):
                break
            while index < len(lines) and lines[index].lstrip().startswith("#"):
                index += 1
            if index >= len(lines):
                break
            current = lines[index].rstrip("\r\n")
            base = starts[index]
            chars.append(" ")
            positions.append(base)
        logical = "".join(chars)
        keyword, _, rest = logical.partition(" ")
        if "\t" in keyword:
            keyword, _, tail = keyword.partition("\t")
            rest = tail + " " + rest
        skip = (
            len(logical) - len(logical.split(None, 1)[1])
            if len(logical.split(None, 1)) > 1
            else len(logical)
        )
        yield (
            keyword.upper(),
            logical[skip:],
            positions[skip:] + [positions[-1] + 1 if positions else 0],
        )


def _assignments(keyword: str, args: str) -> list[tuple[str, str | None]]:
    """NAME=value pairs (quotes removed); `ENV NAME value` legacy form; `ARG NAME`."""
    words = args.split()
    if not words:
        return []
    if keyword == "ENV" and "=" not in words[0]:
        return [(words[0], args.split(None, 1)[1].strip("\"'") if len(words) > 1 else "")]
    found: list[tuple[str, str | None]] = []
    for word in re.findall(r"""(?:[^\s"']|"[^"]*"|'[^']*')+""", args):
        name, eq, value = word.partition("=")
        found.append((name, value.strip("\"'") if eq else None))
    return found


def _substitute(text: str, scope: dict[str, str]) -> tuple[str, list[str]]:
    """Expand $VAR, ${VAR}, ${VAR:-default}, ${VAR:+alt}; names left unresolved."""
    missing: list[str] = []

    def replace(match: re.Match[str]) -> str:
        name = match.group(1) or match.group(4)
        value = scope.get(name)
        if match.group(2) == "-":
            return value if value else match.group(3)
        if match.group(2) == "+":
            return match.group(3) if value else ""
        if value is None:
            missing.append(name)
            return match.group(0)
        return value

    return _VARIABLE.sub(replace, text), missing


def _expose(
    result: ParseResult, owner: str, source: SourceFile, token: str, location, scope, stage
) -> None:
    text, missing = _substitute(token, scope)
    if missing:
        result.diagnostics.append(
            Diagnostic(
                "PL003",
                f"EXPOSE {token}: ${missing[0]} has no ARG/ENV default; the port cannot be checked",
                location,
                key=token,
            )
        )
        return
    ports, _, proto_text = text.partition("/")
    protocol = Protocol.parse(proto_text) if proto_text else Protocol.TCP
    written_variable = text != token
    if protocol is None:
        result.diagnostics.append(
            Diagnostic(
                "PL002",
                f"{label('EXPOSE', token)}: unknown protocol{mention_protocol(proto_text)} "
                "(tcp, udp or sctp)",
                location,
                key=token,
            )
        )
        return
    first, dash, last = ports.partition("-")
    port_location = (
        location if written_variable else location.sub(0, len(first) if not dash else len(ports))
    )
    start, end = parse_port(first), parse_port(last) if dash else parse_port(first)
    if start is None or end is None or end < start:
        problem = (
            f"range {ports} is reversed"
            if start and end
            else port_problem(first if start is None else last)
        )
        result.diagnostics.append(
            Diagnostic("PL002", f"{label('EXPOSE', token)}: {problem}", port_location, key=token)
        )
        return
    result.bindings.append(
        Binding(
            port=start,
            end_port=end,
            protocol=protocol,
            namespace=Namespace.dockerfile(source.display),
            role=Role.EXPOSE,
            owner=owner,
            format="dockerfile",
            location=port_location,
        )
    )


def _environment_ports(result: ParseResult, owner: str, source: SourceFile) -> None:
    """Listen ports the final stage's `ENV` sets through a variable its base image
    documents (`ENV PORT=8080` on an app image): what the image serves when nothing
    overrides it. A Compose service built from here reads the same `ENV` itself."""
    from portlint.flags.sources import emit, environment_reading, synthetic_node

    image, values = final_stage_env(source.text)
    pairs = [
        (name, synthetic_node(source, offset, value, style))
        for name, (value, offset, style) in values.items()
    ]
    reading = environment_reading(source, pairs, image)
    if not reading.ports and not reading.problems:
        return
    emit(result, reading, _image_binding(source, owner), owner, owner, source.display)


def _image_binding(source: SourceFile, owner: str) -> Callable[[int, Protocol, Location], Binding]:
    """Builds a port the image's process listens on, in the image's own namespace."""

    def binding(port: int, protocol: Protocol, where: Location) -> Binding:
        return Binding(
            port=port,
            protocol=protocol,
            namespace=Namespace.dockerfile(source.display),
            role=Role.CONTAINER,
            owner=owner,
            format="dockerfile",
            location=where,
        )

    return binding


PARSERS = [DockerfileParser()]


def final_stage_env(
    text: str, target: str | None = None
) -> tuple[str | None, dict[str, tuple[str, int, str | None]]]:
    """The base image and `ENV` values of the final stage (or of the stage named
    `target`; none when no stage has that name): name -> (value, source offset of the
    value as written (its opening quote when quoted), the quote or None). Only values
    written on one line without escapes are kept: the offset must be exact. Values a
    stage inherits from another stage (`FROM build`) are not followed."""
    image: str | None = None
    stage = ""
    values: dict[str, tuple[str, int, str | None]] = {}
    for keyword, args, offsets in _instructions(text):
        if keyword == "FROM":
            if target is not None and image is not None and stage == target.lower():
                break
            words = [word for word in args.split() if not word.startswith("--")]
            image, values = (words[0] if words else None), {}
            stage = words[2].lower() if len(words) > 2 and words[1].upper() == "AS" else ""
        elif keyword == "ENV":
            for name, value, at in _env_spans(args):
                quote = args[at] if args[at : at + 1] in ("'", '"') else None
                written = f"{quote}{value}{quote}" if quote else value
                start = offsets[at]
                if text[start : start + len(written)] != written:
                    continue  # the value spans a continuation line
                values[name] = (value, start, quote)
    if target is not None and (image is None or stage != target.lower()):
        return None, {}
    return image, values


def _env_spans(args: str) -> list[tuple[str, str, int]]:
    """(name, value, index of the value in `args`) of `ENV a=1 b="2"` and `ENV a 1`."""
    words = args.split()
    if not words:
        return []
    if "=" not in words[0]:
        rest = args.split(None, 1)
        if len(rest) < 2 or rest[1][:1] in ("'", '"') or "\\" in rest[1]:
            return []
        return [(words[0], rest[1].rstrip(), len(args) - len(rest[1]))]
    found = []
    for match in re.finditer(r"""(?:[^\s"'\\]|"[^"\\]*"|'[^']*')+""", args):
        name, eq, value = match.group().partition("=")
        if not eq or not value:
            continue
        quoted = value[:1] in ("'", '"') and value[-1:] == value[:1] and len(value) > 1
        inner = value[1:-1] if quoted else value
        if not quoted and any(q in value for q in "'\""):
            continue
        found.append((name, inner, match.start() + len(name) + 1))
    return found

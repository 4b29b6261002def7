"""The environment a service's process starts with, in Compose's order of precedence:
the image's Dockerfile `ENV` (for a service built from a local context), then the files of
`env_file:` (later files win), then `environment:`. Each variable's value keeps where it
is written, so a documented listen variable (portlint.flags.environment) becomes a binding
on its value in whichever file set it last.

Env files are read only inside the scanned roots; a missing one (often a secret file that
is not committed) is skipped, never an error.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

from portlint.flags.sources import synthetic_node
from portlint.parsers.compose.project import Project, Service
from portlint.parsers.dotenv import parse_dotenv
from portlint.source import SourceFile
from portlint.yamlnodes import MappingNode, Node, ScalarNode, SequenceNode, get

#: (file, (name, value node) pairs, the image the values are read for)
Layer = tuple[SourceFile, list[tuple[str, ScalarNode]], "str | None"]

_ASSIGNMENT = re.compile(r"^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.-]*)\s*=\s*")


def environment_layers(
    project: Project,
    service: Service,
    environment: tuple[SourceFile, Node] | None,
    env_file: tuple[SourceFile, Node] | None,
) -> list[Layer]:
    """The service's variables by the file that sets them, each name in its last layer."""
    from portlint.flags.sources import compose_env

    layers: list[Layer] = []
    dockerfile = _dockerfile_layer(project, service)
    image = service.image  # else what a locally built image is built from
    if dockerfile is not None:
        layers.append(dockerfile)
        image = dockerfile[2]
    if env_file is not None:
        for source in _env_files(project, *env_file):
            layers.append((source, env_file_pairs(source), image))
    if environment is not None:
        layers.append((environment[0], compose_env(environment[1]), image))
    seen: set[str] = set()
    for index in range(len(layers) - 1, -1, -1):  # a later layer overrides an earlier one
        source, pairs, image = layers[index]
        kept = [(name, node) for name, node in pairs if name not in seen]
        seen.update(name for name, _ in pairs)
        layers[index] = (source, kept, image)
    return [layer for layer in layers if layer[1]]


def _env_files(project: Project, source: SourceFile, node: Node) -> list[SourceFile]:
    """`env_file: a.env`, `[a.env, b.env]`, `[{path: a.env, required: false}]`."""
    entries = node.value if isinstance(node, SequenceNode) else [node]
    found = []
    read = project.ctx.read
    for entry in entries:
        if isinstance(entry, MappingNode):
            entry = get(entry, "path")
        name = project.scalar_text(source, entry)
        if not name or read is None:
            continue
        written = project.project_path(source, name.strip())
        path = Path(os.path.normpath(project.directory / written))
        if not project.ctx.inside_roots(path):
            continue
        env_source = read(path)
        if env_source is not None:
            env_source.secret = True
            found.append(env_source)
    return found


def env_file_pairs(source: SourceFile) -> list[tuple[str, ScalarNode]]:
    """(name, value node) of each one-line assignment of an env file, the node placed on
    the value as written (inside its quotes)."""
    pairs = []
    starts = _line_starts(source.text)
    lines = source.text.splitlines()
    for name, value in parse_dotenv(source.text).items():
        line = lines[value.line - 1] if value.line - 1 < len(lines) else ""
        match = _ASSIGNMENT.match(line)
        if match is None or not value.value or "\n" in value.value:
            continue
        column = match.end()
        quote = line[column : column + 1]
        style = quote if quote in ("'", '"') else None
        inner = column + (1 if style else 0)
        if line[inner : inner + len(value.value)] != value.value:
            continue  # escapes in the value: not written verbatim
        pairs.append(
            (name, synthetic_node(source, starts[value.line - 1] + column, value.value, style))
        )
    return pairs


def _line_starts(text: str) -> list[int]:
    starts = [0]
    for match in re.finditer("\n", text):
        starts.append(match.end())
    return starts


def _dockerfile_layer(project: Project, service: Service) -> Layer | None:
    """`ENV` of the stage of the Dockerfile the service is built from (`target:`, else
    the final one)."""
    if service.build is None or project.ctx.read is None:
        return None
    from portlint.parsers.dockerfile import final_stage_env

    context = Path(os.path.normpath(project.directory / service.build[0]))
    path = Path(os.path.normpath(context / service.build[1]))
    if not project.ctx.inside_roots(path):
        return None
    dockerfile = project.ctx.read(path)
    if dockerfile is None:
        return None
    image, values = final_stage_env(dockerfile.text, service.build_target)
    pairs = [
        (name, synthetic_node(dockerfile, offset, value, style))
        for name, (value, offset, style) in values.items()
    ]
    return dockerfile, pairs, service.image or image

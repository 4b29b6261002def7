"""The files a project pulls in: top-level `include:` (short form `- path`, long form
`path` (one or a list), `project_directory`, `env_file`) and `extends: {file, service}`.

Paths resolve against the including file's directory. An included file interpolates with
the including project's variables first, then its own env files (`env_file:`, else the
`.env` of its project directory). A file outside the scanned roots is never read (a
PL007 note says what was not checked); a missing one is PL001 at the entry, as
`docker compose` fails there; a cycle is loaded once.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from portlint.model import Diagnostic
from portlint.parsers.dotenv import parse_dotenv
from portlint.parsers.interpolation import interpolate
from portlint.source import SourceFile
from portlint.yamlnodes import (
    MappingNode,
    Node,
    ScalarNode,
    SequenceNode,
    YamlDocument,
    get,
    is_null,
    kind_name,
    location,
)

if TYPE_CHECKING:
    from portlint.parsers.compose.project import Project


def load_includes(project: Project) -> list[YamlDocument]:
    """Every document the project's `include:` entries load, recursively, in order."""
    loaded: list[YamlDocument] = []
    if not any(_has_include(document) for document in project.documents):
        return loaded
    seen = {os.path.realpath(document.source.path) for document in project.documents}
    for document in project.documents:
        _include(project, document, project.directory, seen, loaded)
    return loaded


def _has_include(document: YamlDocument) -> bool:
    return isinstance(document.node, MappingNode) and get(document.node, "include") is not None


def _include(
    project: Project,
    document: YamlDocument,
    directory: Path,
    seen: set[str],
    loaded: list[YamlDocument],
) -> None:
    node = get(document.node, "include") if isinstance(document.node, MappingNode) else None
    if node is None or is_null(node):
        return
    source = document.source
    if not isinstance(node, SequenceNode):
        project.error("PL001", source, node, f"'include' must be a list, not {kind_name(node)}")
        return
    unresolved: list[tuple[ScalarNode, list[str]]] = []
    for entry in node.value:
        paths, project_directory, env_files = _entry(project, source, entry)
        for path_node in paths:
            written = _text(project, source, path_node, unresolved)
            if written is None:
                continue
            path = Path(os.path.normpath(directory / written))
            base = directory / project_directory if project_directory else path.parent
            included = _read_yaml(project, source, path_node, path, seen)
            if included is None:
                continue
            env = _included_env(project, source, directory, base, env_files)
            for child in included:
                project.file_env[child.source.display] = env
                project.base_dirs[child.source.display] = Path(os.path.normpath(base)).resolve()
                loaded.append(child)
                _include(project, child, Path(os.path.normpath(base)), seen, loaded)
    if unresolved:
        first, names = unresolved[0]
        count = len(unresolved)
        project.result.diagnostics.append(
            Diagnostic(
                "PL003",
                f"{', '.join(dict.fromkeys(names))} has no value: {count} included "
                f"file{'s' if count != 1 else ''} ({first.value!r}"
                f"{' and others' if count > 1 else ''}) cannot be located, so "
                f"{'their' if count > 1 else 'its'} services are checked as separate "
                "projects; set it in the project's .env",
                location(source, first),
                key=f"{project.key}:include:{first.value}",
            )
        )


def _entry(
    project: Project, source: SourceFile, entry: Node
) -> tuple[list[ScalarNode], str | None, list[str]]:
    """(path nodes, project_directory, env files) of one `include:` entry."""
    if isinstance(entry, ScalarNode) and not is_null(entry):
        return [entry], None, []
    if not isinstance(entry, MappingNode):
        project.error(
            "PL001", source, entry, f"an 'include' entry must be a path, not {kind_name(entry)}"
        )
        return [], None, []
    path = get(entry, "path")
    values = path.value if isinstance(path, SequenceNode) else [path]
    paths = [value for value in values if isinstance(value, ScalarNode) and not is_null(value)]
    if not paths:
        project.error("PL001", source, entry, "an 'include' entry needs 'path'")
    env_node = get(entry, "env_file")
    env_nodes = env_node.value if isinstance(env_node, SequenceNode) else [env_node]
    env_files = [
        text
        for value in env_nodes
        if (text := project.scalar_text(source, value)) is not None and text.strip()
    ]
    return paths, project.scalar_text(source, get(entry, "project_directory")), env_files


def _text(
    project: Project,
    source: SourceFile,
    node: ScalarNode,
    unresolved: list[tuple[ScalarNode, list[str]]],
) -> str | None:
    text = node.value.strip()
    if "$" in text:
        result = interpolate(text, project.env_for(source))
        if result.missing or result.errors:
            unresolved.append((node, result.missing or ["a variable"]))
            return None
        text = result.value.strip()
    if not text or "://" in text or text.startswith("git@"):
        return None  # a remote include (git, oci): nothing on disk to check
    return text


def _read_yaml(
    project: Project, source: SourceFile, node: Node, path: Path, seen: set[str]
) -> list[YamlDocument] | None:
    """The documents of an included or extended-from file; None (and a finding) when it
    is outside the roots, missing or unparsable, or included already."""
    real = os.path.realpath(path)
    if real in seen:
        return None
    seen.add(real)
    documents = read_compose_file(project, source, node, path)
    return documents


def read_compose_file(
    project: Project, source: SourceFile, node: Node, path: Path
) -> list[YamlDocument] | None:
    ctx = project.ctx
    where = location(source, node)
    shown = getattr(node, "value", str(path))
    if not ctx.inside_roots(path):
        project.result.diagnostics.append(
            Diagnostic(
                "PL007",
                f"{shown!r} is outside the scanned roots: it is not read, so its services "
                "are not checked; scan the directory that holds it too",
                where,
                key=f"{project.key}:outside:{shown}",
            )
        )
        return None
    included = ctx.read(path) if ctx.read is not None else None
    if included is None:
        project.error(
            "PL001",
            source,
            node,
            f"{shown!r} does not exist or cannot be read: `docker compose` fails to load "
            "this project",
        )
        return None
    from portlint.chunkunits import compose_errors, compose_source, yaml_error

    try:
        documents = compose_source(included, ctx.options.limits)
    except compose_errors() as error:
        # The error itself is the scan's finding, in that file; here, a note where the
        # project includes it.
        at = yaml_error(included, error).location.line
        project.result.diagnostics.append(
            Diagnostic(
                "PL001",
                f"{shown!r} cannot be parsed (line {at}): its services are not checked",
                location(source, node),
                key=f"{project.key}:unparsable:{shown}",
                severity="info",
            )
        )
        return None
    return documents[:1]


def _included_env(
    project: Project, source: SourceFile, directory: Path, base: Path, env_files: list[str]
) -> dict[str, str]:
    """The including project's variables, then the included file's env files (written
    relative to the including file; by default the `.env` of its project directory)."""
    read = project.ctx.read
    paths = [directory / name for name in env_files] if env_files else [base / ".env"]
    own: dict[str, str] = {}
    for written in paths:
        path = Path(os.path.normpath(written))
        env_source = read(path) if read is not None and project.ctx.inside_roots(path) else None
        if env_source is None:
            continue
        env_source.secret = True
        for variable, value in parse_dotenv(env_source.text).items():
            own.setdefault(variable, value.value)
    return {**own, **project.env_for(source)}


def extended_base(
    project: Project,
    source: SourceFile,
    root: Node,
    extends: Node,
    seen: set[tuple[str, str]],
) -> tuple[SourceFile, Node, str, MappingNode] | None:
    """(file, its root, service name, node) of the service `extends:` names, else None
    (with PL001 when Compose would fail: a missing file or service, a cycle)."""
    if isinstance(extends, ScalarNode):
        name, file_node = project.scalar_text(source, extends), None
    elif isinstance(extends, MappingNode):
        name = project.scalar_text(source, get(extends, "service"))
        file_node = get(extends, "file")
    else:
        project.error(
            "PL001", source, extends, f"'extends' must be a service name, not {kind_name(extends)}"
        )
        return None
    if not name:
        project.error("PL001", source, extends, "'extends' needs the service to extend")
        return None
    base_source, base_root = source, root
    if isinstance(file_node, ScalarNode) and not is_null(file_node):
        written = project.scalar_text(source, file_node)
        if not written:
            return None  # an unset variable: Compose cannot say either
        directory = project.base_dirs.get(source.display, project.directory)
        path = Path(os.path.normpath(directory / written))
        documents = project.extended_files.get(str(path))
        if documents is None:
            documents = read_compose_file(project, source, file_node, path) or []
            project.extended_files[str(path)] = documents
            for document in documents:
                project.base_dirs.setdefault(document.source.display, path.parent.resolve())
                project.file_env.setdefault(document.source.display, project.env_for(source))
        if not documents:
            return None
        base_source, base_root = documents[0].source, documents[0].node
    node = get(get(base_root, "services"), name)
    if not isinstance(node, MappingNode):
        project.error(
            "PL001", source, extends, f"'extends' names service {name!r}, which is not defined"
        )
        return None
    if (os.path.realpath(base_source.path), name) in seen:
        project.error("PL001", source, extends, f"'extends' of service {name!r} is circular")
        return None
    return base_source, base_root, name, node

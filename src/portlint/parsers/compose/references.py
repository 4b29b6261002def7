"""The other files a compose file pulls into its project: top-level `include:` paths and
the files of its services' `extends: {file: ...}`, as absolute real paths.

This is the cheap, node-free reading `portlint.compose_projects` needs to tell that a file
is part of another project; the project itself loads those files with positions
(portlint.parsers.compose.includes).
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from pathlib import Path

import yaml

from portlint.options import Limits
from portlint.parsers.interpolation import interpolate
from portlint.source import SourceFile
from portlint.yamlnodes import YamlLimitError, compose_documents

#: Only a file with one of these keys can pull another in: the rest are never parsed here.
_MAY_REFER = re.compile(r"^include\s*:|^\s+extends\s*:", re.MULTILINE)


def may_refer(text: str) -> bool:
    """Whether the text can include or extend from another file at all (one C scan)."""
    return bool(_MAY_REFER.search(text))


#: The name `may_refer` is remembered under (SourceFile.fact).
REFERS = "compose-refers"


def source_may_refer(source: SourceFile) -> bool:
    """`may_refer` of the file's text, known without reading it again once worked out
    (a file the result cache knows unchanged is never read for it)."""
    return source.fact(REFERS, may_refer)


def referenced_paths(
    source: SourceFile, folder: Path, env: dict[str, str], limits: Limits
) -> Iterator[str]:
    """Real paths of the files `source` (a compose file in `folder`) includes or extends
    from; entries whose variables have no value in `env` are left out. The YAML is
    composed under the run's limits, as every file is."""
    if not source_may_refer(source):
        return
    try:
        documents = compose_documents(source, limits)
    except (yaml.YAMLError, YamlLimitError):
        return
    root = documents[0].node if documents else None
    if not isinstance(root, yaml.MappingNode):
        return
    fields = _fields(root)
    for written in _include_paths(fields.get("include")):
        yield from _resolved(written, folder, env)
    services = fields.get("services")
    if isinstance(services, yaml.MappingNode):
        for _, service in services.value:
            if not isinstance(service, yaml.MappingNode):
                continue
            extends = _fields(service).get("extends")
            if isinstance(extends, yaml.MappingNode):
                file = _fields(extends).get("file")
                if isinstance(file, yaml.ScalarNode):
                    yield from _resolved(str(file.value), folder, env)


def _fields(node: yaml.MappingNode) -> dict[str, yaml.Node]:
    return {str(key.value): value for key, value in node.value if isinstance(key, yaml.ScalarNode)}


def _include_paths(node: yaml.Node | None) -> Iterator[str]:
    """`- a.yml` and `- path: a.yml` / `- path: [a.yml, b.yml]` entries."""
    if not isinstance(node, yaml.SequenceNode):
        return
    for entry in node.value:
        if isinstance(entry, yaml.MappingNode):
            entry = _fields(entry).get("path")
        paths = entry.value if isinstance(entry, yaml.SequenceNode) else [entry]
        for path in paths:
            if isinstance(path, yaml.ScalarNode) and str(path.value).strip():
                yield str(path.value)


def _resolved(written: str, folder: Path, env: dict[str, str]) -> Iterator[str]:
    if "$" in written:
        result = interpolate(written, env)
        if result.missing or result.errors:
            return
        written = result.value
    if "://" in written or written.startswith("git@"):
        return  # a remote include (git, oci): nothing on disk
    yield os.path.realpath(os.path.join(folder, written.strip()))

"""Parser registry: one parser per format, found by file name (text formats) or by
content (YAML/JSON documents).

Two kinds of parser:

- `TextParser`: owns files by name (`matches(path)`), parses one `SourceFile`.
- `DocumentParser`: claims composed YAML/JSON documents by content (`claims(doc)`), and
  parses all documents it claimed in one group: one file, or one directory for Compose
  (`group_by_directory = True`: the compose files of a directory are one project).

Parsers never print, never exit, never see another file's results, and put every problem
they find into `ParseResult.diagnostics` with its exact location.

Third-party parsers register an object with the same attributes under the entry-point
group ``portlint.parsers``.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Protocol

from portlint.records import Record, field
from portlint.source import Roots

if TYPE_CHECKING:
    from pathlib import Path

    from portlint.compose_projects import ProjectKeys
    from portlint.model import ParseResult
    from portlint.options import Options
    from portlint.source import SourceFile
    from portlint.yamlnodes import YamlDocument


class TextParser(Protocol):
    format: str

    def matches(self, path: Path) -> bool: ...

    def parse(self, source: SourceFile, ctx: ParseContext) -> ParseResult: ...


class DocumentParser(Protocol):
    format: str
    group_by_directory: bool

    def claims(self, document: YamlDocument) -> bool: ...

    def parse(self, documents: list[YamlDocument], ctx: ParseContext) -> ParseResult: ...


class ParseContext(Record):
    """What a parser may know beyond its own file: options and roots. Host groups and
    clusters are not for parsers to decide: `portlint.resolve` does it from each
    binding's path."""

    options: Options
    roots: list[Path] = field(default_factory=list)
    #: Reads another file (an include) only when it lies inside the roots; returns None
    #: otherwise. Set by the engine.
    read: Callable[[Path], SourceFile | None] | None = None

    #: Directories that discovery walked: inside a root, as the walk follows no symlinked
    #: directory. A file in one needs a check only when it is itself a symlink.
    walked_directories: set[str] = field(default_factory=set)
    #: The scan's Compose project keys (portlint.compose_projects.ProjectKeys), set when
    #: grouping made them: the Compose parser asks the same questions of each directory.
    project_keys: ProjectKeys | None = None
    #: Per directory discovery walked (absolute): its files' names that may be Compose
    #: files (portlint.discover), so the project search lists and stats no directory again.
    listings: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def inside_roots(self, path: Path) -> bool:
        """The one "inside the roots" rule (portlint.source.Roots)."""
        return Roots(self.roots, self.walked_directories).contains(path)


#: Third-party parsers register here (pyproject: `[project.entry-points."portlint.parsers"]`).
ENTRY_POINT_GROUP = "portlint.parsers"


class Registry(Record):
    text: list[TextParser]
    documents: list[DocumentParser]


_REGISTRY: Registry | None = None
_FORK_HOOK: list[bool] = []  # registered once per process


def registry() -> Registry:
    """Built-in parsers, then third-party ones from the `portlint.parsers` entry points.

    A built-in parser is a stand-in until a file may be its (portlint.parsers.catalogue):
    a check of one Compose file imports the Compose parser and no other."""
    global _REGISTRY
    if _REGISTRY is not None:
        return _REGISTRY
    from portlint.parsers import catalogue

    parsers = _entry_point_parsers()
    text: list[TextParser] = [*catalogue.text_parsers()]
    documents: list[DocumentParser] = [*catalogue.document_parsers()]
    text += [p for p in parsers if hasattr(p, "matches")]  # type: ignore[misc]
    documents += [p for p in parsers if hasattr(p, "claims")]  # type: ignore[misc]
    _REGISTRY = Registry(text, documents)
    if not _FORK_HOOK and hasattr(os, "register_at_fork"):  # workers (portlint.workers)
        os.register_at_fork(before=load_all)
        _FORK_HOOK.append(True)
    return _REGISTRY


def load_all() -> Registry:
    """The registry with every built-in parser imported: for what instruments or checks
    them all (the fuzz targets, tests), and before forking workers, which would otherwise
    each import the parsers their files need (the parent's imports are shared)."""
    reg = registry()
    for parser in (*reg.text, *reg.documents):
        load = getattr(parser, "load", None)
        if load is not None:
            load()
    return reg


def _entry_point_parsers() -> list[object]:
    if not _may_declare_entry_points(sys.path):
        return []
    from importlib.metadata import entry_points

    found: list[object] = []
    for entry in entry_points(group=ENTRY_POINT_GROUP):
        loaded = entry.load()
        found.append(loaded() if isinstance(loaded, type) else loaded)
    return found


def _may_declare_entry_points(search_path: list[str]) -> bool:
    """Whether any installed distribution can declare our entry-point group: a look at the
    `entry_points.txt` of each `*.dist-info`/`*.egg-info` directory on the path, so a run
    with no plugin installed (nearly every run) never imports importlib.metadata (~20 ms,
    a tenth of a pre-commit check). Anything this cannot see into (a zip on the path)
    answers yes, and importlib.metadata decides."""
    needle = f"[{ENTRY_POINT_GROUP}]"
    for entry in search_path:
        directory = entry or "."
        try:
            names = os.listdir(directory)
        except NotADirectoryError:
            return True  # a zip archive or an egg: let importlib.metadata read it
        except OSError:
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            try:
                with open(os.path.join(directory, name, "entry_points.txt"), "rb") as handle:
                    if needle.encode() in handle.read():
                        return True
            except OSError:
                continue
    return False

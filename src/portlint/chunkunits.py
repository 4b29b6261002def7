"""What chunkparse needs around a parse: a queued document group and the sources its
parse sees, cache entries read back, YAML composed (or recomposed from a cached entry's
positions), the guarded call of a parser, includes read through the guarded reader, and
YAML errors as PL001.

PyYAML is imported with the first YAML file composed, not with this module: a check of
text formats only (a hook run on a Dockerfile or an nginx file) never imports it
(~15 ms of such a run)."""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portlint.model import Diagnostic, ParseResult
from portlint.options import Limits
from portlint.parsers import DocumentParser, ParseContext
from portlint.source import Location, ReadError, Roots, SourceFile, display_path, read_source

if TYPE_CHECKING:
    from portlint.chunkparse import ChunkParser
    from portlint.yamlnodes import YamlDocument


class Group:
    """A queued document group: its parser, its members' documents, what parsing gave."""

    __slots__ = ("parser", "key", "parts", "result", "reads", "done")

    def __init__(self, parser: DocumentParser, key: str) -> None:
        self.parser = parser
        self.key = key
        #: per member file: (source, text digest or None, positions of its documents in
        #: the file, the documents; None when a cache hit skipped composing the file)
        self.parts: list[tuple[SourceFile, str | None, tuple[int, ...], list | None]] = []
        self.result: ParseResult | None = None
        self.reads: list[str] = []  # display paths of the files its parse read, in order
        self.done = False


class GroupSources(dict):  # type: ignore[type-arg]
    """The sources a group's parse sees: everything the scan read, then what groups read
    (stored here, apart, so the scan's order is kept). Logs every display looked up or
    stored, so each group's reads can be put back in order."""

    def __init__(self, scanned: dict[str, SourceFile]) -> None:
        super().__init__()
        self.scanned = scanned
        self.log: list[str] = []

    def __contains__(self, display: object) -> bool:
        found = dict.__contains__(self, display) or display in self.scanned
        if found:
            self.log.append(display)  # type: ignore[arg-type]
        return found

    def __getitem__(self, display: str) -> SourceFile:
        if dict.__contains__(self, display):
            return dict.__getitem__(self, display)  # type: ignore[no-any-return]
        return self.scanned[display]

    def get(self, display: str, default: Any = None) -> Any:
        return self[display] if display in self else default  # noqa: SIM401 - logs the hit

    def __setitem__(self, display: str, source: SourceFile) -> None:
        self.log.append(display)
        dict.__setitem__(self, display, source)


def file_entry(hit: Any, parsers: int) -> tuple[list[Diagnostic], bool, list] | None:
    """A file entry as this version writes it, else None (a miss)."""
    try:
        diagnostics, claimed, claims = hit
        if not (
            isinstance(claimed, bool)
            and all(isinstance(d, Diagnostic) for d in diagnostics)
            and all(0 <= i < parsers and all(type(p) is int for p in ps) for i, ps in claims)
        ):
            return None
    except (TypeError, ValueError):
        return None
    return list(diagnostics), claimed, list(claims)


def group_entry(hit: Any) -> tuple[ParseResult, list, str | None] | None:
    """A group entry as this version writes it, else None (a miss)."""
    try:
        result, calls, resolved = hit
        if not (
            isinstance(result, ParseResult)
            and all(isinstance(p, str) and (d is None or isinstance(d, str)) for p, d in calls)
            and (resolved is None or isinstance(resolved, str))
        ):
            return None
    except (TypeError, ValueError):
        return None
    return result, list(calls), resolved


def compose_errors() -> tuple[type[Exception], type[Exception]]:
    """What composing a file may raise: a YAML error, or a limit (portlint.yamllimits)."""
    import yaml

    from portlint.yamllimits import YamlLimitError

    return yaml.YAMLError, YamlLimitError


def is_limit(error: Exception) -> bool:
    """Whether a composing error is a limit, not the text's own syntax."""
    from portlint.yamllimits import YamlLimitError

    return isinstance(error, YamlLimitError)


def compose_source(source: SourceFile, limits: Limits) -> list[YamlDocument]:
    """The file's documents; JSON that libyaml rejects (UTF-16 surrogate escapes) is
    still JSON."""
    import yaml

    from portlint.yamlnodes import compose_documents

    try:
        return compose_documents(source, limits)
    except yaml.YAMLError:
        from portlint.jsonnodes import compose_json

        fallback = compose_json(source)
        if fallback is None:
            raise
        return fallback


def recompose(source: SourceFile, positions: tuple[int, ...], parser: ChunkParser) -> list:
    """The documents of a member whose file entry was a hit but whose group was not."""
    try:
        documents = compose_source(source, parser.ctx.options.limits)
    except compose_errors():
        return []
    return [documents[i] for i in positions if i < len(documents)]


def resolved_directory(group: Group, result: ParseResult) -> str | None:
    """Where a group's directory really is, when its result holds resolved host paths
    (Compose mounts): a cached result is used only where that has not moved."""
    if not result.mounts or not group.parts:
        return None
    return os.path.realpath(os.path.dirname(os.path.abspath(group.parts[0][0].path)))


def parent_of(display: str) -> str:
    """A display path's directory (display paths use forward slashes), as the group key:
    what str(PurePosixPath(display).parent) gives, without building a path."""
    return posixpath.dirname(display) or "."


def claimant(parsers: list[DocumentParser], document: YamlDocument) -> DocumentParser | None:
    for parser in parsers:
        if parser.claims(document):
            return parser
    return None


def guarded(result: ParseResult, source: SourceFile, debug: bool, parse) -> None:
    try:
        result.extend(parse())
    except RecursionError:
        if debug:
            raise
        result.diagnostics.append(
            Diagnostic("PL001", "nesting too deep to parse", Location.point(source.display, 1))
        )
    except Exception as error:
        if debug:
            raise
        result.diagnostics.append(
            Diagnostic(
                "PL001",
                f"internal error while parsing ({type(error).__name__}: {error}); "
                "run with --debug for details",
                Location.point(source.display, 1),
            )
        )


def read_included(
    path: Path,
    ctx: ParseContext,
    roots: Roots,
    sources: dict[str, SourceFile],
    display_of: Callable[[Path], str] = display_path,
) -> SourceFile | None:
    """An include, `.env` or `env_file:` file (what a parser asks `ctx.read` for): a
    regular file inside the scanned roots, else None."""
    display = display_of(path)
    if display in sources:
        return sources[display]
    try:
        source = read_source(path, display, ctx.options.limits.max_file_bytes, roots=roots)
    except ReadError:
        return None
    sources[display] = source
    return source


def yaml_error(source: SourceFile, error: Exception) -> Diagnostic:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    if is_limit(error):
        message = f"YAML not checked: {error}"
    else:
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        context = getattr(error, "context", None)
        message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
        if "{{" in source.text:
            message += "; this looks like a template: render it first (helm template, ...)"
    return Diagnostic("PL001", message, Location.point(source.display, line, column), key="yaml")

"""Reading and parsing one chunk of a run's files: parse, extract, release.

Text files are parsed as they are read. YAML documents are queued by the parser that
claims them, in groups (a Compose project is a directory's Compose files, a manifest is
one file), and a group is parsed as soon as discovery order shows it complete: its
directory's last file has been read. Its nodes are then dropped, so memory holds the
bindings and the sources' text, never every file's YAML nodes at once.

The output is what parsing every group at the end would give: group results and the
files groups read (`.env`, includes) are put back in the order the groups were first
seen, after every file read by the scan (portlint.chunks merges in that order).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from portlint import filekinds
from portlint.chunks import Parsed
from portlint.discover import Candidate
from portlint.jsonnodes import compose_json
from portlint.model import Diagnostic, ParseResult
from portlint.parsers import DocumentParser, ParseContext, Registry
from portlint.source import Location, ReadError, Roots, SourceFile, display_path, read_source
from portlint.yamlnodes import YamlDocument, YamlLimitError, compose_documents

if TYPE_CHECKING:
    from portlint.unitcache import UnitCache

STDIN_NAME = "<stdin>"
_LAST = float("inf")  # a group completed only at the end of the chunk

GroupKey = tuple[int, str]


class _Group:
    """A queued document group: its parser, documents, and what parsing it gave."""

    __slots__ = ("parser", "documents", "result", "reads", "members", "done")

    def __init__(self, parser: DocumentParser) -> None:
        self.parser = parser
        self.documents: list[YamlDocument] = []
        self.result: ParseResult | None = None
        self.reads: list[str] = []  # display paths of the files its parse read, in order
        #: (display, digest, document indexes) of each member file, for the cache
        self.members: list[tuple[str, str, tuple[int, ...]]] = []
        self.done = False


class _GroupSources(dict):  # type: ignore[type-arg]
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


class ChunkParser:
    """Reads and parses a run of candidates (see the module docstring)."""

    def __init__(
        self,
        reg: Registry,
        ctx: ParseContext,
        roots: Roots,
        debug: bool,
        cache: UnitCache | None = None,
    ) -> None:
        self.reg = reg
        self.ctx = ctx
        self.debug = debug
        self.cache = cache
        self.sources: dict[str, SourceFile] = {}
        ctx.read = lambda p: _read_included(p, ctx, roots, self.sources)
        self.scanned = ParseResult()
        self.files = 0
        self.groups: dict[GroupKey, _Group] = {}
        self._open: dict[str, list[_Group]] = {}  # group key text -> groups not parsed yet
        self._last: dict[str, float] = {}  # directory key -> index of its last candidate
        self._group_sources = _GroupSources(self.sources)

    def parse(
        self,
        candidates: list[Candidate],
        stdin_text: str | None,
        rendered: list[SourceFile] | tuple[SourceFile, ...] = (),
    ) -> Parsed:
        displays = [display_path(c.path) for c in candidates]
        self._plan(displays, rendered, stdin_text is not None)
        for index, (candidate, display) in enumerate(zip(candidates, displays, strict=True)):
            self._file(candidate, display)
            self._complete(display, index)
        for source in rendered:  # rendered manifests (portlint.render), counted there
            self.sources[source.display] = source
            self._documents(source, cacheable=False)
        if stdin_text is not None:
            self.files += 1
            source = SourceFile(Path(STDIN_NAME), STDIN_NAME, stdin_text)
            self.sources[STDIN_NAME] = source
            self._documents(source, cacheable=False)
        scanned_sources = len(self.sources)
        for groups in list(self._open.values()):
            for group in groups:
                self._parse_group(group)
        self._open.clear()
        return Parsed(
            self.scanned,
            self._grouped(),
            [*self.sources.items(), *self._group_reads()],
            scanned_sources,
            self.files,
        )

    # --- groups ------------------------------------------------------------------------

    def _plan(
        self, displays: list[str], rendered: list[SourceFile] | tuple[SourceFile, ...], stdin: bool
    ) -> None:
        """Where each directory's last candidate is; groups keyed by a directory (or a
        file) that rendered sources or stdin may add to wait for the end."""
        for index, display in enumerate(displays):
            self._last[_parent(display)] = index
        late = [source.display for source in rendered] + ([STDIN_NAME] if stdin else [])
        for display in late:
            self._last[_parent(display)] = _LAST
            self._last[display] = _LAST

    def _complete(self, display: str, index: int) -> None:
        """Parse the groups the file at `index` completed: its own, and its directory's
        when it is the directory's last."""
        if display in self._open and self._last.get(display) != _LAST:
            for group in self._open.pop(display):
                self._parse_group(group)
        directory = _parent(display)
        if directory in self._open and self._last.get(directory) == index:
            for group in self._open.pop(directory):
                self._parse_group(group)

    def _queue(self, parser: DocumentParser, key: str) -> _Group:
        group_key = (id(parser), key)
        group = self.groups.get(group_key)
        if group is None or group.done:
            if group is not None:  # completed already (rare: a path given twice)
                key = f"{key}\0{len(self.groups)}"
                group_key = (id(parser), key)
            group = self.groups[group_key] = _Group(parser)
            self._open.setdefault(key, []).append(group)
        return group

    def _parse_group(self, group: _Group) -> None:
        """Parse one complete group, note what it read, and release its nodes."""
        group.done = True
        reading = self._group_sources
        reading.log = group.reads
        self.sources, scanned = reading, self.sources  # type: ignore[assignment]
        try:
            result = ParseResult()
            documents = group.documents
            guarded(
                result,
                documents[0].source,
                self.debug,
                lambda: group.parser.parse(documents, self.ctx),
            )
            group.result = result
        finally:
            self.sources = scanned
            reading.log = []
        group.documents = []  # the nodes go: parse, extract, release

    def _grouped(self) -> ParseResult:
        grouped = ParseResult()
        for group in self.groups.values():
            if group.result is not None:
                grouped.extend(group.result)
        return grouped

    def _group_reads(self) -> Iterator[tuple[str, SourceFile]]:
        """The files groups read and the scan did not, in the order parsing the groups
        one after another would have read them."""
        seen: set[str] = set()
        stored = self._group_sources
        for group in self.groups.values():
            for display in group.reads:
                if display in seen or display in self.sources:
                    continue
                seen.add(display)
                if dict.__contains__(stored, display):
                    yield display, dict.__getitem__(stored, display)

    # --- files -------------------------------------------------------------------------

    def _file(self, candidate: Candidate, display: str | None = None) -> None:
        if display is None:
            display = display_path(candidate.path)
        try:
            if candidate.error:  # a directory that cannot be listed
                raise ReadError(candidate.error)
            source = read_source(
                candidate.path,
                display,
                self.ctx.options.limits.max_file_bytes,
                size=candidate.size,
                # Discovery applied the roots rule (Roots.contains) when it found the file;
                # the stat it made is the size: no second lstat or fstat per file.
                roots=None,
            )
        except ReadError as error:
            self.files += 1
            self.scanned.diagnostics.append(
                Diagnostic("PL001", str(error), Location.point(display, 1, 1), key="read")
            )
            return
        self.sources[display] = source
        if candidate.parser is not None:
            self.files += 1
            parser = candidate.parser
            guarded(self.scanned, source, self.debug, lambda: parser.parse(source, self.ctx))
        elif self._documents(source):
            self.files += 1

    def _documents(self, source: SourceFile, cacheable: bool = True) -> bool:
        """Queue the file's documents for their parsers; False when nothing claimed any
        (an unrelated YAML file is not a checked file)."""
        try:
            documents = compose_documents(source, self.ctx.options.limits)
        except (yaml.YAMLError, YamlLimitError) as error:
            # JSON that libyaml rejects (UTF-16 surrogate escapes) is still JSON.
            fallback = compose_json(source) if isinstance(error, yaml.YAMLError) else None
            if fallback is None:
                # A template (PL007), a file a parser claims (PL001), or no config at all.
                found: Diagnostic | None = _yaml_error(source, error)
                if isinstance(error, yaml.YAMLError) and found is not None:
                    found = filekinds.unparsable(source, found)
                if found is not None:
                    self.scanned.diagnostics.append(found)
                return found is not None
            documents = fallback
        claimed = False
        for document in documents:
            parser = _claimant(self.reg.documents, document)
            if parser is None:
                continue
            key = _parent(source.display) if parser.group_by_directory else source.display
            self._queue(parser, key).documents.append(document)
            claimed = True
        return claimed


def _parent(display: str) -> str:
    """A display path's directory, as the group key (str(Path(display).parent))."""
    return str(Path(display).parent)


def _claimant(parsers: list[DocumentParser], document: YamlDocument) -> DocumentParser | None:
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


def _read_included(
    path: Path, ctx: ParseContext, roots: Roots, sources: dict[str, SourceFile]
) -> SourceFile | None:
    """An include, `.env` or `env_file:` file (what a parser asks `ctx.read` for): a
    regular file inside the scanned roots, else None."""
    display = display_path(path)
    if display in sources:
        return sources[display]
    try:
        source = read_source(path, display, ctx.options.limits.max_file_bytes, roots=roots)
    except ReadError:
        return None
    sources[display] = source
    return source


def _yaml_error(source: SourceFile, error: Exception) -> Diagnostic:
    mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
    line, column = (mark.line + 1, mark.column + 1) if mark is not None else (1, 1)
    if isinstance(error, YamlLimitError):
        message = f"YAML not checked: {error}"
    else:
        problem = getattr(error, "problem", None) or str(error).splitlines()[0]
        context = getattr(error, "context", None)
        message = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
        if "{{" in source.text:
            message += "; this looks like a template: render it first (helm template, ...)"
    return Diagnostic("PL001", message, Location.point(source.display, line, column), key="yaml")

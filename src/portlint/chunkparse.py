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
from typing import TYPE_CHECKING

from portlint import filekinds
from portlint.chunks import Parsed
from portlint.chunkunits import (
    Group,
    GroupSources,
    claimant,
    compose_errors,
    compose_source,
    file_entry,
    group_entry,
    guarded,
    is_limit,
    parent_of,
    read_included,
    recompose,
    resolved_directory,
    yaml_error,
)
from portlint.compose_projects import INCLUDED
from portlint.discover import Candidate
from portlint.model import Diagnostic, ParseResult
from portlint.parsers import DocumentParser, ParseContext, Registry
from portlint.source import (
    DisplayPaths,
    Location,
    ReadError,
    Roots,
    SourceFile,
    display_path,
    read_source,
)
from portlint.unitcache import (
    UnitCache,
    digest,
    stamp_entry,
    stamp_key,
    text_digest,
    unchanged,
)

if TYPE_CHECKING:
    from portlint.compose_projects import ProjectKeys
    from portlint.yamlnodes import YamlDocument

STDIN_NAME = "<stdin>"
_LAST = float("inf")  # a group completed only at the end of the chunk

GroupKey = tuple[int, str]


class ChunkParser:
    """Reads and parses a run of candidates (see the module docstring)."""

    def __init__(
        self,
        reg: Registry,
        ctx: ParseContext,
        roots: Roots,
        debug: bool,
        cache: UnitCache | None = None,
        stdin_filename: str | None = None,
    ) -> None:
        self.reg = reg
        self.stdin_filename = stdin_filename  # `--stdin-filename`: stdin parsed as that file
        self._project_keys: ProjectKeys | None = None
        self.ctx = ctx
        self.debug = debug
        self.cache = cache
        self.sources: dict[str, SourceFile] = {}
        self.display = DisplayPaths()  # one getcwd, one display per directory
        ctx.read = lambda p: read_included(p, ctx, roots, self.sources, self.display)
        self._roots = roots
        self.scanned = ParseResult()
        self.files = 0
        self.groups: dict[GroupKey, Group] = {}
        self._open: dict[str, list[Group]] = {}  # group key text -> groups not parsed yet
        self._last: dict[str, float] = {}  # directory key -> index of its last candidate
        self._group_sources = GroupSources(self.sources)
        self._parsers = {id(p): p for p in reg.documents}
        self._parser_index = {id(p): i for i, p in enumerate(reg.documents)}

    def parse(
        self,
        candidates: list[Candidate],
        stdin_text: str | None,
        rendered: list[SourceFile] | tuple[SourceFile, ...] = (),
    ) -> Parsed:
        displays = [self.display(c.path) for c in candidates]
        self._plan(displays, rendered, stdin_text is not None)
        for index, (candidate, display) in enumerate(zip(candidates, displays, strict=True)):
            self._file(candidate, display)
            self._complete(display, index)
        for source in rendered:  # rendered manifests (portlint.render), counted there
            self.sources[source.display] = source
            # Cached like a file: its entries are keyed by its display and its rendered
            # text, so the same render parses once (its origins are mapped afresh).
            self._documents(source)
        if stdin_text is not None and self.stdin_filename is not None:
            self._stdin_as(Path(self.stdin_filename), stdin_text)
        elif stdin_text is not None:
            self.files += 1
            source = SourceFile(Path(STDIN_NAME), STDIN_NAME, stdin_text)
            self.sources[STDIN_NAME] = source
            self._documents(source, cacheable=False)
        scanned_sources = len(self.sources)
        for groups in list(self._open.values()):
            for group in groups:
                self._parse_group(group)
        self._open.clear()
        parsed = Parsed(
            self.scanned,
            self._grouped(),
            [*self.sources.items(), *self._group_reads()],
            scanned_sources,
            self.files,
            self.cache.take() if self.cache is not None else None,
        )
        # `ctx.read` and the project keys hold closures over this parser: cycles that,
        # with the cycle collector paused (cli.entry), would keep every group and its
        # result alive to the end of the run.
        self.ctx.read = None
        self.ctx.project_keys = self._project_keys = None
        self.groups.clear()
        return parsed

    # --- groups ------------------------------------------------------------------------

    def _plan(
        self, displays: list[str], rendered: list[SourceFile] | tuple[SourceFile, ...], stdin: bool
    ) -> None:
        """Where each directory's last candidate is; groups keyed by a directory (or a
        file) that rendered sources or stdin may add to wait for the end."""
        for index, display in enumerate(displays):
            self._last[parent_of(display)] = index
        stdin_display = display_path(self.stdin_filename) if self.stdin_filename else STDIN_NAME
        late = [source.display for source in rendered] + ([stdin_display] if stdin else [])
        for display in late:
            self._last[parent_of(display)] = _LAST
            self._last[display] = _LAST

    def _complete(self, display: str, index: int) -> None:
        """Parse the groups the file at `index` completed: its own, and its directory's
        when it is the directory's last."""
        if display in self._open and self._last.get(display) != _LAST:
            for group in self._open.pop(display):
                self._parse_group(group)
        directory = parent_of(display)
        if directory in self._open and self._last.get(directory) == index:
            for group in self._open.pop(directory):
                self._parse_group(group)

    def _queue(self, parser: DocumentParser, key: str) -> Group:
        group_key = (id(parser), key)
        group = self.groups.get(group_key)
        if group is None or group.done:
            if group is not None:  # completed already (rare: a path given twice)
                key = f"{key}\0{len(self.groups)}"
                group_key = (id(parser), key)
            group = self.groups[group_key] = Group(parser, key)
            self._open.setdefault(key, []).append(group)
        return group

    def _parse_group(self, group: Group) -> None:
        """Parse one complete group (or take it from the cache), note what it read, and
        release its nodes."""
        group.done = True
        if INCLUDED in group.key:  # the including project parses it (compose_projects)
            group.result, group.parts = ParseResult(), []
            return
        reading = self._group_sources
        reading.log = group.reads
        self.sources, scanned = reading, self.sources  # type: ignore[assignment]
        try:
            key = self._group_cache_key(group)
            if key is None or not self._cached_group(group, key):
                self._parse_documents(group, key)
        finally:
            self.sources = scanned
            reading.log = []
        for part in group.parts:
            part[0].release()
        group.parts = []  # the nodes go: parse, extract, release
        if group.result is not None:
            group.result.shrink()  # only merged from now on (_grouped)

    def _parse_documents(self, group: Group, key: bytes | None) -> None:
        documents: list[YamlDocument] = []
        for source, _digest, positions, docs in group.parts:
            documents.extend(docs if docs is not None else recompose(source, positions, self))
        result = ParseResult()
        if not documents:  # a member changed under us since its entry was made
            group.result = result
            return
        calls: list[tuple[str, str | None]] = []
        read = self.ctx.read
        if key is not None and read is not None:

            def recording(path: Path) -> SourceFile | None:
                found = read(path)
                calls.append((str(path), None if found is None else text_digest(found.text)))
                return found

            self.ctx.read = recording
        try:
            guarded(
                result,
                documents[0].source,
                self.debug,
                lambda: group.parser.parse(documents, self.ctx),
            )
        finally:
            self.ctx.read = read
        group.result = result
        if key is not None and self.cache is not None:
            self.cache.put(key, (result, calls, resolved_directory(group, result)))

    # --- the result cache (portlint.unitcache) -------------------------------------------

    def _group_cache_key(self, group: Group) -> bytes | None:
        if self.cache is None or any(part[1] is None for part in group.parts):
            return None
        members = [(source.display, text, positions) for source, text, positions, _ in group.parts]
        return digest("group", self._parser_index[id(group.parser)], group.key, members)

    def _cached_group(self, group: Group, key: bytes) -> bool:
        """Use the group's cached result when every file its parse read reads the same."""
        assert self.cache is not None
        hit = group_entry(self.cache.get(key))
        if hit is None:
            return False
        result, calls, resolved = hit
        read = self.ctx.read
        for path, expected in calls:
            found = read(Path(path)) if read is not None else None
            if (None if found is None else text_digest(found.text)) != expected:
                del group.reads[:]
                return False
        if resolved is not None and resolved != resolved_directory(group, result):
            del group.reads[:]
            return False
        group.result = result
        return True

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
            display = self.display(candidate.path)
        stamp, candidate.stamp = candidate.stamp, None  # (candidates live to the run's end)
        if stamp is not None and self._unread(candidate, display, stamp):
            return
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
            return
        text = text_digest(source.text) if stamp is not None else None
        if self._documents(source, text=text):
            self.files += 1
        if text is not None and stamp is not None and self.cache is not None:
            # After the claiming: the facts it worked out (a compose file's include test,
            # asked by the project keys) go with the stamp, for a next run not to read it.
            self.cache.put(stamp_key(display, stamp), stamp_entry(source, text))

    def _unread(self, candidate: Candidate, display: str, stamp: tuple[int, ...]) -> bool:
        """Queue a YAML file the cache knows unchanged without reading it (its text is
        read again only for a snippet, a fix, a directive or a group that must parse)."""
        assert self.cache is not None
        key = stamp_key(display, stamp)
        known = unchanged(self.cache.get(key), stamp)
        if known is None:
            return False
        text, text_stamp, facts = known
        source = SourceFile.unread(candidate.path, display, text_stamp, facts)
        self.sources[display] = source
        if self._documents(source, text=text):
            self.files += 1
        return True

    def _documents(
        self, source: SourceFile, cacheable: bool = True, text: str | None = None
    ) -> bool:
        """Queue the file's documents for their parsers; False when nothing claimed any
        (an unrelated YAML file is not a checked file). `text`: the digest of its text,
        when known."""
        key: bytes | None = None
        if cacheable and self.cache is not None:
            text = text or text_digest(source.text)
            key = digest("file", source.display, text)
            hit = file_entry(self.cache.get(key, shared=True), len(self.reg.documents))
            if hit is not None:
                diagnostics, claimed, claims = hit
                self.scanned.diagnostics.extend(diagnostics)
                for parser_index, positions in claims:
                    parser = self.reg.documents[parser_index]
                    group = self._queue(parser, self._group_key(parser, source))
                    group.parts.append((source, text, positions, None))
                return claimed
        try:
            documents = compose_source(source, self.ctx.options.limits)
        except compose_errors() as error:
            # A template (PL007), a file a parser claims (PL001), or no config at all.
            found: Diagnostic | None = yaml_error(source, error)
            if not is_limit(error) and found is not None:
                found = filekinds.unparsable(source, found)
            if found is not None:
                self.scanned.diagnostics.append(found)
            if key is not None and self.cache is not None:
                self.cache.put(key, ([found] if found is not None else [], found is not None, []))
            return found is not None
        taken: dict[int, tuple[list[int], list[YamlDocument]]] = {}
        for position, document in enumerate(documents):
            parser = claimant(self.reg.documents, document)
            if parser is None:
                continue
            positions, docs = taken.setdefault(id(parser), ([], []))
            positions.append(position)
            docs.append(document)
        claims = []
        for parser_id, (positions, docs) in taken.items():
            parser = self._parsers[parser_id]
            group = self._queue(parser, self._group_key(parser, source))
            group.parts.append((source, text, tuple(positions), docs))
            claims.append((self._parser_index[parser_id], tuple(positions)))
        if key is not None and self.cache is not None:
            self.cache.put(key, ([], bool(claims), claims))
        return bool(claims)

    def _group_key(self, parser: DocumentParser, source: SourceFile) -> str:
        """A Compose project (its directory's default file set, else the file itself;
        a file another project includes is parsed there: portlint.compose_projects); a
        file for the other document parsers."""
        if not parser.group_by_directory:
            return source.display
        if self._project_keys is None:
            from portlint.compose_projects import ProjectKeys

            self._project_keys = ProjectKeys.for_scan(
                self.ctx, self._roots, self.sources, self.display
            )
            self.ctx.project_keys = self._project_keys
        return self._project_keys.group_key(source.path, source.display)

    def _stdin_as(self, path: Path, text: str) -> None:
        """`--stdin-filename`: the text parsed by the parser that file's name selects."""
        from portlint.discover import classify

        candidate = classify(path, self.reg)
        self.files += 1
        source = SourceFile(path, display_path(path), text)
        self.sources[source.display] = source
        parser = candidate.parser if candidate is not None else None
        if parser is not None:
            guarded(self.scanned, source, self.debug, lambda: parser.parse(source, self.ctx))
        else:
            self._documents(source, cacheable=False)

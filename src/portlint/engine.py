"""The pipeline: discover -> read -> parse -> model -> rules -> findings.

Nothing here prints or exits. A file that cannot be read or parsed becomes a PL001
finding, and every other file is still checked; a parser that crashes on a file is a
PL001 finding too (re-raised with `debug`).
"""

from __future__ import annotations

import codecs
import gc
import hashlib
import os
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import yaml

from portlint import filekinds, suppress, workers
from portlint.discover import Candidate, discover
from portlint.findings import Finding, Severity
from portlint.jsonnodes import compose_json
from portlint.model import Diagnostic, Model, ParseResult
from portlint.options import Options
from portlint.parsers import DocumentParser, ParseContext, Registry, registry
from portlint.records import Record
from portlint.resolve import containerize
from portlint.rules import all_checks
from portlint.rules.catalogue import BY_ID
from portlint.source import Location, SourceFile, display_path
from portlint.yamlnodes import YamlDocument, YamlLimitError, compose_documents

STDIN_NAME = "<stdin>"


class Report(Record):
    findings: list[Finding]
    model: Model
    sources: dict[str, SourceFile]
    suppressions: list
    #: Rules that crashed (a bug): the CLI prints each on one line and exits 2.
    internal_errors: list[str]

    __slots__ = ("findings", "model", "sources", "suppressions", "internal_errors")

    def __init__(
        self,
        findings: list[Finding],
        model: Model,
        sources: dict[str, SourceFile] | None = None,
        suppressions: list | None = None,
        internal_errors: list[str] | None = None,
    ) -> None:
        self.findings = findings
        self.model = model
        self.sources = {} if sources is None else sources
        self.suppressions = [] if suppressions is None else suppressions
        self.internal_errors = [] if internal_errors is None else internal_errors

    @property
    def files(self) -> int:
        return self.model.files

    @property
    def bindings(self) -> int:
        return len(self.model.bindings)


class ReadError(Exception):
    """A file that cannot be read as text; the message is the PL001 finding's."""


def read_source(
    path: Path, display: str, max_bytes: int, secret: bool = False, size: int | None = None
) -> SourceFile:
    """The file as text; `size` is its stat size when the caller has it (one stat less)."""
    try:
        if size is None:
            size = os.stat(path).st_size
        if size > max_bytes:
            raise ReadError(
                f"file is {size:,} bytes, over the limit of {max_bytes:,} (max-file-bytes)"
            )
        with open(path, "rb") as handle:
            # read(n) allocates n bytes up front: ask for the stat size (+1 to notice
            # growth), and only a pipe or a growing file reads on, bounded by the limit.
            data = handle.read(size + 1)
            if len(data) > size:
                data += handle.read(max_bytes + 1 - len(data))
        if len(data) > max_bytes:
            raise ReadError(f"file is over the limit of {max_bytes:,} bytes (max-file-bytes)")
    except ReadError:
        raise
    except OSError as error:
        raise ReadError(f"cannot read file: {error.strerror or error}") from None
    return SourceFile(path, display, decode(data), secret=secret)


def decode(data: bytes) -> str:
    """UTF-8 (with or without BOM), or UTF-16/32 with a BOM; anything else is an error."""
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF32_BE, "utf-32"),
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            try:
                return data.decode(encoding)
            except UnicodeDecodeError as error:
                raise ReadError(f"invalid {encoding} at byte {error.start}") from None
    if b"\0" in data[:8192]:
        raise ReadError("binary file (contains NUL bytes)")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ReadError(f"not valid UTF-8 (byte {error.start})") from None


def check(
    paths: list[str],
    options: Options,
    stdin_text: str | None = None,
    debug: bool = False,
) -> Report:
    """Run the whole check over paths ('-' reads `stdin_text`)."""
    with _without_cyclic_gc():
        return _check(paths, options, stdin_text, debug)


@contextmanager
def _without_cyclic_gc() -> Iterator[None]:
    """Pause the cycle collector for the run. Every composed YAML node stays alive until
    its parser has run, so each collection rescans a growing heap of objects that cannot
    be garbage: measured, that was 40% of a 3,000-file check. Nodes and bindings form no
    cycles; reference counting still frees what the run drops, and the collector resumes
    (and catches up) after."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _check(paths: list[str], options: Options, stdin_text: str | None, debug: bool) -> Report:
    reg = registry()
    roots = [Path(p).resolve() for p in paths if p != "-"]
    # Sorted: the output must not depend on the order the paths were given in (pre-commit
    # passes file names in any order), and related locations follow discovery order.
    file_paths = sorted({Path(p) for p in paths if p != "-"}, key=lambda p: p.as_posix())
    candidates = list(
        discover(
            file_paths, reg, options.exclude, Path(options.config_dir), options.default_exclude
        )
    )
    stdin = stdin_text if "-" in paths else None
    # --- rendered sources (portlint.render): charts, kustomizations, `# Source:` stdin ---
    from portlint.render import prepare

    rendered = prepare(candidates, options, stdin, roots)
    candidates, stdin = rendered.candidates, rendered.stdin
    # --- end rendered sources ---
    directories = [os.path.dirname(os.path.abspath(c.path)) for c in candidates]
    # Directories discovery walked: inside a root, as the walk follows no symlinked
    # directory, so a file read from one (an include, a .env) needs no resolve(). Shared,
    # never changed, by every chunk's context.
    walked = {d for d, c in zip(directories, candidates, strict=True) if not c.explicit}
    context_roots = [r if r.is_dir() else r.parent for r in roots]

    def parse(chunk: list[Candidate], last: bool) -> _Parsed:
        ctx = ParseContext(options=options, roots=context_roots, walked_directories=walked)
        parser = _ChunkParser(reg, ctx, debug)
        return parser.parse(chunk, stdin if last else None, rendered.sources if last else [])

    chunks, processes = _chunks(
        candidates, directories, options, one_process=debug or stdin is not None
    )
    parsed = workers.run_chunks(
        len(chunks), lambda i: parse(chunks[i], i == len(chunks) - 1), processes
    )

    result = ParseResult()
    sources: dict[str, SourceFile] = {}
    for part in parsed:  # the same order a one-process run appends in
        result.extend(part.scanned)
        for display, source in part.sources[: part.scanned_sources]:
            sources.setdefault(display, source)
    for part in parsed:
        result.extend(part.grouped)
        for display, source in part.sources[part.scanned_sources :]:
            sources.setdefault(display, source)

    result.extend(rendered.result)  # rendered sources: PL007 notes
    containerize(result)
    model = Model.from_result(result, sum(part.files for part in parsed) + rendered.files)
    errors: list[str] = []
    findings = run_rules(model, options, debug, errors)
    # Rendered sources: findings, bindings and annotation suppressions to their origins.
    findings = rendered.remapper.remap(findings, sources, model.bindings, result.suppressions)
    kept, used = suppress.apply(findings, result.suppressions, sources, options)
    _fingerprint(kept)
    kept.sort(key=Finding.sort_key)
    return Report(kept, model, sources, used, errors)


def _chunks(
    candidates: list[Candidate], directories: list[str], options: Options, one_process: bool
) -> tuple[list[list[Candidate]], int]:
    """The candidates (each in its absolute directory) cut into chunks for `processes`
    processes (one chunk, one process, unless forking pays: see portlint.workers)."""
    jobs = 1 if one_process or not workers.can_fork() else options.jobs or workers.usable_cpus()
    processes = workers.workers_for(sum(c.size or 0 for c in candidates), jobs)
    if processes < 2:
        return [candidates], 1
    starts = workers.plan_chunks(
        directories,
        [c.size or 0 for c in candidates],
        processes * workers.CHUNKS_PER_WORKER,
    )
    ends = [*starts[1:], len(candidates)]
    return [candidates[a:b] for a, b in zip(starts, ends, strict=True)], processes


class _Parsed(Record):
    """What one chunk of the files gave, for merging in chunk order."""

    scanned: ParseResult  # text parsers and read/YAML errors, in file order
    grouped: ParseResult  # document groups (a Compose project, a manifest), in first-file order
    sources: list[tuple[str, SourceFile]]  # every file read, in the order read
    scanned_sources: int  # how many of them were read before the groups were parsed
    files: int

    __slots__ = ("scanned", "grouped", "sources", "scanned_sources", "files")

    def __init__(
        self,
        scanned: ParseResult,
        grouped: ParseResult,
        sources: list[tuple[str, SourceFile]],
        scanned_sources: int,
        files: int,
    ) -> None:
        self.scanned = scanned
        self.grouped = grouped
        self.sources = sources
        self.scanned_sources = scanned_sources
        self.files = files


class _ChunkParser:
    """Reads and parses a run of candidates: text files at once, YAML documents queued by
    the parser that claims them and parsed per group at the end."""

    def __init__(self, reg: Registry, ctx: ParseContext, debug: bool) -> None:
        self.reg = reg
        self.ctx = ctx
        self.debug = debug
        self.sources: dict[str, SourceFile] = {}
        ctx.read = lambda p: _read_included(p, ctx, self.sources)
        self.scanned = ParseResult()
        self.files = 0
        self.doc_groups: dict[tuple[int, str], list[YamlDocument]] = defaultdict(list)
        self.doc_parsers: dict[int, DocumentParser] = {}

    def parse(
        self,
        candidates: list[Candidate],
        stdin_text: str | None,
        rendered: list[SourceFile] | tuple[SourceFile, ...] = (),
    ) -> _Parsed:
        for candidate in candidates:
            self._file(candidate)
        for source in rendered:  # rendered manifests (portlint.render), counted there
            self.sources[source.display] = source
            self._documents(source)
        if stdin_text is not None:
            self.files += 1
            source = SourceFile(Path(STDIN_NAME), STDIN_NAME, stdin_text)
            self.sources[STDIN_NAME] = source
            self._documents(source)
        scanned_sources = len(self.sources)
        grouped = ParseResult()
        for (parser_id, _key), documents in self.doc_groups.items():
            parser = self.doc_parsers[parser_id]
            first = documents[0].source
            _guarded(grouped, first, self.debug, lambda p=parser, d=documents: p.parse(d, self.ctx))
        return _Parsed(
            self.scanned, grouped, list(self.sources.items()), scanned_sources, self.files
        )

    def _file(self, candidate: Candidate) -> None:
        display = display_path(candidate.path)
        try:
            if candidate.error:  # a directory that cannot be listed
                raise ReadError(candidate.error)
            source = read_source(
                candidate.path,
                display,
                self.ctx.options.limits.max_file_bytes,
                size=candidate.size,
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
            _guarded(self.scanned, source, self.debug, lambda: parser.parse(source, self.ctx))
        elif self._documents(source):
            self.files += 1

    def _documents(self, source: SourceFile) -> bool:
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
            key = str(Path(source.display).parent) if parser.group_by_directory else source.display
            self.doc_groups[(id(parser), key)].append(document)
            self.doc_parsers[id(parser)] = parser
            claimed = True
        return claimed


def run_rules(
    model: Model, options: Options, debug: bool = False, errors: list[str] | None = None
) -> list[Finding]:
    findings: list[Finding] = []
    for rule_id, function in all_checks():
        if rule_id not in options.enabled:
            continue
        severity = options.severity.get(rule_id) or BY_ID[rule_id].default or Severity.WARNING
        try:
            produced = list(function(model, options))
        except Exception as error:  # a rule bug must not lose the other rules' findings
            if debug:
                raise
            if errors is not None:
                errors.append(f"rule {rule_id} failed: {type(error).__name__}: {error}")
            continue
        for finding in produced:
            if finding.severity is None or rule_id in options.severity:
                finding.severity = severity
        findings.extend(produced)
    return findings


def _claimant(parsers: list[DocumentParser], document: YamlDocument) -> DocumentParser | None:
    for parser in parsers:
        if parser.claims(document):
            return parser
    return None


def _guarded(result: ParseResult, source: SourceFile, debug: bool, parse) -> None:
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


def _read_included(path: Path, ctx: ParseContext, sources: dict[str, SourceFile]):
    """An include or .env file, only inside the scanned roots; None when not readable."""
    if not ctx.inside_roots(path):
        return None
    display = display_path(path)
    if display in sources:
        return sources[display]
    try:
        source = read_source(path, display, ctx.options.limits.max_file_bytes)
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


def _fingerprint(findings: list[Finding]) -> None:
    """Stable across moved lines: rule, path and the finding's subject, never a line."""
    counts: dict[str, int] = defaultdict(int)
    for finding in sorted(findings, key=Finding.sort_key):
        subject = finding.key or finding.message
        base = f"{finding.rule}\0{finding.location.path}\0{subject}"
        counts[base] += 1
        digest = hashlib.sha256(f"{base}\0{counts[base]}".encode()).hexdigest()
        finding.fingerprint = digest[:32]

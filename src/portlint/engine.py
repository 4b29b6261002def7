"""The pipeline: discover -> read -> parse -> model -> rules -> findings.

Nothing here prints or exits. A file that cannot be read or parsed becomes a PL001
finding, and every other file is still checked; a parser that crashes on a file is a
PL001 finding too (re-raised with `debug`).
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from portlint import chunks, filekinds, resolve, suppress, workers
from portlint.chunks import Parsed
from portlint.discover import Candidate, discover
from portlint.findings import Finding, Severity
from portlint.fingerprints import fingerprint
from portlint.jsonnodes import compose_json
from portlint.model import Diagnostic, Model, ParseResult
from portlint.options import Options
from portlint.parsers import DocumentParser, ParseContext, Registry, registry
from portlint.records import Record, field
from portlint.rules import all_checks
from portlint.rules.catalogue import BY_ID
from portlint.source import Location, ReadError, Roots, SourceFile, display_path, read_source
from portlint.yamlnodes import YamlDocument, YamlLimitError, compose_documents

if TYPE_CHECKING:
    from portlint.compose_projects import ProjectKeys
    from portlint.render.mapping import Remapper

STDIN_NAME = "<stdin>"


class Report(Record):
    findings: list[Finding]
    model: Model
    sources: dict[str, SourceFile] = field(default_factory=dict)
    suppressions: list = field(default_factory=list)
    #: Rules that crashed (a bug): the CLI prints each on one line and exits 2.
    internal_errors: list[str] = field(default_factory=list)

    @property
    def files(self) -> int:
        return self.model.files

    @property
    def bindings(self) -> int:
        return len(self.model.bindings)


def check(
    paths: list[str],
    options: Options,
    stdin_text: str | None = None,
    debug: bool = False,
) -> Report:
    """Run the whole check over paths ('-' reads `stdin_text`)."""
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
    guard = Roots(context_roots, walked)

    def parse(chunk: list[Candidate], last: bool) -> Parsed:
        ctx = ParseContext(options=options, roots=context_roots, walked_directories=walked)
        parser = ChunkParser(reg, ctx, guard, debug)
        return parser.parse(chunk, stdin if last else None, rendered.sources if last else [])

    parts, processes = chunks.plan(
        candidates, directories, options, one_process=debug or stdin is not None
    )
    parsed = workers.run_chunks(
        len(parts), lambda i: parse(parts[i], i == len(parts) - 1), processes
    )

    result, sources, files = chunks.merge(parsed)
    result.extend(rendered.result)  # rendered sources: PL007 notes
    return conclude(result, sources, files + rendered.files, options, debug, rendered.remapper)


def conclude(
    result: ParseResult,
    sources: dict[str, SourceFile],
    files: int,
    options: Options,
    debug: bool = False,
    remapper: Remapper | None = None,
) -> Report:
    """The cross-file stages over every file's parse result: resolve the model, run the
    rules, move rendered findings to their origins, apply suppressions, fingerprint and
    sort. The command line and the language server (portlint.lsp) share it."""
    model = resolve.build(result, options, files)
    errors: list[str] = []
    findings = run_rules(model, options, debug, errors)
    if remapper is not None:
        # Rendered sources: findings, bindings and annotation suppressions to their origins.
        findings = remapper.remap(findings, sources, model.bindings, result.suppressions)
    kept, used = suppress.apply(findings, result.suppressions, sources, options)
    fingerprint(kept)
    kept.sort(key=Finding.sort_key)
    return Report(kept, model, sources, used, errors)


class ChunkParser:
    """Reads and parses a run of candidates: text files at once, YAML documents queued by
    the parser that claims them and parsed per group at the end."""

    def __init__(self, reg: Registry, ctx: ParseContext, roots: Roots, debug: bool) -> None:
        self.reg = reg
        self.ctx = ctx
        self.debug = debug
        self.sources: dict[str, SourceFile] = {}
        ctx.read = lambda p: _read_included(p, ctx, roots, self.sources)
        self.scanned = ParseResult()
        self.files = 0
        self.doc_groups: dict[tuple[int, str], list[YamlDocument]] = defaultdict(list)
        self._project_keys: ProjectKeys | None = None
        self.doc_parsers: dict[int, DocumentParser] = {}

    def parse(
        self,
        candidates: list[Candidate],
        stdin_text: str | None,
        rendered: list[SourceFile] | tuple[SourceFile, ...] = (),
    ) -> Parsed:
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
            guarded(grouped, first, self.debug, lambda p=parser, d=documents: p.parse(d, self.ctx))
        return Parsed(
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

    def _project_key(self, source: SourceFile) -> str:
        """The Compose project of a compose file: its directory's default set, or itself."""
        if self._project_keys is None:
            from portlint.compose_projects import ProjectKeys

            self._project_keys = ProjectKeys(self.ctx.read)
        return self._project_keys.key(source.path, source.display)

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
            key = self._project_key(source) if parser.group_by_directory else source.display
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

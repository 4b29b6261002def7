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
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from portlint import suppress
from portlint.discover import discover
from portlint.findings import Finding, Severity
from portlint.jsonnodes import compose_json
from portlint.model import Diagnostic, Model, ParseResult
from portlint.options import Options
from portlint.parsers import DocumentParser, ParseContext, registry
from portlint.resolve import containerize
from portlint.rules import all_checks
from portlint.rules.catalogue import BY_ID
from portlint.source import Location, SourceFile, display_path
from portlint.yamlnodes import YamlDocument, YamlLimitError, compose_documents

STDIN_NAME = "<stdin>"


@dataclass(slots=True)
class Report:
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
        with open(path, "rb") as handle:  # bounded: a pipe or a growing file has no size
            data = handle.read(max_bytes + 1)
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
    sources: dict[str, SourceFile] = {}
    ctx = ParseContext(options=options, roots=[r if r.is_dir() else r.parent for r in roots])
    ctx.read = lambda p: _read_included(p, ctx, sources)

    result = ParseResult()
    files = 0
    doc_groups: dict[tuple[int, str], list[YamlDocument]] = defaultdict(list)
    doc_parsers: dict[int, DocumentParser] = {}

    def parse_documents(source: SourceFile) -> bool:
        """Queue the file's documents for their parsers; False when nothing claimed any
        (an unrelated YAML file is not a checked file)."""
        try:
            documents = compose_documents(source, options.limits)
        except (yaml.YAMLError, YamlLimitError) as error:
            # JSON that libyaml rejects (UTF-16 surrogate escapes) is still JSON.
            fallback = compose_json(source) if isinstance(error, yaml.YAMLError) else None
            if fallback is None:
                result.diagnostics.append(_yaml_error(source, error))
                return True
            documents = fallback
        claimed = False
        for document in documents:
            parser = _claimant(reg.documents, document)
            if parser is None:
                continue
            key = str(Path(source.display).parent) if parser.group_by_directory else source.display
            doc_groups[(id(parser), key)].append(document)
            doc_parsers[id(parser)] = parser
            claimed = True
        return claimed

    # Sorted: the output must not depend on the order the paths were given in (pre-commit
    # passes file names in any order), and related locations follow discovery order.
    file_paths = sorted({Path(p) for p in paths if p != "-"}, key=lambda p: p.as_posix())
    base = Path(options.config_dir)
    for candidate in discover(file_paths, reg, options.exclude, base):
        display = display_path(candidate.path)
        try:
            if candidate.error:  # a directory that cannot be listed
                raise ReadError(candidate.error)
            source = read_source(
                candidate.path, display, options.limits.max_file_bytes, size=candidate.size
            )
        except ReadError as error:
            files += 1
            result.diagnostics.append(
                Diagnostic("PL001", str(error), Location.point(display, 1, 1), key="read")
            )
            continue
        sources[display] = source
        if not candidate.explicit:
            ctx.walked_directories.add(os.path.dirname(os.path.abspath(candidate.path)))
        if candidate.parser is not None:
            files += 1
            _guarded(result, source, debug, lambda s=source, p=candidate.parser: p.parse(s, ctx))
        elif parse_documents(source):
            files += 1

    if "-" in paths and stdin_text is not None:
        files += 1
        source = SourceFile(Path(STDIN_NAME), STDIN_NAME, stdin_text)
        sources[STDIN_NAME] = source
        parse_documents(source)

    for (parser_id, _key), documents in doc_groups.items():
        parser = doc_parsers[parser_id]
        first = documents[0].source
        _guarded(result, first, debug, lambda p=parser, d=documents: p.parse(d, ctx))

    containerize(result)
    model = Model.from_result(result, files)
    errors: list[str] = []
    findings = run_rules(model, options, debug, errors)
    kept, used = suppress.apply(findings, result.suppressions, sources, options)
    _fingerprint(kept)
    kept.sort(key=Finding.sort_key)
    return Report(kept, model, sources, used, errors)


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

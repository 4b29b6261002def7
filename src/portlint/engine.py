"""The pipeline: discover -> read -> parse -> model -> rules -> findings.

Nothing here prints or exits. A file that cannot be read or parsed becomes a PL001
finding, and every other file is still checked; a parser that crashes on a file is a
PL001 finding too (re-raised with `debug`).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from portlint import chunks, resolve, suppress, workers
from portlint.chunkparse import STDIN_NAME, ChunkParser, guarded
from portlint.chunks import Parsed
from portlint.discover import Candidate, discover
from portlint.findings import Finding, Severity
from portlint.fingerprints import fingerprint
from portlint.model import Model, ParseResult
from portlint.options import Options
from portlint.parsers import ParseContext, Registry, registry
from portlint.records import Record, field
from portlint.rules import all_checks
from portlint.rules.catalogue import BY_ID
from portlint.source import ReadError, Roots, SourceFile, read_source

if TYPE_CHECKING:
    from portlint.render.mapping import Remapper
    from portlint.unitcache import UnitCache

__all__ = [
    "STDIN_NAME",
    "ChunkParser",
    "ReadError",
    "Report",
    "check",
    "conclude",
    "guarded",
    "read_source",
    "run_rules",
]


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
    stdin_filename: str | None = None,
    use_cache: bool = False,
) -> Report:
    """Run the whole check over paths ('-' reads `stdin_text`, parsed, located and
    suppressed as if it were the file `stdin_filename` when that is given); `use_cache`
    keeps parse results between runs (portlint.unitcache)."""
    reg = registry()
    roots = [Path(p).resolve() for p in paths if p != "-"]
    if stdin_filename is not None and "-" in paths:  # its .env and includes are readable
        roots.append(Path(stdin_filename).resolve().parent)
    # Sorted: the output must not depend on the order the paths were given in (pre-commit
    # passes file names in any order), and related locations follow discovery order.
    file_paths = sorted({Path(p) for p in paths if p != "-"}, key=lambda p: p.as_posix())
    listings: dict[str, tuple[str, ...]] = {}
    context_roots = [r if r.is_dir() else r.parent for r in roots]
    cache = _cache(reg, options, context_roots) if use_cache and not debug else None
    candidates = list(
        discover(
            file_paths,
            reg,
            options.exclude,
            Path(options.config_dir),
            options.default_exclude,
            listings,
            stamps=cache is not None,
        )
    )
    stdin = stdin_text if "-" in paths else None
    # --- rendered sources (portlint.render): charts, kustomizations, `# Source:` stdin ---
    from portlint.render import prepare

    rendered = prepare(candidates, options, None if stdin_filename else stdin, roots, cache)
    candidates, stdin = rendered.candidates, stdin if stdin_filename else rendered.stdin
    # --- end rendered sources ---
    directories = [os.path.dirname(os.path.abspath(c.path)) for c in candidates]
    # Directories discovery walked: inside a root, as the walk follows no symlinked
    # directory, so a file read from one (an include, a .env) needs no resolve(). Shared,
    # never changed, by every chunk's context.
    walked = {d for d, c in zip(directories, candidates, strict=True) if not c.explicit}
    guard = Roots(context_roots, walked)

    def parse(chunk: list[Candidate], last: bool) -> Parsed:
        ctx = ParseContext(
            options=options, roots=context_roots, walked_directories=walked, listings=listings
        )
        parser = ChunkParser(reg, ctx, guard, debug, cache, stdin_filename=stdin_filename)
        return parser.parse(chunk, stdin if last else None, rendered.sources if last else [])

    # A warm cache leaves little to parse: one process (forking lost, measured).
    warm = cache is not None and bool(cache.entries)
    parts, processes = chunks.plan(
        candidates, directories, options, one_process=debug or stdin is not None or warm
    )
    parsed = workers.run_chunks(
        len(parts), lambda i: parse(parts[i], i == len(parts) - 1), processes
    )

    result, sources, files = chunks.merge(parsed)
    # What only parsing needed goes before the rules (the run's peak). The files' text
    # too: a snippet, a fix or a directive reads it again (SourceFile.release).
    for source in sources.values():
        source.release(guard)  # read again, it stays inside the roots (see Roots)
    walked.clear()
    listings.clear()
    del directories
    if cache is not None:
        for part in parsed:
            if part.cache is not None:
                cache.add(*part.cache)
                part.cache = None  # the entries' bytes go with the cache's (release)
        cache.save()
        cache.release()  # its bytes are not needed by the rules
    parsed.clear()  # merged: the chunks' own lists go before the rules
    result.extend(rendered.result)  # rendered sources: PL007 notes
    return conclude(result, sources, files + rendered.files, options, debug, rendered.remapper)


def _cache(reg: Registry, options: Options, roots: list[Path]) -> UnitCache | None:
    """The result cache for this setting, loaded; None where parsers read the shell's
    environment (not part of any key)."""
    if options.env_from_shell:
        return None
    from portlint import unitcache

    cache = unitcache.UnitCache(unitcache.setting([*reg.text, *reg.documents], options, roots))
    cache.load()
    return cache


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

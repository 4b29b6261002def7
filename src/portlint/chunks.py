"""Cutting a run's files into chunks for the worker processes, and merging what the
chunks gave back into one result, in the order a one-process run would have built it.

The merge is two passes: first every chunk's text-parser results and read errors, then
every chunk's document groups (Compose projects, manifests), because a one-process run
parses all files before any group. Sources follow the same order, so the output is
byte-identical however many processes parsed.
"""

from __future__ import annotations

from portlint import workers
from portlint.discover import Candidate
from portlint.model import ParseResult
from portlint.options import Options
from portlint.records import Record
from portlint.source import SourceFile


class Parsed(Record):
    """What one chunk of the files gave, for merging in chunk order."""

    scanned: ParseResult  # text parsers and read/YAML errors, in file order
    grouped: ParseResult  # document groups (a Compose project, a manifest), in first-file order
    sources: list[tuple[str, SourceFile]]  # every file read, in the order read
    scanned_sources: int  # how many of them were read before the groups were parsed
    files: int
    #: The result cache's keys this chunk used and the entries it made (portlint.unitcache)
    cache: tuple | None = None


def plan(
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


def merge(parsed: list[Parsed]) -> tuple[ParseResult, dict[str, SourceFile], int]:
    """The chunks' results as one: (result, sources by display path, files checked)."""
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
    return result, sources, sum(part.files for part in parsed)

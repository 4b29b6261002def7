"""Rendered sources: Helm charts, kustomizations and `# Source:` streams.

The engine hands over the discovered candidates before parsing; `prepare` takes the
files that belong to a chart or a kustomization out of them, renders each with its own
engine, and returns the rendered manifests as virtual files for the document parsers,
plus a `Remapper` that moves the findings back to the templates, values keys, bases
and patches afterwards. Without an engine, one PL007 per chart or kustomization says
what was not checked.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

from portlint.model import Diagnostic, ParseResult
from portlint.records import Record
from portlint.render.mapping import Remapper, VirtualFile, match_lines
from portlint.render.stream import has_sources, split_sources
from portlint.source import Location, ReadError, SourceFile, display_path, read_bytes

if TYPE_CHECKING:
    from portlint.discover import Candidate
    from portlint.options import Options
    from portlint.render.memo import RenderMemo
    from portlint.unitcache import UnitCache

STDIN_NAME = "<stdin>"
KUSTOMIZATION_NAMES = frozenset({"kustomization.yaml", "kustomization.yml", "Kustomization"})


class Prepared(Record):
    candidates: list[Candidate]  # what is still parsed file by file
    stdin: str | None  # stdin text still parsed as one file (no `# Source:` in it)
    sources: list[SourceFile]  # virtual files of rendered manifests
    result: ParseResult  # PL007 and render diagnostics
    remapper: Remapper
    files: int  # files read for the rendered output (charts, kustomizations, stdin)
    memo: RenderMemo | None  # renders kept between runs (None: --no-cache)
    max_bytes: int | None  # `limits: max-file-bytes` for its reads (None: the default)

    __slots__ = (
        "candidates",
        "stdin",
        "sources",
        "result",
        "remapper",
        "files",
        "memo",
        "max_bytes",
    )

    def __init__(
        self,
        candidates: list[Candidate],
        stdin: str | None,
        sources: list[SourceFile] | None = None,
        result: ParseResult | None = None,
        remapper: Remapper | None = None,
        files: int = 0,
        memo: RenderMemo | None = None,
        max_bytes: int | None = None,
    ) -> None:
        self.candidates = candidates
        self.stdin = stdin
        self.sources = [] if sources is None else sources
        self.result = ParseResult() if result is None else result
        self.remapper = Remapper() if remapper is None else remapper
        self.files = files
        self.memo = memo
        self.max_bytes = max_bytes

    def show(self, path: Path | str) -> Path:
        """A path written as the user's paths are: relative to the current directory
        when they were (`../repo/chart/values.yaml`, not `/home/.../values.yaml`)."""
        relative = bool(self.candidates) and not os.path.isabs(self.candidates[0].path)
        if relative and os.path.isabs(path):
            return Path(os.path.relpath(path))
        return Path(path)

    def read(self, path: Path | str) -> SourceFile | None:
        return read_text(self.show(path), self.max_bytes)

    def note(self, rule: str, message: str, display: str, key: str) -> None:
        self.result.diagnostics.append(Diagnostic(rule, message, Location.point(display, 1), key))

    def add_virtual(
        self, display: str, path: Path, text: str, origin: SourceFile | None
    ) -> VirtualFile | None:
        """A rendered manifest to parse as `display`; with an origin file, its findings
        move to that file's lines."""
        rendered = SourceFile(path, display, text)
        self.sources.append(rendered)
        if origin is None:
            return None
        from portlint.render import mapcache

        lines = mapcache.origins(
            self.memo, "lines", text, [origin], lambda: match_lines(text, origin)
        )
        virtual = VirtualFile(rendered, lines, Location.point(display, 1))
        self.remapper.add(display, virtual)
        self.remapper.originals[origin.display] = origin
        return virtual


def prepare(
    candidates: list[Candidate],
    options: Options,
    stdin: str | None,
    roots: list[Path] | None = None,
    cache: UnitCache | None = None,
) -> Prepared:
    """Split off and render charts and kustomizations (see the module docstring);
    `roots`, the scanned paths, bound what a kustomization may read; `cache` keeps the
    renders between runs (portlint.render.memo)."""
    prepared = Prepared(candidates, stdin, max_bytes=options.limits.max_file_bytes)
    if stdin is not None and has_sources(stdin):
        _stream(prepared, stdin)
        prepared.stdin = None
        prepared.files += 1
    names = {os.path.basename(c.path) for c in candidates}
    if cache is not None and ("Chart.yaml" in names or names & KUSTOMIZATION_NAMES):
        from portlint.render.memo import RenderMemo

        prepared.memo = RenderMemo(cache, [os.path.realpath(r) for r in roots or []])
    charts: list[str] = []
    if "Chart.yaml" in names:  # the engines' modules only when a tree has one
        from portlint.render import charts as chart_render

        charts = chart_render.split(prepared)
    pending = None
    if names & KUSTOMIZATION_NAMES:
        from portlint.render import kustomize

        real = None if roots is None else [os.path.realpath(r) for r in roots]
        pending = kustomize.start(prepared, real)  # kustomize runs while charts render
    if charts:
        real = None if roots is None else [os.path.realpath(r) for r in roots]
        chart_render.render_all(prepared, options, charts, real)
    if pending is not None:
        kustomize.finish(pending)
    prepared.files += len(candidates) - len(prepared.candidates)
    return prepared


def _stream(prepared: Prepared, text: str) -> None:
    """`helm template ... | portlint check -`: each template's documents are reported
    against the `# Source:` file (its lines, when the chart is in the current directory)."""
    here = os.path.realpath(os.getcwd())
    for source_path, chunk in split_sources(text).items():
        # A `# Source:` path is the stream's word: one leading out of the current
        # directory (`../../etc/...`) is never opened, its findings stay on the stream.
        within = inside(os.path.realpath(source_path), here)
        origin = read_text(Path(source_path), prepared.max_bytes) if within else None
        display = display_path(source_path)
        prepared.add_virtual(display, Path(source_path), chunk, origin)


def read_text(path: Path, max_bytes: int | None = None) -> SourceFile | None:
    """A chart's or kustomization's file as text (None if it cannot be read), through the
    guarded reader: a FIFO there does not hang the run, nor a file over `max_bytes` (the
    run's `max-file-bytes`; default, the option's default) fill memory. Decoded as UTF-8
    with universal newlines, as Helm and kustomize read it."""
    from portlint.options import Limits

    try:
        data = read_bytes(path, Limits().max_file_bytes if max_bytes is None else max_bytes)
        text = data.decode("utf-8").replace("\r\n", "\n").replace("\r", "\n")
    except (ReadError, UnicodeDecodeError, ValueError):
        return None
    return SourceFile(path, display_path(path), text)


def inside(path: str, directory: str) -> bool:
    return path == directory or path.startswith(directory.rstrip(os.sep) + os.sep)

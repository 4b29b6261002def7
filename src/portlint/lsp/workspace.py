"""The workspace as one model, re-checked as the user types without re-reading the tree.

The editor's unsaved text of an open document overrides the file on disk. Parse results
are kept per directory (the unit the engine parses in: a Compose project, with its .env
and overrides, is one directory) and re-parsed only when a file in that directory changed
on disk or in the editor; the cross-file stages (resolve, the rules, suppressions) run on
the merged results each time, so a collision with a file that is not open is still found.
"""

from __future__ import annotations

import os
import pickle
from pathlib import Path

from portlint import chunks, engine
from portlint.config import build_options, find_config, load_config
from portlint.discover import Candidate, discover
from portlint.errors import ConfigError
from portlint.findings import Finding
from portlint.model import Diagnostic, Model
from portlint.options import Options
from portlint.parsers import ParseContext, Registry, registry
from portlint.records import Record
from portlint.source import Location, Roots, SourceFile, display_path


class Checked(Record):
    """One check of the workspace: findings, the model and every file's text."""

    findings: list[Finding]
    model: Model
    sources: dict[str, SourceFile]


class Workspace:
    """A root directory, the editor's overlays, and parse results per directory."""

    def __init__(self, root: Path, debug: bool = False) -> None:
        self.root = root.resolve()
        self.debug = debug
        self.overlays: dict[str, str] = {}  # absolute path -> unsaved text
        self.config_error: str | None = None
        self.options = self._load_options()
        self._registry: Registry = registry()
        self._candidates: list[Candidate] | None = None
        self._cache: dict[str, tuple[tuple, bytes]] = {}
        #: Directories parsed since the start (tests read it: an edit re-parses one).
        self.parsed_directories: list[str] = []

    # --- what changed ---------------------------------------------------------------------

    def set_overlay(self, path: str, text: str | None) -> None:
        """The editor's text of a file (None: closed, the disk file counts again)."""
        key = os.path.abspath(path)
        if text is None:
            self.overlays.pop(key, None)
        else:
            self.overlays[key] = text

    def files_changed(self) -> None:
        """Files were created or deleted: discover again (parsed directories are kept
        and re-parsed only where their files changed)."""
        self._candidates = None

    def reload_config(self) -> None:
        """.portlint.yaml changed: new options, and every directory parsed again."""
        self.options = self._load_options()
        self._candidates = None
        self._cache.clear()

    def is_config(self, path: str) -> bool:
        config = self.options.config_path
        name = os.path.basename(path)
        return name in (".portlint.yaml", ".portlint.yml", "portlint.yaml") or (
            config is not None and os.path.abspath(config) == os.path.abspath(path)
        )

    # --- the check ------------------------------------------------------------------------

    def check(self) -> Checked:
        """Findings for the whole workspace with the current overlays."""
        return self._check()

    def _check(self) -> Checked:
        if self._candidates is None:
            self._candidates = list(
                discover(
                    [self.root],
                    self._registry,
                    self.options.exclude,
                    self._config_dir(),
                    self.options.default_exclude,
                )
            )
        by_directory: dict[str, list[Candidate]] = {}
        for candidate in self._candidates:
            by_directory.setdefault(os.path.dirname(os.path.abspath(candidate.path)), []).append(
                candidate
            )
        parts = [self._parsed(d, cs) for d, cs in by_directory.items()]
        for stale in set(self._cache) - set(by_directory):
            del self._cache[stale]
        result, sources, files = chunks.merge(parts)
        if self.config_error:
            result.diagnostics.append(self._config_diagnostic())
        report = engine.conclude(result, sources, files, self.options, self.debug)
        return Checked(report.findings, report.model, sources)

    def _parsed(self, directory: str, candidates: list[Candidate]):
        """The directory's parse results: from the cache while none of its files (nor
        their overlays) changed. Kept pickled: resolution mutates bindings in place, so
        every check starts from a fresh copy."""
        signature = self._signature(directory)
        cached = self._cache.get(directory)
        if cached is not None and cached[0] == signature:
            return pickle.loads(cached[1])
        ctx = ParseContext(
            options=self.options,
            roots=[self.root],
            walked_directories={os.path.dirname(os.path.abspath(c.path)) for c in candidates},
        )
        guard = Roots([self.root], ctx.walked_directories)
        parsed = _OverlayParser(self._registry, ctx, guard, self.debug, self.overlays).parse(
            candidates, None
        )
        self._cache[directory] = (signature, pickle.dumps(parsed, pickle.HIGHEST_PROTOCOL))
        self.parsed_directories.append(directory)
        return parsed

    def _signature(self, directory: str) -> tuple:
        """Every file of the directory with its size and mtime, and every overlay in it."""
        entries: list[tuple] = []
        try:
            with os.scandir(directory) as scan:
                for entry in scan:
                    try:
                        if entry.is_file():
                            info = entry.stat()
                            entries.append((entry.name, info.st_size, info.st_mtime_ns))
                    except OSError:
                        continue
        except OSError:
            pass
        prefix = directory.rstrip(os.sep) + os.sep
        overlays = [
            (path, hash(text))
            for path, text in self.overlays.items()
            if path.startswith(prefix) and os.sep not in path[len(prefix) :]
        ]
        return (tuple(sorted(entries)), tuple(sorted(overlays)))

    # --- configuration --------------------------------------------------------------------

    def _load_options(self) -> Options:
        self.config_error = None
        config_path = find_config(self.root)
        try:
            data = load_config(config_path) if config_path else {}
            return build_options(data, config_path)
        except ConfigError as error:
            self.config_error = str(error)
            return build_options({}, None)

    def _config_dir(self) -> Path:
        return Path(self.options.config_dir) if self.options.config_dir else self.root

    def _config_diagnostic(self) -> Diagnostic:
        path = find_config(self.root)
        where = display_path(path) if path else ".portlint.yaml"
        return Diagnostic("PL001", f"configuration not used: {self.config_error}", _start(where))


def _start(path: str) -> Location:
    return Location.point(path, 1, 1)


class _OverlayParser(engine.ChunkParser):
    """The engine's chunk parser, reading an open document's unsaved text instead of the
    file on disk (for the files it parses and for the .env files they include)."""

    def __init__(
        self,
        reg: Registry,
        ctx: ParseContext,
        roots: Roots,
        debug: bool,
        overlays: dict[str, str],
    ) -> None:
        super().__init__(reg, ctx, roots, debug)
        self.overlays = overlays
        disk_read = ctx.read

        def read(path: Path) -> SourceFile | None:
            text = overlays.get(os.path.abspath(path))
            if text is None or not ctx.inside_roots(path):
                return disk_read(path) if disk_read else None
            display = display_path(path)
            source = self.sources.get(display)
            if source is None:
                source = self.sources[display] = SourceFile(path, display, text)
            return source

        ctx.read = read

    def _file(self, candidate: Candidate, display: str | None = None) -> None:
        text = self.overlays.get(os.path.abspath(candidate.path))
        if text is None:
            super()._file(candidate, display)
            return
        display = display or display_path(candidate.path)
        source = SourceFile(candidate.path, display, text)
        self.sources[display] = source
        if candidate.parser is not None:
            self.files += 1
            parser = candidate.parser
            engine.guarded(self.scanned, source, self.debug, lambda: parser.parse(source, self.ctx))
        elif self._documents(source):
            self.files += 1

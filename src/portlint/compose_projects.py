"""Which Compose project a compose file belongs to: what `docker compose` loads by default in
its directory, or a project of its own.

`docker compose up` in a directory reads `COMPOSE_FILE` from the directory's `.env` (split
on `COMPOSE_PATH_SEPARATOR`, default `:`), else the first of `compose.yaml`, `compose.yml`,
`docker-compose.yaml`, `docker-compose.yml` plus its `.override` twin. Those files are one
project, keyed by the directory (`deploy`). Every other compose-shaped file there
(`docker-compose-npm.yml`, `docker-compose.prod.yml`) is started with `-f` on its own and
is a project keyed by its own path: two alternatives are never merged, and never collide
with each other unless they share a host.

A file that a project pulls in with top-level `include:` or a service's `extends: {file:}`
is part of that project, not a project of its own (`included_by`): the including file is
looked for among the compose-named files of its directory and the directories above it,
inside the scanned roots.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from portlint.parsers.dotenv import parse_dotenv
from portlint.source import ReadError, Roots, SourceFile, display_path, read_source

if TYPE_CHECKING:
    from portlint.options import Limits
    from portlint.parsers import ParseContext

#: Compose's own precedence (compose-go `DefaultFileNames`).
DEFAULT_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")

Reader = Callable[[Path], "SourceFile | None"]

#: `compose.yaml`, `docker-compose-npm.yml`, `compose.prod.yaml`: a compose file by name.
COMPOSE_NAME = re.compile(r"(?:docker-)?compose(?:[.\-_][\w.\-]*)?\.ya?ml")
#: A cycle of includes: none of its files is another's part.
_CYCLE = "\0cycle"
#: In the group key of a file another project includes (`ProjectKeys.group_key`): its
#: own group is left empty, as the including project parses it.
INCLUDED = "\0included by\0"


def is_compose_name(name: str) -> bool:
    return bool(COMPOSE_NAME.fullmatch(name))


class ProjectKeys:
    """Project key per compose file, with each directory's default file set decided once."""

    def __init__(
        self,
        read: Reader | None,
        inside: Callable[[Path], bool] | None = None,
        peek: Reader | None = None,
        limits: Limits | None = None,
        listings: dict[str, tuple[str, ...]] | None = None,
    ) -> None:
        self.read = read
        self.inside = inside
        #: reads what the include search looks at without making it one of the run's
        #: sources (default: `read`)
        self.peek = peek or read
        self.limits = limits  # the YAML limits the include search composes under (None: none)
        self._defaults: dict[Path, frozenset[str] | None] = {}
        self._inside_roots: dict[Path, bool] = {}
        self._references: dict[Path, dict[str, Path]] = {}
        self._chains: dict[Path, list[dict[str, Path]]] = {}
        #: discovery's names of possible Compose files per walked directory (absolute);
        #: a directory not in it is listed here
        self.listings = {} if listings is None else listings

    @classmethod
    def for_scan(
        cls,
        ctx: ParseContext,
        roots: Roots,
        sources: dict[str, SourceFile],
        display_of: Callable[[Path], str] = display_path,
    ) -> ProjectKeys:
        """Keys for one scan: the include search reads inside `roots` (the scan's
        `sources` first) without adding what it reads to them; `display_of` is the
        scan's own display paths (one getcwd, one display per directory)."""

        def peek(path: Path) -> SourceFile | None:
            display = display_of(path)
            found = sources.get(display)
            if found is not None:
                return found
            try:
                return read_source(path, display, ctx.options.limits.max_file_bytes, roots=roots)
            except ReadError:
                return None

        return cls(ctx.read, ctx.inside_roots, peek, ctx.options.limits, ctx.listings)

    def group_key(self, path: Path, display: str) -> str:
        """The file's project key, or, for a file another project includes, a key of
        its own marked `INCLUDED` (with the includer's key, so a cached result follows it)."""
        includer = self.included_by(path)
        if includer is not None:
            return f"{display}{INCLUDED}{includer}"
        return self.key(path, display)

    def included_by(self, path: Path) -> str | None:
        """The key of the project that includes or extends from this file, else None."""
        found = self._includer(Path(os.path.abspath(path)), set())
        return None if found == _CYCLE else found

    def _includer(self, path: Path, seen: set[str]) -> str | None:
        if self.peek is None or self.inside is None or self.limits is None:
            return None
        chain = self._chain(path.parent)
        if not chain:
            return None
        target = os.path.realpath(path)
        if target in seen:
            return _CYCLE
        seen.add(target)
        for referenced in chain:
            candidate = referenced.get(target)
            if candidate is None or os.path.realpath(candidate) == target:
                continue
            above = self._includer(candidate, seen)
            return above if above is not None else self._key_of(candidate)
        return None

    def _chain(self, folder: Path) -> list[dict[str, Path]]:
        """What the compose-named files of `folder` and of each folder above it inside the
        roots refer to, nearest first, leaving out folders that refer to nothing (the
        same for every file of a folder: worked out once). The file's own folder is
        inside the roots: discovery found the file there."""
        found = self._chains.get(folder)
        if found is None:
            referenced = self._folder_references(folder)
            found = [referenced] if referenced else []
            found += self._above(folder)
            self._chains[folder] = found
        return found

    def _above(self, folder: Path) -> list[dict[str, Path]]:
        """`_chain` of the folder's parent, or nothing when that is outside the roots."""
        parent = folder.parent
        if parent == folder or not self._inside(parent):
            return []
        return self._chain(parent)

    def _inside(self, folder: Path) -> bool:
        found = self._inside_roots.get(folder)
        if found is None:
            assert self.inside is not None
            found = self._inside_roots[folder] = self.inside(folder)
        return found

    def _key_of(self, path: Path) -> str:
        return self.key(path, display_path(path))

    def _folder_references(self, folder: Path) -> dict[str, Path]:
        """Real path of each file a compose-named file of `folder` includes or extends
        from -> that file (the first by name), read once per folder."""
        found = self._references.get(folder)
        if found is None:
            from portlint.parsers.compose.references import referenced_paths, source_may_refer

            found = self._references[folder] = {}
            listed = sorted(n for n in self._names(folder) if is_compose_name(n))
            for name in listed:
                source = self.peek(folder / name) if self.peek is not None else None
                if source is None or not source_may_refer(source):
                    continue
                assert self.limits is not None
                for real in referenced_paths(source, folder, self._env(folder), self.limits):
                    found.setdefault(real, folder / name)
        return found

    def _names(self, folder: Path) -> tuple[str, ...] | list[str]:
        """The names in a folder that may be Compose files: discovery's, else listed."""
        listed = self.listings.get(str(folder))
        if listed is not None:
            return listed
        try:
            return os.listdir(folder)
        except OSError:
            return []

    def _env(self, directory: Path) -> dict[str, str]:
        source = self.peek(directory / ".env") if self.peek is not None else None
        if source is None:
            return {}
        return {name: value.value for name, value in parse_dotenv(source.text).items()}

    def key(self, path: Path, display: str) -> str:
        """`dir` for a file of the directory's default project, else the file's own path."""
        directory = path.parent
        defaults = self._defaults.get(directory)
        if directory not in self._defaults:
            defaults = self._defaults[directory] = self._default_files(directory)
        # `display` is already a normalised posix path (portlint.source.display_path).
        if defaults is None or os.path.normcase(path.name) in defaults:
            return posixpath.dirname(display) or "."
        return display

    def _default_files(self, directory: Path) -> frozenset[str] | None:
        """Names of the default project's files; None when `COMPOSE_FILE` names files
        outside the directory (then the directory is one project, as before)."""
        named = self._compose_file(directory)
        if named is not None:
            names = []
            for entry in named:
                resolved = (directory / entry).resolve()
                if resolved.parent != directory.resolve():
                    return None
                names.append(os.path.normcase(resolved.name))
            return frozenset(names)
        listed = self.listings.get(os.path.abspath(directory))
        present = None if listed is None else {n.lower() for n in listed}
        for name in DEFAULT_NAMES:
            # a name discovery did not see is no file (lower case: a case-blind disk)
            if present is not None and name not in present:
                continue
            if (directory / name).is_file():
                stem, extension = name.rsplit(".", 1)
                overrides = {f"{stem}.override.yaml", f"{stem}.override.yml"}
                return frozenset({name, *overrides} if extension else {name})
        return frozenset()

    def _compose_file(self, directory: Path) -> list[str] | None:
        if self.read is None:
            return None
        source = self.read(directory / ".env")
        if source is None:
            return None
        source.secret = True
        if "COMPOSE_FILE" not in source.text:  # most .env files: no parse needed
            return None
        env = parse_dotenv(source.text)
        value = env.get("COMPOSE_FILE")
        if value is None or not value.value.strip():
            return None
        separator = env.get("COMPOSE_PATH_SEPARATOR")
        split = separator.value if separator is not None and separator.value else os.pathsep
        return [part.strip() for part in value.value.split(split) if part.strip()]

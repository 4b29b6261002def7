"""Which Compose project a compose file belongs to: what `docker compose` loads by default in
its directory, or a project of its own.

`docker compose up` in a directory reads `COMPOSE_FILE` from the directory's `.env` (split
on `COMPOSE_PATH_SEPARATOR`, default `:`), else the first of `compose.yaml`, `compose.yml`,
`docker-compose.yaml`, `docker-compose.yml` plus its `.override` twin. Those files are one
project, keyed by the directory (`deploy`). Every other compose-shaped file there
(`docker-compose-npm.yml`, `docker-compose.prod.yml`) is started with `-f` on its own and
is a project keyed by its own path: two alternatives are never merged, and never collide
with each other unless they share a host.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable
from pathlib import Path

from portlint.parsers.dotenv import parse_dotenv
from portlint.source import SourceFile

#: Compose's own precedence (compose-go `DefaultFileNames`).
DEFAULT_NAMES = ("compose.yaml", "compose.yml", "docker-compose.yaml", "docker-compose.yml")

Reader = Callable[[Path], "SourceFile | None"]


class ProjectKeys:
    """Project key per compose file, with each directory's default file set decided once."""

    def __init__(self, read: Reader | None) -> None:
        self.read = read
        self._defaults: dict[Path, frozenset[str] | None] = {}

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
        for name in DEFAULT_NAMES:
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

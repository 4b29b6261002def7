"""Values a repository documents for its Compose variables: example env files beside the
project or above it (`.env.example`, `env.example`, `defaults.env`...) and the `env_file:`
files its services name.

A variable the real `.env` (not committed) leaves unset is checked with the documented
value, and the finding says it was assumed; one documented nowhere is only noted.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from pathlib import Path

from portlint.parsers.dotenv import parse_dotenv
from portlint.source import SourceFile

#: Example env files, in the order their values win.
EXAMPLE_NAMES = (
    ".env.example",
    "env.example",
    "example.env",
    ".env.sample",
    "env.sample",
    ".env.dist",
    ".env.defaults",
    "defaults.env",
)

Reader = Callable[[Path], "SourceFile | None"]


class Documented:
    """variable -> (value, the file that documents it), read once per project."""

    def __init__(
        self,
        directory: Path,
        env_files: Iterable[str],
        read: Reader | None,
        inside: Callable[[Path], bool],
    ) -> None:
        self.values: dict[str, tuple[str, str]] = {}
        if read is None:
            return
        start = Path(os.path.abspath(directory))
        for name in env_files:
            self._add(read(Path(os.path.normpath(start / name))))
        for folder in (start, *start.parents):
            if not inside(folder):
                break
            for name in EXAMPLE_NAMES:
                self._add(read(folder / name))

    def _add(self, source: SourceFile | None) -> None:
        if source is None:
            return
        source.secret = True  # an env file may hold secrets: never quoted in output
        for name, value in parse_dotenv(source.text).items():
            if value.value.strip() and name not in self.values:
                self.values[name] = (value.value.strip(), source.display)

    def defaults(self) -> dict[str, str]:
        return {name: value for name, (value, _) in self.values.items()}

    def assumed(self, names: list[str]) -> dict[str, tuple[str, str]] | None:
        """The documented value of every name, or None when one has none."""
        found = {name: self.values[name] for name in names if name in self.values}
        return found if len(found) == len(set(names)) else None

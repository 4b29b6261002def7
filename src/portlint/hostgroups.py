"""Which host a binding is on, from the tree's structure when the config does not say.

- `hosts:` in the configuration groups explicitly and wins.
- Each Compose project (portlint.compose_projects) is its own host: separate example
  projects, or the alternative files of one directory, never run on one machine together
  as far as the tree shows.
- A service config (nginx, systemd, ...) that no container mounts belongs to the host of
  the nearest directory at or above it that holds a Compose project, else to the scan
  root's host, "default".

Each host's reason is kept for the messages ("host of compose project deploy/").
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterable

from portlint.groups import matching_group
from portlint.model import Binding
from portlint.options import Options
from portlint.source import display_path

DEFAULT_HOST = "default"
ROOT_REASON = "the scan root's host: no Compose project at or above its files"


class HostPlacement:
    """The host of each file, and why."""

    def __init__(self, options: Options, projects: dict[str, str]) -> None:
        self.options = options
        #: directory -> the Compose project whose host its service configs share
        self.by_directory = projects
        self.reasons: dict[str, str] = {}

    @classmethod
    def of(cls, bindings: Iterable[Binding], options: Options) -> HostPlacement:
        """The projects are read off the Compose bindings: a default project's key is its
        directory; an alternative file's key is the file, found under its directory only
        when the directory has no default project."""
        defaults: dict[str, str] = {}
        alternatives: dict[str, str] = {}
        for b in bindings:
            if b.format != "compose" or not b.project:
                continue
            directory = _parent(b.location.path)
            if b.project == directory:
                defaults[directory] = b.project
            else:
                current = alternatives.get(directory)
                if current is None or b.project < current:
                    alternatives[directory] = b.project
        return cls(options, {**alternatives, **defaults})

    def host(self, path: str, project: str | None) -> str:
        """The host group of a file (`project`: the Compose project a binding is from)."""
        configured = matching_group(path, self.options.hosts)
        if configured is not None:
            config = self.options.config_path
            where = display_path(config) if config else "the configuration"
            return self._note(configured, f"`hosts:` group '{configured}' in {where}")
        if project:
            return self._note(project, f"host of compose project {_project_text(project)}")
        directory = _parent(path)
        while True:
            found = self.by_directory.get(directory)
            if found is not None:
                return self._note(found, f"host of compose project {_project_text(found)}")
            above = _parent(directory) if directory not in (".", "/", "") else None
            if above is None or above == directory:
                break
            directory = above
        return self._note(DEFAULT_HOST, ROOT_REASON)

    def _note(self, host: str, reason: str) -> str:
        self.reasons.setdefault(host, reason)
        return host


def _parent(path: str) -> str:
    return posixpath.dirname(path) or "."


def _project_text(key: str) -> str:
    """`deploy/` for a directory's default project, the file for an alternative one."""
    name = posixpath.basename(key)
    if name.endswith((".yml", ".yaml")):
        return key
    return "./" if key == "." else f"{key}/"

"""Model resolution across files: a service config that a Compose service mounts runs
inside that container, not on the host.

`nginx.conf` next to a `compose.yaml` that mounts it (`./nginx.conf:/etc/nginx/nginx.conf`,
a mounted directory, or a Compose `configs:` file) listens in the container's network
namespace: its `listen 80` is the container port that `"8080:80"` publishes, not a host
port that collides with every other port 80 on the host. Parsers cannot know this (they
never see other files), so it is resolved here, between parsing and the rules.
"""

from __future__ import annotations

import os
from pathlib import Path

from portlint.model import ParseResult, Role
from portlint.records import FrozenRecord

#: Formats whose listeners are processes that may run inside a container.
_CONFIG_FORMATS = frozenset(
    {
        "nginx",
        "apache",
        "haproxy",
        "envoy",
        "traefik",
        "caddy",
        "redis",
        "postgresql",
        "mysql",
        "sshd",
        "spring",
    }
)

MOUNTS_FACT = "compose-mounts"


class Mount(FrozenRecord):
    """A host path a Compose service mounts (or uses as a config)."""

    source: Path  # absolute, normalised
    namespace: str  # the service's container namespace
    owner: str
    label: str

    __slots__ = ("source", "namespace", "owner", "label")

    def __init__(self, source: Path, namespace: str, owner: str, label: str) -> None:
        self.source = source
        self.namespace = namespace
        self.owner = owner
        self.label = label


def containerize(result: ParseResult) -> None:
    """Move listeners of mounted config files into the mounting container's namespace."""
    mounts: dict[Path, Mount] = {m.source: m for m in result.facts.get(MOUNTS_FACT, ())}
    if not mounts:
        return
    cache: dict[str, Mount | None] = {}
    for binding in result.bindings:
        if binding.role != Role.LISTEN or binding.format not in _CONFIG_FORMATS:
            continue
        path = binding.location.path
        if path not in cache:
            cache[path] = _mount_for(Path(os.path.abspath(path)), mounts)
        mount = cache[path]
        if mount is None:
            continue
        binding.namespace = mount.namespace
        binding.role = Role.CONTAINER
        binding.owner = mount.owner
        binding.extra["mounted_by"] = mount.label
        binding.extra["label"] = f"{binding.format} in {mount.label}"


def _mount_for(path: Path, mounts: dict[Path, Mount]) -> Mount | None:
    for candidate in (path, *path.parents):
        mount = mounts.get(candidate)
        if mount is not None:
            return mount
    return None

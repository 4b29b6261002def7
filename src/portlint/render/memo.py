"""Rendered output kept in the result cache (portlint.unitcache) between runs.

A render is a function of what its engine reads and what it is given: a chart's directory
(templates, values.yaml, subcharts, .helmignore) and the values passed; a kustomization's
own directory and those of the bases and components it uses (kustomize's default load
restrictor reads nothing outside them). The key digests every file's bytes under those
directories, the engine (its path and stamp, or the SDK's version) and the values, so an
edited template, values file or engine is a miss, whatever the mtimes say. A warm run of a
tree of charts and overlays then starts no engine (each render takes 0.05-0.1 s).

Not cached: a tree over `MAX_FILES` files or `MAX_BYTES`, or holding a symlinked
directory (what the engine would read behind it is not digested), and a render that
failed to start or timed out. A file symlinked outside the scanned roots is not read: its
link text and stamp are digested instead.
"""

from __future__ import annotations

import hashlib
import os
from typing import TYPE_CHECKING, Any

from portlint.source import ReadError, read_bytes
from portlint.unitcache import canonical, digest

if TYPE_CHECKING:
    from portlint.unitcache import UnitCache

MAX_FILES = 5000
MAX_BYTES = 32 * 1024 * 1024


class RenderMemo:
    """Render results of one run's cache, keyed by their inputs."""

    def __init__(self, cache: UnitCache, roots: list[str]) -> None:
        self.cache = cache
        self.roots = roots  # real paths: files outside are not read
        self._trees: dict[str, bytes | None] = {}

    def key(self, kind: str, engine: object, directories: list[str], given: object) -> bytes | None:
        """The entry's key, or None when the inputs cannot be digested (too many, a
        symlinked directory, unreadable)."""
        trees = []
        for directory in sorted(set(directories)):
            tree = self._tree(directory)
            if tree is None:
                return None
            trees.append((directory, tree))
        return digest("render", kind, canonical(engine), trees, canonical(given))

    def get(self, key: bytes | None) -> Any:
        return None if key is None else self.cache.get(key)

    def put(self, key: bytes | None, value: object) -> None:
        if key is not None:
            self.cache.put(key, value)

    def _tree(self, directory: str) -> bytes | None:
        if directory not in self._trees:
            self._trees[directory] = self._digest_tree(directory)
        return self._trees[directory]

    def _digest_tree(self, directory: str) -> bytes | None:
        hasher = hashlib.blake2b(digest_size=16)
        files = total = 0
        failed: list[OSError] = []
        for folder, dirnames, filenames in os.walk(directory, onerror=failed.append):
            dirnames.sort()
            for name in dirnames:
                if os.path.islink(os.path.join(folder, name)):
                    return None
            for name in sorted(filenames):
                path = os.path.join(folder, name)
                files += 1
                if files > MAX_FILES:
                    return None
                part = self._file(path)
                if part is None:
                    return None
                total += part[0]
                if total > MAX_BYTES:
                    return None
                relative = os.path.relpath(path, directory)
                hasher.update(repr((relative, part[1])).encode("utf-8", "surrogatepass"))
        return None if failed else hasher.digest()

    def _file(self, path: str) -> tuple[int, object] | None:
        """(bytes read, what stands for the file in the digest), None if unreadable."""
        try:
            if os.path.islink(path) and not self._inside(os.path.realpath(path)):
                info = os.stat(path)
                return 0, ("link", os.readlink(path), info.st_size, info.st_mtime_ns)
            data = read_bytes(path, MAX_BYTES)  # regular files only: a FIFO never blocks
        except (OSError, ReadError):
            return None
        return len(data), hashlib.blake2b(data, digest_size=16).hexdigest()

    def _inside(self, real: str) -> bool:
        return any(real == r or real.startswith(r.rstrip(os.sep) + os.sep) for r in self.roots)


def stamp(path: str | None) -> tuple[object, ...]:
    """A program's identity for a key: its path, size and mtime."""
    if path is None:
        return (None,)
    try:
        info = os.stat(path)
    except OSError:
        return (path,)
    return (path, info.st_size, info.st_mtime_ns)

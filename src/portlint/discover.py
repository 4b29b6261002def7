"""Walking the given paths: excludes, skipped directories, and which parser reads a file.

Unknown files are skipped silently. YAML and JSON files go to the document parsers, which
claim documents by content; other files are claimed by name by a text parser.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from fnmatch import fnmatchcase
from pathlib import Path

from portlint.parsers import Registry, TextParser

SKIPPED_DIRECTORIES = frozenset(
    {".git", ".hg", ".svn", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache",
     ".ruff_cache", ".pytest_cache"}
)
DOCUMENT_SUFFIXES = frozenset({".yaml", ".yml", ".json"})


@dataclass(slots=True)
class Candidate:
    path: Path
    parser: TextParser | None  # None: YAML/JSON documents, claimed by content
    explicit: bool = False  # named on the command line


def discover(
    paths: list[Path], registry: Registry, exclude: list[str], exclude_base: Path
) -> Iterator[Candidate]:
    """Candidates in a stable order (sorted walk), each file once."""
    seen: set[object] = set()
    for root in paths:
        if root.is_dir():
            for path in _walk(root):
                if _excluded(path, exclude, exclude_base):
                    continue
                candidate = _classify(path, registry, explicit=False)
                if candidate and _first_time(path, seen):
                    yield candidate
        else:
            candidate = _classify(root, registry, explicit=True)
            if candidate and _first_time(root, seen):
                yield candidate


def _first_time(path: Path, seen: set[object]) -> bool:
    """The file's identity (device, inode): one stat, where resolve() costs one per
    path component; a symlink and its target, or overlapping roots, give one file."""
    try:
        info = os.stat(path)
        key: object = (info.st_dev, info.st_ino)
    except (OSError, ValueError):
        key = path
    if key in seen:
        return False
    seen.add(key)
    return True


def _walk(root: Path) -> Iterator[Path]:
    """Files below root, sorted; symlinked directories are not followed (no loops)."""
    def on_error(error: OSError) -> None:
        pass  # an unreadable directory is skipped; its files cannot be listed

    for directory, dirnames, filenames in os.walk(root, onerror=on_error):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRECTORIES)
        for name in sorted(filenames):
            yield Path(directory, name)


def _excluded(path: Path, patterns: list[str], base: Path) -> bool:
    if not patterns:
        return False
    try:
        rel = path.resolve().relative_to(base.resolve()).as_posix()
    except (ValueError, OSError, RuntimeError):
        rel = path.as_posix()
    for pattern in patterns:
        if fnmatchcase(rel, pattern) or fnmatchcase("/" + rel, "/" + pattern.lstrip("/")):
            return True
        if pattern.startswith("**/") and fnmatchcase(rel, pattern[3:]):
            return True
    return False


def _classify(path: Path, registry: Registry, explicit: bool) -> Candidate | None:
    for parser in registry.text:
        if parser.matches(path):
            return Candidate(path, parser, explicit)
    if path.suffix.lower() in DOCUMENT_SUFFIXES or explicit:
        return Candidate(path, None, explicit)
    return None

"""Walking the given paths: excludes, skipped directories, and which parser reads a file.

Unknown files are skipped silently. YAML and JSON files go to the document parsers, which
claim documents by content; other files are claimed by name by a text parser.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path

from portlint import filekinds
from portlint.globs import matches_any, relative_posix
from portlint.parsers import Registry, TextParser
from portlint.records import Record
from portlint.source import Roots, file_stamp

SKIPPED_DIRECTORIES = frozenset(
    {
        ".git",
        ".hg",
        ".svn",
        "node_modules",
        ".venv",
        "venv",
        "__pycache__",
        ".tox",
        ".mypy_cache",
        ".ruff_cache",
        ".pytest_cache",
    }
)
_NONE: tuple[str, ...] = ()
DOCUMENT_SUFFIXES = frozenset({".yaml", ".yml", ".json"})
#: The PL001 message for a file symlink whose target is outside every scanned root.
LEAVES_ROOTS = "symlink leads outside the scanned roots: not read"


class Candidate(Record):
    path: Path
    parser: TextParser | None  # None: YAML/JSON documents, claimed by content
    explicit: bool = False  # named on the command line
    error: str | None = None  # why it cannot be read (a directory that cannot be listed)
    size: int | None = None  # from discovery's stat, so the reader need not stat again
    #: the same stat's identity of the file's contents (portlint.unitcache.file_stamp)
    stamp: tuple[int, ...] | None = None


def discover(
    paths: list[Path],
    registry: Registry,
    exclude: list[str],
    exclude_base: Path,
    default_exclude: tuple[str, ...] | list[str] = filekinds.DEFAULT_EXCLUDE,
    listings: dict[str, tuple[str, ...]] | None = None,
    stamps: bool = False,
) -> Iterator[Candidate]:
    """Candidates in a stable order (sorted walk), each file once. `listings` receives,
    per walked directory (absolute), the names of its files that may be Compose files
    (portlint.compose_projects asks every project's directory, and those above it).
    `stamps`: give YAML/JSON candidates their stat's stamp, for the result cache (a
    run without it keeps 200 bytes a file less)."""
    seen: set[object] = set()
    roots = Roots([p.resolve() for p in paths if p.is_dir()])
    for root in paths:
        if root.is_dir():
            for path, error in _walk(root, default_exclude, listings):
                if _excluded(path, exclude, exclude_base):
                    continue
                if error is not None:
                    yield Candidate(path, None, error=error)
                    continue
                info, link = _lstat(path)
                if link and filekinds.is_snapshot_link(path):
                    # An /etc snapshot's absolute link: its target inside the copy, or
                    # skipped (never the machine's own /etc).
                    snapshot = filekinds.snapshot_target(path, root)
                    if not isinstance(snapshot, Path):
                        continue
                    path, link = snapshot, False
                    info = _stat(path)
                if link and not roots.contains(path):
                    # A file portlint would read is a PL001 at the link; the target is
                    # never opened (sniffing by content follows no symlink).
                    if _classify(path, registry, explicit=False) is not None:
                        yield Candidate(path, None, error=LEAVES_ROOTS)
                    continue
                if info is not None and not stat.S_ISREG(info.st_mode):
                    continue  # a FIFO, socket or device: opening it could block forever
                candidate = _classify(path, registry, explicit=False)
                if candidate and _first_time(path, info, seen):
                    if info is not None:
                        candidate.size = info.st_size
                        if stamps and candidate.parser is None:
                            candidate.stamp = file_stamp(info)
                    yield candidate
        else:
            candidate = _classify(root, registry, explicit=True)
            info = _stat(root)
            if candidate and _first_time(root, info, seen):
                if info is not None and stat.S_ISREG(info.st_mode):
                    candidate.size = info.st_size
                    if stamps and candidate.parser is None:
                        candidate.stamp = file_stamp(info)
                yield candidate


def _lstat(path: Path) -> tuple[os.stat_result | None, bool]:
    """(the stat of the file a path names, whether it is a symlink): one lstat for a
    plain file, where it is the same as a stat; a stat more for a symlink."""
    try:
        info = os.lstat(path)
    except (OSError, ValueError):
        return None, False
    if not stat.S_ISLNK(info.st_mode):
        return info, False
    return _stat(path), True


def _stat(path: Path) -> os.stat_result | None:
    """None for a dangling or looping symlink: the reader reports it."""
    try:
        return os.stat(path)
    except (OSError, ValueError):
        return None


def _first_time(path: Path, info: os.stat_result | None, seen: set[object]) -> bool:
    """By the file's identity (device, inode), which costs no syscall beyond the stat
    already made, where resolve() costs one per path component: a symlink and its target,
    or overlapping roots, give one file."""
    key: object = (info.st_dev, info.st_ino) if info is not None else path
    if key in seen:
        return False
    seen.add(key)
    return True


def _walk(
    root: Path,
    default_exclude: tuple[str, ...] | list[str] = (),
    listings: dict[str, tuple[str, ...]] | None = None,
) -> Iterator[tuple[Path, str | None]]:
    """Files below root, sorted, each with None; a directory that cannot be listed, with
    the reason. Symlinked directories are not followed (no loops)."""
    unlisted: list[OSError] = []

    for directory, dirnames, filenames in os.walk(root, onerror=unlisted.append):
        while unlisted:
            error = unlisted.pop()
            reason = error.strerror or str(error)
            yield Path(error.filename or directory), f"cannot list directory: {reason}"
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRECTORIES)
        if default_exclude:  # testdata/ and fixture trees (portlint.filekinds)
            below = os.path.relpath(directory, root)
            dirnames[:] = [
                d
                for d in dirnames
                if not filekinds.default_excluded(f"{below}/{d}", default_exclude)
            ]
        parent = Path(directory)  # once per directory: building a Path is most of a yield
        if listings is not None:
            named = tuple(n for n in filenames if "compose" in n.lower())
            listings[os.path.abspath(directory)] = named or _NONE
        for name in sorted(filenames):
            yield parent / name, None
    for error in unlisted:
        yield Path(error.filename or root), f"cannot list directory: {error.strerror or error}"


def _excluded(path: Path, patterns: list[str], base: Path) -> bool:
    """`exclude:` globs, relative to the configuration's directory (portlint.globs)."""
    return bool(patterns) and matches_any(relative_posix(path, base), patterns)


def classify(path: Path, registry: Registry) -> Candidate | None:
    """The candidate a file named on the command line would be (`--stdin-filename`)."""
    return _classify(path, registry, explicit=True)


def _classify(path: Path, registry: Registry, explicit: bool) -> Candidate | None:
    # --- file kinds (portlint.filekinds): templates, other tools' files ---
    special = filekinds.special_parser(path, registry)
    if special is filekinds.SKIP:
        return None
    if isinstance(special, filekinds.TemplateFile):
        return Candidate(path, special, explicit)
    # --- end file kinds ---
    name = path.name.lower()
    for parser in registry.text:
        # A built-in parser's stand-in has a quick test never stricter than the parser's
        # own (portlint.parsers.catalogue): asked first, with the name lowered once per
        # file, it rules out nearly every parser without a call into `matches`.
        may_match = getattr(parser, "may_match", None)
        if may_match is not None and not may_match(path, name):
            continue
        if parser.matches(path):
            return Candidate(path, parser, explicit)
    if filekinds.name_suffix(name) in DOCUMENT_SUFFIXES or explicit:
        return Candidate(path, None, explicit)
    return None

"""Remember which configuration and policy contents passed their JSON Schema.

Importing jsonschema costs ~130 ms, more than the rest of a one-file check; a pre-commit
hook reads the same `.portlint.yaml` on every commit. A content digest of (schema, data)
that validated once is recorded in the user's cache directory, and the next run with the
same bytes skips the import. Invalid data is never recorded, so its errors are always
reported. Any cache problem (read-only home, no home) just means validating again.

A marker is trusted only when it is what this version writes: a regular file (no
symlink) named by the digest of the validated contents and portlint's version, holding
that digest, owned by the user and writable by no one else, in a directory the same is
true of. Anything else is a miss, so a marker planted in the cache cannot skip
validation.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
from pathlib import Path
from typing import Any

from portlint import __version__


def cache_dir() -> Path:
    """`PORTLINT_CACHE_DIR`, else `$XDG_CACHE_HOME/portlint`, else `~/.cache/portlint`."""
    explicit = os.environ.get("PORTLINT_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base, "portlint")


def _digest(json_schema: dict[str, Any], data: Any) -> str:
    """What the marker is named by and holds: the validated contents and this version."""
    # Type names are part of the digest: a YAML date and the string of it must differ.
    text = json.dumps(
        [__version__, json_schema, data],
        sort_keys=True,
        default=lambda value: f"<{type(value).__name__}>{value}",
    )
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def _contents(digest: str) -> bytes:
    return f"portlint {__version__} validated {digest}\n".encode()


def schema_errors(json_schema: dict[str, Any], data: Any) -> list[Any]:
    """jsonschema's errors for `data` (unsorted); none, without importing jsonschema, when
    the same contents passed before. Passing contents are recorded for next time."""
    try:
        digest: str | None = _digest(json_schema, data)
    except (ValueError, TypeError, RecursionError):
        digest = None
    if digest is not None and _recorded(digest):
        return []
    import jsonschema  # type: ignore[import-untyped]

    errors = list(jsonschema.Draft202012Validator(json_schema).iter_errors(data))
    if not errors and digest is not None:
        _record(digest)
    return errors


def _trusted(info: os.stat_result, kind: int) -> bool:
    """Ours and writable by no one else: a marker anyone else could plant is no proof."""
    owner = os.getuid() if hasattr(os, "getuid") else info.st_uid
    return (
        stat.S_IFMT(info.st_mode) == kind
        and info.st_uid == owner
        and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
    )


def _recorded(digest: str) -> bool:
    """Whether a marker this version wrote for these contents is there; anything
    unexpected (a symlink, another owner, a writable directory, other bytes) is a miss."""
    directory = cache_dir() / "validated"
    marker = directory / digest
    expected = _contents(digest)
    try:
        if not _trusted(os.lstat(directory), stat.S_IFDIR):
            return False
        info = os.lstat(marker)
        if not _trusted(info, stat.S_IFREG) or info.st_size != len(expected):
            return False
        descriptor = os.open(marker, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        try:
            return os.read(descriptor, len(expected) + 1) == expected
        finally:
            os.close(descriptor)
    except OSError:
        return False


def _record(digest: str) -> None:
    """Write the marker whole (a temporary file renamed), readable only by the user."""
    directory = cache_dir() / "validated"
    try:
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        temporary = directory / f".{digest}.{os.getpid()}"
        descriptor = os.open(
            temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600
        )
        try:
            os.write(descriptor, _contents(digest))
        finally:
            os.close(descriptor)
        os.replace(temporary, directory / digest)
    except OSError:
        pass

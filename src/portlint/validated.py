"""Remember which configuration and policy contents passed their JSON Schema.

Importing jsonschema costs ~130 ms, more than the rest of a one-file check; a pre-commit
hook reads the same `.portlint.yaml` on every commit. A content digest of (schema, data)
that validated once is recorded in the user's cache directory, and the next run with the
same bytes skips the import. Invalid data is never recorded, so its errors are always
reported. Any cache problem (read-only home, no home) just means validating again.
"""

from __future__ import annotations

import hashlib
import json
import os
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


def _marker(json_schema: dict[str, Any], data: Any) -> Path:
    # Type names are part of the digest: a YAML date and the string of it must differ.
    text = json.dumps(
        [__version__, json_schema, data],
        sort_keys=True,
        default=lambda value: f"<{type(value).__name__}>{value}",
    )
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return cache_dir() / "validated" / digest


def schema_errors(json_schema: dict[str, Any], data: Any) -> list[Any]:
    """jsonschema's errors for `data` (unsorted); none, without importing jsonschema, when
    the same contents passed before. Passing contents are recorded for next time."""
    try:
        marker: Path | None = _marker(json_schema, data)
    except (ValueError, TypeError):
        marker = None
    if marker is not None and _exists(marker):
        return []
    import jsonschema

    errors = list(jsonschema.Draft202012Validator(json_schema).iter_errors(data))
    if not errors and marker is not None:
        _record(marker)
    return errors


def _exists(marker: Path) -> bool:
    try:
        return marker.is_file()
    except OSError:
        return False


def _record(marker: Path) -> None:
    try:
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except OSError:
        pass

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


def known_valid(json_schema: dict[str, Any], data: Any) -> bool:
    try:
        return _marker(json_schema, data).is_file()
    except (OSError, ValueError, TypeError):
        return False


def remember_valid(json_schema: dict[str, Any], data: Any) -> None:
    try:
        marker = _marker(json_schema, data)
        marker.parent.mkdir(parents=True, exist_ok=True)
        marker.touch()
    except (OSError, ValueError, TypeError):
        pass

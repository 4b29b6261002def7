"""Where `check` writes: colour on or off, and report files whose directory is made (or
refused in one line) before the check runs, not after it."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from portlint.errors import UsageError


def use_color(choice: str, stream=None) -> bool:
    """`--color`: always/never as said; auto colours a terminal unless NO_COLOR is set
    to a non-empty value, and FORCE_COLOR (non-empty) colours a pipe too (no-color.org,
    force-color.org: an empty value counts as unset)."""
    if choice != "auto":
        return choice == "always"
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    stream = sys.stdout if stream is None else stream
    return bool(getattr(stream, "isatty", lambda: False)())


def prepare(option: str, path: str | None) -> None:
    """Create the missing parent directories of a report file; UsageError (exit 2, one
    line) when that cannot be done or the path is a directory."""
    if not path:
        return
    target = Path(path)
    if target.is_dir():
        raise UsageError(f"{option} {path}: is a directory")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise UsageError(
            f"{option} {path}: cannot create {target.parent}: {error.strerror or error}"
        ) from None


def write(option: str, path: str, text: str) -> None:
    try:
        with open(path, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except OSError as error:
        raise UsageError(f"{option} {path}: cannot write: {error.strerror or error}") from None

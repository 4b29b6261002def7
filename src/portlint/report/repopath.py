"""Paths as CI services want them: relative to the repository, not to the current directory.

Findings carry display paths (relative to the current directory when under it). GitHub
annotations and GitLab Code Quality resolve paths against the repository root, so a run
from a subdirectory (`working-directory: deploy`) must prefix it.
"""

from __future__ import annotations

import os
from pathlib import Path


def repository_root(cwd: Path | None = None) -> Path:
    """$GITHUB_WORKSPACE or $CI_PROJECT_DIR when set, else the nearest directory holding
    `.git`, else the current directory."""
    cwd = (cwd or Path.cwd()).resolve()
    for variable in ("GITHUB_WORKSPACE", "CI_PROJECT_DIR"):
        value = os.environ.get(variable)
        if value and Path(value).is_dir():
            return Path(value).resolve()
    for directory in (cwd, *cwd.parents):
        if (directory / ".git").exists():
            return directory
    return cwd


def repo_relative(display: str, root: Path, cwd: Path | None = None) -> str:
    """`display` (relative to cwd, or absolute) relative to `root`, with forward slashes;
    unchanged when it lies outside the root or is not a real path (`<stdin>`)."""
    if display.startswith("<"):
        return display
    cwd = cwd or Path.cwd()
    absolute = Path(os.path.abspath(cwd / display))
    try:
        return absolute.relative_to(root).as_posix()
    except ValueError:
        return display

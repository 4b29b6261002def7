"""Host and cluster groups from the configuration's `hosts:` and `clusters:` globs.

The resolve stage asks once per file which group it belongs to; the globs are the same
dialect as `exclude:` (portlint.globs).
"""

from __future__ import annotations

import posixpath

from portlint.globs import glob_match, relative_posix
from portlint.options import HostGroup


def group_for(display_path: str, groups: list[HostGroup], default: str) -> str:
    """First matching group's name, else `default`."""
    found = matching_group(display_path, groups)
    return default if found is None else found


def matching_group(display_path: str, groups: list[HostGroup]) -> str | None:
    """First matching group's name (None: no glob matches); `{dir}` is what the glob
    matched before its first `**`, `{parent}` the file's own directory."""
    for group in groups:
        relative = relative_posix(display_path, group.base)
        if relative is None:
            continue  # outside the configuration's directory: no glob matches it
        for pattern in group.paths:
            if glob_match(relative, pattern):
                return expand_group_name(group.name, relative, pattern)
    return None


def expand_group_name(name: str, path: str, pattern: str) -> str:
    if "{dir}" in name:
        prefix = pattern.split("**", 1)[0].strip("/")
        depth = len([part for part in prefix.split("/") if part not in ("", ".")])
        name = name.replace("{dir}", "/".join(path.split("/")[:depth]) or ".")
    if "{parent}" in name:
        name = name.replace("{parent}", posixpath.dirname(path) or ".")
    return name

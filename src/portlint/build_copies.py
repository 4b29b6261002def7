"""The files an image build copies in: the sources of `COPY` and `ADD` in a Dockerfile, as
paths on the host.

A config the image copies (`COPY envoy.yaml /etc/envoy/envoy.yaml`) listens inside a
container of that image, exactly like a bind-mounted one, so the resolve stage treats
these paths as mounts. `COPY --from=stage` copies from another image, not the context,
and URLs and variables name nothing on disk: all three are skipped.

The build context is the Compose service's `build:` when one names the Dockerfile;
otherwise the nearest directory at or above the Dockerfile, inside the scanned roots,
where the source exists (`COPY Containers/app/*.conf /` is written for the repository
root as context). A wildcard matches the files of its directory.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterable, Iterator
from fnmatch import fnmatchcase
from pathlib import Path

_INSTRUCTION = re.compile(r"^\s*(COPY|ADD)\s+(.*)$", re.IGNORECASE | re.DOTALL)
_WILDCARD = re.compile(r"[*?\[]")
#: More sources than a real Dockerfile copies: the rest are not looked for.
MAX_SOURCES = 1000


def copied_paths(
    dockerfile_text: str, contexts: Iterable[Path], inside: Callable[[Path], bool]
) -> list[Path]:
    """Absolute, normalised host paths the build copies, each resolved against the first
    of `contexts` (inside the roots) where it exists."""
    found: list[Path] = []
    remaining = iter(contexts)
    candidates: list[Path] = []  # the contexts inside the roots, asked only when needed:
    # most sources are found in the first, and each further one costs a realpath
    for number, entry in enumerate(copy_sources(dockerfile_text)):
        if number >= MAX_SOURCES:
            break
        for context in _contexts(candidates, remaining, inside):
            paths = _resolve(context, entry, inside)
            if paths:
                found.extend(paths)
                break
    return found


def _contexts(
    known: list[Path], remaining: Iterator[Path], inside: Callable[[Path], bool]
) -> Iterator[Path]:
    """The contexts inside the roots, in order: those asked before, then the rest, each
    tested once (`known` keeps them for the next source)."""
    yield from list(known)
    for context in remaining:
        if inside(context):
            known.append(context)
            yield context


def copy_sources(text: str) -> Iterator[str]:
    """Each source of each `COPY`/`ADD` that copies from the build context."""
    for line in _logical_lines(text):
        match = _INSTRUCTION.match(line)
        if match is None:
            continue
        words = _arguments(match.group(2).strip())
        if any(w.startswith("--from") for w in words):
            continue
        words = [w for w in words if not w.startswith("--")]
        for entry in words[:-1]:
            if "$" in entry or "://" in entry or entry.startswith("git@"):
                continue
            yield entry.lstrip("/") or "."


def _resolve(context: Path, entry: str, inside: Callable[[Path], bool]) -> list[Path]:
    """The paths `entry` names in `context`; nothing outside the roots is looked at
    (`COPY ../../etc/*.conf /` names nothing)."""
    wildcard = _WILDCARD.search(entry)
    if wildcard is None:
        path = Path(os.path.normpath(context / entry))
        return [path] if inside(path) and path.exists() else []
    head, _, pattern = entry.rpartition("/")
    if _WILDCARD.search(head):
        return []  # a wildcard directory: rare, not followed
    directory = Path(os.path.normpath(context / head)) if head else context
    if not inside(directory):
        return []
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return []
    return [directory / name for name in names if fnmatchcase(name, pattern)]


def _arguments(rest: str) -> list[str]:
    if rest.startswith("["):
        try:
            value = json.loads(rest)
        except ValueError:
            return []
        return [str(v) for v in value] if isinstance(value, list) else []
    return rest.split()


def _logical_lines(text: str) -> Iterator[str]:
    """Instructions with `\\` continuations joined; comments dropped."""
    pending = ""
    for raw in text.splitlines():
        stripped = raw.strip()
        if stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        yield pending + stripped
        pending = ""
    if pending:
        yield pending

"""The files a Compose service's image build copies in: the sources of `COPY` and `ADD` in
the Dockerfile of its build context, as paths on the host.

A config the image copies (`COPY envoy.yaml /etc/envoy/envoy.yaml`) listens inside that
container, exactly like a bind-mounted one, so the resolve stage treats these paths as
mounts. `COPY --from=stage` copies from another image, not the context, and URLs and
variables name nothing on disk: all three are skipped. A wildcard source stands for its
directory (every config below it may be copied).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from portlint.source import SourceFile

Reader = Callable[[Path], "SourceFile | None"]

_INSTRUCTION = re.compile(r"^\s*(COPY|ADD)\s+(.*)$", re.IGNORECASE | re.DOTALL)
_WILDCARD = re.compile(r"[*?\[]")


def copied_paths(context: Path, dockerfile: str, read: Reader | None) -> list[Path]:
    """Absolute, normalised host paths a build in `context` copies into the image."""
    if read is None:
        return []
    path = Path(os.path.normpath(context / dockerfile))
    source = read(path)
    if source is None:
        return []
    found: list[Path] = []
    for sources in _copy_sources(source.text):
        for entry in sources:
            if "$" in entry or "://" in entry or entry.startswith("git@"):
                continue
            wildcard = _WILDCARD.search(entry)
            if wildcard is not None:
                entry = entry[: wildcard.start()].rsplit("/", 1)[0] if "/" in entry else "."
            found.append(Path(os.path.normpath(context / entry.lstrip("/"))))
    return found


def _copy_sources(text: str) -> Iterator[list[str]]:
    for line in _logical_lines(text):
        match = _INSTRUCTION.match(line)
        if match is None:
            continue
        words = _arguments(match.group(2).strip())
        if any(w.startswith("--from") for w in words):
            continue
        words = [w for w in words if not w.startswith("--")]
        if len(words) >= 2:
            yield words[:-1]


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
        if not pending and stripped.startswith("#"):
            continue
        if stripped.endswith("\\"):
            pending += stripped[:-1] + " "
            continue
        yield pending + stripped
        pending = ""
    if pending:
        yield pending

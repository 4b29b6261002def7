"""Line mappings of rendered files kept in the result cache between runs.

Mapping a render back to its files (`mapping.match_lines`, kustomize's `_origins`, the
values keys of a chart) is a pure function of texts: the rendered text and its origins'.
A warm run of a tree of charts took a quarter of its time redoing it for renders it had
kept (portlint.render.memo). Each mapping is kept under a digest of every text it reads
and stored as plain numbers: a line of the origin (or of which origin file) per rendered
line, 0 for none. On a hit the `Origin` records are made again over this run's sources.
An entry of the wrong shape is a miss.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from portlint.render.mapping import Origin
from portlint.unitcache import digest, text_digest

if TYPE_CHECKING:
    from portlint.render.memo import RenderMemo
    from portlint.source import SourceFile


def origins(
    memo: RenderMemo | None,
    kind: str,
    rendered: str,
    sources: Sequence[SourceFile],
    compute: Callable[[], list[Origin | None]],
) -> list[Origin | None]:
    """`compute()` (each rendered line's origin among `sources`), or what it gave for
    the same texts before."""
    if memo is None:
        return compute()
    key = digest("origins", kind, text_digest(rendered), [text_digest(s.text) for s in sources])
    kept = _lines(memo.get(key), len(sources), rendered.count("\n") + 1)
    if kept is not None:
        return [None if line == 0 else Origin(sources[file], line) for file, line in kept]
    found = compute()
    index = {id(source): number for number, source in enumerate(sources)}
    stored: list[tuple[int, int]] = []
    for origin in found:
        number = None if origin is None else index.get(id(origin.source))
        if origin is not None and (number is None or origin.value is not None):
            return found  # an origin outside `sources`, or a values key: not kept
        stored.append((0, 0) if origin is None or number is None else (number, origin.line))
    memo.put(key, stored)
    return found


def _lines(kept: object, files: int, most: int) -> list[tuple[int, int]] | None:
    """A kept mapping, checked: (file index, line) pairs for at most `most` lines."""
    if not isinstance(kept, list) or len(kept) > most:
        return None
    for entry in kept:
        if not (
            type(entry) is tuple
            and len(entry) == 2
            and type(entry[0]) is int
            and type(entry[1]) is int
            and 0 <= entry[0] < max(files, 1)
            and entry[1] >= 0
        ):
            return None
    return kept

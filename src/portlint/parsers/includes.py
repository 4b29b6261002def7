"""Include patterns of the service configs (nginx `include`, Apache `Include`), expanded
inside the scanned roots only.

Why not `glob.glob`: it lists whatever the pattern names, so `include /usr/*/*/*/*/*/*;`
in a committed config walks tens of thousands of paths outside the repository, and a
symlinked directory inside it leads out as well. Here a pattern is matched one path
component at a time, each directory is listed only when it lies inside the roots, and a
directory or file that cannot be listed or statted is a problem to report (PL001), not an
exception. Matching follows glob(3) as nginx and httpd use it: `*`, `?` and `[...]` within
one component, and a leading `.` only matched by a pattern that starts with `.`.
"""

from __future__ import annotations

import glob
import os
import stat
from collections.abc import Callable, Iterable
from fnmatch import fnmatchcase
from pathlib import Path

from portlint.parsers import ParseContext
from portlint.records import Record, field
from portlint.source import SourceFile

#: More files than any real include names; a pattern that matches more stops there.
MAX_MATCHES = 10_000


class Expansion(Record):
    """The regular files an include names (sorted as `sorted(glob.glob())` would) and the
    problems met while listing or statting."""

    paths: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


class _ContextCache:
    """Results that depend only on the files and the parse context, kept for the context
    the engine is using now: every fragment of a tree asks whether the same main config
    includes it, and reading the main's include closure once per fragment is quadratic."""

    def __init__(self) -> None:
        self.ctx: ParseContext | None = None
        self.values: dict[object, object] = {}

    def for_context(self, ctx: ParseContext) -> dict[object, object]:
        if self.ctx is not ctx:
            self.ctx, self.values = ctx, {}
        return self.values


_CACHE = _ContextCache()


def context_cache(ctx: ParseContext) -> dict[object, object]:
    """A dict shared by the parses of one context (emptied when the context changes)."""
    return _CACHE.for_context(ctx)


def included_by_main(
    source: SourceFile,
    ctx: ParseContext,
    mains: Iterable[Path],
    files_read_by: Callable[[Path, SourceFile], set[Path]],
) -> bool:
    """Whether one of the main configs at `mains` that lies inside the roots reads
    `source` (itself or through its includes): a fragment it reads is checked as part of
    it, not alone. `files_read_by(path, main)` gives the resolved paths the main at
    `path` reads; it runs once per main and parse context, however many fragments ask."""
    me = source.path.resolve()
    for path in mains:
        try:
            if ctx.read is None or not ctx.inside_roots(path):
                continue  # never looked at outside the roots
        except (OSError, RuntimeError):
            continue
        main = ctx.read(path)
        if main is None:
            continue
        resolved = main.path.resolve()
        if resolved == me:
            continue
        cache = context_cache(ctx)
        key = ("files-read-by", resolved)
        files = cache.get(key)
        if not isinstance(files, set):
            files = cache[key] = files_read_by(path, main)
        if me in files:
            return True
    return False


def expand(pattern: str, ctx: ParseContext, directory_lists: bool = False) -> Expansion:
    """The files `pattern` names inside the roots. `directory_lists`: a pattern naming a
    directory stands for the files in it (Apache's `Include conf.d`)."""
    found = Expansion()
    parts = Path(pattern).parts
    fixed = 0
    while fixed < len(parts) and not glob.has_magic(parts[fixed]):
        fixed += 1
    base = Path(*parts[:fixed]) if fixed else Path(".")
    if not _inside(base, ctx, found):
        return found  # outside the roots: never listed, never read
    current = [base]
    for part in parts[fixed:]:
        current = _step(current, part, ctx, found)
        if not current:
            return found
    files: list[Path] = []
    for path in current:
        kind = _kind(path, found)
        if kind == "file":
            files.append(path)
        elif kind == "dir" and directory_lists and fixed == len(parts):
            listed = _list(path, "*", ctx, found, hidden=True)
            files.extend(p for p in listed if _kind(p, found) == "file")
    found.paths = sorted(files, key=str)[:MAX_MATCHES]
    return found


def _step(directories: list[Path], part: str, ctx: ParseContext, found: Expansion) -> list[Path]:
    """The paths one more pattern component names below each directory."""
    matched: list[Path] = []
    for directory in directories:
        if not glob.has_magic(part):
            candidate = directory / part
            if _inside(candidate, ctx, found):
                matched.append(candidate)
        else:
            matched.extend(_list(directory, part, ctx, found))
        if len(matched) >= MAX_MATCHES:
            break
    return matched[:MAX_MATCHES]


def _list(
    directory: Path, part: str, ctx: ParseContext, found: Expansion, hidden: bool = False
) -> list[Path]:
    if not _inside(directory, ctx, found):
        return []
    try:
        names = os.listdir(directory)
    except PermissionError:
        found.problems.append(f"cannot list {directory}: permission denied")
        return []
    except OSError:
        return []  # not a directory, or gone: nothing matches, as glob(3) says
    hidden_ok = hidden or part.startswith(".")
    return [
        directory / name
        for name in sorted(names)
        if fnmatchcase(name, part)
        and (hidden_ok or not name.startswith("."))
        and _inside(directory / name, ctx, found)
    ]


def _inside(path: Path, ctx: ParseContext, found: Expansion) -> bool:
    try:
        return ctx.inside_roots(path)
    except (OSError, RuntimeError) as error:  # a permission error or a symlink loop
        found.problems.append(f"cannot resolve {path}: {_reason(error)}")
        return False


def _kind(path: Path, found: Expansion) -> str:
    """'file' (regular files only: a FIFO would block the reader), 'dir', or ''."""
    try:
        mode = os.stat(path).st_mode
    except PermissionError:
        found.problems.append(f"cannot stat {path}: permission denied")
        return ""
    except (OSError, ValueError):
        return ""
    if stat.S_ISREG(mode):
        return "file"
    return "dir" if stat.S_ISDIR(mode) else ""


def _reason(error: BaseException) -> str:
    return getattr(error, "strerror", None) or type(error).__name__

"""Changed-file mode (`--changed-files`, what the pre-commit hook runs).

Collisions span files: a port added to one compose file collides with a port in another
that did not change. So given file names, portlint reads the whole project around them
(the directory holding the config file, else the git repository root) and keeps only the
findings that touch a given file, at their own location or at a related one.

Inside a git repository the project is what git tracks plus what is staged: untracked
files (a scratch compose file, a gitignored one) are excluded, so they never block an
unrelated commit and a fresh CI clone gives the same answer. A changed `.env`, `*.env`
(`env_file:`) or Compose override file counts as a change of the Compose files it feeds:
those in its directory, and those that name it.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

from portlint.engine import Report
from portlint.options import Options
from portlint.source import display_path


def project_root(first: Path, options: Options) -> Path | None:
    """The config file's directory, else the git repository holding `first`, else None."""
    if options.config_path:
        return Path(options.config_path).resolve().parent
    start = first.resolve()
    for directory in (start if start.is_dir() else start.parent, *start.parents):
        if (directory / ".git").exists():
            return directory
    return None


def scope(paths: list[str], options: Options) -> tuple[list[str], set[str]]:
    """The paths to read (the project root plus any given file outside it) and the
    display paths of the given files."""
    files = [Path(p) for p in paths if p != "-"]
    touched = {display_path(p) + ("/" if p.is_dir() else "") for p in files}
    if not files or all(p.is_dir() for p in files):
        return paths, touched
    root = project_root(files[0], options)
    if root is None:
        return paths, touched
    outside = [str(p) for p in files if not _inside(p.resolve(), root)]
    untracked = untracked_files(root)
    if untracked is not None:
        options.exclude = [*options.exclude, *_patterns(untracked, Path(options.config_dir))]
    return [str(root), *outside, *(["-"] if "-" in paths else [])], touched


def untracked_files(root: Path) -> list[Path] | None:
    """Files and directories below `root` git neither tracks nor has staged (ignored ones
    too; a wholly untracked directory once); None outside a repository or without git."""
    try:
        completed = subprocess.run(
            ["git", "ls-files", "--others", "--directory", "-z"],
            cwd=root,
            capture_output=True,
            timeout=60,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    if completed.returncode != 0:
        return None
    names = completed.stdout.decode("utf-8", "surrogateescape").split("\0")
    return [root / name for name in names if name]


def _patterns(paths: list[Path], base: Path) -> list[str]:
    """`exclude:` globs (portlint.globs, anchored to `base`) matching exactly `paths`."""
    base = base.resolve()
    patterns = []
    for path in paths:
        try:
            relative = path.resolve().relative_to(base).as_posix()
        except ValueError:
            continue  # outside the configuration's directory: never walked from it
        patterns.append("/" + re.sub(r"([*?\[\]\\])", r"\\\1", relative))
    return patterns


def only_touching(report: Report, touched: set[str]) -> Report:
    """Keep the findings located in, or related to, one of the `touched` files (or a
    file below a `touched` directory, written with a trailing slash)."""
    touched = touched | fed_compose_files(touched, report)
    directories = tuple("" if t in ("./", "/") else t for t in touched if t.endswith("/"))

    def touches(path: str) -> bool:
        return path in touched or (bool(directories) and path.startswith(directories))

    report.findings = [
        finding
        for finding in report.findings
        if touches(finding.location.path)
        or any(touches(related.location.path) for related in finding.related)
    ]
    report.suppressions = [s for s in report.suppressions if touches(s.path)]
    return report


def _inside(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


_COMPOSE = re.compile(r"(?:docker-)?compose(?:[._-][^/]*)?\.ya?ml")
_OVERRIDE = re.compile(r"(?:docker-)?compose[._-][^/]*override[^/]*\.ya?ml")


def fed_compose_files(touched: set[str], report: Report) -> set[str]:
    """The Compose files a touched `.env`, `*.env` or override file feeds: the Compose
    files read in its directory, and any read Compose file that names it."""
    feeders = [t for t in touched if _feeds_compose(t.rsplit("/", 1)[-1])]
    if not feeders:
        return set()
    fed = set()
    composes = [p for p in report.sources if _COMPOSE.fullmatch(p.rsplit("/", 1)[-1])]
    for feeder in feeders:
        directory, _, name = feeder.rpartition("/")
        for compose in composes:
            if compose.rpartition("/")[0] == directory or name in report.sources[compose].text:
                fed.add(compose)
    return fed - touched


def _feeds_compose(name: str) -> bool:
    return name == ".env" or name.endswith(".env") or bool(_OVERRIDE.fullmatch(name))

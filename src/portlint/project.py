"""Changed-file mode (`--changed-files`, what the pre-commit hook runs).

Collisions span files: a port added to one compose file collides with a port in another
that did not change. So given file names, portlint reads the whole project around them
(the directory holding the config file, else the git repository root) and keeps only the
findings that touch a given file, at their own location or at a related one.
"""

from __future__ import annotations

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
    return [str(root), *outside, *(["-"] if "-" in paths else [])], touched


def only_touching(report: Report, touched: set[str]) -> Report:
    """Keep the findings located in, or related to, one of the `touched` files (or a
    file below a `touched` directory, written with a trailing slash)."""
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

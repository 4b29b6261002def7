"""Shared test helpers: run the engine on fixture paths and get comparable results."""

from __future__ import annotations

from pathlib import Path

from portlint.config import build_options
from portlint.engine import Report, check

FIXTURES = Path(__file__).parent / "fixtures"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"


def run(
    *paths: str | Path,
    config: dict | None = None,
    stdin: str | None = None,
    config_path: Path | None = None,
) -> Report:
    """The engine's report for paths (fixture-relative strings are resolved); `config_path`
    is where the config notionally lives (globs in it are relative to its directory)."""
    resolved = [str(p if Path(p).is_absolute() or str(p) == "-" else FIXTURES / p) for p in paths]
    options = build_options(config or {}, config_path)
    return check(resolved, options, stdin_text=stdin, debug=True)


def findings(
    *paths: str | Path,
    config: dict | None = None,
    stdin: str | None = None,
    rules: set[str] | None = None,
) -> list[tuple[str, str, int, int]]:
    """(rule, file name, line, column) of each finding, sorted as reported."""
    report = run(*paths, config=config, stdin=stdin)
    return [
        (f.rule, Path(f.location.path).name, f.location.line, f.location.column)
        for f in report.findings
        if rules is None or f.rule in rules
    ]
